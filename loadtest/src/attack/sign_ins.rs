//! Sign-ins with names nobody has, all at once: each costs the server a password hash (it
//! hashes for unknown names too, so that timing does not tell which names exist), which is
//! what the red team used to take the server to 3.97 GB.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::watch;
use tokio::task::JoinSet;

use hoithi_loadtest::http::request_from;

use super::bursts::Bursts;
use super::sources;
use super::tally::{http_outcome, io_outcome, Tally};
use crate::clock::stopped;

/// Longer than any sign-in takes on a server that bounds its hashing.
const ANSWER_WAIT: Duration = Duration::from_secs(30);

/// Wave `wave`'s `count` sign-ins, sent at once; returns when all are answered, have timed
/// out, or the siege stops.
pub async fn wave(
    server: SocketAddr,
    wave: u64,
    count: usize,
    tally: Arc<Tally>,
    bursts: Arc<Bursts>,
    stop: watch::Receiver<bool>,
) {
    let mut set = JoinSet::new();
    for i in 0..count {
        let (tally, bursts, mut stop) = (tally.clone(), bursts.clone(), stop.clone());
        set.spawn(async move {
            let source = sources::sign_in(wave, i, count);
            let body = json!({"username": format!("khach-{wave}-{i}"), "password": "doan-mo-thoi"})
                .to_string();
            let started = Instant::now();
            tally.sent(1);
            let post = request_from(
                server,
                Some(source),
                "POST",
                "/api/session",
                None,
                Some(("application/json", body.as_bytes())),
            );
            tokio::select! {
                _ = stopped(&mut stop) => tally.outcome("no answer yet when the game ended"),
                answer = tokio::time::timeout(ANSWER_WAIT, post) => {
                    let micros = started.elapsed().as_micros() as u64;
                    if answer.is_ok() {
                        bursts.answered(wave);
                    }
                    match answer {
                        Ok(Ok(resp)) => tally.answered(&http_outcome(resp.status, &resp.body), micros),
                        Ok(Err(e)) => tally.answered(&io_outcome("request", &e), micros),
                        Err(_) => tally.outcome("no answer in 30 s"),
                    }
                }
            }
        });
    }
    while set.join_next().await.is_some() {}
}
