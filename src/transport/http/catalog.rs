//! Banks and quizzes: what a teacher browses and builds games from.

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{province_wide, require};
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult, Refusal};
use crate::domain::access::{Action, Target};
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
    Ok(Json(state.store().list_banks().await?))
}

pub async fn bank(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    require(&account, Action::UseBanks, Target::Province)?;
    let banks = state.store().list_banks().await?;
    let summary = banks
        .into_iter()
        .find(|b| b.id == id)
        .ok_or(ApiError::NotFound)?;
    let questions = state.store().bank_questions(&id).await?;
    Ok(Json(json!({ "bank": summary, "questions": questions })))
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
) -> ApiResult<Json<Value>> {
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
        let found = store.bank_questions(bank).await?;
        if found.is_empty() {
            return Err(Refusal::UnknownBank {
                bank: bank.to_string(),
            }
            .into());
        }
        questions.extend(found);
    }
    for r in &body.questions {
        let q = store.question(&r.bank, &r.id).await?;
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
    Ok(Json(json!({ "id": id, "questions": questions.len() })))
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
