//! Certificates of a published version: the list with codes and the PDF for those who answer
//! for the winners' units, and the public check of a code.

use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::access::{own_school, province_wide, school_target};
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult, Refusal};
use super::params;
use super::report_files::content_disposition;
use crate::certificates::{self, layout, Certificate, Issued};
use crate::domain::access::{may, Action, Role, Target};
use crate::domain::awards::Holder;
use crate::storage::published::Version;
use crate::storage::Account;
use crate::transport::AppState;

/// Who may print which certificate: the rule's view of the unit a certificate belongs to.
fn target(c: &Certificate) -> Target<'_> {
    match (c.holder, &c.school_code, &c.commune_code) {
        (Holder::Commune, _, Some(commune)) => Target::Commune(commune),
        (_, Some(school), Some(commune)) => Target::School {
            code: school,
            commune,
        },
        // A winner no longer on any roster: the province's alone.
        _ => Target::Province,
    }
}

/// The account may print certificates for some unit: an organizer, a commune officer, a
/// school admin of an existing school. Others are refused outright rather than shown an
/// empty list.
async fn may_print_any(state: &AppState, account: &Account) -> ApiResult<()> {
    if province_wide(account, Action::PrintCertificates) {
        return Ok(());
    }
    let allowed = match account.role {
        Role::CommuneOfficer => account.unit.as_deref().is_some_and(|c| {
            may(
                &account.actor(),
                Action::PrintCertificates,
                Target::Commune(c),
            )
        }),
        Role::SchoolAdmin => own_school(state, account).await?.is_some_and(|s| {
            may(
                &account.actor(),
                Action::PrintCertificates,
                school_target(&s),
            )
        }),
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

async fn version(state: &AppState, context: &str, number: i64) -> ApiResult<Version> {
    let context = params::context(context)?;
    state
        .store()
        .published_version(&context.to_string(), Some(number))
        .await?
        .ok_or(ApiError::NotFound)
}

/// The version's certificates that `account` may print.
async fn issued_for(
    state: &AppState,
    account: &Account,
    context: &str,
    number: i64,
) -> ApiResult<Issued> {
    may_print_any(state, account).await?;
    let version = version(state, context, number).await?;
    let mut issued =
        certificates::issue(state.store(), &version, Some(crate::storage::unix_ms())).await?;
    let actor = account.actor();
    issued
        .certificates
        .retain(|c| may(&actor, Action::PrintCertificates, target(c)));
    Ok(issued)
}

/// `GET /api/rankings/{context}/versions/{n}/certificates`
pub async fn list(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path((context, number)): Path<(String, i64)>,
) -> ApiResult<Json<Issued>> {
    Ok(Json(issued_for(&state, &account, &context, number).await?))
}

#[derive(Debug, Deserialize)]
pub struct PdfQuery {
    /// All of one school: its pupils' and staff's certificates and its own.
    school: Option<String>,
    /// One certificate, by its code.
    code: Option<String>,
    /// `a4` (default) or `a5`, landscape.
    #[serde(default)]
    paper: layout::Paper,
}

/// `GET /api/rankings/{context}/versions/{n}/certificates.pdf?school=…|code=…`
pub async fn pdf(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path((context, number)): Path<(String, i64)>,
    Query(q): Query<PdfQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let issued = issued_for(&state, &account, &context, number).await?;
    let code = q.code.as_deref().map(crate::contest::cards::normalize);
    let chosen: Vec<&Certificate> = issued
        .certificates
        .iter()
        .filter(|c| {
            q.school
                .as_deref()
                .is_none_or(|s| c.school_code.as_deref() == Some(s))
        })
        .filter(|c| {
            code.as_deref()
                .is_none_or(|k| crate::contest::cards::normalize(&c.code) == k)
        })
        .collect();
    if chosen.is_empty() {
        return Err(ApiError::NotFound);
    }
    let verify = format!(
        "{}/verify.html",
        super::network::join_base(&state, &headers)
    );
    let bytes = layout::render(&issued, &chosen, &verify, q.paper).map_err(anyhow::Error::from)?;
    let mut name = format!("giay-chung-nhan-{}-v{}", issued.context, issued.version);
    if let Some(school) = &q.school {
        name.push('-');
        name.push_str(&school.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    } else if chosen.len() == 1 {
        name.push('-');
        name.push_str(&chosen[0].code);
    }
    name.push_str(".pdf");
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (CONTENT_DISPOSITION, content_disposition(&name, &name)),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// What the public learns from a code: what the paper should say, and where it comes from.
/// No student code.
#[derive(Debug, Serialize)]
pub struct Checked {
    pub code: String,
    pub context: String,
    pub version: i64,
    pub contest: String,
    pub title: String,
    pub published_at: i64,
    pub holder: Holder,
    pub name: String,
    pub unit: String,
    pub award: String,
    pub detail: Option<String>,
    /// The latest version of the context, when a correction came after this one.
    pub superseded_by: Option<i64>,
}

/// `GET /api/certificate-codes/{code}`: public. The code is looked up, then the certificate
/// is worked out again from its published version and must be among that version's awards.
pub async fn check(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<Checked>> {
    let normalized = crate::contest::cards::normalize(&code);
    let refused = || ApiError::Refused(Refusal::UnknownCertificate);
    if normalized.len() != 10 {
        return Err(refused());
    }
    let store = state.store();
    let row = store.certificate(&normalized).await?.ok_or_else(refused)?;
    let (context, number) = store
        .version_of_id(row.version_id)
        .await?
        .ok_or_else(refused)?;
    let version = store
        .published_version(&context, Some(number))
        .await?
        .ok_or_else(refused)?;
    let issued = certificates::issue(store, &version, None).await?;
    let cert = issued
        .certificates
        .iter()
        .find(|c| crate::contest::cards::normalize(&c.code) == normalized)
        .ok_or_else(refused)?;
    let latest = store.published_version(&context, None).await?;
    Ok(Json(Checked {
        code: cert.code.clone(),
        context: issued.context.clone(),
        version: issued.version,
        contest: issued.contest.clone(),
        title: issued.title.clone(),
        published_at: issued.published_at,
        holder: cert.holder,
        name: cert.name.clone(),
        unit: cert.unit.clone(),
        award: cert.award.clone(),
        detail: cert.detail.clone(),
        superseded_by: latest
            .map(|v| v.version)
            .filter(|&latest| latest > issued.version),
    }))
}
