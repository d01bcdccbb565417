//! The registry's bookkeeping: which PIN and game id lead to which room, and how many games
//! each account and the server have open (the caps), with the PIN draw.

use std::collections::{HashMap, HashSet};

use rand::Rng;

use super::{GameCaps, OpenError, RoomHandle};
use crate::domain::{AccountId, GameId};
use tokio::sync::mpsc;

/// PINs have six digits and never start with 0, so they read the same as numbers.
const PINS: std::ops::RangeInclusive<u32> = 100_000..=999_999;
/// Random draws before a PIN is searched for in order. With the default cap of 5,000 games
/// against 900,000 PINs, the first draw is free 99.4% of the time.
const PIN_DRAWS: usize = 32;

#[derive(Default)]
pub(super) struct Rooms {
    pub(super) by_pin: HashMap<String, RoomHandle>,
    pub(super) by_game: HashMap<GameId, RoomHandle>,
    /// Open games (reserved ones included) per hosting account, and in all.
    by_host: HashMap<AccountId, u32>,
    open: u32,
}

impl Rooms {
    /// Holds a free PIN for a new game of `host` within the caps: one no room here holds and
    /// none of `elsewhere` (the PINs of games open on the other nodes), so that a PIN leads to
    /// one game whichever node a phone reaches.
    pub(super) fn reserve(
        &mut self,
        host: AccountId,
        caps: GameCaps,
        elsewhere: &HashSet<String>,
    ) -> Result<String, OpenError> {
        if self.open >= caps.total {
            return Err(OpenError::TooManyOnServer(caps.total));
        }
        if self.by_host.get(&host).copied().unwrap_or(0) >= caps.per_account {
            return Err(OpenError::TooManyForAccount(caps.per_account));
        }
        let taken = |pin: &str| self.by_pin.contains_key(pin) || elsewhere.contains(pin);
        let pin = free_pin(PINS, taken, &mut rand::rng()).ok_or(OpenError::NoFreePin)?;
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
    pub(super) fn adopt(&mut self, host: AccountId) {
        *self.by_host.entry(host).or_insert(0) += 1;
        self.open += 1;
    }

    /// Gives back what [`Rooms::reserve`] took, once the game's room has ended (or was never
    /// started).
    pub(super) fn release(&mut self, pin: &str, game: Option<GameId>, host: AccountId) {
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    const CAPS: GameCaps = GameCaps {
        per_account: 3,
        total: 5,
    };

    #[test]
    fn open_games_are_capped_per_account_and_in_all_and_a_release_frees_a_place() {
        let mut rooms = Rooms::default();
        let pins: Vec<String> = (0..3)
            .map(|_| rooms.reserve(AccountId::new(1), CAPS, &none()).unwrap())
            .collect();
        assert!(matches!(
            rooms.reserve(AccountId::new(1), CAPS, &none()),
            Err(OpenError::TooManyForAccount(3))
        ));
        rooms.reserve(AccountId::new(2), CAPS, &none()).unwrap();
        rooms.reserve(AccountId::new(3), CAPS, &none()).unwrap();
        assert!(matches!(
            rooms.reserve(AccountId::new(4), CAPS, &none()),
            Err(OpenError::TooManyOnServer(5))
        ));
        rooms.release(&pins[0], None, AccountId::new(1));
        assert!(!rooms.by_pin.contains_key(&pins[0]));
        rooms
            .reserve(AccountId::new(1), CAPS, &none())
            .expect("a place again");
        assert_eq!(rooms.by_pin.len(), 5);
    }

    /// No PIN open on another node.
    fn none() -> HashSet<String> {
        HashSet::new()
    }

    #[test]
    fn a_pin_open_on_another_node_is_never_drawn() {
        let mut rooms = Rooms::default();
        let free = rand::rng().random_range(PINS);
        let elsewhere: HashSet<String> =
            PINS.filter(|n| *n != free).map(|n| n.to_string()).collect();
        let pin = rooms.reserve(AccountId::new(1), CAPS, &elsewhere).unwrap();
        assert_eq!(pin, free.to_string(), "the one PIN no node uses");
        assert!(matches!(
            rooms.reserve(AccountId::new(2), CAPS, &elsewhere),
            Err(OpenError::NoFreePin)
        ));
    }

    #[test]
    fn when_every_pin_is_taken_the_search_says_so_after_looking_at_each_once() {
        let mut rng = rand::rng();
        let looked = std::cell::RefCell::new(Vec::new());
        let all = |pin: &str| {
            looked.borrow_mut().push(pin.to_owned());
            true
        };
        assert_eq!(free_pin(PINS, all, &mut rng), None);
        // The random draws, then every PIN once: bounded, never drawing for ever.
        let looked = looked.into_inner();
        assert_eq!(looked.len(), PIN_DRAWS + PINS.count());
        let sweep: HashSet<&String> = looked[PIN_DRAWS..].iter().collect();
        assert_eq!(sweep.len(), PINS.count(), "every PIN, once");
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
