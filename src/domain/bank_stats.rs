//! Counts of questions per level, topic and kind, as the Markdown that `hoithi bank stats`
//! prints and `question-banks/README.md` carries. The README's copy is checked by a test
//! against the files, so the counts a reader sees are the counts there are.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::bank::{Bank, Level, Topic};
use super::bank_toml::kind_str;
use super::question::QuestionKind;

/// The README block that `hoithi bank stats --write-readme` keeps up to date.
pub const STATS_BEGIN: &str = "<!-- bank stats: begin (hoithi bank stats --write-readme) -->";
pub const STATS_END: &str = "<!-- bank stats: end -->";

const KINDS: [QuestionKind; 5] = [
    QuestionKind::Single,
    QuestionKind::Multiple,
    QuestionKind::TrueFalse,
    QuestionKind::Ordering,
    QuestionKind::Numeric,
];

/// The counts as Markdown: a summary line, then a topic × level table and a kind × level
/// table. A question of a bank written for two levels counts once in each level's column and
/// once in the total.
pub fn markdown<'a>(banks: impl IntoIterator<Item = &'a Bank>) -> String {
    let mut by_topic: BTreeMap<(Topic, Option<Level>), usize> = BTreeMap::new();
    let mut by_kind: BTreeMap<(&str, Option<Level>), usize> = BTreeMap::new();
    let (mut n_banks, mut n_questions) = (0, 0);
    for bank in banks {
        n_banks += 1;
        n_questions += bank.questions.len();
        for q in &bank.questions {
            let kind = kind_str(q.kind);
            for level in bank.levels.iter().copied().map(Some).chain([None]) {
                *by_topic.entry((bank.topic, level)).or_default() += 1;
                *by_kind.entry((kind, level)).or_default() += 1;
            }
        }
    }
    let mut out = format!(
        "{}, {}.\n\n",
        counted(n_banks, "bank"),
        counted(n_questions, "question")
    );
    table(&mut out, "topic", Topic::ALL.map(Topic::as_str), |t, l| {
        Topic::parse(t).map_or(0, |t| by_topic.get(&(t, l)).copied().unwrap_or(0))
    });
    out.push('\n');
    table(&mut out, "kind", KINDS.map(kind_str), |k, l| {
        by_kind.get(&(k, l)).copied().unwrap_or(0)
    });
    out
}

fn counted(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// One table: a row per name, a column per level, a total column and a total row.
fn table<const N: usize>(
    out: &mut String,
    what: &str,
    names: [&str; N],
    count: impl Fn(&str, Option<Level>) -> usize,
) {
    let columns: Vec<Option<Level>> = Level::ALL.into_iter().map(Some).chain([None]).collect();
    let header: Vec<&str> = columns
        .iter()
        .map(|l| l.map_or("total", Level::as_str))
        .collect();
    let _ = writeln!(out, "| {what} | {} |", header.join(" | "));
    let _ = writeln!(out, "|---|{}", "---:|".repeat(columns.len()));
    for name in names {
        let cells: Vec<String> = columns
            .iter()
            .map(|&l| count(name, l).to_string())
            .collect();
        let _ = writeln!(out, "| `{name}` | {} |", cells.join(" | "));
    }
    let totals: Vec<String> = columns
        .iter()
        .map(|&l| names.iter().map(|n| count(n, l)).sum::<usize>().to_string())
        .collect();
    let _ = writeln!(out, "| **total** | {} |", totals.join(" | "));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::question::tests::single;

    #[test]
    fn a_bank_for_two_levels_counts_in_both_and_once_in_the_total() {
        let bank = Bank {
            id: "b".into(),
            title: "B".into(),
            topic: Topic::AnToan,
            levels: vec![Level::Thcs, Level::Thpt],
            language: "vi".into(),
            checked: "2026-11-25".into(),
            questions: vec![single(1, 2), single(2, 3)],
        };
        let md = markdown([&bank]);
        assert!(md.starts_with("1 bank, 2 questions.\n"), "{md}");
        assert!(md.contains("| `an-toan` | 0 | 2 | 2 | 0 | 0 | 2 |"), "{md}");
        assert!(md.contains("| `single` | 0 | 2 | 2 | 0 | 0 | 2 |"), "{md}");
        assert!(md.contains("| `numeric` | 0 | 0 | 0 | 0 | 0 | 0 |"), "{md}");
    }
}
