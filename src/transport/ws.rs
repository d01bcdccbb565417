//! The one WebSocket endpoint. The upgrade handler checks the Origin and sets the limits; the
//! socket loop turns frames into room commands and the room's queued messages into frames.
//! Nothing here knows the rules of the game.

use crate::domain::GameId;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use governor::{Quota, RateLimiter};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{interval, Instant, MissedTickBehavior};

use super::http::auth::account_from_headers;
use super::http::contest::participant_class;
use super::http::error::ApiError;
use super::origin::{self, Origin};
use super::slots::{Full, Slot};
use super::AppState;
use crate::domain::access::{may, Action, Actor, Target};
use crate::domain::context::Context;
use crate::domain::game::PlayerId;
use crate::domain::scopes::Scope;
use crate::domain::Nickname;
use crate::engine::{token, Command, HostAction, RoomHandle};
use crate::live_figures::{Online, Unit};
use crate::outbox::{Outbox, Outgoing};
use crate::protocol::{
    decode, encode, ClientMsg, ErrorCode, ServerMsg, MAX_MESSAGE_BYTES, VERSION,
};
use crate::rankings::live::{Viewer, WatchError, MAX_WATCH};
use crate::storage::Account;

/// How often the server pings, and how long a silent connection lives.
pub const PING_EVERY: Duration = Duration::from_secs(15);
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(45);
/// Longest wait for a peer to take one frame.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Messages a connection may send: a steady 10 a second, bursts of 20. A player sends about
/// one a question; more is a bot or a stuck key.
const MESSAGES_PER_SECOND: u32 = 10;
const MESSAGE_BURST: u32 = 20;
/// A connection that keeps flooding after this many refusals is closed.
const MAX_REFUSALS: u32 = 50;

pub async fn upgrade(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let (address, account) = match admit(&state, peer, &headers).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    // A pupil signed in with their login card brings their class, for teams by class.
    let class = participant_class(&headers, &state).await;
    sized(ws).on_upgrade(move |socket| serve(socket, state, account, class, address))
}

/// The checks every WebSocket upgrade passes (this endpoint's and `/ws/bell`'s): the Origin,
/// the address's upgrade rate. Gives the client's address and the signed-in account, if any
/// (only organizers' screens need it; reading it here keeps the socket loops free of HTTP).
pub(super) async fn admit(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
) -> Result<(IpAddr, Option<Account>), Response> {
    if !origin_allowed(headers, &state.config().allowed_origins) {
        return Err(ApiError::ForbiddenOrigin { missing: false }.into_response());
    }
    let address = state.limits().client_address(peer, headers);
    if let Err(wait) = state.limits().upgrade(address) {
        return Err(ApiError::RateLimited {
            retry_after_ms: wait.as_millis() as u64 + 1,
        }
        .into_response());
    }
    let account = account_from_headers(headers, state).await.ok().flatten();
    Ok((address, account))
}

/// The frame and buffer limits of every WebSocket.
pub(super) fn sized(ws: WebSocketUpgrade) -> WebSocketUpgrade {
    // tungstenite's own limit is a backstop that drops the connection abruptly; messages between
    // 16 KiB and it are read whole and refused politely below (error, then close 1009).
    ws.max_message_size(4 * MAX_MESSAGE_BYTES)
        .max_frame_size(4 * MAX_MESSAGE_BYTES)
        // The read buffer is allocated up front for the socket's whole life (tungstenite's
        // default is 128 KiB). A client's messages are small (an answer is under 200 bytes), so
        // 1 KiB holds them; a longer one is read into a buffer grown to its frame's length.
        .read_buffer_size(1024)
        .write_buffer_size(0)
        // A cap, not an allocation: a whole message must fit, and the host's welcome lists
        // every player (about 1 MB for 19,000). Player messages are a few hundred bytes.
        .max_write_buffer_size(8 * 1024 * 1024)
}

/// A browser's page must come from this server (or a configured origin); clients without an
/// Origin header (load-test tools, native apps) are not browsers and are let through.
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    origin::of(headers, allowed) != Origin::Foreign
}

