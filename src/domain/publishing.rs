//! What a published version of a ranking must say about itself: a title (the contest's name),
//! and — for a correction, any version after the first — the reason for it. Published lines
//! themselves are frozen copies of the live boards; see `rankings::published`.

use super::text::{char_len, normalize};

/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest reason, in characters.
pub const MAX_REASON: usize = 1000;

/// Why a publication is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    #[error("the title must have 1 to {MAX_TITLE} characters")]
    Title,
    #[error("a correction must say why it is made")]
    ReasonRequired,
    #[error("the reason may have at most {MAX_REASON} characters")]
    ReasonTooLong,
}

/// A checked title and reason, NFC-normalized and trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub title: String,
    pub reason: String,
}

/// Checks a request to publish. `previous_title` is the title of the context's latest version,
/// if it has one: then this is a correction, which needs a reason, and may keep that title by
/// leaving its own empty.
pub fn check(
    title: Option<&str>,
    reason: Option<&str>,
    previous_title: Option<&str>,
) -> Result<Publication, PublishError> {
    let title = normalize(title.unwrap_or_default().trim());
    let title = match (title.is_empty(), previous_title) {
        (true, Some(previous)) => previous.to_owned(),
        _ => title,
    };
    if !(1..=MAX_TITLE).contains(&char_len(&title)) || title.chars().any(char::is_control) {
        return Err(PublishError::Title);
    }
    let reason = normalize(reason.unwrap_or_default().trim());
    if reason.is_empty() && previous_title.is_some() {
        return Err(PublishError::ReasonRequired);
    }
    if char_len(&reason) > MAX_REASON {
        return Err(PublishError::ReasonTooLong);
    }
    Ok(Publication { title, reason })
}

/// The calendar date of a Unix-millisecond time in Vietnam (UTC+7 all year), as `dd/mm/yyyy`.
pub fn date_vn(unix_ms: i64) -> String {
    let days = (unix_ms + 7 * 3_600_000).div_euclid(86_400_000);
    let (year, month, day) = super::sheet::cells::civil_from_days(days);
    format!("{day:02}/{month:02}/{year}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_vietnamese_calendar_days() {
        assert_eq!(date_vn(0), "01/01/1970");
        // 2025-10-10 00:30 in Vietnam is still 9 October in UTC.
        assert_eq!(date_vn(1_760_031_000_000), "10/10/2025");
        assert_eq!(date_vn(1_760_029_199_000), "09/10/2025");
        assert_eq!(date_vn(951_782_400_000), "29/02/2000");
    }

    #[test]
    fn a_first_version_needs_a_title_but_no_reason() {
        let p = check(Some("  Hội thi An toàn số — Đợt 1 "), None, None).unwrap();
        assert_eq!(p.title, "Hội thi An toàn số — Đợt 1");
        assert_eq!(p.reason, "");
        assert_eq!(
            check(Some("   "), Some("lần đầu"), None),
            Err(PublishError::Title)
        );
        assert_eq!(
            check(Some(&"x".repeat(MAX_TITLE + 1)), None, None),
            Err(PublishError::Title)
        );
        assert_eq!(check(Some("a\u{7}b"), None, None), Err(PublishError::Title));
    }

    #[test]
    fn a_correction_needs_a_reason_and_may_keep_the_title() {
        assert_eq!(
            check(Some("Đợt 1"), Some("  "), Some("Đợt 1")),
            Err(PublishError::ReasonRequired)
        );
        let p = check(None, Some("Chấm lại câu 7"), Some("Đợt 1")).unwrap();
        assert_eq!(
            (p.title.as_str(), p.reason.as_str()),
            ("Đợt 1", "Chấm lại câu 7")
        );
        assert_eq!(
            check(None, Some(&"x".repeat(MAX_REASON + 1)), Some("Đợt 1")),
            Err(PublishError::ReasonTooLong)
        );
    }

    #[test]
    fn text_is_stored_nfc() {
        // "ộ" typed as o + combining circumflex + combining dot below.
        let p = check(Some("Ho\u{302}\u{323}i thi"), None, None).unwrap();
        assert_eq!(p.title, "Hội thi");
    }
}
