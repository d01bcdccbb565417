//! Where rankings exist — the province, each commune, each school, each class — and what each
//! board holds: individuals ranked by their results, and collectives (classes, schools,
//! communes) ranked by participation and results. Board names and collective measures are
//! computed here, pure; the leaderboard stores and the database know nothing of scopes.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::context::Context;
use super::ranking::{Better, Key, RankOrder};

/// A board within a ranking context.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum Scope {
    /// Individuals of the whole province.
    Province,
    /// Individuals of one commune or ward.
    Commune { commune: String },
    /// Individuals of one school.
    School { school: String },
    /// Individuals of one class.
    Class { school: String, class: String },
    /// Schools of the province.
    SchoolsOfProvince,
    /// Schools of one commune.
    SchoolsOfCommune { commune: String },
    /// Communes of the province.
    Communes,
    /// Classes of one school.
    ClassesOfSchool { school: String },
    /// The players of one live game (the only board of a `game-{id}` context), by nickname.
    Players,
}

/// Why a path is not a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a scope: province, commune/C, school/S, class/S/L, schools, schools/commune/C, communes, classes/S or players")]
pub struct ScopeError;

/// The one grammar of scopes, in URLs, `watch` messages and published versions' board names:
/// `province`, `commune/C`, `school/S`, `class/S/L`, `schools`, `schools/commune/C`,
/// `communes`, `classes/S`, `players`. Codes are not empty and never contain `/`.
impl FromStr for Scope {
    type Err = ScopeError;

    fn from_str(path: &str) -> Result<Scope, ScopeError> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let owned = |s: &&str| (!s.is_empty()).then(|| s.to_string()).ok_or(ScopeError);
        Ok(match parts.as_slice() {
            ["province"] => Scope::Province,
            ["commune", c] => Scope::Commune { commune: owned(c)? },
            ["school", s] => Scope::School { school: owned(s)? },
            ["class", s, c] => Scope::Class {
                school: owned(s)?,
                class: owned(c)?,
            },
            ["schools"] => Scope::SchoolsOfProvince,
            ["schools", "commune", c] => Scope::SchoolsOfCommune { commune: owned(c)? },
            ["communes"] => Scope::Communes,
            ["classes", s] => Scope::ClassesOfSchool { school: owned(s)? },
            ["players"] => Scope::Players,
            _ => return Err(ScopeError),
        })
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Province => f.write_str("province"),
            Scope::Commune { commune } => write!(f, "commune/{commune}"),
            Scope::School { school } => write!(f, "school/{school}"),
            Scope::Class { school, class } => write!(f, "class/{school}/{class}"),
            Scope::SchoolsOfProvince => f.write_str("schools"),
            Scope::SchoolsOfCommune { commune } => write!(f, "schools/commune/{commune}"),
            Scope::Communes => f.write_str("communes"),
            Scope::ClassesOfSchool { school } => write!(f, "classes/{school}"),
            Scope::Players => f.write_str("players"),
        }
    }
}

impl Scope {
    /// The board's name in the leaderboard store: `{context}/{path}`, where individual paths
    /// start with `i/` and the schools of the province are `schools/province`. (Not the URL
    /// grammar: these names are what Redis holds, so they stay as they are.)
    pub fn board(&self, context: &Context) -> String {
        let path = match self {
            Scope::Province => "i/province".to_owned(),
            Scope::Commune { commune } => format!("i/commune/{commune}"),
            Scope::School { school } => format!("i/school/{school}"),
            Scope::Class { school, class } => format!("i/class/{school}/{class}"),
            Scope::SchoolsOfProvince => "schools/province".to_owned(),
            Scope::SchoolsOfCommune { commune } => format!("schools/commune/{commune}"),
            Scope::Communes => "communes".to_owned(),
            Scope::ClassesOfSchool { school } => format!("classes/{school}"),
            Scope::Players => "players".to_owned(),
        };
        format!("{context}/{path}")
    }

    /// Whether the board ranks students of the roster (else units, or a game's players).
    pub fn is_individual(&self) -> bool {
        matches!(
            self,
            Scope::Province | Scope::Commune { .. } | Scope::School { .. } | Scope::Class { .. }
        )
    }

    /// Whether `context` may have this board: a round has all but a game's players; a live
    /// game has its players and, when it is a province event, its players in the province,
    /// each commune and each school, and the schools and communes they come from (no classes:
    /// an event's players name their school only).
    pub fn belongs_to(&self, context: &Context) -> bool {
        match context {
            Context::Round(_) => !matches!(self, Scope::Players),
            Context::Game(_) => {
                !matches!(self, Scope::Class { .. } | Scope::ClassesOfSchool { .. })
            }
        }
    }

