//! Banks through the server: an organizer uploads a spreadsheet, which is stored as a `draft`
//! bank of the province, and approves it after review; a teacher uploads one into a private
//! class bank of their own (no explanation or source required, see `bank::Purpose`), which an
//! organizer may approve like any other once it has both; those who build quizzes download a
//! bank as a spreadsheet.
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
use serde::{Deserialize, Serialize};

use super::access::{may_use_bank, province_wide, require};
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult, Refusal};
use super::uploads::off_runtime;
use crate::banks::limits::SheetKind;
use crate::banks::{self, sheets, sheets::Format};
use crate::domain::access::{Action, Target};
use crate::domain::bank::{self as bank_rules, Level, Purpose, Topic};
use crate::domain::sheet::{self, Layout, Problem, Settings};
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

/// `POST /api/banks/import?file=NAME.xlsx`: the file is the body. An organizer's becomes a
/// bank of the province (official rules); a teacher's or school admin's a private class bank.
pub async fn import(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Query(query): Query<ImportQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let (purpose, owner) = if province_wide(&account, Action::ManageBanks) {
        (Purpose::Official, None)
    } else {
        require(&account, Action::ImportOwnBank, Target::OwnedBy(account.id))?;
        (Purpose::Class, Some(account.id))
    };
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
        purpose,
    };
    // Checked against the banks of the same owner, named by id in the messages: a province
    // bank against the province's, a private one against its owner's own (a class may repeat
    // a bundled question, and a message must not name a bank its reader cannot see; nor may a
    // teacher's copy of a question block the province's bank).
    let mut stored = state.store().load_banks().await?;
    let same_owner = state.store().banks_owned_by(owner).await?;
    stored.retain(|b| same_owner.contains(&b.id));
    let others: Vec<_> = stored.into_iter().map(|b| (b.id.clone(), b)).collect();
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
    match state.store().save_imported_bank(&bank, owner).await? {
        Saved::Draft => {}
        Saved::BundledExists | Saved::Taken => {
            return Err(Refusal::BankExists {
                id: bank.id.clone(),
            }
            .into());
        }
    }
    tracing::info!(bank = %bank.id, questions = bank.questions.len(), by = %account.username, private = owner.is_some(), "bank imported as draft");
    Ok(Json(Imported {
        bank: ImportedBank {
            id: &bank.id,
            title: &bank.title,
            topic: bank.topic,
            levels: &bank.levels,
            questions: bank.questions.len(),
            status: BankStatus::Draft,
            private: owner.is_some(),
        },
        layout: report.layout,
        rows: report.rows,
        problems: report.problems,
    })
    .into_response())
}

/// `POST /api/banks/import`: the bank stored as a draft, and how the sheet was read.
#[derive(Serialize)]
struct Imported<'a> {
    bank: ImportedBank<'a>,
    layout: Option<Layout>,
    rows: usize,
    /// Rows left out under `skip_errors`.
    problems: Vec<Problem>,
}

#[derive(Serialize)]
struct ImportedBank<'a> {
    id: &'a str,
    title: &'a str,
    topic: Topic,
    levels: &'a [Level],
    questions: usize,
    status: BankStatus,
    /// A teacher's own class bank, seen by its owner and the owner's school.
    private: bool,
}

/// `POST /api/banks/{id}/approve`.
#[derive(Serialize)]
pub struct Approved {
    id: String,
    status: BankStatus,
}

/// `POST /api/banks/{id}/approve`: the organizer has reviewed the bank. Organizers only. A
/// bank with a question lacking an explanation or a source (a teacher's class bank) may not
/// decide an official contest, so it is refused until it has them.
pub async fn approve(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<String>,
) -> ApiResult<Json<Approved>> {
    require(&account, Action::ManageBanks, Target::Province)?;
    let bank = state
        .store()
        .load_bank(&id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let gaps = bank_rules::official_gaps(&bank);
    if let Some((first, _)) = gaps.first() {
        let mut questions: Vec<&str> = gaps.iter().map(|(q, _)| q.as_str()).collect();
        questions.dedup();
        return Err(Refusal::ExplanationsMissing {
            questions: questions.len(),
            first: first.clone(),
        }
        .into());
    }
    if !state
        .store()
        .set_bank_status(&id, BankStatus::Approved)
        .await?
    {
        return Err(ApiError::NotFound);
    }
    tracing::info!(bank = %id, by = %account.username, "bank approved");
    Ok(Json(Approved {
        id,
        status: BankStatus::Approved,
    }))
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
    if !may_use_bank(&state, &account, &id).await? {
        return Err(ApiError::NotFound);
    }
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
