//! A team game as the host set it up: how players were put into teams (the [`Plan`]), how a
//! team's score is counted, whether players may pick, and the [`Assignment`] itself. Also where
//! a player who joins after the teams were made goes, and the record the game stores (for the
//! report and for a node that takes the game over).

use serde::{Deserialize, Serialize};

use super::assign::{AssignError, Assignment, PickError, TeamId};
use super::standing::TeamScoring;
use crate::domain::game::PlayerId;

/// How the host asks for teams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum Plan {
    /// One team per class, from the class the server knows for each player (their login
    /// card); players of no known class are left for the host to place.
    Class,
    /// `count` teams of balanced size, drawn at random.
    Random { count: usize },
    /// The host's own team names (groups, «Tổ 1»…). The host places players; with `pick`,
    /// players choose on their phones, each team taking at most `max_size`.
    Names {
        names: Vec<String>,
        #[serde(default)]
        pick: bool,
        #[serde(default)]
        max_size: Option<u32>,
    },
}

/// A game's teams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Teams {
    plan: Plan,
    scoring: TeamScoring,
    assignment: Assignment,
}

/// Why a player cannot pick a team; nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PickRefused {
    /// The host chose the teams (by class, at random, or without letting players pick), or the
    /// game has started and the player is on a team already: a pick must not be a way to join
    /// the winning team.
    #[error("players may not pick a team now")]
    Closed,
    #[error(transparent)]
    Pick(#[from] PickError),
}

impl Teams {
    /// Teams for `players` (each with the class the server knows for them, if any) as `plan`
    /// says; `seed` draws random teams.
    pub fn make<'a>(
        plan: Plan,
        scoring: TeamScoring,
        players: impl IntoIterator<Item = (PlayerId, Option<&'a str>)>,
        seed: u64,
    ) -> Result<Teams, AssignError> {
        let assignment = match &plan {
            Plan::Class => Assignment::by_label(players)?,
            Plan::Random { count } => {
                let ids: Vec<PlayerId> = players.into_iter().map(|(p, _)| p).collect();
                Assignment::random_balanced(&ids, *count, seed)?
            }
            Plan::Names {
                names, max_size, ..
            } => {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                Assignment::for_picking(&names, max_size.filter(|&m| m > 0))?
            }
        };
        Ok(Teams {
            plan,
            scoring,
            assignment,
        })
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    pub fn scoring(&self) -> TeamScoring {
        self.scoring
    }

    pub fn assignment(&self) -> &Assignment {
        &self.assignment
    }

    /// Whether players choose their team on their phones.
    pub fn picking(&self) -> bool {
        matches!(self.plan, Plan::Names { pick: true, .. })
    }

    /// A player who joined after the teams were made: at random, into the smallest team; by
    /// class, into their class's team if it has one. With the host's names, nowhere: they
    /// pick, or the host places them. The team they went to, if any.
    pub fn seat_late(&mut self, player: PlayerId, class: Option<&str>) -> Option<TeamId> {
        if self.assignment.team_of(player).is_some() {
            return None;
        }
        match &self.plan {
            Plan::Random { .. } => Some(self.assignment.place_in_smallest(player)),
            Plan::Class => {
                let team = self.assignment.team_named(class?)?;
                self.assignment.place(player, team).ok()?;
                Some(team)
            }
            Plan::Names { .. } => None,
        }
    }

    /// The player's own choice. In the lobby they may change their mind; once the game has
    /// started (`started`), only a player on no team yet may pick (a late joiner).
    pub fn pick(
        &mut self,
        player: PlayerId,
        team: TeamId,
        started: bool,
    ) -> Result<(), PickRefused> {
        if !self.picking() || (started && self.assignment.team_of(player).is_some()) {
            return Err(PickRefused::Closed);
        }
        Ok(self.assignment.pick(player, team)?)
    }

    /// The host moves a player: always allowed, whatever the cap.
    pub fn place(&mut self, player: PlayerId, team: TeamId) -> Result<(), PickError> {
        self.assignment.place(player, team)
    }

    /// What the game stores.
    pub fn record(&self) -> Record {
        Record {
            plan: self.plan.clone(),
            scoring: self.scoring,
            teams: self.assignment.teams().to_vec(),
            of: self.assignment.pairs().collect(),
        }
    }

    /// The teams a stored record describes, checked as new ones are.
    pub fn from_record(record: Record) -> Result<Teams, AssignError> {
        let max_size = match &record.plan {
            Plan::Names { max_size, .. } => max_size.filter(|&m| m > 0),
            _ => None,
        };
        let assignment = Assignment::from_parts(record.teams, record.of, max_size)?;
        Ok(Teams {
            plan: record.plan,
            scoring: record.scoring,
            assignment,
        })
    }
}

/// A game's teams as stored (JSON in `games.teams`, migration 0017).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub plan: Plan,
    pub scoring: TeamScoring,
    pub teams: Vec<String>,
    /// (player, team), by player.
    pub of: Vec<(PlayerId, TeamId)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(pick: bool, max_size: Option<u32>) -> Plan {
        Plan::Names {
            names: vec!["Sao Đỏ".into(), "Bình Minh".into(), "Hoa Sen".into()],
            pick,
            max_size,
        }
    }

