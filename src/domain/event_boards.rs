//! The boards of a province event game (10/10, issue 18), pure. Each player who named a school
//! is ranked, by score then total answer time (the live game's order), on three individual
//! boards of the game's context: the province, their commune and their school. Schools and
//! communes are ranked by their players' average score, then their average answer time, then
//! how many players they have: an average, because a school of 2,000 players must not win by
//! size alone against one of 40.
//!
//! Everything here is absolute (a player's total, a unit's tally recomputed from every total),
//! so writing an entry twice changes nothing and a board can be rebuilt from the game's rows.

use std::collections::BTreeMap;

use super::ranking::{Better, Key, RankOrder};
use super::scopes::{place_units, Scope};

/// A player's standing in the event: totals as the room ranks them, and their units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub score: i64,
    pub answer_time_ms: i64,
    pub school: String,
    pub commune: String,
}

/// Bits of the average score ×1000 in the head (2,147,483,647: above 1000 × the 21-bit
/// score a player can hold).
const AVERAGE_SCORE_BITS: u8 = 31;
/// Bits of the average answer time in the head: 70 minutes of answering, longer than any quiz;
/// longer averages are clamped, which only merges ties between units that slow.
const AVERAGE_TIME_BITS: u8 = 22;

/// How schools and communes of an event rank: average score ×1000 ↓, average answer time ↑
/// (both in the head), players ↓ (whole).
pub fn unit_order() -> RankOrder {
    RankOrder::new(vec![
        Key {
            better: Better::Higher,
            head_bits: AVERAGE_SCORE_BITS,
        },
        Key {
            better: Better::Lower,
            head_bits: AVERAGE_TIME_BITS,
        },
        Key {
            better: Better::Higher,
            head_bits: 0,
        },
    ])
}

/// What a school or commune of an event has: its players and their totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitTally {
    pub players: i64,
    pub total_score: i64,
    pub total_time_ms: i64,
}

impl UnitTally {
    fn add(&mut self, s: &Standing) {
        self.players += 1;
        self.total_score += s.score;
        self.total_time_ms += s.answer_time_ms;
    }

    /// The keys under [`unit_order`]: average score ×1000, average answer time in ms (both
    /// rounded down), players.
    pub fn keys(&self) -> Vec<i64> {
        if self.players == 0 {
            return vec![0, 0, 0];
        }
        vec![
            self.total_score * 1000 / self.players,
            self.total_time_ms / self.players,
            self.players,
        ]
    }
}

/// The three individual boards a player of the event is on.
pub fn player_scopes(s: &Standing) -> [Scope; 3] {
    [
        Scope::Province,
        Scope::Commune {
            commune: s.commune.clone(),
        },
        Scope::School {
            school: s.school.clone(),
        },
    ]
}

/// Every unit board of the event and its members' tallies: the schools of the province, the
/// schools of each commune, the communes. Only units with players appear.
pub fn unit_boards<'a>(
    standings: impl IntoIterator<Item = &'a Standing>,
) -> BTreeMap<Scope, Vec<(String, UnitTally)>> {
    let mut schools: BTreeMap<(&str, &str), UnitTally> = BTreeMap::new();
    let mut communes: BTreeMap<&str, UnitTally> = BTreeMap::new();
    for s in standings {
        schools
            .entry((s.commune.as_str(), s.school.as_str()))
            .or_default()
            .add(s);
        communes.entry(s.commune.as_str()).or_default().add(s);
    }
    let mut boards = BTreeMap::new();
    place_units(
        &mut boards,
        schools.into_iter().map(|((c, s), t)| (c, s, t)),
        communes,
    );
    boards
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use super::*;

    fn s(score: i64, time: i64, school: &str, commune: &str) -> Standing {
        Standing {
            score,
            answer_time_ms: time,
            school: school.into(),
            commune: commune.into(),
        }
    }

    #[test]
    fn units_rank_by_average_score_then_average_time_then_players() {
        let players = [
            s(900, 4000, "A", "X"),
            s(100, 4000, "A", "X"),
            s(500, 9000, "B", "X"),
            s(500, 1000, "C", "Y"),
        ];
        let boards = unit_boards(&players);
        let schools = &boards[&Scope::SchoolsOfProvince];
        let keys: BTreeMap<&str, Vec<i64>> = schools
            .iter()
            .map(|(code, t)| (code.as_str(), t.keys()))
            .collect();
        assert_eq!(keys["A"], [500_000, 4000, 2]);
        assert_eq!(keys["B"], [500_000, 9000, 1]);
        let order = unit_order();
        assert_eq!(
            order.compare(&keys["C"], &keys["A"]),
            Ordering::Less,
            "same average, faster first"
        );
        assert_eq!(order.compare(&keys["A"], &keys["B"]), Ordering::Less);
        assert_eq!(
            order.compare(&[500_000, 4000, 3], &keys["A"]),
            Ordering::Less,
            "then more players"
        );
        assert_eq!(
            boards[&Scope::SchoolsOfCommune {
                commune: "X".into()
            }]
                .len(),
            2
        );
        let communes: BTreeMap<&str, Vec<i64>> = boards[&Scope::Communes]
            .iter()
            .map(|(c, t)| (c.as_str(), t.keys()))
            .collect();
        assert_eq!(communes["X"], [500_000, 17_000 / 3, 3]);
        assert_eq!(communes["Y"], [500_000, 1000, 1]);
    }

    #[test]
    fn the_largest_averages_fit_the_head_exactly() {
        let order = unit_order();
        let top = vec![2_097_151_000, 0, 1];
        let next = vec![2_097_150_999, 0, 1];
        assert_eq!(order.out_of_range(&top), None);
        assert_eq!(order.compare(&top, &next), Ordering::Less);
        let entry = order.encode(&top, "TH01");
        let (keys, member) = order.decode(&entry).unwrap();
        assert_eq!((keys, member), (top, "TH01"));
    }

    #[test]
    fn a_player_is_on_the_province_their_commune_and_their_school() {
        let scopes = player_scopes(&s(1, 1, "TH01", "22015"));
        assert_eq!(
            scopes.map(|s| s.to_string()),
            ["province", "commune/22015", "school/TH01"]
        );
    }
}
