//! The movement's report of a unit (the province, a commune, a school) over a period: the
//! activities held (live games hosted by its schools, contest rounds taken part in), the
//! participation against enrolment and the plan's 100 % target, the results, and the winners
//! of the rounds' latest published versions. One computation feeds the JSON, the workbook
//! (`xlsx`) and the printable page (web/report.html).

pub mod charts;
pub mod dashboard;
pub mod levels;
pub mod xlsx;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::certificates;
use crate::domain::contest::turnout::rate_permille;
use crate::domain::period::Period;
use crate::domain::report_unit::ReportUnit;
use crate::storage::activity::{RoundSchool, SchoolGames, SchoolLevelCount, SchoolRow};
use crate::storage::Store;
use levels::LevelFigures;

/// A round's figures in the unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundFigures {
    pub context: String,
    pub title: String,
    /// Pupils who started an attempt in the period.
    pub participants: i64,
    /// Teachers and managers who did.
    pub staff: i64,
    pub enrolment: i64,
    pub rate_permille: i64,
    /// Submitted attempts, and their average score in tenths of a point.
    pub submitted: i64,
    pub average_score_tenths: i64,
    /// Participation per level (`levels::LEVELS`: tiểu học, THCS, THPT, giáo viên).
    pub levels: Vec<LevelFigures>,
}

/// One line of a report's table: the unit itself, or one of its communes or schools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub code: String,
    pub name: String,
    pub enrolment: i64,
    pub schools: i64,
    /// Schools that hosted at least one live game in the period (the plan: every school).
    pub schools_with_games: i64,
    pub games: i64,
    pub game_players: i64,
    /// The report's rounds, in its order.
    pub rounds: Vec<RoundFigures>,
}

/// A winner of a round in the unit, from the round's latest published version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Winner {
    pub context: String,
    pub version: i64,
    pub name: String,
    pub unit: String,
    pub award: String,
    /// The certificate's verification code.
    pub code: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitReport {
    pub unit: ReportUnit,
    /// «Trường Tiểu học Kim Đồng», «Phường Buôn Ma Thuột», «Tỉnh Đắk Lắk».
    pub name: String,
    /// The commune of a school, the province of a commune; empty for the province.
    pub parent: String,
    pub from: String,
    pub to: String,
    pub generated_at: i64,
    /// The unit's totals.
    pub total: Line,
    /// Its communes (province), its schools (commune), or itself (school).
    pub lines: Vec<Line>,
    pub winners: Vec<Winner>,
}

/// The round id, context and title of the rounds a report shows.
pub type RoundMeta = (i64, String, String);

fn line(
    code: &str,
    name: &str,
    schools: &[&SchoolRow],
    games: &HashMap<&str, &SchoolGames>,
    rounds: &[RoundMeta],
    taking: &HashMap<(i64, &str), Vec<&RoundSchool>>,
    enrolments: &HashMap<&str, [i64; 4]>,
) -> Line {
    let enrolment: i64 = schools.iter().map(|s| s.enrolment).sum();
    let mut by_level = [0i64; 4];
    for s in schools {
        if let Some(e) = enrolments.get(s.code.as_str()) {
            for (k, n) in e.iter().enumerate() {
                by_level[k] += n;
            }
        }
    }
    let played: Vec<&SchoolGames> = schools
        .iter()
        .filter_map(|s| games.get(s.code.as_str()).copied())
        .collect();
    Line {
        code: code.to_owned(),
        name: name.to_owned(),
        enrolment,
        schools: schools.len() as i64,
        schools_with_games: played.iter().filter(|g| g.games > 0).count() as i64,
        games: played.iter().map(|g| g.games).sum(),
        game_players: played.iter().map(|g| g.players).sum(),
        rounds: rounds
            .iter()
            .map(|(id, context, title)| {
                let parts: Vec<&RoundSchool> = schools
                    .iter()
                    .flat_map(|s| taking.get(&(*id, s.code.as_str())).into_iter().flatten())
                    .copied()
                    .collect();
                let pupils: i64 = parts
                    .iter()
                    .filter(|p| !p.staff)
                    .map(|p| p.participants)
                    .sum();
                let submitted: i64 = parts.iter().map(|p| p.submitted).sum();
                let mut taking_level = [0i64; 4];
                for p in &parts {
                    if let Some(k) = levels::index(&p.level) {
                        taking_level[k] += p.participants;
                    }
                }
                let score: i64 = parts.iter().map(|p| p.score_sum).sum();
                RoundFigures {
                    context: context.clone(),
                    title: title.clone(),
                    participants: pupils,
                    staff: parts
                        .iter()
                        .filter(|p| p.staff)
                        .map(|p| p.participants)
                        .sum(),
                    enrolment,
                    rate_permille: rate_permille(pupils, enrolment),
                    submitted,
                    average_score_tenths: (score * 10).checked_div(submitted).unwrap_or(0),
                    levels: (0..levels::LEVELS.len())
                        .map(|k| LevelFigures::new(k, taking_level[k], by_level[k]))
                        .collect(),
                }
            })
            .collect(),
    }
}

