//! The harness: start the real server, talk to it over HTTP and WebSocket.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use hoithi::app::{self, Config, Running};
use hoithi::domain::{AnswerKey, Points, Question, QuestionKind, TimeLimit};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub const ADMIN_PASSWORD: &str = "mat-khau-thu-nghiem";

pub struct TestApp {
    pub addr: SocketAddr,
    pub running: Option<Running>,
    pub dir: tempfile::TempDir,
    /// The signed-in organizer's cookie.
    pub cookie: String,
}

fn config(dir: &std::path::Path) -> Config {
    Config {
        port: 0,
        data_dir: dir.to_path_buf(),
        admin_password: Some(ADMIN_PASSWORD.into()),
        ..Config::defaults()
    }
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    start_in(dir).await
}

/// Starts a server on the database in `dir` (a new one, or one a stopped server left).
pub async fn start_in(dir: tempfile::TempDir) -> TestApp {
    let running = app::start(config(dir.path())).await.expect("server starts");
    let addr = running.addr;
    let mut app = TestApp {
        addr,
        running: Some(running),
        dir,
        cookie: String::new(),
    };
    app.cookie = app
        .sign_in("admin", ADMIN_PASSWORD)
        .await
        .expect("admin signs in");
    app
}

impl TestApp {
    pub fn store(&self) -> &hoithi::storage::Store {
        &self.running.as_ref().expect("running").store
    }

    /// Stops the server gracefully, keeping its database for a restart.
    pub async fn stop(mut self) -> tempfile::TempDir {
        self.running
            .take()
            .expect("running")
            .stop()
            .await
            .expect("clean stop");
        self.dir
    }

    pub async fn sign_in(&self, user: &str, password: &str) -> Result<String, (u16, Value)> {
        let resp = http(
            self.addr,
            "POST",
            "/api/session",
            None,
            Some(&json!({"username": user, "password": password})),
        )
        .await;
        if resp.status != 200 {
            return Err((resp.status, resp.json()));
        }
        let cookie = resp.header("set-cookie").expect("cookie");
        Ok(cookie.split(';').next().unwrap().to_owned())
    }

    pub async fn get(&self, path: &str) -> Response {
        http(self.addr, "GET", path, Some(&self.cookie), None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        http(self.addr, "POST", path, Some(&self.cookie), Some(body)).await
    }

    /// A quiz of `questions` owned by the admin, straight into the store (so tests choose
    /// time limits), and a game opened from it through the API.
    pub async fn open_game(&self, questions: &[Question], settings: Value) -> (i64, String) {
        let quiz = self
            .store()
            .create_quiz(1, "Bài kiểm tra", questions)
            .await
            .unwrap();
        let resp = self
            .post("/api/games", &json!({"quiz": quiz, "settings": settings}))
            .await;
        assert_eq!(resp.status, 200, "{}", resp.body);
        let v = resp.json();
        (
            v["id"].as_i64().unwrap(),
            v["pin"].as_str().unwrap().to_owned(),
        )
    }

    pub async fn player(&self, pin: &str, nickname: &str) -> Ws {
        let mut ws = Ws::connect(self.addr, None).await;
        ws.send(json!({"type": "join", "v": 1, "pin": pin, "nickname": nickname}))
            .await;
        let welcome = ws.recv().await;
        assert_eq!(welcome["type"], "welcome", "{welcome}");
        ws.token = welcome["token"].as_str().unwrap().to_owned();
        ws.welcome = welcome;
        ws
    }

    pub async fn host(&self, game: i64) -> Ws {
        let mut ws = Ws::connect(self.addr, Some(&self.cookie)).await;
        ws.send(json!({"type": "host", "v": 1, "game": game})).await;
        let welcome = ws.recv().await;
        assert_eq!(welcome["role"], "host", "{welcome}");
        ws.welcome = welcome;
        ws
    }
}

/// A single-choice question whose correct option is 1, with a short time limit.
pub fn question(id: &str, secs: u32) -> Question {
    Question {
        id: id.into(),
        bank: "test".into(),
        kind: QuestionKind::Single,
        text: format!("Câu hỏi {id}: mã OTP có được đưa cho người lạ không?"),
        image: None,
        options: vec![
            "Không bao giờ".into(),
            "Có, nếu họ hỏi lịch sự".into(),
            "Có, nếu là bạn bè".into(),
            "Có, qua Zalo".into(),
        ],
        key: AnswerKey::Options { ids: vec![1] },
        time_limit: TimeLimit::from_secs(secs).unwrap(),
        points: Points::Standard,
        difficulty: 1,
        explanation: "OTP chỉ dành cho chính chủ.".into(),
        source: "Công an TP.HCM (dantri.com.vn)".into(),
    }
}

pub struct Ws {
    pub stream: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>,
    pub token: String,
    pub welcome: Value,
}

pub const RECV_TIMEOUT: Duration = Duration::from_secs(15);

impl Ws {
    pub async fn connect(addr: SocketAddr, cookie: Option<&str>) -> Ws {
        let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
        if let Some(cookie) = cookie {
            request
                .headers_mut()
                .insert("cookie", cookie.parse().unwrap());
        }
        let (stream, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("websocket connects");
        Ws {
            stream,
            token: String::new(),
            welcome: Value::Null,
        }
    }

    pub async fn send(&mut self, v: Value) {
        self.send_text(&v.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.stream.send(Message::text(text)).await.expect("send");
    }

    /// The next JSON message (pings are answered by tungstenite). Panics after a timeout.
    pub async fn recv(&mut self) -> Value {
        self.try_recv(RECV_TIMEOUT)
            .await
            .expect("a message before the timeout")
    }

    /// The next JSON message, or `None` on timeout or close.
    pub async fn try_recv(&mut self, wait: Duration) -> Option<Value> {
        loop {
            let frame = tokio::time::timeout(wait, self.stream.next())
                .await
                .ok()??;
            match frame.ok()? {
                Message::Text(t) => {
                    return Some(serde_json::from_str(&t).expect("server sends JSON"))
                }
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// Skips messages until one of type `ty`, which it returns.
    pub async fn recv_type(&mut self, ty: &str) -> Value {
        loop {
            let msg = self.recv().await;
            if msg["type"] == ty {
                return msg;
            }
        }
    }

    pub async fn answer(&mut self, q: u64, option: u8) {
        self.send(json!({"type": "answer", "q": q, "answer": [option]}))
            .await;
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

/// A minimal HTTP/1.1 client: one request per connection, enough for JSON and downloads.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> Response {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        req.push_str("Content-Type: application/json\r\n");
    }
    if let Some(cookie) = cookie {
        req.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(&body);
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut bytes = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        bytes = dechunk(&bytes);
    }
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap().trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}
