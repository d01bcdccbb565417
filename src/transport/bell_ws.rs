//! `/ws/bell`: the stage contest's socket. The upgrade checks, frame limits and socket loop
//! are the class game's (`ws::admit`, `ws::sized`, `ws::pump`); here a connection becomes a
//! contestant (`bell_sit`, `bell_resume`), a follower in the hall (`bell_audience`) or an
//! organizer's screen (`bell_stage`), then hands the room what it asks. Nothing here knows the
//! rules of the contest: the room checks what each role may do.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::Response;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::ws::{self, Endpoint, Reply};
use super::AppState;
use crate::domain::access::{may, Action, Actor, Target};
use crate::domain::bell::{Reason, Seat};
use crate::domain::{GameId, Nickname};
use crate::engine::bell::{Ask, BellCommand, BellHandle};
use crate::engine::token;
use crate::outbox::{Outbox, Outgoing};
use crate::protocol::bell::{decode_bell, encode_bell, BellClientMsg, BellErrorCode, StageRole};
use crate::protocol::VERSION;
use crate::storage::Account;

pub async fn upgrade(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let (address, account) = match ws::admit(&state, peer, &headers).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    ws::sized(upgrade).on_upgrade(move |socket| serve(socket, state, account, address))
}

async fn serve(socket: WebSocket, state: AppState, account: Option<Account>, address: IpAddr) {
    let id = state.engine().next_conn_id();
    let shutdown = state.shutdown();
    let conn = BellConn {
        id,
        address,
        state,
        account,
        room: None,
        outbox: None,
    };
    ws::pump(socket, id, shutdown, conn).await;
}

struct BellConn {
    id: u64,
    address: IpAddr,
    state: AppState,
    account: Option<Account>,
    /// The room, once this connection is someone in it (the room knows who).
    room: Option<BellHandle>,
    outbox: Option<mpsc::Receiver<Outgoing>>,
}

fn refuse(code: BellErrorCode) -> Reply {
    Reply::Text(encode_bell(&code.msg()))
}

impl Endpoint for BellConn {
    async fn handle(&mut self, text: &str) -> Reply {
        let msg = match decode_bell(text) {
            Ok(msg) => msg,
            Err(e) => {
                tracing::debug!(conn = self.id, error = %e, "bad stage message");
                return refuse(BellErrorCode::BadMessage);
            }
        };
        let version = match &msg {
            BellClientMsg::BellSit { v, .. }
            | BellClientMsg::BellResume { v, .. }
            | BellClientMsg::BellStage { v, .. }
            | BellClientMsg::BellAudience { v, .. } => Some(*v),
            _ => None,
        };
        match (&self.room, version) {
            (Some(_), Some(_)) => return refuse(BellErrorCode::AlreadyJoined),
            (None, None) => return refuse(BellErrorCode::NotJoined),
            (None, Some(v)) if v != VERSION => return refuse(BellErrorCode::UnsupportedVersion),
            _ => {}
        }
        match msg {
            BellClientMsg::BellSit {
                pin, seat, name, ..
            } => self.sit(&pin, seat, &name).await,
            BellClientMsg::BellResume { token, .. } => self.resume(&token).await,
            BellClientMsg::BellStage {
                game, role, key, ..
            } => self.stage(game, role, key.as_deref()).await,
            BellClientMsg::BellAudience { pin, .. } => self.audience(&pin).await,
            other => match ask_of(other) {
                Ok(ask) => self.ask(ask).await,
                Err(code) => refuse(code),
            },
        }
    }

    fn outbox(&mut self) -> &mut Option<mpsc::Receiver<Outgoing>> {
        &mut self.outbox
    }

    fn in_room(&self) -> bool {
        self.room.is_some()
    }

    async fn detach(self) {
        if let Some(room) = self.room {
            room.send(BellCommand::Detach { conn: self.id }).await;
        }
    }
}

/// What a connection already in the room asks, checked for shape (the room checks the role).
fn ask_of(msg: BellClientMsg) -> Result<Ask, BellErrorCode> {
    let seat = |n: u16| Seat::new(n).ok_or(BellErrorCode::BadSeat);
    let reason = |r: &str| Reason::parse(r).ok_or(BellErrorCode::ReasonRequired);
    Ok(match msg {
        BellClientMsg::BellAnswer { round, answer } => Ask::Answer { round, answer },
        BellClientMsg::BellRecord {
            seat: n,
            round,
            answer,
        } => Ask::Record {
            seat: seat(n)?,
            round,
            answer,
        },
        BellClientMsg::BellRegister { seat: n, name } => Ask::Register {
            seat: seat(n)?,
            name: Nickname::parse(&name).map_err(|_| BellErrorCode::InvalidName)?,
        },
        BellClientMsg::BellHost { act } => Ask::Host(act),
        BellClientMsg::BellSkip { reason: r } => Ask::Skip(reason(&r)?),
        BellClientMsg::BellUndo { reason: r, seat: n } => {
            Ask::Undo(reason(&r)?, n.map(seat).transpose()?)
        }
        BellClientMsg::BellSit { .. }
        | BellClientMsg::BellResume { .. }
        | BellClientMsg::BellStage { .. }
        | BellClientMsg::BellAudience { .. } => return Err(BellErrorCode::AlreadyJoined),
    })
}