/// The figures of `unit`: its total and its lines, from every school's rows. Pure.
pub fn figures(
    unit: &ReportUnit,
    schools: &[SchoolRow],
    communes: &BTreeMap<String, String>,
    games: &[SchoolGames],
    rounds: &[RoundMeta],
    taking: &[RoundSchool],
    counts: &[SchoolLevelCount],
) -> Option<(String, String, Line, Vec<Line>)> {
    let enrolments = levels::enrolments(schools, counts);
    let games: HashMap<&str, &SchoolGames> = games.iter().map(|g| (g.school.as_str(), g)).collect();
    let mut by_school: HashMap<(i64, &str), Vec<&RoundSchool>> = HashMap::new();
    for t in taking {
        by_school
            .entry((t.round_id, t.school.as_str()))
            .or_default()
            .push(t);
    }
    let commune_name = |c: &str| communes.get(c).cloned().unwrap_or_default();
    let of = |pred: &dyn Fn(&SchoolRow) -> bool| -> Vec<&SchoolRow> {
        schools.iter().filter(|s| pred(s)).collect()
    };
    let make = |code: &str, name: &str, members: &[&SchoolRow]| {
        line(code, name, members, &games, rounds, &by_school, &enrolments)
    };
    match unit {
        ReportUnit::Province => {
            let all = of(&|_| true);
            let total = make("", "Tỉnh Đắk Lắk", &all);
            let mut codes: Vec<&str> = schools.iter().map(|s| s.commune.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            let lines = codes
                .into_iter()
                .map(|c| make(c, &commune_name(c), &of(&|s| s.commune == c)))
                .collect();
            Some(("Tỉnh Đắk Lắk".into(), String::new(), total, lines))
        }
        ReportUnit::Commune(c) => {
            let name = communes.get(c)?.clone();
            let members = of(&|s| &s.commune == c);
            let total = make(c, &name, &members);
            let lines = members
                .iter()
                .map(|s| make(&s.code, &s.name, &[*s]))
                .collect();
            Some((name, "Tỉnh Đắk Lắk".into(), total, lines))
        }
        ReportUnit::School(code) => {
            let school = schools.iter().find(|s| &s.code == code)?;
            let total = make(&school.code, &school.name, &[school]);
            Some((
                school.name.clone(),
                commune_name(&school.commune),
                total.clone(),
                vec![total],
            ))
        }
    }
}

/// The report of `unit` over `period`; `None` when the unit does not exist. `now` is when it
/// is made (and when a winner's missing certificate code is issued).
pub async fn report(
    store: &Store,
    unit: &ReportUnit,
    period: &Period,
    now: i64,
) -> anyhow::Result<Option<UnitReport>> {
    let (start, end) = period.millis();
    let schools = store.report_schools().await?;
    let communes: BTreeMap<String, String> = store
        .communes()
        .await?
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();
    let games = store.school_games(start, end).await?;
    let taking = store.round_schools(start, end).await?;
    let counts = store.school_level_counts().await?;
    let all_rounds = store.rounds(None).await?;
    // The rounds somebody in the province took part in during the period: a unit with nobody
    // in one still sees it, at 0 %.
    let rounds: Vec<RoundMeta> = all_rounds
        .iter()
        .filter(|r| taking.iter().any(|t| t.round_id == r.id))
        .map(|r| (r.id, r.context.clone(), r.title.clone()))
        .collect();
    let Some((name, parent, total, lines)) =
        figures(unit, &schools, &communes, &games, &rounds, &taking, &counts)
    else {
        return Ok(None);
    };

    let mut winners = Vec::new();
    for (_, context, _) in &rounds {
        let Some(version) = store.published_version(context, None).await? else {
            continue;
        };
        let issued = certificates::issue(store, &version, Some(now)).await?;
        for c in issued.certificates {
            let mine = match unit {
                ReportUnit::Province => true,
                ReportUnit::Commune(code) => c.commune_code.as_deref() == Some(code),
                ReportUnit::School(code) => c.school_code.as_deref() == Some(code),
            };
            if mine {
                winners.push(Winner {
                    context: context.clone(),
                    version: version.version,
                    name: c.name,
                    unit: c.unit,
                    award: c.award,
                    code: c.code,
                });
            }
        }
    }
    let (from, to) = period.iso();
    Ok(Some(UnitReport {
        unit: unit.clone(),
        name,
        parent,
        from,
        to,
        generated_at: now,
        total,
        lines,
        winners,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school(code: &str, commune: &str, enrolment: i64) -> SchoolRow {
        SchoolRow {
            code: code.into(),
            name: format!("Trường {code}"),
            commune: commune.into(),
            enrolment,
            levels: vec!["tieu-hoc".into()],
        }
    }

    #[test]
    fn communes_and_the_province_add_up_their_schools() {
        let schools = [
            school("A", "c1", 100),
            school("B", "c1", 300),
            school("C", "c2", 50),
        ];
        let communes: BTreeMap<String, String> = [
            ("c1".into(), "Xã Một".into()),
            ("c2".into(), "Phường Hai".into()),
        ]
        .into();
        let games = [
            SchoolGames {
                school: "A".into(),
                games: 2,
                players: 60,
            },
            SchoolGames {
                school: "C".into(),
                games: 1,
                players: 20,
            },
        ];
        let rounds = [(7, "dot-1".to_string(), "Đợt 1".to_string())];
        let rs = |school: &str, staff, participants, submitted, score_sum| RoundSchool {
            round_id: 7,
            school: school.into(),
            staff,
            level: if staff { "giao-vien" } else { "tieu-hoc" }.into(),
            participants,
            submitted,
            score_sum,
        };
        let taking = [
            rs("A", false, 50, 60, 4800),
            rs("A", true, 3, 3, 270),
            rs("B", false, 30, 30, 1500),
        ];
        let counts = [SchoolLevelCount {
            school: "A".into(),
            level: "giao-vien".into(),
            count: 6,
        }];
        let (name, _, total, lines) = figures(
            &ReportUnit::Province,
            &schools,
            &communes,
            &games,
            &rounds,
            &taking,
            &counts,
        )
        .unwrap();
        assert_eq!(name, "Tỉnh Đắk Lắk");
        assert_eq!(
            (
                total.schools,
                total.schools_with_games,
                total.games,
                total.game_players
            ),
            (3, 2, 3, 80)
        );
        let r = &total.rounds[0];
        assert_eq!(
            (r.participants, r.staff, r.enrolment, r.rate_permille),
            (80, 3, 450, 177)
        );
        // (4800 + 270 + 1500) / 93 = 70.6…
        assert_eq!((r.submitted, r.average_score_tenths), (93, 706));
        let per_level: Vec<(&str, i64, i64, i64)> = r
            .levels
            .iter()
            .map(|l| {
                (
                    l.level.as_str(),
                    l.participants,
                    l.enrolment,
                    l.rate_permille,
                )
            })
            .collect();
        assert_eq!(
            per_level,
            [
                ("tieu-hoc", 80, 450, 177),
                ("thcs", 0, 0, 0),
                ("thpt", 0, 0, 0),
                ("giao-vien", 3, 6, 500)
            ]
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (lines[0].name.as_str(), lines[0].rounds[0].rate_permille),
            ("Xã Một", 200)
        );
        assert_eq!(
            lines[1].rounds[0].participants, 0,
            "a commune nobody from took part"
        );

        let (_, parent, total, lines) = figures(
            &ReportUnit::Commune("c1".into()),
            &schools,
            &communes,
            &games,
            &rounds,
            &taking,
            &counts,
        )
        .unwrap();
        assert_eq!(
            (parent.as_str(), total.schools, lines.len()),
            ("Tỉnh Đắk Lắk", 2, 2)
        );
        assert_eq!(
            (lines[1].code.as_str(), lines[1].schools_with_games),
            ("B", 0)
        );

        let (name, parent, total, _) = figures(
            &ReportUnit::School("C".into()),
            &schools,
            &communes,
            &games,
            &rounds,
            &taking,
            &counts,
        )
        .unwrap();
        assert_eq!(
            (name.as_str(), parent.as_str(), total.games),
            ("Trường C", "Phường Hai", 1)
        );
        assert!(figures(
            &ReportUnit::School("Z".into()),
            &schools,
            &communes,
            &games,
            &rounds,
            &taking,
            &counts
        )
        .is_none());
        assert!(figures(
            &ReportUnit::Commune("c9".into()),
            &schools,
            &communes,
            &games,
            &rounds,
            &taking,
            &counts
        )
        .is_none());
    }
}
