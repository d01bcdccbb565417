//! The option ids players see: drawn at random for each game (and each contest attempt), never
//! the bank's.
//!
//! A bank numbers a question's options in the order its author wrote them, and authors have
//! habits: every bundled ordering question lists the right order (1, 2, …, n), and all 50
//! bundled multiple-choice keys once contained option 1. Had players seen those numbers,
//! sorting the ids of an ordering question would have answered it before the reveal. So a game
//! shows each question *relabelled*: its options in a random order, numbered 1…n in that order,
//! with the key rewritten to match. [`Labels`] maps a shown id back to the bank's, which is
//! what the database stores, so a report reads the same whatever game it came from.

use rand::seq::SliceRandom;
use rand::Rng;

use super::question::{Answer, AnswerKey, OptionId, Question, QuestionKind};

/// For one question in one game: the bank id of each shown id (`bank[shown - 1]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    bank: Vec<OptionId>,
}

impl Labels {
    /// The labels under which shown id `i + 1` is bank id `bank[i]`. `bank` must be a
    /// permutation of `1..=n`.
    pub fn from_bank_ids(bank: Vec<OptionId>) -> Self {
        debug_assert!({
            let mut sorted = bank.clone();
            sorted.sort_unstable();
            sorted.iter().copied().eq(1..=bank.len() as OptionId)
        });
        Labels { bank }
    }

    /// Ids as the bank numbers them, one per shown id, in shown order.
    pub fn bank_ids(&self) -> &[OptionId] {
        &self.bank
    }

    /// The bank id of shown id `shown` (`None` for an id the question does not have).
    pub fn to_bank(&self, shown: OptionId) -> Option<OptionId> {
        self.bank.get(usize::from(shown).checked_sub(1)?).copied()
    }

    /// The shown id of bank id `bank`.
    pub fn to_shown(&self, bank: OptionId) -> Option<OptionId> {
        self.bank
            .iter()
            .position(|&b| b == bank)
            .map(|i| i as OptionId + 1)
    }

    /// A well-formed answer in shown ids, in the bank's ids (a number stays a number). Ids the
    /// question does not have are kept as they are; [`Question::check_shape`] refuses those
    /// before any answer is recorded.
    pub fn answer_to_bank(&self, answer: &Answer) -> Answer {
        match answer {
            Answer::Options(ids) => Answer::Options(
                ids.iter()
                    .map(|&id| self.to_bank(id).unwrap_or(id))
                    .collect(),
            ),
            Answer::Number(n) => Answer::Number(*n),
        }
    }
}

impl Labels {
    /// The inverse of [`Labels::answer_to_bank`]: an answer as the database keeps it, in the
    /// ids this game showed (a game rebuilt on another node replays it).
    pub fn answer_to_shown(&self, answer: &Answer) -> Answer {
        match answer {
            Answer::Options(ids) => Answer::Options(
                ids.iter()
                    .map(|&id| self.to_shown(id).unwrap_or(id))
                    .collect(),
            ),
            Answer::Number(n) => Answer::Number(*n),
        }
    }
}

/// `question` as a game shows it: options shuffled and numbered 1…n in their new order, the
/// key rewritten in those numbers; and the labels that lead back to the bank's ids.
///
/// True/false keeps «Đúng» before «Sai» (shuffling two words only confuses; the key is the
/// word, which every player reads anyway). An ordering question is never shown already in the
/// right order: that would be a free point.
pub fn relabel(question: &Question, rng: &mut impl Rng) -> (Question, Labels) {
    let n = question.options.len() as OptionId;
    let mut bank: Vec<OptionId> = (1..=n).collect();
    if question.kind != QuestionKind::TrueFalse {
        bank.shuffle(rng);
        while question.kind == QuestionKind::Ordering && n > 1 && is_key_order(question, &bank) {
            bank.shuffle(rng);
        }
    }
    let labels = Labels::from_bank_ids(bank);
    (apply(question, &labels), labels)
}

/// Whether showing the options in `bank` order would show the ordering key itself.
fn is_key_order(question: &Question, bank: &[OptionId]) -> bool {
    matches!(&question.key, AnswerKey::Order { ids } if ids.as_slice() == bank)
}

