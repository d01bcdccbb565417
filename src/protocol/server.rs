//! Messages from the server. Views borrow from the room's state; see `docs/protocol.md`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ErrorCode;
use crate::domain::board::Line;
use crate::domain::context::Context;
use crate::domain::scopes::Scope;
use crate::domain::teams::{TeamId, TeamScoring};
use crate::domain::{OptionId, QuestionKind};

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg<'a> {
    /// Boxed: the largest message, sent once per connection.
    Welcome(Box<Welcome<'a>>),
    Lobby {
        seq: u64,
        count: usize,
        joined: &'a [PlayerBrief<'a>],
        removed: &'a [u32],
    },
    Locked {
        seq: u64,
        locked: bool,
    },
    Question {
        seq: u64,
        #[serde(flatten)]
        question: QuestionView<'a>,
    },
    Answered {
        seq: u64,
        q: usize,
        count: u32,
        of: usize,
    },
    Receipt {
        seq: u64,
        q: usize,
    },
    Reveal {
        seq: u64,
        #[serde(flatten)]
        reveal: RevealView<'a>,
    },
    Result {
        seq: u64,
        #[serde(flatten)]
        result: YouResult,
    },
    Leaderboard {
        seq: u64,
        q: usize,
        top: &'a [Ranked<'a>],
        players: usize,
    },
    Podium {
        seq: u64,
        top: &'a [Ranked<'a>],
        players: usize,
    },
    Final {
        seq: u64,
        #[serde(flatten)]
        standing: FinalStanding,
    },
    Kicked {
        seq: u64,
    },
    /// The game's teams as the host set them (`teams: null`: no teams), to everyone; only
    /// host screens get who is on which team (`of`).
    Teams {
        seq: u64,
        teams: Option<TeamsView<'a>>,
    },
    /// To one player: the team they are on now.
    Team {
        seq: u64,
        #[serde(flatten)]
        team: TeamBrief<'a>,
    },
    /// To host screens, after each question's leaderboard and with the podium (`final`):
    /// teams in order, each with its members in order.
    TeamBoard {
        seq: u64,
        #[serde(rename = "final")]
        is_final: bool,
        scoring: TeamScoring,
        teams: &'a [TeamLine<'a>],
    },
    Bye {
        seq: u64,
        reason: ByeReason,
    },
    /// A live ranking page, to viewers; `seq` counts this board's updates.
    Board {
        seq: u64,
        #[serde(flatten)]
        page: BoardPage<'a>,
    },
    Error {
        code: ErrorCode,
        message: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u64>,
    },
}

impl ServerMsg<'_> {
    pub fn error(code: ErrorCode) -> ServerMsg<'static> {
        ServerMsg::Error {
            code,
            message: code.message(),
            retry_after_ms: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ByeReason {
    Shutdown,
    Replaced,
}

#[derive(Debug, Serialize)]
pub struct Welcome<'a> {
    pub v: u32,
    pub seq: u64,
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub player: Option<PlayerSelf<'a>>,
    pub game: GameBrief<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub players: Option<Vec<HostPlayer<'a>>>,
    pub state: State<'a>,
    /// In a team game: the teams (`of` for host screens only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teams: Option<TeamsView<'a>>,
    /// A player's own team, and its place once the teams have been ranked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamPlace<'a>>,
    /// Host screens, on the leaderboard or the podium: the team board.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_board: Option<Vec<TeamLine<'a>>>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Player,
    Host,
}

#[derive(Debug, Serialize)]
pub struct PlayerSelf<'a> {
    pub id: u32,
    pub nickname: &'a str,
    pub score: u32,
    pub rank: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct GameBrief<'a> {
    pub pin: &'a str,
    pub title: &'a str,
    pub questions: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_url: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct HostPlayer<'a> {
    pub id: u32,
    pub nickname: &'a str,
    pub connected: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlayerBrief<'a> {
    pub id: u32,
    pub nickname: &'a str,
}