/// Who this connection is, once it has said.
enum Session {
    Player {
        room: RoomHandle,
        player: PlayerId,
        /// The school the player named (a province event game's player), for the live figures.
        unit: Option<Unit>,
        /// The player's place among those connected, while this connection lasts.
        _online: Online,
    },
    Host {
        room: RoomHandle,
    },
    /// Follows live ranking boards; `outbox` is shared by every board it watches, and each
    /// board holds a place among the address's and the server's watches until the
    /// connection ends.
    Viewer {
        outbox: Outbox,
        watches: Vec<Slot>,
    },
}

/// When a watch over a cap may try again: viewers come and go over seconds.
const WATCH_RETRY: Duration = Duration::from_secs(5);

struct Conn {
    id: u64,
    /// The client's address (see `limits::client_address`).
    address: IpAddr,
    state: AppState,
    account: Option<Account>,
    /// The class of the pupil signed in on this browser, if any (for teams by class).
    class: Option<String>,
    session: Option<Session>,
    /// The room's queue for us, once we are in a room.
    outbox: Option<mpsc::Receiver<Outgoing>>,
    /// The last question written to this socket and when the write finished.
    last_question: Option<(usize, Instant)>,
}

/// The socket's task. Not an `async fn` of its own: that would keep a second copy of the
/// connection's state beside the loop's for the whole game.
fn serve(
    socket: WebSocket,
    state: AppState,
    account: Option<Account>,
    class: Option<String>,
    address: IpAddr,
) -> impl std::future::Future<Output = ()> + Send {
    let id = state.engine().next_conn_id();
    let shutdown = state.shutdown();
    let conn = Conn {
        id,
        address,
        state,
        account,
        class,
        session: None,
        outbox: None,
        last_question: None,
    };
    pump(socket, id, shutdown, conn)
}

/// What a socket loop serves: the class game's connection here, the stage contest's in
/// `bell_ws`. The loop (frames, limits, pings, the room's queue, shutdown) is the same.
pub(super) trait Endpoint: Send {
    /// One text frame of the client, within the size and rate limits.
    fn handle(&mut self, text: &str) -> impl std::future::Future<Output = Reply> + Send;
    /// The room's queue for this connection, once it is in a room.
    fn outbox(&mut self) -> &mut Option<mpsc::Receiver<Outgoing>>;
    /// A question has been written out (scoring counts from here).
    fn question_written(&mut self, _index: usize) {}
    /// Whether a room speaks for this connection (and says goodbye at shutdown).
    fn in_room(&self) -> bool;
    /// The connection has ended: tell the room.
    fn detach(self) -> impl std::future::Future<Output = ()> + Send;
}

impl Endpoint for Conn {
    fn handle(&mut self, text: &str) -> impl std::future::Future<Output = Reply> + Send {
        Conn::handle(self, text)
    }
    fn outbox(&mut self) -> &mut Option<mpsc::Receiver<Outgoing>> {
        &mut self.outbox
    }
    fn question_written(&mut self, index: usize) {
        self.last_question = Some((index, Instant::now()));
    }
    fn in_room(&self) -> bool {
        Conn::in_room(self)
    }
    fn detach(self) -> impl std::future::Future<Output = ()> + Send {
        Conn::detach(self)
    }
}

