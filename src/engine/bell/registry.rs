//! Finding stage rooms by PIN or contest id, and starting their tasks. The PIN itself is
//! drawn by the class game's registry ([`crate::engine::Engine::open_bell`]), so a PIN leads
//! to one room of either kind.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, watch};

use super::{BellCommand, BellRoom, BellSetup};
use crate::domain::{AccountId, GameId};

/// Commands a stage room may have waiting (a hall of 500 phones answering at once fits).
const QUEUE: usize = 2048;

/// The way into one stage room.
#[derive(Clone)]
pub struct BellHandle {
    pub game_id: GameId,
    pub pin: String,
    /// The account that opened the contest: who, with organizers, runs its stage screens.
    pub owner: AccountId,
    /// The hash of the stage key (`engine::token`'s): a judge's tablet or the hall screen
    /// that presents the key needs no account; the host's console always does.
    stage_key: Option<[u8; 32]>,
    tx: mpsc::Sender<BellCommand>,
}

impl BellHandle {
    /// Hands the room a command; `false` if the room has closed.
    pub async fn send(&self, cmd: BellCommand) -> bool {
        self.tx.send(cmd).await.is_ok()
    }

    /// Whether `key` is this contest's stage key.
    pub fn stage_key_is(&self, key: &str) -> bool {
        self.stage_key
            .is_some_and(|hash| hash == crate::engine::token::hash(key))
    }
}

#[derive(Default)]
struct Index {
    by_pin: HashMap<String, BellHandle>,
    by_game: HashMap<GameId, BellHandle>,
}

/// The open stage rooms. A `std` mutex: nothing is awaited while it is held.
#[derive(Clone, Default)]
pub struct BellRooms {
    index: Arc<Mutex<Index>>,
}

impl BellRooms {
    /// Starts the room's task on its own; it is found by PIN until it ends.
    pub fn open(&self, setup: BellSetup, shutdown: watch::Receiver<bool>) -> BellHandle {
        let (handle, run) = self.start(setup, shutdown);
        tokio::spawn(run);
        handle
    }

    /// Registers the room and returns its handle and the future that runs it (and forgets it
    /// when it ends), for a caller that keeps its tasks together (the engine, so that its
    /// shutdown waits for stage rooms as for class rooms).
    pub fn start(
        &self,
        setup: BellSetup,
        shutdown: watch::Receiver<bool>,
    ) -> (BellHandle, impl Future<Output = ()> + Send + 'static) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let handle = BellHandle {
            game_id: setup.game_id,
            pin: setup.pin.clone(),
            owner: setup.host,
            stage_key: setup.stage_key.as_deref().map(crate::engine::token::hash),
            tx,
        };
        {
            let mut index = self.index.lock().expect("stage rooms lock");
            index.by_pin.insert(handle.pin.clone(), handle.clone());
            index.by_game.insert(handle.game_id, handle.clone());
        }
        let rooms = self.clone();
        let (pin, game) = (handle.pin.clone(), handle.game_id);
        let run = async move {
            BellRoom::new(setup).run(rx, shutdown).await;
            let mut index = rooms.index.lock().expect("stage rooms lock");
            index.by_pin.remove(&pin);
            index.by_game.remove(&game);
        };
        (handle, run)
    }

    pub fn by_pin(&self, pin: &str) -> Option<BellHandle> {
        let index = self.index.lock().expect("stage rooms lock");
        index.by_pin.get(pin).cloned()
    }

    pub fn by_game(&self, game: GameId) -> Option<BellHandle> {
        let index = self.index.lock().expect("stage rooms lock");
        index.by_game.get(&game).cloned()
    }

    /// How many stage rooms are open.
    pub fn count(&self) -> usize {
        self.index.lock().expect("stage rooms lock").by_game.len()
    }
}
