//! Counted places with a cap per client address and a cap in total: open TCP connections,
//! watched boards. A [`Slot`] is a place taken; dropping it gives the place back, so a
//! connection or a viewer that ends for any reason (closed, reset, panicked task) cannot leak
//! its place. An address with no place left is forgotten, so the map holds only addresses that
//! have something open right now.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Which cap refused a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// This address has its share.
    Address,
    /// The server has all it takes.
    Total,
}

#[derive(Default)]
struct Counts {
    by_address: HashMap<IpAddr, u32>,
    total: u32,
}

/// Places of one kind. Cheap to clone (the counts are shared).
#[derive(Clone)]
pub struct Slots {
    per_address: u32,
    total: u32,
    // A std mutex: a lookup and an add, never held across an await.
    counts: Arc<Mutex<Counts>>,
}

impl Slots {
    pub fn new(per_address: u32, total: u32) -> Slots {
        Slots {
            per_address,
            total,
            counts: Arc::default(),
        }
    }

    /// Takes a place for `address`, or says which cap is reached.
    pub fn take(&self, address: IpAddr) -> Result<Slot, Full> {
        self.take_exempt(address, false)
    }

    /// As [`Slots::take`]; an `exempt` address (a trusted proxy, which speaks for many
    /// clients) counts only towards the total.
    pub fn take_exempt(&self, address: IpAddr, exempt: bool) -> Result<Slot, Full> {
        let mut counts = self.counts.lock().expect("slots lock");
        if counts.total >= self.total {
            return Err(Full::Total);
        }
        let mine = counts.by_address.entry(address).or_insert(0);
        if !exempt && *mine >= self.per_address {
            if *mine == 0 {
                counts.by_address.remove(&address);
            }
            return Err(Full::Address);
        }
        *mine += 1;
        counts.total += 1;
        Ok(Slot {
            address,
            counts: self.counts.clone(),
        })
    }

    /// Places taken now, in total.
    pub fn taken(&self) -> u32 {
        self.counts.lock().expect("slots lock").total
    }

    /// Addresses holding a place now (what the map costs).
    pub fn addresses(&self) -> usize {
        self.counts.lock().expect("slots lock").by_address.len()
    }
}

/// A place taken; given back when dropped.
pub struct Slot {
    address: IpAddr,
    counts: Arc<Mutex<Counts>>,
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("address", &self.address)
            .finish()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().expect("slots lock");
        counts.total = counts.total.saturating_sub(1);
        if let Some(n) = counts.by_address.get_mut(&self.address) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.by_address.remove(&self.address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn each_address_gets_its_share_and_the_total_caps_them_all() {
        let slots = Slots::new(2, 3);
        let a1 = slots.take(ip(1)).unwrap();
        let _a2 = slots.take(ip(1)).unwrap();
        assert_eq!(slots.take(ip(1)).unwrap_err(), Full::Address);
        let _b1 = slots.take(ip(2)).unwrap();
        assert_eq!(slots.take(ip(3)).unwrap_err(), Full::Total);
        drop(a1);
        assert!(
            slots.take(ip(3)).is_ok(),
            "a place given back is free again"
        );
    }

    #[test]
    fn an_exempt_address_counts_only_towards_the_total() {
        let slots = Slots::new(1, 3);
        let proxy = ip(9);
        let _held: Vec<Slot> = (0..3)
            .map(|_| slots.take_exempt(proxy, true).unwrap())
            .collect();
        assert_eq!(slots.take_exempt(proxy, true).unwrap_err(), Full::Total);
    }

    #[test]
    fn addresses_with_nothing_open_are_forgotten() {
        let slots = Slots::new(5, 1000);
        let held: Vec<Slot> = (0..200).map(|i| slots.take(ip(i)).unwrap()).collect();
        assert_eq!(slots.addresses(), 200);
        drop(held);
        assert_eq!(slots.addresses(), 0);
        assert_eq!(slots.taken(), 0);
        let none = Slots::new(0, 10);
        assert_eq!(none.take(ip(1)).unwrap_err(), Full::Address);
        assert_eq!(
            none.addresses(),
            0,
            "a refused address leaves nothing behind"
        );
    }
}
