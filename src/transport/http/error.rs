//! The one error type of the HTTP API, mapped to a status, a code and a Vietnamese message
//! (the catalogue of refusals is `refusal.rs`). Internal causes are logged, never sent.

use axum::extract::Request;
use axum::http::header::{ALLOW, CONTENT_TYPE, RETRY_AFTER};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub use super::refusal::{Refusal, UnitProblem};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not signed in")]
    Unauthorized,
    #[error("wrong username or password")]
    BadCredentials,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// A request from another site's page (or one that hides where it comes from, `missing`).
    #[error("forbidden origin")]
    ForbiddenOrigin { missing: bool },
    /// A state-changing request whose body a cross-site form could have sent.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A refusal of the catalogue ([`Refusal`]): bad input, or a capacity reached.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error("too many attempts")]
    RateLimited { retry_after_ms: u64 },
    /// An uploaded bank spreadsheet with rejected rows: each row and why, so the organizer
    /// fixes the file in one pass.
    #[error("rejected rows")]
    RejectedRows(Vec<crate::domain::sheet::Problem>),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        ApiError::Refused(refusal)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = match &self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Bạn cần đăng nhập.".to_owned(),
            ),
            ApiError::BadCredentials => (
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "Sai tên đăng nhập hoặc mật khẩu.".to_owned(),
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Bạn không có quyền làm việc này.".to_owned(),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "Không tìm thấy.".to_owned(),
            ),
            ApiError::ForbiddenOrigin { missing } => (
                StatusCode::FORBIDDEN,
                "forbidden_origin",
                if *missing {
                    "Yêu cầu không cho biết trang gửi đi (thiếu tiêu đề Origin) nên bị từ chối."
                } else {
                    "Yêu cầu từ trang web khác bị từ chối."
                }
                .to_owned(),
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Yêu cầu phải gửi dữ liệu JSON hoặc một tệp.".to_owned(),
            ),
            ApiError::Refused(refusal) => (refusal.status(), refusal.code(), refusal.message()),
            ApiError::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Bạn thao tác quá nhanh. Hãy thử lại sau giây lát.".to_owned(),
            ),
            ApiError::RejectedRows(problems) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "rejected_rows",
                format!(
                    "Tệp có {} lỗi; chưa nhập dòng nào. Hãy sửa các dòng được nêu rồi tải lên lại.",
                    problems.len()
                ),
            ),
            ApiError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Máy chủ gặp lỗi. Hãy thử lại.".to_owned(),
                )
            }
        };
        let mut body = json!({ "code": code, "message": message });
        let retry_after_ms = match &self {
            ApiError::RateLimited { retry_after_ms } => Some(*retry_after_ms),
            ApiError::Refused(refusal) => refusal.retry_after_ms(),
            _ => None,
        };
        if let Some(ms) = retry_after_ms {
            body["retry_after_ms"] = json!(ms);
        }
        if let ApiError::RejectedRows(problems) = &self {
            body["problems"] = json!(problems);
        }
        let mut response = (status, Json(body)).into_response();
        if let Some(ms) = retry_after_ms {
            // Whole seconds, rounded up: what HTTP clients and proxies read.
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(ms.div_ceil(1000).max(1)),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Every error the API answers is the documented `{"code", "message"}`. axum's own refusals —
/// a body that is not JSON or lacks a field, a path or query that does not parse, a body over
/// the limit, a method the route does not have, a WebSocket handshake that is not one — come
/// as plain text naming parser internals; this layer gives them their code and a Vietnamese
/// message instead, keeping the status. Responses already in JSON pass untouched.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = refusal(status);
    let mut json = (status, Json(json!({ "code": code, "message": message }))).into_response();
    for name in [ALLOW, RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            json.headers_mut().insert(name, value.clone());
        }
    }
    json
}

/// The code and message of a refusal that only has a status.
fn refusal(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::BAD_REQUEST => (
            "bad_request",
            "Yêu cầu không hợp lệ: dữ liệu gửi lên không đọc được.",
        ),
        StatusCode::UNAUTHORIZED => ("unauthorized", "Bạn cần đăng nhập."),
        StatusCode::FORBIDDEN => ("forbidden", "Bạn không có quyền làm việc này."),
        StatusCode::NOT_FOUND => ("not_found", "Không tìm thấy."),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "Địa chỉ này không nhận kiểu yêu cầu này.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "Dữ liệu gửi lên quá lớn."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "Yêu cầu phải gửi dữ liệu JSON hoặc một tệp.",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "invalid_body",
            "Dữ liệu gửi lên thiếu thông tin hoặc sai kiểu.",
        ),
        StatusCode::UPGRADE_REQUIRED => (
            "upgrade_required",
            "Địa chỉ này chỉ nhận kết nối WebSocket.",
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            "rate_limited",
            "Bạn thao tác quá nhanh. Hãy thử lại sau giây lát.",
        ),
        s if s.is_server_error() => ("internal", "Máy chủ gặp lỗi. Hãy thử lại."),
        _ => ("bad_request", "Yêu cầu không hợp lệ."),
    }
}
