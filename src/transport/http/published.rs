//! Published rankings over HTTP. Organizers publish a context's boards as a new version (a
//! correction needs a reason), list the versions and read any of them; the public, with no
//! sign-in, reads the latest version's boards and downloads them as CSV or XLSX. Public output
//! follows the live boards' privacy rules: display names (full names only with consent), class
//! and school, never a student code.

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use super::access::require;
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult, Refusal};
use super::export;
use super::params;
use super::rankings::PageQuery;
use crate::domain::access::{Action, Target};
use crate::domain::publishing::{date_vn, PublishError, MAX_REASON, MAX_TITLE};
use crate::domain::scopes::Scope;
use crate::rankings::published::{Audience, PublishFailed, Published, PublishedLine};
use crate::storage::published::Version;
use crate::storage::unix_ms;
use crate::transport::AppState;

/// Longest page of a published board (the print page reads boards in pages this long).
const MAX_PAGE: u64 = 500;

/// Whole-board exports in progress at once: a province-wide board is 700,000 lines, and a few
/// requests for it must not take every core and gigabytes of memory.
static EXPORTS: Semaphore = Semaphore::const_new(2);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishInput {
    title: Option<String>,
    reason: Option<String>,
}

/// Publishes the context's boards as its next version.
pub async fn publish(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(context): Path<String>,
    Json(input): Json<PublishInput>,
) -> ApiResult<Json<Published>> {
    require(&account, Action::ManageRankings, Target::Province)?;
    let context = params::round(&context)?;
    let name = context.to_string();
    let round = state.rankings().store().round_by_context(&name).await?;
    // A closed round is published once every standing carries its distance again.
    if round
        .as_ref()
        .is_some_and(|r| r.closed_at.is_some() && r.standings_at.is_none())
    {
        return Err(Refusal::StandingsPending.into());
    }
    let published = state
        .rankings()
        .publish(
            &context,
            input.title.as_deref(),
            input.reason.as_deref(),
            account.id,
            unix_ms(),
        )
        .await
        .map_err(|e| match e {
            PublishFailed::Refused(PublishError::Title) => {
                Refusal::InvalidRankingTitle { max: MAX_TITLE }.into()
            }
            PublishFailed::Refused(PublishError::ReasonRequired) => Refusal::ReasonRequired.into(),
            PublishFailed::Refused(PublishError::ReasonTooLong) => {
                Refusal::ReasonTooLong { max: MAX_REASON }.into()
            }
            PublishFailed::NoResults => Refusal::NoResults.into(),
            PublishFailed::Conflict => Refusal::PublishConflict.into(),
            PublishFailed::Other(e) => ApiError::Internal(e),
        })?;
    // A contest round's ranking is settled from the audit log: the log vouches for each of
    // its versions as stored.
    if round.is_some() {
        let v = &published.version;
        let body = serde_json::json!({
            "context": name, "version": v.version, "by": account.id,
            "published_at": v.published_at, "participants": v.participants,
            "digest": published.digest,
        });
        state
            .contest()
            .audit_organizer(unix_ms(), "version_published", &body)
            .await?;
    }
    Ok(Json(published))
}

/// Every version of a context, newest first, with who published it and why.
pub async fn versions(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(context): Path<String>,
) -> ApiResult<Json<Vec<Version>>> {
    require(&account, Action::ManageRankings, Target::Province)?;
    let context = params::context(&context)?;
    Ok(Json(
        state
            .store()
            .published_versions(&context.to_string())
            .await?,
    ))
}

async fn version_of(state: &AppState, context: &str, version: Option<i64>) -> ApiResult<Version> {
    let context = params::context(context)?;
    state
        .store()
        .published_version(&context.to_string(), version)
        .await?
        .ok_or(ApiError::NotFound)
}

/// A board of a published version: the scopes of a round.
fn scope_of(path: &str, version: &Version) -> ApiResult<Scope> {
    params::scope(path, &params::context(&version.context)?)
}

/// What the public may know of a version: not who published it, nor the reason (which may
/// name a student).
#[derive(Serialize)]
pub struct PublicVersion<'a> {
    context: &'a str,
    version: i64,
    title: &'a str,
    published_at: i64,
    participants: i64,
}

fn public_summary(v: &Version) -> PublicVersion<'_> {
    PublicVersion {
        context: &v.context,
        version: v.version,
        title: &v.title,
        published_at: v.published_at,
        participants: v.participants,
    }
}

/// A version as its reader may know it: the public's summary, or all of it for organizers.
#[derive(Serialize)]
#[serde(untagged)]
enum VersionSeen<'a> {
    Public(PublicVersion<'a>),
    Organizer(&'a Version),
}

/// A page of a published board.
#[derive(Serialize)]
struct PublishedPage<'a> {
    version: VersionSeen<'a>,
    scope: &'a Scope,
    /// The scope's path, as in URLs.
    board: String,
    total: u64,
    lines: &'a [PublishedLine],
}