/// Where the game is: the snapshot in `welcome`.
#[derive(Debug, Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum State<'a> {
    Lobby {
        locked: bool,
    },
    Question {
        question: QuestionView<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        answered: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        answered_count: Option<u32>,
    },
    Reveal {
        reveal: RevealView<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        you: Option<YouResult>,
    },
    Leaderboard {
        q: usize,
        top: Vec<Ranked<'a>>,
        players: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        you: Option<YouResult>,
    },
    Finished {
        top: Vec<Ranked<'a>>,
        players: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        you: Option<FinalStanding>,
    },
}

#[derive(Debug, Serialize)]
pub struct QuestionView<'a> {
    pub q: usize,
    pub number: usize,
    pub total: usize,
    pub kind: QuestionKind,
    pub text: &'a str,
    pub image: Option<String>,
    pub options: Vec<OptionView<'a>>,
    pub time_limit_ms: u64,
    /// Until the question closes, the reading time still to run included.
    pub remaining_ms: u64,
    /// While a reading time runs: how long until answers open. Absent once they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers_in_ms: Option<u64>,
    pub points: u32,
}

#[derive(Debug, Serialize)]
pub struct OptionView<'a> {
    pub id: OptionId,
    pub text: &'a str,
}

#[derive(Debug, Serialize)]
pub struct RevealView<'a> {
    pub q: usize,
    pub correct: &'a [OptionId],
    pub value: Option<f64>,
    /// Option id (as a string key, JSON's only kind) → how many chose it.
    pub distribution: BTreeMap<OptionId, u32>,
    pub answered: u32,
    pub right: u32,
    pub players: usize,
    pub explanation: &'a str,
    pub source: &'a str,
}

/// One player's outcome of a question.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct YouResult {
    pub q: usize,
    pub answered: bool,
    pub correct: bool,
    pub points: u32,
    pub bonus: u32,
    pub score: u32,
    pub rank: Option<u32>,
    /// In a team game: the player's team and its place after this question.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamPlace<'static>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ranked<'a> {
    pub rank: u32,
    pub id: u32,
    pub nickname: &'a str,
    pub score: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FinalStanding {
    pub rank: Option<u32>,
    pub score: u32,
    pub correct: u32,
    pub questions: usize,
    /// In a team game: the player's team and its final place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamPlace<'static>>,
}

/// A team game's setup, as screens show it.
#[derive(Debug, Clone, Serialize)]
pub struct TeamsView<'a> {
    /// `class`, `random` or `names`.
    pub how: &'static str,
    pub scoring: TeamScoring,
    /// Whether players pick their team on their phones.
    pub pick: bool,
    pub names: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u32>,
    /// Host screens: `[player, team]` of every placed player.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of: Option<Vec<(u32, TeamId)>>,
}

/// A player's team (`team: null`: on none).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TeamBrief<'a> {
    pub team: Option<TeamId>,
    pub name: Option<&'a str>,
}

/// A player's team and, once teams are ranked, its place among `of` teams.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TeamPlace<'a> {
    pub team: TeamId,
    pub name: std::borrow::Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<u64>,
    pub of: usize,
}

/// One team on the team board.
#[derive(Debug, Clone, Serialize)]
pub struct TeamLine<'a> {
    pub rank: u32,
    pub team: TeamId,
    pub name: &'a str,
    /// Rounded to whole points (teams are ordered by the exact value).
    pub score: u64,
    /// Members in the game, of `size` on the team.
    pub present: usize,
    pub size: usize,
    pub members: Vec<TeamMember<'a>>,
}

/// A member on the team board: present ones in the game's order, then absent ones.
#[derive(Debug, Clone, Serialize)]
pub struct TeamMember<'a> {
    pub id: u32,
    pub nickname: &'a str,
    pub score: u32,
    pub present: bool,
}

/// A page of a ranking board: the `board` message's content and the body of
/// `GET /api/rankings/{context}/board/{scope}`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct BoardPage<'a> {
    pub context: &'a Context,
    pub scope: &'a Scope,
    pub total: u64,
    pub lines: &'a [Line],
}
