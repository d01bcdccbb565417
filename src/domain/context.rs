//! A ranking context: what results are ranked within — a contest round (`dot-1`), an event
//! (`ngay-10-10`) or one live game (`game-17`, whose only board is its players). One grammar,
//! parsed once at the edge (a URL, a `watch`, a command line) and typed after.

use std::fmt;
use std::str::FromStr;

use super::GameId;

/// Longest context name.
pub const MAX_CONTEXT_CHARS: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// A contest round or an event: lowercase letters, digits and `-`, as in URLs.
    Round(String),
    /// A live game's board, fed by its room: `game-{id}`.
    Game(GameId),
}

/// Why a text is not a context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a context is 1–{MAX_CONTEXT_CHARS} lowercase letters, digits and '-'")]
pub struct ContextError;

impl Context {
    /// The game of a live game's context.
    pub fn game(&self) -> Option<GameId> {
        match self {
            Context::Game(id) => Some(*id),
            Context::Round(_) => None,
        }
    }
}

impl FromStr for Context {
    type Err = ContextError;

    fn from_str(s: &str) -> Result<Context, ContextError> {
        let slug = (1..=MAX_CONTEXT_CHARS).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug {
            return Err(ContextError);
        }
        // Digits only, no leading zero: «game-01» or «game-+1» are rounds of their own names,
        // not game 1, so each game has exactly one context.
        let game = s
            .strip_prefix("game-")
            .filter(|id| !id.is_empty() && !id.starts_with('0'))
            .filter(|id| id.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|id| id.parse().ok());
        Ok(match game {
            Some(id) => Context::Game(GameId::new(id)),
            None => Context::Round(s.to_owned()),
        })
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Context::Round(name) => f.write_str(name),
            Context::Game(id) => write!(f, "game-{id}"),
        }
    }
}

impl serde::Serialize for Context {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_parse_and_print_the_same() {
        for text in ["dot-1", "ngay-10-10", "game-17", "game-01", "game-", "a"] {
            let context: Context = text.parse().unwrap();
            assert_eq!(context.to_string(), text);
        }
        assert_eq!("game-17".parse(), Ok(Context::Game(GameId::new(17))));
        assert_eq!("game-01".parse(), Ok(Context::Round("game-01".into())));
        assert_eq!("dot-1".parse::<Context>().unwrap().game(), None);
        for bad in ["", "Dot-1", "dot 1", "dot/1", "đợt-1", &"a".repeat(61)] {
            assert_eq!(bad.parse::<Context>(), Err(ContextError), "{bad:?}");
        }
    }
}
