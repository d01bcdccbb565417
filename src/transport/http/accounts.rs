//! Accounts: the organizer creates accounts of every role, each bound to its unit (a commune
//! officer to a commune, a school admin to a school, a teacher optionally to a school); a school
//! admin creates the teachers of its school and lists its school's accounts.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{own_school, province_wide, require, school_target};
use super::auth::{hash_password, CurrentAccount};
use super::error::{ApiError, ApiResult, Refusal, UnitProblem};
use crate::domain::access::{Action, Target, UnitKind};
use crate::domain::text;
use crate::storage::{Account, Inserted, Role};
use crate::transport::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    username: String,
    display_name: String,
    password: String,
    /// A teacher when left out (what this API created before roles had units).
    #[serde(default)]
    role: Option<Role>,
    /// The commune or school code the account is bound to. A school admin creating a teacher
    /// may leave it out: the teacher is then of the admin's school.
    #[serde(default)]
    unit: Option<String>,
}

fn invalid_unit(problem: UnitProblem) -> ApiError {
    Refusal::InvalidUnit(problem).into()
}

pub async fn create(
    State(state): State<AppState>,
    CurrentAccount(me): CurrentAccount,
    Json(body): Json<NewAccount>,
) -> ApiResult<Json<Value>> {
    let role = body.role.unwrap_or(Role::Teacher);
    let unit = match body.unit.as_deref().map(str::trim) {
        Some("") | None if role == Role::Teacher && me.role == Role::SchoolAdmin => me.unit.clone(),
        Some("") | None => None,
        Some(code) => Some(code.to_owned()),
    };
    // The unit is checked before the rule, which needs to know the school's commune; a unit
    // that does not exist is `invalid_unit` whoever asks (codes are public).
    let school_unit = match (role.unit(), unit.as_deref()) {
        (UnitKind::None, None) => None,
        (UnitKind::None, Some(_)) => return Err(invalid_unit(UnitProblem::OrganizerHasNone)),
        (UnitKind::Commune, Some(code)) => {
            if !state.store().commune_exists(code).await? {
                return Err(invalid_unit(UnitProblem::NoSuchCommune));
            }
            None
        }
        (UnitKind::Commune, None) => return Err(invalid_unit(UnitProblem::CommuneRequired)),
        (UnitKind::School | UnitKind::OptionalSchool, Some(code)) => Some(
            state
                .store()
                .school_unit(code)
                .await?
                .ok_or_else(|| invalid_unit(UnitProblem::NoSuchSchool))?,
        ),
        (UnitKind::School, None) => return Err(invalid_unit(UnitProblem::SchoolRequired)),
        (UnitKind::OptionalSchool, None) => None,
    };
    let target = match (&school_unit, unit.as_deref()) {
        (Some(school), _) => school_target(school),
        (None, Some(commune)) => Target::Commune(commune),
        (None, None) => Target::Province,
    };
    require(&me, Action::CreateAccount(role), target)?;

    let username = body.username.trim().to_lowercase();
    let valid_name = (3..=40).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !valid_name {
        return Err(Refusal::InvalidUsername.into());
    }
    let display_name = text::normalize(&body.display_name);
    if display_name.is_empty() || text::char_len(&display_name) > 80 {
        return Err(Refusal::InvalidDisplayName.into());
    }
    if body.password.chars().count() < 8 || body.password.len() > 200 {
        return Err(Refusal::WeakPassword.into());
    }
    // Hashed on the server's few hashing threads like a sign-in, so account creation cannot
    // be used to run more argon2 at once than the server is sized for.
    let password = body.password;
    let hash = state
        .password_gate()
        .run(move || hash_password(&password))
        .await
        .map_err(|_| ApiError::from(Refusal::HashesBusy))??;
    // The unique constraint decides, not a look-up before: two organizers creating the same
    // name at the same moment both get an answer, one of them `username_taken`.
    let created = state
        .store()
        .create_account(&username, &display_name, role, unit.as_deref(), &hash)
        .await?;
    let Inserted::New(id) = created else {
        return Err(Refusal::UsernameTaken.into());
    };
    tracing::info!(%username, role = role.as_str(), unit = ?unit, by = %me.username, "account created");
    Ok(Json(
        json!({ "id": id, "username": username, "role": role, "unit": unit }),
    ))
}

/// Every account for the organizer; the accounts of its school for a school admin.
pub async fn list(
    State(state): State<AppState>,
    CurrentAccount(me): CurrentAccount,
) -> ApiResult<Json<Vec<Account>>> {
    if province_wide(&me, Action::ListAccounts) {
        return Ok(Json(state.store().list_accounts(None).await?));
    }
    let school = own_school(&state, &me).await?.ok_or(ApiError::Forbidden)?;
    require(&me, Action::ListAccounts, school_target(&school))?;
    Ok(Json(state.store().list_accounts(Some(&school.code)).await?))
}
