//! Contestants on stage, known by the number of their seat: the number on their whiteboard,
//! which the judge reads and the host calls out.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::Nickname;

/// A seat number, 1–999 (three digits fit on a whiteboard and on a phone's badge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Seat(u16);

impl Seat {
    pub const MAX: u16 = 999;

    /// The seat numbered `n`, if it is a seat number.
    pub fn new(n: u16) -> Option<Seat> {
        (1..=Self::MAX).contains(&n).then_some(Seat(n))
    }

    pub fn number(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for Seat {
    type Error = String;
    fn try_from(n: u16) -> Result<Self, String> {
        Seat::new(n)
            .ok_or_else(|| format!("số báo danh phải từ 1 đến {} (đang ghi {n})", Self::MAX))
    }
}

impl From<Seat> for u16 {
    fn from(s: Seat) -> u16 {
        s.0
    }
}

impl fmt::Display for Seat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

/// Whether a contestant is still in the contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Standing,
    /// Out since round `round` (an index into the contest's rounds) was revealed.
    Eliminated {
        round: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contestant {
    pub seat: Seat,
    pub name: Nickname,
    pub status: Status,
}

impl Contestant {
    pub fn is_standing(&self) -> bool {
        self.status == Status::Standing
    }
}
