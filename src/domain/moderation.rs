//! Nicknames children would be hurt or embarrassed by on the projector: a list of banned words,
//! in Vietnamese with and without marks (see `banned-words.txt` for the matching rules).

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

use super::text;

const DEFAULT_LIST: &str = include_str!("banned-words.txt");

#[derive(Debug, Clone, Default)]
pub struct BannedWords {
    /// Entries with marks, NFC lower case, words joined by one space.
    marked: HashSet<String>,
    /// Entries without marks: compared with the nickname's marks removed.
    unmarked: HashSet<String>,
}

/// Lower case, digits read as the letters they stand for, every run of other characters made
/// one space; each word then in its look-alike key ([`text::looks_like_key`]), so fullwidth,
/// mathematical and Cyrillic or Greek look-alike letters read as the Latin ones they imitate.
/// The list goes through the same steps, so both sides meet in the same form.
fn words(s: &str) -> Vec<String> {
    let digits_read: String = text::normalize(s)
        .nfkc()
        .map(|c| match c {
            '0' => 'o',
            '1' => 'i',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            c => c,
        })
        .collect();
    // Look-alikes before splitting (a look-alike letter under Vietnamese marks only composes
    // with them once it is the Latin letter it imitates), in both cases: Greek «Μ» imitates
    // «M», but its lower case «μ» imitates nothing.
    let once = text::looks_like_key(&digits_read).to_lowercase();
    text::looks_like_key(&once)
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A word without its marks, in the same look-alike form (a letter with its marks removed may
/// look like another: «đ» → «d»).
fn unmarked(word: &str) -> String {
    text::fold(&text::looks_like_key(&text::fold(word))).replace(' ', "")
}

impl BannedWords {
    /// The built-in list plus `extra` (same format).
    pub fn with_extra(extra: &str) -> BannedWords {
        let mut list = BannedWords::default();
        for line in DEFAULT_LIST.lines().chain(extra.lines()) {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let entry = words(line);
            let plain: Vec<String> = entry.iter().map(|w| unmarked(w)).collect();
            if entry.iter().all(|w| text::fold(w) == *w) {
                list.unmarked.insert(plain.join(" "));
            } else {
                list.marked.insert(entry.join(" "));
            }
        }
        list
    }

    /// Whether `nickname` contains a banned entry as whole words, or is one once its
    /// separators are removed ("đ.m", "v-c-l").
    pub fn forbids(&self, nickname: &str) -> bool {
        let marked = words(nickname);
        let unmarked: Vec<String> = marked.iter().map(|w| unmarked(w)).collect();
        let hit = |ws: &[String], set: &HashSet<String>| {
            (1..=3).any(|n| ws.windows(n).any(|run| set.contains(&run.join(" "))))
                || set.contains(&ws.concat())
        };
        hit(&marked, &self.marked) || hit(&unmarked, &self.unmarked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banned_words_are_caught_with_and_without_marks_and_separators() {
        let list = BannedWords::with_extra("");
        for bad in [
            "Địt",
            "con đĩ nhỏ",
            "ĐM",
            "d.m",
            "v-c-l",
            "VCL 123",
            "l0n",
            "Óc  Chó",
            "fuck you",
            "d1t me",
            // Fullwidth, mathematical bold, and Cyrillic or Greek letters that look Latin.
            "\u{FF56}\u{FF43}\u{FF4C}",
            "\u{1D42F}\u{1D41C}\u{1D425}",
            "\u{0475}\u{0441}\u{04CF}",
            "\u{0111}\u{0456}t",
            "l\u{043E}\u{0302}\u{0300}n",
            "\u{0110}\u{039C}",
        ] {
            let bad = bad.replace("l0n", "lồn");
            assert!(list.forbids(&bad), "{bad:?} should be refused");
        }
    }

    #[test]
    fn innocent_vietnamese_words_pass() {
        let list = BannedWords::with_extra("");
        for good in [
            "Lớn",
            "Lợn Con",
            "Các bạn",
            "Buổi sáng",
            "Du",
            "Đèo Cả",
            "Đức Minh",
            "Lan Anh",
            "Địa lý 7A",
            "Dũng",
            "Đinh Thị Mai",
        ] {
            assert!(!list.forbids(good), "{good:?} should pass");
        }
    }

    #[test]
    fn organizers_can_add_entries() {
        let list = BannedWords::with_extra("# ours\nthằng hề\n");
        assert!(list.forbids("Thằng Hề"));
        assert!(!list.forbids("Thằng Bờm"));
    }
}
