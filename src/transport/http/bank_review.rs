//! Banks through the server: an organizer uploads a spreadsheet, which is stored as a `draft`
//! bank, and approves it after review; those who build quizzes download a bank as a spreadsheet.
//!
//! The upload is the file itself as the request body, with its name and the bank's fields in
//! the query: `fetch('/api/banks/import?file=' + encodeURIComponent(f.name), {method: 'POST',
//! body: f})` is all a page needs, with no multipart encoding on either side.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::access::require;
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult, Refusal};
use super::uploads::off_runtime;
use crate::banks::limits::SheetKind;
use crate::banks::{self, sheets, sheets::Format};
use crate::domain::access::{Action, Target};
use crate::domain::sheet::{self, Settings};
use crate::storage::{BankStatus, Saved};
use crate::transport::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// The uploaded file's name: its extension says the format, its stem is the default id.
    file: String,
    id: Option<String>,
    title: Option<String>,
    topic: Option<String>,
    /// Level ids, comma-separated.
    level: Option<String>,
    source: Option<String>,
    #[serde(default)]
    skip_errors: bool,
}

/// `POST /api/banks/import?file=NAME.xlsx`: the file is the body. Organizers only.
pub async fn import(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Query(query): Query<ImportQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<Value>> {
    require(&account, Action::ManageBanks, Target::Province)?;
    let (grid, _turn) = state
        .imports()
        .read(SheetKind::Bank, &query.file, &headers, body)
        .await?;
    let settings = Settings {
        id: query.id,
        title: query.title,
        topic: query.topic,
        levels: query
            .level
            .map(|l| l.split(',').map(|s| s.trim().to_owned()).collect())
            .unwrap_or_default(),
        source: query.source,
        skip_errors: query.skip_errors,
    };
    // Checked against every stored bank, named by id in the messages.
    let others: Vec<_> = state
        .store()
        .load_banks()
        .await?
        .into_iter()
        .map(|b| (b.id.clone(), b))
        .collect();
    let source = state.config().banks.clone();
    let file = query.file;
    // Comparing every question with every other is CPU work: keep it off the async workers.
    let report = off_runtime(move || {
        let image_exists = |image: &str| banks::image(&source, image).is_some();
        sheet::import(
            &grid,
            &file,
            &settings,
            &sheets::today(),
            &others,
            &image_exists,
        )
    })
    .await?;
    let Some(bank) = report.bank else {
        return Err(ApiError::RejectedRows(report.problems));
    };
    match state.store().save_imported_bank(&bank).await? {
        Saved::Draft => {}
        Saved::BundledExists => {
            return Err(Refusal::BankExists {
                id: bank.id.clone(),
            }
            .into());
        }
    }
    tracing::info!(bank = %bank.id, questions = bank.questions.len(), by = %account.username, "bank imported as draft");
    Ok(Json(json!({
        "bank": {
            "id": bank.id,
            "title": bank.title,
            "topic": bank.topic,
            "levels": bank.levels,
            "questions": bank.questions.len(),
            "status": BankStatus::Draft,
        },
        "layout": report.layout,
        "rows": report.rows,
        // Rows left out under skip_errors.
        "problems": report.problems,
    })))
}

/// `POST /api/banks/{id}/approve`: the organizer has reviewed the bank. Organizers only.
pub async fn approve(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    require(&account, Action::ManageBanks, Target::Province)?;
    if !state
        .store()
        .set_bank_status(&id, BankStatus::Approved)
        .await?
    {
        return Err(ApiError::NotFound);
    }
    tracing::info!(bank = %id, by = %account.username, "bank approved");
    Ok(Json(json!({ "id": id, "status": BankStatus::Approved })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    format: Format,
}

/// `GET /api/banks/{id}/export?format=xlsx|csv`: the bank in the template layout.
pub async fn export(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<String>,
    Query(query): Query<ExportQuery>,
) -> ApiResult<Response> {
    require(&account, Action::UseBanks, Target::Province)?;
    let bank = state
        .store()
        .load_bank(&id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let bytes = sheets::write(&bank, query.format)?;
    Ok((
        [
            (CONTENT_TYPE, query.format.content_type().to_owned()),
            (
                CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}.{}\"",
                    bank.id,
                    query.format.extension()
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}
