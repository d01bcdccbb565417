//! Quizzes: made from bank questions (the province's, a colleague's class bank, one's own
//! questions of the editor), listed, read, edited, shared with the school, duplicated and
//! deleted. Who may do which is `domain::access` (`RunGame` and `EditQuiz` on a
//! `Target::Quiz`); a quiz another account may not see is answered as one that does not exist.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::access::{may_use_bank, province_wide, quiz_target, require};
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult, Refusal};
use crate::domain::access::{may, Action, Target};
use crate::domain::{text, Question};
use crate::storage::{Account, QuizAccess, QuizSummary};
use crate::transport::AppState;

/// Most questions in one quiz: a class period is 45 minutes.
const MAX_QUIZ_QUESTIONS: usize = 100;

/// `POST /api/quizzes`, `PUT /api/quizzes/{id}`, `…/duplicate`: the quiz as it now is (an
/// edit of a quiz already played gets a new id, see `Store::edit_quiz`).
#[derive(Serialize)]
pub struct QuizMade {
    id: i64,
    questions: usize,
}

/// A question of a bank, by the bank's id and its own.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionRef {
    pub(super) bank: String,
    pub(super) id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewQuiz {
    title: String,
    #[serde(default)]
    questions: Vec<QuestionRef>,
    #[serde(default)]
    banks: Vec<String>,
    #[serde(default)]
    shared: bool,
}

/// A title as stored, or `invalid_title`.
pub(super) fn title_of(raw: &str) -> ApiResult<String> {
    let title = text::normalize(raw);
    if title.is_empty() || text::char_len(&title) > 120 {
        return Err(Refusal::InvalidTitle.into());
    }
    Ok(title)
}

/// A question the account may use, or `unknown_question` (also for a bank it may not see).
pub(super) async fn bank_question(
    state: &AppState,
    account: &Account,
    r: &QuestionRef,
) -> ApiResult<Question> {
    let q = if may_use_bank(state, account, &r.bank).await? {
        state.store().question(&r.bank, &r.id).await?
    } else {
        None
    };
    q.ok_or_else(|| {
        Refusal::UnknownQuestion {
            bank: r.bank.clone(),
            id: r.id.clone(),
        }
        .into()
    })
}

fn check_count(questions: &[Question]) -> ApiResult<()> {
    if questions.is_empty() || questions.len() > MAX_QUIZ_QUESTIONS {
        return Err(Refusal::InvalidQuestions {
            max: MAX_QUIZ_QUESTIONS,
        }
        .into());
    }
    Ok(())
}

/// The quiz must be one that builds and runs games: teachers, school admins, organizers.
fn may_make_quizzes(account: &Account) -> ApiResult<()> {
    require(account, Action::UseBanks, Target::Province)?;
    require(account, Action::EditQuiz, Target::OwnedBy(account.id))
}

pub async fn create(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Json(body): Json<NewQuiz>,
) -> ApiResult<Json<QuizMade>> {
    may_make_quizzes(&account)?;
    let title = title_of(&body.title)?;
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
        questions.push(bank_question(&state, &account, r).await?);
    }
    check_count(&questions)?;
    let id = store.create_quiz(account.id, &title, &questions).await?;
    if body.shared {
        store.set_quiz_shared(id, true).await?;
    }
    Ok(Json(QuizMade {
        id,
        questions: questions.len(),
    }))
}

/// `GET /api/quizzes`: the reader's quizzes, the quizzes its colleagues share with it (every
/// quiz of the school for its admin), and for an organizer every quiz; each says whether the
/// reader may edit it.
pub async fn list(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
) -> ApiResult<Json<Vec<QuizSummary>>> {
    let mut quizzes = if province_wide(&account, Action::RunGame) {
        state.store().quizzes_near(None, None).await?
    } else {
        require(&account, Action::RunGame, Target::OwnedBy(account.id))?;
        state
            .store()
            .quizzes_near(Some(account.id), account.unit.as_deref())
            .await?
    };
    let me = account.actor();
    quizzes.retain(|q| may(&me, Action::RunGame, quiz_target(&q.access)));
    for q in &mut quizzes {
        q.editable = may(&me, Action::EditQuiz, quiz_target(&q.access));
    }
    Ok(Json(quizzes))
}

