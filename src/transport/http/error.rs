//! The one error type of the HTTP API, mapped to a status, a code and a Vietnamese message in
//! one place. Internal causes are logged, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

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
    #[error("invalid input: {0}")]
    Invalid(&'static str, String),
    #[error("too many attempts")]
    RateLimited { retry_after_ms: u64 },
    /// A body past its route's cap (an upload).
    #[error("request body too large")]
    TooLarge(String),
    /// An upload's body did not arrive in time.
    #[error("upload too slow")]
    UploadTimeout(String),
    /// Every turn for this kind of work is taken (imports): try again later.
    #[error("server busy")]
    Busy {
        message: String,
        retry_after_ms: u64,
    },
    /// An uploaded bank spreadsheet with rejected rows: each row and why, so the organizer
    /// fixes the file in one pass.
    #[error("rejected rows")]
    RejectedRows(Vec<crate::domain::sheet::Problem>),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
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
            ApiError::Invalid(code, message) => {
                (StatusCode::UNPROCESSABLE_ENTITY, *code, message.clone())
            }
            ApiError::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Bạn thao tác quá nhanh. Hãy thử lại sau giây lát.".to_owned(),
            ),
            ApiError::TooLarge(message) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "file_too_large",
                message.clone(),
            ),
            ApiError::UploadTimeout(message) => (
                StatusCode::REQUEST_TIMEOUT,
                "upload_timeout",
                message.clone(),
            ),
            ApiError::Busy { message, .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "server_busy",
                message.clone(),
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
        if let ApiError::RateLimited { retry_after_ms } | ApiError::Busy { retry_after_ms, .. } =
            self
        {
            body["retry_after_ms"] = json!(retry_after_ms);
        }
        if let ApiError::RejectedRows(problems) = &self {
            body["problems"] = json!(problems);
        }
        (status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
