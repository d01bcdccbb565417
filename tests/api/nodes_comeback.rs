//! Phones and host screens coming back after the node of their game went away: shared by the
//! tests that kill or stop an owner, whether the phones reach the nodes directly
//! (`nodes_takeover.rs`, `event_takeover.rs`) or through nginx (`nodes_proxy.rs`).

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::Instant;

use crate::helpers::Ws;
use crate::process::{browser_ws, Server};

/// Longest a phone tries to come back: the lease (10 s) must expire first.
pub const COME_BACK: Duration = Duration::from_secs(60);

/// Resumes `token` at `addr`, again and again until a welcome (a node may still answer
/// `server_busy` while the dead owner's lease runs out).
pub async fn resume(addr: SocketAddr, token: &str) -> Result<Ws, Value> {
    let until = Instant::now() + COME_BACK;
    loop {
        let mut ws = browser_ws(addr, None).await;
        match ws.resume_as(token).await {
            Ok(()) => return Ok(ws),
            Err(reply) if Instant::now() > until => return Err(reply),
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Every player of `players` waits until its connection is let go (`closed`), resumes with its
/// token (`tokens[i]`) at `addrs[i % addrs.len()]` and is welcomed back at question `q`;
/// `logs` says what the servers wrote when one is not.
pub async fn all_back(
    players: Vec<Ws>,
    tokens: &[String],
    addrs: &[SocketAddr],
    q: u64,
    logs: impl Fn() -> String,
) -> Vec<Ws> {
    let mut back = Vec::new();
    for (i, mut p) in players.into_iter().enumerate() {
        closed(&mut p).await;
        drop(p);
        match resume(addrs[i % addrs.len()], &tokens[i]).await {
            Ok(ws) => back.push(ws),
            Err(reply) => panic!("player {i}: no welcome back but {reply}; {}", logs()),
        }
    }
    for p in &back {
        let at = &p.welcome["state"]["question"]["q"];
        assert_eq!(at, q, "the game goes on from question {q}: {}", p.welcome);
    }
    back
}

/// The host's screen at `addr`, asked for again and again until a welcome, as [`resume`].
pub async fn host_at(addr: SocketAddr, cookie: &str, game: i64) -> Ws {
    let until = Instant::now() + COME_BACK;
    loop {
        let mut ws = browser_ws(addr, Some(cookie)).await;
        ws.send(json!({"type": "host", "v": 1, "game": game})).await;
        if let Some(welcome) = ws.try_recv(Duration::from_secs(15)).await {
            if welcome["role"] == "host" {
                ws.welcome = welcome;
                return ws;
            }
            assert!(Instant::now() < until, "no host welcome back: {welcome}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Waits until the server closes `ws` (a relay whose owner is gone lets its phones go; nginx
/// closes a phone's connection when the node behind it dies).
pub async fn closed(ws: &mut Ws) {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    loop {
        match tokio::time::timeout(COME_BACK, ws.0.stream.next()).await {
            Err(_) => panic!("the connection was not let go"),
            Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return,
            Ok(Some(Ok(_))) => {}
        }
    }
}

/// The owner (`nodes[0]`) is SIGKILLed in the middle of question `q`: every phone of `players`
/// is let go and resumes on one of the two nodes left ([`all_back`]), and the host screen
/// `host`, let go too, comes back on node b. The phones back, and the host's new screen.
pub async fn owner_killed(
    nodes: &mut [Server],
    players: Vec<Ws>,
    tokens: &[String],
    mut host: Ws,
    game: i64,
    q: u64,
) -> (Vec<Ws>, Ws) {
    nodes[0].child.kill().expect("SIGKILL");
    nodes[0].child.wait().expect("the owner is gone");
    let logs = || {
        format!(
            "node b's log:\n{}\nnode c's log:\n{}",
            nodes[1].log(),
            nodes[2].log()
        )
    };
    let alive = [nodes[1].addr, nodes[2].addr];
    let back = all_back(players, tokens, &alive, q, logs).await;
    closed(&mut host).await;
    let host = host_at(nodes[1].addr, &nodes[1].cookie, game).await;
    (back, host)
}
