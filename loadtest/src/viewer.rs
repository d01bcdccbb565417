//! One ranking viewer: `watch`es a board and notes when each posted batch of results becomes
//! visible. Every batch puts a marker student on top of the board with a score that names the
//! batch, so the first line of a `board` message says which batch it shows.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio::sync::{watch, Semaphore};
use tokio_tungstenite::tungstenite::Message;

use crate::clock::{now_us, stopped};
use crate::player::error_code;
use crate::recorder::Recorder;
use hoithi_loadtest::ws::connect_error;
use hoithi_loadtest::ws::Ws;

/// The marker's score for batch `n` is `MARK_SCORE + n`: above any random student's score
/// (below 10,000) and within what a ranking holds exactly (2,097,151; the server refuses more).
pub const MARK_SCORE: i64 = 1_000_000;

pub struct Board {
    pub server: SocketAddr,
    pub context: String,
    pub scope: String,
    pub limit: u32,
    pub rec: Arc<Recorder>,
    pub gate: Arc<Semaphore>,
}

pub async fn watch_board(
    board: Arc<Board>,
    source: Option<IpAddr>,
    mut stop: watch::Receiver<bool>,
) {
    let rec = &board.rec;
    let started = now_us();
    let mut ws = {
        let Ok(_permit) = board.gate.acquire().await else {
            return;
        };
        let mut ws = match Ws::connect_from(board.server, source, None).await {
            Ok(ws) => ws,
            Err(e) => return rec.join_failed(&connect_error(&e)),
        };
        let watch = json!({"type": "watch", "v": 1, "context": board.context,
                           "scope": board.scope, "limit": board.limit});
        if ws.send(&watch).await.is_err() {
            return rec.join_failed("watch: send failed");
        }
        match ws.try_recv(std::time::Duration::from_secs(60)).await {
            Some(first) if first["type"] == "board" => ws,
            other => {
                return rec.join_failed(&format!(
                    "watch: {}",
                    error_code(&other.unwrap_or(Value::Null))
                ))
            }
        }
    };
    rec.joined(started, now_us());
    let mut last_seen: Option<u64> = None;
    loop {
        let frame = tokio::select! {
            _ = stopped(&mut stop) => return,
            frame = ws.stream.next() => frame,
        };
        let text = match frame {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return rec.error("connection lost"),
        };
        let Ok(msg) = serde_json::from_str::<Value>(&text) else {
            rec.error("not JSON");
            continue;
        };
        if msg["type"] != "board" {
            rec.error(&format!("unexpected {}", msg["type"]));
            continue;
        }
        rec.update();
        let top = msg["lines"][0]["keys"][0].as_i64().unwrap_or(0);
        if let Some(batch) = top
            .checked_sub(MARK_SCORE)
            .and_then(|b| u64::try_from(b).ok())
        {
            if last_seen.is_none_or(|last| batch > last) {
                rec.received(batch, now_us());
                last_seen = Some(batch);
            }
        }
    }
}
