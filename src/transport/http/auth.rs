//! Signing in and out, and the extractor that gives a handler the signed-in account.
//! Sessions are random tokens in an HttpOnly, SameSite=Strict cookie; the database keeps only
//! their hash.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::error::{ApiError, ApiResult, Refusal};
use crate::engine::token;
use crate::storage::Account;
use crate::transport::{hashing, AppState};

pub const COOKIE_NAME: &str = "hoithi_session";
/// A teacher signs in once for a school day or two.
const SESSION_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hash: {e}"))?
        .to_string())
}

/// The signed-in account, from the session cookie. Rejects with `unauthorized`.
pub struct CurrentAccount(pub Account);

impl FromRequestParts<AppState> for CurrentAccount {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        account_from_headers(&parts.headers, state)
            .await?
            .map(CurrentAccount)
            .ok_or(ApiError::Unauthorized)
    }
}

/// The account of the session cookie in `headers`, if any.
pub async fn account_from_headers(
    headers: &HeaderMap,
    state: &AppState,
) -> ApiResult<Option<Account>> {
    let Some(token) = session_cookie(headers) else {
        return Ok(None);
    };
    Ok(state
        .store()
        .session_account(&token::hex(&token::hash(token)))
        .await?)
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, COOKIE_NAME)
}

/// The value of cookie `name` in `headers`.
pub(super) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// `response` with cookie `name` set to `value` for `ttl_ms` — or deleted, with `None`:
/// HttpOnly, SameSite=Strict, and Secure when the browser came over HTTPS. Both session
/// cookies (an account's, a contest participant's) are made here.
pub(super) fn with_cookie(
    mut response: Response,
    name: &str,
    value: Option<&str>,
    ttl_ms: i64,
    (state, peer, headers): (&AppState, std::net::SocketAddr, &HeaderMap),
) -> ApiResult<Response> {
    let (value, max_age) = match value {
        Some(v) => (v, ttl_ms / 1000),
        None => ("", 0),
    };
    let cookie = format!(
        "{name}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{}",
        secure_attribute(state, peer, headers)
    );
    response.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(anyhow::Error::from)?,
    );
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    username: String,
    password: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Json(body): Json<SignIn>,
) -> ApiResult<Response> {
    let address = state.limits().client_address(peer, &headers);
    // The browser's own session of this account: its owner signing in again.
    let own_session = match account_from_headers(&headers, &state).await {
        Ok(Some(current)) => current.username.eq_ignore_ascii_case(body.username.trim()),
        _ => false,
    };
    if let Err(wait) = state.limits().sign_in(address, &body.username, own_session) {
        tracing::warn!(%address, "sign-in attempts limited");
        return Err(ApiError::RateLimited {
            retry_after_ms: wait.as_millis() as u64 + 1,
        });
    }
    if body.username.len() > 100 || body.password.len() > 200 {
        return Err(ApiError::BadCredentials);
    }
    let account = state
        .store()
        .account_by_username(body.username.trim())
        .await?;
    // Verify against something even for an unknown user, so timing does not tell who exists.
    let hash = account
        .as_ref()
        .map_or(DUMMY_HASH, |a| a.password_hash.as_str())
        .to_owned();
    let password = body.password;
    let ok = state
        .password_gate()
        .run(move || hashing::verify_password(&password, &hash))
        .await
        .map_err(|_| {
            tracing::warn!(%address, "sign-in refused: too many password hashes waiting");
            ApiError::from(Refusal::HashesBusy)
        })?;
    let account = match (ok, account) {
        (true, Some(account)) => account,
        _ => return Err(ApiError::BadCredentials),
    };
    state.limits().signed_in(address, &body.username);
    let secret = token::hex(&rand::random::<[u8; 32]>());
    state
        .store()
        .create_session(
            &token::hex(&token::hash(&secret)),
            account.id,
            SESSION_TTL_MS,
        )
        .await?;
    with_cookie(
        Json(&account).into_response(),
        COOKIE_NAME,
        Some(&secret),
        SESSION_TTL_MS,
        (&state, peer, &headers),
    )
}

/// `; Secure` when the browser reached us over HTTPS — the public address is `https://`, or a
/// trusted proxy says so — so the session cookie never travels over plain HTTP afterwards. A
/// classroom server on plain HTTP (the default) must not set it: the browser would drop the
/// cookie and nobody could sign in.
fn secure_attribute(
    state: &AppState,
    peer: std::net::SocketAddr,
    headers: &HeaderMap,
) -> &'static str {
    let public_https = state
        .config()
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"));
    if public_https || state.limits().forwarded_https(peer, headers) {
        "; Secure"
    } else {
        ""
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if let Some(token) = session_cookie(&headers) {
        state
            .store()
            .delete_session(&token::hex(&token::hash(token)))
            .await?;
    }
    with_cookie(
        Json(serde_json::json!({})).into_response(),
        COOKIE_NAME,
        None,
        0,
        (&state, peer, &headers),
    )
}

pub async fn me(CurrentAccount(account): CurrentAccount) -> Json<Account> {
    Json(account)
}

/// An argon2 hash of a random password nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3hVZ0kfiMS5lA1k06D8HZ5/YoA7yoUuQ6bw8dCSj0Z8";
