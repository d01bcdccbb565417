//! Where the right answers sit in a bank: the share of keys at each option position, per kind,
//! and a warning when one position holds far more keys than chance would put there.
//!
//! Games show options under ids of their own ([`super::option_labels`]), so a bank's order no
//! longer reaches a phone. It still reaches people: a bank printed for a paper round, exported
//! to another tool that does not shuffle, or read by the students who will play it. Authors
//! lean on habits (the bundled banks once had option 1 in all 50 multiple-choice keys), so
//! `hoithi bank check` measures it.
//!
//! The test: for position `k`, each question of the kind with at least `k` options is a coin
//! that lands «key» with probability `|key| / n` if keys were placed at random. The count of
//! keys at `k` is then a sum of such coins, with a known mean and variance; a count more than
//! [`WARN_SIGMAS`] standard deviations above the mean (and by at least [`WARN_MIN_EXCESS`]
//! questions, so a tiny bank is not flagged for one question) is a warning. Ordering questions
//! list their options in the right order by the format's definition, and numeric ones have no
//! options: neither is counted.

use std::fmt::Write as _;

use super::bank::Bank;
use super::question::{OptionId, Question, QuestionKind, MAX_OPTIONS};

/// How far above chance, in standard deviations, a position's count must be to warn. At 3σ a
/// fair bank is flagged about once in 700 positions.
pub const WARN_SIGMAS: f64 = 3.0;
/// The least number of keys above chance that warns.
pub const WARN_MIN_EXCESS: f64 = 3.0;

/// The kinds whose key positions are counted.
pub const KINDS: [QuestionKind; 3] = [
    QuestionKind::Single,
    QuestionKind::Multiple,
    QuestionKind::TrueFalse,
];

/// The counts of one kind at one position.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Position {
    /// Questions with at least this many options.
    pub questions: u32,
    /// Of those, how many have this position in their key.
    pub keys: u32,
    /// How many keys chance would put here (the sum of `|key| / n`).
    pub expected: f64,
    /// The variance of that count under chance (the sum of `p (1 − p)`).
    pub variance: f64,
}

impl Position {
    /// The share of questions with this position in the key.
    pub fn share(&self) -> f64 {
        if self.questions == 0 {
            0.0
        } else {
            f64::from(self.keys) / f64::from(self.questions)
        }
    }

    /// The share chance would give.
    pub fn expected_share(&self) -> f64 {
        if self.questions == 0 {
            0.0
        } else {
            self.expected / f64::from(self.questions)
        }
    }

    /// Whether this position holds far more keys than chance.
    pub fn over_represented(&self) -> bool {
        let excess = f64::from(self.keys) - self.expected;
        excess >= WARN_MIN_EXCESS && excess > WARN_SIGMAS * self.variance.sqrt()
    }
}

/// Key positions of one kind over a set of questions.
#[derive(Debug, Clone, PartialEq)]
pub struct KindBalance {
    pub kind: QuestionKind,
    /// Questions of this kind counted.
    pub questions: u32,
    /// Index `k − 1` for position `k`.
    pub positions: [Position; MAX_OPTIONS],
}

/// Counts key positions per kind over `questions`.
pub fn measure<'a>(questions: impl IntoIterator<Item = &'a Question>) -> Vec<KindBalance> {
    let mut out: Vec<KindBalance> = KINDS
        .iter()
        .map(|&kind| KindBalance {
            kind,
            questions: 0,
            positions: [Position::default(); MAX_OPTIONS],
        })
        .collect();
    for q in questions {
        let Some(balance) = out.iter_mut().find(|b| b.kind == q.kind) else {
            continue;
        };
        let n = q.options.len().min(MAX_OPTIONS);
        let key = q.correct_ids();
        if n == 0 || key.is_empty() {
            continue;
        }
        balance.questions += 1;
        let p = key.len() as f64 / n as f64;
        for (i, position) in balance.positions.iter_mut().enumerate().take(n) {
            position.questions += 1;
            position.keys += u32::from(key.contains(&(i as OptionId + 1)));
            position.expected += p;
            position.variance += p * (1.0 - p);
        }
    }
    out
}

