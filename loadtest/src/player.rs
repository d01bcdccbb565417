//! One simulated player: joins with the PIN, and for each question thinks for a random time
//! within the window, then answers (right or wrong), or answers after the deadline, or not at
//! all; a few drop their connection once and come back with `resume`, as the web client does.
//! It keeps reading while it thinks: a client that stops reading is cut off by the server.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use tokio::sync::{watch, Semaphore};
use tokio::time::{sleep, sleep_until, Instant};
use tokio_tungstenite::tungstenite::Message;

use crate::answer::choose;
use crate::clock::{now_us, stopped};
use crate::recorder::Recorder;
use crate::wire::{question_mark, Behaviour};
use hoithi_loadtest::ws::{connect_error, Ws};

/// What every player of a worker shares.
pub struct Game {
    /// The nodes players connect to: player `i` on `servers[i % n]`.
    pub servers: Vec<SocketAddr>,
    /// One PIN per room.
    pub pins: Vec<String>,
    pub keys: Vec<Value>,
    /// A province event's schools: player `i` names `schools[i % len]` (none: no school).
    pub schools: Vec<String>,
    pub behaviour: Behaviour,
    pub rec: Arc<Recorder>,
    /// Bounds the connections being opened at once.
    pub gate: Arc<Semaphore>,
}

impl Game {
    /// The node player `index` connects (and reconnects) to.
    pub fn server(&self, index: usize) -> SocketAddr {
        self.servers[index % self.servers.len()]
    }
}

/// The server accepts answers this long after the time limit (docs/protocol.md).
const GRACE_MS: u64 = 500;

/// An answer waiting for its moment.
struct Planned {
    q: usize,
    at: Instant,
    question: Value,
    wrong: bool,
    late: bool,
}

/// An answer waiting for its receipt.
struct Sent {
    q: usize,
    at_us: u64,
    late: bool,
}

pub async fn play(
    game: Arc<Game>,
    index: usize,
    source: Option<IpAddr>,
    mut stop: watch::Receiver<bool>,
) {
    let rec = &game.rec;
    let room = index % game.pins.len().max(1);
    if game.pins.is_empty() {
        return rec.join_failed("no game to join");
    }
    let started = now_us();
    let server = game.server(index);
    let mut ws = {
        let Ok(_permit) = game.gate.acquire().await else {
            return;
        };
        let mut ws = match Ws::connect_from(server, source, None).await {
            Ok(ws) => ws,
            Err(e) => return rec.join_failed(&connect_error(&e)),
        };
        let pin = &game.pins[room];
        let school =
            (!game.schools.is_empty()).then(|| game.schools[index % game.schools.len()].as_str());
        if let Err(reply) = ws
            .join_at(pin, &format!("Người chơi {index}"), school)
            .await
        {
            return rec.join_failed(&format!("join: {}", error_code(&reply)));
        }
        ws
    };
    rec.joined(started, now_us());
    let token = ws.token.clone();

    let mut rng = StdRng::from_rng(&mut rand::rng());
    let b = game.behaviour;
    let drop_during = (rng.random_bool(b.reconnect) && !game.keys.is_empty())
        .then(|| rng.random_range(0..game.keys.len()));
    let mut planned: Option<Planned> = None;
    // Answers waiting for their receipt: under load a receipt can come after the next
    // question's answer was sent, and it must still be measured (the slowest ones most).
    let mut sent: Vec<Sent> = Vec::new();
    let mut drop_at: Option<Instant> = None;
    let far = Instant::now() + Duration::from_secs(86_400);

    loop {
        let frame = tokio::select! {
            _ = stopped(&mut stop) => return,
            _ = sleep_until(drop_at.unwrap_or(far)), if drop_at.is_some() => {
                drop_at = None;
                match reconnect(&game, index, source, &token, ws, &mut planned, &mut sent).await {
                    Some(fresh) => { ws = fresh; continue; }
                    None => return,
                }
            }
            _ = sleep_until(planned.as_ref().map_or(far, |p| p.at)), if planned.is_some() => {
                let Some(p) = planned.take() else { continue };
                let answer = json!({"type": "answer", "q": p.q,
                                    "answer": choose(&game.keys[p.q], &p.question, p.wrong)});
                let at_us = now_us();
                if ws.send(&answer).await.is_err() {
                    rec.error("send failed");
                    return;
                }
                rec.answered();
                sent.push(Sent { q: p.q, at_us, late: p.late });
                continue;
            }
            frame = ws.stream.next() => frame,
        };
        let msg = match frame {
            Some(Ok(Message::Text(text))) => match serde_json::from_str::<Value>(&text) {
                Ok(msg) => msg,
                Err(_) => {
                    rec.error("not JSON");
                    continue;
                }
            },
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                // The server cut us off (a slow reader, a restart): come back as a phone would.
                rec.error("connection lost");
                match reconnect(&game, index, source, &token, ws, &mut planned, &mut sent).await {
                    Some(fresh) => {
                        ws = fresh;
                        continue;
                    }
                    None => return,
                }
            }
            Some(Ok(_)) => continue,
        };
        let now = now_us();
        match msg["type"].as_str().unwrap_or_default() {
            "question" => {
                let q = msg["q"].as_u64().unwrap_or(0) as usize;
                rec.received(question_mark(room, q), now);
                if q >= game.keys.len() {
                    rec.error("question beyond the quiz");
                    continue;
                }
                planned = plan(q, msg, &b, &mut rng);
                if drop_during == Some(q) {
                    // Before the answer, so the answer goes over the new connection.
                    let until = planned.as_ref().map_or(Duration::from_millis(500), |p| {
                        p.at.saturating_duration_since(Instant::now()) / 2
                    });
                    drop_at = Some(Instant::now() + until);
                }
            }
            "receipt" => match take_receipt(&mut sent, msg["q"].as_u64()) {
                Some(s) => rec.acked(s.at_us, now),
                None => rec.error("receipt for no answer sent"),
            },
            "error" => {
                let code = error_code(&msg);
                // A refusal answers the answer just sent.
                let late = sent.last().is_some_and(|s| s.late);
                if late && matches!(code.as_str(), "too_late" | "question_closed") {
                    sent.pop();
                    rec.late_refused();
                } else {
                    rec.error(&format!("error: {code}"));
                }
            }
            "final" => return rec.finished(),
            "kicked" => return rec.error("kicked"),
            "bye" => return rec.error(&format!("bye: {}", msg["reason"].as_str().unwrap_or("?"))),
            _ => {}
        }
    }
}

