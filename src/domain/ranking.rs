//! Ranking order, exactly: a ranking compares entries key by key (score higher first, then
//! time lower first, then whatever further keys a contest configures), and ends with the
//! member's id so that no two entries ever tie. The order is encoded into one string per entry
//! whose byte order is the ranking order, so a store that sorts strings (a `BTreeSet`) ranks
//! exactly — no floating-point score, no lost digits.
//!
//! The string starts with a *head*: the leading keys packed into 53 bits, written as 14 hex
//! digits. 53 bits is what a double holds exactly, so Redis can keep the head as a sorted
//! set's numeric score and compare numbers instead of strings (the strings are only compared
//! between equal heads, which is the same order). When every key fits in the head (a live
//! game: score and time), the rest of the entry is just `|` and the member id, and Redis needs
//! nothing but `ZADD` to replace a member's entry.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

/// Which way a key counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

/// One key of a ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    pub better: Better,
    /// Bits the key takes in the head (values are clamped to `0 ..= 2^bits - 1` there), or 0
    /// for a key kept whole after the head.
    pub head_bits: u8,
}

/// Points: 2,097,151 at most, far above any game (a 100-question quiz at 2,000 points each
/// makes 200,000).
pub const SCORE_BITS: u8 = 21;
/// Milliseconds: 49 days at most.
pub const TIME_BITS: u8 = 32;
/// What a double holds exactly.
pub const HEAD_BITS: u8 = 53;
/// Hex digits of the head.
pub const HEAD_HEX: usize = 14;

/// The keys of a ranking, most important first. Keys in the head come first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankOrder(Vec<Key>);

impl RankOrder {
    /// An order from its keys; `head_bits` of the leading keys sum to at most 53, and no key
    /// after the first tail key has head bits. Orders are constants of the code, so a wrong
    /// one is a bug and panics.
    pub fn new(keys: Vec<Key>) -> RankOrder {
        let head: u32 = keys.iter().map(|k| u32::from(k.head_bits)).sum();
        assert!(head <= u32::from(HEAD_BITS), "the head holds 53 bits");
        let in_head = keys.iter().take_while(|k| k.head_bits > 0).count();
        assert!(
            keys[in_head..].iter().all(|k| k.head_bits == 0),
            "head keys come first"
        );
        RankOrder(keys)
    }

    /// Keys that all stay after the head (any `i64`, exactly).
    pub fn whole(better: &[Better]) -> RankOrder {
        RankOrder::new(
            better
                .iter()
                .map(|&better| Key {
                    better,
                    head_bits: 0,
                })
                .collect(),
        )
    }

    /// A live game: score, then total answer time. Both fit in the head.
    pub fn live_game() -> RankOrder {
        RankOrder::new(vec![
            Key {
                better: Better::Higher,
                head_bits: SCORE_BITS,
            },
            Key {
                better: Better::Lower,
                head_bits: TIME_BITS,
            },
        ])
    }

