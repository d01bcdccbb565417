//! Which attempt stands for a participant in the round's ranking, and the values it ranks by
//! (score, time, distance of the prediction, attempts, submission time), in the round's order
//! ([`ResultOrder`]).

use super::attempt::MAX_PREDICTION;
use super::rules::Counts;
use crate::domain::result_order::{ResultKeys, ResultOrder};

/// A submitted attempt as the ranking sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Submitted {
    pub score: i64,
    pub time_ms: i64,
    pub prediction: Option<i64>,
    pub submitted_at: i64,
}

/// A participant's standing: the keys of the `results` row of the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub score: i64,
    pub time_ms: i64,
    pub distance: i64,
    pub attempts: i64,
    pub submitted_at: i64,
}

impl Standing {
    pub fn keys(&self) -> ResultKeys {
        [
            self.score,
            self.time_ms,
            self.distance,
            self.attempts,
            self.submitted_at,
        ]
    }
}

/// The distance of a prediction once the round's participants are counted (`actual`); until
/// then (`None`) every distance is 0, so the open round ranks by the other keys. No prediction
/// is as far as a prediction can be.
pub fn distance(prediction: Option<i64>, actual: Option<i64>) -> i64 {
    match (prediction, actual) {
        (_, None) => 0,
        (Some(p), Some(a)) => (p - a).abs(),
        (None, Some(_)) => MAX_PREDICTION + 1,
    }
}

/// The standing of a participant whose submitted attempts are `attempts`, in the order they
/// were started; `None` before any is submitted. The best attempt is the best by the round's
/// `order`; of attempts equal on its keys, the earliest.
pub fn standing(
    attempts: &[Submitted],
    counts: Counts,
    order: &ResultOrder,
    actual: Option<i64>,
) -> Option<Standing> {
    let total = attempts.len() as i64;
    let of = |a: &Submitted| Standing {
        score: a.score,
        time_ms: a.time_ms,
        distance: distance(a.prediction, actual),
        attempts: total,
        submitted_at: a.submitted_at,
    };
    match counts {
        Counts::First => attempts.first().map(of),
        Counts::Last => attempts.last().map(of),
        Counts::Best => attempts
            .iter()
            .map(of)
            .min_by(|a, b| order.compare(&a.keys(), &b.keys())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(score: i64, time_ms: i64, prediction: Option<i64>, submitted_at: i64) -> Submitted {
        Submitted {
            score,
            time_ms,
            prediction,
            submitted_at,
        }
    }

    #[test]
    fn the_counting_rule_picks_the_attempt_and_attempts_count_them_all() {
        let attempts = [
            s(70, 300_000, Some(900), 1_000),
            s(90, 500_000, Some(1_200), 2_000),
            s(90, 400_000, None, 3_000),
            s(50, 100_000, Some(1_000), 4_000),
        ];
        let best = standing(&attempts, Counts::Best, &ResultOrder::default(), None).unwrap();
        assert_eq!(best.keys(), [90, 400_000, 0, 4, 3_000], "score, then time");
        let first = standing(&attempts, Counts::First, &ResultOrder::default(), None).unwrap();
        assert_eq!(first.keys(), [70, 300_000, 0, 4, 1_000]);
        let last = standing(
            &attempts,
            Counts::Last,
            &ResultOrder::default(),
            Some(1_000),
        )
        .unwrap();
        assert_eq!(
            last.keys(),
            [50, 100_000, 0, 4, 4_000],
            "an exact prediction"
        );
        assert_eq!(
            standing(&[], Counts::Best, &ResultOrder::default(), None),
            None
        );
    }

    #[test]
    fn after_the_count_the_prediction_breaks_ties_and_no_prediction_is_worst() {
        let attempts = [
            s(90, 400_000, None, 1_000),
            s(90, 400_000, Some(1_100), 2_000),
        ];
        let best = standing(
            &attempts,
            Counts::Best,
            &ResultOrder::default(),
            Some(1_000),
        )
        .unwrap();
        assert_eq!(best.distance, 100);
        assert_eq!(best.submitted_at, 2_000);
        assert_eq!(distance(None, Some(5)), MAX_PREDICTION + 1);
        assert_eq!(distance(Some(MAX_PREDICTION), Some(0)), MAX_PREDICTION);
    }

    #[test]
    fn the_best_attempt_is_the_best_by_the_rounds_own_order() {
        use crate::domain::result_order::ResultKey::*;
        let attempts = [
            s(90, 500_000, Some(1_300), 1_000),
            s(60, 100_000, Some(1_000), 2_000),
            s(60, 100_000, Some(1_010), 3_000),
        ];
        let by = |keys: &[_]| {
            let order = ResultOrder::new(keys.to_vec()).unwrap();
            standing(&attempts, Counts::Best, &order, Some(1_000))
                .unwrap()
                .submitted_at
        };
        assert_eq!(by(&[Score, Time]), 1_000, "the most points");
        assert_eq!(by(&[Time, Score]), 2_000, "the fastest, then the earliest");
        assert_eq!(by(&[Distance]), 2_000, "the closest prediction");
        assert_eq!(by(&[Submitted]), 1_000, "the earliest submission");
        assert_eq!(by(&[Attempts]), 1_000, "all tie: the first");
    }
}
