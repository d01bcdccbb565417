//! When each wave's burst was in the server: from the wave's start to the last answer to one
//! of its watches or sign-ins (the bombs and slow connections last longer by design and are
//! reported on their own). The coordinator lays the game's joins and acknowledgements over
//! these windows, so the report says how much of the game met the attack, not only that
//! both ran.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::clock::now_us;

/// Waves' windows, in wall-clock µs, by wave.
#[derive(Default)]
pub struct Bursts {
    // A std mutex: nothing is awaited under it.
    windows: Mutex<BTreeMap<u64, (u64, u64)>>,
}

/// One wave's burst, in seconds from the start of the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Burst {
    pub wave: u64,
    pub start_s: f64,
    /// The last answer to the wave's watches and sign-ins (the start, if none came).
    pub end_s: f64,
}

impl Bursts {
    fn windows(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, (u64, u64)>> {
        self.windows.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn begin(&self, wave: u64) {
        let now = now_us();
        self.windows().insert(wave, (now, now));
    }

    /// An answer to wave `wave` came now.
    pub fn answered(&self, wave: u64) {
        self.answered_at(wave, now_us());
    }

    fn answered_at(&self, wave: u64, at_us: u64) {
        if let Some((_, end)) = self.windows().get_mut(&wave) {
            *end = (*end).max(at_us);
        }
    }

    /// The windows, from `epoch_us`.
    pub fn list(&self, epoch_us: u64) -> Vec<Burst> {
        let s = |us: u64| us.saturating_sub(epoch_us) as f64 / 1e6;
        self.windows()
            .iter()
            .map(|(&wave, &(start, end))| Burst {
                wave,
                start_s: s(start),
                end_s: s(end),
            })
            .collect()
    }
}

/// Whether the span `[from_s, to_s)` meets any burst.
pub fn meets(bursts: &[Burst], from_s: f64, to_s: f64) -> bool {
    bursts.iter().any(|b| from_s <= b.end_s && to_s > b.start_s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_runs_from_its_start_to_its_last_answer() {
        let bursts = Bursts::default();
        bursts.windows().insert(1, (10_000_000, 10_000_000));
        bursts.answered_at(1, 10_400_000);
        bursts.answered_at(1, 10_200_000);
        // An answer to a wave never begun is not a window.
        bursts.answered_at(2, 11_000_000);
        let list = bursts.list(9_000_000);
        assert_eq!(
            list,
            [Burst {
                wave: 1,
                start_s: 1.0,
                end_s: 1.4
            }]
        );
        assert!(meets(&list, 1.3, 1.4));
        assert!(meets(&list, 0.9, 1.05));
        assert!(!meets(&list, 1.5, 1.6));
        assert!(!meets(&list, 0.8, 1.0));
    }
}