/// One line per kind with questions: the share of keys at each position beside chance's.
pub fn table(balances: &[KindBalance]) -> String {
    let mut out = String::new();
    for b in balances.iter().filter(|b| b.questions > 0) {
        let _ = write!(
            out,
            "vị trí đáp án đúng, câu «{}» ({} câu):",
            b.kind.as_str(),
            b.questions
        );
        for (i, p) in b.positions.iter().enumerate() {
            if p.questions == 0 {
                continue;
            }
            let _ = write!(
                out,
                "{} {}: {:.0}% (ngẫu nhiên {:.0}%)",
                if i == 0 { "" } else { ";" },
                position_name(b.kind, i + 1),
                100.0 * p.share(),
                100.0 * p.expected_share()
            );
        }
        out.push('\n');
    }
    out
}

/// The warnings, one per over-represented position.
pub fn warnings(balances: &[KindBalance]) -> Vec<String> {
    let mut out = Vec::new();
    for b in balances {
        for (i, p) in b.positions.iter().enumerate() {
            if p.over_represented() {
                out.push(format!(
                    "đáp án đúng của câu «{}» dồn vào {}: {} trên {} câu ({:.0}%), \
                     trong khi ngẫu nhiên chỉ khoảng {:.0} câu; hãy đổi chỗ các phương án",
                    b.kind.as_str(),
                    position_name(b.kind, i + 1),
                    p.keys,
                    p.questions,
                    100.0 * p.share(),
                    p.expected
                ));
            }
        }
    }
    out
}

/// What `hoithi bank check` prints about key positions of `banks` (each with its file): the
/// table over all of them, then a `cảnh báo:` line per over-represented position, per bank and
/// over the whole set; and how many warnings there are.
pub fn report(banks: &[(String, Bank)]) -> (String, usize) {
    let all = measure(banks.iter().flat_map(|(_, b)| &b.questions));
    let mut out = table(&all);
    let mut count = 0;
    for (file, bank) in banks {
        for warning in warnings(&measure(&bank.questions)) {
            let _ = writeln!(out, "cảnh báo: {file}: {warning}");
            count += 1;
        }
    }
    if banks.len() > 1 {
        for warning in warnings(&all) {
            let _ = writeln!(out, "cảnh báo: cả {} ngân hàng: {warning}", banks.len());
            count += 1;
        }
    }
    (out, count)
}

fn position_name(kind: QuestionKind, position: usize) -> String {
    match (kind, position) {
        (QuestionKind::TrueFalse, 1) => "«Đúng»".into(),
        (QuestionKind::TrueFalse, _) => "«Sai»".into(),
        _ => format!("phương án {position}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::question::tests::single;
    use crate::domain::AnswerKey;

    fn multiple(key: Vec<OptionId>) -> Question {
        let mut q = single(1, 4);
        q.kind = QuestionKind::Multiple;
        q.key = AnswerKey::Options { ids: key };
        q
    }

    #[test]
    fn keys_spread_evenly_raise_no_warning() {
        let questions: Vec<Question> = (0..40).map(|i| single(i % 4 + 1, 4)).collect();
        let balances = measure(&questions);
        assert_eq!(balances[0].questions, 40);
        assert_eq!(balances[0].positions[0].keys, 10);
        assert!((balances[0].positions[0].expected - 10.0).abs() < 1e-9);
        assert_eq!(warnings(&balances), Vec::<String>::new());
    }

    #[test]
    fn every_multiple_key_containing_option_1_is_flagged() {
        // The bundled banks' old habit: 50 multiple-choice keys, all with option 1.
        let questions: Vec<Question> = (0..50)
            .map(|i| multiple(if i % 2 == 0 { vec![1, 3] } else { vec![1, 4] }))
            .collect();
        let warnings = warnings(&measure(&questions));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("«multiple» dồn vào phương án 1: 50 trên 50"));
    }

    #[test]
    fn a_small_bank_is_not_flagged_for_one_question() {
        let questions = [single(1, 4), single(1, 4), single(2, 4)];
        assert!(warnings(&measure(&questions)).is_empty());
    }

    #[test]
    fn a_bank_of_only_first_options_is_flagged_and_the_table_says_where() {
        let questions: Vec<Question> = (0..12).map(|_| single(1, 4)).collect();
        let balances = measure(&questions);
        assert_eq!(warnings(&balances).len(), 1);
        let table = table(&balances);
        assert!(
            table.contains("câu «single» (12 câu): phương án 1: 100% (ngẫu nhiên 25%)"),
            "{table}"
        );
    }

    #[test]
    fn true_false_names_its_positions() {
        let mut q = single(1, 2);
        q.kind = QuestionKind::TrueFalse;
        let questions: Vec<Question> = (0..20).map(|_| q.clone()).collect();
        let warnings = warnings(&measure(&questions));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("dồn vào «Đúng»"), "{warnings:?}");
    }
}
