//! Rate limits (GCRA, via governor) and caps, configured here and kept in the app state.
//! Per-address limits are generous — a whole school sits behind one NAT address and 1,000
//! students must be able to join one game within a minute — so per-connection (see `ws.rs`)
//! and per-identity limits do the real work. An exceeded limit is answered with
//! `rate_limited` and a retry time, never silently. Every map here is keyed by something of
//! bounded size and swept every minute ([`Limits::forget_quiet`], run by [`sweep`]).

use crate::domain::GameId;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use blake2::{Blake2s256, Digest};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota};
use tokio::sync::watch;

/// How long an address that scanned PINs is refused any join.
const SCAN_BLOCK: Duration = Duration::from_secs(60);
/// How often quiet keys are forgotten.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// How long an address that signed in to an account stays trusted for that account's limit.
const KNOWN_GOOD_FOR: Duration = Duration::from_secs(30 * 24 * 3600);
/// Addresses remembered per account (the newest win): an organizer's office, home, a hall.
const KNOWN_GOOD_PER_ACCOUNT: usize = 16;

// The defaults, once: the flags below and `LimitsConfig::default` both read them.
const UPGRADES_PER_MINUTE: u32 = 3000;
const PIN_MISSES_PER_MINUTE: u32 = 60;
const JOINS_PER_GAME_PER_MINUTE: u32 = 30_000;
const JOINS_PER_MINUTE: u32 = 120_000;
/// A class of 50 presses «Vào» in the same second (six classes could, behind one NAT); a
/// school event of 500 (the average school, see `PLAYERS_PER_GAME`) behind one address seats
/// in under two minutes — 300 at once, then five a second — while people are still walking
/// in. A bot on one address seats 300 and then five a second, which the host sees and can
/// stop with the lock (the 3,100-bot flood seated every one in seconds); the game's cap bounds
/// it anyway. A province event whose schools bring thousands each through one NAT raises it.
const JOINS_PER_ADDRESS_PER_GAME_PER_MINUTE: u32 = 300;
const SIGN_INS_PER_ADDRESS_PER_MINUTE: u32 = 30;
const SIGN_INS_PER_ACCOUNT_PER_MINUTE: u32 = 10;
/// Contest sign-ins with a login card per address per minute: a school of a thousand pupils
/// behind one NAT address signs in within a minute or two. A card's secret has 50 random
/// bits, so guessing is not what this stops (the per-card quota and the entropy do).
const CARD_SIGN_INS_PER_ADDRESS_PER_MINUTE: u32 = 1200;
/// Contest sign-ins per card per minute: a pupil retyping a secret, not a script.
const CARD_SIGN_INS_PER_CARD_PER_MINUTE: u32 = 10;
/// Contest requests (views, answers, submissions) per participant per minute: an attempt of
/// 11 questions needs a few dozen; a runaway script gets `rate_limited`.
const CONTEST_REQUESTS_PER_PARTICIPANT_PER_MINUTE: u32 = 300;
/// Sign-ins waiting for a password hash beyond those being hashed. One argon2id hash takes
/// 19 MiB and about 25 ms of a core (release build); 200 unbounded at once took the RSS to
/// 3.97 GB. 32 waiting clear in well under a second on two cores.
const PASSWORD_HASH_QUEUE: u32 = 32;
/// A projector shows a few boards; 8 is what the protocol page promised.
const WATCHES_PER_CONNECTION: u32 = 8;
/// A school following boards on its students' phones, one NAT address: as many as the
/// upgrades an address may open in a minute.
const WATCHES_PER_ADDRESS: u32 = 3000;
/// Every viewer of a node: 10,000 viewers of one board measured at 16 KB of memory each
/// (docs/performance.md), three times that is about 500 MB.
const WATCHES: u32 = 30_000;
/// Distinct boards watched at once: each is read again on every change of its context (at
/// most twice a second) and every 5 s. The boards an event projects (the province, 102
/// communes, a school or two each) fit many times over.
const WATCHED_BOARDS: u32 = 2000;
/// Distinct boards one address may start: a school's phones following its own boards (the
/// school, its classes, its commune, the province); without it one address could take every
/// board place with real but unwatched-by-anyone-else boards.
const WATCHED_BOARDS_PER_ADDRESS: u32 = 100;
/// Open TCP connections per client address: a large school's phones behind one NAT at a
/// province event, a WebSocket each plus their pages' keep-alive connections.
const CONNECTIONS_PER_ADDRESS: u32 = 4000;
/// Longest wait for a request's headers, and for the next request on an idle keep-alive
/// connection. A phone on weak 3G sends its 1–2 KB of headers in well under a second.
const HEADER_READ_TIMEOUT_SECS: u64 = 10;
/// A teacher hosts one class at a time; 20 leave room for rehearsals and a school's hội thi
/// with rooms side by side. A finished game counts while it lingers for its podium (15 min).
const GAMES_PER_ACCOUNT: u32 = 20;
/// Open games on one node. An idle room costs about 140 KB (20,000 took 2.8 GB), so 5,000
/// are 700 MB at most; the PINs (900,000) stay almost all free, so a free one is found in a
/// try or two.
const GAMES: u32 = 5000;
/// A game's player cap unless its host sets another (see the domain's default: a class or a
/// school event). The host's welcome lists every player: about 26 KB for 500 (3,100 bots made
/// it 160 KB).
const PLAYERS_PER_GAME: u32 = crate::domain::game::settings::DEFAULT_MAX_PLAYERS;
/// The most a host may set: the province's 10/10 event is one game of tens of thousands
/// (19,000 measured in docs/performance.md).
const MAX_PLAYERS_PER_GAME: u32 = 50_000;

