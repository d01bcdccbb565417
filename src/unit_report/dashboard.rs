//! The organizer's dashboard of a unit over a period: the report's figures, the units under a
//! chosen rate (for follow-up), and the data of its three charts — activity over time, the
//! rate of each commune or school, and the distribution of scores — each also as CSV.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::charts::{self, Bar, Series};
use super::{Line, UnitReport};
use crate::domain::period::Period;
use crate::domain::report_unit::ReportUnit;
use crate::domain::sheet::cells::civil_from_days;
use crate::storage::Store;

/// A unit whose participation in the chosen round is under the chosen rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Below {
    pub code: String,
    pub name: String,
    pub enrolment: i64,
    pub participants: i64,
    pub rate_permille: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    #[serde(flatten)]
    pub report: UnitReport,
    /// The round the rates are of (the chosen one, else the period's last), if any.
    pub round: Option<String>,
    pub below_permille: i64,
    pub below: Vec<Below>,
}

/// The index of `round` among the report's rounds, else the last.
fn round_index(report: &UnitReport, round: Option<&str>) -> Option<usize> {
    let rounds = &report.total.rounds;
    match round {
        Some(r) => rounds.iter().position(|x| x.context == r),
        None => rounds.len().checked_sub(1),
    }
}

/// The lines of the report whose rate in the round is under `below_permille`, lowest first.
pub fn below(report: &UnitReport, round: Option<usize>, below_permille: i64) -> Vec<Below> {
    let Some(k) = round else {
        return Vec::new();
    };
    let mut out: Vec<Below> = report
        .lines
        .iter()
        .filter_map(|l| {
            let r = l.rounds.get(k)?;
            (r.rate_permille < below_permille).then(|| Below {
                code: l.code.clone(),
                name: l.name.clone(),
                enrolment: l.enrolment,
                participants: r.participants,
                rate_permille: r.rate_permille,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.rate_permille
            .cmp(&b.rate_permille)
            .then(a.code.cmp(&b.code))
    });
    out
}

pub fn dashboard(report: UnitReport, round: Option<&str>, below_permille: i64) -> Dashboard {
    let k = round_index(&report, round);
    Dashboard {
        round: k.map(|k| report.total.rounds[k].context.clone()),
        below: below(&report, k, below_permille),
        below_permille,
        report,
    }
}

/// The bars of the rates chart: each line's rate in the round.
pub fn rate_bars(report: &UnitReport, round: Option<&str>) -> (String, Vec<Bar>) {
    let Some(k) = round_index(report, round) else {
        return ("Tỉ lệ học sinh tham gia".into(), Vec::new());
    };
    let title = format!("Tỉ lệ học sinh tham gia — {}", report.total.rounds[k].title);
    let bars = report
        .lines
        .iter()
        .map(|l: &Line| Bar {
            label: l.name.clone(),
            permille: l.rounds[k].rate_permille,
        })
        .collect();
    (title, bars)
}

/// The school codes of a unit.
pub async fn schools_of(store: &Store, unit: &ReportUnit) -> anyhow::Result<HashSet<String>> {
    Ok(store
        .report_schools()
        .await?
        .into_iter()
        .filter(|s| match unit {
            ReportUnit::Province => true,
            ReportUnit::Commune(c) => &s.commune == c,
            ReportUnit::School(code) => &s.code == code,
        })
        .map(|s| s.code)
        .collect())
}

fn day_label(day: i64) -> String {
    let (_, m, d) = civil_from_days(day);
    format!("{d:02}/{m:02}")
}

/// Attempts started and live games opened in the unit, per day (a period up to 45 days) or
/// per week starting on the period's first day: `(labels, attempts, games)`.
pub async fn over_time(
    store: &Store,
    unit: &ReportUnit,
    period: &Period,
) -> anyhow::Result<(Vec<String>, Vec<i64>, Vec<i64>)> {
    let schools = schools_of(store, unit).await?;
    let (start, end) = period.millis();
    let days = period.last - period.first + 1;
    let step = if days > 45 { 7 } else { 1 };
    let buckets = ((days + step - 1) / step) as usize;
    let mut attempts = vec![0; buckets];
    let mut games = vec![0; buckets];
    for a in store.daily_activity(start, end).await? {
        if !schools.contains(&a.school) {
            continue;
        }
        let i = ((a.day - period.first) / step) as usize;
        if i < buckets {
            attempts[i] += a.attempts;
            games[i] += a.games;
        }
    }
    let labels = (0..buckets)
        .map(|i| day_label(period.first + step * i as i64))
        .collect();
    Ok((labels, attempts, games))
}

pub fn over_time_svg(
    labels: &[String],
    attempts: &[i64],
    games: &[i64],
    weekly: bool,
    width: f64,
) -> String {
    charts::columns(
        if weekly {
            "Hoạt động theo tuần"
        } else {
            "Hoạt động theo ngày"
        },
        labels,
        &[
            Series {
                name: "Lượt thi trực tuyến".into(),
                colour: "#1060c0",
                values: attempts.to_vec(),
            },
            Series {
                name: "Trò chơi trực tiếp".into(),
                colour: "#b8860b",
                values: games.to_vec(),
            },
        ],
        width,
    )
}

/// How many submitted attempts of the unit (in the chosen round, else all) had each score.
pub async fn scores(
    store: &Store,
    unit: &ReportUnit,
    period: &Period,
    round: Option<&str>,
) -> anyhow::Result<BTreeMap<i64, i64>> {
    let schools = schools_of(store, unit).await?;
    let round_id = match round {
        Some(context) => store.round_by_context(context).await?.map(|r| r.id),
        None => None,
    };
    let (start, end) = period.millis();
    let mut out = BTreeMap::new();
    for s in store.attempt_scores(start, end).await? {
        if schools.contains(&s.school) && round_id.is_none_or(|id| id == s.round_id) {
            *out.entry(s.score).or_insert(0) += s.attempts;
        }
    }
    Ok(out)
}

pub fn scores_svg(histogram: &BTreeMap<i64, i64>, width: f64) -> String {
    let labels: Vec<String> = histogram.keys().map(|k| k.to_string()).collect();
    charts::columns(
        "Phân bố điểm các bài thi đã nộp",
        &labels,
        &[Series {
            name: "Số bài".into(),
            colour: "#6b3fa0",
            values: histogram.values().copied().collect(),
        }],
        width,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit_report::RoundFigures;

    fn line(code: &str, rate: i64) -> Line {
        Line {
            code: code.into(),
            name: format!("Trường {code}"),
            enrolment: 100,
            schools: 1,
            schools_with_games: 0,
            games: 0,
            game_players: 0,
            rounds: vec![RoundFigures {
                context: "dot-1".into(),
                title: "Đợt 1".into(),
                participants: rate / 10,
                staff: 0,
                enrolment: 100,
                rate_permille: rate,
                submitted: 0,
                average_score_tenths: 0,
                levels: Vec::new(),
            }],
        }
    }

    #[test]
    fn units_under_the_chosen_rate_are_listed_lowest_first() {
        let report = UnitReport {
            unit: ReportUnit::Commune("c".into()),
            name: "Xã".into(),
            parent: String::new(),
            from: "2026-09-01".into(),
            to: "2026-12-31".into(),
            generated_at: 0,
            total: line("c", 500),
            lines: vec![
                line("A", 900),
                line("B", 300),
                line("C", 1000),
                line("D", 600),
            ],
            winners: Vec::new(),
        };
        let d = dashboard(report.clone(), None, 800);
        assert_eq!(d.round.as_deref(), Some("dot-1"));
        let codes: Vec<&str> = d.below.iter().map(|b| b.code.as_str()).collect();
        assert_eq!(codes, ["B", "D"]);
        assert_eq!(
            dashboard(report.clone(), None, 1000).below.len(),
            3,
            "the plan's 100 %"
        );
        assert!(dashboard(report.clone(), Some("dot-9"), 1000)
            .below
            .is_empty());
        let (title, bars) = rate_bars(&report, None);
        assert_eq!(title, "Tỉ lệ học sinh tham gia — Đợt 1");
        assert_eq!(bars.len(), 4);
    }
}