    /// The province's online contest: score, then time (in the head), then distance of the
    /// prediction, then fewer attempts, then earlier submission.
    pub fn contest() -> RankOrder {
        let mut keys = RankOrder::live_game().0;
        keys.extend(RankOrder::whole(&[Better::Lower, Better::Lower, Better::Lower]).0);
        RankOrder::new(keys)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether every key is in the head, so an entry is its head, `|` and the member id.
    pub fn all_in_head(&self) -> bool {
        self.0.iter().all(|k| k.head_bits > 0)
    }

    /// The first key outside what the head can hold exactly, with its largest value: such a
    /// value would be clamped, so input must be refused rather than ranked.
    pub fn out_of_range(&self, keys: &[i64]) -> Option<(usize, i64)> {
        self.0
            .iter()
            .zip(keys)
            .enumerate()
            .filter(|(_, (key, _))| key.head_bits > 0)
            .map(|(i, (key, &value))| (i, value, (1i64 << key.head_bits) - 1))
            .find(|&(_, value, max)| !(0..=max).contains(&value))
            .map(|(i, _, max)| (i, max))
    }

    /// Compares two key vectors under this order (`Less`: `a` ranks higher).
    pub fn compare(&self, a: &[i64], b: &[i64]) -> Ordering {
        for (i, key) in self.0.iter().enumerate() {
            let by = match key.better {
                Better::Higher => b[i].cmp(&a[i]),
                Better::Lower => a[i].cmp(&b[i]),
            };
            if by != Ordering::Equal {
                return by;
            }
        }
        Ordering::Equal
    }

    /// The sortable form of an entry: the head (14 hex digits), 16 hex digits per further
    /// key, then `|` and the member id. Ascending byte order of these strings is the ranking
    /// order; equal keys fall back to the member id, which makes the order total and the same
    /// in every store.
    pub fn encode(&self, keys: &[i64], member: &str) -> String {
        assert_eq!(keys.len(), self.0.len(), "one value per key of the order");
        let mut head: u64 = 0;
        let mut tail = String::new();
        for (&value, key) in keys.iter().zip(&self.0) {
            if key.head_bits > 0 {
                let max = (1u64 << key.head_bits) - 1;
                let v = value.clamp(0, max as i64) as u64;
                let sortable = match key.better {
                    Better::Lower => v,
                    Better::Higher => max - v,
                };
                head = (head << key.head_bits) | sortable;
            } else {
                // Shift i64 onto u64 keeping order, then flip for "higher is better".
                let lifted = (value as u64) ^ (1 << 63);
                let sortable = match key.better {
                    Better::Lower => lifted,
                    Better::Higher => !lifted,
                };
                tail.push_str(&format!("{sortable:016x}"));
            }
        }
        format!("{head:0w$x}{tail}|{member}", w = HEAD_HEX)
    }

    /// The keys and member id of an encoded entry.
    pub fn decode<'a>(&self, encoded: &'a str) -> Option<(Vec<i64>, &'a str)> {
        let tail_keys = self.0.iter().filter(|k| k.head_bits == 0).count();
        let width = HEAD_HEX + 16 * tail_keys;
        if encoded.len() <= width
            || encoded.as_bytes()[width] != b'|'
            || !encoded.is_char_boundary(width)
        {
            return None;
        }
        let mut head = u64::from_str_radix(&encoded[..HEAD_HEX], 16).ok()?;
        let mut keys = vec![0; self.0.len()];
        // The head packs its first key in the highest bits: unpack from the last.
        for (i, key) in self.0.iter().enumerate().rev() {
            if key.head_bits == 0 {
                continue;
            }
            let max = (1u64 << key.head_bits) - 1;
            let sortable = head & max;
            head >>= key.head_bits;
            keys[i] = match key.better {
                Better::Lower => sortable,
                Better::Higher => max - sortable,
            } as i64;
        }
        let mut at = HEAD_HEX;
        for (i, key) in self.0.iter().enumerate() {
            if key.head_bits > 0 {
                continue;
            }
            let sortable = u64::from_str_radix(&encoded[at..at + 16], 16).ok()?;
            at += 16;
            let lifted = match key.better {
                Better::Lower => sortable,
                Better::Higher => !sortable,
            };
            keys[i] = (lifted ^ (1 << 63)) as i64;
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
            let order = RankOrder::whole(&flips.iter().map(|&f| if f { Better::Higher } else { Better::Lower }).collect::<Vec<_>>());
            let (ea, eb) = (order.encode(&a, "m1"), order.encode(&b, "m2"));
            let by_keys = order.compare(&a, &b).then("m1".cmp("m2"));
            prop_assert_eq!(ea.cmp(&eb), by_keys);
            prop_assert_eq!(order.decode(&ea), Some((a.clone(), "m1")));
        }
    }

    proptest! {
        #[test]
        fn head_keys_in_range_rank_exactly(a in (0i64..=2_097_151, 0i64..=4_294_967_295, any::<i64>()),
                                           b in (0i64..=2_097_151, 0i64..=4_294_967_295, any::<i64>())) {
            let order = RankOrder::contest();
            let a = vec![a.0, a.1, a.2, 3, 4];
            let b = vec![b.0, b.1, b.2, 3, 4];
            let (ea, eb) = (order.encode(&a, "m1"), order.encode(&b, "m2"));
            prop_assert_eq!(ea.cmp(&eb), order.compare(&a, &b).then("m1".cmp("m2")));
            prop_assert_eq!(order.decode(&ea), Some((a.clone(), "m1")));
            let head = u64::from_str_radix(&ea[..HEAD_HEX], 16).unwrap();
            prop_assert!(head < 1 << 53, "a double holds the head exactly");
        }
    }

    #[test]
    fn a_live_game_entry_is_its_head_and_the_member() {
        let e = RankOrder::live_game().encode(&[1000, 4321], "p7");
        assert_eq!(e.len(), HEAD_HEX + 3);
        assert!(e.ends_with("|p7"));
        assert!(RankOrder::live_game().all_in_head());
        assert!(!RankOrder::contest().all_in_head());
    }

    #[test]
    fn values_a_head_cannot_hold_are_found() {
        let order = RankOrder::contest();
        assert_eq!(
            order.out_of_range(&[10, 5000, -1, 99, 1]),
            None,
            "tail keys hold any i64"
        );
        assert_eq!(
            order.out_of_range(&[2_097_152, 0, 0, 0, 0]),
            Some((0, 2_097_151))
        );
        assert_eq!(
            order.out_of_range(&[1, -1, 0, 0, 0]),
            Some((1, 4_294_967_295))
        );
    }

    #[test]
    fn values_beyond_a_head_key_are_clamped_not_wrapped() {
        let order = RankOrder::live_game();
        let top = order.encode(&[i64::MAX, 0], "a");
        let negative = order.encode(&[-5, 0], "a");
        assert_eq!(order.decode(&top).unwrap().0, [2_097_151, 0]);
        assert_eq!(order.decode(&negative).unwrap().0, [0, 0]);
        assert!(top < negative);
    }
}
