//! What the server answered one attack: counts by outcome («HTTP 503 server_busy», «error
//! invalid_board», «closed by the server»…) and how long each answer took. Attack tasks record
//! here as they go, so a siege stopped at the end of the game reports what it saw until then.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::histogram::{Hist, Summary};

#[derive(Default)]
pub struct Tally {
    // A std mutex: nothing is awaited under it, and an attack records a few thousand
    // outcomes a second at most.
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    sent: u64,
    outcomes: BTreeMap<String, u64>,
    answer: Hist,
}

impl Tally {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One more request, watch or connection sent.
    pub fn sent(&self, n: u64) {
        self.inner().sent += n;
    }

    /// The server answered with `outcome` after `micros`.
    pub fn answered(&self, outcome: &str, micros: u64) {
        let mut i = self.inner();
        *i.outcomes.entry(outcome.to_owned()).or_default() += 1;
        i.answer.record(micros);
    }

    /// Something that is no answer of the server's (the attack stopped while waiting, a
    /// connection could not be opened): counted, not timed.
    pub fn outcome(&self, outcome: &str) {
        *self.inner().outcomes.entry(outcome.to_owned()).or_default() += 1;
    }

    pub fn figures(&self, sources: usize) -> AttackFigures {
        let i = self.inner();
        AttackFigures {
            sent: i.sent,
            sources,
            outcomes: i.outcomes.clone(),
            answer: i.answer.summary(),
        }
    }
}

/// One attack's figures, as reported.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AttackFigures {
    /// Requests, watches or connections sent, over all waves.
    pub sent: u64,
    /// Source addresses used (in the first wave, for sign-ins: each wave has fresh ones).
    pub sources: usize,
    /// Counts by what came back.
    pub outcomes: BTreeMap<String, u64>,
    /// From sending to the server's answer (the reply, the status line, the close).
    pub answer: Summary,
}

/// An HTTP answer as an outcome: the status and the error's `code` when the body has one.
pub fn http_outcome(status: u16, body: &str) -> String {
    let code = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_owned));
    match code {
        Some(code) => format!("HTTP {status} {code}"),
        None => format!("HTTP {status}"),
    }
}

/// An I/O failure as an outcome, by kind (not by message: ports would split the counts);
/// hyper's failures have no kind of their own, and their messages name no port.
pub fn io_outcome(what: &str, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::Other => {
            let text: String = e.to_string().chars().take(60).collect();
            format!("{what}: {text}")
        }
        kind => format!("{what}: {kind:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_are_counted_by_status_and_code() {
        let tally = Tally::default();
        tally.sent(3);
        tally.answered(
            &http_outcome(503, r#"{"code":"server_busy","message":"…"}"#),
            2_000,
        );
        tally.answered(&http_outcome(503, r#"{"code":"server_busy"}"#), 4_000);
        tally.answered(&http_outcome(401, "not json"), 90_000);
        tally.outcome("stopped while waiting");
        let f = tally.figures(8);
        assert_eq!(f.sent, 3);
        assert_eq!(f.outcomes["HTTP 503 server_busy"], 2);
        assert_eq!(f.outcomes["HTTP 401"], 1);
        assert_eq!(f.outcomes["stopped while waiting"], 1);
        assert_eq!(f.answer.count, 3);
        assert!((f.answer.max_ms - 90.0).abs() < 0.1, "{:?}", f.answer);
    }
}