    /// The four individual boards a participant appears on.
    pub fn of_participant(commune: &str, school: &str, class: &str) -> [Scope; 4] {
        [
            Scope::Province,
            Scope::Commune {
                commune: commune.to_owned(),
            },
            Scope::School {
                school: school.to_owned(),
            },
            Scope::Class {
                school: school.to_owned(),
                class: class.to_owned(),
            },
        ]
    }
}

/// Order of individuals: score, time, prediction distance, attempts, submission time.
pub fn individual_order() -> RankOrder {
    RankOrder::contest()
}

/// Order of collectives: participation rate, then average score, then total score, then
/// participants, all higher-is-better. (A contest may configure another; this is the default
/// the province's rules suggest: full participation first.)
pub fn collective_order() -> RankOrder {
    // Participation in parts per million (20 bits) and the average ×1000 (33 bits) fill the
    // head; total and participants follow whole.
    let higher = |head_bits| Key {
        better: Better::Higher,
        head_bits,
    };
    RankOrder::new(vec![higher(20), higher(33), higher(0), higher(0)])
}

/// What a collective has: participants against enrolment, and their scores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub participants: i64,
    pub enrolment: i64,
    pub total_score: i64,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.participants += other.participants;
        self.enrolment += other.enrolment;
        self.total_score += other.total_score;
    }

    /// Participation rate in parts per million (0 with no enrolment), so it ranks exactly.
    pub fn rate_ppm(&self) -> i64 {
        if self.enrolment <= 0 {
            0
        } else {
            self.participants.min(self.enrolment) * 1_000_000 / self.enrolment
        }
    }

    /// Average score of participants, in thousandths.
    pub fn average_milli(&self) -> i64 {
        if self.participants == 0 {
            0
        } else {
            self.total_score * 1000 / self.participants
        }
    }

    /// The key under [`collective_order`].
    pub fn keys(&self) -> Vec<i64> {
        vec![
            self.rate_ppm(),
            self.average_milli(),
            self.total_score,
            self.participants,
        ]
    }
}

/// Tallies of every collective board, from per-class tallies (enrolment = class size) and
/// per-school enrolment (`school → (commune, enrolment)`). A school's enrolment is what the
/// school declared, not the sum of its imported classes (a roster may be incomplete). Every
/// commune of `communes` ranks, even one with no school registered yet.
pub fn collective_tallies(
    classes: &BTreeMap<(String, String), Tally>,
    schools: &BTreeMap<String, (String, i64)>,
    communes: &[String],
) -> BTreeMap<Scope, Vec<(String, Tally)>> {
    let mut by_school: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut boards: BTreeMap<Scope, Vec<(String, Tally)>> = BTreeMap::new();
    for ((school, class), tally) in classes {
        by_school.entry(school).or_default().add(&Tally {
            enrolment: 0,
            ..*tally
        });
        boards
            .entry(Scope::ClassesOfSchool {
                school: school.clone(),
            })
            .or_default()
            .push((class.clone(), *tally));
    }
    let mut by_commune: BTreeMap<&str, Tally> = communes
        .iter()
        .map(|c| (c.as_str(), Tally::default()))
        .collect();
    let mut school_lines = Vec::new();
    for (school, (commune, enrolment)) in schools {
        let mut tally = by_school.get(school.as_str()).copied().unwrap_or_default();
        tally.enrolment = *enrolment;
        by_commune.entry(commune).or_default().add(&tally);
        school_lines.push((commune.as_str(), school.as_str(), tally));
    }
    place_units(&mut boards, school_lines, by_commune);
    boards
}

