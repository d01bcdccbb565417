//! Reading single cells the way teachers fill them in: numbers typed as text, lists of option
//! numbers written "1,3" or "1; 3", headers with a Vietnamese label and a key in brackets.

use super::super::text;

/// The key of a header cell: the text inside its last brackets, else the whole cell, in lower
/// case. "Câu hỏi (text)" and "text" both name the column `text`.
pub fn key_of(cell: &str) -> String {
    let cell = cell.trim();
    let inner = cell
        .strip_suffix(')')
        .and_then(|c| c.rsplit_once('(').map(|(_, k)| k))
        .unwrap_or(cell);
    inner.trim().to_lowercase()
}

/// The trimmed NFC text of cell `c` of `row`, empty past the row's end.
pub fn get(row: &[String], c: Option<usize>) -> String {
    c.and_then(|c| row.get(c))
        .map(|s| text::normalize(s))
        .unwrap_or_default()
}

/// Items of a list cell, split on commas, semicolons and spaces.
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', ';', ' ', '\n']).filter(|p| !p.is_empty())
}

/// A whole number; "20" and "20.0" (a spreadsheet's float) both read as 20.
pub fn whole(s: &str) -> Option<i64> {
    let s = s.trim();
    s.parse::<i64>().ok().or_else(|| {
        let f = s.parse::<f64>().ok()?;
        (f.fract() == 0.0 && f.abs() < 1e15).then_some(f as i64)
    })
}

/// A finite number with a decimal point (a comma is refused: "1,5" could be a list).
pub fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Option numbers, e.g. "2" or "1, 3". A dot separates them too: Excel with Vietnamese
/// settings (decimal comma) turns a typed "1,3" into the number 1.3, which reads back "1.3".
pub fn option_numbers(s: &str) -> Result<Vec<i64>, String> {
    s.split([',', ';', ' ', '\n', '.'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            whole(p).ok_or_else(|| {
                format!("đáp án đúng {s:?} phải là số thứ tự phương án, ví dụ 2 hoặc 1,3")
            })
        })
        .collect()
}

/// Whether `s` is a bank or question id: lowercase letters, digits and '-'.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `s` is a calendar date `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return false;
    }
    let (y, m, d): (i64, u32, u32) = (
        y.parse().unwrap_or(0),
        m.parse().unwrap_or(0),
        d.parse().unwrap_or(0),
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// The civil date `(year, month, day)` `days` after 1970-01-01 (the civil-from-days
/// algorithm of Howard Hinnant's date library).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The date `days` after 1970-01-01, as `YYYY-MM-DD`. For "today" and for dates typed into a
/// spreadsheet.
pub fn date_from_days(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_keys_come_from_the_brackets() {
        assert_eq!(key_of("Câu hỏi (text)"), "text");
        assert_eq!(key_of(" Kind "), "kind");
        assert_eq!(key_of("Thời gian, giây (time_limit)"), "time_limit");
    }

    #[test]
    fn numbers_and_lists_as_typed() {
        assert_eq!(whole("20.0"), Some(20));
        assert_eq!(whole("20.5"), None);
        assert_eq!(option_numbers("1, 3;4"), Ok(vec![1, 3, 4]));
        assert_eq!(option_numbers("1.3"), Ok(vec![1, 3]));
        assert!(option_numbers("B").is_err());
        assert_eq!(number("1,5"), None);
        assert_eq!(number("inf"), None);
    }

    #[test]
    fn dates() {
        assert_eq!(date_from_days(0), "1970-01-01");
        assert_eq!(date_from_days(20_597), "2026-05-24");
        assert_eq!(date_from_days(11_016), "2000-02-29");
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("25/11/2026"));
    }
}