/// `question` under `labels`: option `i + 1` is the bank's option `labels.bank[i]`.
pub fn apply(question: &Question, labels: &Labels) -> Question {
    let shown = |ids: &[OptionId]| -> Vec<OptionId> {
        ids.iter()
            .filter_map(|&b| labels.to_shown(b))
            .collect::<Vec<_>>()
    };
    let key = match &question.key {
        AnswerKey::Options { ids } => {
            let mut ids = shown(ids);
            ids.sort_unstable();
            AnswerKey::Options { ids }
        }
        AnswerKey::Order { ids } => AnswerKey::Order { ids: shown(ids) },
        number @ AnswerKey::Number { .. } => number.clone(),
    };
    Question {
        options: labels
            .bank
            .iter()
            .map(|&b| question.options[usize::from(b) - 1].clone())
            .collect(),
        key,
        ..question.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::question::tests::single;
    use proptest::prelude::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    fn ordering(n: usize) -> Question {
        let mut q = single(1, n);
        q.kind = QuestionKind::Ordering;
        q.key = AnswerKey::Order {
            ids: (1..=n as OptionId).collect(),
        };
        q
    }

    fn multiple(key: Vec<OptionId>, n: usize) -> Question {
        let mut q = single(1, n);
        q.kind = QuestionKind::Multiple;
        q.key = AnswerKey::Options { ids: key };
        q
    }

    #[test]
    fn a_relabelled_question_shows_the_same_texts_and_its_key_names_the_same_options() {
        let bank = multiple(vec![1, 3], 4);
        let (shown, labels) = relabel(&bank, &mut StdRng::seed_from_u64(7));
        let texts = |q: &Question, ids: &[OptionId]| -> Vec<String> {
            let mut t: Vec<String> = ids
                .iter()
                .map(|&i| q.options[usize::from(i) - 1].clone())
                .collect();
            t.sort();
            t
        };
        assert_eq!(
            texts(&shown, shown.correct_ids()),
            texts(&bank, bank.correct_ids())
        );
        let mut all = shown.options.clone();
        all.sort();
        let mut before = bank.options.clone();
        before.sort();
        assert_eq!(all, before);
        for shown_id in 1..=4 {
            let b = labels.to_bank(shown_id).unwrap();
            assert_eq!(labels.to_shown(b), Some(shown_id));
            assert_eq!(
                shown.options[usize::from(shown_id) - 1],
                bank.options[usize::from(b) - 1]
            );
        }
        assert_eq!(labels.to_bank(0), None);
        assert_eq!(labels.to_bank(5), None);
    }

    #[test]
    fn an_ordering_question_is_never_shown_in_its_right_order() {
        for seed in 0..500 {
            let (shown, _) = relabel(&ordering(3), &mut StdRng::seed_from_u64(seed));
            assert_ne!(shown.correct_ids(), [1, 2, 3], "seed {seed}");
        }
    }

    #[test]
    fn true_false_keeps_dung_before_sai() {
        let mut q = single(2, 2);
        q.kind = QuestionKind::TrueFalse;
        for seed in 0..50 {
            let (shown, labels) = relabel(&q, &mut StdRng::seed_from_u64(seed));
            assert_eq!(labels.bank_ids(), [1, 2]);
            assert_eq!(shown, q);
        }
    }

    /// Over many games, the shown id of a key that the bank always puts first is spread
    /// evenly over 1…4: the label says nothing about the key.
    #[test]
    fn the_shown_key_of_a_biased_bank_is_uniform() {
        let bank = single(1, 4);
        let mut rng = StdRng::seed_from_u64(1);
        let mut at = [0u32; 5];
        let games = 4000;
        for _ in 0..games {
            let (shown, _) = relabel(&bank, &mut rng);
            at[usize::from(shown.correct_ids()[0])] += 1;
        }
        // Each position expects 1,000; 4 standard deviations (√750 ≈ 27.4) either way.
        for (id, &n) in at.iter().enumerate().skip(1) {
            assert!((890..=1110).contains(&n), "id {id} was the key {n} times");
        }
    }

    fn answer_for(kind: QuestionKind, n: usize) -> impl Strategy<Value = Answer> {
        let ids = (1..=n as OptionId).collect::<Vec<_>>();
        match kind {
            QuestionKind::Ordering => Just(ids).prop_shuffle().prop_map(Answer::Options).boxed(),
            QuestionKind::Multiple => proptest::sample::subsequence(ids, 1..=n)
                .prop_map(Answer::Options)
                .boxed(),
            _ => proptest::sample::select(ids)
                .prop_map(|id| Answer::Options(vec![id]))
                .boxed(),
        }
    }

    fn question_and_answer() -> impl Strategy<Value = (Question, Answer, u64)> {
        (2usize..=6, any::<u64>(), 0u8..3).prop_flat_map(|(n, seed, which)| {
            let ids: Vec<OptionId> = (1..=n as OptionId).collect();
            let kind = [
                QuestionKind::Single,
                QuestionKind::Multiple,
                QuestionKind::Ordering,
            ][usize::from(which)];
            let key = match kind {
                QuestionKind::Ordering => Just(ids.clone()).prop_shuffle().boxed(),
                QuestionKind::Multiple => proptest::sample::subsequence(ids.clone(), 1..=n)
                    .prop_map(|mut k| {
                        k.sort_unstable();
                        k
                    })
                    .boxed(),
                _ => proptest::sample::select(ids.clone())
                    .prop_map(|k| vec![k])
                    .boxed(),
            };
            (key, answer_for(kind, n)).prop_map(move |(key, answer)| {
                let mut q = single(1, n);
                q.kind = kind;
                q.key = match kind {
                    QuestionKind::Ordering => AnswerKey::Order { ids: key },
                    _ => AnswerKey::Options { ids: key },
                };
                (q, answer, seed)
            })
        })
    }

    proptest! {
        /// An answer in shown ids is right exactly when the same choice in bank ids is right
        /// for the bank's question: relabelling changes the names, never the verdict.
        #[test]
        fn relabelling_never_changes_a_verdict((bank, answer, seed) in question_and_answer()) {
            let (shown, labels) = relabel(&bank, &mut StdRng::seed_from_u64(seed));
            prop_assert_eq!(shown.check_shape(&answer), Ok(()));
            let in_bank = labels.answer_to_bank(&answer);
            prop_assert_eq!(bank.check_shape(&in_bank), Ok(()));
            prop_assert_eq!(shown.is_correct(&answer), bank.is_correct(&in_bank));
        }
    }
}
