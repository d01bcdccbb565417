//! Banks and quizzes: what a teacher browses and builds games from.

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::access::{bank_target, may_use_bank, province_wide, require};
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult, Refusal};
use crate::domain::access::{may, Action, Target};
use crate::domain::{text, Question};
use crate::storage::{BankSummary, QuizSummary};
use crate::transport::AppState;

/// Most questions in one quiz: a class period is 45 minutes.
const MAX_QUIZ_QUESTIONS: usize = 100;

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

/// `POST /api/quizzes`: the quiz made.
#[derive(Serialize)]
pub struct QuizMade {
    id: i64,
    questions: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionRef {
    bank: String,
    id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewQuiz {
    title: String,
    #[serde(default)]
    questions: Vec<QuestionRef>,
    #[serde(default)]
    banks: Vec<String>,
}

pub async fn create_quiz(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Json(body): Json<NewQuiz>,
) -> ApiResult<Json<QuizMade>> {
    // The quiz will be the account's own: it must be one that builds and runs games.
    require(&account, Action::UseBanks, Target::Province)?;
    require(&account, Action::RunGame, Target::OwnedBy(account.id))?;
    let title = text::normalize(&body.title);
    if title.is_empty() || text::char_len(&title) > 120 {
        return Err(Refusal::InvalidTitle.into());
    }
    let store = state.store();
    let mut questions: Vec<Question> = Vec::new();
    for bank in &body.banks {
        let found = if may_use_bank(&state, &account, bank).await? {
            store.bank_questions(bank).await?
        } else {
            Vec::new()
        };
        if found.is_empty() {
            return Err(Refusal::UnknownBank {
                bank: bank.to_string(),
            }
            .into());
        }
        questions.extend(found);
    }
    for r in &body.questions {
        let q = if may_use_bank(&state, &account, &r.bank).await? {
            store.question(&r.bank, &r.id).await?
        } else {
            None
        };
        questions.push(q.ok_or_else(|| {
            ApiError::from(Refusal::UnknownQuestion {
                bank: r.bank.clone(),
                id: r.id.clone(),
            })
        })?);
    }
    if questions.is_empty() || questions.len() > MAX_QUIZ_QUESTIONS {
        return Err(Refusal::InvalidQuestions {
            max: MAX_QUIZ_QUESTIONS,
        }
        .into());
    }
    let id = store.create_quiz(account.id, &title, &questions).await?;
    Ok(Json(QuizMade {
        id,
        questions: questions.len(),
    }))
}

pub async fn list_quizzes(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
) -> ApiResult<Json<Vec<QuizSummary>>> {
    let owner = if province_wide(&account, Action::RunGame) {
        None
    } else {
        require(&account, Action::RunGame, Target::OwnedBy(account.id))?;
        Some(account.id)
    };
    Ok(Json(state.store().list_quizzes(owner).await?))
}
