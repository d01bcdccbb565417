//! The pages of `web/`, embedded in the binary (or read from `HOITHI_WEB_DIR` while developing
//! them, so a page change needs no rebuild), and the images of the banks.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::banks;
use crate::domain::authoring;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "json" => "application/json",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

pub async fn page(State(state): State<AppState>, uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    if path.contains("..") {
        return StatusCode::NOT_FOUND.into_response();
    }
    let bytes = match &state.config().web_dir {
        Some(dir) => std::fs::read(dir.join(path)).ok(),
        None => embedded::WEB_ASSETS
            .iter()
            .find(|(name, _)| *name == path)
            .map(|(_, b)| b.to_vec()),
    };
    match bytes {
        // Pages change with each release and carry no hashes in their names: revalidate.
        Some(bytes) => (
            [
                (CONTENT_TYPE, content_type(path)),
                (CACHE_CONTROL, "no-cache"),
            ],
            bytes,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Không tìm thấy trang.",
        )
            .into_response(),
    }
}

/// Where question images are served from: `{IMAGE_BASE}/{bank}/{file}`.
pub const IMAGE_BASE: &str = "/bank-images";

pub async fn bank_image(
    State(state): State<AppState>,
    Path((_bank, file)): Path<(String, String)>,
) -> Response {
    // An image of the quiz editor: stored re-encoded, under a random name that never changes.
    if authoring::is_image_name(&file) {
        return match state.store().image(&file).await {
            Ok(Some((content_type, bytes))) => (
                [
                    (CONTENT_TYPE, content_type),
                    (CACHE_CONTROL, "max-age=86400".to_owned()),
                ],
                bytes,
            )
                .into_response(),
            Ok(None) => StatusCode::NOT_FOUND.into_response(),
            Err(e) => {
                tracing::error!(error = %e, "reading a question image");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        };
    }
    match banks::image(&state.config().banks, &file) {
        Some(bytes) => (
            [
                (CONTENT_TYPE, content_type(&file)),
                (CACHE_CONTROL, "max-age=86400"),
            ],
            bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
