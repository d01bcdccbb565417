//! The harness: start the real server, talk to it over HTTP and WebSocket.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use hoithi::app::{self, Config, Running};
use hoithi::domain::{AccountId, AnswerKey, Points, Question, QuestionKind, TimeLimit};
use serde_json::{json, Value};
use std::ops::{Deref, DerefMut};

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
        database: hoithi::app::DatabaseArgs {
            data_dir: dir.to_path_buf(),
            database_url: Some(crate::database::url_for(dir)),
        },
        admin_password: Some(ADMIN_PASSWORD.into()),
        ..Config::defaults()
    }
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    start_in(dir).await
}

/// A server whose configuration `change` adjusts (a limit raised or lowered for a test).
pub async fn spawn_app_with(change: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = config(dir.path());
    change(&mut config);
    start_with(dir, config).await
}

/// The Redis the tests use: `HOITHI_TEST_REDIS_URL` (set by scripts/test.sh, which starts one
/// when none runs), else the machine's default. Tests that need it fail without it.
pub fn redis_url() -> String {
    std::env::var("HOITHI_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Removes the boards of a ranking context from the shared Redis when a test ends, pass or
/// fail (tests use a fresh context each, so they never see each other's boards).
pub struct BoardsCleanup(pub String);

impl Drop for BoardsCleanup {
    fn drop(&mut self) {
        let Ok(client) = redis::Client::open(redis_url()) else {
            return;
        };
        let Ok(mut conn) = client.get_connection() else {
            return;
        };
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("hoithi:lb:{}/*", self.0))
            .query(&mut conn)
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: redis::RedisResult<()> = redis::cmd("DEL").arg(keys).query(&mut conn);
        }
    }
}

/// A server whose leaderboards are in Redis.
pub async fn spawn_app_with_redis() -> TestApp {
    spawn_app_with_redis_at(&redis_url()).await
}

/// A server whose leaderboards are in the Redis at `url`.
pub async fn spawn_app_with_redis_at(url: &str) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        redis_url: Some(url.to_owned()),
        ..config(dir.path())
    };
    start_with(dir, config).await
}

/// Starts a server on the database in `dir` (a new one, or one a stopped server left).
pub async fn start_in(dir: tempfile::TempDir) -> TestApp {
    let config = config(dir.path());
    start_with(dir, config).await
}

