//! Live rooms. Each open game is one tokio task ([`room::Room`]) that owns the game's state
//! and timers; the rest of the server reaches it only through a [`RoomHandle`]. The
//! [`Engine`] is the registry: it opens rooms and finds them by PIN or game id.

pub mod room;
mod takeover;
pub mod token;
pub mod views;

use crate::domain::{AccountId, GameId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use rand::Rng;
use tokio::sync::{mpsc, watch};

pub use room::{Command, HostAction};

use crate::domain::game::{Game, Settings};
use crate::nodes::{Cluster, Found};
use crate::rankings::feed::BoardFeed;
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

/// PINs have six digits and never start with 0, so they read the same as numbers.
const PINS: std::ops::RangeInclusive<u32> = 100_000..=999_999;
/// Random draws before a PIN is searched for in order. With the default cap of 5,000 games
/// against 900,000 PINs, the first draw is free 99.4% of the time.
const PIN_DRAWS: usize = 32;

#[derive(Default)]
struct Rooms {
    by_pin: HashMap<String, RoomHandle>,
    by_game: HashMap<GameId, RoomHandle>,
    /// Open games (reserved ones included) per hosting account, and in all.
    by_host: HashMap<AccountId, u32>,
    open: u32,
}

impl Rooms {
    /// Holds a free PIN for a new game of `host` within the caps.
    fn reserve(&mut self, host: AccountId, caps: GameCaps) -> Result<String, OpenError> {
        if self.open >= caps.total {
            return Err(OpenError::TooManyOnServer(caps.total));
        }
        if self.by_host.get(&host).copied().unwrap_or(0) >= caps.per_account {
            return Err(OpenError::TooManyForAccount(caps.per_account));
        }
        let pin = free_pin(PINS, |pin| self.by_pin.contains_key(pin), &mut rand::rng())
            .ok_or(OpenError::NoFreePin)?;
        // A placeholder whose queue is closed: a join that finds it gets `game_not_found`.
        let (tx, _) = mpsc::channel(1);
        self.by_pin.insert(
            pin.clone(),
            RoomHandle {
                game_id: GameId::new(0),
                pin: pin.clone(),
                owner: host,
                tx,
            },
        );
        *self.by_host.entry(host).or_insert(0) += 1;
        self.open += 1;
        Ok(pin)
    }

    /// Counts a game taken over from another node as [`Rooms::reserve`] counts a new one (no
    /// cap refuses it: the game exists, its players are waiting).
    fn adopt(&mut self, host: AccountId) {
        *self.by_host.entry(host).or_insert(0) += 1;
        self.open += 1;
    }

    /// Gives back what [`Rooms::reserve`] took, once the game's room has ended (or was never
    /// started).
    fn release(&mut self, pin: &str, game: Option<GameId>, host: AccountId) {
        self.by_pin.remove(pin);
        if let Some(game) = game {
            self.by_game.remove(&game);
        }
        if let Some(n) = self.by_host.get_mut(&host) {
            *n -= 1;
            if *n == 0 {
                self.by_host.remove(&host);
            }
        }
        self.open = self.open.saturating_sub(1);
    }
}

/// A PIN of `range` for which `taken` is false: a few random draws, then an ordered search
/// from a random start, so the answer is `None` only when every PIN is taken and the time is
/// bounded by the range either way (it used to draw forever under the registry's lock).
fn free_pin(
    range: std::ops::RangeInclusive<u32>,
    taken: impl Fn(&str) -> bool,
    rng: &mut impl Rng,
) -> Option<String> {
    for _ in 0..PIN_DRAWS {
        let pin = rng.random_range(range.clone()).to_string();
        if !taken(&pin) {
            return Some(pin);
        }
    }
    let (low, high) = (*range.start(), *range.end());
    let start = rng.random_range(range);
    (start..=high)
        .chain(low..start)
        .map(|n| n.to_string())
        .find(|pin| !taken(pin))
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
    cluster: Option<Cluster>,
    /// Held while a game is taken over, so the phones arriving together start one room.
    takeovers: tokio::sync::Mutex<()>,
    next_conn: AtomicU64,
    tasks: Mutex<tokio::task::JoinSet<()>>,
}

impl Engine {
    pub fn new(
        store: Store,
        writer: WriterHandle,
        feed: BoardFeed,
        caps: GameCaps,
        image_base: &str,
        shutdown: watch::Receiver<bool>,
        cluster: Option<Cluster>,
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
        let pin = self
            .inner
            .rooms
            .lock()
            .expect("rooms lock")
            .reserve(host, self.inner.caps)?;
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

    /// After the shutdown signal: waits for every room to say goodbye and stop, then lets go
    /// of the writer so it can finish.
    pub async fn wait_closed(&self) {
        let mut tasks = std::mem::take(&mut *self.inner.tasks.lock().expect("tasks lock"));
        while tasks.join_next().await.is_some() {}
        self.inner.writer.lock().expect("writer lock").take();
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::time::{Duration, Instant};

    use super::*;

    const CAPS: GameCaps = GameCaps {
        per_account: 3,
        total: 5,
    };

    #[test]
    fn open_games_are_capped_per_account_and_in_all_and_a_release_frees_a_place() {
        let mut rooms = Rooms::default();
        let pins: Vec<String> = (0..3)
            .map(|_| rooms.reserve(AccountId::new(1), CAPS).unwrap())
            .collect();
        assert!(matches!(
            rooms.reserve(AccountId::new(1), CAPS),
            Err(OpenError::TooManyForAccount(3))
        ));
        rooms.reserve(AccountId::new(2), CAPS).unwrap();
        rooms.reserve(AccountId::new(3), CAPS).unwrap();
        assert!(matches!(
            rooms.reserve(AccountId::new(4), CAPS),
            Err(OpenError::TooManyOnServer(5))
        ));
        rooms.release(&pins[0], None, AccountId::new(1));
        assert!(!rooms.by_pin.contains_key(&pins[0]));
        rooms
            .reserve(AccountId::new(1), CAPS)
            .expect("a place again");
        assert_eq!(rooms.by_pin.len(), 5);
    }

    #[test]
    fn when_every_pin_is_taken_the_search_says_so_quickly() {
        let mut rng = rand::rng();
        let all = |_: &str| true;
        let started = Instant::now();
        assert_eq!(free_pin(PINS, all, &mut rng), None);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "a bounded search of 900,000 PINs: {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn the_last_free_pin_is_found() {
        let mut rng = rand::rng();
        for _ in 0..20 {
            let free = rng.random_range(100..=199u32);
            let found = free_pin(100..=199, |p| p != free.to_string(), &mut rng);
            assert_eq!(found, Some(free.to_string()));
        }
        let taken: HashSet<String> = (100..=198u32).map(|n| n.to_string()).collect();
        assert_eq!(
            free_pin(100..=199, |p| taken.contains(p), &mut rng).as_deref(),
            Some("199")
        );
    }
}