/// The answer a receipt for question `q` acknowledges, taken off the waiting list.
fn take_receipt(sent: &mut Vec<Sent>, q: Option<u64>) -> Option<Sent> {
    let at = sent.iter().position(|s| Some(s.q as u64) == q)?;
    Some(sent.remove(at))
}

/// When and how to answer a question that just arrived, or `None` to stay silent.
fn plan(q: usize, question: Value, b: &Behaviour, rng: &mut StdRng) -> Option<Planned> {
    if rng.random_bool(b.silent) {
        return None;
    }
    let remaining = question["remaining_ms"]
        .as_u64()
        .or_else(|| question["time_limit_ms"].as_u64())
        .unwrap_or(20_000);
    let late = rng.random_bool(b.late);
    let after_ms = if late {
        // Just after the grace, while the host still shows the reveal (`--pause`).
        remaining + GRACE_MS + rng.random_range(100..=400)
    } else {
        // Within the window, and early enough that the answer is in before the limit.
        let until = b.answer_within_ms.min(remaining.saturating_sub(300));
        rng.random_range(b.answer_after_ms.min(until)..=until)
    };
    Some(Planned {
        q,
        at: Instant::now() + Duration::from_millis(after_ms),
        question,
        wrong: rng.random_bool(b.wrong),
        late,
    })
}

/// Drops the connection and comes back with the token, with the web client's backoff (1 s,
/// 2 s, 4 s, with jitter). An answer still to give is given on the new connection; if the
/// question is still open and was missed, it is answered soon.
async fn reconnect(
    game: &Game,
    index: usize,
    source: Option<IpAddr>,
    token: &str,
    old: Ws,
    planned: &mut Option<Planned>,
    sent: &mut Vec<Sent>,
) -> Option<Ws> {
    drop(old);
    let mut rng = StdRng::from_rng(&mut rand::rng());
    let rec = &game.rec;
    for attempt in 0..3u32 {
        let backoff = 1000 * (1 << attempt) + rng.random_range(0..500);
        sleep(Duration::from_millis(backoff)).await;
        let started = now_us();
        // With several nodes, a phone that lost its connection comes back through the proxy
        // to whichever node it reaches: here the next one, then the one after.
        let server = game.server(index + 1 + attempt as usize);
        let Ok(mut ws) = Ws::connect_from(server, source, None).await else {
            continue;
        };
        match ws.resume(token).await {
            Ok(()) => {
                rec.resumed(now_us().saturating_sub(started));
                let state = &ws.welcome["state"];
                if let Some(q) = answered_in(state) {
                    // The receipt went to the connection just lost; the snapshot says the
                    // server has the answer.
                    if take_receipt(sent, Some(q)).is_some() {
                        rec.confirmed_on_resume();
                    }
                }
                if state["phase"] == "finished" {
                    rec.finished();
                    return None;
                }
                if state["phase"] == "question" && state["answered"] == false && planned.is_none() {
                    let question = state["question"].clone();
                    let q = question["q"].as_u64().unwrap_or(0) as usize;
                    if q < game.keys.len() {
                        *planned = Some(Planned {
                            q,
                            at: Instant::now() + Duration::from_millis(rng.random_range(0..300)),
                            question,
                            wrong: rng.random_bool(game.behaviour.wrong),
                            late: false,
                        });
                    }
                }
                return Some(ws);
            }
            Err(reply) => {
                rec.error(&format!("resume: {}", error_code(&reply)));
                return None;
            }
        }
    }
    rec.error("resume: could not connect");
    None
}

