//! Finding citations in text however writers spell them: folding marks, case and spacing
//! away, and reading `number/year` with the kind of instrument named before it.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// The kinds of legal instrument questions cite, by the word a citation puts before a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Luat,
    NghiDinh,
    ThongTu,
    QuyetDinh,
    NghiQuyet,
    ChiThi,
    CongVan,
}

/// Folded kind words: how a title starts, and what a citation may put before a number.
pub(super) const KIND_WORDS: [(&str, Kind); 7] = [
    ("nghi dinh", Kind::NghiDinh),
    ("thong tu", Kind::ThongTu),
    ("quyet dinh", Kind::QuyetDinh),
    ("nghi quyet", Kind::NghiQuyet),
    ("chi thi", Kind::ChiThi),
    ("cong van", Kind::CongVan),
    ("luat", Kind::Luat),
];

/// Abbreviations writers put before a number ("NĐ 13/2023"); never the start of a title.
pub(super) const KIND_ABBREVIATIONS: [(&str, Kind); 5] = [
    ("nd", Kind::NghiDinh),
    ("tt", Kind::ThongTu),
    ("qd", Kind::QuyetDinh),
    ("nq", Kind::NghiQuyet),
    ("ct", Kind::ChiThi),
];

/// A `number/year` found in folded text, with what surrounds it.
#[derive(Debug, PartialEq)]
pub(super) struct DatedCitation {
    pub(super) num: u32,
    pub(super) year: u16,
    /// The issuer's suffix after a third `/`, if written.
    pub(super) suffix: Option<String>,
    /// The kind word just before the number, if any.
    pub(super) kind: Option<Kind>,
}

/// Every `number/yyyy` of `chars` (folded text) that stands on its own: not the end of a date
/// like 17/4/2023 (a `/` before it) and not part of a longer word.
pub(super) fn dated_numbers(chars: &[char]) -> Vec<DatedCitation> {
    let mut found = Vec::new();
    let digits_from = |i: usize| chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || "/-.".contains(chars[i - 1])));
        if !starts {
            i += 1;
            continue;
        }
        let n1 = digits_from(i);
        let slash = i + n1;
        let n2 = if chars.get(slash) == Some(&'/') {
            digits_from(slash + 1)
        } else {
            0
        };
        let end = slash + 1 + n2;
        let free_end = chars.get(end).is_none_or(|c| !c.is_alphanumeric());
        if n2 == 4 && free_end {
            let num: String = chars[i..slash].iter().collect();
            let year: String = chars[slash + 1..end].iter().collect();
            let suffix = (chars.get(end) == Some(&'/')).then(|| {
                let s: String = chars[end + 1..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric() || **c == '-')
                    .collect();
                s.trim_end_matches('-').to_owned()
            });
            let before: String = chars[..i].iter().collect();
            if let (Ok(num), Ok(year)) = (num.parse(), year.parse()) {
                found.push(DatedCitation {
                    num,
                    year,
                    suffix: suffix.filter(|s| !s.is_empty()),
                    kind: kind_before(&before),
                });
            }
        }
        i += n1.max(1);
    }
    found
}

/// The kind word that ends `before` (folded text up to a number), if any.
pub(super) fn kind_before(before: &str) -> Option<Kind> {
    let before = before.trim_end();
    KIND_WORDS
        .iter()
        .chain(&KIND_ABBREVIATIONS)
        .find(|(word, _)| {
            before
                .strip_suffix(word)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with(' '))
        })
        .map(|&(_, kind)| kind)
}

/// Text folded for matching citations: no marks, «đ» as «d», lower case, every run of other
/// characters one space except «/» and «-», which numbers need; no spaces around «/»; the word
/// «số» before a number and «năm» before a year dropped.
pub fn fold(s: &str) -> String {
    let mut raw = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => raw.push('d'),
            // Hyphens that look like «-»; the en and em dashes separate, they never join.
            '-' | '\u{2010}' | '\u{2011}' => raw.push('-'),
            '/' => raw.push('/'),
            c if c.is_alphanumeric() => raw.extend(c.to_lowercase()),
            _ => raw.push(' '),
        }
    }
    let joined = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" /", "/")
        .replace("/ ", "/");
    let tokens: Vec<&str> = joined.split(' ').collect();
    let mut out: Vec<&str> = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).copied().unwrap_or_default();
        let drop = (*t == "so" && next.starts_with(|c: char| c.is_ascii_digit()))
            || (*t == "nam" && starts_with_year(next));
        if !drop {
            out.push(t);
        }
    }
    out.join(" ")
}

pub(super) fn starts_with_year(token: &str) -> bool {
    let digits = token.chars().take_while(char::is_ascii_digit).count();
    digits == 4
}

pub(super) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether folded `text` starts with the folded words `words`, ending at a word boundary.
pub(super) fn starts_with_words(text: &str, words: &str) -> bool {
    text.strip_prefix(words)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

/// Whether `needle` occurs in `haystack` (both folded) as whole words: nothing alphanumeric
/// before it, and nothing alphanumeric or «/» after it ("nghi dinh 13" is not in "nghi dinh
/// 13/2024", which is another decree).
pub(super) fn contains_bounded(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric())
            && after.is_none_or(|c| !c.is_alphanumeric() && c != '/')
    })
}
