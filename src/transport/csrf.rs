//! Cross-site request forgery, refused before any handler runs. Sessions live in a
//! SameSite=Strict cookie already; on top of that, a state-changing API request must (1) say
//! it comes from this server's page: its `Origin` is present and is this server's (or a
//! configured one) — every current browser sends `Origin` with a POST or DELETE, same-origin
//! included, so only a non-browser client has to add it, and a request that hides where it
//! comes from (a login CSRF through a privacy proxy, an old browser) is refused rather than
//! trusted — and (2) carry a body type that a plain HTML form or a "simple" cross-site fetch
//! cannot send (JSON or raw bytes), which forces a CORS preflight this server never grants.

use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

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
        let Some(origin) = headers.get(ORIGIN).and_then(|o| o.to_str().ok()) else {
            return refuse(
                StatusCode::FORBIDDEN,
                "forbidden_origin",
                "Yêu cầu không cho biết trang gửi đi (thiếu tiêu đề Origin) nên bị từ chối.",
            );
        };
        let host = headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        let own = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            == Some(host);
        if !own && !state.config().allowed_origins.iter().any(|a| a == origin) {
            return refuse(
                StatusCode::FORBIDDEN,
                "forbidden_origin",
                "Yêu cầu từ trang web khác bị từ chối.",
            );
        }
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|c| c.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let simple = SIMPLE_TYPES.iter().any(|t| content_type.starts_with(t));
        if request.method() == Method::POST && (content_type.is_empty() || simple) {
            return refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Yêu cầu phải gửi dữ liệu JSON hoặc một tệp.",
            );
        }
    }
    next.run(request).await
}

fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "code": code, "message": message }))).into_response()
}
