//! Rankings and the units they rank: public pages of the live boards, organizers' tools to
//! record results and rebuild boards, and roster imports (schools, students) from sheets.

use std::collections::HashSet;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::access::{own_school, province_wide, require, school, school_target};
use super::auth::{account_from_headers, CurrentAccount};
use super::error::{ApiError, ApiResult, Refusal};
use super::params;
use super::refusal::key_name;
use super::uploads::off_runtime;
use crate::banks::limits::SheetKind;
use crate::domain::access::{Action, Target};
use crate::domain::roster;
use crate::domain::scopes::Scope;
use crate::protocol::BoardPage;
use crate::rankings::{result_keys, Line};
use crate::storage::Commune;
use crate::storage::{unix_ms, ResultRow};
use crate::transport::AppState;

/// Longest page of a ranking.
const MAX_PAGE: u64 = 200;

#[derive(Deserialize)]
pub struct PageQuery {
    pub(super) offset: Option<u64>,
    pub(super) limit: Option<u64>,
}

/// A page of a live board. Public: individuals appear by display name (full name only with
/// recorded consent), class and school — never by student code. A live game's board
/// (`game-{id}`, scope `players`: every ranked player by nickname, `keys` = [score, total
/// answer time in ms], fed after each question) is only for who may run the game, its host
/// and the organizers: nicknames are what children typed.
pub async fn page(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path((context, scope)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Response> {
    let context = params::context(&context)?;
    let scope = params::scope(&scope, &context)?;
    let limit = q.limit.unwrap_or(100).min(MAX_PAGE);
    let offset = q.offset.unwrap_or(0);
    match context.game() {
        Some(game) if scope == Scope::Players => {
            let account = account_from_headers(&headers, &state)
                .await?
                .ok_or(ApiError::Unauthorized)?;
            let row = state.store().game(game).await?.ok_or(ApiError::NotFound)?;
            require(&account, Action::RunGame, Target::OwnedBy(row.host_id))?;
        }
        // A province event's boards per school, commune and province are public.
        Some(game) if !state.live().known().is_event(game).await? => {
            return Err(ApiError::NotFound);
        }
        _ => {}
    }
    let rankings = state.rankings();
    let mut lines = rankings.page(&context, &scope, offset, limit).await?;
    if scope.is_individual() {
        lines.iter_mut().for_each(|l| l.member = None);
    }
    let total = rankings.len(&context, &scope).await?;
    Ok(Json(BoardPage {
        context: &context,
        scope: &scope,
        total,
        lines: &lines,
    })
    .into_response())
}

#[derive(Deserialize)]
pub struct AroundQuery {
    member: String,
    radius: Option<u64>,
}

/// A member's rank and neighbours. Units are public; asking by student code needs someone
/// who may read the unit's individual ranks (a code is personal data): the organizer, the
/// commune's officer, the school's admin.
pub async fn around(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path((context, scope)): Path<(String, String)>,
    Query(q): Query<AroundQuery>,
) -> ApiResult<Json<Around>> {
    let context = params::context(&context)?;
    let scope = params::scope(&scope, &context)?;
    if scope.is_individual() {
        let account = account_from_headers(&headers, &state)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let action = Action::ReadIndividualRanks;
        match &scope {
            Scope::Commune { commune } => require(&account, action, Target::Commune(commune))?,
            Scope::School { school: code } | Scope::Class { school: code, .. } => {
                if !province_wide(&account, action) {
                    require(
                        &account,
                        action,
                        school_target(&school(&state, code).await?),
                    )?;
                }
            }
            _ => require(&account, action, Target::Province)?,
        }
    }
    let radius = q.radius.unwrap_or(5).min(50);
    let (rank, lines) = state
        .rankings()
        .around(&context, &scope, &q.member, radius)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(Around { rank, lines }))
}

/// `GET /api/rankings/{context}/around/{scope}`: a member's rank and its neighbours.
#[derive(Serialize)]
pub struct Around {
    rank: u64,
    lines: Vec<Line>,
}

/// `POST /api/rankings/{context}/results`.
#[derive(Serialize)]
pub struct Recorded {
    recorded: usize,
}

/// `POST /api/rankings/{context}/rebuild`.
#[derive(Serialize)]
pub struct Rebuilt {
    results: usize,
    seconds: f64,
}

/// `GET /api/rankings`: the contexts that have results.
#[derive(Serialize)]
pub struct Contexts {
    contexts: Vec<String>,
}

/// A school list or roster imported: the rows stored, and those left out under `skip_errors`.
#[derive(Serialize)]
pub struct UnitsImported {
    imported: usize,
    skipped: Vec<crate::domain::sheet::Problem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultInput {
    student: String,
    score: i64,
    time_ms: i64,
    #[serde(default)]
    distance: i64,
    #[serde(default = "one")]
    attempts: i64,
    submitted_at: Option<i64>,
}

fn one() -> i64 {
    1
}

/// Records results (absolute values) and refreshes the collective boards.
pub async fn record(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(context): Path<String>,
    Json(input): Json<Vec<ResultInput>>,
) -> ApiResult<Json<Recorded>> {
    require(&account, Action::ManageRankings, Target::Province)?;
    let context = params::round(&context)?;
    let store = state.rankings().store();
    if store
        .round_by_context(&context.to_string())
        .await?
        .is_some()
    {
        return Err(Refusal::ContestRound.into());
    }
    let now = unix_ms();
    let rows: Vec<ResultRow> = input
        .into_iter()
        .map(|r| ResultRow {
            student: r.student,
            score: r.score,
            time_ms: r.time_ms,
            distance: r.distance,
            attempts: r.attempts,
            submitted_at: r.submitted_at.unwrap_or(now),
        })
        .collect();
    let order = state.rankings().order_of(&context).await?;
    for r in &rows {
        if let Some((key, max)) = order.out_of_range(&result_keys(r)) {
            return Err(Refusal::InvalidResult {
                student: r.student.clone(),
                what: key_name(key),
                max,
            }
            .into());
        }
    }
    let known: HashSet<String> = state
        .rankings()
        .store()
        .student_codes(&rows.iter().map(|r| r.student.clone()).collect::<Vec<_>>())
        .await?
        .into_iter()
        .collect();
    if let Some(unknown) = rows.iter().find(|r| !known.contains(&r.student)) {
        return Err(Refusal::UnknownStudent {
            code: unknown.student.clone(),
        }
        .into());
    }
    state.rankings().record(&context, &rows).await?;
    state.rankings().refresh_collectives(&context).await?;
    state.live().touched(&context);
    Ok(Json(Recorded {
        recorded: rows.len(),
    }))
}

pub async fn rebuild(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(context): Path<String>,
) -> ApiResult<Json<Rebuilt>> {
    require(&account, Action::ManageRankings, Target::Province)?;
    let context = params::context(&context)?;
    let started = std::time::Instant::now();
    let results = state.rankings().rebuild(&context).await?;
    state.live().touched(&context);
    Ok(Json(Rebuilt {
        results,
        seconds: started.elapsed().as_secs_f64(),
    }))
}

/// `GET /api/rankings`: the contexts (rounds, events) that have results, for any signed-in
/// account to pick from. Names only: who took part and how is behind each unit's own rule.
pub async fn contexts(
    State(state): State<AppState>,
    CurrentAccount(_): CurrentAccount,
) -> ApiResult<Json<Contexts>> {
    let contexts = state.store().result_contexts().await?;
    Ok(Json(Contexts { contexts }))
}

pub async fn communes(State(state): State<AppState>) -> ApiResult<Json<Vec<Commune>>> {
    Ok(Json(state.store().communes().await?))
}

/// A school a player of a province event may name.
#[derive(Serialize)]
pub struct SchoolName {
    code: String,
    name: String,
}

/// `GET /api/units/communes/{code}/school-names`: public, for the join page of a province
/// event (a player picks their commune, then their school).
pub async fn commune_school_names(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<SchoolName>>> {
    Ok(Json(
        state
            .store()
            .commune_school_names(&code)
            .await?
            .into_iter()
            .map(|(code, name)| SchoolName { code, name })
            .collect(),
    ))
}

#[derive(Deserialize)]
pub struct ImportQuery {
    file: String,
    #[serde(default)]
    skip_errors: bool,
}

/// Imports schools from a sheet: every bad row reported, nothing stored unless `skip_errors`.
pub async fn import_schools(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<UnitsImported>> {
    require(&account, Action::ManageSchools, Target::Province)?;
    // The turn is held until the rows are written.
    let (grid, _turn) = state
        .imports()
        .read(SheetKind::SchoolList, &q.file, &headers, body)
        .await?;
    let communes: HashSet<String> = state
        .store()
        .communes()
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let parsed = off_runtime(move || roster::parse_schools(&grid, &communes)).await?;
    if !parsed.problems.is_empty()
        && (!q.skip_errors || parsed.problems.iter().any(|p| p.row.is_none()))
    {
        return Err(ApiError::RejectedRows(parsed.problems));
    }
    state.store().upsert_schools(&parsed.rows).await?;
    Ok(Json(UnitsImported {
        imported: parsed.rows.len(),
        skipped: parsed.problems,
    }))
}

/// Imports students from a sheet, as [`import_schools`]. The organizer imports any school's;
/// a school admin only its own: a row of another school is refused, and so is a student code
/// already on another school's roster (re-importing it would move the child to this school).
pub async fn import_students(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<UnitsImported>> {
    let only = if province_wide(&account, Action::EditRoster) {
        None
    } else {
        let own = own_school(&state, &account)
            .await?
            .ok_or(ApiError::Forbidden)?;
        require(&account, Action::EditRoster, school_target(&own))?;
        Some(own.code)
    };
    let kind = match only {
        None => SheetKind::ProvinceRoster,
        Some(_) => SheetKind::SchoolRoster,
    };
    // The turn is held until the rows are written.
    let started = std::time::Instant::now();
    let (grid, _turn) = state.imports().read(kind, &q.file, &headers, body).await?;
    let schools: HashSet<String> = match &only {
        None => state.store().school_codes().await?.into_iter().collect(),
        Some(own) => HashSet::from([own.clone()]),
    };
    let mut parsed = off_runtime(move || roster::parse_students(&grid, &schools)).await?;
    if let Some(own) = &only {
        let codes: Vec<String> = parsed.rows.iter().map(|s| s.code.clone()).collect();
        let taken = state.store().student_schools(&codes).await?;
        parsed.problems.extend(
            taken
                .into_iter()
                .filter(|(_, school)| school != own)
                // Which school holds the child is that school's business: the message
                // says only that it is another one.
                .map(|(code, _)| {
                    crate::domain::sheet::Problem::file(format!(
                        "học sinh {code} đã có trong danh sách của một trường khác; \
                             chỉ ban tổ chức mới chuyển được học sinh sang trường {own}"
                    ))
                }),
        );
    }
    if !parsed.problems.is_empty()
        && (!q.skip_errors || parsed.problems.iter().any(|p| p.row.is_none()))
    {
        return Err(ApiError::RejectedRows(parsed.problems));
    }
    let read = started.elapsed();
    state.store().upsert_students(&parsed.rows).await?;
    // How long a roster takes, in the log: what an operator sizes the row caps by.
    tracing::info!(
        students = parsed.rows.len(),
        read_ms = read.as_millis() as u64,
        write_ms = (started.elapsed() - read).as_millis() as u64,
        by = %account.username,
        "students imported"
    );
    Ok(Json(UnitsImported {
        imported: parsed.rows.len(),
        skipped: parsed.problems,
    }))
}
