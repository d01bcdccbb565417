//! Time as the domain sees it: milliseconds on the server's monotonic clock, counted from an
//! epoch the engine chooses (the room's creation). A plain number, so tests can say "at 12.5 s".

use std::ops::{Add, Sub};

/// A point on the room's monotonic clock, in milliseconds since the room's epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Millis(pub u64);

impl Millis {
    /// `n` whole seconds after the epoch; handy in tests and tables.
    pub const fn secs(n: u64) -> Self {
        Millis(n * 1000)
    }

    /// Milliseconds from `earlier` to `self`, or 0 when `earlier` is later.
    pub fn since(self, earlier: Millis) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl Add<u64> for Millis {
    type Output = Millis;
    fn add(self, ms: u64) -> Millis {
        Millis(self.0.saturating_add(ms))
    }
}

impl Sub<u64> for Millis {
    type Output = Millis;
    fn sub(self, ms: u64) -> Millis {
        Millis(self.0.saturating_sub(ms))
    }
}
