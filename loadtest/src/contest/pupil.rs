//! One participant, in a worker: waits for their moment, signs in with their card, starts
//! the attempt, answers each question at its planned moment, gives the prediction and
//! submits; some sign in again mid-attempt on a second device and carry on there. Every
//! request is timed from its first try to the reply that settles it; a refusal to wait (429,
//! 503) or a broken connection is counted and tried again, as the contest page does.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::Method;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::time::{sleep, sleep_until, Instant};

use super::client::{Device, Reply, KEEP_IDLE};
use super::figures::{Tallies, PREDICTION, RESUME, SIGN_IN, START, SUBMIT};
use super::layout::class_key;
use super::plan::{self, Card, Plan};
use crate::clock::{now_us, stopped};
use crate::recorder::Recorder;

/// Tries of one request before the participant gives it up.
const TRIES: u32 = 4;
/// A request that has not been answered in this long is given up and tried again.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every participant of a worker shares.
pub struct Round {
    pub server: SocketAddr,
    pub plan: Plan,
    pub rec: Arc<Recorder>,
    pub tallies: Arc<Tallies>,
}

/// One participant's whole attempt, cut short when the worker is told to stop.
pub async fn take_part(
    round: Arc<Round>,
    card: Card,
    source: Option<IpAddr>,
    mut stop: watch::Receiver<bool>,
) {
    tokio::select! {
        _ = stopped(&mut stop) => {}
        _ = attempt(&round, &card, source) => {}
    }
}

/// The attempt as the participant sees it: its id, deadline and questions.
struct Seen {
    id: i64,
    deadline: i64,
    questions: Vec<Value>,
}

impl Seen {
    fn of(view: &Value) -> Option<Seen> {
        Some(Seen {
            id: view["id"].as_i64()?,
            deadline: view["deadline"].as_i64()?,
            questions: view["questions"].as_array()?.clone(),
        })
    }
}

async fn attempt(round: &Round, card: &Card, source: Option<IpAddr>) {
    let (rec, tallies, plan) = (&round.rec, &round.tallies, &round.plan);
    let mut rng = StdRng::from_rng(&mut rand::rng());
    let offset = Duration::from_millis(rng.random_range(0..=plan.start_within_ms));
    let start_at =
        Instant::now() + Duration::from_micros(plan.start_at_us.saturating_sub(now_us())) + offset;
    sleep_until(start_at).await;

    let began = now_us();
    let mut device = Device::new(round.server, source);
    let Some(seen) = sign_in_and_start(round, card, &mut device, START).await else {
        rec.gave_up();
        tallies.connects(device.connects);
        return;
    };
    let started = now_us();
    rec.joined(began, started);
    tallies.started(started);
    let t0 = Instant::now();

    let questions = seen.questions.len();
    let moments = plan::schedule(questions, plan.answer_over_ms, &mut rng);
    let mut second = plan::reconnect_at(&moments, plan.reconnect, &mut rng);
    let mut answered: Vec<usize> = Vec::new();
    let mut connects = 0;
    for (step, &moment) in moments.iter().enumerate() {
        // The second device comes between answer `after` and the next step.
        if let Some((_, at)) = second.filter(|&(after, _)| after < step) {
            second = None;
            wait(&mut device, t0 + Duration::from_millis(at)).await;
            if let Some(fresh) = resume(round, card, source, &seen, &answered).await {
                connects += device.connects;
                device = fresh;
            }
        }
        wait(&mut device, t0 + Duration::from_millis(moment)).await;
        let id = seen.id;
        if step < questions {
            let body = json!({"answer": plan::answer(&seen.questions[step], &mut rng)});
            let path = format!("/api/contest/attempts/{id}/answers/{step}");
            rec.answered();
            let sent = now_us();
            if let Some(reply) = call(round, &mut device, "answer", Method::PUT, &path, &body).await
            {
                if reply.body["saved"] == true {
                    rec.acked(sent, now_us());
                    answered.push(step);
                } else {
                    rec.error("answer: saved is not true");
                }
            }
        } else if step == questions {
            let body = json!({"value": rng.random_range(0..=plan.predict_up_to)});
            let path = format!("/api/contest/attempts/{id}/prediction");
            let sent = now_us();
            if call(round, &mut device, "prediction", Method::PUT, &path, &body)
                .await
                .is_some()
            {
                tallies.latency(PREDICTION, now_us().saturating_sub(sent));
            }
        } else {
            let path = format!("/api/contest/attempts/{id}/submit");
            let sent = now_us();
            match call(
                round,
                &mut device,
                "submit",
                Method::POST,
                &path,
                &json!({}),
            )
            .await
            {
                Some(reply)
                    if reply.body["submitted"] == true || reply.code() == "attempt_submitted" =>
                {
                    let at = now_us();
                    tallies.latency(SUBMIT, at.saturating_sub(sent));
                    tallies.submitted(class_key(&card.school, &card.class), at);
                    rec.finished();
                }
                Some(_) => rec.error("submit: not submitted in the reply"),
                None => {}
            }
        }
    }
    tallies.connects(connects + device.connects);
}