/// The quiz `id` if `account` may do `action` on it; `not_found` when it may not even see
/// it, `forbidden` when it sees it but may not do `action` (a colleague editing a shared quiz).
pub async fn quiz_for(
    state: &AppState,
    account: &Account,
    id: i64,
    action: Action,
) -> ApiResult<QuizAccess> {
    let quiz = state
        .store()
        .quiz_access(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let me = account.actor();
    if !may(&me, Action::RunGame, quiz_target(&quiz)) {
        return Err(ApiError::NotFound);
    }
    require(account, action, quiz_target(&quiz))?;
    Ok(quiz)
}

/// `GET /api/quizzes/{id}`: a quiz with its questions (keys included: for those who host it).
#[derive(Serialize)]
pub struct QuizDetail {
    id: i64,
    title: String,
    shared: bool,
    editable: bool,
    questions: Vec<Question>,
}

pub async fn detail(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<i64>,
) -> ApiResult<Json<QuizDetail>> {
    let quiz = quiz_for(&state, &account, id, Action::RunGame).await?;
    Ok(Json(QuizDetail {
        id,
        editable: may(&account.actor(), Action::EditQuiz, quiz_target(&quiz)),
        title: quiz.title,
        shared: quiz.shared,
        questions: state.store().quiz_questions(id).await?,
    }))
}

/// One question of an edited quiz: one it has (`keep`, 0-based) or one of a bank.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum Item {
    Keep { keep: usize },
    Bank(QuestionRef),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizEdit {
    title: String,
    #[serde(default)]
    shared: bool,
    questions: Vec<Item>,
}

/// `PUT /api/quizzes/{id}`: a new title, sharing and list of questions in one go: reordered,
/// removed (not listed), added (from a bank). Nothing changes when any part is refused.
pub async fn edit(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<i64>,
    Json(body): Json<QuizEdit>,
) -> ApiResult<Json<QuizMade>> {
    quiz_for(&state, &account, id, Action::EditQuiz).await?;
    let title = title_of(&body.title)?;
    let current = state.store().quiz_questions(id).await?;
    let mut questions = Vec::with_capacity(body.questions.len());
    for item in &body.questions {
        questions.push(match item {
            Item::Keep { keep } => current
                .get(*keep)
                .cloned()
                .ok_or(Refusal::UnknownQuizItem { number: keep + 1 })?,
            Item::Bank(r) => bank_question(&state, &account, r).await?,
        });
    }
    check_count(&questions)?;
    let id = state
        .store()
        .edit_quiz(id, &title, body.shared, &questions)
        .await?;
    Ok(Json(QuizMade {
        id,
        questions: questions.len(),
    }))
}

/// `POST /api/quizzes/{id}/duplicate`: a copy owned by the reader, not shared, titled
/// «… (bản sao)»: how a colleague adapts a shared quiz without touching the original.
pub async fn duplicate(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<i64>,
) -> ApiResult<Json<QuizMade>> {
    may_make_quizzes(&account)?;
    let quiz = quiz_for(&state, &account, id, Action::RunGame).await?;
    let questions = state.store().quiz_questions(id).await?;
    let mut title = format!("{} (bản sao)", quiz.title);
    if text::char_len(&title) > 120 {
        title = quiz.title;
    }
    let id = state
        .store()
        .create_quiz(account.id, &title, &questions)
        .await?;
    Ok(Json(QuizMade {
        id,
        questions: questions.len(),
    }))
}

/// `DELETE /api/quizzes/{id}`: hidden from every list; its games keep their reports.
pub async fn delete(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    quiz_for(&state, &account, id, Action::EditQuiz).await?;
    state.store().delete_quiz(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
