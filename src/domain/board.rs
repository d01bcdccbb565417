//! What a board shows: its lines, ready for a page, a projector or a `board` message.

use serde::Serialize;

/// One line of a ranking, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub rank: u64,
    /// Student code or unit code. Public pages show `label`, never a student code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    pub label: String,
    /// Class and school of an individual.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The ranking keys in order (individuals: score, time ms, distance, attempts, submitted;
    /// collectives: participation ppm, average ×1000, total, participants; a live game's
    /// players: score, time ms).
    pub keys: Vec<i64>,
}
