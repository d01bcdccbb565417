//! What a path names in the ranking vocabulary — a context and a scope — checked in one place
//! with the domain's one grammar (`domain::context`, `domain::scopes`), and refused with the
//! documented codes.

use super::error::{ApiError, ApiResult, Refusal};
use crate::domain::context::Context;
use crate::domain::scopes::Scope;

/// A context from a path, or 422 `invalid_context`.
pub fn context(text: &str) -> ApiResult<Context> {
    text.parse()
        .map_err(|_| ApiError::from(Refusal::InvalidContext))
}

/// A context results may be recorded or published under: a round or an event, not a live
/// game's (`game-{id}`), whose board is fed by its room.
pub fn round(text: &str) -> ApiResult<Context> {
    let context = context(text)?;
    if context.game().is_some() {
        return Err(Refusal::GameContext.into());
    }
    Ok(context)
}

/// A scope of `context` from a path, or 422 `invalid_scope`: a live game's board has only
/// its `players`, a round every other scope.
pub fn scope(text: &str, context: &Context) -> ApiResult<Scope> {
    match text.parse::<Scope>() {
        Ok(scope) if scope.belongs_to(context) => Ok(scope),
        _ if context.game().is_some() => Err(Refusal::GameScope.into()),
        _ => Err(Refusal::InvalidScope.into()),
    }
}
