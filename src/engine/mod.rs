//! Live rooms. Each open game is one tokio task ([`room::Room`]) that owns the game's state
//! and timers; the rest of the server reaches it only through a [`RoomHandle`]. The
//! [`Engine`] is the registry: it opens rooms and finds them by PIN or game id.

pub mod outbox;
pub mod room;
pub mod token;
pub mod views;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use rand::Rng;
use tokio::sync::{mpsc, watch};

pub use outbox::{Outbox, Outgoing};
pub use room::{Command, HostAction};

use crate::domain::game::{Game, Settings};
use crate::rankings::feed::BoardFeed;
use crate::storage::writer::WriterHandle;
use crate::storage::{NewGame, Store};

/// Commands a room may have waiting. When a room falls this far behind, connections wait to
/// hand it more, which slows the senders instead of growing memory.
const ROOM_QUEUE: usize = 4096;

/// The way into one room.
#[derive(Clone)]
pub struct RoomHandle {
    pub game_id: i64,
    pub pin: String,
    tx: mpsc::Sender<Command>,
}

impl RoomHandle {
    /// Hands the room a command; `false` if the room has closed.
    pub async fn send(&self, cmd: Command) -> bool {
        self.tx.send(cmd).await.is_ok()
    }
}

#[derive(Default)]
struct Rooms {
    by_pin: HashMap<String, RoomHandle>,
    by_game: HashMap<i64, RoomHandle>,
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
    shutdown: watch::Receiver<bool>,
    next_conn: AtomicU64,
    tasks: Mutex<tokio::task::JoinSet<()>>,
}

impl Engine {
    pub fn new(
        store: Store,
        writer: WriterHandle,
        feed: BoardFeed,
        shutdown: watch::Receiver<bool>,
    ) -> Engine {
        Engine {
            inner: Arc::new(Inner {
                store,
                rooms: Mutex::new(Rooms::default()),
                writer: Mutex::new(Some(writer)),
                feed,
                shutdown,
                next_conn: AtomicU64::new(1),
                tasks: Mutex::new(tokio::task::JoinSet::new()),
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

    pub fn by_game(&self, game: i64) -> Option<RoomHandle> {
        self.inner
            .rooms
            .lock()
            .expect("rooms lock")
            .by_game
            .get(&game)
            .cloned()
    }

    pub fn room_count(&self) -> usize {
        self.inner.rooms.lock().expect("rooms lock").by_game.len()
    }

    /// Opens a game of quiz `quiz_id` hosted by `host`: stores it, starts its room and
    /// returns the game id and PIN. `join_base` is the address players open (`http://host:port`).
    pub async fn open_game(
        &self,
        quiz_id: i64,
        host: i64,
        settings: Settings,
        join_base: &str,
    ) -> anyhow::Result<(i64, String)> {
        let store = &self.inner.store;
        let (_, title) = store.quiz(quiz_id).await?.context("no such quiz")?;
        let questions = store.quiz_questions(quiz_id).await?;
        anyhow::ensure!(!questions.is_empty(), "the quiz has no questions");
        let writer = self
            .inner
            .writer
            .lock()
            .expect("writer lock")
            .clone()
            .context("the server is shutting down")?;
        let seed: i64 = rand::rng().random_range(0..i64::MAX);
        let pin = self.reserve_pin();
        let settings_json = serde_json::to_string(&settings)?;
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
                    .by_pin
                    .remove(&pin);
                return Err(e.into());
            }
        };
        let join_url = format!("{join_base}/?pin={pin}");
        let game = Game::new(questions, settings, seed as u64);
        let setup = room::RoomSetup {
            game_id,
            pin: pin.clone(),
            title,
            host_id: host,
            join_url,
            game,
        };
        let (tx, rx) = mpsc::channel(ROOM_QUEUE);
        let handle_tx_weak = tx.downgrade();
        let handle = RoomHandle {
            game_id,
            pin: pin.clone(),
            tx,
        };
        {
            let mut rooms = self.inner.rooms.lock().expect("rooms lock");
            rooms.by_pin.insert(pin.clone(), handle.clone());
            rooms.by_game.insert(game_id, handle);
        }
        let engine = self.clone();
        let shutdown = self.inner.shutdown.clone();
        let inbox = handle_tx_weak;
        let feed = self.inner.feed.clone();
        self.inner
            .tasks
            .lock()
            .expect("tasks lock")
            .spawn(async move {
                room::Room::new(setup, writer, feed, inbox)
                    .run(rx, shutdown)
                    .await;
                let mut rooms = engine.inner.rooms.lock().expect("rooms lock");
                rooms.by_pin.remove(&pin);
                rooms.by_game.remove(&game_id);
            });
        tracing::info!(game = game_id, "game opened");
        Ok((
            game_id,
            self.by_game(game_id).map(|h| h.pin).unwrap_or_default(),
        ))
    }

    /// Picks a 6-digit PIN no live room uses and holds it with a placeholder until the room is
    /// registered. A PIN never starts with 0, so it reads the same as a number.
    fn reserve_pin(&self) -> String {
        let mut rooms = self.inner.rooms.lock().expect("rooms lock");
        loop {
            let pin = rand::rng().random_range(100_000..=999_999u32).to_string();
            if !rooms.by_pin.contains_key(&pin) {
                let (tx, _) = mpsc::channel(1);
                rooms.by_pin.insert(
                    pin.clone(),
                    RoomHandle {
                        game_id: 0,
                        pin: pin.clone(),
                        tx,
                    },
                );
                return pin;
            }
        }
    }

    /// After the shutdown signal: waits for every room to say goodbye and stop, then lets go
    /// of the writer so it can finish.
    pub async fn wait_closed(&self) {
        let mut tasks = std::mem::take(&mut *self.inner.tasks.lock().expect("tasks lock"));
        while tasks.join_next().await.is_some() {}
        self.inner.writer.lock().expect("writer lock").take();
    }
}
