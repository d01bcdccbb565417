//! One Rung chuông vàng on stage: a task that owns a [`Bell`], its connections (contestants'
//! phones by seat, the audience, the host's console, judges' tablets, the hall screen) and
//! its countdown. The class room's shape: every change arrives as a [`BellCommand`] on one
//! queue, the contest's effects become actions in the pure [`step`], and the task performs
//! them. Answers and the act log go to the batching writer; a phone's receipt is sent once its
//! answer is committed. Opened by [`crate::engine::Engine::open_bell`], reached through
//! `/ws/bell` (`transport::bell_ws`).
//!
//! - `mod.rs` (here): the room's state, its loop and its welcomes;
//! - `command.rs`: what arrives on the queue;
//! - `step.rs`: effect → actions, pure;
//! - `registry.rs`: opening rooms and finding them by PIN.

mod command;
pub mod registry;
pub mod step;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::{sleep_until, Instant};

pub use command::{Ask, BellCommand, BellReport, Who};
pub use registry::{BellHandle, BellRooms};

use crate::domain::bell::{Bell, Input, Phase, Seat, ViewerId};
use crate::domain::{GameId, Millis};
use crate::engine::token;
use crate::outbox::{Outbox, Outgoing};
use crate::protocol::bell::{
    encode_bell, BellErrorCode, BellMsg, HostAct, SeatView, StageRole, YouStatus,
};
use crate::protocol::Text;
use crate::storage::bell::{BellActRow, BellAnswerRow};
use crate::storage::writer::{Done, Write, WriterHandle};
use step::{Action, Stored};

/// A stage room with no connection closes after this long (a hall's Wi-Fi may drop for
/// minutes; half an hour is the class room's patience too).
pub const EMPTY_LINGER: Duration = Duration::from_secs(30 * 60);

/// The stage screens hear of new seats at most this often.
pub const SEATED_EVERY: Duration = Duration::from_millis(250);

/// What a stage room is made from.
pub struct BellSetup {
    pub game_id: GameId,
    /// The account that opened it.
    pub host: crate::domain::AccountId,
    /// The key a judge's tablet or the hall screen may present instead of a session.
    pub stage_key: Option<String>,
    pub pin: String,
    pub title: String,
    pub bell: Bell,
    /// Where its answers and act log go (`storage::bell`).
    pub writer: WriterHandle,
}

pub struct BellRoom {
    setup_title: String,
    game_id: GameId,
    bell: Bell,
    epoch: Instant,
    seq: u64,
    /// Every connection, by its id: who it is and its queue.
    conns: HashMap<u64, (Who, Outbox)>,
    /// Each seat's phone (its latest connection).
    seats: HashMap<Seat, u64>,
    /// The hash of each phone-taken seat's resume secret (`engine::token`): the phone that
    /// took a seat gets it back after a drop; nobody else can take it, whatever name they give.
    tokens: HashMap<Seat, [u8; 32]>,
    next_viewer: ViewerId,
    /// When the room closes by itself: the end's linger, or [`EMPTY_LINGER`] after the last
    /// connection went.
    closes_at: Option<Instant>,
    /// Since when nobody has been connected.
    empty_since: Option<Instant>,
    /// Seats taken since the stage screens last heard, and when they hear next.
    seated: Vec<Seat>,
    seated_due: Option<Instant>,
    writer: WriterHandle,
    /// Acts handed to the writer so far: the next one's place in the stored log.
    acts_stored: i64,
    /// Answers the database refused, filled by the writer's callbacks (on its task) and taken
    /// back from the contest by the room before anything else it does, and before a reveal
    /// once the writer has settled every answer (`withdraw_refused`). A `std` mutex: a push
    /// or a take, never held across an await.
    refused: Arc<Mutex<Vec<(Seat, usize, crate::domain::bell::Source)>>>,
    /// Whether the final report has gone to the writer.
    report_stored: bool,
}

