//! One live room: a task that owns a [`Game`], its connections and its timers. Everything
//! that changes the game arrives as a [`Command`] on one queue, so there are no locks and every
//! event is handled in order. Work per command is O(1) except the once-per-question broadcasts;
//! the host's lobby list and answered count are coalesced to a few updates a second.
//!
//! - `mod.rs` (here): the room's state, its loop (commands, the game's deadline, the host
//!   updates, the room's expiry, shutdown) and its welcomes;
//! - `command.rs`: what arrives on the queue, and joins, resumes and host screens;
//! - `step.rs`: the pure step from a game effect to the room's actions (table-tested);
//! - `perform.rs`: performing them: connections, the writer, the board feed;
//! - `host_updates.rs`: the host's coalesced lobby and answered count;
//! - `teams.rs`: team play (the host's setup, picks, the team board).

use crate::domain::GameId;
mod command;
mod fan_out;
mod host_updates;
mod perform;
pub mod step;
#[cfg(test)]
mod step_tests;
mod teams;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::{sleep_until, Instant};

pub use command::{Command, HostAction, Joined};
pub use host_updates::HOST_UPDATE_EVERY;
pub use perform::FLUSH_WAIT;
pub use step::{RoomInfo, FINISHED_LINGER};

use super::views;
use crate::domain::game::{Game, Input, Phase, PlayerId};
use crate::domain::Millis;
use crate::outbox::{Outbox, Outgoing};
use crate::protocol::{
    encode, ByeReason, GameBrief, PlayerSelf, Role, ServerMsg, Text, Welcome, VERSION,
};
use crate::rankings::feed::BoardFeed;
use crate::storage::writer::{AnswerRow, Write, WriterHandle};
use crate::storage::GameStatus;
use host_updates::HostUpdates;

/// A room nobody is connected to closes after this long.
pub const EMPTY_LINGER: Duration = Duration::from_secs(30 * 60);

/// What a room is created from.
pub struct RoomSetup {
    pub game_id: GameId,
    pub pin: String,
    pub title: String,
    pub join_url: String,
    /// Where question images are served from (transport's `/bank-images`).
    pub image_base: String,
    pub game: Game,
    /// One of several nodes: at this node's shutdown the game is left open, for another node
    /// to take over when its phones come back (`engine/takeover.rs`), not ended.
    pub hand_over: bool,
}

/// What a room taken over starts from, besides its setup (whose game is the rebuilt one).
pub struct TakenOver {
    /// On the rebuilt game's timeline, and in Unix ms, when the current phase began.
    pub phase_began: Millis,
    pub phase_began_wall: i64,
    /// Above every sequence number the dead room used.
    pub seq: u64,
    /// Each player's token hash, by player id.
    pub secrets: Vec<[u8; 32]>,
    /// The game's teams as stored, if it is a team game.
    pub teams: Option<crate::domain::teams::Teams>,
}

pub struct Room {
    info: RoomInfo,
    pin: String,
    title: String,
    join_url: String,
    game: Game,
    /// The room's clock starts here; the domain sees milliseconds since.
    epoch: Instant,
    /// Room sequence number: rises with every broadcast event.
    seq: u64,
    /// Each player's live connection, indexed by player id.
    conns: Vec<Option<Outbox>>,
    /// Hash of each player's resume secret, indexed by player id.
    secrets: Vec<[u8; 32]>,
    hosts: Vec<Outbox>,
    host_updates: HostUpdates,
    /// When the room closes by itself, if nothing happens first.
    expires_at: Option<Instant>,
    /// Players to mark disconnected once the current command is done.
    deferred: Vec<PlayerId>,
    /// Since when no player or host has been connected.
    empty_since: Option<Instant>,
    /// Accepted answers the database refused, by (player, question): a repeat writes them.
    unsaved: HashMap<(PlayerId, usize), AnswerRow>,
    /// A team game's teams and their last ranking.
    teams: Option<teams::RoomTeams>,
    /// The teams changed since host screens and the database last heard.
    teams_dirty: bool,
    /// Each player's class when the server knows it (a pupil signed in with their login
    /// card), by player id: what teams by class are made from.
    classes: Vec<Option<String>>,
    /// The room's own queue, for the writer's callbacks to report failures (weak, so the
    /// room still ends when every handle is gone).
    inbox: mpsc::WeakSender<Command>,
    writer: WriterHandle,
    /// Totals to the game's live board, after each question.
    feed: BoardFeed,
    /// See [`RoomSetup::hand_over`].
    hand_over: bool,
    /// The question being written to the players, if it is not done yet (`fan_out.rs`).
    fan_out: Option<tokio::task::JoinHandle<fan_out::Refused>>,
}

