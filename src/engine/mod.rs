//! Live rooms. Each open game is one tokio task ([`room::Room`]) that owns the game's state
//! and timers; the rest of the server reaches it only through a [`RoomHandle`]. The
//! [`Engine`] is the registry: it opens rooms and finds them by PIN or game id.

pub mod bell;
mod elsewhere;
pub mod room;
mod rooms;
mod takeover;
pub mod token;
pub mod views;

use crate::domain::{AccountId, GameId};
use rooms::Rooms;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use rand::Rng;
use tokio::sync::{mpsc, watch};

pub use elsewhere::{Elsewhere, Found};
pub use room::{Command, HostAction};

use crate::domain::bell::{Bell, BellSet, Rules as BellRules};
use crate::domain::game::{Game, Settings};
use crate::rankings::feed::BoardFeed;
use crate::storage::bell::NewBell;
use crate::storage::writer::WriterHandle;
use crate::storage::{NewGame, Store};

/// Commands a room may have waiting. When a room falls this far behind, connections wait to
/// hand it more, which slows the senders instead of growing memory.
const ROOM_QUEUE: usize = 4096;

/// The way into one room.
#[derive(Clone)]
pub struct RoomHandle {
    pub game_id: GameId,
    pub pin: String,
    /// The account that opened the game: who, with organizers, may host it
    /// (`domain::access`, asked by the connection before it sends `Command::Host`).
    pub owner: AccountId,
    tx: mpsc::Sender<Command>,
}

impl RoomHandle {
    /// A handle and the queue it feeds, for a task that stands for a room (a relay, `nodes`).
    pub fn channel(
        game_id: GameId,
        pin: String,
        owner: AccountId,
    ) -> (RoomHandle, mpsc::Receiver<Command>) {
        let (tx, rx) = mpsc::channel(ROOM_QUEUE);
        (
            RoomHandle {
                game_id,
                pin,
                owner,
                tx,
            },
            rx,
        )
    }

    /// Hands the room a command; `false` if the room has closed.
    pub async fn send(&self, cmd: Command) -> bool {
        self.tx.send(cmd).await.is_ok()
    }

    /// Resolves once the room has ended.
    pub async fn closed(&self) {
        self.tx.closed().await
    }

    /// Whether both handles lead to the same room.
    pub fn same_room(&self, other: &RoomHandle) -> bool {
        self.tx.same_channel(&other.tx)
    }
}

/// Caps on open games (a game counts from its PIN's reservation until its room ends).
#[derive(Debug, Clone, Copy)]
pub struct GameCaps {
    pub per_account: u32,
    pub total: u32,
}

/// Why a game was not opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the account already has {0} games open")]
    TooManyForAccount(u32),
    #[error("the server already has {0} games open")]
    TooManyOnServer(u32),
    #[error("no PIN is free")]
    NoFreePin,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The registry of live rooms. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    // A std mutex: held only to look up or insert a handle, never across an await.
    rooms: Mutex<Rooms>,
    // Taken at shutdown, so the writer ends once the last room has let go of its clone.
    writer: Mutex<Option<WriterHandle>>,
    feed: BoardFeed,
    caps: GameCaps,
    /// Where question images are served from, as transport routes them.
    image_base: String,
    shutdown: watch::Receiver<bool>,
    /// The other nodes sharing the database and Redis, when this node is one of several.
    cluster: Option<Arc<dyn Elsewhere>>,
    /// Held while a game is taken over, so the phones arriving together start one room.
    takeovers: tokio::sync::Mutex<()>,
    next_conn: AtomicU64,
    tasks: Mutex<tokio::task::JoinSet<()>>,
    /// The stage contests (Rung chuông vàng): their own rooms, PINs drawn from `rooms`.
    bells: bell::BellRooms,
}

