//! The command line. Every run is bounded: a number of clients, a number of questions or a
//! duration, and a global `--timeout` after which everything stops by itself.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

/// Sockets one worker process holds at most by default: this machine allows about 20,000
/// open files per process, and a worker also needs a few for itself.
pub const SOCKETS_PER_PROC: usize = 9_000;

/// Connections per source address by default: the server allows 3,000 WebSocket upgrades per
/// client address and minute (`--upgrades-per-minute`), and a join of 19,000 players takes
/// under a minute, reconnects included.
const CLIENTS_PER_SOURCE: usize = 2_500;

/// Players per source address in the siege: a class behind its school's address, as in a
/// real school. That keeps each address far under a default server's 300 joins per address
/// and game a minute, so the siege measures a server as it is installed.
const CLASS_PER_SOURCE: usize = 50;

/// Pupils of a contest school by default: a primary school of a commune, which keeps each
/// school's address under the server's 1,200 card sign-ins per address and minute even when
/// they all start within a minute.
const PUPILS_PER_SCHOOL: usize = 400;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "loadtest",
    about = "Simulated players, viewers and contest participants for hoithi, spread over several processes"
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// What to simulate.
    #[arg(long, value_enum, default_value_t = Scenario::Live)]
    pub scenario: Scenario,
    /// The server's address; several (comma-separated, or the flag repeated) are the nodes
    /// of one deployment: the first serves the organizer and the host screens, and live
    /// players are spread over all of them in turn (player `i` on node `i % n`).
    #[arg(long, default_value = "http://127.0.0.1:8080", value_delimiter = ',')]
    pub url: Vec<String>,
    #[arg(long, default_value = "admin")]
    pub admin_user: String,
    #[arg(long, env = "HOITHI_ADMIN_PASSWORD")]
    pub admin_password: Option<String>,

    /// Players in the one game (`live`: 100 by default; `siege`: 200), or participants of
    /// the contest round (`contest`: 1,000 by default; also `--participants`).
    #[arg(long, visible_alias = "participants")]
    pub players: Option<usize>,
    /// Rooms (games) the players are spread over, each with its own host screen (`live`).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub rooms: u16,
    /// Questions to play, taken from the start of the bank (`live`: 3 by default), or drawn
    /// for each attempt of the contest round (`contest`: 10 by default, at most 50).
    #[arg(long)]
    pub questions: Option<usize>,
    /// Bank to build the quiz from (default: the first bank the server lists).
    #[arg(long)]
    pub bank: Option<String>,
    /// Players answer at a uniformly random moment within this window after the question
    /// arrives (never later than the question's own limit), e.g. `3s`.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    pub answer_within: Duration,
    /// No answer before this long after the question arrives: the time a pupil needs to read
    /// it (0 by default: the earliest answers then race the question's fan-out).
    #[arg(long, default_value = "0s", value_parser = parse_duration)]
    pub answer_after: Duration,
    /// Old name of `--answer-within`, in milliseconds.
    #[arg(long, hide = true)]
    pub think_ms: Option<u64>,
    /// Share of answers that are wrong on purpose.
    #[arg(long, default_value_t = 0.3, value_parser = parse_share)]
    pub wrong: f64,
    /// Share of answers sent after the deadline and its grace (the server refuses them).
    #[arg(long, default_value_t = 0.01, value_parser = parse_share)]
    pub late: f64,
    /// Share of questions a player leaves unanswered.
    #[arg(long, default_value_t = 0.01, value_parser = parse_share)]
    pub silent: f64,
    /// Share of players who drop their connection once during the game and come back with
    /// `resume`, as the web client does after losing Wi-Fi (`contest`: participants who sign
    /// in again mid-attempt on a second device and resume the attempt).
    #[arg(long, default_value_t = 0.01, value_parser = parse_share)]
    pub reconnect: f64,

    /// Participants start their attempt at a uniformly random moment within this window
    /// (`contest`).
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    pub start_within: Duration,
    /// Each attempt's answers, prediction and submission fall at spaced random moments over
    /// 60–100 % of this span from its start (`contest`; the round's time limit is this and a
    /// minute, at least 60 s, at most 2 hours).
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    pub answer_over: Duration,
    /// Schools the contest's participants are spread over, each behind its own source
    /// address (`contest`), or a province event's players (`live --event`); default: one per
    /// 400 participants, at least 2.
    #[arg(long)]
    pub schools: Option<usize>,
    /// Communes the schools are spread over: the first ones the server lists (`contest`,
    /// `live --event`).
    #[arg(long, default_value_t = 3)]
    pub communes: usize,
    /// How often the coordinator reads the round's province, commune, school and class boards
    /// while the contest runs (`contest`).
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub board_every: Duration,

    /// Open the game as a province event (`live`): `--schools` schools in the first
    /// `--communes` communes are imported, every player names one of them when joining, and
    /// the game feeds the event's boards per school, commune and province.
    #[arg(long)]
    pub event: bool,
    /// The server is `bare-broadcast`, the yardstick (`live` only): no sign-in and no quiz to
    /// make; its questions' right option is «A». Run it with the same `--questions`. With
    /// several `--url` (and `--rooms` as many), each server is a room of its own and their host
    /// screens start together: the yardstick for a game spread over that many nodes.
    #[arg(long)]
    pub bare: bool,

    /// How long the host shows each reveal and leaderboard before moving on (`live`); late
    /// answers arrive during the reveal, as they do in class.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub pause: Duration,

    /// Ranking viewers (`viewers`).
    #[arg(long, default_value_t = 1000)]
    pub viewers: usize,
    /// Ranking context the viewers (`viewers`) or the siege's real-board watchers watch, and
    /// the results go to.
    #[arg(long, default_value = "loadtest")]
    pub context: String,
    /// Board the viewers watch (`viewers`).
    #[arg(long, default_value = "province")]
    pub scope: String,
    /// Students on the load-test roster the results are posted for (`viewers`, `siege`).
    #[arg(long, default_value_t = 1000)]
    pub students: usize,
    /// Results per `POST /api/rankings/{context}/results` (`viewers`).
    #[arg(long, default_value_t = 100)]
    pub batch: usize,
    /// Time between two posts (`viewers`).
    #[arg(long, default_value = "100ms", value_parser = parse_duration)]
    pub post_every: Duration,
    /// How long results are posted (`viewers`).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub duration: Duration,

    /// Anonymous WebSocket connections that each send eight `watch` a wave (`siege`).
    #[arg(long, default_value_t = 1000)]
    pub watchers: usize,
    /// Share of the watcher connections that ask for boards nobody has (made-up contexts,
    /// made-up units); the others watch the eight real boards of a round (`siege`).
    #[arg(long, default_value_t = 0.6, value_parser = parse_share)]
    pub made_up: f64,
    /// Sign-ins with unknown names sent at once in each wave, 25 from each address (`siege`).
    #[arg(long, default_value_t = 200)]
    pub sign_ins: usize,
    /// Upload spreadsheet bombs to the import routes in each wave, as the organizer
    /// (`siege`): `--bombs` for all four, or some of `corner,rows,string,roster`. Off by
    /// default: a server without issue 15's sheet limits aborts on `corner`, ending the game.
    #[arg(long, value_enum, num_args = 0.., value_delimiter = ',', default_missing_value = "all")]
    pub bombs: Vec<crate::bomb_files::Kind>,
    /// Slowloris: TCP connections that send half a request and stall, opened again each
    /// time the server closes them (`siege`).
    #[arg(long, default_value_t = 0)]
    pub slow_connections: usize,
    /// Time between two waves of the siege: each wave sends every watcher's watches again,
    /// a fresh burst of sign-ins and the bombs (`siege`).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub wave_every: Duration,
    /// How long the first wave runs before the players join (`siege`): by default they come
    /// while its connections are still being opened and its sign-ins hashed.
    #[arg(long, default_value = "100ms", value_parser = parse_duration)]
    pub siege_lead: Duration,

    /// Worker processes (default: enough for at most 9,000 sockets each).
    #[arg(long)]
    pub procs: Option<usize>,
    /// Loopback source addresses the clients connect from, 127.0.0.2 upwards (default: one
    /// per 2,500 clients, at least one per process; `contest`: one per school, its pupils
    /// behind it; 0: let the system choose).
    #[arg(long)]
    pub sources: Option<usize>,
    /// Connections being opened at once, over all processes.
    #[arg(long, default_value_t = 200)]
    pub connect_concurrency: usize,
    /// Everything stops after this long, finished or not.
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    pub timeout: Duration,
    /// The server's process id, for its memory (default: the process listening on the
    /// `--url` port, found in /proc).
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Write every figure to this JSON file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Draw latency over time into this SVG file.
    #[arg(long)]
    pub plot: Option<PathBuf>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// A worker process, started by the coordinator: reads its share on stdin, reports JSON
    /// lines on stdout.
    #[command(hide = true)]
    Worker,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// N players in one live game: join, answer, reconnect; fan-out and acknowledgements.
    Live,
    /// N viewers watch a ranking board while results are posted; update delivery latency.
    Viewers,
    /// The live game of `live` (200 players by default) while attackers hit the same server
    /// for the whole game: watcher floods, sign-in bursts, optionally spreadsheet bombs and
    /// slowloris connections.
    Siege,
    /// N participants of a contest round sign in with login cards, start within
    /// `--start-within`, answer over `--answer-over` and submit, some resuming on a second
    /// device; the boards are read all along and checked at the end, then the round closes.
    Contest,
    /// One Rung chuông vàng (300 contestants by default) played to the bell on `/ws/bell`:
    /// answers acknowledged, eliminated per question, the question's fan-out.
    Bell,
}

