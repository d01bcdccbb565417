//! Participation per level: the enrolment of each pupil level and the teachers a school has,
//! and what the rounds' participants of each level are a rate of. Pure.
//!
//! The school list declares one enrolment per school, with the levels it teaches. A school of
//! one pupil level counts its whole enrolment there. A school of several (a TH & THCS, a THCS
//! & THPT school) splits it among its declared levels in proportion to its roster's pupils of
//! each level (grade 1–5, 6–9, 10–12); each share is rounded down and what rounding leaves
//! goes to its lowest level, so the shares add up to the declared enrolment exactly. With no
//! pupil of those levels on the roster, the split is even (same rounding). A school that
//! declares no pupil level splits among the levels its roster has; with no roster either, its
//! enrolment is in its total only. Teachers are rated against the school's teacher and
//! school-admin accounts: the school list declares no staff count.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::contest::turnout::rate_permille;
use crate::storage::activity::{SchoolLevelCount, SchoolRow};

/// The levels a report shows, in its order, with their printed names: the three pupil
/// levels, then teachers.
pub const LEVELS: [(&str, &str); 4] = [
    ("tieu-hoc", "Tiểu học"),
    ("thcs", "THCS"),
    ("thpt", "THPT"),
    ("giao-vien", "Giáo viên"),
];

/// The index in `LEVELS` of teachers.
const STAFF: usize = 3;

/// One level's participation in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelFigures {
    pub level: String,
    pub participants: i64,
    pub enrolment: i64,
    pub rate_permille: i64,
}

impl LevelFigures {
    pub fn new(k: usize, participants: i64, enrolment: i64) -> LevelFigures {
        LevelFigures {
            level: LEVELS[k].0.to_owned(),
            participants,
            enrolment,
            rate_permille: rate_permille(participants, enrolment),
        }
    }
}

/// The index of `level` in `LEVELS`.
pub fn index(level: &str) -> Option<usize> {
    LEVELS.iter().position(|(l, _)| *l == level)
}

/// A school's enrolment per pupil level (module comment), then its teacher accounts.
pub fn enrolment(school: &SchoolRow, counts: &[i64; 4]) -> [i64; 4] {
    let declared: Vec<usize> = (0..STAFF)
        .filter(|k| school.levels.iter().any(|l| l == LEVELS[*k].0))
        .collect();
    let among = if declared.is_empty() {
        (0..STAFF).filter(|k| counts[*k] > 0).collect()
    } else {
        declared
    };
    let mut out = [0, 0, 0, counts[STAFF]];
    let Some(&lowest) = among.first() else {
        return out;
    };
    let roster: i64 = among.iter().map(|k| counts[*k]).sum();
    for &k in &among {
        out[k] = if roster > 0 {
            school.enrolment * counts[k] / roster
        } else {
            school.enrolment / among.len() as i64
        };
    }
    let given: i64 = out[..STAFF].iter().sum();
    out[lowest] += school.enrolment - given;
    out
}

/// Every school's enrolment per level, by school code.
pub fn enrolments<'a>(
    schools: &'a [SchoolRow],
    counts: &[SchoolLevelCount],
) -> HashMap<&'a str, [i64; 4]> {
    let mut by_school: HashMap<&str, [i64; 4]> = HashMap::new();
    for c in counts {
        if let Some(k) = index(&c.level) {
            by_school.entry(c.school.as_str()).or_default()[k] += c.count;
        }
    }
    schools
        .iter()
        .map(|s| {
            let counts = by_school.get(s.code.as_str()).copied().unwrap_or_default();
            (s.code.as_str(), enrolment(s, &counts))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school(levels: &str, enrolment: i64) -> SchoolRow {
        SchoolRow {
            code: "S".into(),
            name: "Trường S".into(),
            commune: "c".into(),
            enrolment,
            levels: levels
                .split(',')
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
        }
    }

    #[test]
    fn a_school_enrolment_is_split_among_its_levels() {
        let table: &[(&str, i64, [i64; 4], [i64; 4])] = &[
            // One level: everything there, whatever the roster.
            ("thcs", 800, [0, 10, 0, 7], [0, 800, 0, 7]),
            ("tieu-hoc", 500, [0, 0, 0, 0], [500, 0, 0, 0]),
            // Several: in proportion to the roster, the remainder to the lowest level.
            ("tieu-hoc,thcs", 1000, [0, 0, 0, 0], [500, 500, 0, 0]),
            ("thcs,thpt", 1000, [0, 200, 100, 3], [0, 667, 333, 3]),
            ("thcs,thpt", 1001, [0, 1, 1, 0], [0, 501, 500, 0]),
            ("tieu-hoc,thcs,thpt", 100, [0, 0, 0, 0], [34, 33, 33, 0]),
            // Pupils of an undeclared level are not given a share.
            ("tieu-hoc,thcs", 90, [10, 20, 30, 0], [30, 60, 0, 0]),
            // Nothing declared: the levels of the roster; no roster, no level.
            ("", 300, [0, 1, 2, 0], [0, 100, 200, 0]),
            ("giao-vien", 300, [0, 0, 0, 4], [0, 0, 0, 4]),
        ];
        for (levels, total, counts, want) in table {
            let got = enrolment(&school(levels, *total), counts);
            assert_eq!(&got, want, "{levels} {total} {counts:?}");
        }
    }
}