/// What the question's writer task returns, once it has (never, when there is none).
async fn fan_out_done(
    task: &mut Option<tokio::task::JoinHandle<fan_out::Refused>>,
) -> fan_out::Refused {
    match task {
        Some(task) => task.await.unwrap_or_default(),
        None => std::future::pending().await,
    }
}

impl Room {
    pub fn new(
        setup: RoomSetup,
        writer: WriterHandle,
        feed: BoardFeed,
        inbox: mpsc::WeakSender<Command>,
    ) -> Room {
        // A new game id: a board of that name in Redis can only be left from an old database.
        feed.game_opened(setup.game_id);
        Room {
            info: RoomInfo {
                game_id: setup.game_id,
                image_base: setup.image_base,
                wall_epoch_ms: crate::storage::unix_ms(),
            },
            pin: setup.pin,
            title: setup.title,
            join_url: setup.join_url,
            game: setup.game,
            epoch: Instant::now(),
            seq: 0,
            conns: Vec::new(),
            secrets: Vec::new(),
            hosts: Vec::new(),
            host_updates: HostUpdates::default(),
            expires_at: Some(Instant::now() + EMPTY_LINGER),
            deferred: Vec::new(),
            empty_since: Some(Instant::now()),
            unsaved: HashMap::new(),
            teams: None,
            teams_dirty: false,
            classes: Vec::new(),
            inbox,
            writer,
            feed,
            hand_over: setup.hand_over,
            fan_out: None,
        }
    }

    /// A room for a game taken over from a node that died: its game rebuilt
    /// (`Game::restore`), its clock set so that the current phase began when it did, its
    /// sequence numbers going on above the dead room's, and its players' token hashes, so that
    /// every player comes back with `resume`. Nobody is connected yet.
    pub fn taken_over(
        setup: RoomSetup,
        writer: WriterHandle,
        feed: BoardFeed,
        inbox: mpsc::WeakSender<Command>,
        taken: TakenOver,
    ) -> Room {
        let mut room = Room::new(setup, writer, feed, inbox);
        let now_wall = crate::storage::unix_ms();
        // The wall-clock time of the rebuilt game's time 0.
        let zero_wall = taken.phase_began_wall - taken.phase_began.0 as i64;
        let back = Duration::from_millis(now_wall.saturating_sub(zero_wall).max(0) as u64);
        room.epoch = Instant::now()
            .checked_sub(back)
            .unwrap_or_else(Instant::now);
        room.info.wall_epoch_ms = zero_wall;
        room.seq = taken.seq;
        room.conns = vec![None; taken.secrets.len()];
        room.secrets = taken.secrets;
        room.classes = vec![None; room.conns.len()];
        room.teams = taken.teams.map(teams::RoomTeams::new);
        if !room.game.standings().is_empty() {
            room.rank_teams();
        }
        // `new` emptied the game's live board, as for a new game: the totals so far go back
        // (as of the last close: a question open now counts from its reveal, `feed_totals`).
        if !room.game.standings().is_empty() {
            room.feed_totals();
        }
        room
    }