impl Args {
    /// Every `--url` as a socket address, in order.
    pub fn servers(&self) -> Result<Vec<SocketAddr>, String> {
        if self.url.is_empty() {
            return Err("--url needs at least one http://IP:PORT".to_owned());
        }
        self.url
            .iter()
            .map(|url| {
                url.trim_start_matches("http://")
                    .trim_end_matches('/')
                    .parse()
                    .map_err(|_| format!("--url must be http://IP:PORT, not {url}"))
            })
            .collect()
    }

    /// The think-time window, honouring the old `--think-ms`.
    pub fn answer_window(&self) -> Duration {
        self.think_ms
            .map_or(self.answer_within, Duration::from_millis)
    }

    /// Players in the game (participants of the contest).
    pub fn players(&self) -> usize {
        let default = match self.scenario {
            Scenario::Siege => 200,
            Scenario::Contest => 1000,
            Scenario::Bell => 300,
            _ => 100,
        };
        self.players.unwrap_or(default)
    }

    /// Questions of the quiz (`live`), or of each attempt (`contest`).
    pub fn questions(&self) -> usize {
        let default = match self.scenario {
            Scenario::Contest => 10,
            _ => 3,
        };
        self.questions.unwrap_or(default)
    }

    /// Schools of the contest's roster.
    pub fn schools(&self) -> usize {
        self.schools
            .unwrap_or_else(|| self.clients().div_ceil(PUPILS_PER_SCHOOL).max(2))
            .clamp(1, self.clients().max(1))
    }

