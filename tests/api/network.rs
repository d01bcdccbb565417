//! Where phones join: a server on loopback (the default) says so to the host page, one on
//! every interface offers the machine's LAN address in the join URL, a configured public URL
//! wins. `GET /api/network` is what the projector reads to tell the teacher.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};

use serde_json::{json, Value};

use crate::helpers::{http, question, spawn_app, spawn_app_with};

fn lan_of(network: &Value) -> Vec<Ipv4Addr> {
    network["lan"]
        .as_array()
        .expect("a list of addresses")
        .iter()
        .map(|a| a.as_str().unwrap().parse().expect("an IPv4 address"))
        .collect()
}

/// Every offered address is this machine's own (a socket binds to it: no packet is sent) and
/// one a phone could reach (not loopback).
fn assert_own_lan_addresses(lan: &[Ipv4Addr]) {
    for ip in lan {
        assert!(!ip.is_loopback() && !ip.is_unspecified(), "{ip}");
        UdpSocket::bind(SocketAddr::new(IpAddr::V4(*ip), 0))
            .unwrap_or_else(|e| panic!("{ip} is not an address of this machine: {e}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_on_loopback_tells_the_host_that_phones_cannot_reach_it_and_what_to_set() {
    let app = spawn_app().await;
    let resp = app.get("/api/network").await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    let network = resp.json();
    assert_eq!(network["listen"], app.addr.to_string());
    assert_eq!(network["lan_reachable"], false);
    assert_eq!(network["join_loopback"], true);
    assert_eq!(network["join_base"], format!("http://{}", app.addr));
    assert_eq!(network["lan_flag"], "--bind 0.0.0.0");
    assert_eq!(network["lan_env"], "HOITHI_BIND=0.0.0.0");
    assert_own_lan_addresses(&lan_of(&network));

    let anonymous = http(app.addr, "GET", "/api/network", None, None).await;
    assert_eq!(
        anonymous.status, 401,
        "the machine's addresses are for hosts"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_on_every_interface_gives_phones_its_lan_address_though_the_teacher_used_loopback()
{
    let mut app = spawn_app_with(|c| c.bind = IpAddr::V4(Ipv4Addr::UNSPECIFIED)).await;
    // The teacher opens http://127.0.0.1:PORT on the server's own laptop.
    let port = app.addr.port();
    app.addr = SocketAddr::from(([127, 0, 0, 1], port));
    let network = app.get("/api/network").await.json();
    assert_eq!(network["lan_reachable"], true);
    let lan = lan_of(&network);
    assert_own_lan_addresses(&lan);

    let (game, pin) = app.open_game(&[question("a", 30)], json!({})).await;
    let host = app.host(game).await;
    let join_url = host.welcome["game"]["join_url"]
        .as_str()
        .unwrap()
        .to_owned();
    match lan.first() {
        Some(ip) => {
            assert_eq!(join_url, format!("http://{ip}:{port}/?pin={pin}"));
            assert_eq!(network["join_base"], format!("http://{ip}:{port}"));
            assert_eq!(network["join_loopback"], false);
        }
        // A machine on no network at all: nothing better than what the teacher used.
        None => {
            assert_eq!(join_url, format!("http://127.0.0.1:{port}/?pin={pin}"));
            assert_eq!(network["join_loopback"], true);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_public_url_is_the_join_address() {
    let app = spawn_app_with(|c| c.public_url = Some("http://lop9a.example:8080/".into())).await;
    let network = app.get("/api/network").await.json();
    assert_eq!(network["join_base"], "http://lop9a.example:8080");
    assert_eq!(network["join_loopback"], false);
    let (game, pin) = app.open_game(&[question("a", 30)], json!({})).await;
    let host = app.host(game).await;
    assert_eq!(
        host.welcome["game"]["join_url"],
        format!("http://lop9a.example:8080/?pin={pin}")
    );
}
