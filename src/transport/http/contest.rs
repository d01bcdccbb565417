//! The online contest over HTTP: an organizer's contests and rounds, a school's login cards,
//! and a participant's session and attempts. The rules live in `domain::contest`, the work in
//! `contest`; here requests become calls and refusals become the catalogue's codes.

use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::access::{require, school, school_target};
use super::auth::{cookie, with_cookie, CurrentAccount};
use super::error::{ApiError, ApiResult, Refusal};
use super::refusal::round_problem;
use crate::contest::rounds::{RoundInput, RoundRefusal};
use crate::contest::view::AttemptView;
use crate::contest::{cards, ContestError, RoundForParticipant};
use crate::domain::access::{Action, Role, Target};
use crate::domain::contest::attempt::MAX_PREDICTION;
use crate::domain::contest::{AttemptError, StartRefusal};
use crate::domain::context::Context;
use crate::domain::Answer;
use crate::engine::token;
use crate::storage::contest::{ContestRow, RoundRow};
use crate::storage::{unix_ms, Inserted, Participant};
use crate::transport::AppState;

pub const PARTICIPANT_COOKIE: &str = "hoithi_participant";
/// A participant signs in once on a device for the weeks of a contest.
const PARTICIPANT_TTL_MS: i64 = 30 * 24 * 3600 * 1000;

fn refused(e: ContestError) -> ApiError {
    use AttemptError as A;
    use StartRefusal as S;
    match e {
        ContestError::NoRound | ContestError::NoAttempt => ApiError::NotFound,
        ContestError::NotYourLevel => Refusal::NotYourLevel.into(),
        ContestError::Start(S::NotOpen) => Refusal::RoundNotOpen.into(),
        ContestError::Start(S::Closed) => Refusal::RoundClosed.into(),
        // The service resumes an open attempt instead of refusing a start.
        ContestError::Start(S::Active) => Refusal::AttemptBusy.into(),
        ContestError::Start(S::RoundCap(cap)) => Refusal::AttemptsUsed { cap }.into(),
        ContestError::Start(S::DayCap { cap, .. }) => Refusal::AttemptsTodayUsed { cap }.into(),
        ContestError::Attempt(A::Submitted) => Refusal::AttemptSubmitted.into(),
        ContestError::Attempt(A::TimeOver) => Refusal::TimeOver.into(),
        ContestError::Attempt(A::NoSuchQuestion(_) | A::Shape(_)) => Refusal::InvalidAnswer.into(),
        ContestError::Attempt(A::Prediction) => Refusal::InvalidPrediction {
            max: MAX_PREDICTION,
        }
        .into(),
        ContestError::Busy => Refusal::AttemptBusy.into(),
        ContestError::Storage(e) => ApiError::Internal(e),
    }
}

// --- an organizer's contests and rounds ---

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewContest {
    slug: String,
    title: String,
}

#[derive(Serialize)]
pub struct ContestWithRounds {
    #[serde(flatten)]
    contest: ContestRow,
    rounds: Vec<RoundRow>,
}

pub async fn create_contest(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Json(body): Json<NewContest>,
) -> ApiResult<Response> {
    require(&account, Action::ManageContests, Target::Province)?;
    let slug_ok = matches!(body.slug.parse::<Context>(), Ok(Context::Round(_)));
    let title = body.title.trim();
    if !slug_ok || !(1..=200).contains(&title.chars().count()) {
        return Err(Refusal::InvalidContest.into());
    }
    match state
        .store()
        .create_contest(&body.slug, title, account.id)
        .await?
    {
        Inserted::New(id) => {
            let audit = serde_json::json!({ "contest": id, "slug": body.slug, "title": title, "by": account.id });
            state
                .contest()
                .audit_organizer(unix_ms(), "contest_created", &audit)
                .await?;
            Ok((
                StatusCode::CREATED,
                Json(serde_json::json!({ "id": id, "slug": body.slug })),
            )
                .into_response())
        }
        Inserted::Taken => Err(Refusal::ContestExists.into()),
    }
}

pub async fn list_contests(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
) -> ApiResult<Json<Vec<ContestWithRounds>>> {
    require(&account, Action::ManageContests, Target::Province)?;
    let mut out = Vec::new();
    for contest in state.store().contests().await? {
        let rounds = state.store().rounds(Some(contest.id)).await?;
        out.push(ContestWithRounds { contest, rounds });
    }
    Ok(Json(out))
}

