//! One live room: a task that owns a [`Game`], its connections and its timers. Everything
//! that changes the game arrives as a [`Command`] on one queue, so there are no locks and every
//! event is handled in order. Work per command is O(1) except the once-per-question broadcasts;
//! the host's lobby list and answered count are coalesced to a few updates a second.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{sleep_until, Instant};

use super::outbox::{Outbox, Outgoing};
use super::views;
use crate::domain::access::{may, Action, Actor, Role as AccountRole, Target};
use crate::domain::game::{Effect, Game, Input, Phase, PlayerId};
use crate::domain::{Answer, Millis, Nickname};
use crate::protocol::{
    encode, ByeReason, ErrorCode, GameBrief, PlayerBrief, PlayerSelf, Role, ServerMsg, Text,
    Welcome, VERSION,
};
use crate::rankings::feed::{self, BoardFeed};
use crate::storage::writer::{AnswerRow, Write, WriterHandle};
use crate::storage::GameStatus;

/// How often, at most, the host screen gets a `lobby` or `answered` update.
pub const HOST_UPDATE_EVERY: Duration = Duration::from_millis(250);
/// How long a finished game stays open for the podium and the report links.
pub const FINISHED_LINGER: Duration = Duration::from_secs(15 * 60);
/// Longest wait for the database before a reveal.
const FLUSH_WAIT: Duration = Duration::from_secs(5);
/// A room nobody is connected to closes after this long.
pub const EMPTY_LINGER: Duration = Duration::from_secs(30 * 60);

/// A welcome for a player: their id, the token (for `resume`) and the encoded message.
/// With the index of the question open in the welcome's snapshot when the player joined then:
/// the connection starts that player's answer clock when it writes the welcome. (Not on
/// resume: reconnecting must not restart anybody's clock.)
pub type Joined = Result<(PlayerId, Text, Option<usize>), ErrorCode>;

