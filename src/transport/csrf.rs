//! Cross-site request forgery, refused before any handler runs. Sessions live in a
//! SameSite=Strict cookie already; on top of that, a state-changing API request must (1) say
//! it comes from this server's page: its `Origin` is present and is this server's (or a
//! configured one) — every current browser sends `Origin` with a POST or DELETE, same-origin
//! included, so only a non-browser client has to add it, and a request that hides where it
//! comes from (a login CSRF through a privacy proxy, an old browser) is refused rather than
//! trusted — and (2) carry a body type that a plain HTML form or a "simple" cross-site fetch
//! cannot send (JSON or raw bytes), which forces a CORS preflight this server never grants.

use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::http::error::ApiError;
use super::origin::{self, Origin};
use super::AppState;

/// Body types a cross-site form or simple request may send without asking first.
const SIMPLE_TYPES: [&str; 3] = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
];

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let changes_state = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if changes_state && request.uri().path().starts_with("/api/") {
        let headers = request.headers();
        match origin::of(headers, &state.config().allowed_origins) {
            Origin::Allowed => {}
            Origin::Missing => return ApiError::ForbiddenOrigin { missing: true }.into_response(),
            Origin::Foreign => return ApiError::ForbiddenOrigin { missing: false }.into_response(),
        }
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|c| c.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let simple = SIMPLE_TYPES.iter().any(|t| content_type.starts_with(t));
        if request.method() == Method::POST && (content_type.is_empty() || simple) {
            return ApiError::UnsupportedMediaType.into_response();
        }
    }
    next.run(request).await
}
