//! The questions a teacher writes in the quiz editor: kept in the teacher's own class bank
//! (`domain::authoring`), changed and deleted by the teacher alone. A quiz holds copies, so
//! changing or deleting one here changes no quiz and no report.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use super::access::require;
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult, Refusal};
use crate::domain::access::{Action, Target};
use crate::domain::authoring::{self, own_bank_id, Draft};
use crate::domain::Question;
use crate::storage::Account;
use crate::transport::AppState;

/// Most questions in one teacher's own bank: far more than a school year of quizzes.
const MAX_OWN_QUESTIONS: i64 = 2000;

/// `GET /api/questions`: the reader's own class bank and its questions.
#[derive(Serialize)]
pub struct OwnQuestions {
    bank: String,
    questions: Vec<Question>,
}

pub async fn list(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
) -> ApiResult<Json<OwnQuestions>> {
    require(&account, Action::EditQuiz, Target::OwnedBy(account.id))?;
    let bank = own_bank_id(account.id);
    let questions = state.store().bank_questions(&bank).await?;
    Ok(Json(OwnQuestions { bank, questions }))
}

/// The question `draft` describes, as question `id` of the account's own bank, or
/// `invalid_question` with every reason.
async fn build(state: &AppState, account: &Account, id: &str, draft: Draft) -> ApiResult<Question> {
    let images = match &draft.image {
        Some(_) => state.store().images_of(account.id).await?,
        None => Vec::new(),
    };
    let exists = |name: &str| images.iter().any(|i| i == name);
    authoring::question(&own_bank_id(account.id), id, draft, &exists)
        .map_err(|issues| Refusal::InvalidQuestion(issues.join("; ")).into())
}

/// `POST /api/questions`: a new question at the end of the account's own bank.
pub async fn create(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Json(draft): Json<Draft>,
) -> ApiResult<Json<Question>> {
    require(&account, Action::EditQuiz, Target::OwnedBy(account.id))?;
    let id = format!("c-{:010x}", rand::random::<u64>() >> 24);
    let question = build(&state, &account, &id, draft).await?;
    let store = state.store();
    let bank = own_bank_id(account.id);
    if store.count_questions(&bank).await? >= MAX_OWN_QUESTIONS {
        return Err(Refusal::TooManyOwnQuestions {
            cap: MAX_OWN_QUESTIONS,
        }
        .into());
    }
    let title = format!("Câu hỏi của {}", account.display_name);
    store.ensure_own_bank(&bank, account.id, &title).await?;
    store.add_question(&question).await?;
    Ok(Json(question))
}

/// `PUT /api/questions/{id}`: one of the account's own questions, changed.
pub async fn replace(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<String>,
    Json(draft): Json<Draft>,
) -> ApiResult<Json<Question>> {
    require(&account, Action::EditQuiz, Target::OwnedBy(account.id))?;
    // Only ids of the own bank exist here: another bank's question is not found.
    if state
        .store()
        .question(&own_bank_id(account.id), &id)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound);
    }
    let question = build(&state, &account, &id, draft).await?;
    if !state.store().replace_question(&question).await? {
        return Err(ApiError::NotFound);
    }
    Ok(Json(question))
}

/// `DELETE /api/questions/{id}`.
pub async fn delete(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    require(&account, Action::EditQuiz, Target::OwnedBy(account.id))?;
    if state
        .store()
        .delete_question(&own_bank_id(account.id), &id)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