/// Waits for `until`, letting the connection go first when the pause is long.
async fn wait(device: &mut Device, until: Instant) {
    if until.saturating_duration_since(Instant::now()) > KEEP_IDLE {
        device.rest();
    }
    sleep_until(until).await;
}

/// Signs in with the card and starts (or resumes) the attempt; the start's latency goes
/// under `kind`.
async fn sign_in_and_start(
    round: &Round,
    card: &Card,
    device: &mut Device,
    kind: &'static str,
) -> Option<Seen> {
    let tallies = &round.tallies;
    let body = json!({"code": card.code, "secret": card.secret});
    let sent = now_us();
    call(
        round,
        device,
        "sign-in",
        Method::POST,
        "/api/contest/session",
        &body,
    )
    .await?;
    tallies.latency(SIGN_IN, now_us().saturating_sub(sent));
    let path = format!("/api/contest/rounds/{}/attempt", round.plan.round);
    let sent = now_us();
    let reply = call(round, device, kind, Method::POST, &path, &json!({})).await?;
    tallies.latency(kind, now_us().saturating_sub(sent));
    let seen = Seen::of(&reply.body);
    if seen.is_none() {
        round
            .rec
            .error(&format!("{kind}: not an attempt in the reply"));
    }
    seen
}

/// The participant picks up a second device: signs in again and resumes, which must give
/// the same attempt with the same deadline and every answer saved so far. The second device
/// carries on; if it could not resume, the first one does.
async fn resume(
    round: &Round,
    card: &Card,
    source: Option<IpAddr>,
    seen: &Seen,
    answered: &[usize],
) -> Option<Device> {
    let mut second = Device::new(round.server, source);
    let Some(again) = sign_in_and_start(round, card, &mut second, RESUME).await else {
        round.tallies.reconnected(true);
        round.tallies.connects(second.connects);
        return None;
    };
    let mut mismatch = false;
    if again.id != seen.id {
        round.rec.error("resume: another attempt");
        mismatch = true;
    } else if again.deadline != seen.deadline {
        round.rec.error("resume: another deadline");
        mismatch = true;
    } else if answered
        .iter()
        .any(|&q| again.questions.get(q).is_none_or(|q| q["answer"].is_null()))
    {
        round.rec.error("resume: an answer saved before is missing");
        mismatch = true;
    }
    round.tallies.reconnected(mismatch);
    Some(second)
}

/// Sends a request until it settles: the reply if 2xx; `None` after a refusal or `TRIES`
/// failures, each counted as `{what}: {status} {code}` or `{what}: {io error}`. A 429 or 503
/// waits as the server asks, a broken connection a second, then tries again; a submission
/// retried after its reply was lost finds `attempt_submitted`, which settles it too.
async fn call(
    round: &Round,
    device: &mut Device,
    what: &str,
    method: Method,
    path: &str,
    body: &Value,
) -> Option<Reply> {
    let rec = &round.rec;
    for attempt in 0..TRIES {
        if attempt > 0 {
            round.tallies.retried();
        }
        let outcome = tokio::time::timeout(
            REQUEST_TIMEOUT,
            device.call(method.clone(), path, Some(body)),
        )
        .await;
        let pause = match outcome {
            Ok(Ok(reply)) if reply.ok() => return Some(reply),
            Ok(Ok(reply)) => {
                let code = reply.code();
                rec.error(&format!("{what}: {} {code}", reply.status));
                if attempt > 0 && what == "submit" && code == "attempt_submitted" {
                    return Some(reply);
                }
                if !matches!(reply.status, 429 | 503) {
                    return None;
                }
                reply.retry_after().unwrap_or(Duration::from_secs(1))
            }
            Ok(Err(e)) => {
                device.rest();
                rec.error(&format!("{what}: {}", io_kind(&e)));
                Duration::from_secs(1)
            }
            Err(_) => {
                device.rest();
                rec.error(&format!(
                    "{what}: no reply in {} s",
                    REQUEST_TIMEOUT.as_secs()
                ));
                Duration::ZERO
            }
        };
        sleep(pause).await;
    }
    None
}

/// An I/O error as a short kind: the error's text without addresses or numbers that differ
/// from one connection to the next.
fn io_kind(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    text.chars().take(80).collect()
}