pub async fn create_round(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(slug): Path<String>,
    Json(body): Json<RoundInput>,
) -> ApiResult<Response> {
    require(&account, Action::ManageContests, Target::Province)?;
    match state
        .contest()
        .create_round(&slug, &body, account.id, unix_ms())
        .await
    {
        Ok(id) => Ok((
            StatusCode::CREATED,
            Json(serde_json::json!({ "id": id, "context": body.context })),
        )
            .into_response()),
        Err(RoundRefusal::NoContest) => Err(ApiError::NotFound),
        Err(RoundRefusal::ContextTaken) => Err(Refusal::RoundExists.into()),
        Err(RoundRefusal::Storage(e)) => Err(ApiError::Internal(e)),
        Err(other) => Err(Refusal::InvalidRound(round_problem(&other)).into()),
    }
}

#[derive(Serialize)]
pub struct Closed {
    closed: bool,
    participants: Option<i64>,
    /// The standings being recorded again in the background (`contest::closing`).
    standings: Option<crate::contest::closing::Standings>,
}

pub async fn close_round(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(context): Path<String>,
) -> ApiResult<Json<Closed>> {
    require(&account, Action::ManageContests, Target::Province)?;
    let closed = state
        .contest()
        .close_round(&context, account.id, unix_ms())
        .await
        .map_err(refused)?;
    let round = state
        .store()
        .round_by_context(&context)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(Closed {
        closed,
        participants: round.participants,
        standings: state.contest().standings(&round),
    }))
}

// --- a school's login cards ---

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CardsRequest {
    /// One class, or the whole school.
    #[serde(default)]
    class: Option<String>,
}

#[derive(Serialize)]
pub struct IssuedCard {
    code: String,
    display_name: String,
    class_name: String,
    /// Shown once: only its hash is kept.
    secret: String,
    /// The contest page, signing in by itself: code and secret ride in the fragment, which a
    /// browser never sends to a server (nor to its logs).
    url: String,
    /// That address as a QR code, for the printed card.
    qr_svg: String,
}

fn card_qr(url: &str) -> ApiResult<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| anyhow::anyhow!("QR: {e}"))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(120, 120)
        .quiet_zone(true)
        .build())
}

/// Issues new cards (a reprint: the old secrets stop working) for a class or a school.
pub async fn issue_cards(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    headers: HeaderMap,
    Path(code): Path<String>,
    Json(body): Json<CardsRequest>,
) -> ApiResult<Json<Vec<IssuedCard>>> {
    let unit = school(&state, &code).await?;
    require(&account, Action::IssueLoginCards, school_target(&unit))?;
    let students = state
        .store()
        .school_participants(&code, body.class.as_deref())
        .await?;
    let base = super::games::join_base(&state, &headers);
    // Secrets, QR codes and hashes for a whole school are milliseconds each: off the async
    // workers, so live games are not held up while a school prints.
    let issued = tokio::task::spawn_blocking(move || -> ApiResult<Vec<IssuedCard>> {
        let mut rng = rand::rng();
        students
            .into_iter()
            .map(|s| {
                let secret = cards::new_secret(&mut rng);
                let url = format!("{base}/contest.html#code={}&secret={secret}", s.code);
                Ok(IssuedCard {
                    qr_svg: card_qr(&url)?,
                    url,
                    secret,
                    code: s.code,
                    display_name: s.display_name,
                    class_name: s.class_name,
                })
            })
            .collect()
    })
    .await
    .map_err(anyhow::Error::from)??;
    let hashes: Vec<(String, String)> = issued
        .iter()
        .map(|c| (c.code.clone(), cards::hash(&c.code, &c.secret)))
        .collect();
    state.store().issue_cards(&hashes).await?;
    tracing::info!(school = %code, cards = issued.len(), by = %account.username, "login cards issued");
    Ok(Json(issued))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    codes: Vec<String>,
}

