//! The contest's figures: what each worker's participants measured ([`Tally`], recorded as
//! it happens by [`Tallies`] and sent at the end), and what the coordinator makes of them
//! with its own readings of the boards and the close ([`Figures`], printed by [`table`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::histogram::{Hist, Samples, Summary};

/// Latency p99 the issue asks of starting an attempt and of saving an answer.
pub const TARGET_P99_MS: f64 = 100.0;

/// The request kinds whose latency a participant records (answers go to the recorder's
/// acknowledgement histogram and its time series).
pub const SIGN_IN: &str = "sign_in";
pub const START: &str = "start";
pub const PREDICTION: &str = "prediction";
pub const SUBMIT: &str = "submit";
/// A second device's start: the same attempt, resumed.
pub const RESUME: &str = "resume";

/// A worker's contest figures, in wire form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tally {
    /// Per request kind: from the first try to the reply that settled it (retries included).
    pub latency: BTreeMap<String, Samples>,
    pub started: u64,
    pub submitted: u64,
    pub reconnects: u64,
    /// Second devices that got another attempt, another deadline, or lost answers.
    pub resume_mismatches: u64,
    /// Requests sent again after a refusal to wait (429, 503) or a broken connection.
    pub retries: u64,
    pub connects: u64,
    /// Submitted participants per class, `SCHOOL/CLASS` → count.
    pub submitted_by_class: BTreeMap<String, u64>,
    /// First and last attempt started, first and last submitted (wall-clock µs; 0: none).
    pub starts: (u64, u64),
    pub submits: (u64, u64),
}

/// Where a worker's participants record, as it happens.
#[derive(Default)]
pub struct Tallies(Mutex<Inner>);

#[derive(Default)]
struct Inner {
    latency: BTreeMap<&'static str, Hist>,
    tally: Tally,
}

fn widen(span: &mut (u64, u64), at: u64) {
    if span.0 == 0 || at < span.0 {
        span.0 = at;
    }
    span.1 = span.1.max(at);
}

impl Tallies {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn latency(&self, kind: &'static str, micros: u64) {
        self.inner().latency.entry(kind).or_default().record(micros);
    }

    pub fn started(&self, at_us: u64) {
        let mut i = self.inner();
        i.tally.started += 1;
        widen(&mut i.tally.starts, at_us);
    }

    pub fn submitted(&self, class_key: String, at_us: u64) {
        let mut i = self.inner();
        i.tally.submitted += 1;
        *i.tally.submitted_by_class.entry(class_key).or_default() += 1;
        widen(&mut i.tally.submits, at_us);
    }

    pub fn reconnected(&self, mismatch: bool) {
        let mut i = self.inner();
        i.tally.reconnects += 1;
        i.tally.resume_mismatches += u64::from(mismatch);
    }

    pub fn retried(&self) {
        self.inner().tally.retries += 1;
    }

    pub fn connects(&self, n: u64) {
        self.inner().tally.connects += n;
    }

    pub fn wire(&self) -> Tally {
        let i = self.inner();
        let mut tally = i.tally.clone();
        tally.latency = i
            .latency
            .iter()
            .map(|(k, h)| ((*k).to_owned(), h.samples()))
            .collect();
        tally
    }
}

/// How the boards fared: read while the round ran, and checked at the end.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BoardFigures {
    /// `GET /api/rankings/{round}/board/{scope}?limit=10` while the round ran, per kind of
    /// scope (`province`, `commune`, `school`, `class`).
    pub reads: BTreeMap<String, Summary>,
    /// Rounds of reads (each reads the four boards).
    pub polls: u64,
    /// Most submissions the workers had reported acknowledged that the province board did
    /// not count yet, over all reads (0: never behind).
    pub behind_max: u64,
    /// Reads of the province board that were behind.
    pub behind_reads: u64,
}

/// One kind of board checked at the end: each board's `total` against the submissions the
/// tool saw acknowledged.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Check {
    pub scope: String,
    pub boards: u64,
    pub right: u64,
    /// The first board that was not right: its scope, expected and read total.
    pub first_wrong: Option<String>,
}

impl Check {
    pub fn ok(&self) -> bool {
        self.boards > 0 && self.right == self.boards
    }
}

/// Everything the contest scenario measured, in the report's `contest`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Figures {
    pub round: String,
    pub schools: usize,
    pub communes: usize,
    pub classes: usize,
    pub questions: usize,
    pub time_limit_s: u64,
    pub start_within_s: f64,
    pub answer_over_s: f64,
    pub reconnect_share: f64,
    /// Setup: the roster's import, the login cards, the round (seconds).
    pub setup_s: f64,

    pub sign_in: Summary,
    pub start: Summary,
    /// The answer's `PUT` until `{"saved": true}` (also the report's `ack`).
    pub answer: Summary,
    pub prediction: Summary,
    pub submit: Summary,
    pub resume: Summary,

    pub started: u64,
    pub submitted: u64,
    pub answers_sent: u64,
    pub answers_saved: u64,
    pub reconnects: u64,
    pub resume_mismatches: u64,
    pub retries: u64,
    pub connects: u64,
    /// First and last start, first and last submission, in seconds from the run's start.
    pub starts_s: (f64, f64),
    pub submits_s: (f64, f64),

    pub boards: BoardFigures,
    pub checks: Vec<Check>,
    /// `POST /api/contest-rounds/{round}/close`: what it answered and how long it took.
    pub closed: Option<bool>,
    pub participants: Option<i64>,
    pub close_ms: f64,
    /// From the close request to every standing recorded again (the server does it after
    /// answering the close); `None` if that was not seen before the run's time ran out.
    pub standings_ms: Option<f64>,
    /// Every participant started and submitted, every answer was saved, every second device
    /// found its attempt, every board held exactly who submitted, and the close counted
    /// every participant.
    pub nothing_lost: bool,
    /// What was lost, when something was.
    pub lost: Vec<String>,
}

