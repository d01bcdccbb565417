//! Real processes for the fault tests: the `hoithi` binary on a temporary data folder, a
//! private redis-server, the server's resident memory, and WebSocket clients that choose
//! their source address (a second "school" on 127.0.0.2) and their receive buffer.

use std::io::{BufRead, BufReader, Read};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hoithi::domain::{AccountId, Question};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::MaybeTlsStream;

use crate::helpers::{http, Response, Ws, ADMIN_PASSWORD};

/// How long the binary may take to start listening (a loaded CI machine, a cold disk).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A port nobody listens on right now (for processes that cannot be told port 0).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The `hoithi` binary serving on a port of its choice, killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    /// Everything the process wrote to stderr so far (its log).
    pub stderr: Arc<Mutex<String>>,
    /// The organizer's session cookie.
    pub cookie: String,
}

/// The command that runs the binary on `dir`, with no configuration from the environment the
/// tests run in (a developer's REDIS_URL must not leak into a test).
pub fn hoithi(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hoithi"));
    cmd.arg("serve")
        .args(["--port", "0", "--data-dir"])
        .arg(dir)
        .env("HOITHI_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("HOITHI_LOG", "hoithi=info,warn")
        .env_remove("REDIS_URL")
        .env("DATABASE_URL", crate::database::url_for(dir))
        .env_remove("HOITHI_PORT")
        .env_remove("HOITHI_BIND")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Collects a pipe into a string on a thread of its own, so the child never blocks on it.
fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    out
}

impl Server {
    /// Starts `hoithi serve` on `dir` and returns once it listens and the organizer is signed in.
    pub async fn start(dir: &Path) -> Server {
        Server::start_with(hoithi(dir)).await
    }

    pub async fn start_with(mut cmd: Command) -> Server {
        let mut child = cmd.spawn().expect("the hoithi binary starts");
        let stderr = collect(child.stderr.take().expect("stderr"));
        // The server prints its address on stdout once it listens.
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.trim().strip_prefix("hoithi: http://") {
                    let addr = rest.split('/').next().unwrap_or_default().to_owned();
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(addr);
                    }
                }
            }
        });
        let addr = match tokio::time::timeout(START_TIMEOUT, rx).await {
            Ok(Ok(addr)) => addr.parse().expect("a socket address"),
            _ => {
                let _ = child.kill();
                panic!(
                    "hoithi did not start listening; its log:\n{}",
                    stderr.lock().unwrap()
                );
            }
        };
        let cookie = sign_in(addr).await;
        Server {
            child,
            addr,
            stderr,
            cookie,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub async fn get(&self, path: &str) -> Response {
        http(self.addr, "GET", path, Some(&self.cookie), None).await
    }

    /// [`open_game_at`] this server, as its signed-in organizer.
    pub async fn open_game(&self, dir: &Path, questions: &[Question]) -> (i64, String) {
        open_game_at(self.addr, &self.cookie, dir, questions).await
    }

    pub async fn host(&self, game: i64) -> Ws {
        let mut ws = Ws::connect(self.addr, Some(&self.cookie)).await;
        ws.send(json!({"type": "host", "v": 1, "game": game})).await;
        let welcome = ws.recv().await;
        assert_eq!(welcome["role"], "host", "{welcome}");
        ws.welcome = welcome;
        ws
    }

    /// Sends SIGTERM, as systemd or `docker stop` does.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM {}", self.pid());
    }

    /// Waits for the process to exit, at most `limit`.
    pub async fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        wait_exit(&mut self.child, limit).await
    }

    /// The server's resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        rss_kib(self.pid())
    }

    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