/// Quotas (per minute, with the same burst) and caps. Each flag also reads an environment
/// variable; docs/security.md lists them all with their defaults.
#[derive(Debug, Clone, clap::Args)]
pub struct LimitsConfig {
    /// WebSocket upgrades per client address per minute (a school behind one NAT address).
    #[arg(long, env = "HOITHI_UPGRADES_PER_MINUTE", default_value_t = UPGRADES_PER_MINUTE)]
    pub upgrades_per_minute: u32,
    /// Joins with an unknown PIN per address per minute before the address is cut off for a minute.
    #[arg(long, env = "HOITHI_PIN_MISSES_PER_MINUTE", default_value_t = PIN_MISSES_PER_MINUTE)]
    pub pin_misses_per_minute: u32,
    /// Joins per game per minute (a province event seats 19,000 in under a minute).
    #[arg(
        long,
        env = "HOITHI_JOINS_PER_GAME_PER_MINUTE",
        default_value_t = JOINS_PER_GAME_PER_MINUTE
    )]
    pub joins_per_game_per_minute: u32,
    /// Joins per minute over the whole server, every game together: what one node is sized
    /// for, so a flood spread over many PINs still stops here.
    #[arg(long, env = "HOITHI_JOINS_PER_MINUTE", default_value_t = JOINS_PER_MINUTE)]
    pub joins_per_minute: u32,
    /// Joins per client address per game per minute (a class of 50 at once; bots from one
    /// address trickle).
    #[arg(
        long,
        env = "HOITHI_JOINS_PER_ADDRESS_PER_GAME_PER_MINUTE",
        default_value_t = JOINS_PER_ADDRESS_PER_GAME_PER_MINUTE
    )]
    pub joins_per_address_per_game_per_minute: u32,
    /// Sign-in attempts per address per minute.
    #[arg(
        long,
        env = "HOITHI_SIGN_INS_PER_ADDRESS_PER_MINUTE",
        default_value_t = SIGN_INS_PER_ADDRESS_PER_MINUTE
    )]
    pub sign_ins_per_address_per_minute: u32,
    /// Sign-in attempts per account per minute from addresses that have not signed in to it.
    #[arg(
        long,
        env = "HOITHI_SIGN_INS_PER_ACCOUNT_PER_MINUTE",
        default_value_t = SIGN_INS_PER_ACCOUNT_PER_MINUTE
    )]
    pub sign_ins_per_account_per_minute: u32,
    /// Contest sign-ins with a login card per address per minute (a school behind one NAT).
    #[arg(
        long,
        env = "HOITHI_CARD_SIGN_INS_PER_ADDRESS_PER_MINUTE",
        default_value_t = CARD_SIGN_INS_PER_ADDRESS_PER_MINUTE
    )]
    pub card_sign_ins_per_address_per_minute: u32,
    /// Contest sign-ins per login card per minute.
    #[arg(
        long,
        env = "HOITHI_CARD_SIGN_INS_PER_CARD_PER_MINUTE",
        default_value_t = CARD_SIGN_INS_PER_CARD_PER_MINUTE
    )]
    pub card_sign_ins_per_card_per_minute: u32,
    /// Contest requests (views, answers, submissions) per participant per minute.
    #[arg(
        long,
        env = "HOITHI_CONTEST_REQUESTS_PER_MINUTE",
        default_value_t = CONTEST_REQUESTS_PER_PARTICIPANT_PER_MINUTE
    )]
    pub contest_requests_per_minute: u32,
    /// Password hashes computed at once (0: one fewer than the cores, at least one).
    #[arg(long, env = "HOITHI_PASSWORD_HASHES", default_value_t = 0)]
    pub password_hashes: u32,
    /// Sign-ins that may wait for a password hash; beyond, 503 `server_busy`.
    #[arg(long, env = "HOITHI_PASSWORD_HASH_QUEUE", default_value_t = PASSWORD_HASH_QUEUE)]
    pub password_hash_queue: u32,
    /// Live boards one WebSocket connection may watch.
    #[arg(long, env = "HOITHI_WATCHES_PER_CONNECTION", default_value_t = WATCHES_PER_CONNECTION)]
    pub watches_per_connection: u32,
    /// Live boards watched from one client address, over all its connections.
    #[arg(long, env = "HOITHI_WATCHES_PER_ADDRESS", default_value_t = WATCHES_PER_ADDRESS)]
    pub watches_per_address: u32,
    /// Live boards watched on the server, all viewers together.
    #[arg(long, env = "HOITHI_WATCHES", default_value_t = WATCHES)]
    pub watches: u32,
    /// Distinct live boards watched at once.
    #[arg(long, env = "HOITHI_WATCHED_BOARDS", default_value_t = WATCHED_BOARDS)]
    pub watched_boards: u32,
    /// Distinct live boards one client address may start watching.
    #[arg(
        long,
        env = "HOITHI_WATCHED_BOARDS_PER_ADDRESS",
        default_value_t = WATCHED_BOARDS_PER_ADDRESS
    )]
    pub watched_boards_per_address: u32,
    /// Open TCP connections per client address (a trusted proxy counts only in the total).
    #[arg(long, env = "HOITHI_CONNECTIONS_PER_ADDRESS", default_value_t = CONNECTIONS_PER_ADDRESS)]
    pub connections_per_address: u32,
    /// Open TCP connections in total (0: the process's open-file limit less a reserve for the
    /// database, logs and bank files).
    #[arg(long, env = "HOITHI_CONNECTIONS", default_value_t = 0)]
    pub connections: u32,
    /// Seconds a client has to send a request's headers (and to start the next request on a
    /// kept-alive connection) before it is closed.
    #[arg(long, env = "HOITHI_HEADER_READ_TIMEOUT_SECS", default_value_t = HEADER_READ_TIMEOUT_SECS)]
    pub header_read_timeout_secs: u64,
    /// Open games per account (finished games count while they show their podium).
    #[arg(long, env = "HOITHI_GAMES_PER_ACCOUNT", default_value_t = GAMES_PER_ACCOUNT)]
    pub games_per_account: u32,
    /// Open games on the server.
    #[arg(long, env = "HOITHI_GAMES", default_value_t = GAMES)]
    pub games: u32,
    /// A game's player cap when its host does not set one.
    #[arg(long, env = "HOITHI_PLAYERS_PER_GAME", default_value_t = PLAYERS_PER_GAME)]
    pub players_per_game: u32,
    /// The largest player cap a host may set for a game (the province event).
    #[arg(long, env = "HOITHI_MAX_PLAYERS_PER_GAME", default_value_t = MAX_PLAYERS_PER_GAME)]
    pub max_players_per_game: u32,
    /// Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses). Any other
    /// peer's header is ignored, so a client cannot choose its own address.
    #[arg(long, env = "HOITHI_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            upgrades_per_minute: UPGRADES_PER_MINUTE,
            pin_misses_per_minute: PIN_MISSES_PER_MINUTE,
            joins_per_game_per_minute: JOINS_PER_GAME_PER_MINUTE,
            joins_per_minute: JOINS_PER_MINUTE,
            joins_per_address_per_game_per_minute: JOINS_PER_ADDRESS_PER_GAME_PER_MINUTE,
            sign_ins_per_address_per_minute: SIGN_INS_PER_ADDRESS_PER_MINUTE,
            sign_ins_per_account_per_minute: SIGN_INS_PER_ACCOUNT_PER_MINUTE,
            card_sign_ins_per_address_per_minute: CARD_SIGN_INS_PER_ADDRESS_PER_MINUTE,
            card_sign_ins_per_card_per_minute: CARD_SIGN_INS_PER_CARD_PER_MINUTE,
            contest_requests_per_minute: CONTEST_REQUESTS_PER_PARTICIPANT_PER_MINUTE,
            password_hashes: 0,
            password_hash_queue: PASSWORD_HASH_QUEUE,
            watches_per_connection: WATCHES_PER_CONNECTION,
            watches_per_address: WATCHES_PER_ADDRESS,
            watches: WATCHES,
            watched_boards: WATCHED_BOARDS,
            watched_boards_per_address: WATCHED_BOARDS_PER_ADDRESS,
            connections_per_address: CONNECTIONS_PER_ADDRESS,
            connections: 0,
            header_read_timeout_secs: HEADER_READ_TIMEOUT_SECS,
            games_per_account: GAMES_PER_ACCOUNT,
            games: GAMES,
            players_per_game: PLAYERS_PER_GAME,
            max_players_per_game: MAX_PLAYERS_PER_GAME,
            trusted_proxies: Vec::new(),
        }
    }
}

