//! The dashboard of a unit: `GET /api/dashboard?unit=…` (the figures and the units under a
//! rate) and `GET /api/dashboard/{file}?unit=…`, its charts as SVG drawn here and each
//! chart's data, and the units under the rate, as CSV (UTF-8 with a BOM, for Excel).

use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult};
use super::report_files::content_disposition;
use super::unit_reports::{authorized_unit, period, report_of};
use crate::domain::context::Context;
use crate::domain::report_unit::ReportUnit;
use crate::domain::scopes::Scope;
use crate::domain::GameId;
use crate::live_figures::{Figures, Part};
use crate::rankings::Line;
use crate::storage::Account;
use crate::transport::AppState;
use crate::unit_report::charts::percent;
use crate::unit_report::dashboard::{self, Dashboard};

#[derive(Debug, Deserialize)]
pub struct DashboardQuery {
    /// `province`, `commune/C` or `school/S`.
    unit: String,
    from: Option<String>,
    to: Option<String>,
    /// A round's context; default the period's last.
    round: Option<String>,
    /// Units under this rate are listed (per mille, default 1000: the plan's 100 %).
    below: Option<i64>,
    /// The width in CSS pixels the page shows a chart at: it is drawn for it (300–980, default
    /// 640), so its labels are not shrunk on a phone.
    w: Option<u32>,
}

impl DashboardQuery {
    fn width(&self) -> f64 {
        self.w
            .map_or(crate::unit_report::charts::DEFAULT_WIDTH, f64::from)
    }
}

async fn build(state: &AppState, account: &Account, q: &DashboardQuery) -> ApiResult<Dashboard> {
    let report = report_of(state, account, &q.unit, q.from.as_deref(), q.to.as_deref()).await?;
    let below = q.below.unwrap_or(1000).clamp(0, 1000);
    Ok(dashboard::dashboard(report, q.round.as_deref(), below))
}

/// `GET /api/dashboard?unit=…&from=…&to=…&round=…&below=…`
pub async fn overview(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Query(q): Query<DashboardQuery>,
) -> ApiResult<Json<Dashboard>> {
    Ok(Json(build(&state, &account, &q).await?))
}

fn csv_text(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(r)?;
    }
    // Excel reads UTF-8 only after a BOM.
    Ok(format!("\u{feff}{}", String::from_utf8(w.into_inner()?)?))
}

fn file(kind: &'static str, name: &str, body: String) -> Response {
    let disposition = (kind == "text/csv; charset=utf-8").then(|| content_disposition(name, name));
    let mut response = ([(CONTENT_TYPE, kind), (CACHE_CONTROL, "no-store")], body).into_response();
    if let Some(d) = disposition {
        if let Ok(v) = d.parse() {
            response.headers_mut().insert(CONTENT_DISPOSITION, v);
        }
    }
    response
}

const SVG: &str = "image/svg+xml; charset=utf-8";
const CSV: &str = "text/csv; charset=utf-8";

