//! Banks: what a teacher browses and builds quizzes from (the quizzes are `quizzes.rs`).

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;

use super::access::{bank_target, may_use_bank, require};
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult};
use crate::domain::access::{may, Action, Target};
use crate::domain::Question;
use crate::storage::BankSummary;
use crate::transport::AppState;

pub async fn list_banks(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
) -> ApiResult<Json<Vec<BankSummary>>> {
    require(&account, Action::UseBanks, Target::Province)?;
    let mut banks = state.store().list_banks().await?;
    let me = account.actor();
    banks.retain(|b| may(&me, Action::UseBanks, bank_target(&b.owner)));
    Ok(Json(banks))
}

pub async fn bank(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<String>,
) -> ApiResult<Json<BankDetail>> {
    require(&account, Action::UseBanks, Target::Province)?;
    if !may_use_bank(&state, &account, &id).await? {
        return Err(ApiError::NotFound);
    }
    let banks = state.store().list_banks().await?;
    let summary = banks
        .into_iter()
        .find(|b| b.id == id)
        .ok_or(ApiError::NotFound)?;
    let questions = state.store().bank_questions(&id).await?;
    Ok(Json(BankDetail {
        bank: summary,
        questions,
    }))
}

/// `GET /api/banks/{id}`: a bank and its questions (keys included: for quiz builders only).
#[derive(Serialize)]
pub struct BankDetail {
    bank: BankSummary,
    questions: Vec<Question>,
}