impl LimitsConfig {
    /// Password hashes at once: as configured, else one fewer than the cores (at least one).
    /// With one per core, a burst of 200 sign-ins kept both cores of the 2-core test machine
    /// busy in 0.2–0.3 s stretches (perf: no samples of the async workers then), and a live
    /// game's 200 joins waited for it (join p99 107–283 ms); with one thread, 33–84 ms and the
    /// same sign-ins checked (docs/performance.md, the siege). Live games keep a core.
    pub fn password_hashes(&self) -> usize {
        match self.password_hashes {
            0 => std::thread::available_parallelism()
                .map_or(1, |n| n.get().saturating_sub(1))
                .max(1),
            n => n as usize,
        }
    }

    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_secs.max(1))
    }
}

fn per_minute(n: u32) -> Quota {
    let n = NonZeroU32::new(n.max(1)).expect("at least 1");
    Quota::per_minute(n).allow_burst(n)
}

/// An account as the per-account limit knows it: a fixed-size digest of the name as typed
/// (trimmed, any case), so a sign-in with a 60 KB name costs 16 bytes, not 60 KB (1,500 of
/// them grew the limiter by 90 MB).
type AccountKey = [u8; 16];

fn account_key(username: &str) -> AccountKey {
    let digest = Blake2s256::digest(username.trim().to_lowercase().as_bytes());
    let mut key = [0; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

pub struct Limits {
    config: LimitsConfig,
    upgrades: DefaultKeyedRateLimiter<IpAddr>,
    pin_misses: DefaultKeyedRateLimiter<IpAddr>,
    joins: DefaultKeyedRateLimiter<GameId>,
    joins_from: DefaultKeyedRateLimiter<(IpAddr, GameId)>,
    all_joins: DefaultDirectRateLimiter,
    sign_in_address: DefaultKeyedRateLimiter<IpAddr>,
    sign_in_account: DefaultKeyedRateLimiter<AccountKey>,
    card_sign_in_address: DefaultKeyedRateLimiter<IpAddr>,
    card_sign_in_card: DefaultKeyedRateLimiter<AccountKey>,
    contest_requests: DefaultKeyedRateLimiter<AccountKey>,
    // Std mutexes: a lookup or insert, never held across an await.
    scanners: Mutex<HashMap<IpAddr, Instant>>,
    /// Addresses that signed in to an account, with when: see [`Limits::sign_in`].
    known_good: Mutex<HashMap<AccountKey, Vec<(IpAddr, Instant)>>>,
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
            joins_from: DefaultKeyedRateLimiter::keyed(per_minute(
                config.joins_per_address_per_game_per_minute,
            )),
            all_joins: DefaultDirectRateLimiter::direct(per_minute(config.joins_per_minute)),
            sign_in_address: DefaultKeyedRateLimiter::keyed(per_minute(
                config.sign_ins_per_address_per_minute,
            )),
            sign_in_account: DefaultKeyedRateLimiter::keyed(per_minute(
                config.sign_ins_per_account_per_minute,
            )),
            card_sign_in_address: DefaultKeyedRateLimiter::keyed(per_minute(
                config.card_sign_ins_per_address_per_minute,
            )),
            card_sign_in_card: DefaultKeyedRateLimiter::keyed(per_minute(
                config.card_sign_ins_per_card_per_minute,
            )),
            contest_requests: DefaultKeyedRateLimiter::keyed(per_minute(
                config.contest_requests_per_minute,
            )),
            scanners: Mutex::new(HashMap::new()),
            known_good: Mutex::new(HashMap::new()),
            config,
        }
    }

    pub fn config(&self) -> &LimitsConfig {
        &self.config
    }

    /// Whether `peer` is a reverse proxy that speaks for many clients.
    pub fn is_trusted_proxy(&self, peer: IpAddr) -> bool {
        self.config.trusted_proxies.contains(&peer)
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

    /// Whether the browser reached us over HTTPS through a trusted proxy (its
    /// `X-Forwarded-Proto`, believed only from a proxy we trust, as `X-Forwarded-For` is).
    pub fn forwarded_https(&self, peer: SocketAddr, headers: &HeaderMap) -> bool {
        self.config.trusted_proxies.contains(&peer.ip())
            && headers
                .get_all("x-forwarded-proto")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next()
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
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

    /// A join to `game` from `address`: within the address's quota for that game first (so
    /// one address's refused flood does not use up the game's), then the game's and the
    /// server's.
    pub fn join(&self, address: IpAddr, game: GameId) -> Result<(), RetryAfter> {
        check(&self.joins_from, &(address, game))?;
        check(&self.joins, &game)?;
        self.all_joins
            .check()
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Before a password is checked. Every attempt counts against its address. Against the
    /// account only attempts from elsewhere count: an address that signed in to this account
    /// before (within 30 days, in this process) or a request carrying the account's own
    /// session (`known_good`) is not limited per account. Without this, anyone who knows a
    /// username could keep its owner out by spending the account's quota from a few
    /// addresses (1.4 wrong passwords a second from three addresses refused the real
    /// organizer 17 times in 18 over 90 s). The attacker's guesses stay limited: per address
    /// always, and per account from every address that never got in.
    pub fn sign_in(
        &self,
        address: IpAddr,
        username: &str,
        known_good: bool,
    ) -> Result<(), RetryAfter> {
        check(&self.sign_in_address, &address)?;
        let key = account_key(username);
        if known_good || self.signed_in_before(address, &key) {
            return Ok(());
        }
        check(&self.sign_in_account, &key)
    }

    /// A sign-in with a contest login card from `address` for pupil `code`.
    pub fn card_sign_in(&self, address: IpAddr, code: &str) -> Result<(), RetryAfter> {
        check(&self.card_sign_in_address, &address)?;
        check(&self.card_sign_in_card, &account_key(code))
    }

    /// A contest request of participant `code` (the attempt's views, answers, submission).
    pub fn contest_request(&self, code: &str) -> Result<(), RetryAfter> {
        check(&self.contest_requests, &account_key(code))
    }

    fn signed_in_before(&self, address: IpAddr, key: &AccountKey) -> bool {
        let known = self.known_good.lock().expect("known-good lock");
        known.get(key).is_some_and(|seen| {
            seen.iter()
                .any(|(a, at)| *a == address && at.elapsed() < KNOWN_GOOD_FOR)
        })
    }

    /// After a right password: `address` is known-good for this account from now on.
    pub fn signed_in(&self, address: IpAddr, username: &str) {
        let mut known = self.known_good.lock().expect("known-good lock");
        let seen = known.entry(account_key(username)).or_default();
        seen.retain(|(a, _)| *a != address);
        if seen.len() >= KNOWN_GOOD_PER_ACCOUNT {
            seen.remove(0);
        }
        seen.push((address, Instant::now()));
    }

    /// Keys the rate limiters and maps hold now (what they cost, for tests).
    pub fn tracked_keys(&self) -> usize {
        self.upgrades.len()
            + self.pin_misses.len()
            + self.joins.len()
            + self.joins_from.len()
            + self.sign_in_address.len()
            + self.sign_in_account.len()
            + self.card_sign_in_address.len()
            + self.card_sign_in_card.len()
            + self.contest_requests.len()
            + self.scanners.lock().expect("scanners lock").len()
    }

    /// Forgets keys that have been quiet for a while (a key whose limit is full again is
    /// the same as no key) and gives the memory back; [`sweep`] calls it every minute so an
    /// attacker's many addresses and names do not grow memory without bound.
    pub fn forget_quiet(&self) {
        self.upgrades.retain_recent();
        self.pin_misses.retain_recent();
        self.joins.retain_recent();
        self.joins_from.retain_recent();
        self.sign_in_address.retain_recent();
        self.sign_in_account.retain_recent();
        self.card_sign_in_address.retain_recent();
        self.card_sign_in_card.retain_recent();
        self.contest_requests.retain_recent();
        self.card_sign_in_address.shrink_to_fit();
        self.card_sign_in_card.shrink_to_fit();
        self.contest_requests.shrink_to_fit();
        self.upgrades.shrink_to_fit();
        self.pin_misses.shrink_to_fit();
        self.joins.shrink_to_fit();
        self.joins_from.shrink_to_fit();
        self.sign_in_address.shrink_to_fit();
        self.sign_in_account.shrink_to_fit();
        let now = Instant::now();
        let mut scanners = self.scanners.lock().expect("scanners lock");
        scanners.retain(|_, until| *until > now);
        scanners.shrink_to_fit();
        drop(scanners);
        let mut known = self.known_good.lock().expect("known-good lock");
        known.retain(|_, seen| {
            seen.retain(|(_, at)| at.elapsed() < KNOWN_GOOD_FOR);
            !seen.is_empty()
        });
        known.shrink_to_fit();
    }
}

/// Runs [`Limits::forget_quiet`] every `every` until shutdown.
pub async fn sweep(limits: Arc<Limits>, every: Duration, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    tick.tick().await;
    loop {
        tokio::select! {
            _ = tick.tick() => limits.forget_quiet(),
            changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { return },
        }
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
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(limits.join(a, GameId::new(1)).is_ok());
        assert!(limits.join(b, GameId::new(1)).is_ok());
        assert!(
            limits.join(a, GameId::new(1)).is_err(),
            "a third join to one game"
        );
        assert!(limits.join(a, GameId::new(2)).is_ok());
        let wait = limits
            .join(b, GameId::new(3))
            .expect_err("a fourth join anywhere");
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
    }

    #[test]
    fn joins_are_limited_per_address_in_each_game() {
        let limits = Limits::new(LimitsConfig {
            joins_per_address_per_game_per_minute: 50,
            ..LimitsConfig::default()
        });
        let school: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..50 {
            assert!(
                limits.join(school, GameId::new(1)).is_ok(),
                "a class of 50 at once"
            );
        }
        assert!(
            limits.join(school, GameId::new(1)).is_err(),
            "the 51st from that address"
        );
        assert!(
            limits.join(school, GameId::new(2)).is_ok(),
            "another game is not affected"
        );
        assert!(
            limits.join(other, GameId::new(1)).is_ok(),
            "another address is not affected"
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
        assert!(limits.sign_in(a, "admin", false).is_ok());
        assert!(limits.sign_in(b, "ADMIN", false).is_ok());
        assert!(
            limits.sign_in(a, "Admin ", false).is_err(),
            "a third try on one account, from any address"
        );
    }

    #[test]
    fn an_address_that_signed_in_before_or_a_session_is_not_limited_per_account() {
        let limits = Limits::new(LimitsConfig {
            sign_ins_per_account_per_minute: 2,
            ..LimitsConfig::default()
        });
        let office: IpAddr = "10.0.0.1".parse().unwrap();
        let attacker: IpAddr = "10.6.6.6".parse().unwrap();
        let cafe: IpAddr = "10.0.0.3".parse().unwrap();
        limits.signed_in(office, "admin");
        assert!(limits.sign_in(attacker, "admin", false).is_ok());
        assert!(limits.sign_in(attacker, "admin", false).is_ok());
        assert!(limits.sign_in(attacker, "admin", false).is_err());
        assert!(
            limits.sign_in(office, "Admin", false).is_ok(),
            "known address"
        );
        assert!(limits.sign_in(cafe, "admin", true).is_ok(), "own session");
        assert!(
            limits.sign_in(cafe, "admin", false).is_err(),
            "a new address without a session shares the attacker's quota"
        );
        assert!(
            limits.sign_in(office, "teacher", false).is_ok(),
            "known for one account only"
        );
    }

    #[test]
    fn the_per_address_sign_in_limit_holds_even_for_a_known_address() {
        let limits = Limits::new(LimitsConfig {
            sign_ins_per_address_per_minute: 3,
            ..LimitsConfig::default()
        });
        let office: IpAddr = "10.0.0.1".parse().unwrap();
        limits.signed_in(office, "admin");
        for _ in 0..3 {
            assert!(limits.sign_in(office, "admin", true).is_ok());
        }
        assert!(limits.sign_in(office, "admin", true).is_err());
    }

    #[test]
    fn a_long_name_costs_a_fixed_size_key() {
        assert_eq!(account_key(&"a".repeat(60_000)).len(), 16);
        assert_eq!(account_key(" Admin"), account_key("admin"));
        assert_ne!(account_key("admin"), account_key("admin2"));
    }

    /// Quotas of 60,000 a minute refill a used cell in a millisecond, so keys turn quiet at
    /// once; the default quotas take up to a minute.
    fn quick() -> LimitsConfig {
        LimitsConfig {
            upgrades_per_minute: 60_000,
            pin_misses_per_minute: 60_000,
            joins_per_game_per_minute: 60_000,
            joins_per_address_per_game_per_minute: 60_000,
            sign_ins_per_address_per_minute: 60_000,
            sign_ins_per_account_per_minute: 60_000,
            ..LimitsConfig::default()
        }
    }

    fn flood(limits: &Limits, n: u32) {
        for i in 0..n {
            let address = IpAddr::from(i.to_be_bytes());
            let _ = limits.upgrade(address);
            let _ = limits.join(address, GameId::new(i64::from(i)));
            let _ = limits.sign_in(address, &format!("{i}{}", "x".repeat(100)), false);
        }
    }

    #[test]
    fn quiet_keys_are_forgotten() {
        let limits = Limits::new(quick());
        flood(&limits, 5000);
        assert!(
            limits.tracked_keys() >= 5 * 5000,
            "{}",
            limits.tracked_keys()
        );
        std::thread::sleep(Duration::from_millis(20));
        limits.forget_quiet();
        assert_eq!(limits.tracked_keys(), 0);
    }

    #[tokio::test]
    async fn the_sweep_forgets_quiet_keys_by_itself() {
        let limits = Arc::new(Limits::new(quick()));
        let (stop, shutdown) = watch::channel(false);
        let sweeper = tokio::spawn(sweep(limits.clone(), Duration::from_millis(50), shutdown));
        flood(&limits, 1000);
        assert!(limits.tracked_keys() > 0);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(limits.tracked_keys(), 0, "the sweep ran on its own");
        stop.send(true).unwrap();
        sweeper.await.unwrap();
    }
}
