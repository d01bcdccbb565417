//! `POST /api/bell`: a host opens a Rung chuông vàng from one of their quizzes or from bank
//! questions, with the day's rules. The questions are arranged easy → hard with the hardest
//! numeric one as the tie-break (`BellSet::arrange`); the room is the engine's
//! (`Engine::open_bell`). Bad input is refused whole: nothing is stored, no PIN held.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::access::require;
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult, Refusal};
use super::games::{join_base, refused};
use super::quizzes::{bank_question, quiz_for, title_of, QuestionRef};
use crate::domain::access::{may, Action, Target};
use crate::domain::bell::{AllWrong, BellSet, RescueRule, Rules, Seat, SetError};
use crate::domain::{GameId, Question};
use crate::engine::bell::{BellCommand, BellReport};
use crate::transport::AppState;

/// Most main questions of one contest (a long hội thi has 30 to 50).
const MAX_QUESTIONS: usize = 100;
/// Most rescue questions kept aside.
const MAX_RESCUE_QUESTIONS: usize = 20;
/// Most rescues the day's rules may allow.
const MAX_RESCUES: u32 = 10;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewBellContest {
    /// The title on the hall screen; the quiz's when absent.
    #[serde(default)]
    title: Option<String>,
    /// One of the host's quizzes…
    #[serde(default)]
    quiz: Option<i64>,
    /// …or bank questions (not both).
    #[serde(default)]
    questions: Vec<QuestionRef>,
    /// Questions kept aside for rescues (any bank the host may use).
    #[serde(default)]
    rescue: Vec<QuestionRef>,
    #[serde(default)]
    rules: RulesInput,
}

/// What the organizers announce; the rest of [`Rules`] (the answer grace) is the server's.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RulesInput {
    all_wrong: Option<AllWrong>,
    rescue: Option<RescueRule>,
    max_rescues: Option<u32>,
    eliminated_play_for_fun: Option<bool>,
    max_contestants: Option<u16>,
}

/// The contest opened: where its phones, screens and judges go.
#[derive(Serialize)]
pub struct BellOpened {
    id: GameId,
    pin: String,
    /// The contestants' page, PIN filled in.
    join_url: String,
    /// Opens a judge's tablet or the hall screen without the host's password
    /// (`bell_stage`'s `key`): share it only with them.
    stage_key: String,
    /// The rules as they will run (defaults filled in).
    rules: Rules,
    /// How the set was arranged: main questions, whether there is a tie-break, rescue
    /// questions.
    main: usize,
    tie_break: bool,
    rescue: usize,
}

fn invalid(what: &str) -> ApiError {
    Refusal::InvalidBell(what.to_owned()).into()
}

/// The day's rules, checked.
fn rules_of(input: &RulesInput) -> ApiResult<Rules> {
    let mut rules = Rules::default();
    if let Some(all_wrong) = input.all_wrong {
        rules.all_wrong = all_wrong;
    }
    if let Some(rescue) = input.rescue {
        if let RescueRule::ByEliminated { up_to: Some(0) }
        | RescueRule::ByAudience { up_to: Some(0) } = rescue
        {
            return Err(invalid("số thí sinh được cứu mỗi lần phải từ 1 trở lên"));
        }
        rules.rescue = rescue;
    }
    if let Some(n) = input.max_rescues {
        if n > MAX_RESCUES {
            return Err(invalid(&format!(
                "số lần cứu trợ phải từ 0 đến {MAX_RESCUES}"
            )));
        }
        rules.max_rescues = n;
    }
    if let Some(fun) = input.eliminated_play_for_fun {
        rules.eliminated_play_for_fun = fun;
    }
    if let Some(cap) = input.max_contestants {
        if !(1..=Seat::MAX).contains(&cap) {
            return Err(invalid(&format!(
                "số thí sinh tối đa phải từ 1 đến {}",
                Seat::MAX
            )));
        }
        rules.max_contestants = cap;
    }
    Ok(rules)
}

