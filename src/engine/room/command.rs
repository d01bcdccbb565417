//! What arrives on a room's queue, and how the room answers the commands that need more than
//! `Game::apply`: a join (the welcome waits for the player's row), a resume (the token's hash),
//! a host screen.

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::Room;
use crate::domain::game::{Effect, Input, Phase, PlayerId};
use crate::domain::teams::{Plan, TeamId, TeamScoring};
use crate::domain::{Answer, Millis, Nickname};
use crate::engine::token;
use crate::outbox::{Outbox, Outgoing};
use crate::protocol::{encode, ByeReason, ErrorCode, ServerMsg, Text};
use crate::storage::writer::{AnswerRow, Write};

/// A welcome for a player: their id, the token (for `resume`) and the encoded message.
/// With the index of the question open in the welcome's snapshot when the player joined then:
/// the connection starts that player's answer clock when it writes the welcome. (Not on
/// resume: reconnecting must not restart anybody's clock.)
pub type Joined = Result<(PlayerId, Text, Option<usize>), ErrorCode>;

pub enum Command {
    Join {
        nickname: Nickname,
        token_secret: String,
        /// The player's class, when the connection knows it (a pupil signed in with their
        /// login card): for teams by class.
        class: Option<String>,
        /// The school the player named, checked against the roster, when the game is a
        /// province event: stored with the player's row, before the welcome.
        school: Option<String>,
        outbox: Outbox,
        reply: oneshot::Sender<Joined>,
    },
    Resume {
        player: PlayerId,
        secret: String,
        outbox: Outbox,
        reply: oneshot::Sender<Joined>,
    },
    /// A host screen, already allowed by the access rule (the connection asked it, with the
    /// game's owner from the room's handle).
    Host {
        outbox: Outbox,
        reply: oneshot::Sender<Result<Text, ErrorCode>>,
    },
    Answer {
        player: PlayerId,
        conn: u64,
        q: usize,
        answer: Answer,
        sent_at: Option<Instant>,
        /// When the connection read the answer off its socket: the deadline and the answer
        /// time count to here, not to when the room got round to it.
        received_at: Instant,
    },
    HostAction {
        conn: u64,
        action: HostAction,
    },
    /// A join could not be stored: take the player out again.
    Unseat {
        player: PlayerId,
    },
    /// An accepted answer could not be stored: a repeat of it writes it again.
    AnswerNotStored {
        row: AnswerRow,
    },
    /// A player picks a team from the host's list.
    TeamPick {
        player: PlayerId,
        conn: u64,
        team: TeamId,
    },
    /// A connection ended (`player` is `None` for a host screen).
    Detach {
        player: Option<PlayerId>,
        conn: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum HostAction {
    Start,
    /// With the `seq` the host's screen showed, when it said.
    Next(Option<u64>),
    End,
    Kick(PlayerId),
    Lock(bool),
    /// Teams as `plan` says (`None`: no teams), scored by `scoring`.
    Teams {
        plan: Option<Plan>,
        scoring: Option<TeamScoring>,
    },
    /// A player onto a team, by the host.
    TeamPlace {
        player: PlayerId,
        team: TeamId,
    },
}

/// What a join brings to the room besides the connection.
struct Newcomer {
    nickname: Nickname,
    secret: String,
    class: Option<String>,
    school: Option<String>,
}

impl Room {
    pub(super) async fn handle(&mut self, cmd: Command) {
        let now = self.now();
        match cmd {
            Command::Join {
                nickname,
                token_secret,
                class,
                school,
                outbox,
                reply,
            } => {
                let who = Newcomer {
                    nickname,
                    secret: token_secret,
                    class,
                    school,
                };
                self.join(who, outbox, reply, now).await
            }
            Command::Resume {
                player,
                secret,
                outbox,
                reply,
            } => {
                let _ = reply.send(self.resume(player, &secret, outbox, now).await);
            }
            Command::Host { outbox, reply } => {
                let _ = reply.send(Ok(self.host_welcome(now)));
                self.hosts.push(outbox);
                self.keep_open();
            }
            Command::Answer {
                player,
                conn,
                q,
                answer,
                sent_at,
                received_at,
            } => {
                let input = Input::Answer {
                    player,
                    question: q,
                    answer,
                    sent_at: sent_at.map(|t| self.millis(t)),
                };
                let at = self.millis(received_at).min(now);
                if let Err(code) = self.apply(&input, at).await {
                    self.send_to_conn(player, conn, &ServerMsg::error(code));
                }
            }
            Command::HostAction { conn, action } => {
                let input = match action {
                    // The screen the host meant to move on from is gone: moving on again
                    // would skip one nobody has seen (the reveal after a closed question).
                    HostAction::Next(Some(seen)) if seen != self.seq => {
                        self.send_to_host(conn, ErrorCode::WrongPhase);
                        return;
                    }
                    HostAction::Start => Input::Start,
                    HostAction::Next(_) => Input::Next,
                    HostAction::End => Input::End,
                    HostAction::Kick(player) => Input::Kick { player },
                    HostAction::Lock(locked) => Input::Lock { locked },
                    HostAction::Teams { plan, scoring } => {
                        if let Err(code) = self.set_teams(plan, scoring) {
                            self.send_to_host(conn, code);
                        }
                        return;
                    }
                    HostAction::TeamPlace { player, team } => {
                        if let Err(code) = self.place_on_team(player, team) {
                            self.send_to_host(conn, code);
                        }
                        return;
                    }
                };
                if let Err(code) = self.apply(&input, now).await {
                    self.send_to_host(conn, code);
                }
            }
            Command::TeamPick { player, conn, team } => {
                if let Err(code) = self.pick_team(player, team) {
                    self.send_to_conn(player, conn, &ServerMsg::error(code));
                }
            }
            Command::Detach { player: None, conn } => self.hosts.retain(|h| h.id != conn),
            Command::Unseat { player } => {
                self.apply(&Input::Kick { player }, now).await.ok();
            }
            Command::AnswerNotStored { row } => {
                self.unsaved
                    .insert((row.player as PlayerId, row.question as usize), row);
            }
            Command::Detach {
                player: Some(player),
                conn,
            } => {
                let current = self
                    .conns
                    .get(player as usize)
                    .and_then(Option::as_ref)
                    .map(|o| o.id);
                if current == Some(conn) {
                    self.conns[player as usize] = None;
                    self.apply(&Input::Disconnect { player }, now).await.ok();
                }
            }
        }
    }

    fn send_to_host(&self, conn: u64, code: ErrorCode) {
        if let Some(host) = self.hosts.iter().find(|h| h.id == conn) {
            host.push(Outgoing::Text(encode(&ServerMsg::error(code))));
        }
    }

    async fn join(
        &mut self,
        who: Newcomer,
        outbox: Outbox,
        reply: oneshot::Sender<Joined>,
        now: Millis,
    ) {
        let Newcomer {
            nickname,
            secret,
            class,
            school,
        } = who;
        let effects = match self.game.apply(&Input::Join { nickname }, now) {
            Ok(effects) => effects,
            Err(e) => {
                let _ = reply.send(Err(e.into()));
                return;
            }
        };
        let Some(&Effect::Joined { player }) = effects.first() else {
            let _ = reply.send(Err(ErrorCode::ServerBusy));
            return;
        };
        self.secrets.push(token::hash(&secret));
        self.conns.push(Some(outbox));
        self.classes.push(class);
        self.seat_on_team(player);
        self.perform_effects(effects, now).await;
        let token = token::format(self.info.game_id, player, &secret);
        let welcome = self.player_welcome(player, Some(&token), now);
        let nickname = self.game.players()[player as usize].nickname.to_string();
        // The welcome goes out only once the player is on disk: a token the server has
        // acknowledged must still work after a crash.
        let open = match self.game.phase() {
            Phase::Question { index, .. } => Some(index),
            _ => None,
        };
        let inbox = self.inbox.clone();
        let done = Box::new(move |ok: bool| {
            if ok {
                let _ = reply.send(Ok((player, welcome, open)));
            } else {
                // Not on disk: the player must not stay seated (holding the nickname, shown
                // to the host) with a token that would not survive a restart.
                let _ = reply.send(Err(ErrorCode::ServerBusy));
                if let Some(inbox) = inbox.upgrade() {
                    let _ = inbox.try_send(Command::Unseat { player });
                }
            }
        });
        let row = Write::Player {
            game: self.info.game_id,
            player: i64::from(player),
            nickname,
            token_hash: token::hex(&token::hash(&secret)),
            school,
        };
        self.writer.write(row, Some(done)).await;
    }

    async fn resume(
        &mut self,
        player: PlayerId,
        secret: &str,
        outbox: Outbox,
        now: Millis,
    ) -> Joined {
        match self.game.player(player) {
            None => return Err(ErrorCode::InvalidToken),
            Some(p) if p.kicked => return Err(ErrorCode::Kicked),
            Some(_) => {}
        }
        if self.secrets[player as usize] != token::hash(secret) {
            return Err(ErrorCode::InvalidToken);
        }
        if let Some(old) = self.conns[player as usize].replace(outbox) {
            old.push(Outgoing::Last(encode(&ServerMsg::Bye {
                seq: self.seq,
                reason: ByeReason::Replaced,
            })));
        }
        self.apply(&Input::Reconnect { player }, now).await.ok();
        Ok((player, self.player_welcome(player, None, now), None))
    }
}