    #[test]
    fn each_plan_makes_its_teams() {
        let players = [(0, Some("6A")), (1, Some("6B")), (2, None), (3, Some("6a"))];
        let by_class = Teams::make(Plan::Class, TeamScoring::Average, players, 1).unwrap();
        assert_eq!(by_class.assignment().teams(), ["6A", "6B"]);
        assert_eq!(by_class.assignment().team_of(2), None);
        let random = Teams::make(Plan::Random { count: 2 }, TeamScoring::Sum, players, 1);
        let random = random.unwrap();
        assert_eq!(
            (random.assignment().size(0), random.assignment().size(1)),
            (2, 2)
        );
        let named = Teams::make(names(true, Some(0)), TeamScoring::Average, players, 1).unwrap();
        assert_eq!(named.assignment().pairs().count(), 0, "players pick");
        assert_eq!(named.assignment().max_size(), None, "a cap of 0 is no cap");
        assert_eq!(
            Teams::make(Plan::Random { count: 5 }, TeamScoring::Sum, players, 1),
            Err(AssignError::TooFewPlayers)
        );
    }

    #[test]
    fn players_pick_only_from_a_list_the_host_opened_and_not_to_change_sides_later() {
        let players = [(0, None), (1, None)];
        let mut closed = Teams::make(names(false, None), TeamScoring::Average, players, 1).unwrap();
        assert_eq!(closed.pick(0, 0, false), Err(PickRefused::Closed));
        closed.place(0, 2).unwrap();
        assert_eq!(closed.assignment().team_of(0), Some(2));

        let mut open = Teams::make(names(true, Some(1)), TeamScoring::Average, players, 1).unwrap();
        open.pick(0, 0, false).unwrap();
        open.pick(0, 1, false).unwrap();
        assert_eq!(
            open.pick(1, 1, false),
            Err(PickRefused::Pick(PickError::TeamFull))
        );
        assert_eq!(
            open.pick(1, 9, false),
            Err(PickRefused::Pick(PickError::UnknownTeam))
        );
        assert_eq!(open.pick(0, 2, true), Err(PickRefused::Closed));
        open.pick(1, 2, true).unwrap();
        assert_eq!(open.assignment().team_of(1), Some(2), "a late joiner picks");
    }

    #[test]
    fn late_joiners_go_where_the_plan_says() {
        let players = [(0, Some("6A")), (1, Some("6B")), (2, Some("6A"))];
        let mut random = Teams::make(Plan::Random { count: 3 }, TeamScoring::Sum, players, 7);
        let random = random.as_mut().unwrap();
        random.seat_late(3, None).unwrap();
        assert_eq!(random.assignment().pairs().count(), 4);
        assert_eq!(random.seat_late(3, None), None, "once seated, stays");

        let mut class = Teams::make(Plan::Class, TeamScoring::Average, players, 7).unwrap();
        assert_eq!(class.seat_late(4, Some("6b ")), Some(1));
        assert_eq!(class.seat_late(5, Some("7C")), None);
        assert_eq!(class.seat_late(6, None), None);

        let mut named = Teams::make(names(true, None), TeamScoring::Sum, players, 7).unwrap();
        assert_eq!(named.seat_late(7, Some("6A")), None);
    }

    #[test]
    fn a_record_gives_back_the_same_teams() {
        let players = [(0, None), (1, None), (2, None), (5, None)];
        for plan in [Plan::Random { count: 2 }, names(true, Some(2))] {
            let mut t = Teams::make(plan, TeamScoring::Sum, players, 3).unwrap();
            t.place(5, 1).unwrap();
            let json = serde_json::to_string(&t.record()).unwrap();
            let back: Record = serde_json::from_str(&json).unwrap();
            assert_eq!(Teams::from_record(back).unwrap(), t);
        }
        let mut bad = Teams::make(names(false, None), TeamScoring::Sum, players, 3)
            .unwrap()
            .record();
        bad.of.push((1, 3));
        assert!(Teams::from_record(bad).is_err());
    }
}