impl Figures {
    /// Adds up the workers' tallies; `epoch_us` is the run's start.
    pub fn add(&mut self, tallies: &[&Tally], epoch_us: u64) -> BTreeMap<String, u64> {
        let mut latency: BTreeMap<&str, Hist> = BTreeMap::new();
        let mut by_class = BTreeMap::new();
        let (mut starts, mut submits) = ((0, 0), (0, 0));
        for t in tallies {
            for (kind, samples) in &t.latency {
                latency.entry(kind.as_str()).or_default().merge(samples);
            }
            self.started += t.started;
            self.submitted += t.submitted;
            self.reconnects += t.reconnects;
            self.resume_mismatches += t.resume_mismatches;
            self.retries += t.retries;
            self.connects += t.connects;
            for (class, n) in &t.submitted_by_class {
                *by_class.entry(class.clone()).or_default() += n;
            }
            for (span, of) in [(&mut starts, t.starts), (&mut submits, t.submits)] {
                if of.0 > 0 {
                    widen(span, of.0);
                    widen(span, of.1);
                }
            }
        }
        let summary = |kind: &str| latency.get(kind).map(Hist::summary).unwrap_or_default();
        self.sign_in = summary(SIGN_IN);
        self.start = summary(START);
        self.prediction = summary(PREDICTION);
        self.submit = summary(SUBMIT);
        self.resume = summary(RESUME);
        let s = |us: u64| us.saturating_sub(epoch_us) as f64 / 1e6;
        self.starts_s = (s(starts.0), s(starts.1));
        self.submits_s = (s(submits.0), s(submits.1));
        by_class
    }

    /// Settles `nothing_lost` from the counts, the checks and the close; `clients` is how
    /// many participants there were.
    pub fn settle(&mut self, clients: u64) {
        let mut lost = Vec::new();
        if self.started < clients {
            lost.push(format!(
                "{} of {clients} never started",
                clients - self.started
            ));
        }
        if self.submitted < self.started {
            lost.push(format!(
                "{} started but did not get their submission acknowledged",
                self.started - self.submitted
            ));
        }
        if self.answers_saved < self.answers_sent {
            lost.push(format!(
                "{} of {} answers not saved",
                self.answers_sent - self.answers_saved,
                self.answers_sent
            ));
        }
        if self.resume_mismatches > 0 {
            lost.push(format!(
                "{} second devices found another attempt, deadline or fewer answers",
                self.resume_mismatches
            ));
        }
        for c in self.checks.iter().filter(|c| !c.ok()) {
            lost.push(format!(
                "{} boards: {} of {} right (first wrong: {})",
                c.scope,
                c.right,
                c.boards,
                c.first_wrong.as_deref().unwrap_or("none read")
            ));
        }
        match self.participants {
            Some(p) if p == clients as i64 => {}
            Some(p) => lost.push(format!("the close counted {p} participants, not {clients}")),
            None => lost.push("the round was not closed (no participant count)".to_owned()),
        }
        if self.closed == Some(true) && self.standings_ms.is_none() {
            lost.push("the standings were not recorded again after the close".to_owned());
        }
        self.nothing_lost = lost.is_empty();
        self.lost = lost;
    }
}

