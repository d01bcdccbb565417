//! Text rules shared by banks, nicknames and imports: Vietnamese text is stored NFC-normalized,
//! and lengths are counted in characters a person sees, not bytes.

use unicode_normalization::{is_nfc, UnicodeNormalization};

/// The NFC form of `s`, trimmed. Input from keyboards and spreadsheets arrives in either form
/// ("ệ" as one code point or as "e" + two combining marks); stored text is always NFC.
pub fn normalize(s: &str) -> String {
    let trimmed = s.trim();
    if is_nfc(trimmed) {
        trimmed.to_owned()
    } else {
        trimmed.nfc().collect()
    }
}

/// Whether `s` is already in NFC.
pub fn is_normalized(s: &str) -> bool {
    is_nfc(s)
}

/// Length in Unicode scalar values of NFC text: what a person counts as characters for
/// Vietnamese (precomposed letters are one scalar each).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// A key under which two texts are "the same" to a reader who sees both: case and spacing
/// ignored, but marks and punctuation kept ("Lan" and "Lân" differ; so do `"a b"` and `a b`,
/// which mean different searches).
pub fn same_key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A key under which texts that look alike on a screen are equal: compatibility forms folded
/// (fullwidth «Ｎａｍ», mathematical «𝐍𝐚𝐦» → «Nam»), then Unicode's confusable skeleton
/// (UTS #39: Cyrillic «а» → Latin «a»), recomposed. Marks are kept: «Lan» and «Lân» differ.
pub fn looks_like_key(s: &str) -> String {
    let compatible: String = s.nfkc().collect();
    unicode_security::confusable_detection::skeleton(&compatible)
        .nfc()
        .collect()
}

/// A key for comparing texts loosely: NFC, lower case, Vietnamese marks removed ("đ" → "d"),
/// every run of non-alphanumerics turned into one space. Two nicknames, or two questions,
/// with the same fold are "the same" to a reader.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_composes_decomposed_vietnamese() {
        let decomposed = "Vie\u{0302}\u{0323}t Nam";
        assert_eq!(normalize(decomposed), "Việt Nam");
        assert!(!is_normalized(decomposed));
        assert!(is_normalized(&normalize(decomposed)));
    }

    #[test]
    fn fold_ignores_case_marks_and_punctuation() {
        assert_eq!(fold("  Đắk   Lắk!! "), "dak lak");
        assert_eq!(fold("Mật khẩu là gì?"), fold("mat KHAU la gi"));
        assert_ne!(fold("Mật khẩu"), fold("Mật mã"));
    }

    #[test]
    fn char_len_counts_letters_not_bytes() {
        assert_eq!(char_len("Nguyễn"), 6);
    }
}