/// Revokes cards of the school's students (others' codes are ignored) and ends their
/// sessions.
pub async fn revoke_cards(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(code): Path<String>,
    Json(body): Json<RevokeRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    let unit = school(&state, &code).await?;
    require(&account, Action::IssueLoginCards, school_target(&unit))?;
    let revoked = state.store().revoke_cards(&code, &body.codes).await?;
    Ok(Json(serde_json::json!({ "revoked": revoked })))
}

// --- a participant ---

/// The signed-in participant, from their cookie. Rejects with `unauthorized`.
pub struct CurrentParticipant(pub Participant);

fn participant_cookie(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, PARTICIPANT_COOKIE)
}

/// The class of the pupil signed in with their login card on this browser, if any: a live
/// game's teams by class use it. No cookie, no query.
pub async fn participant_class(headers: &HeaderMap, state: &AppState) -> Option<String> {
    let token = participant_cookie(headers)?;
    let participant = state
        .store()
        .session_participant(&token::hex(&token::hash(token)))
        .await
        .ok()??;
    Some(participant.class_name).filter(|c| !c.trim().is_empty())
}

impl FromRequestParts<AppState> for CurrentParticipant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let participant = match participant_cookie(&parts.headers) {
            Some(token) => state
                .store()
                .session_participant(&token::hex(&token::hash(token)))
                .await?
                .ok_or(ApiError::Unauthorized)?,
            // Teachers and managers take part with their accounts, in their school.
            None => {
                let account = super::auth::account_from_headers(&parts.headers, state)
                    .await?
                    .ok_or(ApiError::Unauthorized)?;
                let school = match (account.role, &account.unit) {
                    (Role::Teacher | Role::SchoolAdmin, Some(school)) => school,
                    _ => return Err(Refusal::NotAParticipant.into()),
                };
                state
                    .store()
                    .staff_participant(account.id, &account.display_name, school)
                    .await?
                    // A unit code whose school is gone reaches nothing.
                    .ok_or(Refusal::NotAParticipant)?
            }
        };
        if let Err(wait) = state.limits().contest_request(&participant.code) {
            return Err(ApiError::RateLimited {
                retry_after_ms: wait.as_millis() as u64 + 1,
            });
        }
        Ok(CurrentParticipant(participant))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardSignIn {
    code: String,
    secret: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Json(body): Json<CardSignIn>,
) -> ApiResult<Response> {
    let address = state.limits().client_address(peer, &headers);
    let code = body.code.trim();
    if let Err(wait) = state.limits().card_sign_in(address, code) {
        return Err(ApiError::RateLimited {
            retry_after_ms: wait.as_millis() as u64 + 1,
        });
    }
    if code.len() > 40 || body.secret.len() > 40 {
        return Err(Refusal::BadCard.into());
    }
    let card = state.store().card(code).await?;
    let ok = card
        .as_ref()
        .is_some_and(|c| !c.revoked && cards::verify(code, &body.secret, &c.secret_hash));
    let participant = match (ok, state.store().participant(code).await?) {
        (true, Some(p)) => p,
        _ => return Err(Refusal::BadCard.into()),
    };
    let secret = token::hex(&rand::random::<[u8; 32]>());
    state
        .store()
        .create_participant_session(&token::hex(&token::hash(&secret)), code, PARTICIPANT_TTL_MS)
        .await?;
    with_cookie(
        Json(&participant).into_response(),
        PARTICIPANT_COOKIE,
        Some(&secret),
        PARTICIPANT_TTL_MS,
        (&state, peer, &headers),
    )
}

#[derive(Serialize)]
pub struct Me {
    participant: Participant,
    rounds: Vec<RoundForParticipant>,
    /// The server's clock, so a phone with a wrong clock still counts down right.
    now: i64,
}

pub async fn me(
    State(state): State<AppState>,
    CurrentParticipant(p): CurrentParticipant,
) -> ApiResult<Json<Me>> {
    let now = unix_ms();
    let rounds = state.contest().rounds_for(&p, now).await.map_err(refused)?;
    Ok(Json(Me {
        participant: p,
        rounds,
        now,
    }))
}

/// Starts an attempt, or resumes the open one.
pub async fn start(
    State(state): State<AppState>,
    CurrentParticipant(p): CurrentParticipant,
    Path(context): Path<String>,
) -> ApiResult<Json<AttemptView>> {
    Ok(Json(
        state
            .contest()
            .start(&p, &context, unix_ms())
            .await
            .map_err(refused)?,
    ))
}

