//! What a Rung chuông vàng run's reveals did, for the report (`report.rs` prints it).

use serde::Serialize;

/// The question after which the host runs the rescue (0-based).
pub const RESCUE_AFTER: usize = 2;

/// What the reveals did, for the report.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Figures {
    /// Per main question: how many went out, how many still stood after it.
    pub rounds: Vec<RoundFigures>,
    pub rescued: u64,
    pub winners: Vec<u64>,
    /// Phones that read `bell_end`.
    pub saw_the_end: u64,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct RoundFigures {
    pub number: u64,
    pub eliminated: u64,
    pub standing: u64,
    pub spared_all_wrong: bool,
    /// Receipts counted (standing) and for fun (out).
    pub counted: u64,
    pub for_fun: u64,
}