async fn start_with(dir: tempfile::TempDir, config: Config) -> TestApp {
    let running = app::start(config).await.expect("server starts");
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

    /// Uploads a file's bytes, as the organizer's page does.
    pub async fn upload(&self, path: &str, bytes: &[u8]) -> Response {
        hoithi_loadtest::http::request_bytes(
            self.addr,
            "POST",
            path,
            Some(&self.cookie),
            Some(("application/octet-stream", bytes)),
        )
        .await
        .expect("HTTP request")
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        http(self.addr, "POST", path, Some(&self.cookie), Some(body)).await
    }

    /// A quiz of `questions` owned by the admin, straight into the store (so tests choose
    /// time limits), and a game opened from it through the API.
    pub async fn open_game(&self, questions: &[Question], settings: Value) -> (i64, String) {
        let quiz = self
            .store()
            .create_quiz(AccountId::new(1), "Bài kiểm tra", questions)
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
        ws.join_as(pin, nickname).await;
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

/// The options of [`question`], in the bank's order: option 1 is right.
pub const OPTIONS: [&str; 4] = [
    "Không bao giờ",
    "Có, nếu họ hỏi lịch sự",
    "Có, nếu là bạn bè",
    "Có, qua Zalo",
];

/// A single-choice question whose correct option is 1, with a short time limit.
pub fn question(id: &str, secs: u32) -> Question {
    Question {
        id: id.into(),
        bank: "test".into(),
        kind: QuestionKind::Single,
        text: format!("Câu hỏi {id}: mã OTP có được đưa cho người lạ không?"),
        image: None,
        options: OPTIONS.map(Into::into).to_vec(),
        key: AnswerKey::Options { ids: vec![1] },
        time_limit: TimeLimit::from_secs(secs).unwrap(),
        points: Points::Standard,
        difficulty: 1,
        explanation: "OTP chỉ dành cho chính chủ.".into(),
        source: "Công an TP.HCM (dantri.com.vn)".into(),
    }
}

/// A protocol client whose helpers fail the test instead of returning errors.
pub struct Ws(pub hoithi_loadtest::ws::Ws, Shown);

/// The options of the questions this client was shown (`question` messages and `welcome`
/// snapshots), by question index: each game shows its own option ids, so a test that means
/// «the bank's option 1» finds that option's id here by its text.
#[derive(Default)]
pub struct Shown(HashMap<u64, Vec<(u64, String)>>);

impl Shown {
    fn note(&mut self, msg: &Value) {
        let question = match msg["type"].as_str() {
            Some("question") => msg,
            Some("welcome") => &msg["state"]["question"],
            _ => return,
        };
        let (Some(q), Some(options)) = (question["q"].as_u64(), question["options"].as_array())
        else {
            return;
        };
        let options = options
            .iter()
            .filter_map(|o| Some((o["id"].as_u64()?, o["text"].as_str()?.to_owned())))
            .collect();
        self.0.insert(q, options);
    }

    /// The id this client was shown for the option `text` of question `q`.
    pub fn id_of(&self, q: u64, text: &str) -> Option<u64> {
        self.0
            .get(&q)?
            .iter()
            .find(|(_, t)| t == text)
            .map(|&(id, _)| id)
    }
}

impl Deref for Ws {
    type Target = hoithi_loadtest::ws::Ws;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Ws {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

pub const RECV_TIMEOUT: Duration = Duration::from_secs(15);

impl From<hoithi_loadtest::ws::Ws> for Ws {
    fn from(ws: hoithi_loadtest::ws::Ws) -> Ws {
        Ws(ws, Shown::default())
    }
}

impl Ws {
    pub async fn connect(addr: SocketAddr, cookie: Option<&str>) -> Ws {
        Ws::from(
            hoithi_loadtest::ws::Ws::connect(addr, cookie)
                .await
                .expect("websocket connects"),
        )
    }

    pub async fn send(&mut self, v: Value) {
        self.0.send(&v).await.expect("send");
    }

    pub async fn send_text(&mut self, text: &str) {
        self.0.send_text(text).await.expect("send");
    }

    /// The next JSON message, or `None` on timeout or close.
    pub async fn try_recv(&mut self, wait: Duration) -> Option<Value> {
        let msg = self.0.try_recv(wait).await?;
        self.1.note(&msg);
        Some(msg)
    }

    /// The next JSON message. Fails the test after a timeout.
    pub async fn recv(&mut self) -> Value {
        self.try_recv(RECV_TIMEOUT)
            .await
            .expect("a message before the timeout")
    }

    /// Skips messages until one of type `ty`, which it returns.
    pub async fn recv_type(&mut self, ty: &str) -> Value {
        let deadline = tokio::time::Instant::now() + RECV_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.try_recv(left).await {
                Some(msg) if msg["type"] == ty => return msg,
                Some(_) => {}
                None => panic!("no {ty} before the timeout"),
            }
        }
    }

    /// Joins `pin` as `nickname` (the protocol client's `join`, which keeps the token); fails
    /// the test if the answer is not a welcome.
    pub async fn join_as(&mut self, pin: &str, nickname: &str) {
        if let Err(reply) = self.0.join(pin, nickname).await {
            panic!("{nickname}: no welcome but {reply}");
        }
        let welcome = self.0.welcome.clone();
        self.1.note(&welcome);
    }

    /// Comes back as the player of `token` (the protocol client's `resume`), noting the
    /// question the welcome shows; `Err` carries the server's answer.
    pub async fn resume_as(&mut self, token: &str) -> Result<(), Value> {
        self.0.resume(token).await?;
        let welcome = self.0.welcome.clone();
        self.1.note(&welcome);
        Ok(())
    }

    /// The options this client was shown, by question.
    pub fn shown(&self) -> &Shown {
        &self.1
    }

    /// Answers question `q` with option `option` (1-based) of [`question`]'s list in the
    /// bank's order, under the id this game showed for it. The question must have reached
    /// this client (a `question` or a `welcome` snapshot).
    pub async fn answer(&mut self, q: u64, option: u8) {
        let text = OPTIONS[usize::from(option) - 1];
        let id = self
            .1
            .id_of(q, text)
            .unwrap_or_else(|| panic!("question {q} with option «{text}» was not shown here"));
        self.send(json!({"type": "answer", "q": q, "answer": [id]}))
            .await;
    }
}

pub use hoithi_loadtest::http::Response;

pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> Response {
    hoithi_loadtest::http::request(addr, method, path, cookie, body)
        .await
        .expect("HTTP request")
}
