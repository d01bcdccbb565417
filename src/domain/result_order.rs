//! The order of individual results, as a contest round configures it. A result always has
//! the same five values ([`ResultKeys`]: score, time, prediction distance, attempts,
//! submission time); a round ranks by some of them, in the order its organizer chose. The
//! default is the province's rule: score ↓, time ↑, distance ↑, attempts ↑, earlier
//! submission ↑.
//!
//! A key switched off does not rank at all, not even as a last tie-break: two participants
//! equal on the chosen keys are ordered by their codes alone, as with any other tie.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::ranking::{Better, Key, RankOrder, HEAD_BITS, SCORE_BITS, TIME_BITS};

/// A result's values, always in this order: score, time (ms), distance of the prediction,
/// attempts, submission time (Unix ms). Boards, versions and the API show them so whatever
/// the round ranks by.
pub type ResultKeys = [i64; 5];

/// One value of a result that a round may rank by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultKey {
    Score,
    Time,
    Distance,
    Attempts,
    Submitted,
}

impl ResultKey {
    /// Every key, in the positions of [`ResultKeys`] (also the default order).
    pub const ALL: [ResultKey; 5] = [
        ResultKey::Score,
        ResultKey::Time,
        ResultKey::Distance,
        ResultKey::Attempts,
        ResultKey::Submitted,
    ];

    /// Where the key's value sits in [`ResultKeys`].
    pub fn position(self) -> usize {
        self as usize
    }

    /// Which way it counts. Fixed per key: more points rank higher, and less of everything
    /// else (time, distance, attempts, an earlier submission) does.
    pub fn better(self) -> Better {
        match self {
            ResultKey::Score => Better::Higher,
            _ => Better::Lower,
        }
    }

    /// Bits the key needs to sit exactly in an entry's head: a prediction's distance is at
    /// most ten million and a little (24 bits), attempts at most 65,535, a submission time
    /// in ms fits 42 bits until 2109.
    fn head_bits(self) -> u8 {
        match self {
            ResultKey::Score => SCORE_BITS,
            ResultKey::Time => TIME_BITS,
            ResultKey::Distance => 24,
            ResultKey::Attempts => 16,
            ResultKey::Submitted => 42,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ResultKey::Score => "score",
            ResultKey::Time => "time",
            ResultKey::Distance => "distance",
            ResultKey::Attempts => "attempts",
            ResultKey::Submitted => "submitted",
        }
    }
}

/// Why an order is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("a ranking order needs at least one key")]
    Empty,
    #[error("the key {} appears twice in the ranking order", .0.as_str())]
    Repeated(ResultKey),
}

/// The keys a round ranks by, most important first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResultOrder(Vec<ResultKey>);

impl Default for ResultOrder {
    fn default() -> ResultOrder {
        ResultOrder(ResultKey::ALL.to_vec())
    }
}

impl ResultOrder {
    /// An order from its keys; at least one, none twice.
    pub fn new(keys: Vec<ResultKey>) -> Result<ResultOrder, OrderError> {
        let order = ResultOrder(keys);
        order.check()?;
        Ok(order)
    }

    /// Whether the order is usable (a deserialized one is checked with the round's rules).
    pub fn check(&self) -> Result<(), OrderError> {
        if self.0.is_empty() {
            return Err(OrderError::Empty);
        }
        for (i, key) in self.0.iter().enumerate() {
            if self.0[..i].contains(key) {
                return Err(OrderError::Repeated(*key));
            }
        }
        Ok(())
    }

    pub fn keys(&self) -> &[ResultKey] {
        &self.0
    }

    /// Whether every value of a result ranks (so an entry holds them all).
    pub fn is_complete(&self) -> bool {
        ResultKey::ALL.iter().all(|k| self.0.contains(k))
    }

    /// The encoding order: the leading keys that fit go into the 53-bit head, the rest stay
    /// whole. The default order packs score and time, exactly like a live game's board.
    pub fn rank_order(&self) -> RankOrder {
        let mut room = u32::from(HEAD_BITS);
        let mut in_head = true;
        let keys = self
            .0
            .iter()
            .map(|&k| {
                let bits = k.head_bits();
                in_head &= u32::from(bits) <= room;
                let head_bits = if in_head {
                    room -= u32::from(bits);
                    bits
                } else {
                    0
                };
                Key {
                    better: k.better(),
                    head_bits,
                }
            })
            .collect();
        RankOrder::new(keys)
    }

    /// The values this order ranks by, in its order.
    pub fn pick(&self, values: &ResultKeys) -> Vec<i64> {
        self.0.iter().map(|k| values[k.position()]).collect()
    }

    /// Compares two results (`Less`: `a` ranks higher); `Equal` when the chosen keys tie.
    pub fn compare(&self, a: &ResultKeys, b: &ResultKeys) -> Ordering {
        self.rank_order().compare(&self.pick(a), &self.pick(b))
    }

    /// The sortable board entry of a result (see [`RankOrder::encode`]).
    pub fn encode(&self, values: &ResultKeys, member: &str) -> String {
        self.rank_order().encode(&self.pick(values), member)
    }