    /// Watcher connections of the siege that ask for boards nobody has.
    pub fn made_up_watchers(&self) -> usize {
        (self.watchers as f64 * self.made_up).round() as usize
    }

    /// Simulated clients of this scenario (the siege's attackers are not counted: they live
    /// in a worker of their own).
    pub fn clients(&self) -> usize {
        match self.scenario {
            Scenario::Viewers => self.viewers,
            Scenario::Live | Scenario::Siege | Scenario::Contest | Scenario::Bell => self.players(),
        }
    }

    pub fn procs(&self) -> usize {
        self.procs
            .unwrap_or_else(|| self.clients().div_ceil(SOCKETS_PER_PROC))
            .clamp(1, 64)
    }

    /// The loopback addresses to connect from; empty when the server is not on loopback or
    /// `--sources 0` was given.
    pub fn source_addrs(&self, server: SocketAddr) -> Vec<IpAddr> {
        if !server.ip().is_loopback() || !server.is_ipv4() {
            return Vec::new();
        }
        let per_source = match self.scenario {
            Scenario::Siege => CLASS_PER_SOURCE,
            _ => CLIENTS_PER_SOURCE,
        };
        let wanted = self.sources.unwrap_or_else(|| match self.scenario {
            // A school's pupils behind its own address, as at school.
            Scenario::Contest => self.schools(),
            _ => self.clients().div_ceil(per_source).max(self.procs()),
        });
        (0..wanted.min(250))
            .map(|i| IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2 + i as u8)))
            .collect()
    }
}