pub async fn attempt(
    State(state): State<AppState>,
    CurrentParticipant(p): CurrentParticipant,
    Path(id): Path<i64>,
) -> ApiResult<Json<AttemptView>> {
    Ok(Json(
        state
            .contest()
            .view(&p, id, unix_ms())
            .await
            .map_err(refused)?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    answer: Answer,
}

#[derive(Serialize)]
pub struct Saved {
    /// On disk.
    saved: bool,
    remaining_ms: i64,
}

pub async fn answer(
    State(state): State<AppState>,
    CurrentParticipant(p): CurrentParticipant,
    Path((id, index)): Path<(i64, usize)>,
    Json(body): Json<AnswerBody>,
) -> ApiResult<Json<Saved>> {
    let remaining_ms = state
        .contest()
        .answer(&p, id, index, body.answer, unix_ms())
        .await
        .map_err(refused)?;
    Ok(Json(Saved {
        saved: true,
        remaining_ms,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PredictionBody {
    value: i64,
}

pub async fn predict(
    State(state): State<AppState>,
    CurrentParticipant(p): CurrentParticipant,
    Path(id): Path<i64>,
    Json(body): Json<PredictionBody>,
) -> ApiResult<Json<Saved>> {
    let remaining_ms = state
        .contest()
        .predict(&p, id, body.value, unix_ms())
        .await
        .map_err(refused)?;
    Ok(Json(Saved {
        saved: true,
        remaining_ms,
    }))
}

pub async fn submit(
    State(state): State<AppState>,
    CurrentParticipant(p): CurrentParticipant,
    Path(id): Path<i64>,
) -> ApiResult<Json<AttemptView>> {
    Ok(Json(
        state
            .contest()
            .submit(&p, id, unix_ms())
            .await
            .map_err(refused)?,
    ))
}

pub async fn sign_out(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if let Some(token) = participant_cookie(&headers) {
        state
            .store()
            .delete_participant_session(&token::hex(&token::hash(token)))
            .await?;
    }
    with_cookie(
        Json(serde_json::json!({})).into_response(),
        PARTICIPANT_COOKIE,
        None,
        0,
        (&state, peer, &headers),
    )
}

/// A round's turnout by school and commune, and attempts per hour.
pub async fn turnout(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(context): Path<String>,
) -> ApiResult<Json<crate::contest::report::RoundTurnout>> {
    require(&account, Action::ManageContests, Target::Province)?;
    Ok(Json(
        state.contest().turnout(&context).await.map_err(refused)?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardsQuery {
    /// Individuals per level (default 10, at most 500).
    top: Option<usize>,
    /// Minimum rates by size: `300:800,1000:600,*:400` (enrolment up to, per mille).
    bands: Option<String>,
}

fn parse_bands(text: &str) -> Option<Vec<crate::domain::contest::turnout::Band>> {
    use crate::domain::contest::turnout::Band;
    let bands: Option<Vec<Band>> = text
        .split(',')
        .map(|part| {
            let (size, rate) = part.trim().split_once(':')?;
            let up_to = match size.trim() {
                "*" => None,
                n => Some(n.parse::<i64>().ok().filter(|n| *n > 0)?),
            };
            let min_rate_permille = rate
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|r| (0..=1000).contains(r))?;
            Some(Band {
                up_to,
                min_rate_permille,
            })
        })
        .collect();
    bands.filter(|b| !b.is_empty() && b.len() <= 10)
}

/// The top of each level and the collectives whose turnout clears their size's minimum.
pub async fn awards(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(context): Path<String>,
    axum::extract::Query(query): axum::extract::Query<AwardsQuery>,
) -> ApiResult<Json<crate::contest::report::Awards>> {
    require(&account, Action::ManageContests, Target::Province)?;
    let k = query.top.unwrap_or(10);
    if !(1..=500).contains(&k) {
        return Err(Refusal::InvalidAwards.into());
    }
    let bands = match &query.bands {
        Some(text) => parse_bands(text).ok_or(Refusal::InvalidAwards)?,
        None => crate::domain::contest::turnout::default_bands(),
    };
    Ok(Json(
        state
            .contest()
            .awards(&context, k, bands)
            .await
            .map_err(refused)?,
    ))
}