impl BellRoom {
    pub fn new(setup: BellSetup) -> BellRoom {
        BellRoom {
            setup_title: setup.title,
            game_id: setup.game_id,
            bell: setup.bell,
            epoch: Instant::now(),
            seq: 0,
            conns: HashMap::new(),
            seats: HashMap::new(),
            tokens: HashMap::new(),
            next_viewer: 0,
            closes_at: None,
            empty_since: Some(Instant::now()),
            seated: Vec::new(),
            seated_due: None,
            writer: setup.writer,
            acts_stored: 0,
            refused: Arc::default(),
            report_stored: false,
        }
    }

    /// Runs until the contest has finished and lingered, every handle is gone, or shutdown.
    pub async fn run(
        mut self,
        mut commands: mpsc::Receiver<BellCommand>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        while !*shutdown.borrow() {
            let deadline = self
                .bell
                .next_deadline()
                .map(|ms| self.epoch + Duration::from_millis(ms.0));
            let empty_until = self.empty_since.map(|t| t + EMPTY_LINGER);
            let expires = match (self.closes_at, empty_until) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            tokio::select! {
                cmd = commands.recv() => match cmd {
                    Some(cmd) => self.handle(cmd).await,
                    None => break,
                },
                _ = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                    // Answers read off their sockets before the deadline count: take what is
                    // queued (each carries its arrival time) before the countdown closes.
                    while let Ok(cmd) = commands.try_recv() {
                        self.handle(cmd).await;
                    }
                    let now = self.now();
                    self.apply(&Input::Tick, now).await.ok();
                }
                _ = sleep_until(self.seated_due.unwrap_or_else(Instant::now)), if self.seated_due.is_some() => {
                    self.flush_seated().await;
                }
                _ = sleep_until(expires.unwrap_or_else(Instant::now)), if expires.is_some() => break,
                changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { break },
            }
            self.empty_since = match (self.conns.is_empty(), self.empty_since) {
                (true, None) => Some(Instant::now()),
                (true, since) => since,
                (false, _) => None,
            };
        }
        tracing::info!(game = %self.game_id, contestants = self.bell.contestant_count(), "stage room closed");
    }

    fn now(&self) -> Millis {
        self.millis(Instant::now())
    }

    fn millis(&self, at: Instant) -> Millis {
        Millis(at.saturating_duration_since(self.epoch).as_millis() as u64)
    }

    async fn handle(&mut self, cmd: BellCommand) {
        self.withdraw_refused().await;
        let now = self.now();
        match cmd {
            BellCommand::Sit {
                seat,
                name,
                secret,
                outbox,
                reply,
            } => {
                // A taken seat is refused whatever the name: coming back is `Resume`, with the
                // secret only the phone that sat down holds.
                let answer = self
                    .apply(&Input::Join { seat, name }, now)
                    .await
                    .map(|()| {
                        self.tokens.insert(seat, token::hash(&secret));
                        self.attach(Who::Contestant(seat), outbox);
                        let token = token::format(self.game_id, seat.number().into(), &secret);
                        self.welcome(Who::Contestant(seat), now, Some(token))
                    });
                reply.send(answer.map_err(BellErrorCode::from)).ok();
            }
            BellCommand::Resume {
                seat,
                secret,
                outbox,
                reply,
            } => {
                let answer = if self.tokens.get(&seat) == Some(&token::hash(&secret)) {
                    self.attach(Who::Contestant(seat), outbox);
                    Ok(self.welcome(Who::Contestant(seat), now, None))
                } else {
                    Err(BellErrorCode::InvalidToken)
                };
                reply.send(answer).ok();
            }
            BellCommand::Stage {
                role,
                outbox,
                reply,
            } => {
                self.attach(Who::Stage(role), outbox);
                reply.send(self.welcome(Who::Stage(role), now, None)).ok();
            }
            BellCommand::Audience { outbox, reply } => {
                let viewer = self.next_viewer;
                self.next_viewer += 1;
                self.attach(Who::Viewer(viewer), outbox);
                reply
                    .send((viewer, self.welcome(Who::Viewer(viewer), now, None)))
                    .ok();
            }
            BellCommand::Ask {
                conn,
                ask,
                received_at,
            } => {
                let Some(&(who, ref outbox)) = self.conns.get(&conn) else {
                    return;
                };
                let outbox = outbox.clone();
                let at = self.millis(received_at);
                if let Err(code) = self.ask(who, ask, at, &outbox).await {
                    outbox.push(Outgoing::Text(encode_bell(&code.msg())));
                }
            }
            BellCommand::Report { reply } => {
                reply.send(self.report()).ok();
            }
            BellCommand::Detach { conn } => {
                if let Some((Who::Contestant(seat), _)) = self.conns.remove(&conn) {
                    if self.seats.get(&seat) == Some(&conn) {
                        self.seats.remove(&seat);
                    }
                }
            }
        }
    }

    fn attach(&mut self, who: Who, outbox: Outbox) {
        if let Who::Contestant(seat) = who {
            // A second phone on the same seat replaces the first.
            if let Some(old) = self.seats.insert(seat, outbox.id) {
                self.conns.remove(&old);
            }
        }
        self.conns.insert(outbox.id, (who, outbox));
    }

    /// What `who` may ask, as a contest input.
    async fn ask(
        &mut self,
        who: Who,
        ask: command::Ask,
        at: Millis,
        outbox: &Outbox,
    ) -> Result<(), BellErrorCode> {
        let host = who == Who::Stage(StageRole::Host);
        let judge = host || who == Who::Stage(StageRole::Judge);
        let input = match (who, ask) {
            (Who::Contestant(seat), Ask::Answer { round, answer }) => Input::Answer {
                seat,
                round,
                answer,
            },
            (Who::Viewer(viewer), Ask::Answer { round, answer }) => {
                let input = Input::AudienceAnswer {
                    viewer,
                    round,
                    answer,
                };
                self.apply(&input, at).await.map_err(BellErrorCode::from)?;
                // The audience's receipt: nothing in it tells right from wrong.
                outbox.push(Outgoing::Text(encode_bell(&BellMsg::BellReceipt {
                    seq: self.seq,
                    round,
                    counted: true,
                })));
                return Ok(());
            }
            (Who::Stage(_), Ask::Answer { .. }) => return Err(BellErrorCode::ContestantsOnly),
            (
                _,
                Ask::Record {
                    seat,
                    round,
                    answer,
                },
            ) if judge => Input::Record {
                seat,
                round,
                answer,
            },
            (_, Ask::Register { seat, name }) if judge => Input::Join { seat, name },
            (_, Ask::Record { .. } | Ask::Register { .. }) => return Err(BellErrorCode::NotJudge),
            (_, Ask::Host(act)) if host => host_input(act),
            (_, Ask::Skip(reason)) if host => Input::Skip { reason },
            (_, Ask::Undo(reason, seat)) if host => Input::Undo { reason, seat },
            (_, Ask::Host(_) | Ask::Skip(_) | Ask::Undo(..)) => return Err(BellErrorCode::NotHost),
        };
        if matches!(input, Input::Reveal) {
            // Every answer queued before the reveal is committed (or refused, `server_busy`)
            // first: its receipt reaches the phone before the answer is shown, and the reveal
            // does not eliminate on an answer the writer has not settled.
            self.writer.flush().await;
            self.withdraw_refused().await;
        }
        self.apply(&input, at).await.map_err(BellErrorCode::from)
    }

    /// Applies one input and performs what follows.
    async fn apply(
        &mut self,
        input: &Input,
        at: Millis,
    ) -> Result<(), crate::domain::bell::BellError> {
        let effects = self.bell.apply(input, at)?;
        let now = self.now();
        for effect in &effects {
            for action in step::actions(&self.bell, effect, &mut self.seq, now) {
                self.perform(action).await;
            }
        }
        if self.bell.phase() == Phase::Finished && !self.report_stored {
            // Once the end and its act are in the log: the school reads the report after the
            // room has closed.
            self.report_stored = true;
            let report = serde_json::to_string(&self.report()).expect("a report serializes");
            let contest = self.game_id;
            self.writer
                .write(Write::BellReport { contest, report }, None)
                .await;
        }
        Ok(())
    }

    /// The contest's report as it stands.
    fn report(&self) -> BellReport {
        use crate::domain::bell::report;
        BellReport {
            id: self.game_id,
            title: self.setup_title.clone(),
            finished: self.bell.phase() == Phase::Finished,
            places: report::places(&self.bell)
                .into_iter()
                .map(|p| command::PlaceView {
                    place: p.place,
                    seat: p.seat.number(),
                    name: p.name,
                    rang_the_bell: p.rang_the_bell,
                    out_at: p.out_at,
                })
                .collect(),
            rounds: report::rounds(&self.bell)
                .into_iter()
                .map(|l| command::RoundView {
                    name: l.name,
                    answered: l.answered,
                    right: l.right,
                    outcome: l.outcome,
                })
                .collect(),
            acts: report::acts(&self.bell),
        }
    }

    /// Takes back from the contest every answer the database refused since the last time: a
    /// refused answer does not count (its phone was told `server_busy` and may answer again).
    async fn withdraw_refused(&mut self) {
        let refused = std::mem::take(&mut *self.refused.lock().expect("refused lock"));
        for (seat, round, by) in refused {
            let now = self.now();
            if let Err(e) = self.apply(&Input::Withdraw { seat, round, by }, now).await {
                tracing::warn!(game = %self.game_id, seat = seat.number(), round, error = ?e, "a refused answer could not be withdrawn");
            }
        }
    }

    /// Hands a row to the writer; the receipt, if any, goes to the seat's phone (as it is
    /// now) once the row is committed, or «server_busy» if it could not be.
    async fn store(&mut self, row: Stored, receipt: Option<(Seat, Text)>) {
        let contest = self.game_id;
        let answer = match &row {
            Stored::Answer {
                seat, round, by, ..
            } => Some((*seat, *round, *by)),
            _ => None,
        };
        let write = match row {
            Stored::Seat { seat, name } => Write::BellSeat {
                contest,
                seat: i64::from(seat.number()),
                name,
            },
            Stored::Answer {
                seat,
                round,
                by,
                answer,
                elapsed_ms,
            } => Write::BellAnswer(BellAnswerRow {
                contest,
                round: round as i64,
                seat: i64::from(seat.number()),
                source: match by {
                    crate::domain::bell::Source::Phone => crate::storage::bell::Source::Phone,
                    crate::domain::bell::Source::Judge => crate::storage::bell::Source::Board,
                },
                answer,
                elapsed_ms: elapsed_ms as i64,
            }),
            Stored::Act(act) => {
                let n = self.acts_stored;
                self.acts_stored += 1;
                Write::BellAct(BellActRow {
                    contest,
                    n,
                    at_ms: act.at.0 as i64,
                    round: act.round.map(|r| r as i64),
                    act: serde_json::to_string(&act.what).expect("an act serializes"),
                })
            }
            Stored::Ended => Write::BellEnded { contest },
            Stored::Nothing => Write::Barrier,
        };
        let receipt = receipt.and_then(|(seat, text)| {
            let (_, outbox) = self.seats.get(&seat).and_then(|id| self.conns.get(id))?;
            Some((outbox.clone(), text))
        });
        // An answer's callback also notes a refusal, so the room withdraws it.
        let refusal = answer.map(|key| (self.refused.clone(), key));
        let done: Option<Done> = match (receipt, refusal) {
            (None, None) => None,
            (receipt, refusal) => Some(Box::new(move |ok| {
                if !ok {
                    if let Some((refused, key)) = refusal {
                        refused.lock().expect("refused lock").push(key);
                    }
                }
                if let Some((outbox, text)) = receipt {
                    let text = if ok {
                        text
                    } else {
                        encode_bell(&BellErrorCode::ServerBusy.msg())
                    };
                    outbox.push(Outgoing::Text(text));
                }
            })),
        };
        self.writer.write(write, done).await;
    }

    async fn perform(&mut self, action: Action) {
        let mut gone = Vec::new();
        match action {
            Action::All(text) => {
                for (&id, (_, outbox)) in &self.conns {
                    if !outbox.push(Outgoing::Text(text.clone())) {
                        gone.push(id);
                    }
                }
            }
            Action::Stage(text) => {
                for (&id, (who, outbox)) in &self.conns {
                    if matches!(who, Who::Stage(_)) && !outbox.push(Outgoing::Text(text.clone())) {
                        gone.push(id);
                    }
                }
            }
            Action::Seat { seat, text } => {
                if let Some(&id) = self.seats.get(&seat) {
                    if let Some((_, outbox)) = self.conns.get(&id) {
                        if !outbox.push(Outgoing::Text(text)) {
                            gone.push(id);
                        }
                    }
                }
            }
            Action::Seated(seat) => {
                self.seated.push(seat);
                self.seated_due
                    .get_or_insert_with(|| Instant::now() + SEATED_EVERY);
            }
            Action::CloseAfter(linger) => self.closes_at = Some(Instant::now() + linger),
            Action::Store { row, receipt } => self.store(row, receipt).await,
        }
        // A connection that stopped reading is let go; its phone comes back with `bell_sit`.
        for id in gone {
            if let Some((Who::Contestant(seat), _)) = self.conns.remove(&id) {
                self.seats.remove(&seat);
            }
        }
    }

    /// The seats taken since the last time, to the stage screens in one message.
    async fn flush_seated(&mut self) {
        self.seated_due = None;
        let seats = std::mem::take(&mut self.seated);
        if !seats.is_empty() {
            let text = step::seated(&self.bell, &seats, self.seq);
            self.perform(Action::Stage(text)).await;
        }
    }

    /// The first message of a connection; `token` for a phone that has just taken its seat.
    fn welcome(&self, who: Who, now: Millis, token: Option<String>) -> Text {
        let status = match who {
            Who::Contestant(seat) => self.bell.contestant(seat).map(|c| {
                if self.bell.winners().contains(&seat) {
                    YouStatus::Winner
                } else if c.is_standing() {
                    YouStatus::Standing
                } else {
                    YouStatus::Eliminated
                }
            }),
            _ => None,
        };
        let (role, you) = match who {
            Who::Contestant(seat) => (
                "contestant",
                self.bell.contestant(seat).map(|c| SeatView {
                    seat: seat.number(),
                    name: c.name.as_str(),
                }),
            ),
            Who::Viewer(_) => ("audience", None),
            Who::Stage(StageRole::Host) => ("host", None),
            Who::Stage(StageRole::Judge) => ("judge", None),
            Who::Stage(StageRole::Hall) => ("hall", None),
        };
        let (phase, round) = match self.bell.phase() {
            Phase::Lobby => ("lobby", None),
            Phase::Open { round, .. } => ("open", Some(round)),
            Phase::Paused { round, .. } => ("paused", Some(round)),
            Phase::Closed { round } => ("closed", Some(round)),
            Phase::Revealed { round } => ("revealed", Some(round)),
            Phase::Finished => ("finished", None),
        };
        encode_bell(&BellMsg::BellWelcome {
            v: crate::protocol::VERSION,
            seq: self.seq,
            role,
            you,
            status,
            token,
            title: &self.setup_title,
            phase,
            standing: self.bell.standing(),
            contestants: self.bell.contestant_count(),
            question: round.map(|r| step::question_view(&self.bell, r, now)),
        })
    }
}

fn host_input(act: HostAct) -> Input {
    match act {
        HostAct::Start => Input::Start,
        HostAct::Pause => Input::Pause,
        HostAct::Resume => Input::Resume,
        HostAct::Close => Input::Close,
        HostAct::Reveal => Input::Reveal,
        HostAct::Rescue => Input::Rescue,
        HostAct::Next => Input::Next,
        HostAct::End => Input::End,
    }
}