/// Puts each school on the province's schools board and on its commune's, and each commune on
/// the communes board (the collective boards of a contest round and of an event game).
pub fn place_units<'a, T>(
    boards: &mut BTreeMap<Scope, Vec<(String, T)>>,
    schools: impl IntoIterator<Item = (&'a str, &'a str, T)>,
    communes: impl IntoIterator<Item = (&'a str, T)>,
) where
    T: Copy,
{
    for (commune, school, tally) in schools {
        boards
            .entry(Scope::SchoolsOfProvince)
            .or_default()
            .push((school.to_owned(), tally));
        boards
            .entry(Scope::SchoolsOfCommune {
                commune: commune.to_owned(),
            })
            .or_default()
            .push((school.to_owned(), tally));
    }
    for (commune, tally) in communes {
        boards
            .entry(Scope::Communes)
            .or_default()
            .push((commune.to_owned(), tally));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::GameId;

    fn t(participants: i64, enrolment: i64, total_score: i64) -> Tally {
        Tally {
            participants,
            enrolment,
            total_score,
        }
    }

    fn context(s: &str) -> Context {
        s.parse().unwrap()
    }

    #[test]
    fn boards_have_stable_names() {
        assert_eq!(Scope::Province.board(&context("dot-1")), "dot-1/i/province");
        assert_eq!(
            Scope::Class {
                school: "TH1".into(),
                class: "5A".into()
            }
            .board(&context("dot-1")),
            "dot-1/i/class/TH1/5A"
        );
        assert_eq!(
            Scope::SchoolsOfCommune {
                commune: "22015".into()
            }
            .board(&context("d")),
            "d/schools/commune/22015"
        );
        assert_eq!(
            Scope::Players.board(&Context::Game(GameId::new(17))),
            "game-17/players",
            "the documented name of a live game's board"
        );
    }

    #[test]
    fn every_scope_prints_as_the_path_it_parses_from() {
        let scopes = [
            Scope::Province,
            Scope::Commune {
                commune: "22015".into(),
            },
            Scope::School {
                school: "TH1".into(),
            },
            Scope::Class {
                school: "TH1".into(),
                class: "5A".into(),
            },
            Scope::SchoolsOfProvince,
            Scope::SchoolsOfCommune {
                commune: "22015".into(),
            },
            Scope::Communes,
            Scope::ClassesOfSchool {
                school: "TH1".into(),
            },
            Scope::Players,
        ];
        for scope in scopes {
            assert_eq!(scope.to_string().parse(), Ok(scope.clone()), "{scope}");
        }
        assert_eq!(
            "/school/TH1/".parse(),
            Ok(Scope::School {
                school: "TH1".into()
            })
        );
        for bad in [
            "",
            "class/TH1",
            "school/",
            "schools/province",
            "nowhere",
            "commune/a/b",
        ] {
            assert_eq!(bad.parse::<Scope>(), Err(ScopeError), "{bad:?}");
        }
    }

    #[test]
    fn a_live_game_has_its_players_and_event_boards_and_a_round_everything_else() {
        let game = Context::Game(GameId::new(3));
        assert!(Scope::Players.belongs_to(&game));
        assert!(
            Scope::Province.belongs_to(&game),
            "an event's province board"
        );
        assert!(Scope::Communes.belongs_to(&game));
        assert!(!Scope::ClassesOfSchool { school: "A".into() }.belongs_to(&game));
        assert!(!Scope::Class {
            school: "A".into(),
            class: "5A".into()
        }
        .belongs_to(&game));
        assert!(!Scope::Players.belongs_to(&context("dot-1")));
        assert!(Scope::Communes.belongs_to(&context("dot-1")));
    }

    #[test]
    fn participation_rate_ranks_before_scores() {
        let order = collective_order();
        let full_small = t(30, 30, 150);
        let half_strong = t(300, 600, 2700);
        assert_eq!(full_small.rate_ppm(), 1_000_000);
        assert_eq!(half_strong.rate_ppm(), 500_000);
        assert_eq!(
            order.compare(&full_small.keys(), &half_strong.keys()),
            std::cmp::Ordering::Less
        );
        assert_eq!(t(0, 0, 0).rate_ppm(), 0);
        assert_eq!(
            t(40, 30, 10).rate_ppm(),
            1_000_000,
            "more participants than enrolled caps at 100 %"
        );
    }

    #[test]
    fn tallies_roll_up_from_classes_to_schools_and_communes() {
        let classes: BTreeMap<(String, String), Tally> = [
            (("A".into(), "5A".into()), t(20, 30, 160)),
            (("A".into(), "5B".into()), t(10, 30, 90)),
            (("B".into(), "9A".into()), t(40, 40, 200)),
        ]
        .into();
        let schools: BTreeMap<String, (String, i64)> = [
            ("A".into(), ("X".into(), 70)),
            ("B".into(), ("X".into(), 40)),
            ("C".into(), ("Y".into(), 500)),
        ]
        .into();
        let boards = collective_tallies(&classes, &schools, &["X".into(), "Y".into(), "Z".into()]);
        let province = &boards[&Scope::SchoolsOfProvince];
        assert_eq!(
            province.iter().find(|(s, _)| s == "A").unwrap().1,
            t(30, 70, 250)
        );
        assert_eq!(
            province.iter().find(|(s, _)| s == "C").unwrap().1,
            t(0, 500, 0),
            "a school nobody from took part in still ranks"
        );
        let communes = &boards[&Scope::Communes];
        assert_eq!(
            communes.iter().find(|(c, _)| c == "X").unwrap().1,
            t(70, 110, 450)
        );
        assert_eq!(
            boards[&Scope::ClassesOfSchool { school: "A".into() }].len(),
            2
        );
    }
}
