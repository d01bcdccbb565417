//! The questions of one attempt: drawn at random from the round's pool for the participant's
//! level, balanced over topics, shuffled, each with option ids of its own (never the bank's).
//!
//! The draw is a function of the pool and a seed. The attempt records both the seed and what
//! was drawn (bank, question, labels), so an audit reads the attempt's questions back without
//! trusting that a later version of the random number generator draws the same.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::domain::option_labels::{relabel, Labels};
use crate::domain::{OptionId, Question};

/// The questions a round may draw for one level, grouped by topic.
#[derive(Debug, Clone, Default)]
pub struct Pool {
    topics: Vec<(String, Vec<Question>)>,
}

impl Pool {
    /// A pool from questions and their banks' topics. Numeric questions stay out: the
    /// prediction question is the attempt's only number, and a typed number on a phone is the
    /// slowest answer to give.
    pub fn new(questions: impl IntoIterator<Item = (String, Question)>) -> Pool {
        let mut topics: Vec<(String, Vec<Question>)> = Vec::new();
        for (topic, q) in questions {
            if q.kind == crate::domain::QuestionKind::Numeric {
                continue;
            }
            match topics.iter_mut().find(|(t, _)| *t == topic) {
                Some((_, qs)) => qs.push(q),
                None => topics.push((topic, vec![q])),
            }
        }
        // A fixed order before the seeded shuffles, whatever order the database returned.
        topics.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, qs) in &mut topics {
            qs.sort_by(|a, b| (&a.bank, &a.id).cmp(&(&b.bank, &b.id)));
        }
        Pool { topics }
    }

    pub fn len(&self) -> usize {
        self.topics.iter().map(|(_, qs)| qs.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The question `bank`/`id`, if the pool holds it.
    pub fn find(&self, bank: &str, id: &str) -> Option<&Question> {
        self.topics
            .iter()
            .flat_map(|(_, qs)| qs)
            .find(|q| q.bank == bank && q.id == id)
    }
}

/// One drawn question: which bank question, and the bank id of each option in shown order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    pub bank: String,
    pub id: String,
    pub labels: Vec<OptionId>,
}

impl Drawn {
    pub fn labels(&self) -> Labels {
        Labels::from_bank_ids(self.labels.clone())
    }
}

/// `n` questions (fewer if the pool is smaller) from `pool` with `seed`: topics take turns in a
/// shuffled order, each giving a random question not drawn yet, so 10 questions from 4 topics
/// are 3, 3, 2, 2; then the drawn questions are shuffled and relabelled.
pub fn draw(pool: &Pool, n: usize, seed: u64) -> Vec<Drawn> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut topics: Vec<Vec<&Question>> = pool
        .topics
        .iter()
        .map(|(_, qs)| {
            let mut qs: Vec<&Question> = qs.iter().collect();
            qs.shuffle(&mut rng);
            qs
        })
        .collect();
    topics.shuffle(&mut rng);
    let mut chosen: Vec<&Question> = Vec::with_capacity(n);
    'turns: loop {
        let mut any = false;
        for topic in &mut topics {
            if chosen.len() == n {
                break 'turns;
            }
            if let Some(q) = topic.pop() {
                chosen.push(q);
                any = true;
            }
        }
        if !any {
            break;
        }
    }
    chosen.shuffle(&mut rng);
    chosen
        .into_iter()
        .map(|q| {
            let (_, labels) = relabel(q, &mut rng);
            Drawn {
                bank: q.bank.clone(),
                id: q.id.clone(),
                labels: labels.bank_ids().to_vec(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::question::tests::single;
    use std::collections::{BTreeMap, HashSet};

    fn pool(per_topic: &[(&str, usize)]) -> Pool {
        Pool::new(per_topic.iter().flat_map(|&(topic, n)| {
            (0..n).map(move |i| {
                let mut q = single(1 + (i % 4) as OptionId, 4);
                q.bank = format!("bank-{topic}");
                q.id = format!("{topic}-{i:03}");
                (topic.to_owned(), q)
            })
        }))
    }

    #[test]
    fn a_draw_is_balanced_over_topics_without_repeats() {
        let p = pool(&[
            ("an-toan", 30),
            ("dich-vu-cong", 30),
            ("du-lieu", 30),
            ("ai", 2),
        ]);
        for seed in 0..50 {
            let drawn = draw(&p, 10, seed);
            assert_eq!(drawn.len(), 10);
            let ids: HashSet<_> = drawn.iter().map(|d| &d.id).collect();
            assert_eq!(ids.len(), 10, "no question twice");
            let mut per: BTreeMap<&str, usize> = BTreeMap::new();
            for d in &drawn {
                *per.entry(d.bank.as_str()).or_default() += 1;
            }
            // The small topic gives what it has, the others share the rest evenly.
            assert_eq!(per["bank-ai"], 2);
            for topic in ["bank-an-toan", "bank-dich-vu-cong", "bank-du-lieu"] {
                assert!((2..=3).contains(&per[topic]), "{seed}: {per:?}");
            }
        }
    }

    #[test]
    fn the_same_seed_draws_the_same_and_another_seed_mostly_not() {
        let p = pool(&[("a", 40), ("b", 40)]);
        assert_eq!(draw(&p, 10, 7), draw(&p, 10, 7));
        let differ = (0..20)
            .filter(|&s| draw(&p, 10, s) != draw(&p, 10, s + 100))
            .count();
        assert_eq!(differ, 20);
    }

    #[test]
    fn a_small_pool_gives_what_it_has_and_numbers_stay_out() {
        let mut p = pool(&[("a", 3)]);
        let mut number = single(1, 2);
        number.kind = crate::domain::QuestionKind::Numeric;
        p = Pool::new(
            p.topics
                .into_iter()
                .flat_map(|(t, qs)| qs.into_iter().map(move |q| (t.clone(), q)))
                .chain([("a".to_owned(), number)]),
        );
        assert_eq!(p.len(), 3);
        assert_eq!(draw(&p, 10, 1).len(), 3);
    }

    #[test]
    fn option_ids_are_drawn_per_attempt() {
        // Over many attempts, the bank's option 1 shows up under every id: the shown ids
        // tell nothing of the bank's order.
        let p = pool(&[("a", 1)]);
        let mut seen = HashSet::new();
        for seed in 0..100 {
            let d = &draw(&p, 1, seed)[0];
            seen.insert(d.labels().to_shown(1));
        }
        assert_eq!(seen.len(), 4);
    }
}
