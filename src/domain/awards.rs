//! Who gets a certificate from a published version, and what it says: the first of each level
//! on the province's board (prizes by rank within the level), and the schools and communes
//! whose participation clears the minimum of their size. Pure: the caller reads the version's
//! boards and each member's level.
//!
//! A published version never changes, so the same version always gives the same winners and
//! a certificate can be checked against it years later.

use serde::Serialize;

use super::bank::Level;
use super::contest::turnout::{collective_awards, Band, Turnout};

/// What a certificate says was won.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Prize {
    First,
    Second,
    Third,
    /// «Khuyến khích»: the rest of a level's top.
    Merit,
    /// A school's or commune's participation cleared the minimum of its size.
    Collective,
}

impl Prize {
    /// The prize of the `rank`-th (1-based) of a level: one first, one second, one third,
    /// merits after.
    pub fn of_rank(rank: usize) -> Prize {
        match rank {
            1 => Prize::First,
            2 => Prize::Second,
            3 => Prize::Third,
            _ => Prize::Merit,
        }
    }

    /// The words printed on the certificate.
    pub fn title(self) -> &'static str {
        match self {
            Prize::First => "Giải Nhất",
            Prize::Second => "Giải Nhì",
            Prize::Third => "Giải Ba",
            Prize::Merit => "Giải Khuyến khích",
            Prize::Collective => "Tập thể có tỉ lệ tham gia cao",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Prize::First => "first",
            Prize::Second => "second",
            Prize::Third => "third",
            Prize::Merit => "merit",
            Prize::Collective => "collective",
        }
    }

    pub fn parse(s: &str) -> Option<Prize> {
        [
            Prize::First,
            Prize::Second,
            Prize::Third,
            Prize::Merit,
            Prize::Collective,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// Whose certificate: a participant, a school or a commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    Individual,
    School,
    Commune,
}

impl Holder {
    pub fn as_str(self) -> &'static str {
        match self {
            Holder::Individual => "individual",
            Holder::School => "school",
            Holder::Commune => "commune",
        }
    }

    pub fn parse(s: &str) -> Option<Holder> {
        [Holder::Individual, Holder::School, Holder::Commune]
            .into_iter()
            .find(|h| h.as_str() == s)
    }
}

/// The Vietnamese name of a level, as a certificate prints it.
pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::TieuHoc => "Tiểu học",
        Level::Thcs => "Trung học cơ sở",
        Level::Thpt => "Trung học phổ thông",
        Level::GiaoVien => "Giáo viên",
        Level::CongDong => "Cộng đồng",
    }
}

/// One award of a version: the member (a student's or a unit's code), its rank within its
/// level (individuals) or by rate (collectives), and the prize.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Award {
    pub holder: Holder,
    pub member: String,
    pub level: Option<Level>,
    pub rank: usize,
    pub prize: Prize,
}

/// The first `per_level` of each level, from the province's board in rank order:
/// `(member, level)`, a member of no known level left out. Each level ranks among itself, in
/// the board's order, which is the round's.
pub fn individual_awards(board: &[(String, Option<Level>)], per_level: usize) -> Vec<Award> {
    let mut seen: Vec<(Level, usize)> = Vec::new();
    let mut out = Vec::new();
    for (member, level) in board {
        let Some(level) = *level else { continue };
        let rank = match seen.iter_mut().find(|(l, _)| *l == level) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                seen.push((level, 1));
                1
            }
        };
        if rank <= per_level {
            out.push(Award {
                holder: Holder::Individual,
                member: member.clone(),
                level: Some(level),
                rank,
                prize: Prize::of_rank(rank),
            });
        }
    }
    out
}

/// The collectives (schools or communes, by `holder`) that clear their band: best rate
/// first, ranked 1, 2, …
pub fn collective_prizes(holder: Holder, units: &[Turnout], bands: &[Band]) -> Vec<Award> {
    collective_awards(units, bands)
        .into_iter()
        .enumerate()
        .map(|(i, u)| Award {
            holder,
            member: u.code,
            level: None,
            rank: i + 1,
            prize: Prize::Collective,
        })
        .collect()
}

/// A date as printed in Vietnamese administrative style: «ngày 05 tháng 12 năm 2026».
pub fn date_words((year, month, day): (i64, i64, i64)) -> String {
    format!("ngày {day:02} tháng {month:02} năm {year}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contest::turnout::default_bands;

    #[test]
    fn each_level_ranks_among_itself_in_the_boards_order() {
        use Level::*;
        let board: Vec<(String, Option<Level>)> = [
            ("a", Some(Thcs)),
            ("b", Some(TieuHoc)),
            ("c", Some(Thcs)),
            ("x", None),
            ("d", Some(Thcs)),
            ("e", Some(Thcs)),
            ("f", Some(TieuHoc)),
            ("g", Some(Thcs)),
        ]
        .iter()
        .map(|(m, l)| (m.to_string(), *l))
        .collect();
        let got: Vec<(String, Level, usize, Prize)> = individual_awards(&board, 4)
            .into_iter()
            .map(|a| (a.member, a.level.unwrap(), a.rank, a.prize))
            .collect();
        let want = [
            ("a", Thcs, 1, Prize::First),
            ("b", TieuHoc, 1, Prize::First),
            ("c", Thcs, 2, Prize::Second),
            ("d", Thcs, 3, Prize::Third),
            ("e", Thcs, 4, Prize::Merit),
            ("f", TieuHoc, 2, Prize::Second),
        ];
        assert_eq!(
            got,
            want.map(|(m, l, r, p)| (m.to_string(), l, r, p)).to_vec(),
            "g is fifth of THCS, past the top 4; x has no level"
        );
        assert!(individual_awards(&board, 0).is_empty());
    }

    #[test]
    fn prizes_by_rank_and_their_words() {
        let table = [
            (1, Prize::First, "Giải Nhất"),
            (2, Prize::Second, "Giải Nhì"),
            (3, Prize::Third, "Giải Ba"),
            (4, Prize::Merit, "Giải Khuyến khích"),
            (10, Prize::Merit, "Giải Khuyến khích"),
        ];
        for (rank, prize, words) in table {
            assert_eq!(Prize::of_rank(rank), prize);
            assert_eq!(prize.title(), words);
            assert_eq!(Prize::parse(prize.as_str()), Some(prize));
        }
        assert_eq!(Prize::parse("gold"), None);
        assert_eq!(Holder::parse("school"), Some(Holder::School));
        assert_eq!(Holder::parse("class"), None);
    }

    #[test]
    fn collectives_that_clear_their_band_rank_by_rate() {
        let units = [
            Turnout::new("TH1", "A", 200, 150, 150), // 750 < 800: a small school needs 80 %
            Turnout::new("TH2", "B", 200, 180, 190), // 900
            Turnout::new("TH3", "C", 2000, 1000, 1000), // 500 ≥ 400 for a large one
        ];
        let got: Vec<(String, usize)> = collective_prizes(Holder::School, &units, &default_bands())
            .into_iter()
            .map(|a| (a.member, a.rank))
            .collect();
        assert_eq!(got, [("TH2".to_string(), 1), ("TH3".to_string(), 2)]);
    }

    #[test]
    fn dates_in_administrative_style() {
        assert_eq!(date_words((2026, 12, 5)), "ngày 05 tháng 12 năm 2026");
    }
}
