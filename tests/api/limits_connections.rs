//! Connections an address may hold: the real binary, its open files read from /proc. Before
//! these bounds, 800 slowloris connections stayed open for good and 20,200 half-sent requests
//! from one machine used up the process's 20,000 open files.

use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::addressed::{closed_within, connect_from, http_from, loopback};
use crate::process::{hoithi, open_fds, Server};

async fn server_with(env: &[(&str, &str)]) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = hoithi(dir.path());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let server = Server::start_with(cmd).await;
    (dir, server)
}

/// Open files of the server once they stop changing (sockets close asynchronously).
async fn settled_fds(server: &Server) -> usize {
    let mut last = open_fds(server.pid());
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = open_fds(server.pid());
        if now == last {
            return now;
        }
        last = now;
    }
    last
}

/// How many of `streams` the server closes within `wait` (watched all at once), and the
/// ones it keeps open.
async fn which_closed(streams: Vec<TcpStream>, wait: Duration) -> (usize, Vec<TcpStream>) {
    let watched = streams.into_iter().map(|mut stream| async move {
        let closed = closed_within(&mut stream, wait).await;
        (closed, stream)
    });
    let results = futures_util::future::join_all(watched).await;
    let closed = results.iter().filter(|(closed, _)| *closed).count();
    let open = results
        .into_iter()
        .filter(|(closed, _)| !closed)
        .map(|(_, stream)| stream)
        .collect();
    (closed, open)
}

/// A plain request from another school answers quickly while the flood runs.
async fn probe(server: &Server) -> Duration {
    let started = Instant::now();
    let answer = http_from(
        server.addr,
        loopback(1),
        "GET",
        "/api/published",
        None,
        None,
    )
    .await
    .expect("the probe connects");
    assert_eq!(answer.status, 200, "{answer:?}");
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_closed_once_the_header_time_is_up() {
    let (_dir, server) = server_with(&[("HOITHI_HEADER_READ_TIMEOUT_SECS", "2")]).await;
    let idle = settled_fds(&server).await;
    let slowloris = loopback(3);
    let mut held: Vec<TcpStream> = Vec::new();
    for _ in 0..300 {
        let mut stream = connect_from(server.addr, slowloris).await.unwrap();
        stream
            .write_all(b"GET /api/published HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        held.push(stream);
    }
    let started = Instant::now();
    // One more header line a second keeps a slowloris connection "busy": it must not matter.
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        for stream in &mut held {
            let _ = stream.write_all(b"X-a: b\r\n").await;
        }
    }
    let during = open_fds(server.pid());
    assert!(
        during >= idle + 250,
        "the half-sent requests are open for now: {idle} → {during}"
    );
    let probed = probe(&server).await;
    let (closed, _) = which_closed(held, Duration::from_secs(5)).await;
    let after = settled_fds(&server).await;
    println!(
        "300 slowloris connections: open files {idle} idle, {during} held, {after} after \
         {:.1} s; a probe answered in {probed:?}",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(
        closed, 300,
        "every half-sent request is closed by the server"
    );
    let _ = started;
    assert!(
        after <= idle + 5,
        "open files back to idle: {idle} → {after}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_holds_its_share_of_connections_and_no_more() {
    let (_dir, server) = server_with(&[
        ("HOITHI_CONNECTIONS_PER_ADDRESS", "100"),
        ("HOITHI_CONNECTIONS", "180"),
    ])
    .await;
    let idle = settled_fds(&server).await;
    // Idle connections that send nothing: the header timeout (10 s by default) has not come.
    let flooder = loopback(4);
    let mut held = Vec::new();
    for _ in 0..300 {
        held.push(connect_from(server.addr, flooder).await.unwrap());
    }
    let (refused, mut kept) = which_closed(held, Duration::from_millis(500)).await;
    assert_eq!(
        kept.len(),
        100,
        "the address's 100, the rest closed at accept"
    );
    assert_eq!(refused, 200);
    let held_fds = open_fds(server.pid());
    assert!(
        held_fds <= idle + 100 + 5,
        "the flood holds 100 sockets of the server, no more: {idle} → {held_fds}"
    );
    let probed = probe(&server).await;

    // A WebSocket keeps its place for as long as it lives: 70 viewers from one address fill
    // its share after 30 idle connections; the next connection is closed at once.
    let school = loopback(5);
    kept.truncate(80);
    let mut sockets = Vec::new();
    for _ in 0..70 {
        sockets.push(
            crate::process::ws_from(server.addr, school, None)
                .await
                .expect("a WebSocket within the share"),
        );
    }
    let mut others = Vec::new();
    for _ in 0..30 {
        others.push(connect_from(server.addr, school).await.unwrap());
    }
    let mut one_more = connect_from(server.addr, school).await.unwrap();
    assert!(
        closed_within(&mut one_more, Duration::from_millis(500)).await,
        "upgraded sockets count towards the address's share"
    );
    // The total (180): 80 + 100 are open; a third address gets nothing either.
    let mut third = connect_from(server.addr, loopback(6)).await.unwrap();
    assert!(closed_within(&mut third, Duration::from_millis(500)).await);
    drop(sockets);
    drop(others);
    drop(kept);
    let after = settled_fds(&server).await;
    let back = probe(&server).await;
    println!(
        "300 connections from one address with a share of 100: {refused} closed at accept; \
         open files {idle} idle, {held_fds} held, {after} after; probes {probed:?} and {back:?}"
    );
    assert!(after <= idle + 5, "{idle} → {after}");
}