    /// Runs the room until it finishes and lingers out, empties, or the server shuts down.
    pub async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut shut_down = false;
        loop {
            if *shutdown.borrow() {
                shut_down = true;
                break;
            }
            let deadline = self
                .game
                .next_deadline()
                .map(|ms| self.epoch + Duration::from_millis(ms.0));
            let host_update = self.host_updates.due();
            tokio::select! {
                cmd = commands.recv() => match cmd {
                    Some(cmd) => self.handle(cmd).await,
                    None => break,
                },
                _ = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                    // Answers already read off their sockets before the deadline count: take
                    // what is queued before closing (each carries its own arrival time).
                    while let Ok(cmd) = commands.try_recv() {
                        self.handle(cmd).await;
                    }
                    let now = self.now();
                    self.apply(&Input::Tick, now).await.ok();
                }
                _ = sleep_until(host_update.unwrap_or_else(Instant::now)), if host_update.is_some() => {
                    self.flush_host_updates();
                    self.flush_teams().await;
                }
                _ = sleep_until(self.expires_at.unwrap_or_else(Instant::now)), if self.expires_at.is_some() => {
                    // A finished game closes when its linger is over; any other only after
                    // nobody has been connected for the whole EMPTY_LINGER (a Wi-Fi drop at the
                    // wrong moment must not end a class's game).
                    let empty_long = self.empty_since.is_some_and(|t| t.elapsed() >= EMPTY_LINGER);
                    if self.game.phase() == Phase::Finished || empty_long {
                        break;
                    }
                    let from = self.empty_since.unwrap_or_else(Instant::now);
                    self.expires_at = Some(from + EMPTY_LINGER);
                }
                changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() {
                    shut_down = true;
                    break;
                },
                refused = fan_out_done(&mut self.fan_out), if self.fan_out.is_some() => {
                    self.fan_out = None;
                    self.let_go(refused);
                }
            }
            self.drain_deferred().await;
            self.empty_since = match (self.is_empty(), self.empty_since) {
                (true, None) => Some(Instant::now()),
                (true, since) => since,
                (false, _) => None,
            };
        }
        self.close(shut_down).await;
    }

    /// Waits until the question being written out has reached every player, so that what
    /// the room sends next comes after it on every connection.
    pub(super) async fn finish_fan_out(&mut self) {
        if let Some(task) = self.fan_out.take() {
            let refused = task.await.unwrap_or_default();
            self.let_go(refused);
        }
    }

    /// Lets go of the connections that did not take the question (as `push_each` does), unless
    /// the player has come back on another connection since.
    fn let_go(&mut self, refused: fan_out::Refused) {
        for (player, conn) in refused {
            let slot = self.conns.get_mut(player as usize);
            if let Some(slot) = slot.filter(|s| s.as_ref().is_some_and(|o| o.id == conn)) {
                tracing::debug!(player, "dropped a connection that was not reading");
                *slot = None;
                self.deferred.push(player);
            }
        }
    }

    fn now(&self) -> Millis {
        self.millis(Instant::now())
    }

    fn millis(&self, at: Instant) -> Millis {
        Millis(at.saturating_duration_since(self.epoch).as_millis() as u64)
    }

    fn is_empty(&self) -> bool {
        self.hosts.is_empty() && self.conns.iter().all(Option::is_none)
    }

    /// A host screen came: the room's expiry starts over.
    fn keep_open(&mut self) {
        self.expires_at = self.expires_at.map(|_| Instant::now() + EMPTY_LINGER);
    }

    /// Says goodbye to every connection; an unfinished game is marked interrupted, unless the
    /// node is shutting down and another node can take it over.
    async fn close(&mut self, shut_down: bool) {
        self.finish_fan_out().await;
        // Whatever ended the room, the feed may forget its board once written (a game that
        // never finished would otherwise stay in the feed's memory).
        self.feed.game_over(self.info.game_id);
        let bye = encode(&ServerMsg::Bye {
            seq: self.seq,
            reason: ByeReason::Shutdown,
        });
        for outbox in self.conns.iter().flatten().chain(&self.hosts) {
            outbox.push(Outgoing::Last(bye.clone()));
        }
        let unfinished = self.game.phase() != Phase::Finished;
        if unfinished && shut_down && self.hand_over {
            // Its progression and every answer are stored (or queued to the writer, which the
            // shutdown drains): phones told `bye` `shutdown` resume on another node, which
            // replays them. The lease goes when the bridge sees the room end.
            tracing::warn!(game = %self.info.game_id, "game left for another node to take over");
        } else if unfinished {
            self.writer
                .write(
                    Write::Status {
                        game: self.info.game_id,
                        status: GameStatus::Interrupted,
                    },
                    None,
                )
                .await;
        }
        tracing::info!(
            game = %self.info.game_id,
            players = self.game.players().len(),
            "room closed"
        );
    }

    fn game_brief(&self, host: bool) -> GameBrief<'_> {
        GameBrief {
            pin: &self.pin,
            title: &self.title,
            questions: self.game.rounds().len(),
            join_url: host.then_some(self.join_url.as_str()),
        }
    }

    fn player_welcome(&self, player: PlayerId, token: Option<&str>, now: Millis) -> Text {
        let p = &self.game.players()[player as usize];
        encode(&ServerMsg::Welcome(Box::new(Welcome {
            v: VERSION,
            seq: self.seq,
            role: Role::Player,
            token,
            player: Some(PlayerSelf {
                id: player,
                nickname: p.nickname.as_str(),
                score: p.score,
                rank: p.rank,
            }),
            game: self.game_brief(false),
            players: None,
            state: views::state(&self.game, now, Some(player), &self.info.image_base),
            teams: self.teams_view(false),
            team: self.team_place(player),
            team_board: None,
        })))
    }

    fn host_welcome(&self, now: Millis) -> Text {
        encode(&ServerMsg::Welcome(Box::new(Welcome {
            v: VERSION,
            seq: self.seq,
            role: Role::Host,
            token: None,
            player: None,
            game: self.game_brief(true),
            players: Some(views::host_players(&self.game)),
            state: views::state(&self.game, now, None, &self.info.image_base),
            teams: self.teams_view(true),
            team: None,
            team_board: match self.game.phase() {
                Phase::Leaderboard { .. } | Phase::Finished => self.team_lines(),
                _ => None,
            },
        })))
    }
}
