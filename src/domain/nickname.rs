//! A player's nickname in a live game: parsed once at the edge, valid everywhere after.

use std::fmt;

use super::text;

/// Longest nickname, in characters after trimming and NFC normalization.
pub const MAX_NICKNAME_CHARS: usize = 20;

/// A nickname: 1–20 characters after trimming and NFC-normalizing, with no control or invisible
/// characters and no letter buried under marks.
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
    #[error("nickname contains control, invisible or stacked characters")]
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
        if s.chars().any(|c| c.is_control() || is_invisible(c)) || has_stacked_marks(&s) {
            return Err(NicknameError::ControlCharacter);
        }
        Ok(Nickname(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key under which nicknames must be unique in a game: case, spacing and look-alike
    /// letters do not make two players distinguishable on a projector ("Nam", "NAM" and "Nаm"
    /// with a Cyrillic «а» are one name), but marks do ("Lan" and "Lân" are two names).
    pub fn unique_key(&self) -> String {
        text::looks_like_key(&text::same_key(&self.0))
    }
}

/// Characters that render as nothing (or as a blank a projector cannot tell from a space) and
/// would let a nickname be empty to the eye, or two nicknames look identical: Unicode's
/// Default_Ignorable_Code_Point (soft hyphen, joiners, bidirectional marks, Hangul fillers,
/// variation selectors, tag characters…) and the blank Braille pattern.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// More than this many combining marks on one letter is no language's spelling (Vietnamese
/// needs two at most, and NFC composes them): it is text stacked to spill over other names.
const MAX_MARKS_PER_LETTER: usize = 2;

fn has_stacked_marks(s: &str) -> bool {
    let mut run = 0;
    for c in s.chars() {
        if unicode_normalization::char::is_combining_mark(c) {
            run += 1;
            if run > MAX_MARKS_PER_LETTER {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
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
    fn unique_key_ignores_case_spacing_and_look_alikes_but_not_marks() {
        let key = |s: &str| Nickname::parse(s).unwrap().unique_key();
        assert_eq!(key("Nam"), key("NAM"));
        assert_eq!(key("Thu  Hà"), key("thu hà"));
        assert_eq!(key("Nam"), key("N\u{0430}m"), "Cyrillic а");
        assert_eq!(key("Nam"), key("\u{FF2E}\u{FF41}\u{FF4D}"), "fullwidth");
        assert_eq!(
            key("Hà"),
            key("H\u{0430}\u{0300}"),
            "a Cyrillic а under a grave"
        );
        assert_ne!(key("Lan"), key("Lân"));
        assert_ne!(key("Lan"), key("Lán"));
        assert_ne!(key("Đức"), key("Dức"));
    }

    #[test]
    fn invisible_and_stacked_characters_are_refused() {
        // Each of these renders as nothing (or a blank) on a projector.
        for c in [
            '\u{00AD}',
            '\u{3164}',
            '\u{2800}',
            '\u{180E}',
            '\u{034F}',
            '\u{115F}',
            '\u{E0041}',
            '\u{FE0F}',
            '\u{2064}',
        ] {
            assert_eq!(
                Nickname::parse(&format!("Lan{c}")),
                Err(NicknameError::ControlCharacter),
                "U+{:04X}",
                c as u32
            );
            assert_eq!(
                Nickname::parse(&c.to_string()),
                Err(NicknameError::ControlCharacter),
                "U+{:04X} alone",
                c as u32
            );
        }
        assert_eq!(
            Nickname::parse("Z\u{0301}\u{0302}\u{0303}\u{0304}algo"),
            Err(NicknameError::ControlCharacter)
        );
        // Vietnamese typed with combining marks is composed, not refused.
        assert_eq!(
            Nickname::parse("Nguye\u{0302}\u{0303}n").unwrap().as_str(),
            "Nguyễn"
        );
    }
}