/// The question a `welcome` snapshot says this player has answered, if it shows one: the open
/// question (`answered`), or the one just revealed or ranked (`you`).
fn answered_in(state: &Value) -> Option<u64> {
    if state["phase"] == "question" {
        return (state["answered"] == true).then(|| state["question"]["q"].as_u64())?;
    }
    (state["you"]["answered"] == true).then(|| state["you"]["q"].as_u64())?
}

/// The `code` of an error message, or what came instead.
pub fn error_code(reply: &Value) -> String {
    match (&reply["code"], reply) {
        (Value::String(code), _) => code.clone(),
        (_, Value::Null) => "no reply".into(),
        (_, Value::String(text)) => text.chars().take(60).collect(),
        _ => format!("unexpected {}", reply["type"]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn behaviour(after: u64, within: u64) -> Behaviour {
        Behaviour {
            answer_after_ms: after,
            answer_within_ms: within,
            wrong: 0.3,
            late: 0.0,
            silent: 0.0,
            reconnect: 0.0,
        }
    }

    /// Milliseconds from now until the planned answer.
    fn delay(p: &Planned) -> u64 {
        p.at.saturating_duration_since(Instant::now()).as_millis() as u64
    }

    #[test]
    fn a_resumes_snapshot_tells_which_question_the_player_has_answered() {
        let open = json!({"phase": "question", "question": {"q": 2}, "answered": true});
        assert_eq!(answered_in(&open), Some(2));
        let not_yet = json!({"phase": "question", "question": {"q": 2}, "answered": false});
        assert_eq!(answered_in(&not_yet), None);
        let revealed = json!({"phase": "reveal", "you": {"q": 1, "answered": true}});
        assert_eq!(answered_in(&revealed), Some(1));
        let missed = json!({"phase": "leaderboard", "you": {"q": 1, "answered": false}});
        assert_eq!(answered_in(&missed), None);
        assert_eq!(answered_in(&json!({"phase": "lobby"})), None);
    }

    #[test]
    fn a_receipt_that_comes_after_the_next_answer_is_still_matched() {
        let sent_at = |q: usize, at_us: u64| Sent {
            q,
            at_us,
            late: false,
        };
        let mut sent = vec![sent_at(0, 100), sent_at(1, 25_000_000)];
        let late = take_receipt(&mut sent, Some(0)).unwrap();
        assert_eq!((late.q, late.at_us), (0, 100));
        assert!(take_receipt(&mut sent, Some(0)).is_none());
        assert!(take_receipt(&mut sent, None).is_none());
        assert_eq!(take_receipt(&mut sent, Some(1)).unwrap().q, 1);
        assert!(sent.is_empty());
    }

    #[test]
    fn answers_fall_between_the_reading_time_and_the_window() {
        let mut rng = StdRng::seed_from_u64(7);
        let question = serde_json::json!({"q": 0, "time_limit_ms": 20_000});
        let delays: Vec<u64> = (0..2_000)
            .map(|_| delay(&plan(0, question.clone(), &behaviour(500, 3_000), &mut rng).unwrap()))
            .collect();
        // `at` was computed a moment before `delay` reads the clock: allow a few ms.
        assert!(
            delays.iter().all(|&d| (480..=3_000).contains(&d)),
            "{delays:?}"
        );
        assert!(delays.iter().any(|&d| d < 700) && delays.iter().any(|&d| d > 2_800));
    }

    #[test]
    fn a_short_question_keeps_answers_inside_its_limit_even_past_the_reading_time() {
        let mut rng = StdRng::seed_from_u64(8);
        // 600 ms left: the answer must leave 300 ms, so it comes at once despite a 500 ms floor.
        let question = serde_json::json!({"q": 0, "remaining_ms": 600});
        for _ in 0..200 {
            let d = delay(&plan(0, question.clone(), &behaviour(500, 3_000), &mut rng).unwrap());
            assert!(d <= 300, "{d}");
        }
    }
}
