//! Turnout and awards of a round, as arithmetic: participation rates (per mille, integers, so
//! a page and a spreadsheet agree to the digit), communes from their schools, the top
//! participants of each level, and the collectives whose rate clears the minimum for their
//! size.

use serde::{Deserialize, Serialize};

use crate::domain::result_order::{ResultKeys, ResultOrder};

/// A unit's turnout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Turnout {
    pub code: String,
    pub name: String,
    pub enrolment: i64,
    pub participants: i64,
    pub attempts: i64,
    pub rate_permille: i64,
}

/// Participants per thousand enrolled (0 for a unit with nobody enrolled).
pub fn rate_permille(participants: i64, enrolment: i64) -> i64 {
    (participants * 1000).checked_div(enrolment).unwrap_or(0)
}

impl Turnout {
    pub fn new(
        code: &str,
        name: &str,
        enrolment: i64,
        participants: i64,
        attempts: i64,
    ) -> Turnout {
        Turnout {
            code: code.to_owned(),
            name: name.to_owned(),
            enrolment,
            participants,
            attempts,
            rate_permille: rate_permille(participants, enrolment),
        }
    }
}

/// Communes' turnout from their schools': `(commune code, commune name, school turnout)`.
pub fn by_commune<'a>(
    schools: impl IntoIterator<Item = (&'a str, &'a str, &'a Turnout)>,
) -> Vec<Turnout> {
    let mut out: Vec<Turnout> = Vec::new();
    for (code, name, s) in schools {
        match out.iter_mut().find(|c| c.code == code) {
            Some(c) => {
                c.enrolment += s.enrolment;
                c.participants += s.participants;
                c.attempts += s.attempts;
            }
            None => out.push(Turnout::new(
                code,
                name,
                s.enrolment,
                s.participants,
                s.attempts,
            )),
        }
    }
    for c in &mut out {
        c.rate_permille = rate_permille(c.participants, c.enrolment);
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

/// The minimum participation rate a collective needs for an award, by its size: the first
/// band whose `up_to` holds the unit's enrolment applies (a small school must bring more of
/// its pupils than a large one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    /// Largest enrolment of the band; `None`: any.
    pub up_to: Option<i64>,
    pub min_rate_permille: i64,
}

/// The default bands: up to 300 pupils 80%, up to 1,000 60%, larger 40%.
pub fn default_bands() -> Vec<Band> {
    vec![
        Band {
            up_to: Some(300),
            min_rate_permille: 800,
        },
        Band {
            up_to: Some(1000),
            min_rate_permille: 600,
        },
        Band {
            up_to: None,
            min_rate_permille: 400,
        },
    ]
}

/// Units that clear their band's minimum, best rate first (then more participants, then code).
pub fn collective_awards(units: &[Turnout], bands: &[Band]) -> Vec<Turnout> {
    let mut won: Vec<Turnout> = units
        .iter()
        .filter(|u| {
            bands
                .iter()
                .find(|b| b.up_to.is_none_or(|max| u.enrolment <= max))
                .is_some_and(|b| u.enrolment > 0 && u.rate_permille >= b.min_rate_permille)
        })
        .cloned()
        .collect();
    won.sort_by(|a, b| {
        b.rate_permille
            .cmp(&a.rate_permille)
            .then(b.participants.cmp(&a.participants))
            .then(a.code.cmp(&b.code))
    });
    won
}

/// The first `k` of `standings` (member, values) in the round's order; ties keep the order
/// they come in (the callers pass them by code, as the boards break ties).
pub fn top<T: Clone>(
    standings: &[(T, ResultKeys)],
    order: &ResultOrder,
    k: usize,
) -> Vec<(T, ResultKeys)> {
    let mut sorted = standings.to_vec();
    sorted.sort_by(|a, b| order.compare(&a.1, &b.1));
    sorted.truncate(k);
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_per_mille_and_communes_add_their_schools() {
        assert_eq!(rate_permille(1, 3), 333);
        assert_eq!(rate_permille(5, 0), 0);
        let a = Turnout::new("TH1", "A", 100, 50, 70);
        let b = Turnout::new("TH2", "B", 300, 30, 30);
        let c = Turnout::new("TH3", "C", 10, 10, 12);
        let communes = by_commune([("22015", "X", &a), ("22045", "Y", &c), ("22015", "X", &b)]);
        assert_eq!(communes.len(), 2);
        assert_eq!(
            (
                communes[0].enrolment,
                communes[0].participants,
                communes[0].attempts,
                communes[0].rate_permille
            ),
            (400, 80, 100, 200)
        );
        assert_eq!(communes[1].rate_permille, 1000);
    }

    #[test]
    fn a_collective_needs_the_rate_of_its_size() {
        let units = [
            Turnout::new("small-80", "", 300, 240, 0), // 800: exactly the small band's minimum
            Turnout::new("small-79", "", 300, 239, 0), // 796: not enough
            Turnout::new("mid-60", "", 1000, 600, 0),  // 600: enough for its size
            Turnout::new("big-45", "", 2000, 900, 0),  // 450: enough for a large school
            Turnout::new("big-39", "", 2000, 799, 0),  // 399: not
            Turnout::new("empty", "", 0, 0, 0),
        ];
        let won: Vec<_> = collective_awards(&units, &default_bands())
            .into_iter()
            .map(|u| u.code)
            .collect();
        assert_eq!(won, ["small-80", "mid-60", "big-45"]);
    }

    #[test]
    fn the_top_follows_the_contest_order() {
        let s = [
            ("a", [90, 500, 0, 1, 10]),
            ("b", [90, 400, 0, 2, 20]),
            ("c", [100, 900, 0, 1, 30]),
            ("d", [90, 400, 0, 1, 40]),
        ];
        let names = |order: &ResultOrder, k| -> Vec<&str> {
            top(&s, order, k).into_iter().map(|(n, _)| n).collect()
        };
        assert_eq!(
            names(&ResultOrder::default(), 3),
            ["c", "d", "b"],
            "score, time, then fewer attempts"
        );
        use crate::domain::result_order::ResultKey::{Attempts, Time};
        let fast = ResultOrder::new(vec![Time, Attempts]).unwrap();
        assert_eq!(
            names(&fast, 4),
            ["d", "b", "a", "c"],
            "the round's own order"
        );
    }
}
