//! The access rule (`domain::access::may`) for handlers: a refusal becomes `forbidden`, and a
//! school named in a request is read once with its commune, so the rule sees the whole unit.

use super::error::{ApiError, ApiResult};
use crate::domain::access::{may, Action, Target, UnitKind};
use crate::storage::{Account, SchoolUnit};
use crate::transport::AppState;

/// `Ok` when `account` may do `action` on `target`, else `forbidden`.
pub fn require(account: &Account, action: Action, target: Target<'_>) -> ApiResult<()> {
    if may(&account.actor(), action, target) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Whether `account` may do `action` to everything of its kind (every game, every school):
/// handlers that list use it to choose between everything and the account's own.
pub fn province_wide(account: &Account, action: Action) -> bool {
    may(&account.actor(), action, Target::Province)
}

/// The school `code`, or `not_found`.
pub async fn school(state: &AppState, code: &str) -> ApiResult<SchoolUnit> {
    state
        .store()
        .school_unit(code)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The school an account is bound to, if any and if it still exists.
pub async fn own_school(state: &AppState, account: &Account) -> ApiResult<Option<SchoolUnit>> {
    match (account.role.unit(), &account.unit) {
        (UnitKind::School | UnitKind::OptionalSchool, Some(code)) => {
            Ok(state.store().school_unit(code).await?)
        }
        _ => Ok(None),
    }
}

/// The rule's view of a school.
pub fn school_target(school: &SchoolUnit) -> Target<'_> {
    Target::School {
        code: &school.code,
        commune: &school.commune,
    }
}