pub enum Command {
    Join {
        nickname: Nickname,
        token_secret: String,
        outbox: Outbox,
        reply: oneshot::Sender<Joined>,
    },
    Resume {
        player: PlayerId,
        secret: String,
        outbox: Outbox,
        reply: oneshot::Sender<Joined>,
    },
    /// A signed-in account asks to host; the room knows the game's owner, so it asks the
    /// access rule (the owner, and the organizer for any game).
    Host {
        account: i64,
        role: AccountRole,
        unit: Option<String>,
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
    /// A connection ended (`player` is `None` for a host screen).
    Detach {
        player: Option<PlayerId>,
        conn: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostAction {
    Start,
    Next,
    End,
    Kick(PlayerId),
    Lock(bool),
}

/// What a room is created from.
pub struct RoomSetup {
    pub game_id: i64,
    pub pin: String,
    pub title: String,
    pub host_id: i64,
    pub join_url: String,
    pub game: Game,
}

pub struct Room {
    id: i64,
    pin: String,
    title: String,
    host_id: i64,
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
    /// Host updates waiting for the next coalesced send.
    pending_joined: Vec<PlayerId>,
    pending_removed: Vec<u32>,
    answered_dirty: bool,
    flush_at: Option<Instant>,
    /// When the room closes by itself, if nothing happens first.
    expires_at: Option<Instant>,
    /// Players to mark disconnected once the current command is done.
    deferred: Vec<PlayerId>,
    /// Since when no player or host has been connected.
    empty_since: Option<Instant>,
    /// Accepted answers the database refused, by (player, question): a repeat writes them.
    unsaved: std::collections::HashMap<(PlayerId, usize), AnswerRow>,
    /// The room's own queue, for the writer's callbacks to report failures (weak, so the
    /// room still ends when every handle is gone).
    inbox: mpsc::WeakSender<Command>,
    writer: WriterHandle,
    /// Totals to the game's live board, after each question.
    feed: BoardFeed,
}

impl Room {
    pub fn new(
        setup: RoomSetup,
        writer: WriterHandle,
        feed: BoardFeed,
        inbox: mpsc::WeakSender<Command>,
    ) -> Room {
        // A new game id: a board of that name in Redis can only be left from an old database.
        feed.reset(feed::game_board(setup.game_id));
        Room {
            id: setup.game_id,
            pin: setup.pin,
            title: setup.title,
            host_id: setup.host_id,
            join_url: setup.join_url,
            game: setup.game,
            epoch: Instant::now(),
            seq: 0,
            conns: Vec::new(),
            secrets: Vec::new(),
            hosts: Vec::new(),
            pending_joined: Vec::new(),
            pending_removed: Vec::new(),
            answered_dirty: false,
            flush_at: None,
            expires_at: Some(Instant::now() + EMPTY_LINGER),
            deferred: Vec::new(),
            empty_since: Some(Instant::now()),
            unsaved: std::collections::HashMap::new(),
            inbox,
            writer,
            feed,
        }
    }

    /// Runs the room until it finishes and lingers out, empties, or the server shuts down.
    pub async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        while !*shutdown.borrow() {
            let deadline = self
                .game
                .next_deadline()
                .map(|ms| self.epoch + Duration::from_millis(ms.0));
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
                _ = sleep_until(self.flush_at.unwrap_or_else(Instant::now)), if self.flush_at.is_some() => {
                    self.flush_host_updates();
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
                changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { break },
            }
            self.drain_deferred().await;
            self.empty_since = match (self.is_empty(), self.empty_since) {
                (true, None) => Some(Instant::now()),
                (true, since) => since,
                (false, _) => None,
            };
        }
        self.close().await;
    }

    fn now(&self) -> Millis {
        Millis(self.epoch.elapsed().as_millis() as u64)
    }

    fn millis(&self, at: Instant) -> Millis {
        Millis(at.saturating_duration_since(self.epoch).as_millis() as u64)
    }

    fn is_empty(&self) -> bool {
        self.hosts.is_empty() && self.conns.iter().all(Option::is_none)
    }

    /// Says goodbye to every connection; an unfinished game is marked interrupted.
    async fn close(&mut self) {
        // Whatever ended the room, the feed may forget its board once written (a game that
        // never finished would otherwise stay in the feed's memory).
        self.feed.done(feed::game_board(self.id));
        let bye = encode(&ServerMsg::Bye {
            seq: self.seq,
            reason: ByeReason::Shutdown,
        });
        for outbox in self.conns.iter().flatten().chain(&self.hosts) {
            outbox.push(Outgoing::Last(bye.clone()));
        }
        if self.game.phase() != Phase::Finished {
            self.writer
                .write(
                    Write::Status {
                        game: self.id,
                        status: GameStatus::Interrupted,
                    },
                    None,
                )
                .await;
        }
        tracing::info!(
            game = self.id,
            players = self.game.players().len(),
            "room closed"
        );
    }

    async fn handle(&mut self, cmd: Command) {
        let now = self.now();
        match cmd {
            Command::Join {
                nickname,
                token_secret,
                outbox,
                reply,
            } => self.join(nickname, token_secret, outbox, reply, now).await,
            Command::Resume {
                player,
                secret,
                outbox,
                reply,
            } => {
                let _ = reply.send(self.resume(player, &secret, outbox, now).await);
            }
            Command::Host {
                account,
                role,
                unit,
                outbox,
                reply,
            } => {
                let actor = Actor {
                    id: account,
                    role,
                    unit: unit.as_deref(),
                };
                if !may(&actor, Action::RunGame, Target::OwnedBy(self.host_id)) {
                    let _ = reply.send(Err(ErrorCode::Forbidden));
                    return;
                }
                let _ = reply.send(Ok(self.host_welcome(now)));
                self.hosts.push(outbox);
                self.expires_at = self.expires_at.map(|_| Instant::now() + EMPTY_LINGER);
            }
            Command::Answer {
                player,
                conn,
                q,
                answer,
                sent_at,
                received_at,
            } => {
                let sent_at = sent_at.map(|t| self.millis(t));
                let input = Input::Answer {
                    player,
                    question: q,
                    answer,
                    sent_at,
                };
                let now = self.millis(received_at).min(now);
                if let Err(code) = self.apply(&input, now).await {
                    self.send_to_conn(player, conn, &ServerMsg::error(code));
                }
            }
            Command::HostAction { conn, action } => {
                let input = match action {
                    HostAction::Start => Input::Start,
                    HostAction::Next => Input::Next,
                    HostAction::End => Input::End,
                    HostAction::Kick(player) => Input::Kick { player },
                    HostAction::Lock(locked) => Input::Lock { locked },
                };
                if let Err(code) = self.apply(&input, now).await {
                    if let Some(host) = self.hosts.iter().find(|h| h.id == conn) {
                        host.push(Outgoing::Text(encode(&ServerMsg::error(code))));
                    }
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

    async fn join(
        &mut self,
        nickname: Nickname,
        secret: String,
        outbox: Outbox,
        reply: oneshot::Sender<Joined>,
        now: Millis,
    ) {
        let player = match self.game.apply(&Input::Join { nickname }, now) {
            Ok(effects) => {
                let [Effect::Joined { player }] = effects[..] else {
                    unreachable!("join has one effect")
                };
                player
            }
            Err(e) => {
                let _ = reply.send(Err(e.into()));
                return;
            }
        };
        self.secrets.push(super::token::hash(&secret));
        self.conns.push(Some(outbox));
        self.pending_joined.push(player);
        self.schedule_flush();
        let token = super::token::format(self.id, player, &secret);
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
            game: self.id,
            player: i64::from(player),
            nickname,
            token_hash: super::token::hex(&super::token::hash(&secret)),
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
        if self.secrets[player as usize] != super::token::hash(secret) {
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
        encode(&ServerMsg::Welcome(Welcome {
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
            state: views::state(&self.game, now, Some(player), IMAGE_BASE),
        }))
    }

    fn host_welcome(&self, now: Millis) -> Text {
        encode(&ServerMsg::Welcome(Welcome {
            v: VERSION,
            seq: self.seq,
            role: Role::Host,
            token: None,
            player: None,
            game: self.game_brief(true),
            players: Some(views::host_players(&self.game)),
            state: views::state(&self.game, now, None, IMAGE_BASE),
        }))
    }

    /// Applies an input and performs its effects.
    async fn apply(&mut self, input: &Input, now: Millis) -> Result<(), ErrorCode> {
        let effects = self.game.apply(input, now).map_err(ErrorCode::from)?;
        for effect in effects {
            self.perform(effect, now).await;
        }
        Ok(())
    }

    async fn perform(&mut self, effect: Effect, now: Millis) {
        match effect {
            Effect::Joined { .. } | Effect::Disconnected { .. } | Effect::Reconnected { .. } => {}
            Effect::Kicked { player } => {
                if let Some(outbox) = self.conns[player as usize].take() {
                    outbox.push(Outgoing::Last(encode(&ServerMsg::Kicked { seq: self.seq })));
                }
                self.pending_removed.push(player);
                self.schedule_flush();
                self.feed.unset(
                    feed::game_board(self.id),
                    feed::game_member(i64::from(player)),
                );
                self.writer
                    .write(
                        Write::Kick {
                            game: self.id,
                            player: i64::from(player),
                        },
                        None,
                    )
                    .await;
            }
            Effect::LockChanged { locked } => {
                self.seq += 1;
                let text = encode(&ServerMsg::Locked {
                    seq: self.seq,
                    locked,
                });
                self.broadcast(|_| Outgoing::Text(text.clone()));
            }
            Effect::QuestionOpened { index } => {
                if index == 0 {
                    self.writer
                        .write(
                            Write::Status {
                                game: self.id,
                                status: GameStatus::Running,
                            },
                            None,
                        )
                        .await;
                }
                self.seq += 1;
                let remaining = match self.game.phase() {
                    Phase::Question { closes_at, .. } => closes_at.since(now),
                    _ => 0,
                };
                let view = views::question(&self.game, index, remaining, IMAGE_BASE);
                let text = encode(&ServerMsg::Question {
                    seq: self.seq,
                    question: view,
                });
                self.answered_dirty = false;
                self.broadcast(|_| Outgoing::Question {
                    index,
                    text: text.clone(),
                });
            }
            Effect::AnswerAccepted {
                player,
                index,
                record,
                bank_answer,
            } => {
                // The database keeps the bank's option ids, so a report reads the bank whatever
                // ids this game showed.
                let row = AnswerRow {
                    game: self.id,
                    player: i64::from(player),
                    question: index as i64,
                    answer: serde_json::to_string(&bank_answer).unwrap_or_default(),
                    correct: record.correct,
                    points: i64::from(record.points),
                    bonus: i64::from(record.bonus),
                    elapsed_ms: i64::from(record.elapsed_ms),
                };
                let done = self.receipt_after_write(player, index, Some(row.clone()));
                self.writer.write(Write::Answer(row), done).await;
                self.answered_dirty = true;
                self.schedule_flush();
            }
            Effect::AnswerRepeated { player, index } => {
                // Through the writer, so the repeat's receipt never overtakes the first's; and
                // if the first could not be stored, the repeat stores it.
                match self.unsaved.remove(&(player, index)) {
                    Some(row) => {
                        let done = self.receipt_after_write(player, index, Some(row.clone()));
                        self.writer.write(Write::Answer(row), done).await;
                    }
                    None => {
                        let done = self.receipt_after_write(player, index, None);
                        self.writer.write(Write::Barrier, done).await;
                    }
                }
            }
            Effect::QuestionClosed { index } => {
                // The time the game charged for a missing answer is kept beside the answers,
                // so totals from the database equal the room's.
                let missed: Vec<i64> = self
                    .game
                    .players()
                    .iter()
                    .filter(|p| p.missed(index))
                    .map(|p| i64::from(p.id))
                    .collect();
                if !missed.is_empty() {
                    let charged_ms = self.game.rounds()[index].question.time_limit.millis() as i64;
                    self.writer
                        .write(
                            Write::Missed {
                                game: self.id,
                                question: index as i64,
                                players: missed,
                                charged_ms,
                            },
                            None,
                        )
                        .await;
                }
                self.feed_board();
                // Receipts before the reveal, but a stuck database must not stop the game.
                if tokio::time::timeout(FLUSH_WAIT, self.writer.flush())
                    .await
                    .is_err()
                {
                    tracing::error!(
                        game = self.id,
                        "the database did not confirm answers in time; revealing anyway"
                    );
                }
                self.flush_host_updates();
                self.seq += 1;
                let seq = self.seq;
                let text = encode(&ServerMsg::Reveal {
                    seq,
                    reveal: views::reveal(&self.game, index),
                });
                self.broadcast(|_| Outgoing::Text(text.clone()));
                let game = &self.game;
                Self::send_each(&mut self.conns, &mut self.deferred, |p| {
                    let result = views::you(&game.players()[p as usize], index);
                    encode(&ServerMsg::Result { seq, result })
                });
            }
            Effect::LeaderboardShown { index } => {
                self.seq += 1;
                let top = views::top(&self.game, views::LEADERBOARD_SIZE);
                let text = encode(&ServerMsg::Leaderboard {
                    seq: self.seq,
                    q: index,
                    top: &top,
                    players: self.game.active_players(),
                });
                self.broadcast(|_| Outgoing::Text(text.clone()));
            }
            Effect::Finished => {
                // Players who joined after the last close are ranked too (score 0), as a board
                // rebuilt from the database ranks them.
                self.feed_board();
                self.feed.done(feed::game_board(self.id));
                self.seq += 1;
                let seq = self.seq;
                let top = views::top(&self.game, views::PODIUM_SIZE);
                let text = encode(&ServerMsg::Podium {
                    seq,
                    top: &top,
                    players: self.game.active_players(),
                });
                self.broadcast(|_| Outgoing::Text(text.clone()));
                let game = &self.game;
                Self::send_each(&mut self.conns, &mut self.deferred, |p| {
                    let standing = views::standing(game, &game.players()[p as usize]);
                    encode(&ServerMsg::Final { seq, standing })
                });
                let standings = self
                    .game
                    .standings()
                    .iter()
                    .map(|&id| {
                        let p = &self.game.players()[id as usize];
                        (
                            i64::from(id),
                            i64::from(p.rank.unwrap_or(0)),
                            i64::from(p.score),
                        )
                    })
                    .collect();
                self.writer
                    .write(
                        Write::Final {
                            game: self.id,
                            standings,
                        },
                        None,
                    )
                    .await;
                self.writer
                    .write(
                        Write::Status {
                            game: self.id,
                            status: GameStatus::Finished,
                        },
                        None,
                    )
                    .await;
                self.expires_at = Some(Instant::now() + FINISHED_LINGER);
            }
        }
    }

    /// A callback that queues the receipt for `player` once the write is committed.
    /// `row`, when given, is the answer being written: if the write fails, the room hears of
    /// it, so that the player's repeat writes it again instead of getting a receipt for
    /// nothing.
    fn receipt_after_write(
        &self,
        player: PlayerId,
        index: usize,
        row: Option<AnswerRow>,
    ) -> Option<crate::storage::writer::Done> {
        let outbox = self.conns.get(player as usize).cloned().flatten();
        if outbox.is_none() && row.is_none() {
            return None;
        }
        let text = encode(&ServerMsg::Receipt {
            seq: self.seq,
            q: index,
        });
        let inbox = self.inbox.clone();
        Some(Box::new(move |ok: bool| {
            if !ok {
                if let (Some(row), Some(inbox)) = (row, inbox.upgrade()) {
                    let _ = inbox.try_send(Command::AnswerNotStored { row });
                }
            }
            if let Some(outbox) = outbox {
                let msg = if ok {
                    text
                } else {
                    encode(&ServerMsg::error(ErrorCode::ServerBusy))
                };
                outbox.push(Outgoing::Text(msg));
            }
        }))
    }

    fn send_to_conn(&self, player: PlayerId, conn: u64, msg: &ServerMsg<'_>) {
        if let Some(Some(outbox)) = self.conns.get(player as usize) {
            if outbox.id == conn {
                outbox.push(Outgoing::Text(encode(msg)));
            }
        }
    }

    /// Queues one shared message for every player connection and host screen. Connections
    /// that cannot take it are let go (they will `resume`).
    fn broadcast(&mut self, msg: impl Fn(()) -> Outgoing) {
        self.hosts.retain(|h| h.push(msg(())));
        let mut dropped = Vec::new();
        for (id, slot) in self.conns.iter_mut().enumerate() {
            if let Some(outbox) = slot {
                if !outbox.push(msg(())) {
                    *slot = None;
                    dropped.push(id as PlayerId);
                }
            }
        }
        self.drop_players(dropped);
    }

    /// Queues a personal message for every connected player. A free function over the
    /// fields it needs, so `msg` may borrow the game meanwhile.
    fn send_each(
        conns: &mut [Option<Outbox>],
        deferred: &mut Vec<PlayerId>,
        msg: impl Fn(PlayerId) -> Text,
    ) {
        for (id, slot) in conns.iter_mut().enumerate() {
            if let Some(outbox) = slot {
                if !outbox.push(Outgoing::Text(msg(id as PlayerId))) {
                    *slot = None;
                    deferred.push(id as PlayerId);
                }
            }
        }
    }

    /// Players whose connection was let go are marked disconnected after the current command,
    /// so their effects (an early close, say) are performed like any other.
    fn drop_players(&mut self, dropped: Vec<PlayerId>) {
        for &player in &dropped {
            tracing::debug!(
                game = self.id,
                player,
                "dropped a connection that was not reading"
            );
        }
        self.deferred.extend(dropped);
    }

    async fn drain_deferred(&mut self) {
        while let Some(player) = self.deferred.pop() {
            let now = self.now();
            self.apply(&Input::Disconnect { player }, now).await.ok();
        }
    }

    /// Every ranked player's total to the game's live board (the feed writes only changes).
    fn feed_board(&self) {
        let entries = self
            .game
            .players()
            .iter()
            .filter(|p| !p.kicked)
            .map(|p| {
                let id = i64::from(p.id);
                (
                    feed::game_member(id),
                    feed::game_entry(i64::from(p.score), p.answer_time_ms as i64, id),
                )
            })
            .collect();
        self.feed.set(feed::game_board(self.id), entries);
    }

    fn schedule_flush(&mut self) {
        if self.flush_at.is_none() {
            self.flush_at = Some(Instant::now() + HOST_UPDATE_EVERY);
        }
    }

    /// Sends the host screens what changed since the last update.
    fn flush_host_updates(&mut self) {
        self.flush_at = None;
        if self.hosts.is_empty() {
            self.pending_joined.clear();
            self.pending_removed.clear();
            self.answered_dirty = false;
            return;
        }
        let mut texts = Vec::new();
        if !self.pending_joined.is_empty() || !self.pending_removed.is_empty() {
            let joined: Vec<PlayerBrief> = self
                .pending_joined
                .iter()
                .filter_map(|&id| self.game.player(id))
                .filter(|p| !p.kicked)
                .map(|p| PlayerBrief {
                    id: p.id,
                    nickname: p.nickname.as_str(),
                })
                .collect();
            texts.push(encode(&ServerMsg::Lobby {
                seq: self.seq,
                count: self.game.active_players(),
                joined: &joined,
                removed: &self.pending_removed,
            }));
        }
        if self.answered_dirty {
            // Also right after a close: the host sees the final count before the reveal.
            if let Phase::Question { index, .. } | Phase::Reveal { index, .. } = self.game.phase() {
                texts.push(encode(&ServerMsg::Answered {
                    seq: self.seq,
                    q: index,
                    count: self.game.rounds()[index].answered,
                    of: self.game.active_players(),
                }));
            }
        }
        self.pending_joined.clear();
        self.pending_removed.clear();
        self.answered_dirty = false;
        for text in texts {
            self.hosts.retain(|h| h.push(Outgoing::Text(text.clone())));
        }
    }
}

/// Where question images are served from: `/bank-images/{bank}/{file}`.
pub const IMAGE_BASE: &str = "/bank-images";
