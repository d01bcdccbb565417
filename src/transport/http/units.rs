//! What a commune officer and a school admin read of their unit: a commune's schools with their
//! participation in a ranking context, one school's participation, and a school's roster. The
//! organizer reads every unit; everyone else gets `forbidden` (see `domain::access`).

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{require, school, school_target};
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult};
use super::params;
use crate::domain::access::{Action, Target};
use crate::storage::SchoolParticipation;
use crate::transport::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextQuery {
    /// The ranking context (a contest round, a live event) whose results are counted.
    context: String,
}

/// A school's participation with its rate against enrolment, in per mille (integers, so
/// the page and the CSV agree to the digit).
fn with_rate(p: &SchoolParticipation) -> Value {
    let rate = (p.participants * 1000)
        .checked_div(p.enrolment)
        .unwrap_or_default();
    json!({
        "code": p.code,
        "name": p.name,
        "enrolment": p.enrolment,
        "on_roster": p.on_roster,
        "participants": p.participants,
        "total_score": p.total_score,
        "rate_permille": rate,
    })
}

/// `GET /api/units/communes/{code}/schools?context=C`: the commune's schools and how many of
/// their students took part in `C`. Its officer and the organizer.
pub async fn commune_schools(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(commune): Path<String>,
    Query(q): Query<ContextQuery>,
) -> ApiResult<Json<Value>> {
    require(&account, Action::ReadUnit, Target::Commune(&commune))?;
    params::context(&q.context)?;
    if !state.store().commune_exists(&commune).await? {
        return Err(ApiError::NotFound);
    }
    let schools = state
        .store()
        .commune_participation(&commune, &q.context)
        .await?;
    Ok(Json(json!({
        "commune": commune,
        "context": q.context,
        "schools": schools.iter().map(with_rate).collect::<Vec<_>>(),
    })))
}

/// `GET /api/units/schools/{code}?context=C`: one school and its participation in `C`. The
/// school's admin, its commune's officer and the organizer.
pub async fn school_summary(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(code): Path<String>,
    Query(q): Query<ContextQuery>,
) -> ApiResult<Json<Value>> {
    let unit = school(&state, &code).await?;
    require(&account, Action::ReadUnit, school_target(&unit))?;
    params::context(&q.context)?;
    let participation = state
        .store()
        .commune_participation(&unit.commune, &q.context)
        .await?
        .into_iter()
        .find(|p| p.code == unit.code)
        .ok_or(ApiError::NotFound)?;
    Ok(Json(json!({
        "school": unit,
        "context": q.context,
        "participation": with_rate(&participation),
    })))
}

/// `GET /api/units/schools/{code}/students`: the roster, with codes and full names (personal
/// data). The school's admin and the organizer; a commune officer sees counts, not children.
pub async fn school_students(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(code): Path<String>,
) -> ApiResult<Json<Value>> {
    let unit = school(&state, &code).await?;
    require(&account, Action::ReadRoster, school_target(&unit))?;
    let students = state.store().school_roster(&unit.code).await?;
    Ok(Json(json!({ "school": unit, "students": students })))
}