/// Hands a room a command that answers on `answer`: a room that is gone is `game_not_found`,
/// one that dropped the reply (stopping) `server_busy`.
async fn call<T>(
    room: &BellHandle,
    cmd: BellCommand,
    answer: oneshot::Receiver<T>,
) -> Result<T, BellErrorCode> {
    if !room.send(cmd).await {
        return Err(BellErrorCode::GameNotFound);
    }
    answer.await.map_err(|_| BellErrorCode::ServerBusy)
}

impl BellConn {
    /// The open contest of PIN `pin`, within the PIN-scanning limits the class game's join has.
    fn find(&self, pin: &str) -> Result<BellHandle, Reply> {
        let limits = self.state.limits();
        limits.join_allowed(self.address).map_err(Reply::Limited)?;
        let Some(room) = self.state.engine().bells().by_pin(pin.trim()) else {
            return Err(match limits.pin_missed(self.address) {
                Ok(()) => refuse(BellErrorCode::GameNotFound),
                Err(wait) => Reply::Limited(wait),
            });
        };
        limits
            .join(self.address, room.game_id)
            .map_err(Reply::Limited)?;
        Ok(room)
    }

    async fn sit(&mut self, pin: &str, seat: u16, name: &str) -> Reply {
        let Some(seat) = Seat::new(seat) else {
            return refuse(BellErrorCode::BadSeat);
        };
        let Ok(name) = Nickname::parse(name) else {
            return refuse(BellErrorCode::InvalidName);
        };
        if self.state.banned_words().forbids(name.as_str()) {
            return refuse(BellErrorCode::InvalidName);
        }
        let room = match self.find(pin) {
            Ok(room) => room,
            Err(reply) => return reply,
        };
        let (outbox, rx) = Outbox::new(self.id);
        let (reply, answer) = oneshot::channel();
        let cmd = BellCommand::Sit {
            seat,
            name,
            secret: token::new_secret(),
            outbox,
            reply,
        };
        let welcome = call(&room, cmd, answer).await;
        self.enter(room, rx, welcome)
    }

    async fn resume(&mut self, raw: &str) -> Reply {
        let parsed = token::parse(raw).and_then(|(game, seat, secret)| {
            let seat = Seat::new(u16::try_from(seat).ok()?)?;
            Some((game, seat, secret.to_owned()))
        });
        let Some((game, seat, secret)) = parsed else {
            return refuse(BellErrorCode::InvalidToken);
        };
        let Some(room) = self.state.engine().bells().by_game(game) else {
            return refuse(BellErrorCode::GameNotFound);
        };
        let (outbox, rx) = Outbox::new(self.id);
        let (reply, answer) = oneshot::channel();
        let cmd = BellCommand::Resume {
            seat,
            secret,
            outbox,
            reply,
        };
        let welcome = call(&room, cmd, answer).await;
        self.enter(room, rx, welcome)
    }

    /// An organizer's screen: the host's or an organizer's session, or (a judge's tablet, the
    /// hall screen) the contest's stage key.
    async fn stage(&mut self, game: GameId, role: StageRole, key: Option<&str>) -> Reply {
        let Some(room) = self.state.engine().bells().by_game(game) else {
            return refuse(BellErrorCode::GameNotFound);
        };
        let by_key = role != StageRole::Host && key.is_some_and(|k| room.stage_key_is(k));
        if !by_key {
            if key.is_some() {
                return refuse(BellErrorCode::Forbidden);
            }
            let Some(account) = &self.account else {
                return refuse(BellErrorCode::Unauthorized);
            };
            let actor = Actor {
                id: account.id,
                role: account.role,
                unit: account.unit.as_deref(),
            };
            if !may(&actor, Action::RunGame, Target::OwnedBy(room.owner)) {
                return refuse(BellErrorCode::Forbidden);
            }
        }
        let (outbox, rx) = Outbox::new(self.id);
        let (reply, answer) = oneshot::channel();
        let cmd = BellCommand::Stage {
            role,
            outbox,
            reply,
        };
        let welcome = call(&room, cmd, answer).await.map(Ok);
        self.enter(room, rx, welcome)
    }

    async fn audience(&mut self, pin: &str) -> Reply {
        let room = match self.find(pin) {
            Ok(room) => room,
            Err(reply) => return reply,
        };
        let (outbox, rx) = Outbox::new(self.id);
        let (reply, answer) = oneshot::channel();
        let cmd = BellCommand::Audience { outbox, reply };
        let welcome = call(&room, cmd, answer)
            .await
            .map(|(_viewer, welcome)| Ok(welcome));
        self.enter(room, rx, welcome)
    }

    /// Becomes someone in `room` when the room said yes.
    fn enter(
        &mut self,
        room: BellHandle,
        rx: mpsc::Receiver<Outgoing>,
        answer: Result<Result<crate::protocol::Text, BellErrorCode>, BellErrorCode>,
    ) -> Reply {
        match answer.and_then(|inner| inner) {
            Ok(welcome) => {
                self.room = Some(room);
                self.outbox = Some(rx);
                Reply::Text(welcome)
            }
            Err(code) => refuse(code),
        }
    }

    async fn ask(&mut self, ask: Ask) -> Reply {
        let Some(room) = &self.room else {
            return refuse(BellErrorCode::NotJoined);
        };
        let cmd = BellCommand::Ask {
            conn: self.id,
            ask,
            received_at: Instant::now(),
        };
        if room.send(cmd).await {
            Reply::None
        } else {
            refuse(BellErrorCode::GameOver)
        }
    }
}
