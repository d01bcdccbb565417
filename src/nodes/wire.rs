//! What nodes say to each other over Redis pub/sub about a live game, and on which channels.
//!
//! - `{prefix}game:{id}`: commands of the game's players and hosts on other nodes, to whichever
//!   node owns the game ([`ToOwner`], the commands waiting at one relay together). Only the
//!   owner subscribes.
//! - `{prefix}node:{name}`: everything the owners of games send to one node's relays
//!   ([`ToNode`]): replies to joins, and messages for that node's connections, one publication
//!   for all the node's connections that get the same message.
//!
//! JSON, as everything else in hoithi: a broadcast's text rides as a string inside it, once
//! per node.

use serde::{Deserialize, Serialize};

use crate::domain::game::PlayerId;
use crate::domain::{Answer, GameId};
use crate::engine::HostAction;
use crate::protocol::ErrorCode;

pub fn game_channel(prefix: &str, game: GameId) -> String {
    format!("{prefix}game:{game}")
}

pub fn node_channel(prefix: &str, node: &str) -> String {
    format!("{prefix}node:{node}")
}

/// A relay's commands for the owner, in the order its connections gave them: all those that
/// were waiting ride in one publication (a question's answers arrive together).
#[derive(Debug, Serialize, Deserialize)]
pub struct ToOwner {
    pub node: String,
    pub cmds: Vec<FromConn>,
}

/// One command of a connection on the relay's node. `conn` is the connection's number there:
/// the pair (`node`, `conn`) names it among every node's connections.
#[derive(Debug, Serialize, Deserialize)]
pub struct FromConn {
    pub conn: u64,
    pub cmd: RemoteCommand,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum RemoteCommand {
    Join {
        nickname: String,
        secret: String,
        /// The event player's school, checked by the relay's node against the roster the
        /// nodes share; the owner stores it with the player's row.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        school: Option<String>,
    },
    Resume {
        player: PlayerId,
        secret: String,
    },
    /// A host screen, already allowed by the relay's node (the same access rule, against the
    /// game's host read from the database).
    Host,
    Answer {
        player: PlayerId,
        q: usize,
        answer: Answer,
        /// Milliseconds from when the relay's node wrote the question to this player to when
        /// it read the answer: the owner cannot read another machine's clock, so it counts the
        /// answer's time from this span, ending at its own receipt.
        took_ms: Option<u64>,
    },
    Action {
        action: HostAction,
    },
    Detach {
        player: Option<PlayerId>,
    },
    /// A player picks a team (issue 21).
    TeamPick {
        player: PlayerId,
        team: crate::domain::teams::TeamId,
    },
}

/// An owner's message for one node's relay of game `game`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ToNode {
    pub game: GameId,
    pub msg: NodeMessage,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum NodeMessage {
    /// The answer to a `Join` or `Resume`: the player, the welcome, and the question open in
    /// the welcome's snapshot when the player just joined (as `room::Joined`).
    Seated {
        conn: u64,
        result: Result<(PlayerId, String, Option<usize>), ErrorCode>,
    },
    /// The answer to a `Host`: the host's welcome.
    Hosted {
        conn: u64,
        result: Result<String, ErrorCode>,
    },
    /// Messages for the node's connections, in the order the room queued them.
    Deliver { batch: Vec<Delivery> },
    /// The room has ended: the relay lets its connections go.
    Closed,
}

/// `text` for each of `conns`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Delivery {
    pub conns: Vec<u64>,
    pub kind: Kind,
    pub text: String,
}

/// What kind of message a delivery is (as `outbox::Outgoing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Kind {
    Text,
    Question { index: usize },
    Last,
}

pub fn encode<T: Serialize>(msg: &T) -> String {
    serde_json::to_string(msg).expect("node messages always serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_reads_back_as_sent() {
        let msg = ToNode {
            game: GameId::new(17),
            msg: NodeMessage::Deliver {
                batch: vec![Delivery {
                    conns: vec![3, 9],
                    kind: Kind::Question { index: 2 },
                    text: r#"{"type":"question","seq":4}"#.into(),
                }],
            },
        };
        let back: ToNode = serde_json::from_str(&encode(&msg)).unwrap();
        assert_eq!(back.game, GameId::new(17));
        match back.msg {
            NodeMessage::Deliver { batch } => {
                assert_eq!(batch[0].conns, vec![3, 9]);
                assert_eq!(batch[0].kind, Kind::Question { index: 2 });
                assert!(batch[0].text.starts_with(r#"{"type":"question""#));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_join_carries_its_school_to_the_owner() {
        let msg = ToOwner {
            node: "b".into(),
            cmds: vec![FromConn {
                conn: 7,
                cmd: RemoteCommand::Join {
                    nickname: "Lan".into(),
                    secret: "s".into(),
                    school: Some("TH-0001".into()),
                },
            }],
        };
        let back: ToOwner = serde_json::from_str(&encode(&msg)).unwrap();
        assert!(matches!(
            &back.cmds[0].cmd,
            RemoteCommand::Join { school: Some(s), .. } if s == "TH-0001"
        ));
        // A node still on the previous version sends no school (a class game's join).
        let old =
            r#"{"node":"b","cmds":[{"conn":7,"cmd":{"t":"join","nickname":"Lan","secret":"s"}}]}"#;
        let back: ToOwner = serde_json::from_str(old).unwrap();
        assert!(matches!(
            &back.cmds[0].cmd,
            RemoteCommand::Join { school: None, .. }
        ));
    }

    #[test]
    fn a_refused_join_carries_its_code() {
        let msg = ToNode {
            game: GameId::new(1),
            msg: NodeMessage::Seated {
                conn: 5,
                result: Err(ErrorCode::NicknameTaken),
            },
        };
        let back: ToNode = serde_json::from_str(&encode(&msg)).unwrap();
        assert!(matches!(
            back.msg,
            NodeMessage::Seated {
                conn: 5,
                result: Err(ErrorCode::NicknameTaken)
            }
        ));
    }
}
