//! A round's settings and the rule that says whether a participant may start an attempt.

use serde::{Deserialize, Serialize};

use crate::domain::result_order::{OrderError, ResultOrder};

/// Vietnam's offset from UTC: a contest day runs from midnight to midnight in Đắk Lắk.
const VIETNAM_OFFSET_MS: i64 = 7 * 3600 * 1000;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// Which of a participant's attempts stands in the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Counts {
    /// The best by the round's ranking order.
    #[default]
    Best,
    First,
    Last,
}

/// When a participant sees the key and the explanations of their attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Reveal {
    /// Once the round has closed: nobody can pass the key on to someone still to play.
    #[default]
    AfterClose,
    /// Right after submitting (a practice round).
    AfterSubmit,
}

/// The settings of one round (đợt) of a contest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundRules {
    /// Opens and closes (Unix ms): attempts start only in between.
    pub opens_at: i64,
    pub closes_at: i64,
    /// Questions drawn per attempt, besides the prediction question.
    #[serde(default = "default_questions")]
    pub questions: u16,
    /// Time for an attempt, in seconds.
    #[serde(default = "default_time_limit_s")]
    pub time_limit_s: u32,
    /// Attempts a participant may make in the round, and in one day of it.
    #[serde(default = "default_attempts")]
    pub attempts_per_round: u16,
    #[serde(default = "default_attempts_per_day")]
    pub attempts_per_day: u16,
    #[serde(default)]
    pub counts: Counts,
    #[serde(default)]
    pub reveal: Reveal,
    /// The keys the round ranks by, most important first (default: score, time, distance of
    /// the prediction, attempts, submission time). It also picks the best attempt.
    #[serde(default)]
    pub order: ResultOrder,
    /// The prediction question shown last in every attempt (how many will take part).
    #[serde(default = "default_prediction")]
    pub prediction: String,
}

fn default_questions() -> u16 {
    10
}
fn default_time_limit_s() -> u32 {
    600
}
fn default_attempts() -> u16 {
    3
}
fn default_attempts_per_day() -> u16 {
    1
}
fn default_prediction() -> String {
    "Theo bạn, đợt thi này có bao nhiêu người tham gia?".to_owned()
}

/// Largest questions per attempt, and the longest attempt (2 hours).
pub const MAX_QUESTIONS: u16 = 50;
pub const MAX_TIME_LIMIT_S: u32 = 7200;
/// Answers that arrive this long after the deadline still count: the request was on its way
/// over a slow phone network when the clock ran out.
pub const GRACE_MS: i64 = 2000;

/// Why a round's settings are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("the round closes before it opens")]
    Window,
    #[error("an attempt draws 1–{MAX_QUESTIONS} questions")]
    Questions,
    #[error("an attempt lasts 60–{MAX_TIME_LIMIT_S} seconds")]
    TimeLimit,
    #[error("a participant has 1 or more attempts, and no more per day than per round")]
    Attempts,
    #[error("the prediction question is 1–300 characters")]
    Prediction,
    #[error(transparent)]
    Order(#[from] OrderError),
}

impl RoundRules {
    /// The defaults of the issue: 10 questions, 10 minutes, 3 attempts, one a day, the best
    /// counts, the key after the round closes.
    pub fn new(opens_at: i64, closes_at: i64) -> RoundRules {
        RoundRules {
            opens_at,
            closes_at,
            questions: default_questions(),
            time_limit_s: default_time_limit_s(),
            attempts_per_round: default_attempts(),
            attempts_per_day: default_attempts_per_day(),
            counts: Counts::default(),
            reveal: Reveal::default(),
            order: ResultOrder::default(),
            prediction: default_prediction(),
        }
    }

    pub fn check(&self) -> Result<(), RulesError> {
        if self.closes_at <= self.opens_at {
            return Err(RulesError::Window);
        }
        if !(1..=MAX_QUESTIONS).contains(&self.questions) {
            return Err(RulesError::Questions);
        }
        if !(60..=MAX_TIME_LIMIT_S).contains(&self.time_limit_s) {
            return Err(RulesError::TimeLimit);
        }
        if self.attempts_per_round == 0
            || self.attempts_per_day == 0
            || self.attempts_per_day > self.attempts_per_round
        {
            return Err(RulesError::Attempts);
        }
        let chars = self.prediction.trim().chars().count();
        if !(1..=300).contains(&chars) {
            return Err(RulesError::Prediction);
        }
        self.order.check()?;
        Ok(())
    }

    pub fn time_limit_ms(&self) -> i64 {
        i64::from(self.time_limit_s) * 1000
    }

    /// Whether `now` is inside the round's window.
    pub fn is_open(&self, now: i64) -> bool {
        (self.opens_at..self.closes_at).contains(&now)
    }

    /// Whether the key may be shown for an attempt submitted or not, at `now`.
    pub fn may_reveal(&self, now: i64, submitted: bool) -> bool {
        match self.reveal {
            Reveal::AfterClose => now >= self.closes_at,
            Reveal::AfterSubmit => submitted || now >= self.closes_at,
        }
    }