/// The socket loop: frames in (size, rate, then the endpoint), the room's queue out, pings,
/// the idle timeout and shutdown.
pub(super) async fn pump<E: Endpoint>(
    mut socket: WebSocket,
    id: u64,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
    mut conn: E,
) {
    let limiter = RateLimiter::direct(
        Quota::per_second(NonZeroU32::new(MESSAGES_PER_SECOND).expect("nonzero"))
            .allow_burst(NonZeroU32::new(MESSAGE_BURST).expect("nonzero")),
    );
    let mut refusals = 0;
    let mut ping = interval(PING_EVERY);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ping.tick().await;
    let mut last_heard = Instant::now();

    loop {
        tokio::select! {
            frame = socket.recv() => {
                last_heard = Instant::now();
                let text = match frame {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => {
                        if Box::pin(send(&mut socket, &ServerMsg::error(ErrorCode::BadMessage))).await.is_err() { break }
                        continue;
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_))) => {
                        // The library has queued our half of the closing handshake; reading
                        // once more sends it (RFC 6455 §5.5.1: a Close is answered by a Close).
                        let _ = Box::pin(tokio::time::timeout(Duration::from_secs(1), socket.recv())).await;
                        break;
                    }
                    None => break,
                    Some(Err(e)) => {
                        tracing::debug!(conn = id, error = %e, "websocket read failed");
                        if let Some(code) = close_code_for(e) {
                            Box::pin(close(&mut socket, code)).await;
                        }
                        break;
                    }
                };
                if text.len() > MAX_MESSAGE_BYTES {
                    let _ = Box::pin(send(&mut socket, &ServerMsg::error(ErrorCode::MessageTooLarge))).await;
                    Box::pin(close(&mut socket, 1009)).await;
                    break;
                }
                if let Err(not_until) = limiter.check() {
                    refusals += 1;
                    let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
                    if Box::pin(send(&mut socket, &limited(wait))).await.is_err() || refusals > MAX_REFUSALS { break }
                    continue;
                }
                match Box::pin(conn.handle(&text)).await {
                    Reply::None => {}
                    Reply::Text(t) => if !write(&mut socket, Message::Text(t)).await { break },
                    Reply::Error(code) => if Box::pin(send(&mut socket, &ServerMsg::error(code))).await.is_err() { break },
                    Reply::Limited(wait) => if Box::pin(send(&mut socket, &limited(wait))).await.is_err() { break },
                }
            }
            out = recv_outbox(conn.outbox()) => match out {
                Some(Outgoing::Text(t)) => if !write(&mut socket, Message::Text(t)).await { break },
                Some(Outgoing::Question { index, text }) => {
                    if !write(&mut socket, Message::Text(text)).await { break }
                    conn.question_written(index);
                }
                Some(Outgoing::Last(t)) => {
                    Box::pin(write(&mut socket, Message::Text(t))).await;
                    Box::pin(close(&mut socket, 1000)).await;
                    break;
                }
                // The room let go of us: it closed, or we fell too far behind.
                None => {
                    Box::pin(close(&mut socket, 1001)).await;
                    break;
                }
            },
            _ = ping.tick() => {
                if last_heard.elapsed() > IDLE_TIMEOUT || !write(&mut socket, Message::Ping(Default::default())).await {
                    break;
                }
            }
            // Connections in a room hear goodbye from the room; the others just close.
            changed = shutdown.changed(), if !conn.in_room() => {
                if changed.is_err() || *shutdown.borrow() {
                    Box::pin(close(&mut socket, 1001)).await;
                    break;
                }
            }
        }
    }
    Box::pin(conn.detach()).await;
}

/// The close code that tells a client why its frames were refused (RFC 6455 §7.4.1), or
/// `None` when the peer is gone and nothing can be told.
fn close_code_for(error: axum::Error) -> Option<u16> {
    use tungstenite::error::{Error, ProtocolError};
    match error.into_inner().downcast_ref::<Error>()? {
        // A text frame that is not UTF-8.
        Error::Utf8(_) => Some(1007),
        // The peer went away without closing: nobody to tell.
        Error::Protocol(ProtocolError::ResetWithoutClosingHandshake) => None,
        // Reserved bits, an unmasked frame, a fragmented or oversized control frame…
        Error::Protocol(_) => Some(1002),
        // A message beyond even the library's backstop (4 × 16 KiB).
        Error::Capacity(_) => Some(1009),
        _ => None,
    }
}

async fn recv_outbox(outbox: &mut Option<mpsc::Receiver<Outgoing>>) -> Option<Outgoing> {
    match outbox {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// `rate_limited` with the time to wait.
fn limited(wait: Duration) -> ServerMsg<'static> {
    ServerMsg::Error {
        code: ErrorCode::RateLimited,
        message: ErrorCode::RateLimited.message(),
        retry_after_ms: Some(wait.as_millis() as u64 + 1),
    }
}

/// Sends a room a command that answers on `answer`: a room that is gone is `game_not_found`, a
/// room that dropped the reply (stopping) is `server_busy`.
async fn ask<T>(
    room: &RoomHandle,
    cmd: Command,
    answer: oneshot::Receiver<Result<T, ErrorCode>>,
) -> Result<T, Reply> {
    if !room.send(cmd).await {
        return Err(Reply::Error(ErrorCode::GameNotFound));
    }
    match answer.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(code)) => Err(Reply::Error(code)),
        Err(_) => Err(Reply::Error(ErrorCode::ServerBusy)),
    }
}

