//! The access rule (`domain::access::may`) for handlers: a refusal becomes `forbidden`, and a
//! school named in a request is read once with its commune, so the rule sees the whole unit.

use super::error::{ApiError, ApiResult};
use crate::domain::access::{may, Action, Target, UnitKind};
use crate::storage::{Account, BankOwner, QuizAccess, SchoolUnit};
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

/// The rule's view of a bank: the province's banks are one target, a teacher's private bank
/// its owner and the owner's school.
pub fn bank_target(owner: &BankOwner) -> Target<'_> {
    match owner.owner {
        None => Target::Province,
        Some(id) => Target::PrivateBank {
            owner: id,
            school: owner.school.as_deref(),
        },
    }
}

/// The rule's view of a quiz.
pub fn quiz_target(quiz: &QuizAccess) -> Target<'_> {
    Target::Quiz {
        owner: quiz.owner,
        school: quiz.school.as_deref(),
        shared: quiz.shared,
    }
}

/// Whether `account` may use (see, export, build quizzes from) the bank `id`. A bank it may
/// not see is answered as one that does not exist, so private banks do not show their ids.
pub async fn may_use_bank(state: &AppState, account: &Account, id: &str) -> ApiResult<bool> {
    Ok(match state.store().bank_owner(id).await? {
        Some(owner) => may(&account.actor(), Action::UseBanks, bank_target(&owner)),
        None => false,
    })
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