async fn board_json(
    state: &AppState,
    version: &Version,
    scope: String,
    q: PageQuery,
    audience: Audience,
) -> ApiResult<Response> {
    let scope = scope_of(&scope, version)?;
    let limit = q.limit.unwrap_or(100).min(MAX_PAGE);
    let (total, lines) = state
        .rankings()
        .published_page(version, &scope, q.offset.unwrap_or(0), limit, audience)
        .await?;
    let version = match audience {
        Audience::Public => VersionSeen::Public(public_summary(version)),
        Audience::Organizer => VersionSeen::Organizer(version),
    };
    Ok(Json(PublishedPage {
        version,
        board: scope.to_string(),
        scope: &scope,
        total,
        lines: &lines,
    })
    .into_response())
}

/// A page of a board of any version, for organizers (with student codes).
pub async fn version_board(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path((context, version, scope)): Path<(String, i64, String)>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Response> {
    require(&account, Action::ManageRankings, Target::Province)?;
    let version = version_of(&state, &context, Some(version)).await?;
    board_json(&state, &version, scope, q, Audience::Organizer).await
}

/// Contexts with a published version, each with its latest.
pub async fn latest_list(State(state): State<AppState>) -> ApiResult<Response> {
    let versions = state.store().latest_published().await?;
    let public: Vec<PublicVersion> = versions.iter().map(public_summary).collect();
    Ok(Json(public).into_response())
}

/// The latest version of a context.
pub async fn latest(
    State(state): State<AppState>,
    Path(context): Path<String>,
) -> ApiResult<Response> {
    let version = version_of(&state, &context, None).await?;
    Ok(Json(public_summary(&version)).into_response())
}

/// A page of a board of the latest version, for anyone.
pub async fn latest_board(
    State(state): State<AppState>,
    Path((context, scope)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Response> {
    let version = version_of(&state, &context, None).await?;
    board_json(&state, &version, scope, q, Audience::Public).await
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Xlsx,
}

pub async fn latest_csv(
    State(state): State<AppState>,
    Path((context, scope)): Path<(String, String)>,
) -> ApiResult<Response> {
    let version = version_of(&state, &context, None).await?;
    download(&state, &version, &scope, Format::Csv, Audience::Public).await
}

pub async fn latest_xlsx(
    State(state): State<AppState>,
    Path((context, scope)): Path<(String, String)>,
) -> ApiResult<Response> {
    let version = version_of(&state, &context, None).await?;
    download(&state, &version, &scope, Format::Xlsx, Audience::Public).await
}

pub async fn version_csv(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path((context, version, scope)): Path<(String, i64, String)>,
) -> ApiResult<Response> {
    require(&account, Action::ManageRankings, Target::Province)?;
    let version = version_of(&state, &context, Some(version)).await?;
    download(&state, &version, &scope, Format::Csv, Audience::Organizer).await
}

pub async fn version_xlsx(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path((context, version, scope)): Path<(String, i64, String)>,
) -> ApiResult<Response> {
    require(&account, Action::ManageRankings, Target::Province)?;
    let version = version_of(&state, &context, Some(version)).await?;
    download(&state, &version, &scope, Format::Xlsx, Audience::Organizer).await
}

const INDIVIDUAL_HEADERS: [&str; 8] = [
    "Hạng",
    "Học sinh",
    "Lớp",
    "Trường",
    "Điểm",
    "Thời gian (giây)",
    "Chênh lệch dự đoán",
    "Số lần làm bài",
];
const CODE_HEADER: &str = "Mã học sinh";
const COLLECTIVE_HEADERS: [&str; 8] = [
    "Hạng",
    "Đơn vị",
    "Mã",
    "Số học sinh tham gia",
    "Sĩ số",
    "Tỉ lệ tham gia (%)",
    "Điểm trung bình",
    "Tổng điểm",
];

fn key(line: &PublishedLine, i: usize) -> i64 {
    line.line.keys.get(i).copied().unwrap_or_default()
}

/// A board's lines as table rows (numbers in the dot-decimal form the game report uses).
fn rows(individual: bool, lines: &[PublishedLine], audience: Audience) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| {
            if individual {
                let mut row = vec![
                    l.line.rank.to_string(),
                    l.line.label.clone(),
                    l.class.clone().unwrap_or_default(),
                    l.school.clone().unwrap_or_default(),
                    key(l, 0).to_string(),
                    format!("{:.1}", key(l, 1) as f64 / 1000.0),
                    key(l, 2).to_string(),
                    key(l, 3).to_string(),
                ];
                if audience == Audience::Organizer {
                    row.push(l.line.member.clone().unwrap_or_default());
                }
                row
            } else {
                vec![
                    l.line.rank.to_string(),
                    l.line.label.clone(),
                    l.line.member.clone().unwrap_or_default(),
                    key(l, 3).to_string(),
                    l.enrolment.unwrap_or_default().to_string(),
                    format!("{:.1}", key(l, 0) as f64 / 10_000.0),
                    format!("{:.2}", key(l, 1) as f64 / 1000.0),
                    key(l, 2).to_string(),
                ]
            }
        })
        .collect()
}

/// What a board is, in words: «Cá nhân — Trường Tiểu học Kim Đồng».
async fn board_title(state: &AppState, scope: &Scope) -> ApiResult<String> {
    let commune = |code: &str| {
        let code = code.to_owned();
        async move {
            Ok::<_, ApiError>(
                state
                    .store()
                    .communes()
                    .await?
                    .into_iter()
                    .find(|c| c.code == code)
                    .map_or(code, |c| c.name),
            )
        }
    };
    let school = |code: &str| {
        let code = code.to_owned();
        async move {
            Ok::<_, ApiError>(
                state
                    .store()
                    .school_names()
                    .await?
                    .into_iter()
                    .find(|(c, _)| *c == code)
                    .map_or(code, |(_, name)| name),
            )
        }
    };
    Ok(match scope {
        Scope::Province => "Cá nhân — toàn tỉnh".to_owned(),
        Scope::Commune { commune: c } => format!("Cá nhân — {}", commune(c).await?),
        Scope::School { school: s } => format!("Cá nhân — {}", school(s).await?),
        Scope::Class { school: s, class } => {
            format!("Cá nhân — lớp {class}, {}", school(s).await?)
        }
        Scope::SchoolsOfProvince => "Các trường — toàn tỉnh".to_owned(),
        Scope::SchoolsOfCommune { commune: c } => {
            format!("Các trường — {}", commune(c).await?)
        }
        Scope::Communes => "Các xã, phường — toàn tỉnh".to_owned(),
        Scope::ClassesOfSchool { school: s } => format!("Các lớp — {}", school(s).await?),
        Scope::Players => "Người chơi".to_owned(),
    })
}

/// A file name of ASCII letters, digits and '-': `xep-hang-dot-1-v2-school-TH1.csv`.
fn file_name(version: &Version, scope: &Scope, extension: &str) -> String {
    let board: String = scope
        .to_string()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!(
        "xep-hang-{}-v{}-{board}.{extension}",
        version.context, version.version
    )
}

async fn download(
    state: &AppState,
    version: &Version,
    scope: &str,
    format: Format,
    audience: Audience,
) -> ApiResult<Response> {
    let scope = scope_of(scope, version)?;
    let _permit = EXPORTS
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let (_, lines) = state
        .rankings()
        .published_page(version, &scope, 0, u64::MAX / 2, audience)
        .await?;
    let mut headers: Vec<&str> = if scope.is_individual() {
        INDIVIDUAL_HEADERS.to_vec()
    } else {
        COLLECTIVE_HEADERS.to_vec()
    };
    if scope.is_individual() && audience == Audience::Organizer {
        headers.push(CODE_HEADER);
    }
    let heading = match format {
        Format::Csv => Vec::new(),
        Format::Xlsx => vec![
            version.title.clone(),
            board_title(state, &scope).await?,
            format!(
                "Phiên bản {}, công bố ngày {}",
                version.version,
                date_vn(version.published_at)
            ),
        ],
    };
    // A province-wide board is hundreds of thousands of rows: seconds of work, kept off the
    // workers that serve requests.
    let individual = scope.is_individual();
    let body = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<u8>> {
        let rows = rows(individual, &lines, audience);
        drop(lines);
        match format {
            Format::Csv => Ok(export::csv(&headers, &rows).into_bytes()),
            // Names, classes, schools and codes stay text («10A», «0123»).
            Format::Xlsx => export::table_xlsx("Xếp hạng", &heading, &headers, &rows, |c| {
                if individual {
                    matches!(c, 1..=3 | 8)
                } else {
                    matches!(c, 1 | 2)
                }
            }),
        }
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))??;
    let content_type = match format {
        Format::Csv => "text/csv; charset=utf-8",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
    let extension = match format {
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
    };
    Ok((
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    file_name(version, &scope, extension)
                ),
            ),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain_ascii() {
        let v = Version {
            id: 1,
            context: "dot-1".into(),
            version: 2,
            title: "Đợt 1".into(),
            reason: String::new(),
            published_by: "Quản trị".into(),
            published_at: 0,
            participants: 1,
        };
        let scope = Scope::Class {
            school: "TH1".into(),
            class: "5A".into(),
        };
        assert_eq!(
            file_name(&v, &scope, "csv"),
            "xep-hang-dot-1-v2-class-TH1-5A.csv"
        );
    }
}
