//! What an organizer sees of a round: turnout by school and commune against enrolment and
//! attempts per hour while it runs, and its awards once it is decided.

use serde::Serialize;

use super::{level, Contest, ContestError};
use crate::domain::bank::Level;
use crate::domain::contest::turnout::{by_commune, collective_awards, top, Band, Turnout};
use crate::domain::result_order::ResultKeys;
use crate::storage::attempts::Standing;

#[derive(Debug, Serialize)]
pub struct SchoolLine {
    pub commune: String,
    #[serde(flatten)]
    pub turnout: Turnout,
}

#[derive(Debug, Serialize)]
pub struct RoundTurnout {
    pub context: String,
    pub title: String,
    pub closed: bool,
    /// After the close: whether every standing has been recorded again (and how far).
    pub standings: Option<super::closing::Standings>,
    pub participants: i64,
    pub attempts: i64,
    pub enrolment: i64,
    pub rate_permille: i64,
    pub schools: Vec<SchoolLine>,
    pub communes: Vec<Turnout>,
    /// Attempts started in each hour: `[hour start (Unix ms), attempts]`.
    pub per_hour: Vec<(i64, i64)>,
}

#[derive(Debug, Serialize)]
pub struct LevelTop {
    pub level: Level,
    pub winners: Vec<Winner>,
}

#[derive(Debug, Serialize)]
pub struct Winner {
    pub rank: usize,
    #[serde(flatten)]
    pub standing: Standing,
}

#[derive(Debug, Serialize)]
pub struct Awards {
    pub context: String,
    pub individuals: Vec<LevelTop>,
    pub schools: Vec<Turnout>,
    pub communes: Vec<Turnout>,
    pub bands: Vec<Band>,
}

impl Contest {
    pub async fn turnout(&self, context: &str) -> Result<RoundTurnout, ContestError> {
        let store = &self.inner.store;
        let round = store
            .round_by_context(context)
            .await?
            .ok_or(ContestError::NoRound)?;
        let rows = store.round_turnout(round.id).await?;
        let names: std::collections::HashMap<String, String> = store
            .communes()
            .await?
            .into_iter()
            .map(|c| (c.code, c.name))
            .collect();
        let schools: Vec<SchoolLine> = rows
            .iter()
            .map(|r| SchoolLine {
                commune: r.commune.clone(),
                turnout: Turnout::new(&r.school, &r.name, r.enrolment, r.participants, r.attempts),
            })
            .collect();
        let communes = by_commune(schools.iter().map(|s| {
            let name = names.get(&s.commune).map_or("", String::as_str);
            (s.commune.as_str(), name, &s.turnout)
        }));
        let province = Turnout::new(
            "",
            "",
            schools.iter().map(|s| s.turnout.enrolment).sum(),
            schools.iter().map(|s| s.turnout.participants).sum(),
            schools.iter().map(|s| s.turnout.attempts).sum(),
        );
        Ok(RoundTurnout {
            context: round.context.clone(),
            title: round.title.clone(),
            closed: round.closed_at.is_some(),
            standings: self.standings(&round),
            participants: province.participants,
            attempts: province.attempts,
            enrolment: province.enrolment,
            rate_permille: province.rate_permille,
            per_hour: store.round_attempts_per_hour(round.id).await?,
            schools,
            communes,
        })
    }

    /// The top `k` of each level of the round, and the schools and communes whose turnout
    /// clears the minimum of their size.
    pub async fn awards(
        &self,
        context: &str,
        k: usize,
        bands: Vec<Band>,
    ) -> Result<Awards, ContestError> {
        let store = &self.inner.store;
        let round = store
            .round_by_context(context)
            .await?
            .ok_or(ContestError::NoRound)?;
        let mut standings = store.standings(&round.context).await?;
        // Ties on the round's keys go by code, byte by byte, as on the boards.
        standings.sort_by(|a, b| a.code.cmp(&b.code));
        let individuals = round
            .levels
            .iter()
            .map(|&lvl| {
                let of_level: Vec<(Standing, ResultKeys)> = standings
                    .iter()
                    .filter(|s| level::of_kind(s.staff, s.grade) == Some(lvl))
                    .map(|s| (s.clone(), s.keys))
                    .collect();
                LevelTop {
                    level: lvl,
                    winners: top(&of_level, &round.rules.order, k)
                        .into_iter()
                        .enumerate()
                        .map(|(i, (standing, _))| Winner {
                            rank: i + 1,
                            standing,
                        })
                        .collect(),
                }
            })
            .collect();
        let turnout = self.turnout(context).await?;
        let schools: Vec<Turnout> = turnout.schools.into_iter().map(|s| s.turnout).collect();
        Ok(Awards {
            context: round.context,
            individuals,
            schools: collective_awards(&schools, &bands),
            communes: collective_awards(&turnout.communes, &bands),
            bands,
        })
    }
}
