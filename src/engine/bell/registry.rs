//! Opening stage rooms and finding them by PIN: the stage contest's own entry point, beside
//! the class game's [`crate::engine::Engine`] (which it will join once contests are stored).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, watch};

use super::{BellCommand, BellRoom, BellSetup};
use crate::domain::GameId;

/// Commands a stage room may have waiting (a hall of 500 phones answering at once fits).
const QUEUE: usize = 2048;

/// The way into one stage room.
#[derive(Clone)]
pub struct BellHandle {
    pub game_id: GameId,
    pub pin: String,
    tx: mpsc::Sender<BellCommand>,
}

impl BellHandle {
    /// Hands the room a command; `false` if the room has closed.
    pub async fn send(&self, cmd: BellCommand) -> bool {
        self.tx.send(cmd).await.is_ok()
    }
}

/// The open stage rooms. A `std` mutex: nothing is awaited while it is held.
#[derive(Clone, Default)]
pub struct BellRooms {
    by_pin: Arc<Mutex<HashMap<String, BellHandle>>>,
}

impl BellRooms {
    /// Starts the room's task; it is found by PIN until it ends.
    pub fn open(&self, setup: BellSetup, shutdown: watch::Receiver<bool>) -> BellHandle {
        let (tx, rx) = mpsc::channel(QUEUE);
        let handle = BellHandle {
            game_id: setup.game_id,
            pin: setup.pin.clone(),
            tx,
        };
        let pin = setup.pin.clone();
        self.by_pin
            .lock()
            .expect("stage rooms lock")
            .insert(pin.clone(), handle.clone());
        let rooms = self.clone();
        tokio::spawn(async move {
            BellRoom::new(setup).run(rx, shutdown).await;
            rooms.by_pin.lock().expect("stage rooms lock").remove(&pin);
        });
        handle
    }

    pub fn by_pin(&self, pin: &str) -> Option<BellHandle> {
        self.by_pin
            .lock()
            .expect("stage rooms lock")
            .get(pin)
            .cloned()
    }
}