/// `GET /api/dashboard/{file}?unit=…`: `over-time.svg|csv`, `rates.svg|csv`,
/// `scores.svg|csv`, `below.csv`.
pub async fn chart(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(name): Path<String>,
    Query(q): Query<DashboardQuery>,
) -> ApiResult<Response> {
    let store = state.store();
    let slug: String = q
        .unit
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let file_name = |what: &str| format!("hoithi-{what}-{slug}.csv");
    match name.as_str() {
        "over-time.svg" | "over-time.csv" => {
            let unit = authorized_unit(&state, &account, &q.unit).await?;
            let period = period(q.from.as_deref(), q.to.as_deref())?;
            let (labels, attempts, games) = dashboard::over_time(store, &unit, &period).await?;
            if name.ends_with(".svg") {
                let weekly = period.last - period.first + 1 > 45;
                return Ok(file(
                    SVG,
                    "",
                    dashboard::over_time_svg(&labels, &attempts, &games, weekly, q.width()),
                ));
            }
            let rows: Vec<Vec<String>> = labels
                .iter()
                .zip(attempts.iter().zip(&games))
                .map(|(l, (a, g))| vec![l.clone(), a.to_string(), g.to_string()])
                .collect();
            let body = csv_text(
                &["Từ ngày", "Lượt thi trực tuyến", "Trò chơi trực tiếp"],
                &rows,
            )?;
            Ok(file(CSV, &file_name("hoat-dong"), body))
        }
        "rates.svg" | "rates.csv" => {
            let d = build(&state, &account, &q).await?;
            let (title, bars) = dashboard::rate_bars(&d.report, d.round.as_deref());
            if name.ends_with(".svg") {
                return Ok(file(
                    SVG,
                    "",
                    crate::unit_report::charts::rate_bars(&title, &bars, 1000, q.width()),
                ));
            }
            let rows: Vec<Vec<String>> = bars
                .iter()
                .map(|b| vec![b.label.clone(), percent(b.permille)])
                .collect();
            let body = csv_text(&["Đơn vị", "Tỉ lệ tham gia"], &rows)?;
            Ok(file(CSV, &file_name("ti-le"), body))
        }
        "scores.svg" | "scores.csv" => {
            let unit = authorized_unit(&state, &account, &q.unit).await?;
            let period = period(q.from.as_deref(), q.to.as_deref())?;
            let histogram = dashboard::scores(store, &unit, &period, q.round.as_deref()).await?;
            if name.ends_with(".svg") {
                return Ok(file(SVG, "", dashboard::scores_svg(&histogram, q.width())));
            }
            let rows: Vec<Vec<String>> = histogram
                .iter()
                .map(|(s, n)| vec![s.to_string(), n.to_string()])
                .collect();
            let body = csv_text(&["Điểm", "Số bài"], &rows)?;
            Ok(file(CSV, &file_name("diem"), body))
        }
        "below.csv" => {
            let d = build(&state, &account, &q).await?;
            let rows: Vec<Vec<String>> = d
                .below
                .iter()
                .map(|b| {
                    vec![
                        b.code.clone(),
                        b.name.clone(),
                        b.enrolment.to_string(),
                        b.participants.to_string(),
                        percent(b.rate_permille),
                    ]
                })
                .collect();
            let body = csv_text(
                &[
                    "Mã",
                    "Đơn vị",
                    "Sĩ số",
                    "Học sinh tham gia",
                    "Tỉ lệ tham gia",
                ],
                &rows,
            )?;
            Ok(file(CSV, &file_name("duoi-ti-le"), body))
        }
        _ => Err(ApiError::NotFound),
    }
}

/// `GET /api/dashboard/live?unit=…`: the unit's part of a live event now, polled by the
/// dashboard every few seconds (a few hundred bytes): players connected and answers per
/// second over every node, and for each event game running, its players in the unit and the
/// first schools and communes of its boards.
pub async fn live(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Query(q): Query<LiveQuery>,
) -> ApiResult<Response> {
    let unit = authorized_unit(&state, &account, &q.unit).await?;
    let known = state.live().known();
    let (part, players_scope, schools_scope) = match &unit {
        ReportUnit::Province => (Part::Province, Scope::Province, Scope::SchoolsOfProvince),
        ReportUnit::Commune(c) => (
            Part::Commune(c.clone()),
            Scope::Commune { commune: c.clone() },
            Scope::SchoolsOfCommune { commune: c.clone() },
        ),
        ReportUnit::School(s) => {
            let commune = known.school_commune(s).await.ok_or(ApiError::NotFound)?;
            (
                Part::School(s.clone()),
                Scope::School { school: s.clone() },
                Scope::SchoolsOfCommune { commune },
            )
        }
    };
    let figures = state.figures().read(&part).await?;
    let rankings = state.rankings();
    let mut events = Vec::new();
    for event in state.store().live_events().await? {
        let context = Context::Game(event.game);
        events.push(LiveEvent {
            game: event.game,
            title: event.title,
            players: rankings.len(&context, &players_scope).await?,
            top_schools: rankings.page(&context, &schools_scope, 0, TOP).await?,
            top_communes: rankings.page(&context, &Scope::Communes, 0, TOP).await?,
        });
    }
    let body = Live {
        unit: q.unit,
        figures,
        events,
    };
    Ok(([(CACHE_CONTROL, "no-store")], Json(body)).into_response())
}

/// Schools and communes the live panel lists.
const TOP: u64 = 5;

#[derive(Debug, Deserialize)]
pub struct LiveQuery {
    /// `province`, `commune/C` or `school/S`.
    unit: String,
}

#[derive(Serialize)]
struct Live {
    unit: String,
    #[serde(flatten)]
    figures: Figures,
    events: Vec<LiveEvent>,
}

#[derive(Serialize)]
struct LiveEvent {
    game: GameId,
    title: String,
    /// The event's players from the unit (on its board).
    players: u64,
    /// The first schools (of the province, or of the unit's commune) and communes: `keys` =
    /// [average score ×1000, average answer time ms, players].
    top_schools: Vec<Line>,
    top_communes: Vec<Line>,
}
