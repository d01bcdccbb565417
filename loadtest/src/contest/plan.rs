//! What a participant does and when: the moments of an attempt and the answers given. Pure
//! (a random generator in, numbers out), so it is tested here.

use rand::seq::SliceRandom;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// How the participants of a worker behave, as the coordinator hands it over.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    /// The round's context (its name).
    pub round: String,
    /// Wall-clock µs from which start moments are counted.
    pub start_at_us: u64,
    /// Attempts start uniformly within this many ms of `start_at_us`.
    pub start_within_ms: u64,
    /// An attempt's steps fall over 60–100 % of this many ms from its start.
    pub answer_over_ms: u64,
    /// Share of participants who sign in again mid-attempt on a second device.
    pub reconnect: f64,
    /// Largest prediction given (the prediction is a count of participants).
    pub predict_up_to: i64,
}

/// A participant's login card, with what the tally needs to know of them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Card {
    pub code: String,
    pub secret: String,
    pub school: String,
    /// The school's index: its pupils connect from its source address.
    pub school_index: usize,
    pub class: String,
}

/// The shortest span an attempt is planned over: every step a few ms apart.
pub const MIN_STEP_MS: u64 = 10;

/// The moments of one attempt, in ms from its start: one per question, then the
/// prediction, then the submission. Strictly increasing; the last (the submission) falls in
/// 60–100 % of `over_ms`; the gaps between steps vary from half to one and a half times
/// their mean, as a pupil takes longer over some questions than others.
pub fn schedule(questions: usize, over_ms: u64, rng: &mut impl Rng) -> Vec<u64> {
    let steps = questions + 2;
    let floor = steps as u64 * MIN_STEP_MS;
    let total = rng
        .random_range(over_ms * 6 / 10..=over_ms.max(1))
        .max(floor);
    let gaps: Vec<f64> = (0..steps).map(|_| rng.random_range(0.5..1.5)).collect();
    let sum: f64 = gaps.iter().sum();
    let mut at = 0.0;
    let mut last = 0;
    gaps.iter()
        .enumerate()
        .map(|(i, g)| {
            at += g / sum * total as f64;
            // Rounding never makes two steps one; the last is the total exactly.
            let t = if i + 1 == steps {
                total
            } else {
                (at.round() as u64).max(last + 1)
            };
            last = t;
            t
        })
        .collect()
}

/// When a reconnecting participant comes back on a second device: half-way between two
/// steps before the prediction (after answer `r`, before the next step). `None`: they stay
/// on one device.
pub fn reconnect_at(moments: &[u64], share: f64, rng: &mut impl Rng) -> Option<(usize, u64)> {
    let questions = moments.len().checked_sub(2)?;
    if questions == 0 || !rng.random_bool(share) {
        return None;
    }
    let r = rng.random_range(0..questions);
    Some((r, (moments[r] + moments[r + 1]) / 2))
}

/// A random answer of the right shape to a question of the attempt view: one option of a
/// single or true/false question, one or more of a multiple one, every option in some
/// order for an ordering one. Right or wrong by chance, as a pupil guessing.
pub fn answer(question: &Value, rng: &mut impl Rng) -> Value {
    let mut ids: Vec<u64> = question["options"]
        .as_array()
        .map(|options| options.iter().filter_map(|o| o["id"].as_u64()).collect())
        .unwrap_or_default();
    if ids.is_empty() {
        // A numeric question (rounds draw none) takes a number.
        return json!(rng.random_range(0..100));
    }
    ids.shuffle(rng);
    match question["kind"].as_str() {
        Some("ordering") => json!(ids),
        Some("multiple") => {
            let k = rng.random_range(1..=ids.len());
            json!(ids[..k])
        }
        _ => json!([ids[0]]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn an_attempt_ends_within_the_span_with_every_step_after_the_last() {
        let mut rng = StdRng::seed_from_u64(17);
        for over in [600_000, 60_000, 1_000, 0] {
            for _ in 0..500 {
                let m = schedule(10, over, &mut rng);
                assert_eq!(m.len(), 12);
                assert!(m.windows(2).all(|w| w[0] < w[1]), "{m:?}");
                let last = *m.last().unwrap();
                assert!(last <= over.max(12 * MIN_STEP_MS), "{over}: {m:?}");
                assert!(last >= over * 6 / 10, "{over}: {m:?}");
                assert!(m[0] > 0);
            }
        }
    }

    #[test]
    fn steps_are_spaced_not_bunched() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..200 {
            let m = schedule(10, 600_000, &mut rng);
            let total = *m.last().unwrap() as f64;
            let mean = total / 12.0;
            let mut prev = 0;
            for &t in &m {
                let gap = (t - prev) as f64;
                // Half to one and a half times the mean, normalised: within a third to three.
                assert!(gap > mean / 3.0 && gap < mean * 3.0, "{m:?}");
                prev = t;
            }
        }
    }

    #[test]
    fn a_second_device_comes_between_two_answers_for_the_share_asked() {
        let mut rng = StdRng::seed_from_u64(5);
        let m = schedule(10, 600_000, &mut rng);
        let back: Vec<(usize, u64)> = (0..10_000)
            .filter_map(|_| reconnect_at(&m, 0.05, &mut rng))
            .collect();
        assert!((400..600).contains(&back.len()), "{}", back.len());
        for &(r, at) in &back {
            assert!(r < 10);
            assert!(m[r] < at && at < m[r + 1], "{r} {at} {m:?}");
        }
        assert!(back.iter().any(|&(r, _)| r == 9) && back.iter().any(|&(r, _)| r == 0));
        assert!(reconnect_at(&m, 0.0, &mut rng).is_none());
        assert!(
            reconnect_at(&[5, 10], 1.0, &mut rng).is_none(),
            "no question"
        );
    }

    #[test]
    fn answers_have_the_shape_each_kind_wants() {
        let mut rng = StdRng::seed_from_u64(9);
        let q = |kind: &str, n: u64| json!({"kind": kind, "options": (1..=n).map(|id| json!({"id": id, "text": "x"})).collect::<Vec<_>>()});
        for _ in 0..200 {
            let single = answer(&q("single", 4), &mut rng);
            let ids = single.as_array().unwrap();
            assert_eq!(ids.len(), 1);
            assert!((1..=4).contains(&ids[0].as_u64().unwrap()));
            assert_eq!(
                answer(&q("true_false", 2), &mut rng)
                    .as_array()
                    .unwrap()
                    .len(),
                1
            );

            let mut order: Vec<u64> =
                serde_json::from_value(answer(&q("ordering", 5), &mut rng)).unwrap();
            order.sort_unstable();
            assert_eq!(order, [1, 2, 3, 4, 5]);

            let mut some: Vec<u64> =
                serde_json::from_value(answer(&q("multiple", 4), &mut rng)).unwrap();
            assert!((1..=4).contains(&some.len()));
            some.sort_unstable();
            some.dedup();
            assert!(some.len() <= 4 && some.iter().all(|id| (1..=4).contains(id)));
        }
        assert!(answer(&json!({"kind": "numeric", "options": []}), &mut rng).is_number());
    }
}
