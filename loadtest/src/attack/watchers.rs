//! Anonymous WebSocket connections that `watch` boards, as the red team's flood did: most
//! ask for boards nobody has (made-up contexts, or made-up units of the real round), the
//! rest for the eight real boards of the round. Each connection sends its eight watches in
//! every wave, keeps reading between waves (a viewer that stops reading is dropped by the
//! server, and that would not be the server's doing), and, if the server closed it, comes
//! back at the next wave.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio::sync::{watch, Semaphore};
use tokio_tungstenite::tungstenite::Message;

use hoithi_loadtest::ws::Ws;

use super::bursts::Bursts;
use super::tally::Tally;
use crate::clock::stopped;
use hoithi_loadtest::ws::connect_error;

/// Watches a connection sends in each wave: the server's per-connection cap.
pub const WATCHES_PER_WAVE: usize = 8;

/// How long a wave's replies are waited for before the connection goes idle again.
const REPLY_WAIT: Duration = Duration::from_secs(15);

/// What every watcher shares.
pub struct Watchers {
    pub server: SocketAddr,
    pub total: usize,
    /// Connections `0..made_up` ask for boards that do not exist.
    pub made_up: usize,
    /// The real round's context and its boards.
    pub context: String,
    pub scopes: Vec<String>,
    pub tally: Arc<Tally>,
    pub bursts: Arc<Bursts>,
    /// Bounds the connections being opened at once.
    pub gate: Arc<Semaphore>,
}

impl Watchers {
    /// The watches of connection `i` in wave `wave`.
    pub fn watches(&self, i: usize, wave: u64) -> Vec<Value> {
        (0..WATCHES_PER_WAVE)
            .map(|k| {
                let (context, scope) = if i >= self.made_up && !self.scopes.is_empty() {
                    (
                        self.context.clone(),
                        self.scopes[k % self.scopes.len()].clone(),
                    )
                } else if k % 2 == 0 {
                    (format!("bia-{i}-{wave}-{k}"), "province".to_owned())
                } else {
                    (self.context.clone(), format!("school/BIA{i}W{wave}K{k}"))
                };
                json!({"type": "watch", "v": 1, "context": context, "scope": scope, "limit": 10})
            })
            .collect()
    }
}

/// One watcher connection, from `source`, for every wave until `stop`.
pub async fn watcher(
    all: Arc<Watchers>,
    i: usize,
    source: IpAddr,
    mut waves: watch::Receiver<u64>,
    mut stop: watch::Receiver<bool>,
) {
    let tally = &all.tally;
    let mut conn: Option<Ws> = None;
    loop {
        let Some(wave) = idle(&mut conn, &mut waves, &mut stop, tally).await else {
            return;
        };
        if conn.is_none() {
            let opened = {
                let Ok(_permit) = all.gate.acquire().await else {
                    return;
                };
                tokio::time::timeout(
                    Duration::from_secs(10),
                    Ws::connect_from(all.server, Some(source), None),
                )
                .await
            };
            match opened {
                Ok(Ok(ws)) => conn = Some(ws),
                Ok(Err(e)) => {
                    tally.outcome(&connect_error(&e));
                    continue;
                }
                Err(_) => {
                    tally.outcome("connect: no answer in 10 s");
                    continue;
                }
            }
        }
        let Some(ws) = conn.as_mut() else { continue };
        let watches = all.watches(i, wave);
        let sent_at = Instant::now();
        let mut sent = 0;
        for w in &watches {
            if ws.send(w).await.is_err() {
                break;
            }
            sent += 1;
        }
        tally.sent(sent);
        if sent < watches.len() as u64 {
            tally.outcome("closed by the server");
            conn = None;
            continue;
        }
        let answered = || all.bursts.answered(wave);
        if !replies(ws, sent, sent_at, &mut stop, tally, answered).await {
            conn = None;
        }
    }
}

/// Reads the replies to `expected` watches sent at `sent_at`, calling `answered` at each;
/// false when the connection is gone.
async fn replies(
    ws: &mut Ws,
    expected: u64,
    sent_at: Instant,
    stop: &mut watch::Receiver<bool>,
    tally: &Tally,
    answered: impl Fn(),
) -> bool {
    let until = tokio::time::Instant::from_std(sent_at + REPLY_WAIT);
    let mut got = 0;
    while got < expected {
        let frame = tokio::select! {
            _ = stopped(stop) => {
                tally.outcome("no reply yet when the game ended");
                return true;
            }
            _ = tokio::time::sleep_until(until) => {
                for _ in got..expected {
                    tally.outcome("no reply in 15 s");
                }
                return true;
            }
            frame = ws.stream.next() => frame,
        };
        let micros = sent_at.elapsed().as_micros() as u64;
        answered();
        match frame {
            Some(Ok(Message::Text(text))) => {
                got += 1;
                let msg: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                let outcome = match msg["type"].as_str() {
                    Some("board") => "board".to_owned(),
                    Some("error") => format!("error {}", msg["code"].as_str().unwrap_or("?")),
                    other => format!("unexpected {}", other.unwrap_or("non-JSON")),
                };
                tally.answered(&outcome, micros);
            }
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                tally.answered("closed by the server", micros);
                return false;
            }
            Some(Ok(_)) => {}
        }
    }
    true
}

/// Keeps the connection read until the next wave and returns its number; `None` when the
/// siege stops. A connection the server closes meanwhile is counted and let go. Waves are
/// numbered from 1: a receiver made before the first has seen none.
async fn idle(
    conn: &mut Option<Ws>,
    waves: &mut watch::Receiver<u64>,
    stop: &mut watch::Receiver<bool>,
    tally: &Tally,
) -> Option<u64> {
    loop {
        let frame = async {
            match conn.as_mut() {
                Some(ws) => ws.stream.next().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = stopped(stop) => return None,
            changed = waves.changed() => {
                return changed.ok().map(|()| *waves.borrow_and_update());
            }
            frame = frame => match frame {
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    tally.outcome("closed by the server between waves");
                    *conn = None;
                }
            },
        }
    }
}
