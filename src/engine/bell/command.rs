//! What arrives on a stage room's queue. The connection knows who it is (its session, set by
//! its first message); the room checks that this role may do what is asked.

use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::domain::bell::{Reason, Seat, ViewerId};
use crate::domain::{Answer, GameId, Nickname};
use crate::outbox::Outbox;
use crate::protocol::bell::{BellErrorCode, HostAct, StageRole};
use crate::protocol::Text;
use serde::{Deserialize, Serialize};

/// Who a connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Contestant(Seat),
    Viewer(ViewerId),
    Stage(StageRole),
}

/// What a connection asks, once it is someone.
#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    Answer {
        round: usize,
        answer: Answer,
    },
    /// A judge (or the host) types a whiteboard.
    Record {
        seat: Seat,
        round: usize,
        answer: Answer,
    },
    /// A judge (or the host) seats a contestant who has no phone.
    Register {
        seat: Seat,
        name: Nickname,
    },
    Host(HostAct),
    Skip(Reason),
    Undo(Reason, Option<Seat>),
}

pub enum BellCommand {
    /// A contestant's phone takes a free `seat` (before the start); `secret` is its resume
    /// token's, drawn by the connection.
    Sit {
        seat: Seat,
        name: Nickname,
        secret: String,
        outbox: Outbox,
        reply: oneshot::Sender<Result<Text, BellErrorCode>>,
    },
    /// A contestant's phone comes back to its seat with the secret of its token.
    Resume {
        seat: Seat,
        secret: String,
        outbox: Outbox,
        reply: oneshot::Sender<Result<Text, BellErrorCode>>,
    },
    /// A host console, judge's tablet or hall screen, already allowed by the access rule.
    Stage {
        role: StageRole,
        outbox: Outbox,
        reply: oneshot::Sender<Text>,
    },
    /// An audience member's phone.
    Audience {
        outbox: Outbox,
        reply: oneshot::Sender<(ViewerId, Text)>,
    },
    Ask {
        conn: u64,
        ask: Ask,
        /// When the connection read it off its socket: deadlines count to here.
        received_at: Instant,
    },
    /// A connection ended.
    Detach { conn: u64 },
    /// The contest's report as it stands (`domain::bell::report`).
    Report { reply: oneshot::Sender<BellReport> },
}

/// A contest's report (`domain::bell::report`) as `GET /api/bell/{id}/report` gives it: read
/// from its room while it is open, stored by the room at the end (`bell_contests.report`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BellReport {
    pub id: GameId,
    pub title: String,
    pub finished: bool,
    pub places: Vec<PlaceView>,
    pub rounds: Vec<RoundView>,
    /// Every act as a sentence.
    pub acts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceView {
    pub place: u32,
    pub seat: u16,
    pub name: String,
    pub rang_the_bell: bool,
    /// The round index that put them out for good.
    pub out_at: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundView {
    pub name: String,
    pub answered: usize,
    pub right: usize,
    pub outcome: String,
}
