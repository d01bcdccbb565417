//! Rate limits (GCRA, via governor), kept in the app state. Per-address limits are generous —
//! a whole school sits behind one NAT address and 1,000 students must be able to join one
//! game within a minute — so per-connection (see `ws.rs`) and per-identity limits do the real
//! work. An exceeded limit is answered with `rate_limited` and a retry time, never silently.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota};

/// How long an address that scanned PINs is refused any join.
const SCAN_BLOCK: Duration = Duration::from_secs(60);

/// Quotas, per minute, with the same burst.
#[derive(Debug, Clone, clap::Args)]
pub struct LimitsConfig {
    /// WebSocket upgrades per client address per minute (a school behind one NAT address).
    #[arg(long, env = "HOITHI_UPGRADES_PER_MINUTE", default_value_t = 3000)]
    pub upgrades_per_minute: u32,
    /// Joins with an unknown PIN per address per minute before the address is cut off for a minute.
    #[arg(long, env = "HOITHI_PIN_MISSES_PER_MINUTE", default_value_t = 60)]
    pub pin_misses_per_minute: u32,
    /// Joins per game per minute (a province event seats 19,000 in under a minute).
    #[arg(
        long,
        env = "HOITHI_JOINS_PER_GAME_PER_MINUTE",
        default_value_t = 30_000
    )]
    pub joins_per_game_per_minute: u32,
    /// Joins per minute over the whole server, every game together: what one node is sized
    /// for, so a flood spread over many PINs still stops here.
    #[arg(long, env = "HOITHI_JOINS_PER_MINUTE", default_value_t = 120_000)]
    pub joins_per_minute: u32,
    /// Sign-in attempts per address per minute.
    #[arg(
        long,
        env = "HOITHI_SIGN_INS_PER_ADDRESS_PER_MINUTE",
        default_value_t = 30
    )]
    pub sign_ins_per_address_per_minute: u32,
    /// Sign-in attempts per account per minute.
    #[arg(
        long,
        env = "HOITHI_SIGN_INS_PER_ACCOUNT_PER_MINUTE",
        default_value_t = 10
    )]
    pub sign_ins_per_account_per_minute: u32,
    /// Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses). Any other
    /// peer's header is ignored, so a client cannot choose its own address.
    #[arg(long, env = "HOITHI_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            upgrades_per_minute: 3000,
            pin_misses_per_minute: 60,
            joins_per_game_per_minute: 30_000,
            joins_per_minute: 120_000,
            sign_ins_per_address_per_minute: 30,
            sign_ins_per_account_per_minute: 10,
            trusted_proxies: Vec::new(),
        }
    }
}

fn per_minute(n: u32) -> Quota {
    let n = NonZeroU32::new(n.max(1)).expect("at least 1");
    Quota::per_minute(n).allow_burst(n)
}

pub struct Limits {
    config: LimitsConfig,
    upgrades: DefaultKeyedRateLimiter<IpAddr>,
    pin_misses: DefaultKeyedRateLimiter<IpAddr>,
    joins: DefaultKeyedRateLimiter<i64>,
    all_joins: DefaultDirectRateLimiter,
    sign_in_address: DefaultKeyedRateLimiter<IpAddr>,
    sign_in_account: DefaultKeyedRateLimiter<String>,
    // A std mutex: a lookup or insert, never held across an await.
    scanners: Mutex<HashMap<IpAddr, Instant>>,
}

/// How long to wait before trying again.
pub type RetryAfter = Duration;

fn check<K: Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), RetryAfter> {
    limiter
        .check_key(key)
        .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
}

impl Limits {
    pub fn new(config: LimitsConfig) -> Limits {
        Limits {
            upgrades: DefaultKeyedRateLimiter::keyed(per_minute(config.upgrades_per_minute)),
            pin_misses: DefaultKeyedRateLimiter::keyed(per_minute(config.pin_misses_per_minute)),
            joins: DefaultKeyedRateLimiter::keyed(per_minute(config.joins_per_game_per_minute)),
            all_joins: DefaultDirectRateLimiter::direct(per_minute(config.joins_per_minute)),
            sign_in_address: DefaultKeyedRateLimiter::keyed(per_minute(
                config.sign_ins_per_address_per_minute,
            )),
            sign_in_account: DefaultKeyedRateLimiter::keyed(per_minute(
                config.sign_ins_per_account_per_minute,
            )),
            scanners: Mutex::new(HashMap::new()),
            config,
        }
    }

