//! `bare-broadcast`: the yardstick hoithi's live game is measured against (issue 18, «a faster
//! node»). It does the least any live-quiz server must do and nothing else: axum WebSockets
//! with the same small buffers as hoithi, one task per connection, each question encoded once
//! and handed to every connection through a `tokio::sync::broadcast`, and an answer
//! acknowledged the moment it is read: no database, no scoring, no rate limits, no sessions.
//!
//! It speaks the few messages `loadtest --bare` sends (`join`, `resume`, `host`, `start`,
//! `next`, `answer`) with the shapes of docs/protocol.md, so the same players, host screen and
//! figures run against it and against hoithi, one after the other on the same machine:
//!
//! ```sh
//! target/release/bare-broadcast --port 8383 &
//! target/release/loadtest --bare --url http://127.0.0.1:8383 --players 19000 --questions 5
//! ```
//!
//! A question closes after `--time-limit` (its reveal goes to everyone), `next` shows the
//! leaderboard to the host, the `next` after it opens the next question or, after the last,
//! ends the game (`final` to the players, `podium` to the host).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use clap::Parser;
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};

#[derive(Parser, Debug)]
#[command(
    name = "bare-broadcast",
    about = "A bare WebSocket broadcast quiz server: the yardstick for hoithi's live game"
)]
struct Args {
    #[arg(long, default_value_t = 8383)]
    port: u16,
    /// How long each question stays open.
    #[arg(long, default_value = "15s", value_parser = parse_secs)]
    time_limit: Duration,
    /// Questions of the quiz (`loadtest --bare --questions` must say the same).
    #[arg(long, default_value_t = 5)]
    questions: usize,
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    s.trim_end_matches('s')
        .parse::<f64>()
        .map(Duration::from_secs_f64)
        .map_err(|_| format!("a number of seconds like 15s, not {s}"))
}

/// What every connection shares.
struct Game {
    /// Questions, reveals and the end, encoded once for everyone.
    all: broadcast::Sender<Utf8Bytes>,
    /// The host's commands to the game's task.
    commands: mpsc::UnboundedSender<String>,
    /// The host screen's own queue (reveal, leaderboard, podium).
    host: Mutex<Option<mpsc::UnboundedSender<Utf8Bytes>>>,
    /// The question a resuming phone is shown, while one is open.
    open: Mutex<Option<Value>>,
    players: AtomicU64,
    answers: AtomicU64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // A small channel, as hoithi's per-connection queue: a phone that falls this far behind
    // misses messages (here: counted as lagged) rather than holding memory.
    let (all, _) = broadcast::channel(16);
    let (commands, rx) = mpsc::unbounded_channel();
    let game = Arc::new(Game {
        all,
        commands,
        host: Mutex::new(None),
        open: Mutex::new(None),
        players: AtomicU64::new(0),
        answers: AtomicU64::new(0),
    });
    tokio::spawn(run_game(game.clone(), rx, args.time_limit, args.questions));
    let app = Router::new().route("/ws", get(upgrade)).with_state(game);
    // The same listen backlog as hoithi: thousands of phones join within seconds.
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], args.port)))?;
    let listener = socket.listen(4096)?;
    // The port it got (with `--port 0`, the kernel's pick): a test reads it from this line.
    eprintln!(
        "bare-broadcast listening on http://127.0.0.1:{}/",
        listener.local_addr()?.port()
    );
    axum::serve(listener, app).await?;
    Ok(())
}

async fn upgrade(ws: WebSocketUpgrade, State(game): State<Arc<Game>>) -> Response {
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .on_upgrade(move |socket| connection(socket, game))
}

/// One connection: the first message says who it is.
async fn connection(mut socket: WebSocket, game: Arc<Game>) {
    let Some(Ok(Message::Text(first))) = socket.recv().await else {
        return;
    };
    let hello: Value = serde_json::from_str(&first).unwrap_or_default();
    match hello["type"].as_str() {
        Some("host") => host(socket, game).await,
        Some("join" | "resume") => player(socket, game, hello["type"] == "resume").await,
        _ => {}
    }
}

async fn host(mut socket: WebSocket, game: Arc<Game>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    *game.host.lock().expect("not poisoned") = Some(tx);
    let welcome = json!({"type": "welcome", "v": 1, "role": "host"}).to_string();
    if socket.send(Message::text(welcome)).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            frame = socket.recv() => match frame {
                Some(Ok(Message::Text(text))) => {
                    let msg: Value = serde_json::from_str(&text).unwrap_or_default();
                    let _ = game.commands.send(msg["type"].as_str().unwrap_or_default().to_owned());
                }
                Some(Ok(_)) => {}
                _ => return,
            },
            Some(text) = rx.recv() => if socket.send(Message::Text(text)).await.is_err() { return },
        }
    }
}

