//! The act log: every decision of the host or a judge that changed who stands, written as it
//! happened, so the report can show the hall (and any parent who asks) why seat 042 was out
//! and then back.

use serde::Serialize;

use super::rules::RescueRule;
use super::seat::Seat;
use crate::domain::{text, Millis};

/// Longest reason, in characters: a sentence the host types on stage.
pub const MAX_REASON_CHARS: usize = 200;

/// Why the host skipped a question or undid an elimination: required, so the log explains
/// itself. Trimmed and NFC-normalized, 1–200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Reason(String);

impl Reason {
    pub fn parse(raw: &str) -> Option<Reason> {
        let s = text::normalize(raw);
        let ok = !s.is_empty()
            && text::char_len(&s) <= MAX_REASON_CHARS
            && !s.chars().any(char::is_control);
        ok.then_some(Reason(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One logged act, at `at` on the room's clock, about round `round` (an index into the
/// contest's rounds) when it concerns one. `what` serializes to the JSON a report reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Act {
    pub at: Millis,
    pub round: Option<usize>,
    pub what: What,
}

/// What was done.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum What {
    /// The countdown was frozen with `remaining_ms` to go.
    Paused {
        remaining_ms: u64,
    },
    Resumed,
    /// The host called time before the countdown ended.
    ClosedEarly,
    /// A judge entered a whiteboard answer for `seat` (`replaced`: correcting their own entry).
    Recorded {
        seat: Seat,
        replaced: bool,
    },
    /// The database did not take a judge's entry for `seat`: it does not count, and the board
    /// must be entered again (while the question is not revealed).
    NotStored {
        seat: Seat,
    },
    /// The answer was shown; `eliminated` went out, or nobody because everyone standing was
    /// wrong (`spared_all_wrong`).
    Revealed {
        eliminated: Vec<Seat>,
        spared_all_wrong: bool,
    },
    /// The tie-break decided the winners.
    Decided {
        winners: Vec<Seat>,
    },
    /// A faulty question was skipped; those it had eliminated came back.
    Skipped {
        reason: Reason,
        reinstated: Vec<Seat>,
    },
    /// The last elimination was undone for `seats`.
    Undone {
        reason: Reason,
        seats: Vec<Seat>,
    },
    /// A rescue started under `rule`.
    RescueStarted {
        rule: RescueRule,
    },
    /// A rescue brought `seats` back.
    Rescued {
        seats: Vec<Seat>,
    },
    /// The contest ended; `winners` ring the bell.
    Ended {
        winners: Vec<Seat>,
    },
}