    /// An entry's values back in [`ResultKeys`] positions (`None` for a key the order does
    /// not rank by, which the entry does not hold) and its member.
    pub fn decode<'e>(&self, entry: &'e str) -> Option<([Option<i64>; 5], &'e str)> {
        let (picked, member) = self.rank_order().decode(entry)?;
        let mut values = [None; 5];
        for (key, value) in self.0.iter().zip(picked) {
            values[key.position()] = Some(value);
        }
        Some((values, member))
    }

    /// The first value that the entry's head could not hold exactly, and its largest allowed
    /// value: such a result must be refused, not ranked clamped.
    pub fn out_of_range(&self, values: &ResultKeys) -> Option<(ResultKey, i64)> {
        self.rank_order()
            .out_of_range(&self.pick(values))
            .map(|(i, max)| (self.0[i], max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ResultKey::*;

    fn order(keys: &[ResultKey]) -> ResultOrder {
        ResultOrder::new(keys.to_vec()).unwrap()
    }

    /// Members ranked by `order`, best first, through the board encoding.
    fn ranked(order: &ResultOrder, results: &[(&str, ResultKeys)]) -> Vec<String> {
        let mut entries: Vec<String> = results.iter().map(|(m, v)| order.encode(v, m)).collect();
        entries.sort();
        entries
            .iter()
            .map(|e| order.decode(e).unwrap().1.to_owned())
            .collect()
    }

    #[test]
    fn the_default_is_the_provinces_order_and_encodes_as_before() {
        let default = ResultOrder::default();
        assert_eq!(default.keys(), &ResultKey::ALL);
        assert_eq!(default.rank_order(), RankOrder::contest());
        let v = [70, 301_250, 12, 2, 1_795_600_185_620];
        assert_eq!(
            default.encode(&v, "HS1"),
            RankOrder::contest().encode(&v, "HS1")
        );
    }

    #[test]
    fn each_order_ranks_by_its_keys_in_its_order() {
        // a: more points, slower; b: fewer points, faster, better prediction; c: like b but
        // one attempt more and submitted earlier.
        let results = [
            ("a", [90, 500_000, 300, 1, 3_000]),
            ("b", [80, 200_000, 10, 1, 2_000]),
            ("c", [80, 200_000, 10, 2, 1_000]),
        ];
        let cases: &[(&[ResultKey], &[&str])] = &[
            (&ResultKey::ALL, &["a", "b", "c"]),
            (&[Time, Score], &["b", "c", "a"]),
            (&[Distance, Submitted], &["c", "b", "a"]),
            (&[Score, Submitted], &["a", "c", "b"]),
            (&[Submitted, Score, Time], &["c", "b", "a"]),
            (&[Attempts, Time], &["b", "a", "c"]),
        ];
        for (keys, want) in cases {
            let o = order(keys);
            assert_eq!(ranked(&o, &results), *want, "order {keys:?}");
            // The board's byte order and the domain's comparison agree.
            let mut by_compare = results.to_vec();
            by_compare.sort_by(|x, y| o.compare(&x.1, &y.1).then(x.0.cmp(y.0)));
            let names: Vec<&str> = by_compare.iter().map(|r| r.0).collect();
            assert_eq!(names, *want, "compare under {keys:?}");
        }
    }

    #[test]
    fn a_key_switched_off_is_not_even_a_tie_break() {
        let o = order(&[Score]);
        // Equal scores: the codes decide, not the faster time of "b".
        let results = [("a", [50, 900_000, 0, 1, 9]), ("b", [50, 1_000, 0, 1, 1])];
        assert_eq!(ranked(&o, &results), ["a", "b"]);
        assert_eq!(o.compare(&results[0].1, &results[1].1), Ordering::Equal);
    }

    #[test]
    fn decoding_gives_the_ranked_values_back_in_their_places() {
        let o = order(&[Time, Submitted, Score]);
        let entry = o.encode(&[7, 1_500, 99, 3, 1_795_600_185_620], "HS01");
        let (values, member) = o.decode(&entry).unwrap();
        assert_eq!(member, "HS01");
        assert_eq!(
            values,
            [Some(7), Some(1_500), None, None, Some(1_795_600_185_620)]
        );
        assert!(!o.is_complete());
        assert!(ResultOrder::default().is_complete());
    }

    #[test]
    fn leading_keys_fill_the_head_and_what_does_not_fit_stays_whole() {
        // Submission time (42 bits) then score (21): only the time fits; the score stays
        // exact after the head.
        let o = order(&[Submitted, Score]);
        assert!(!o.rank_order().all_in_head());
        let big_score = [5_000_000, 0, 0, 0, 1_795_600_185_620];
        assert_eq!(o.out_of_range(&big_score), None);
        let (values, _) = o.decode(&o.encode(&big_score, "x")).unwrap();
        assert_eq!(values[0], Some(5_000_000));
        // Distance in the head holds 24 bits: a bigger one is refused, not clamped.
        let far = [0, 0, 20_000_000, 0, 0];
        assert_eq!(
            order(&[Distance]).out_of_range(&far),
            Some((Distance, (1 << 24) - 1))
        );
        assert_eq!(ResultOrder::default().out_of_range(&far), None);
    }

    #[test]
    fn an_order_needs_a_key_and_no_key_twice() {
        assert_eq!(ResultOrder::new(vec![]), Err(OrderError::Empty));
        assert_eq!(
            ResultOrder::new(vec![Score, Time, Score]),
            Err(OrderError::Repeated(Score))
        );
        let parsed: ResultOrder = serde_json::from_str(r#"["time","score"]"#).unwrap();
        assert_eq!(parsed, order(&[Time, Score]));
        assert!(serde_json::from_str::<ResultOrder>(r#"["speed"]"#).is_err());
    }
}
