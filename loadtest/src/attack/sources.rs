//! Where each attacker connects from. The players sit on 127.0.0.x (their schools); every
//! attack has a /16 of the loopback network of its own (Linux routes all of 127.0.0.0/8 to
//! the loopback device), so the server's per-address limits meet the attackers and the
//! players apart, as they would on the Internet. Nothing here leaves 127.0.0.0/8.

use std::net::{IpAddr, Ipv4Addr};

/// Watcher connections per address: each address then holds about 1,100 watches of real
/// boards (under the server's 3,000 per address) and, should every connection have to come
/// back in each wave every 10 s, opens 2,100 WebSockets a minute (under its 3,000).
pub const WATCHERS_PER_SOURCE: usize = 350;

/// Sign-ins per address in a wave, as the red team sent them: under the server's 30 a minute
/// per address, so the per-address limit does not answer for the password hashing.
pub const SIGN_INS_PER_SOURCE: usize = 25;

/// Slowloris connections per address: a quarter of the server's 4,000 per address, so they
/// meet the header-read timeout, not the connection cap.
pub const SLOW_PER_SOURCE: usize = 1_000;

/// The address of watcher connection `i` of `total`: 127.1.0.1 upwards.
pub fn watcher(i: usize, total: usize) -> IpAddr {
    let sources = total.div_ceil(WATCHERS_PER_SOURCE).max(1);
    at(1, i % sources)
}

/// Addresses the watchers come from.
pub fn watcher_sources(total: usize) -> usize {
    total.div_ceil(WATCHERS_PER_SOURCE).min(total)
}

/// The address of sign-in `i` in wave `wave`: 127.2.0.1 upwards, a fresh block of addresses
/// each wave, so that a wave ten seconds after another is not refused by the per-address
/// limit before the server hashes anything (the point is the hashing).
pub fn sign_in(wave: u64, i: usize, per_wave: usize) -> IpAddr {
    let per_wave_sources = per_wave.div_ceil(SIGN_INS_PER_SOURCE).max(1);
    let block = wave as usize * per_wave_sources;
    at(2, block + i / SIGN_INS_PER_SOURCE)
}

/// The address of slow connection `i`: 127.3.0.1 upwards.
pub fn slow(i: usize) -> IpAddr {
    at(3, i / SLOW_PER_SOURCE)
}

/// The spreadsheet bombs come from one desk: 127.4.0.1.
pub fn uploader() -> IpAddr {
    at(4, 0)
}

/// The `n`-th address (from 0) of the /16 `127.net.0.0`, skipping the network's .0 and .255
/// ends of each /24 (nothing needs them, and some tools read them as special).
fn at(net: u8, n: usize) -> IpAddr {
    let n = n % (256 * 254);
    IpAddr::V4(Ipv4Addr::new(
        127,
        net,
        (n / 254) as u8,
        (n % 254) as u8 + 1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_thousand_watchers_come_from_three_addresses_of_their_own() {
        assert_eq!(watcher_sources(1000), 3);
        assert_eq!(watcher(0, 1000), v4("127.1.0.1"));
        assert_eq!(watcher(1, 1000), v4("127.1.0.2"));
        assert_eq!(watcher(2, 1000), v4("127.1.0.3"));
        assert_eq!(watcher(3, 1000), v4("127.1.0.1"));
        assert_eq!(watcher_sources(0), 0);
    }

    #[test]
    fn each_wave_of_sign_ins_comes_from_fresh_addresses_twenty_five_each() {
        assert_eq!(sign_in(0, 0, 200), v4("127.2.0.1"));
        assert_eq!(sign_in(0, 24, 200), v4("127.2.0.1"));
        assert_eq!(sign_in(0, 25, 200), v4("127.2.0.2"));
        assert_eq!(sign_in(0, 199, 200), v4("127.2.0.8"));
        assert_eq!(sign_in(1, 0, 200), v4("127.2.0.9"));
        // Past a /24 the next one is used, never .0 or .255.
        assert_eq!(sign_in(32, 0, 200), v4("127.2.1.3"));
    }

    #[test]
    fn every_attacker_stays_on_loopback_and_off_the_players_addresses() {
        let all = (0..5000)
            .map(|i| watcher(i, 5000))
            .chain((0..100).flat_map(|w| (0..500).map(move |i| sign_in(w, i, 500))))
            .chain((0..20_000).map(slow))
            .chain([uploader()]);
        for ip in all {
            let IpAddr::V4(v4) = ip else { panic!("{ip}") };
            assert!(v4.is_loopback(), "{v4}");
            assert_ne!(v4.octets()[1], 0, "{v4} is where the players are");
            assert!(!matches!(v4.octets()[3], 0 | 255), "{v4}");
        }
    }
}
