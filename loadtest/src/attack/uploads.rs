//! The spreadsheet bombs, uploaded to the import routes as the signed-in organizer, one after
//! another (a person's mistakes come one at a time), each to every route that reads it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use hoithi_loadtest::http::request_from;

use super::sources;
use super::tally::{http_outcome, io_outcome, Tally};
use crate::bomb_files::Bomb;
use crate::clock::stopped;

pub struct Uploads {
    pub server: SocketAddr,
    /// The organizer's session.
    pub cookie: String,
    pub bombs: Vec<Bomb>,
    pub tally: Arc<Tally>,
    /// Every upload, in order (a dozen a wave).
    pub log: Mutex<Vec<Upload>>,
}

/// One upload and what came of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Upload {
    pub wave: u64,
    pub bomb: String,
    pub route: String,
    pub bytes: usize,
    pub outcome: String,
    /// From the first byte sent to the whole answer read (or to the end of the game).
    pub seconds: f64,
}

/// Sends every bomb to each of its routes, one at a time; stops with the siege.
pub async fn wave(up: Arc<Uploads>, wave: u64, mut stop: watch::Receiver<bool>) {
    for bomb in &up.bombs {
        for route in bomb.routes {
            let path = format!("{route}?file={}", bomb.file);
            let started = Instant::now();
            up.tally.sent(1);
            let post = request_from(
                up.server,
                Some(sources::uploader()),
                "POST",
                &path,
                Some(&up.cookie),
                Some(("application/octet-stream", &bomb.bytes)),
            );
            let outcome = tokio::select! {
                _ = stopped(&mut stop) => {
                    let outcome = "no answer yet when the game ended".to_owned();
                    up.tally.outcome(&outcome);
                    outcome
                }
                answer = post => {
                    let outcome = match answer {
                        Ok(resp) => http_outcome(resp.status, &resp.body),
                        Err(e) => io_outcome("request", &e),
                    };
                    up.tally.answered(&outcome, started.elapsed().as_micros() as u64);
                    outcome
                }
            };
            let finished = *stop.borrow();
            up.log
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(Upload {
                    wave,
                    bomb: bomb.name.to_owned(),
                    route: route.to_string(),
                    bytes: bomb.bytes.len(),
                    outcome,
                    seconds: started.elapsed().as_secs_f64(),
                });
            if finished {
                return;
            }
        }
    }
}

/// Uploads of one bomb to one route that came to the same outcome.
#[derive(Debug, PartialEq)]
pub struct Row {
    pub bomb: String,
    pub route: String,
    pub outcome: String,
    pub count: u64,
    pub longest_s: f64,
}

/// The uploads grouped by bomb, route and outcome, in the order first sent.
pub fn by_bomb(log: &[Upload]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for u in log {
        let same = |r: &&mut Row| r.bomb == u.bomb && r.route == u.route && r.outcome == u.outcome;
        match rows.iter_mut().find(same) {
            Some(row) => {
                row.count += 1;
                row.longest_s = row.longest_s.max(u.seconds);
            }
            None => rows.push(Row {
                bomb: u.bomb.clone(),
                route: u.route.clone(),
                outcome: u.outcome.clone(),
                count: 1,
                longest_s: u.seconds,
            }),
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(bomb: &str, route: &str, outcome: &str, seconds: f64) -> Upload {
        Upload {
            wave: 1,
            bomb: bomb.into(),
            route: route.into(),
            bytes: 1,
            outcome: outcome.into(),
            seconds,
        }
    }

    #[test]
    fn uploads_group_by_bomb_route_and_outcome_in_the_order_sent() {
        let log = [
            upload("a", "/x", "HTTP 422 unreadable_file", 0.2),
            upload("a", "/y", "HTTP 422 unreadable_file", 0.1),
            upload("a", "/x", "HTTP 422 unreadable_file", 0.5),
            upload("a", "/x", "request: ConnectionRefused", 0.0),
        ];
        let rows = by_bomb(&log);
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].route.as_str(), rows[0].count), ("/x", 2));
        assert_eq!(rows[0].longest_s, 0.5);
        assert_eq!(rows[1].route, "/y");
        assert_eq!(rows[2].outcome, "request: ConnectionRefused");
    }
}