/// The contest's part of the printed table.
pub fn table(f: &Figures) -> String {
    let mut out = String::new();
    let row = |out: &mut String, name: &str, s: &Summary| {
        let _ = writeln!(
            out,
            "  {name:<44} {:>9} {:>10.1} {:>10.1} {:>10.1}",
            s.count, s.p50_ms, s.p99_ms, s.max_ms
        );
    };
    let _ = writeln!(
        out,
        "  round {}: {} schools in {} communes, {} classes; {} questions, time limit {} s; \
         starts within {:.0} s, attempts over {:.0} s, {:.0} % on a second device; setup {:.1} s",
        f.round,
        f.schools,
        f.communes,
        f.classes,
        f.questions,
        f.time_limit_s,
        f.start_within_s,
        f.answer_over_s,
        f.reconnect_share * 100.0,
        f.setup_s
    );
    let _ = writeln!(
        out,
        "  started {} (from {:.1} to {:.1} s), submitted {} (from {:.1} to {:.1} s)",
        f.started, f.starts_s.0, f.starts_s.1, f.submitted, f.submits_s.0, f.submits_s.1
    );
    let _ = writeln!(
        out,
        "\n  {:<44} {:>9} {:>10} {:>10} {:>10}",
        "latency (ms)", "n", "p50", "p99", "max"
    );
    row(&mut out, "sign-in with the card", &f.sign_in);
    row(&mut out, "start (target p99 ≤ 100)", &f.start);
    row(&mut out, "answer saved (target p99 ≤ 100)", &f.answer);
    row(&mut out, "prediction saved", &f.prediction);
    row(&mut out, "submit", &f.submit);
    row(&mut out, "second device: start resumes", &f.resume);
    for (scope, s) in &f.boards.reads {
        row(&mut out, &format!("board {scope}, read while running"), s);
    }
    let _ = writeln!(
        out,
        "\n  answers sent {}, saved {}; second devices {} ({} found something else); \
         retries {}; connections opened {}",
        f.answers_sent, f.answers_saved, f.reconnects, f.resume_mismatches, f.retries, f.connects
    );
    let _ = writeln!(
        out,
        "  boards read {} times while running; the province board behind the acknowledged \
         submissions in {} reads, by at most {}",
        f.boards.polls, f.boards.behind_reads, f.boards.behind_max
    );
    for c in &f.checks {
        let _ = writeln!(
            out,
            "  at the end, {} boards: {} of {} hold exactly who submitted {}",
            c.scope,
            c.right,
            c.boards,
            if c.ok() { "✔" } else { "✘" }
        );
        if let Some(wrong) = &c.first_wrong {
            let _ = writeln!(out, "    first wrong: {wrong}");
        }
    }
    let _ = writeln!(
        out,
        "  close: closed {}, participants {} in {:.0} ms; standings recorded again {}",
        f.closed.map_or("?".to_owned(), |c| c.to_string()),
        f.participants.map_or("?".to_owned(), |p| p.to_string()),
        f.close_ms,
        f.standings_ms.map_or("— not seen".to_owned(), |ms| format!(
            "{:.1} s after it",
            ms / 1000.0
        ))
    );
    let mark = |ok: bool| if ok { "met" } else { "NOT met" };
    let _ = writeln!(
        out,
        "  targets: start p99 {:.1} ms {}, answer p99 {:.1} ms {}; {}",
        f.start.p99_ms,
        mark(f.start.count > 0 && f.start.p99_ms <= TARGET_P99_MS),
        f.answer.p99_ms,
        mark(f.answer.count > 0 && f.answer.p99_ms <= TARGET_P99_MS),
        if f.nothing_lost {
            "NOTHING LOST".to_owned()
        } else {
            format!("LOST: {}", f.lost.join("; "))
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(code_class: &[(&str, u64)], start: u64, submit: u64) -> Tally {
        let t = Tallies::default();
        t.latency(START, 2_000);
        t.latency(START, 150_000);
        t.started(start);
        for (class, n) in code_class {
            for _ in 0..*n {
                t.submitted((*class).to_owned(), submit);
            }
        }
        t.reconnected(false);
        t.wire()
    }

    #[test]
    fn two_workers_add_up_by_class_with_the_spans_of_both() {
        let a = tally(&[("LTC000/1A", 2)], 11_000_000, 70_000_000);
        let b = tally(
            &[("LTC000/1A", 1), ("LTC001/1A", 1)],
            10_500_000,
            90_000_000,
        );
        let mut f = Figures::default();
        let by_class = f.add(&[&a, &b], 10_000_000);
        assert_eq!(by_class["LTC000/1A"], 3);
        assert_eq!((f.started, f.submitted, f.reconnects), (2, 4, 2));
        assert_eq!(f.start.count, 4);
        assert!((f.start.max_ms - 150.0).abs() < 0.5);
        assert_eq!(f.starts_s, (0.5, 1.0));
        assert_eq!(f.submits_s, (60.0, 80.0));
    }

    #[test]
    fn nothing_is_lost_only_when_every_count_and_check_holds() {
        let mut f = Figures {
            started: 10,
            submitted: 10,
            answers_sent: 100,
            answers_saved: 100,
            participants: Some(10),
            checks: vec![Check {
                scope: "province".into(),
                boards: 1,
                right: 1,
                first_wrong: None,
            }],
            ..Figures::default()
        };
        f.settle(10);
        assert!(f.nothing_lost, "{:?}", f.lost);
        assert!(table(&f).contains("NOTHING LOST"));

        f.answers_saved = 99;
        f.participants = Some(9);
        f.checks.push(Check {
            scope: "school".into(),
            boards: 2,
            right: 1,
            first_wrong: Some("school/LTC001: 5, read 4".into()),
        });
        f.settle(10);
        assert!(!f.nothing_lost);
        assert_eq!(f.lost.len(), 3, "{:?}", f.lost);
        assert!(table(&f).contains("LOST: 1 of 100 answers not saved"));

        let mut none = Figures::default();
        none.settle(0);
        assert!(!none.nothing_lost, "a round never closed loses the count");
    }
}