/// `250ms`, `3s`, `1.5s`, `2m`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("not a duration: {text} (e.g. 500ms, 3s, 2m)"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("unknown unit in {text}: use ms, s, m or h")),
    };
    if !(0.0..=86_400.0).contains(&seconds) {
        return Err(format!("out of range: {text}"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// A share between 0 and 1.
fn parse_share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("a share between 0 and 1, not {text}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("3s"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert!(parse_duration("3 parsecs").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("1e30s").is_err());
    }

    #[test]
    fn nineteen_thousand_players_get_three_processes_and_eight_sources() {
        let args = Args::parse_from(["loadtest", "--players", "19000"]);
        assert_eq!(args.procs(), 3);
        let server = "127.0.0.1:8080".parse().unwrap();
        let sources = args.source_addrs(server);
        assert_eq!(sources.len(), 8);
        assert_eq!(sources[0], IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)));
        assert!(args
            .source_addrs("10.0.0.5:8080".parse().unwrap())
            .is_empty());
    }

    #[test]
    fn a_siege_seats_two_hundred_players_in_classes_of_fifty_per_address() {
        let args = Args::parse_from(["loadtest", "--scenario", "siege"]);
        assert_eq!(args.players(), 200);
        assert_eq!(args.procs(), 1);
        let sources = args.source_addrs("127.0.0.1:8080".parse().unwrap());
        assert_eq!(sources.len(), 4);
        assert_eq!(sources[3], IpAddr::V4(Ipv4Addr::new(127, 0, 0, 5)));
        // The issue's «done when»: 1,000 watchers, 600 of them on made-up boards, 200
        // sign-ins; the bombs and slowloris only when asked.
        assert_eq!((args.watchers, args.made_up_watchers()), (1000, 600));
        assert_eq!(args.sign_ins, 200);
        assert!(args.bombs.is_empty());
        assert_eq!(args.slow_connections, 0);
        let live = Args::parse_from(["loadtest"]);
        assert_eq!(live.players(), 100);
        assert_eq!(
            live.source_addrs("127.0.0.1:8080".parse().unwrap()).len(),
            1
        );
    }

    #[test]
    fn bombs_are_all_four_or_those_named() {
        use crate::bomb_files::Kind;
        let all = Args::parse_from(["loadtest", "--bombs", "--questions", "1"]);
        assert_eq!(all.bombs, [Kind::All]);
        assert_eq!(all.questions(), 1);
        let some = Args::parse_from(["loadtest", "--bombs", "rows,roster"]);
        assert_eq!(some.bombs, [Kind::Rows, Kind::Roster]);
        assert!(Args::try_parse_from(["loadtest", "--bombs", "nuke"]).is_err());
    }

    #[test]
    fn a_contest_of_ten_thousand_puts_each_school_behind_its_own_address() {
        let args = Args::parse_from([
            "loadtest",
            "--scenario",
            "contest",
            "--participants",
            "10000",
            "--answer-over",
            "3m",
        ]);
        assert_eq!(args.clients(), 10_000);
        assert_eq!(args.questions(), 10);
        assert_eq!(args.schools(), 25);
        assert_eq!(args.procs(), 2);
        assert_eq!(args.start_within, Duration::from_secs(60));
        assert_eq!(args.answer_over, Duration::from_secs(180));
        let server = "127.0.0.1:8080".parse().unwrap();
        assert_eq!(args.source_addrs(server).len(), 25);
        // A small round still has two schools; never more schools than pupils.
        let small = Args::parse_from(["loadtest", "--scenario", "contest", "--players", "30"]);
        assert_eq!((small.clients(), small.schools()), (30, 2));
        let tiny = Args::parse_from(["loadtest", "--scenario", "contest", "--players", "1"]);
        assert_eq!(tiny.schools(), 1);
        let many = Args::parse_from(["loadtest", "--scenario", "contest", "--schools", "300"]);
        assert_eq!(
            many.source_addrs(server).len(),
            250,
            "loopback has 250 to give"
        );
    }

    #[test]
    fn the_worker_subcommand_needs_no_other_argument() {
        let args = Args::parse_from(["loadtest", "worker"]);
        assert!(matches!(args.command, Some(Command::Worker)));
    }

    #[test]
    fn shares_outside_zero_to_one_are_refused() {
        assert!(Args::try_parse_from(["loadtest", "--wrong", "1.5"]).is_err());
        assert!(Args::try_parse_from(["loadtest", "--late", "0.02"]).is_ok());
    }

    #[test]
    fn a_bell_seats_three_hundred_contestants_by_default() {
        let args = Args::parse_from(["loadtest", "--scenario", "bell"]);
        assert_eq!((args.scenario, args.clients()), (Scenario::Bell, 300));
        let small = Args::parse_from(["loadtest", "--scenario", "bell", "--players", "40"]);
        assert_eq!(small.clients(), 40);
    }
}