/// Signs the first organizer in at `addr` (a node, or the proxy in front of the nodes) and
/// returns the session cookie.
pub async fn sign_in(addr: SocketAddr) -> String {
    let body = json!({"username": "admin", "password": ADMIN_PASSWORD});
    let resp = http(addr, "POST", "/api/session", None, Some(&body)).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    resp.header("set-cookie")
        .expect("cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// A quiz of `questions` written into the database of `dir` from this process (SQLite in WAL
/// mode takes a second process), so tests choose time limits. Returns its id.
pub async fn quiz_at(dir: &Path, questions: &[Question]) -> i64 {
    let store = hoithi::storage::Store::open(&crate::database::url_for(dir))
        .await
        .expect("the server's database opens from the test");
    let quiz = store
        .create_quiz(AccountId::new(1), "Bài kiểm tra", questions)
        .await
        .expect("quiz stored");
    store.close().await;
    quiz
}

/// A [`quiz_at`] `dir`, then a game opened from it through the API at `addr` with the
/// organizer's `cookie`. Returns the game's id and PIN.
pub async fn open_game_at(
    addr: SocketAddr,
    cookie: &str,
    dir: &Path,
    questions: &[Question],
) -> (i64, String) {
    let quiz = quiz_at(dir, questions).await;
    let body = json!({"quiz": quiz, "settings": {}});
    let resp = http(addr, "POST", "/api/games", Some(cookie), Some(&body)).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let v = resp.json();
    (
        v["id"].as_i64().unwrap(),
        v["pin"].as_str().unwrap().to_owned(),
    )
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn wait_exit(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let until = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        if Instant::now() > until {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// VmRSS of a process, in KiB (Linux).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

/// A private redis-server on a free port, with extra arguments; killed when dropped.
pub struct Redis {
    child: Child,
    pub port: u16,
    pub url: String,
}

impl Redis {
    pub async fn start(args: &[&str]) -> Redis {
        Redis::start_on(free_port(), args).await
    }

    /// On a given port: a Redis coming back on the address it died on.
    pub async fn start_on(port: u16, args: &[&str]) -> Redis {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is installed");
        let redis = Redis {
            child,
            port,
            url: format!("redis://127.0.0.1:{port}"),
        };
        let until = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(mut s) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = [0u8; 16];
                if s.write_all(b"PING\r\n").await.is_ok()
                    && matches!(s.read(&mut buf).await, Ok(n) if buf[..n].starts_with(b"+PONG"))
                {
                    return redis;
                }
            }
            assert!(Instant::now() < until, "redis-server did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Redis {
    /// SIGKILL: no goodbye, nothing saved.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebSocket client to `server` from the source address `from` (127.0.0.0/8 has them all,
/// so a second school behind its own NAT address is 127.0.0.2), with a receive buffer of
/// `recv_buffer` bytes when given (a phone that stops reading fills it quickly).
pub async fn ws_from(
    server: SocketAddr,
    from: IpAddr,
    recv_buffer: Option<u32>,
) -> std::io::Result<Ws> {
    let raw = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    if let Some(size) = recv_buffer {
        // Before connecting, so the peer sees a small window and small segments from the
        // start. Loopback's 64 KiB segments would let the server's kernel queue megabytes for
        // a phone that does not read; a real phone's link has segments of about 1.4 KB.
        raw.set_recv_buffer_size(size as usize)?;
        raw.set_tcp_mss(536)?;
    }
    raw.set_nonblocking(true)?;
    let socket = tokio::net::TcpSocket::from_std_stream(raw.into());
    socket.bind(SocketAddr::new(from, 0))?;
    let stream = socket.connect(server).await?;
    let request = format!("ws://{server}/ws")
        .into_client_request()
        .map_err(std::io::Error::other)?;
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let (stream, _) = tokio_tungstenite::client_async_with_config(
        request,
        MaybeTlsStream::Plain(stream),
        Some(config),
    )
    .await
    .map_err(std::io::Error::other)?;
    Ok(Ws::from(hoithi_loadtest::ws::Ws {
        stream,
        token: String::new(),
        welcome: Value::Null,
    }))
}

/// Joins `pin` as `nickname` from the address `from`.
pub async fn join_from(server: SocketAddr, from: IpAddr, pin: &str, nickname: &str) -> Ws {
    let mut ws = ws_from(server, from, None).await.expect("connects");
    ws.join_as(pin, nickname).await;
    ws
}

/// How many files (sockets included) a process has open (Linux).
pub fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("/proc fd")
        .count()
}

/// A WebSocket to `addr` as a browser on the server's own pages opens it: with
/// `Origin: http://{addr}` (the server compares it with the `Host` it is given, so behind a
/// proxy this proves the proxy passes `Host` with its port), and the organizer's `cookie`.
pub async fn browser_ws(addr: SocketAddr, cookie: Option<&str>) -> Ws {
    let mut request = format!("ws://{addr}/ws")
        .into_client_request()
        .expect("a WebSocket request");
    let headers = request.headers_mut();
    headers.insert("origin", format!("http://{addr}").parse().unwrap());
    if let Some(cookie) = cookie {
        headers.insert("cookie", cookie.parse().expect("a cookie header"));
    }
    let tcp = tokio::net::TcpStream::connect(addr)
        .await
        .expect("websocket connects");
    tcp.set_nodelay(true).unwrap();
    let config = WebSocketConfig::default()
        .read_buffer_size(8 * 1024)
        .write_buffer_size(0);
    let (stream, _) = tokio_tungstenite::client_async_with_config(
        request,
        MaybeTlsStream::Plain(tcp),
        Some(config),
    )
    .await
    .expect("the upgrade is accepted");
    Ws::from(hoithi_loadtest::ws::Ws {
        stream,
        token: String::new(),
        welcome: Value::Null,
    })
}

/// How many TCP connections on this machine are established to the local port `port`
/// (Linux, IPv4): the connections a server listening there has accepted and still holds.
pub fn established_to(port: u16) -> usize {
    let table = std::fs::read_to_string("/proc/net/tcp").expect("/proc/net/tcp");
    let local_port = format!(":{port:04X}");
    table
        .lines()
        .skip(1)
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // local_address is `ADDR:PORT` in hex; state 01 is ESTABLISHED.
            fields.len() > 3 && fields[1].ends_with(&local_port) && fields[3] == "01"
        })
        .count()
}