async fn player(mut socket: WebSocket, game: Arc<Game>, resumed: bool) {
    // Subscribed before the welcome, so nothing sent after it is missed.
    let mut all = game.all.subscribe();
    if !resumed {
        game.players.fetch_add(1, Relaxed);
    }
    let state = match game.open.lock().expect("not poisoned").clone() {
        Some(question) => json!({"phase": "question", "answered": false, "question": question}),
        None => json!({"phase": "lobby", "locked": false}),
    };
    let token = game.players.load(Relaxed).to_string();
    let welcome =
        json!({"type": "welcome", "v": 1, "role": "player", "token": token, "state": state});
    if socket
        .send(Message::text(welcome.to_string()))
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            frame = socket.recv() => match frame {
                Some(Ok(Message::Text(text))) => {
                    let msg: Value = serde_json::from_str(&text).unwrap_or_default();
                    if msg["type"] == "answer" {
                        game.answers.fetch_add(1, Relaxed);
                        let receipt = json!({"type": "receipt", "q": msg["q"]}).to_string();
                        if socket.send(Message::text(receipt)).await.is_err() { return }
                    }
                }
                Some(Ok(_)) => {}
                _ => return,
            },
            out = all.recv() => match out {
                Ok(text) => {
                    let last = text.as_str().contains("\"type\":\"final\"");
                    if socket.send(Message::Text(text)).await.is_err() || last { return }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}

/// The game's task: opens, closes and ends questions as the host commands and the clock say.
async fn run_game(
    game: Arc<Game>,
    mut commands: mpsc::UnboundedReceiver<String>,
    limit: Duration,
    questions: usize,
) {
    let to_host = |msg: Value| {
        if let Some(host) = game.host.lock().expect("not poisoned").as_ref() {
            let _ = host.send(Utf8Bytes::from(msg.to_string()));
        }
    };
    let mut q = 0;
    // Every question is opened by a command: `start`, then the second `next` after a reveal.
    while let Some(command) = commands.recv().await {
        if !matches!(command.as_str(), "start" | "next") {
            continue;
        }
        if q == questions {
            let _ = game.all.send(Utf8Bytes::from(
                json!({"type": "final", "rank": 1, "players": game.players.load(Relaxed)})
                    .to_string(),
            ));
            to_host(json!({"type": "podium", "top": []}));
            eprintln!(
                "game over: {} players, {} answers acknowledged",
                game.players.load(Relaxed),
                game.answers.load(Relaxed)
            );
            q = 0;
            continue;
        }
        let question = question(q, questions, limit);
        *game.open.lock().expect("not poisoned") = Some(question.clone());
        let before = game.answers.load(Relaxed);
        let _ = game.all.send(Utf8Bytes::from(question.to_string()));
        tokio::time::sleep(limit).await;
        *game.open.lock().expect("not poisoned") = None;
        let answered = game.answers.load(Relaxed) - before;
        let reveal = json!({"type": "reveal", "q": q, "correct": [1], "answered": answered});
        let _ = game.all.send(Utf8Bytes::from(reveal.to_string()));
        to_host(reveal);
        // The host's `next` after the reveal shows the leaderboard; the one after that opens
        // the next question.
        while let Some(command) = commands.recv().await {
            if command == "next" {
                to_host(json!({"type": "leaderboard", "q": q, "top": []}));
                break;
            }
        }
        q += 1;
    }
}

/// Question `q`, about as long as a bank question (hoithi's are 300–600 bytes on the wire).
/// The right option is «A» (`loadtest --bare`'s answer key).
fn question(q: usize, total: usize, limit: Duration) -> Value {
    let ms = limit.as_millis() as u64;
    json!({
        "type": "question", "seq": q * 3 + 1, "q": q, "number": q + 1, "total": total,
        "kind": "single",
        "text": "Khi nhận được tin nhắn lạ yêu cầu cung cấp mã OTP để nhận quà, em nên làm gì trước tiên?",
        "image": null,
        "options": [
            {"id": 1, "text": "A"},
            {"id": 2, "text": "Gửi mã OTP cho người nhắn để nhận quà"},
            {"id": 3, "text": "Bấm vào đường link trong tin nhắn để kiểm tra"},
            {"id": 4, "text": "Chuyển tiếp tin nhắn cho bạn bè cùng nhận"}
        ],
        "time_limit_ms": ms, "remaining_ms": ms, "points": 1000
    })
}
