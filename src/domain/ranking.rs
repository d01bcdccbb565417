//! Ranking order, exactly: a ranking compares entries key by key (score higher first, then
//! time lower first, then whatever further keys a contest configures), and ends with the
//! member's id so that no two entries ever tie. The order is encoded into one string per entry
//! whose byte order is the ranking order, so a store that sorts strings (a Redis sorted set
//! with equal scores, a `BTreeSet`) ranks exactly — no floating-point score, no lost digits.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

/// Which way a key counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

/// The keys of a ranking, most important first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankOrder(pub Vec<Better>);

impl RankOrder {
    /// A live game: score, then total answer time.
    pub fn live_game() -> RankOrder {
        RankOrder(vec![Better::Higher, Better::Lower])
    }

    /// The province's online contest: score, then time, then distance of the prediction,
    /// then fewer attempts, then earlier submission.
    pub fn contest() -> RankOrder {
        RankOrder(vec![
            Better::Higher,
            Better::Lower,
            Better::Lower,
            Better::Lower,
            Better::Lower,
        ])
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Compares two key vectors under this order (`Less`: `a` ranks higher).
    pub fn compare(&self, a: &[i64], b: &[i64]) -> Ordering {
        for (i, better) in self.0.iter().enumerate() {
            let by = match better {
                Better::Higher => b[i].cmp(&a[i]),
                Better::Lower => a[i].cmp(&b[i]),
            };
            if by != Ordering::Equal {
                return by;
            }
        }
        Ordering::Equal
    }

    /// The sortable form of an entry: 16 hex digits per key, then `|` and the member id.
    /// Ascending byte order of these strings is the ranking order; equal keys fall back to the
    /// member id, which makes the order total and the same in every store.
    pub fn encode(&self, keys: &[i64], member: &str) -> String {
        assert_eq!(keys.len(), self.0.len(), "one value per key of the order");
        let mut out = String::with_capacity(17 * keys.len() + member.len());
        for (value, better) in keys.iter().zip(&self.0) {
            // Shift i64 onto u64 keeping order, then flip for "higher is better".
            let lifted = (*value as u64) ^ (1 << 63);
            let sortable = match better {
                Better::Lower => lifted,
                Better::Higher => !lifted,
            };
            out.push_str(&format!("{sortable:016x}"));
        }
        out.push('|');
        out.push_str(member);
        out
    }

    /// The keys and member id of an encoded entry.
    pub fn decode<'a>(&self, encoded: &'a str) -> Option<(Vec<i64>, &'a str)> {
        let width = 16 * self.0.len();
        if encoded.len() <= width
            || encoded.as_bytes()[width] != b'|'
            || !encoded.is_char_boundary(width)
        {
            return None;
        }
        let mut keys = Vec::with_capacity(self.0.len());
        for (i, better) in self.0.iter().enumerate() {
            let sortable = u64::from_str_radix(&encoded[16 * i..16 * (i + 1)], 16).ok()?;
            let lifted = match better {
                Better::Lower => sortable,
                Better::Higher => !sortable,
            };
            keys.push((lifted ^ (1 << 63)) as i64);
        }
        Some((keys, &encoded[width + 1..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn equal_scores_rank_by_time_then_further_keys_then_member() {
        let order = RankOrder::contest();
        let mut entries = [
            (vec![9, 300_000, 5, 1, 100], "c"),
            (vec![9, 300_000, 5, 1, 99], "b"),
            (vec![9, 290_000, 50, 3, 500], "z"),
            (vec![10, 599_000, 0, 7, 900], "y"),
            (vec![9, 300_000, 5, 1, 99], "a"),
            (vec![-1, 0, 0, 0, 0], "neg"),
        ];
        entries.sort_by_key(|(k, m)| order.encode(k, m));
        let ranked: Vec<&str> = entries.iter().map(|(_, m)| *m).collect();
        assert_eq!(ranked, ["y", "z", "a", "b", "c", "neg"]);
    }

    #[test]
    fn decode_inverts_encode() {
        let order = RankOrder::live_game();
        let s = order.encode(&[1234, 56_789], "hs:0042");
        assert_eq!(order.decode(&s), Some((vec![1234, 56_789], "hs:0042")));
        assert_eq!(order.decode("short"), None);
    }

    proptest! {
        #[test]
        fn byte_order_is_ranking_order(a in prop::collection::vec(any::<i64>(), 3), b in prop::collection::vec(any::<i64>(), 3),
                                        flips in prop::collection::vec(any::<bool>(), 3)) {
            let order = RankOrder(flips.iter().map(|&f| if f { Better::Higher } else { Better::Lower }).collect());
            let (ea, eb) = (order.encode(&a, "m1"), order.encode(&b, "m2"));
            let by_keys = order.compare(&a, &b).then("m1".cmp("m2"));
            prop_assert_eq!(ea.cmp(&eb), by_keys);
            prop_assert_eq!(order.decode(&ea), Some((a.clone(), "m1")));
        }
    }
}
