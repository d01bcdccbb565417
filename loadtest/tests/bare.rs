//! The yardstick plays: `loadtest --bare` runs a whole game against `bare-broadcast` (both
//! binaries as built), and its report counts every player seated, every question delivered
//! to every player and every answer acknowledged. The figures of docs/performance.md's
//! side-by-side runs come from these two programs.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until something listens on `port`.
fn listening(port: u16) {
    let until = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "bare-broadcast never listened");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_load_test_plays_a_whole_game_against_the_bare_broadcast_server() {
    let port = free_port();
    let _server = Killed(
        Command::new(env!("CARGO_BIN_EXE_bare-broadcast"))
            .args(["--port", &port.to_string(), "--time-limit", "2s"])
            .args(["--questions", &QUESTIONS.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("bare-broadcast starts"),
    );
    listening(port);
    let dir = std::env::temp_dir().join(format!("bare-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("report.json");
    let status = Command::new(env!("CARGO_BIN_EXE_loadtest"))
        .args(["--bare", "--url", &format!("http://127.0.0.1:{port}")])
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
    // The host's reveal counts what the server acknowledged for each question.
    let answered: Vec<u64> = report["per_event"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["answered"].as_u64().unwrap())
        .collect();
    assert_eq!(answered, vec![PLAYERS; QUESTIONS as usize]);
}