/// Closes with `code` and waits briefly for the peer's close, so the close frame is not lost
/// to a reset when unread data is still in flight.
async fn close(socket: &mut WebSocket, code: u16) {
    if !write(
        socket,
        Message::Close(Some(CloseFrame {
            code,
            reason: "".into(),
        })),
    )
    .await
    {
        return;
    }
    let drain = async {
        while let Some(Ok(frame)) = socket.recv().await {
            if matches!(frame, Message::Close(_)) {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
}

async fn send(socket: &mut WebSocket, msg: &ServerMsg<'_>) -> Result<(), ()> {
    if write(socket, Message::Text(encode(msg))).await {
        Ok(())
    } else {
        Err(())
    }
}

/// Writes one frame; `false` when the peer is gone or has not taken it within
/// [`SEND_TIMEOUT`] (a phone that stopped reading must not pin this task forever: while a
/// send waits, neither pings nor the idle check run).
async fn write(socket: &mut WebSocket, msg: Message) -> bool {
    matches!(
        tokio::time::timeout(SEND_TIMEOUT, socket.send(msg)).await,
        Ok(Ok(()))
    )
}

pub(super) enum Reply {
    None,
    /// `rate_limited`, with when to try again.
    Limited(Duration),
    Text(crate::protocol::Text),
    Error(ErrorCode),
}

impl Conn {
    /// One message of the client. Opening a session (join, resume, host, watch) reads the
    /// database and waits for the room: those futures are boxed, so the state every socket
    /// task keeps for its whole life stays small (it was 6.9 KB a connection with them
    /// inline; see `a_connection_task_keeps_little_state`).
    async fn handle(&mut self, text: &str) -> Reply {
        let msg = match decode(text) {
            Ok(msg) => msg,
            Err(e) => {
                tracing::debug!(conn = self.id, error = %e, "bad message");
                return Reply::Error(ErrorCode::BadMessage);
            }
        };
        match (&self.session, msg) {
            (
                Some(_),
                ClientMsg::Join { .. } | ClientMsg::Resume { .. } | ClientMsg::Host { .. },
            ) => Reply::Error(ErrorCode::AlreadyJoined),
            (
                None | Some(Session::Viewer { .. }),
                ClientMsg::Join { v, .. }
                | ClientMsg::Resume { v, .. }
                | ClientMsg::Host { v, .. }
                | ClientMsg::Watch { v, .. },
            ) if v != VERSION => Reply::Error(ErrorCode::UnsupportedVersion),
            (
                None | Some(Session::Viewer { .. }),
                ClientMsg::Watch {
                    context,
                    scope,
                    limit,
                    ..
                },
            ) => Box::pin(self.watch(&context, &scope, limit)).await,
            (Some(_), ClientMsg::Watch { .. }) => Reply::Error(ErrorCode::AlreadyJoined),
            (Some(Session::Viewer { .. }), _) => Reply::Error(ErrorCode::NotJoined),
            (
                None,
                ClientMsg::Join {
                    pin,
                    nickname,
                    school,
                    ..
                },
            ) => Box::pin(self.join(&pin, &nickname, school.as_deref())).await,
            (None, ClientMsg::Resume { token, .. }) => Box::pin(self.resume(&token)).await,
            (None, ClientMsg::Host { game, .. }) => Box::pin(self.host(game)).await,
            (None, _) => Reply::Error(ErrorCode::NotJoined),
            (
                Some(Session::Player {
                    room, player, unit, ..
                }),
                ClientMsg::Answer { q, answer },
            ) => {
                self.state.figures().answered(unit.as_ref());
                let sent_at = self
                    .last_question
                    .filter(|(index, _)| *index == q)
                    .map(|(_, at)| at);
                let cmd = Command::Answer {
                    player: *player,
                    conn: self.id,
                    q,
                    answer,
                    sent_at,
                    received_at: Instant::now(),
                };
                if room.send(cmd).await {
                    Reply::None
                } else {
                    Reply::Error(ErrorCode::GameOver)
                }
            }
            (Some(Session::Player { room, player, .. }), ClientMsg::TeamPick { team }) => {
                let cmd = Command::TeamPick {
                    player: *player,
                    conn: self.id,
                    team,
                };
                if room.send(cmd).await {
                    Reply::None
                } else {
                    Reply::Error(ErrorCode::GameOver)
                }
            }
            (Some(Session::Player { .. }), _) => Reply::Error(ErrorCode::NotHost),
            (Some(Session::Host { .. }), ClientMsg::Answer { .. }) => {
                Reply::Error(ErrorCode::NotJoined)
            }
            (Some(Session::Host { room }), msg) => {
                let action = match msg {
                    ClientMsg::Start {} => HostAction::Start,
                    ClientMsg::Next { seq } => HostAction::Next(seq),
                    ClientMsg::End {} => HostAction::End,
                    ClientMsg::Kick { player } => HostAction::Kick(player),
                    ClientMsg::Lock { locked } => HostAction::Lock(locked),
                    ClientMsg::SetTeams { plan, scoring } => HostAction::Teams { plan, scoring },
                    ClientMsg::TeamPlace { player, team } => HostAction::TeamPlace { player, team },
                    _ => return Reply::Error(ErrorCode::BadMessage),
                };
                if room
                    .send(Command::HostAction {
                        conn: self.id,
                        action,
                    })
                    .await
                {
                    Reply::None
                } else {
                    Reply::Error(ErrorCode::GameOver)
                }
            }
        }
    }

    async fn join(&mut self, pin: &str, nickname: &str, school: Option<&str>) -> Reply {
        let Ok(nickname) = Nickname::parse(nickname) else {
            return Reply::Error(ErrorCode::InvalidNickname);
        };
        if self.state.banned_words().forbids(nickname.as_str()) {
            return Reply::Error(ErrorCode::NicknameNotAllowed);
        }
        let limits = self.state.limits();
        if let Err(wait) = limits.join_allowed(self.address) {
            return Reply::Limited(wait);
        }
        let Some(room) = self.state.engine().find_by_pin(pin.trim()).await else {
            return match limits.pin_missed(self.address) {
                Ok(()) => Reply::Error(ErrorCode::GameNotFound),
                Err(wait) => Reply::Limited(wait),
            };
        };
        if let Err(wait) = limits.join(self.address, room.game_id) {
            return Reply::Limited(wait);
        }
        let unit = match self.event_unit(room.game_id, school).await {
            Ok(unit) => unit,
            Err(reply) => return reply,
        };
        let (outbox, rx) = Outbox::new(self.id);
        let (reply, answer) = oneshot::channel();
        let cmd = Command::Join {
            nickname,
            token_secret: token::new_secret(),
            class: self.class.clone(),
            // The owner stores the school with the player's row, before the welcome.
            school: unit.as_ref().map(|u| u.school.clone()),
            outbox,
            reply,
        };
        self.enter_as_player(room, cmd, rx, answer, unit).await
    }

    /// The school and commune a player of a province event game names (required there,
    /// and on the roster); `None` for another game, whatever the message said.
    async fn event_unit(&self, game: GameId, school: Option<&str>) -> Result<Option<Unit>, Reply> {
        let known = self.state.live().known();
        match known.is_event(game).await {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "reading whether a game is an event failed");
                return Err(Reply::Error(ErrorCode::ServerBusy));
            }
        }
        let Some(school) = school.map(str::trim).filter(|s| !s.is_empty()) else {
            return Err(Reply::Error(ErrorCode::SchoolRequired));
        };
        match known.school_commune(school).await {
            Some(commune) => Ok(Some(Unit {
                school: school.to_owned(),
                commune,
            })),
            None => Err(Reply::Error(ErrorCode::UnknownSchool)),
        }
    }

    /// The unit of a player of a province event game coming back (for the live figures).
    async fn stored_unit(&self, game: GameId, player: PlayerId) -> Option<Unit> {
        let known = self.state.live().known();
        if !known.is_event(game).await.ok()? {
            return None;
        }
        let school = self
            .state
            .store()
            .event_player_school(game, i64::from(player))
            .await
            .ok()??;
        let commune = known.school_commune(&school).await?;
        Some(Unit { school, commune })
    }

    async fn resume(&mut self, token: &str) -> Reply {
        let Some((game, player, secret)) = token::parse(token) else {
            return Reply::Error(ErrorCode::InvalidToken);
        };
        let Some(room) = self.state.engine().find_by_game(game).await else {
            return Reply::Error(ErrorCode::InvalidToken);
        };
        let unit = self.stored_unit(game, player).await;
        let (outbox, rx) = Outbox::new(self.id);
        let (reply, answer) = oneshot::channel();
        let cmd = Command::Resume {
            player,
            secret: secret.to_owned(),
            outbox,
            reply,
        };
        self.enter_as_player(room, cmd, rx, answer, unit).await
    }

    async fn enter_as_player(
        &mut self,
        room: RoomHandle,
        cmd: Command,
        rx: mpsc::Receiver<Outgoing>,
        answer: oneshot::Receiver<crate::engine::room::Joined>,
        unit: Option<Unit>,
    ) -> Reply {
        match ask(&room, cmd, answer).await {
            Ok((player, welcome, open)) => {
                let online = self.state.figures().connected(unit.as_ref());
                self.session = Some(Session::Player {
                    room,
                    player,
                    unit,
                    _online: online,
                });
                self.outbox = Some(rx);
                // A late joiner's clock starts when the welcome (holding the question) is sent.
                self.last_question = open.map(|q| (q, Instant::now()));
                Reply::Text(welcome)
            }
            Err(reply) => reply,
        }
    }

    async fn host(&mut self, game: GameId) -> Reply {
        let Some(account) = &self.account else {
            return Reply::Error(ErrorCode::Unauthorized);
        };
        let Some(room) = self.state.engine().find_by_game(game).await else {
            return Reply::Error(ErrorCode::GameNotFound);
        };
        let actor = Actor {
            id: account.id,
            role: account.role,
            unit: account.unit.as_deref(),
        };
        if !may(&actor, Action::RunGame, Target::OwnedBy(room.owner)) {
            return Reply::Error(ErrorCode::Forbidden);
        }
        let (outbox, rx) = Outbox::new(self.id);
        let (reply, answer) = oneshot::channel();
        let cmd = Command::Host { outbox, reply };
        match ask(&room, cmd, answer).await {
            Ok(welcome) => {
                self.session = Some(Session::Host { room });
                self.outbox = Some(rx);
                Reply::Text(welcome)
            }
            Err(reply) => reply,
        }
    }

    /// Adds a live board to what this connection follows. Refused, before anything is read:
    /// a board that does not exist or a page length outside 1–100 (`invalid_board`); a
    /// connection, or an address, that watches its share already (`rate_limited`, with when
    /// to try again); a server that watches all it may (`server_busy`).
    async fn watch(&mut self, context: &str, scope: &str, limit: Option<u64>) -> Reply {
        let limit = limit.unwrap_or(10);
        let (Ok(context), Ok(scope)) = (context.parse::<Context>(), scope.parse::<Scope>()) else {
            return Reply::Error(ErrorCode::InvalidBoard);
        };
        if !scope.belongs_to(&context) || !(1..=MAX_WATCH).contains(&limit) {
            return Reply::Error(ErrorCode::InvalidBoard);
        }
        let per_connection = self.state.limits().config().watches_per_connection as usize;
        if let Some(Session::Viewer { watches, .. }) = &self.session {
            if watches.len() >= per_connection {
                return Reply::Limited(WATCH_RETRY);
            }
        }
        let slot = match self.state.watches().take(self.address) {
            Ok(slot) => slot,
            Err(Full::Address) => return Reply::Limited(WATCH_RETRY),
            Err(Full::Total) => return Reply::Error(ErrorCode::ServerBusy),
        };
        // A first watch makes this connection a viewer, once the board accepts it.
        let (outbox, new_rx) = match &self.session {
            Some(Session::Viewer { outbox, .. }) => (outbox.clone(), None),
            _ => {
                let (outbox, rx) = Outbox::new(self.id);
                (outbox, Some(rx))
            }
        };
        let viewer = Viewer {
            limit: limit as usize,
            outbox: outbox.clone(),
        };
        let watched = self
            .state
            .live()
            .watch(self.address, &context, scope, viewer)
            .await;
        match watched {
            Ok(()) => {}
            Err(WatchError::NoSuchBoard) => return Reply::Error(ErrorCode::InvalidBoard),
            Err(WatchError::AddressFull) => return Reply::Limited(WATCH_RETRY),
            Err(WatchError::Full) => return Reply::Error(ErrorCode::ServerBusy),
        }
        match &mut self.session {
            Some(Session::Viewer { watches, .. }) => watches.push(slot),
            _ => {
                self.outbox = new_rx;
                self.session = Some(Session::Viewer {
                    outbox,
                    watches: vec![slot],
                });
            }
        }
        Reply::None
    }

    /// Whether a room speaks for this connection (and says goodbye at shutdown).
    fn in_room(&self) -> bool {
        matches!(
            self.session,
            Some(Session::Player { .. } | Session::Host { .. })
        )
    }

    async fn detach(self) {
        let (room, player) = match self.session {
            Some(Session::Player { room, player, .. }) => (room, Some(player)),
            Some(Session::Host { room }) => (room, None),
            Some(Session::Viewer { .. }) | None => return,
        };
        room.send(Command::Detach {
            player,
            conn: self.id,
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size of the future `f` returns, without calling it.
    fn future_size<A, B, C, D, E, Fut>(_: impl Fn(A, B, C, D, E) -> Fut) -> usize {
        std::mem::size_of::<Fut>()
    }

    /// Every connected phone keeps its socket task's state for the whole game, so it counts
    /// in the memory per player (docs/performance.md). The bound is what the task holds after
    /// boxing the session-opening paths (release build; a debug build lays futures out
    /// larger), with room for small changes; a big future awaited inline again breaks it.
    /// Every connected phone keeps its socket task's state for the whole game, so it counts
    /// in the memory per player (docs/performance.md). The bound is what the task holds after
    /// boxing the session-opening paths (release build; a debug build lays futures out
    /// larger), with room for small changes; a big future awaited inline again breaks it.
    fn f2<A, B, Fut>(_: impl Fn(A, B) -> Fut) -> usize {
        std::mem::size_of::<Fut>()
    }
    fn f4<A, B, C, D, Fut>(_: impl Fn(A, B, C, D) -> Fut) -> usize {
        std::mem::size_of::<Fut>()
    }
    #[test]
    fn probe() {
        eprintln!(
            "write {}",
            f2(|s: &'static mut WebSocket, m: Message| write(s, m))
        );
        eprintln!(
            "close {}",
            f2(|s: &'static mut WebSocket, c: u16| close(s, c))
        );
        eprintln!(
            "handle {}",
            f2(|c: &'static mut Conn, t: &'static str| c.handle(t))
        );
        eprintln!("pump {}", f4(pump::<Conn>));
        eprintln!(
            "conn {} ws {} msg {} cmd {} sleep {}",
            std::mem::size_of::<Conn>(),
            std::mem::size_of::<WebSocket>(),
            std::mem::size_of::<Message>(),
            std::mem::size_of::<Command>(),
            std::mem::size_of::<tokio::time::Sleep>()
        );
        eprintln!(
            "clientmsg {} reply {}",
            std::mem::size_of::<crate::protocol::ClientMsg>(),
            std::mem::size_of::<Reply>()
        );
    }

    #[test]
    fn a_connection_task_keeps_little_state() {
        let size = future_size(serve);
        let bound = if cfg!(debug_assertions) { 6_000 } else { 2_048 };
        assert!(
            size <= bound,
            "a connection task holds {size} bytes (bound {bound})"
        );
    }
}