    /// The client's address: the peer's, or, behind a trusted proxy, the last address in
    /// X-Forwarded-For that is not itself a trusted proxy.
    pub fn client_address(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.ip();
        if !self.config.trusted_proxies.contains(&peer) {
            return peer;
        }
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .rev()
            .find(|a| !self.config.trusted_proxies.contains(a))
            .unwrap_or(peer)
    }

    pub fn upgrade(&self, address: IpAddr) -> Result<(), RetryAfter> {
        check(&self.upgrades, &address)
    }

    /// Before a join: refused while the address is cut off for scanning PINs.
    pub fn join_allowed(&self, address: IpAddr) -> Result<(), RetryAfter> {
        let mut scanners = self.scanners.lock().expect("scanners lock");
        match scanners.get(&address) {
            Some(until) if *until > Instant::now() => Err(*until - Instant::now()),
            Some(_) => {
                scanners.remove(&address);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// After a join with an unknown PIN: too many, and the address is cut off for a minute.
    pub fn pin_missed(&self, address: IpAddr) -> Result<(), RetryAfter> {
        check(&self.pin_misses, &address).map_err(|_| {
            tracing::warn!(%address, "PIN scan cut off: too many joins with unknown PINs");
            self.scanners
                .lock()
                .expect("scanners lock")
                .insert(address, Instant::now() + SCAN_BLOCK);
            SCAN_BLOCK
        })
    }

    /// A join to `game`: within the game's quota and the server's.
    pub fn join(&self, game: i64) -> Result<(), RetryAfter> {
        check(&self.joins, &game)?;
        self.all_joins
            .check()
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    pub fn sign_in(&self, address: IpAddr, username: &str) -> Result<(), RetryAfter> {
        check(&self.sign_in_address, &address)?;
        check(&self.sign_in_account, &username.trim().to_lowercase())
    }

    /// Forgets keys that have been quiet for a while; called every minute so an attacker's
    /// many addresses do not grow memory without bound.
    pub fn forget_quiet(&self) {
        self.upgrades.retain_recent();
        self.pin_misses.retain_recent();
        self.joins.retain_recent();
        self.sign_in_address.retain_recent();
        self.sign_in_account.retain_recent();
        let now = Instant::now();
        self.scanners
            .lock()
            .expect("scanners lock")
            .retain(|_, until| *until > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_scan_is_cut_off_and_blocks_every_join_from_that_address() {
        let limits = Limits::new(LimitsConfig {
            pin_misses_per_minute: 3,
            ..LimitsConfig::default()
        });
        let scanner: IpAddr = "10.0.0.9".parse().unwrap();
        let school: IpAddr = "10.0.0.10".parse().unwrap();
        for _ in 0..3 {
            assert!(limits.pin_missed(scanner).is_ok());
        }
        assert!(limits.pin_missed(scanner).is_err());
        assert!(
            limits.join_allowed(scanner).is_err(),
            "even a right PIN is refused for a minute"
        );
        assert!(
            limits.join_allowed(school).is_ok(),
            "other addresses are not affected"
        );
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let limits = Limits::new(LimitsConfig {
            trusted_proxies: vec![proxy],
            ..LimitsConfig::default()
        });
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        assert_eq!(
            limits.client_address("127.0.0.1:5000".parse().unwrap(), &headers),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            limits.client_address("198.51.100.1:5000".parse().unwrap(), &headers),
            "198.51.100.1".parse::<IpAddr>().unwrap(),
            "an untrusted peer cannot choose its address"
        );
    }

    #[test]
    fn joins_are_limited_per_game_and_over_the_whole_server() {
        let limits = Limits::new(LimitsConfig {
            joins_per_game_per_minute: 2,
            joins_per_minute: 3,
            ..LimitsConfig::default()
        });
        assert!(limits.join(1).is_ok());
        assert!(limits.join(1).is_ok());
        assert!(limits.join(1).is_err(), "a third join to one game");
        assert!(limits.join(2).is_ok());
        let wait = limits.join(3).expect_err("a fourth join anywhere");
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
    }

    #[test]
    fn sign_ins_are_limited_per_account_whatever_the_case() {
        let limits = Limits::new(LimitsConfig {
            sign_ins_per_account_per_minute: 2,
            ..LimitsConfig::default()
        });
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(limits.sign_in(a, "admin").is_ok());
        assert!(limits.sign_in(b, "ADMIN").is_ok());
        assert!(
            limits.sign_in(a, "Admin ").is_err(),
            "a third try on one account, from any address"
        );
    }
}