pub async fn open(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    headers: HeaderMap,
    Json(body): Json<NewBellContest>,
) -> ApiResult<Json<BellOpened>> {
    require(&account, Action::RunGame, Target::OwnedBy(account.id))?;
    let rules = rules_of(&body.rules)?;
    let (main, quiz_title): (Vec<Question>, Option<String>) =
        match (body.quiz, body.questions.is_empty()) {
            (Some(_), false) => {
                return Err(invalid(
                    "hãy chọn một bộ câu hỏi hoặc các câu hỏi trong ngân hàng, không chọn cả hai",
                ))
            }
            (None, true) => return Err(invalid("cần chọn một bộ câu hỏi hoặc các câu hỏi")),
            (Some(quiz), true) => {
                let access = quiz_for(&state, &account, quiz, Action::RunGame).await?;
                (
                    state.store().quiz_questions(quiz).await?,
                    Some(access.title),
                )
            }
            (None, false) => {
                let mut questions = Vec::with_capacity(body.questions.len());
                for r in &body.questions {
                    questions.push(bank_question(&state, &account, r).await?);
                }
                (questions, None)
            }
        };
    if main.is_empty() || main.len() > MAX_QUESTIONS {
        return Err(Refusal::InvalidQuestions { max: MAX_QUESTIONS }.into());
    }
    if body.rescue.len() > MAX_RESCUE_QUESTIONS {
        return Err(invalid(&format!(
            "có thể để riêng tối đa {MAX_RESCUE_QUESTIONS} câu cứu trợ"
        )));
    }
    let mut rescue = Vec::with_capacity(body.rescue.len());
    for r in &body.rescue {
        rescue.push(bank_question(&state, &account, r).await?);
    }
    if rules.rescue.needs_question() && rules.max_rescues > 0 && rescue.is_empty() {
        return Err(invalid(
            "cách cứu trợ đã chọn cần câu hỏi cứu trợ: hãy thêm câu cứu trợ, chọn cứu tất cả, hoặc đặt 0 lần cứu trợ",
        ));
    }
    let title = match (&body.title, quiz_title) {
        (Some(raw), _) => title_of(raw)?,
        (None, Some(quiz)) => quiz,
        (None, None) => "Rung chuông vàng".to_owned(),
    };
    let set = BellSet::arrange(main, rescue).map_err(|e| match e {
        SetError::NoQuestions => invalid("cần ít nhất một câu hỏi chính"),
        SetError::NotEasyToHard { .. } | SetError::TieBreakNotNumeric => {
            invalid("không xếp được bộ câu hỏi từ dễ đến khó")
        }
    })?;
    // In its own task, as a class game opens: a dropped request never leaves a held PIN or a
    // stored contest without its room.
    let engine = state.engine().clone();
    let (host, run_set, run_rules, run_title) = (account.id, set.clone(), rules.clone(), title);
    let (id, pin, stage_key) = tokio::spawn(async move {
        engine
            .open_bell(host, &run_title, &run_set, run_rules)
            .await
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(refused)?;
    let base = join_base(&state, &headers);
    Ok(Json(BellOpened {
        join_url: format!("{base}/bell.html?pin={pin}"),
        stage_key,
        id,
        pin,
        rules,
        main: set.main().len(),
        tie_break: set.tie_break().is_some(),
        rescue: set.rescue().len(),
    }))
}

/// `GET /api/bell/{id}/report`: the contest's places, rounds and act log, for its host and
/// organizers: from its room while it is open, else as the room stored it at the end.
pub async fn report(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<i64>,
) -> ApiResult<Json<BellReport>> {
    let id = GameId::new(id);
    let mine = |owner| may(&account.actor(), Action::RunGame, Target::OwnedBy(owner));
    if let Some(room) = state.engine().bells().by_game(id) {
        // Another account's contest reads as one that does not exist.
        if !mine(room.owner) {
            return Err(ApiError::NotFound);
        }
        let (reply, answer) = tokio::sync::oneshot::channel();
        if room.send(BellCommand::Report { reply }).await {
            if let Ok(report) = answer.await {
                return Ok(Json(report));
            }
        }
    }
    let row = state.store().bell(id).await?.ok_or(ApiError::NotFound)?;
    if !mine(row.host_id) {
        return Err(ApiError::NotFound);
    }
    let stored = state
        .store()
        .bell_report(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let report = serde_json::from_str(&stored).map_err(anyhow::Error::from)?;
    Ok(Json(report))
}
