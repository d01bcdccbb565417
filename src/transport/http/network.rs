//! `GET /api/network`: whether phones can reach the join address, and how to make them. The
//! host page reads it when its join address is a loopback one (see `transport::lan`).

use std::net::Ipv4Addr;

use axum::extract::State;
use axum::http::header::HOST;
use axum::http::HeaderMap;
use axum::Json;
use serde::Serialize;

use super::access::require;
use super::auth::CurrentAccount;
use super::error::ApiResult;
use crate::domain::access::{Action, Target};
use crate::transport::{lan, AppState};

/// What the host page needs to tell a teacher whose class cannot join.
#[derive(Serialize)]
pub struct Network {
    /// The address and port the server listens on.
    listen: String,
    /// Whether it listens beyond this machine (`false`: only `127.0.0.1`, the default).
    lan_reachable: bool,
    /// This machine's addresses on the classroom's network, best first.
    lan: Vec<Ipv4Addr>,
    /// Where players are told to go for a game opened by this request's address.
    join_base: String,
    /// Whether that address leads a phone to the phone itself.
    join_loopback: bool,
    /// The server's setting that listens on the classroom's network: flag and environment.
    lan_flag: &'static str,
    lan_env: &'static str,
}

pub async fn network(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    headers: HeaderMap,
) -> ApiResult<Json<Network>> {
    // Hosts of games ask; the machine's addresses are nobody else's business.
    require(&account, Action::RunGame, Target::OwnedBy(account.id))?;
    let listen = state.config().listen;
    let lan = lan::lan_addresses();
    let join_base = join_base_with(&state, &headers, || lan.clone());
    let join_host = join_base
        .split_once("://")
        .map_or(join_base.as_str(), |(_, rest)| rest);
    Ok(Json(Network {
        listen: listen.to_string(),
        lan_reachable: lan::listens_beyond_loopback(listen),
        join_loopback: lan::is_loopback_host(join_host.split('/').next().unwrap_or(join_host)),
        lan,
        join_base,
        lan_flag: lan::LAN_FLAG,
        lan_env: lan::LAN_ENV,
    }))
}

/// The address players type (see [`lan::join_base`]), for a request with these headers.
pub fn join_base(state: &AppState, headers: &HeaderMap) -> String {
    join_base_with(state, headers, lan::lan_addresses)
}

fn join_base_with(
    state: &AppState,
    headers: &HeaderMap,
    lan: impl FnOnce() -> Vec<Ipv4Addr>,
) -> String {
    let host = headers.get(HOST).and_then(|h| h.to_str().ok());
    lan::join_base(
        state.config().public_url.as_deref(),
        host,
        state.config().listen,
        lan,
    )
}
