//! The yardstick plays: `loadtest --bare` runs a whole game against `bare-broadcast` (both
//! binaries as built), and its report counts every player seated, every question delivered
//! to every player and every answer acknowledged. The figures of docs/performance.md's
//! side-by-side runs come from these two programs.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const PLAYERS: u64 = 40;
const QUESTIONS: u64 = 2;

/// Kills the yardstick when the test ends, passed or not.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a yardstick on a port the kernel picks and returns it with that port, read from the
/// line it prints once it listens. (A port found free beforehand can be taken meanwhile by a
/// client socket of the other test running beside this one: seen once in CI.)
fn start_bare() -> (Killed, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bare-broadcast"))
        .args(["--port", "0", "--time-limit", "2s"])
        .args(["--questions", &QUESTIONS.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bare-broadcast starts");
    let mut lines = BufReader::new(child.stderr.take().expect("its stderr")).lines();
    let server = Killed(child);
    let first = lines
        .next()
        .expect("bare-broadcast says where it listens")
        .expect("its stderr reads");
    let port = first
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("a port in «{first}»"));
    // The rest of its log is read and dropped, so a full pipe never stops it.
    std::thread::spawn(move || lines.for_each(drop));
    (server, port)
}

#[test]
fn the_load_test_plays_a_whole_game_against_the_bare_broadcast_server() {
    let report = play_bare(1);
    // The host's reveal counts what the server acknowledged for each question.
    assert_eq!(answered(&report), vec![PLAYERS; QUESTIONS as usize]);
}

#[test]
fn three_bare_servers_are_three_rooms_that_play_together() {
    let report = play_bare(3);
    assert_eq!(report["rooms"], 3, "{report}");
    // Each server's host counts its own third of the players, for every question.
    let mut seen = answered(&report);
    seen.sort_unstable();
    let mut want: Vec<u64> = (0..3u64)
        .flat_map(|room| {
            let players = (0..PLAYERS).filter(|i| i % 3 == room).count() as u64;
            std::iter::repeat_n(players, QUESTIONS as usize)
        })
        .collect();
    want.sort_unstable();
    assert_eq!(seen, want, "{report}");
}

/// Each question's count of acknowledged answers as the hosts' reveals said.
fn answered(report: &serde_json::Value) -> Vec<u64> {
    report["per_event"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["answered"].as_u64().unwrap())
        .collect()
}

/// Plays `PLAYERS` over `servers` bare-broadcast servers (one room each) and checks the counts
/// every run must have: everyone seated, every question delivered, every answer acknowledged.
fn play_bare(servers: usize) -> serde_json::Value {
    let (_servers, ports): (Vec<Killed>, Vec<u16>) = (0..servers).map(|_| start_bare()).unzip();
    let urls: Vec<String> = ports
        .iter()
        .map(|port| format!("http://127.0.0.1:{port}"))
        .collect();
    let dir = std::env::temp_dir().join(format!("bare-{}-{}", std::process::id(), ports[0]));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("report.json");
    let status = Command::new(env!("CARGO_BIN_EXE_loadtest"))
        .args(["--bare", "--url", &urls.join(",")])
        .args(["--rooms", &servers.to_string()])
        .args(["--players", &PLAYERS.to_string()])
        .args(["--questions", &QUESTIONS.to_string()])
        .args([
            "--answer-within",
            "1s",
            "--pause",
            "200ms",
            "--timeout",
            "2m",
        ])
        .args([
            "--late",
            "0",
            "--silent",
            "0",
            "--reconnect",
            "0",
            "--procs",
            "2",
        ])
        .arg("--json")
        .arg(&json)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("loadtest runs");
    assert!(status.success(), "loadtest --bare failed: {status}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("the report")).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(report["completed"], true, "{report}");
    assert_eq!(report["joined"], PLAYERS);
    assert_eq!(report["finished"], PLAYERS, "every player saw the end");
    assert_eq!(report["delivery"]["count"], PLAYERS * QUESTIONS);
    assert_eq!(report["answers"], PLAYERS * QUESTIONS);
    assert_eq!(report["acks"], PLAYERS * QUESTIONS);
    assert_eq!(report["errors"], serde_json::json!({}), "{report}");
    report
}
