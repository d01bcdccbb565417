//! A player's nickname in a live game: parsed once at the edge, valid everywhere after.

use std::fmt;

use super::text;

/// Longest nickname, in characters after trimming and NFC normalization.
pub const MAX_NICKNAME_CHARS: usize = 20;

/// A nickname: 1–20 characters after trimming and NFC-normalizing, with no control characters.
/// Escaping for display is the page's job; the nickname keeps what the student typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nickname(String);

/// Why a nickname was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NicknameError {
    #[error("nickname is empty")]
    Empty,
    #[error("nickname is longer than {MAX_NICKNAME_CHARS} characters")]
    TooLong,
    #[error("nickname contains control characters")]
    ControlCharacter,
}

impl Nickname {
    pub fn parse(raw: &str) -> Result<Self, NicknameError> {
        let s = text::normalize(raw);
        if s.is_empty() {
            return Err(NicknameError::Empty);
        }
        if text::char_len(&s) > MAX_NICKNAME_CHARS {
            return Err(NicknameError::TooLong);
        }
        if s.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err(NicknameError::ControlCharacter);
        }
        Ok(Nickname(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key under which nicknames must be unique in a game: case and spacing do not make two
    /// players distinguishable on a projector ("Nam" and "NAM" are one name), but marks do
    /// ("Lan" and "Lân" are two Vietnamese names).
    pub fn unique_key(&self) -> String {
        text::same_key(&self.0)
    }
}

/// Characters that render as nothing and would let two nicknames look identical.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

impl fmt::Display for Nickname {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_normalizes() {
        let n = Nickname::parse("  Tu\u{0300}ng  ").unwrap();
        assert_eq!(n.as_str(), "Tùng");
    }

    #[test]
    fn rejects_empty_long_and_control() {
        assert_eq!(Nickname::parse("   "), Err(NicknameError::Empty));
        assert_eq!(
            Nickname::parse(&"a".repeat(21)),
            Err(NicknameError::TooLong)
        );
        assert!(
            Nickname::parse(&"ệ".repeat(20)).is_ok(),
            "20 Vietnamese letters fit"
        );
        assert_eq!(
            Nickname::parse("a\u{7}b"),
            Err(NicknameError::ControlCharacter)
        );
        assert_eq!(
            Nickname::parse("a\u{200B}"),
            Err(NicknameError::ControlCharacter)
        );
    }

    #[test]
    fn unique_key_ignores_case_and_spacing_but_not_marks() {
        let key = |s: &str| Nickname::parse(s).unwrap().unique_key();
        assert_eq!(key("Nam"), key("NAM"));
        assert_eq!(key("Thu  Hà"), key("thu hà"));
        assert_ne!(key("Lan"), key("Lân"));
    }
}
