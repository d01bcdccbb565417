//! The province's online contest (cuộc thi trực tuyến), as rules with no I/O: a round's
//! settings and who may start an attempt (`rules`), the questions an attempt draws (`draw`),
//! an attempt from its first second to its score (`attempt`), and which attempt stands for a
//! participant in the round's ranking (`standing`).
//!
//! Contest time is wall-clock Unix milliseconds (`i64`), not the live room's monotonic
//! [`crate::domain::Millis`]: an attempt outlives a server restart and a second device, and
//! both must see the same deadline.

pub mod attempt;
pub mod draw;
pub mod rules;
pub mod standing;
pub mod turnout;

pub use attempt::{Answered, Attempt, AttemptError, Scored};
pub use draw::{draw, Drawn, Pool};
pub use rules::{Counts, Reveal, RoundRules, RulesError, StartRefusal};