impl Engine {
    pub fn new(
        store: Store,
        writer: WriterHandle,
        feed: BoardFeed,
        caps: GameCaps,
        image_base: &str,
        shutdown: watch::Receiver<bool>,
        cluster: Option<Arc<dyn Elsewhere>>,
    ) -> Engine {
        Engine {
            inner: Arc::new(Inner {
                store,
                rooms: Mutex::new(Rooms::default()),
                writer: Mutex::new(Some(writer)),
                feed,
                caps,
                image_base: image_base.to_owned(),
                shutdown,
                cluster,
                takeovers: tokio::sync::Mutex::new(()),
                next_conn: AtomicU64::new(1),
                tasks: Mutex::new(tokio::task::JoinSet::new()),
                bells: bell::BellRooms::default(),
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// A number no other connection of this process has.
    pub fn next_conn_id(&self) -> u64 {
        self.inner.next_conn.fetch_add(1, Ordering::Relaxed)
    }

    pub fn by_pin(&self, pin: &str) -> Option<RoomHandle> {
        self.inner
            .rooms
            .lock()
            .expect("rooms lock")
            .by_pin
            .get(pin)
            .cloned()
    }

    pub fn by_game(&self, game: GameId) -> Option<RoomHandle> {
        self.inner
            .rooms
            .lock()
            .expect("rooms lock")
            .by_game
            .get(&game)
            .cloned()
    }

    /// The way into the open game of PIN `pin`: its room here, or this node's relay to the
    /// node that runs it.
    pub async fn find_by_pin(&self, pin: &str) -> Option<RoomHandle> {
        if let Some(room) = self.by_pin(pin) {
            return Some(room);
        }
        let cluster = self.inner.cluster.as_ref()?;
        let found = cluster.find_by_pin(&self.inner.store, pin).await?;
        self.reach(found).await
    }

    /// As [`Engine::find_by_pin`], by game id.
    pub async fn find_by_game(&self, game: GameId) -> Option<RoomHandle> {
        if let Some(room) = self.by_game(game) {
            return Some(room);
        }
        let cluster = self.inner.cluster.as_ref()?;
        let found = cluster.find_by_game(&self.inner.store, game).await?;
        self.reach(found).await
    }

    async fn reach(&self, found: Found) -> Option<RoomHandle> {
        match found {
            Found::Relay(relay) => Some(relay),
            Found::Orphan(game) => match self.take_over(game).await {
                Ok(room) => Some(room),
                Err(e) => {
                    tracing::warn!(game = %game, error = %format!("{e:#}"), "taking the game over failed");
                    None
                }
            },
        }
    }

    pub fn room_count(&self) -> usize {
        self.inner.rooms.lock().expect("rooms lock").by_game.len()
    }

    /// Opens a game of quiz `quiz_id` hosted by `host`: stores it, starts its room and
    /// returns the game id and PIN. `join_base` is the address players open (`http://host:port`).
    pub async fn open_game(
        &self,
        quiz_id: i64,
        host: AccountId,
        settings: Settings,
        join_base: &str,
    ) -> Result<(GameId, String), OpenError> {
        let store = &self.inner.store;
        let (_, title) = store
            .quiz(quiz_id)
            .await
            .map_err(anyhow::Error::from)?
            .context("no such quiz")?;
        let questions = store
            .quiz_questions(quiz_id)
            .await
            .map_err(anyhow::Error::from)?;
        if questions.is_empty() {
            return Err(anyhow::anyhow!("the quiz has no questions").into());
        }
        let writer = self
            .inner
            .writer
            .lock()
            .expect("writer lock")
            .clone()
            .context("the server is shutting down")?;
        let seed: i64 = rand::rng().random_range(0..i64::MAX);
        let settings_json = serde_json::to_string(&settings).map_err(anyhow::Error::from)?;
        // With several nodes, the PINs of their open games are taken too. (Two nodes drawing
        // the same PIN in the milliseconds between this read and the game's row remains
        // possible, at 1 in 900,000 per pair.)
        let elsewhere = match &self.inner.cluster {
            Some(_) => store.open_pins().await.map_err(anyhow::Error::from)?,
            None => std::collections::HashSet::new(),
        };
        let pin = self.inner.rooms.lock().expect("rooms lock").reserve(
            host,
            self.inner.caps,
            &elsewhere,
        )?;
        let created = store
            .create_game(&NewGame {
                quiz_id,
                host_id: host,
                pin: &pin,
                title: &title,
                settings_json: &settings_json,
                seed,
            })
            .await;
        let game_id = match created {
            Ok(id) => id,
            Err(e) => {
                self.inner
                    .rooms
                    .lock()
                    .expect("rooms lock")
                    .release(&pin, None, host);
                return Err(anyhow::Error::from(e).into());
            }
        };
        let join_url = format!("{join_base}/?pin={pin}");
        let game = Game::new(questions, settings, seed as u64);
        let setup = room::RoomSetup {
            game_id,
            pin: pin.clone(),
            title,
            join_url,
            image_base: self.inner.image_base.clone(),
            hand_over: self.inner.cluster.is_some(),
            game,
        };
        let (handle, rx) = RoomHandle::channel(game_id, pin.clone(), host);
        let room = room::Room::new(
            setup,
            writer,
            self.inner.feed.clone(),
            handle.tx.downgrade(),
        );
        self.start_room(room, handle, rx).await;
        tracing::info!(game = %game_id, "game opened");
        Ok((
            game_id,
            self.by_game(game_id).map(|h| h.pin).unwrap_or_default(),
        ))
    }

    /// Registers a room (its PIN and game), makes it reachable from the other nodes, and runs
    /// it; its place is given back when it ends.
    async fn start_room(&self, room: room::Room, handle: RoomHandle, rx: mpsc::Receiver<Command>) {
        let (pin, game_id, host) = (handle.pin.clone(), handle.game_id, handle.owner);
        {
            let mut rooms = self.inner.rooms.lock().expect("rooms lock");
            rooms.by_pin.insert(pin.clone(), handle.clone());
            rooms.by_game.insert(game_id, handle.clone());
        }
        if let Some(cluster) = &self.inner.cluster {
            // Before the PIN is handed out, so that players on other nodes find the owner.
            if let Err(e) = cluster.own(handle.clone()).await {
                tracing::error!(game = %game_id, error = %format!("{e:#}"), "the other nodes cannot reach this game");
            }
        }
        let engine = self.clone();
        let shutdown = self.inner.shutdown.clone();
        self.inner
            .tasks
            .lock()
            .expect("tasks lock")
            .spawn(async move {
                room.run(rx, shutdown).await;
                let mut rooms = engine.inner.rooms.lock().expect("rooms lock");
                rooms.release(&pin, Some(game_id), host);
            });
    }

    /// The open stage contests, by PIN and id.
    pub fn bells(&self) -> &bell::BellRooms {
        &self.inner.bells
    }

    /// Opens a Rung chuông vàng hosted by `host`: its PIN is held in the same registry as
    /// class games' (so a PIN never leads to two rooms, and the caps count both), the contest
    /// is stored, and its room runs among the engine's tasks (so shutdown waits for it).
    /// Returns its id, its PIN and its stage key (for judges' tablets and the hall screen;
    /// the room keeps only its hash).
    pub async fn open_bell(
        &self,
        host: AccountId,
        title: &str,
        set: &BellSet,
        rules: BellRules,
    ) -> Result<(GameId, String, String), OpenError> {
        let store = &self.inner.store;
        let writer = self
            .inner
            .writer
            .lock()
            .expect("writer lock")
            .clone()
            .context("the server is shutting down")?;
        let elsewhere = match &self.inner.cluster {
            Some(_) => store.open_pins().await.map_err(anyhow::Error::from)?,
            None => std::collections::HashSet::new(),
        };
        let pin = self.inner.rooms.lock().expect("rooms lock").reserve(
            host,
            self.inner.caps,
            &elsewhere,
        )?;
        let created = store
            .create_bell(&NewBell {
                host_id: host,
                pin: &pin,
                title,
                set,
                rules: &rules,
            })
            .await;
        let game_id = match created {
            Ok(id) => id,
            Err(e) => {
                let mut rooms = self.inner.rooms.lock().expect("rooms lock");
                rooms.release(&pin, None, host);
                return Err(anyhow::Error::from(e).into());
            }
        };
        let seed: u64 = rand::rng().random();
        let stage_key = token::new_secret();
        let setup = bell::BellSetup {
            game_id,
            host,
            stage_key: Some(stage_key.clone()),
            pin: pin.clone(),
            title: title.to_owned(),
            bell: Bell::new(set, rules, seed),
            writer,
        };
        let (_, run) = self.inner.bells.start(setup, self.inner.shutdown.clone());
        let engine = self.clone();
        let room_pin = pin.clone();
        self.inner
            .tasks
            .lock()
            .expect("tasks lock")
            .spawn(async move {
                run.await;
                // A contest that ended has said so through the writer; one that did not (its
                // room closed empty, or the server stopped) gives its PIN back as closed.
                if let Err(e) = engine.inner.store.close_bell(game_id).await {
                    tracing::warn!(game = %game_id, error = %e, "marking the stage contest closed failed");
                }
                let mut rooms = engine.inner.rooms.lock().expect("rooms lock");
                rooms.release(&room_pin, None, host);
            });
        tracing::info!(game = %game_id, "stage contest opened");
        Ok((game_id, pin, stage_key))
    }

    /// After the shutdown signal: waits for every room to say goodbye and stop, then lets go
    /// of the writer so it can finish.
    pub async fn wait_closed(&self) {
        let mut tasks = std::mem::take(&mut *self.inner.tasks.lock().expect("tasks lock"));
        while tasks.join_next().await.is_some() {}
        self.inner.writer.lock().expect("writer lock").take();
    }
}
