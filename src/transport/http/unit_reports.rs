//! The movement's report of a unit over a period, as JSON (the printable page and the
//! dashboard read it) or as a workbook: `GET /api/reports/{province|commune/C|school/S}`.

use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::access::{require, school, school_target};
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult, Refusal};
use super::report_files::content_disposition;
use crate::domain::access::{Action, Target};
use crate::domain::period::Period;
use crate::domain::report_unit::ReportUnit;
use crate::storage::{unix_ms, Account};
use crate::transport::AppState;
use crate::unit_report::{self, xlsx, UnitReport};

#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    /// First day, `YYYY-MM-DD` (default: the school year's 1 September).
    from: Option<String>,
    /// Last day, included (default: today).
    to: Option<String>,
    /// `json` (default) or `xlsx`; anything else does not parse: 400 `bad_request`.
    #[serde(default)]
    format: ReportFormat,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    #[default]
    Json,
    Xlsx,
}

/// The unit of `path`, once the account may read its report (a unit it may not read answers
/// 403 whether or not it exists; one it may read but that does not exist, 404).
pub async fn authorized_unit(
    state: &AppState,
    account: &Account,
    path: &str,
) -> ApiResult<ReportUnit> {
    let unit: ReportUnit = path.parse().map_err(|_| ApiError::NotFound)?;
    match &unit {
        ReportUnit::Province => require(account, Action::ReadReports, Target::Province)?,
        ReportUnit::Commune(c) => require(account, Action::ReadReports, Target::Commune(c))?,
        ReportUnit::School(code) => {
            // Organizers may read any school; others are checked against the school's commune.
            if !super::access::province_wide(account, Action::ReadReports) {
                // A school that does not exist is nobody's: refused, as another's would be.
                let s = match school(state, code).await {
                    Err(ApiError::NotFound) => return Err(ApiError::Forbidden),
                    other => other?,
                };
                require(account, Action::ReadReports, school_target(&s))?;
            }
        }
    }
    Ok(unit)
}

/// The period of a request: both days, or the current school year up to today.
pub fn period(from: Option<&str>, to: Option<&str>) -> ApiResult<Period> {
    match (from, to) {
        (None, None) => Ok(Period::school_year_to_date(unix_ms())),
        (Some(f), Some(t)) => Period::parse(f, t).map_err(|_| Refusal::InvalidPeriod.into()),
        _ => Err(Refusal::InvalidPeriod.into()),
    }
}

pub async fn report_of(
    state: &AppState,
    account: &Account,
    path: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> ApiResult<UnitReport> {
    let unit = authorized_unit(state, account, path).await?;
    let period = period(from, to)?;
    unit_report::report(state.store(), &unit, &period, unix_ms())
        .await?
        .ok_or(ApiError::NotFound)
}

/// `GET /api/reports/{unit}?from=…&to=…&format=json|xlsx`
pub async fn report(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(path): Path<String>,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Response> {
    let report = report_of(&state, &account, &path, q.from.as_deref(), q.to.as_deref()).await?;
    match q.format {
        ReportFormat::Json => Ok(Json(report).into_response()),
        ReportFormat::Xlsx => {
            let bytes = xlsx::workbook(&report)?;
            let slug: String = report
                .unit
                .to_string()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let ascii = format!("bao-cao-{slug}-{}-{}.xlsx", report.from, report.to);
            let utf8 = format!("Báo cáo {} {} {}.xlsx", report.name, report.from, report.to);
            Ok((
                [
                    (
                        CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_owned(),
                    ),
                    (CONTENT_DISPOSITION, content_disposition(&ascii, &utf8)),
                    (CACHE_CONTROL, "no-store".to_owned()),
                ],
                bytes,
            )
                .into_response())
        }
    }
}