    /// May a participant with this `history` start an attempt at `now`?
    pub fn may_start(&self, now: i64, history: &History) -> Result<(), StartRefusal> {
        if now < self.opens_at {
            return Err(StartRefusal::NotOpen);
        }
        if now >= self.closes_at {
            return Err(StartRefusal::Closed);
        }
        if history.active {
            return Err(StartRefusal::Active);
        }
        if history.started_at.len() >= usize::from(self.attempts_per_round) {
            return Err(StartRefusal::RoundCap(self.attempts_per_round));
        }
        let today = day(now);
        let today_count = history
            .started_at
            .iter()
            .filter(|&&t| day(t) == today)
            .count();
        if today_count >= usize::from(self.attempts_per_day) {
            let next_day = (today + 1) * DAY_MS - VIETNAM_OFFSET_MS;
            return Err(StartRefusal::DayCap {
                cap: self.attempts_per_day,
                retry_after_ms: next_day - now,
            });
        }
        Ok(())
    }
}

/// The Vietnamese calendar day of a Unix-ms time.
pub fn day(unix_ms: i64) -> i64 {
    (unix_ms + VIETNAM_OFFSET_MS).div_euclid(DAY_MS)
}

/// What the rule needs to know of a participant's attempts in a round.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// An attempt is open (started, not submitted, its time not over).
    pub active: bool,
    /// When each attempt of the round started.
    pub started_at: Vec<i64>,
}

/// Why an attempt may not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StartRefusal {
    #[error("the round has not opened")]
    NotOpen,
    #[error("the round has closed")]
    Closed,
    #[error("an attempt is already open")]
    Active,
    #[error("all {0} attempts of the round are used")]
    RoundCap(u16),
    #[error("all {cap} attempts of today are used")]
    DayCap { cap: u16, retry_after_ms: i64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-07 08:00 in Đắk Lắk (01:00 UTC).
    const MONDAY_8AM: i64 = 1_796_605_200_000;
    const HOUR: i64 = 3600 * 1000;

    fn round() -> RoundRules {
        RoundRules::new(MONDAY_8AM, MONDAY_8AM + 7 * 24 * HOUR)
    }

    #[test]
    fn the_defaults_are_the_issues_and_pass_the_check() {
        let r = round();
        assert_eq!((r.questions, r.time_limit_s), (10, 600));
        assert_eq!(r.counts, Counts::Best);
        assert_eq!(r.reveal, Reveal::AfterClose);
        assert_eq!(r.check(), Ok(()));
    }

    #[test]
    fn settings_out_of_range_are_refused() {
        type Change = fn(&mut RoundRules);
        let cases: [(Change, RulesError); 6] = [
            (|r| r.closes_at = r.opens_at, RulesError::Window),
            (|r| r.questions = 0, RulesError::Questions),
            (|r| r.questions = 51, RulesError::Questions),
            (|r| r.time_limit_s = 59, RulesError::TimeLimit),
            (|r| r.attempts_per_day = 4, RulesError::Attempts),
            (|r| r.prediction = "  ".into(), RulesError::Prediction),
        ];
        for (change, error) in cases {
            let mut r = round();
            change(&mut r);
            assert_eq!(r.check(), Err(error), "{r:?}");
        }
    }

    #[test]
    fn an_attempt_starts_only_in_the_window_and_within_the_caps() {
        let r = round();
        let none = History::default();
        let table: [(i64, History, Result<(), StartRefusal>); 6] = [
            (MONDAY_8AM - 1, none.clone(), Err(StartRefusal::NotOpen)),
            (MONDAY_8AM, none.clone(), Ok(())),
            (r.closes_at, none.clone(), Err(StartRefusal::Closed)),
            (
                MONDAY_8AM + HOUR,
                History {
                    active: true,
                    started_at: vec![MONDAY_8AM],
                },
                Err(StartRefusal::Active),
            ),
            (
                // One today already: the next at Vietnamese midnight, 16 hours on.
                MONDAY_8AM + HOUR,
                History {
                    active: false,
                    started_at: vec![MONDAY_8AM],
                },
                Err(StartRefusal::DayCap {
                    cap: 1,
                    retry_after_ms: 15 * HOUR,
                }),
            ),
            (
                MONDAY_8AM + 3 * 24 * HOUR,
                History {
                    active: false,
                    started_at: vec![MONDAY_8AM, MONDAY_8AM + 24 * HOUR, MONDAY_8AM + 48 * HOUR],
                },
                Err(StartRefusal::RoundCap(3)),
            ),
        ];
        for (now, history, expected) in table {
            assert_eq!(
                r.may_start(now, &history),
                expected,
                "at {now}, {history:?}"
            );
        }
        // 23:59 and 00:00 in Đắk Lắk are different days, whatever UTC says.
        let late = MONDAY_8AM + 16 * HOUR - 1;
        assert_eq!(day(late) + 1, day(late + 1));
        let next_morning = History {
            active: false,
            started_at: vec![MONDAY_8AM],
        };
        assert_eq!(r.may_start(late + 1, &next_morning), Ok(()));
    }

    #[test]
    fn the_key_waits_for_the_reveal_policy() {
        let mut r = round();
        assert!(!r.may_reveal(MONDAY_8AM, true));
        assert!(r.may_reveal(r.closes_at, false));
        r.reveal = Reveal::AfterSubmit;
        assert!(!r.may_reveal(MONDAY_8AM, false));
        assert!(r.may_reveal(MONDAY_8AM, true));
    }
}
