//! What the coordinator and its worker processes tell each other, one JSON object a line:
//! the worker's share on its stdin first, then marks (a question opened at …) and `stop`;
//! progress and, at the end, the worker's figures on its stdout.
//!
//! Times that cross processes are wall-clock microseconds since the Unix epoch
//! (`SystemTime`): every process on one machine reads the same clock, whereas each
//! process's monotonic `Instant` has its own origin.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::histogram::Samples;

/// The mark of question `q` in room `room`: rooms run their questions at their own pace.
pub fn question_mark(room: usize, q: usize) -> u64 {
    (room as u64) * MARKS_PER_ROOM + q as u64
}

/// Questions a room may have, as far as marks go (a quiz has at most 100).
pub const MARKS_PER_ROOM: u64 = 1000;

/// Width of a bucket of the acknowledgement time series.
pub const BUCKET_US: u64 = 100_000;

/// A worker's share of the run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkerConfig {
    pub index: usize,
    pub server: SocketAddr,
    /// Every node of the deployment (`--url`); live players are spread over them by global
    /// index. Just `server` when only one was given.
    #[serde(default)]
    pub servers: Vec<SocketAddr>,
    /// Addresses to connect from, taken in turn by global client index; empty: any.
    pub sources: Vec<IpAddr>,
    /// Global index of this worker's first client (nicknames are unique in a game).
    pub first: usize,
    pub clients: usize,
    pub connect_concurrency: usize,
    /// Start of the run: time series count from here.
    pub epoch_us: u64,
    /// The worker stops by itself at this time, whatever the coordinator says.
    pub deadline_us: u64,
    pub role: Role,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    Players {
        /// One PIN per room; client `i` joins room `i % pins.len()`.
        pins: Vec<String>,
        /// The answer key of each question by option texts ([`crate::answer::key_by_text`]):
        /// each game shows its own option ids.
        keys: Vec<Value>,
        /// A province event's schools (`--event`): player `i` names `schools[i % len]`;
        /// empty for an ordinary game.
        #[serde(default)]
        schools: Vec<String>,
        behaviour: Behaviour,
    },
    Viewers {
        context: String,
        scope: String,
        limit: u32,
    },
    /// The siege's attackers, all in one worker ([`crate::attack`]).
    Attackers { plan: crate::attack::Plan },
    /// Participants of a contest round, each with their login card ([`crate::contest`]).
    Contestants {
        plan: crate::contest::plan::Plan,
        cards: Vec<crate::contest::plan::Card>,
    },
}

/// How simulated players behave; shares are between 0 and 1.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Behaviour {
    /// Answers fall uniformly in `answer_after_ms..=answer_within_ms` after the question.
    #[serde(default)]
    pub answer_after_ms: u64,
    pub answer_within_ms: u64,
    pub wrong: f64,
    pub late: f64,
    pub silent: f64,
    pub reconnect: f64,
}

/// Coordinator → worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToWorker {
    /// Event `id` (a question's index, a batch of results) was sent at `at_us`: the reference
    /// that receipt times are measured from.
    Mark { id: u64, at_us: u64 },
    /// Wrap up now and report.
    Stop,
}

/// Worker → coordinator.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromWorker {
    Progress(Progress),
    Report(Box<WorkerReport>),
}

/// Counters, sent a few times a second.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Progress {
    pub joined: u64,
    /// Clients that gave up joining.
    pub failed: u64,
    /// Every client has joined or given up.
    pub join_done: bool,
    pub answers: u64,
    pub acks: u64,
    /// Board updates received (viewers).
    pub updates: u64,
    pub errors: u64,
    /// Clients that saw the end of the game.
    pub finished: u64,
}

/// Everything a worker measured. Latencies are histograms in wire form (µs).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WorkerReport {
    pub index: usize,
    pub progress: Progress,
    /// First connect started and last welcome received (wall-clock µs); 0 if none.
    pub join_first_us: u64,
    pub join_last_us: u64,
    /// Connect + `join` (or `watch`) until `welcome` (or the first `board`).
    pub join: Samples,
    /// Per mark: from the mark's time to each client's receipt of the event.
    pub delivery: BTreeMap<u64, Samples>,
    /// Marks whose reference never arrived (their receipts could not be measured).
    pub unmarked: u64,
    /// From sending an answer to its `receipt`.
    pub ack: Samples,
    /// Acknowledgement latency per 100 ms of the run, by bucket index since the epoch.
    pub ack_series: BTreeMap<u64, Samples>,
    /// From reconnecting to the `welcome` of `resume`.
    pub resume: Samples,
    pub reconnects: u64,
    /// Late answers the server refused, as it should (`too_late`, `question_closed`).
    pub late_refused: u64,
    /// Answers without a receipt that a resume's `welcome` says the server has.
    #[serde(default)]
    pub confirmed_on_resume: u64,
    pub errors: BTreeMap<String, u64>,
    /// What the server answered the attackers (the attackers' worker only).
    #[serde(default)]
    pub siege: Option<crate::attack::SiegeFigures>,
    /// What the contest's participants measured (`contest` workers only).
    #[serde(default)]
    pub contest: Option<crate::contest::figures::Tally>,
}
