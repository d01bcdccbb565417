//! Spreadsheet uploads (banks, the school list, students): the turns that bound how many are
//! worked on at once, the body read within its cap, and the parsing off the async workers.
//! A live game shares the process with every import, so an import takes a turn before it
//! reads a byte and gives it back only once its rows are written.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::header::CONTENT_LENGTH;
use axum::http::HeaderMap;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::{ApiError, ApiResult, Refusal};
use crate::banks::limits::{mib, ImportConfig, SheetError, SheetKind};
use crate::banks::sheets;
use crate::domain::sheet::{Grid, Problem};

/// The imports in progress, shared by every handler.
pub struct ImportGate {
    config: ImportConfig,
    turns: Arc<Semaphore>,
}

/// An import's turn: held until its rows are written.
pub struct Turn {
    _permit: OwnedSemaphorePermit,
}

impl ImportGate {
    pub fn new(config: ImportConfig) -> ImportGate {
        let turns = Arc::new(Semaphore::new(config.imports_at_once.max(1)));
        ImportGate { config, turns }
    }

    /// Takes a turn, reads the file named `file` from `body` within the cap of `kind`, and
    /// parses it on a blocking thread. Call it after the caller's rights are checked, so that
    /// only those who may import can hold a turn. Refused: with `server_busy` when every turn
    /// is taken (waiting would hold the body in memory), `file_too_large` past the body cap,
    /// `upload_timeout` when the body is not in after `upload_seconds`, `sheet_too_large`
    /// past a sheet cap, or as unreadable (see [`unreadable`]).
    pub async fn read(
        &self,
        kind: SheetKind,
        file: &str,
        headers: &HeaderMap,
        body: Body,
    ) -> ApiResult<(Grid, Turn)> {
        let cap = self.config.upload_bytes(kind);
        let (bytes, turn) = self.read_bytes(cap, headers, body).await?;
        let limits = self.config.sheet(kind);
        let name = file.to_owned();
        let grid = off_runtime(move || sheets::read(&name, &bytes, &limits))
            .await?
            .map_err(|e| unreadable(kind, e))?;
        Ok((grid, turn))
    }
}

impl ImportGate {
    /// Takes a turn and reads `body` within `cap` bytes and the upload time, as [`Self::read`]
    /// does for a sheet; for other files (a question's image), which the caller decodes.
    pub async fn read_bytes(
        &self,
        cap: usize,
        headers: &HeaderMap,
        body: Body,
    ) -> ApiResult<(axum::body::Bytes, Turn)> {
        let permit = self
            .turns
            .clone()
            .try_acquire_owned()
            .map_err(|_| ApiError::from(Refusal::ImportsBusy))?;
        let turn = Turn { _permit: permit };
        let too_large = || ApiError::from(Refusal::FileTooLarge { mib: mib(cap) });
        // A declared length past the cap is refused before a byte is read.
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > cap) {
            return Err(too_large());
        }
        // Past the cap (or cut off by the client, which then hears nothing anyway); and an
        // upload that stops sending gives its turn back.
        let seconds = self.config.upload_seconds;
        let bytes = tokio::time::timeout(
            Duration::from_secs(seconds),
            axum::body::to_bytes(body, cap),
        )
        .await
        .map_err(|_| ApiError::from(Refusal::UploadTimeout { seconds }))?
        .map_err(|_| too_large())?;
        Ok((bytes, turn))
    }
}

/// Runs CPU work (parsing, checking thousands of rows) on a blocking thread, so the async
/// workers keep serving live games meanwhile.
pub async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(e.into()))
}

/// The error a refused sheet gets: over a cap, `sheet_too_large`; unreadable, as each route
/// always answered it (a bank with `unreadable_file`, a roster as a problem of the file).
fn unreadable(kind: SheetKind, e: SheetError) -> ApiError {
    match (e, kind) {
        (SheetError::TooLarge(m), _) => Refusal::SheetTooLarge(sentence(m)).into(),
        (SheetError::Unreadable(m), SheetKind::Bank) => Refusal::UnreadableFile(m).into(),
        (SheetError::Unreadable(m), _) => ApiError::RejectedRows(vec![Problem::file(m)]),
    }
}

/// A reason as a sentence: capitalized, with a full stop.
fn sentence(reason: String) -> String {
    let mut chars = reason.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => reason,
    }
}
