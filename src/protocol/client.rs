//! Messages from browsers and load-test clients.

use serde::Deserialize;

use crate::domain::teams::{Plan, TeamId, TeamScoring};
use crate::domain::{Answer, GameId};

/// Every message a client may send. `v` on the first message of a connection is the
/// protocol version.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMsg {
    Join {
        v: u32,
        pin: String,
        nickname: String,
        /// The player's school code: required by a province event game, ignored by others.
        #[serde(default)]
        school: Option<String>,
    },
    Resume {
        v: u32,
        token: String,
    },
    Host {
        v: u32,
        game: GameId,
    },
    /// Follow a live ranking board (no sign-in: boards are public).
    Watch {
        v: u32,
        context: String,
        scope: String,
        #[serde(default)]
        limit: Option<u64>,
    },
    Answer {
        q: usize,
        answer: Answer,
    },
    Start {},
    Next {
        /// The room event the host's screen shows (its last `seq`): a `next` meant for a
        /// screen the room has already left (a presenter clicker pressed twice, or as the
        /// timer closed the question) is refused instead of skipping the screen after it.
        #[serde(default)]
        seq: Option<u64>,
    },
    End {},
    Kick {
        player: u32,
    },
    Lock {
        locked: bool,
    },
    /// The host, in the lobby: play in teams made as `plan` says, scored by `scoring`
    /// (average unless said); `plan: null` plays without teams again.
    SetTeams {
        plan: Option<Plan>,
        #[serde(default)]
        scoring: Option<TeamScoring>,
    },
    /// The host puts a player on a team (any time before the end, whatever the team's cap).
    TeamPlace {
        player: u32,
        team: TeamId,
    },
    /// A player picks a team from the host's list, when the host lets them.
    TeamPick {
        team: TeamId,
    },
}

/// Longest string field worth reading (a token is under 60 bytes, a nickname 20 letters).
const MAX_FIELD_BYTES: usize = 200;

/// Parses one text frame. Anything but a well-formed, known message is an error, described
/// for the log (the client gets the code `bad_message`).
pub fn decode(text: &str) -> Result<ClientMsg, String> {
    let msg: ClientMsg = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let long = match &msg {
        ClientMsg::Join {
            pin,
            nickname,
            school,
            ..
        } => pin
            .len()
            .max(nickname.len())
            .max(school.as_deref().map_or(0, str::len)),
        ClientMsg::Resume { token, .. } => token.len(),
        ClientMsg::Watch { context, scope, .. } => context.len().max(scope.len()),
        ClientMsg::SetTeams {
            plan: Some(Plan::Names { names, .. }),
            ..
        } => names.iter().map(String::len).max().unwrap_or(0),
        _ => 0,
    };
    if long > MAX_FIELD_BYTES {
        return Err(format!("a field is longer than {MAX_FIELD_BYTES} bytes"));
    }
    Ok(msg)
}
