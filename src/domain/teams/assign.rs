//! Putting players into teams: by class, by group (any label the host has for each player),
//! at random with balanced sizes, or by the players' own pick from the host's list.

use std::collections::BTreeMap;

use rand::seq::SliceRandom;
use rand::SeedableRng;

use crate::domain::game::PlayerId;
use crate::domain::text;

/// A team's number within its game: its position in [`Assignment::teams`].
pub type TeamId = u16;

/// Most teams in one game: a projector shows this many rows at once.
pub const MAX_TEAMS: usize = 20;

/// Longest team name, in characters.
pub const MAX_TEAM_NAME_CHARS: usize = 30;

/// Which team each player is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    teams: Vec<String>,
    of: BTreeMap<PlayerId, TeamId>,
    /// Most members a team may have when players pick (`None`: no cap).
    max_size: Option<u32>,
}

/// Why teams cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("a team game needs between 2 and {MAX_TEAMS} teams")]
    TeamCount,
    #[error("there are fewer players than teams")]
    TooFewPlayers,
    #[error("a team name is empty, too long or given twice: {0}")]
    BadName(String),
}

/// Why a player's pick (or the host's move) was refused; nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PickError {
    #[error("no such team")]
    UnknownTeam,
    #[error("that team is full")]
    TeamFull,
}

impl Assignment {
    /// One team per distinct label, named by it: the class («10A1») or the group («Tổ 2») the
    /// host has for each player. Labels that differ only in case or spacing are one team
    /// ("10a1 " is 10A1). Players without a label are left out, for the host to place
    /// ([`Assignment::unassigned`], [`Assignment::place`]). Teams are listed by name.
    pub fn by_label<'a>(
        players: impl IntoIterator<Item = (PlayerId, Option<&'a str>)>,
    ) -> Result<Assignment, AssignError> {
        // key → (name as first written, members)
        let mut groups: BTreeMap<String, (String, Vec<PlayerId>)> = BTreeMap::new();
        for (player, label) in players {
            let Some(name) = label.map(text::normalize).filter(|n| !n.is_empty()) else {
                continue;
            };
            groups
                .entry(text::same_key(&name))
                .or_insert_with(|| (name, Vec::new()))
                .1
                .push(player);
        }
        if !(2..=MAX_TEAMS).contains(&groups.len()) {
            return Err(AssignError::TeamCount);
        }
        let mut teams = Vec::new();
        let mut of = BTreeMap::new();
        for (id, (name, members)) in groups.into_values().enumerate() {
            check_name(&name)?;
            teams.push(name);
            for p in members {
                of.insert(p, id as TeamId);
            }
        }
        Ok(Assignment {
            teams,
            of,
            max_size: None,
        })
    }

    /// `count` teams «Đội 1»… of sizes that differ by at most one, players dealt in an order
    /// drawn from `seed` (so friends who joined together are not together by default).
    pub fn random_balanced(
        players: &[PlayerId],
        count: usize,
        seed: u64,
    ) -> Result<Assignment, AssignError> {
        if !(2..=MAX_TEAMS).contains(&count) {
            return Err(AssignError::TeamCount);
        }
        if players.len() < count {
            return Err(AssignError::TooFewPlayers);
        }
        let mut order = players.to_vec();
        order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
        let of = order
            .into_iter()
            .enumerate()
            .map(|(i, p)| (p, (i % count) as TeamId))
            .collect();
        Ok(Assignment {
            teams: (1..=count).map(|i| format!("Đội {i}")).collect(),
            of,
            max_size: None,
        })
    }

    /// The host's list of team names, for players to pick from. With `max_size`, a team
    /// refuses a member beyond it (the host usually sets the number of players divided by the
    /// number of teams, rounded up, so picks end balanced).
    pub fn for_picking(names: &[&str], max_size: Option<u32>) -> Result<Assignment, AssignError> {
        if !(2..=MAX_TEAMS).contains(&names.len()) {
            return Err(AssignError::TeamCount);
        }
        let mut teams: Vec<String> = Vec::new();
        for raw in names {
            let name = text::normalize(raw);
            check_name(&name)?;
            if teams
                .iter()
                .any(|t| text::same_key(t) == text::same_key(&name))
            {
                return Err(AssignError::BadName(name));
            }
            teams.push(name);
        }
        Ok(Assignment {
            teams,
            of: BTreeMap::new(),
            max_size,
        })
    }

    /// `player` picks `team` (a second pick moves them), within the cap.
    pub fn pick(&mut self, player: PlayerId, team: TeamId) -> Result<(), PickError> {
        if usize::from(team) >= self.teams.len() {
            return Err(PickError::UnknownTeam);
        }
        if self.of.get(&player) == Some(&team) {
            return Ok(());
        }
        if self
            .max_size
            .is_some_and(|max| self.size(team) >= max as usize)
        {
            return Err(PickError::TeamFull);
        }
        self.of.insert(player, team);
        Ok(())
    }

    /// The host puts `player` on `team`, whatever the cap: the host may always fix a team.
    pub fn place(&mut self, player: PlayerId, team: TeamId) -> Result<(), PickError> {
        if usize::from(team) >= self.teams.len() {
            return Err(PickError::UnknownTeam);
        }
        self.of.insert(player, team);
        Ok(())
    }

    /// A late joiner into the team with fewest members (the first of them on a tie), so that
    /// random teams stay balanced as players arrive after the draw.
    pub fn place_in_smallest(&mut self, player: PlayerId) -> TeamId {
        let team = (0..self.teams.len() as TeamId)
            .min_by_key(|&t| self.size(t))
            .unwrap_or(0);
        self.of.insert(player, team);
        team
    }

    /// The team whose name is `label` (in case and spacing as [`Assignment::by_label`] reads
    /// it): where a late joiner of that class goes.
    pub fn team_named(&self, label: &str) -> Option<TeamId> {
        let key = text::same_key(&text::normalize(label));
        self.teams
            .iter()
            .position(|t| text::same_key(t) == key)
            .map(|t| t as TeamId)
    }

    /// An assignment as it was stored (teams, each player's team, the cap), checked as the
    /// constructors check it: a stored row is input too.
    pub fn from_parts(
        teams: Vec<String>,
        of: impl IntoIterator<Item = (PlayerId, TeamId)>,
        max_size: Option<u32>,
    ) -> Result<Assignment, AssignError> {
        let names: Vec<&str> = teams.iter().map(String::as_str).collect();
        let mut a = Assignment::for_picking(&names, max_size)?;
        for (player, team) in of {
            a.place(player, team)
                .map_err(|_| AssignError::BadName(format!("team {team}")))?;
        }
        Ok(a)
    }

    /// Each assigned player and their team, by player id.
    pub fn pairs(&self) -> impl Iterator<Item = (PlayerId, TeamId)> + '_ {
        self.of.iter().map(|(&p, &t)| (p, t))
    }

    pub fn max_size(&self) -> Option<u32> {
        self.max_size
    }

    pub fn teams(&self) -> &[String] {
        &self.teams
    }

    pub fn team_of(&self, player: PlayerId) -> Option<TeamId> {
        self.of.get(&player).copied()
    }

    /// Members of `team`, by player id.
    pub fn members(&self, team: TeamId) -> Vec<PlayerId> {
        self.of
            .iter()
            .filter(|&(_, &t)| t == team)
            .map(|(&p, _)| p)
            .collect()
    }

    pub fn size(&self, team: TeamId) -> usize {
        self.of.values().filter(|&&t| t == team).count()
    }

    /// Of `players`, those on no team yet.
    pub fn unassigned(&self, players: &[PlayerId]) -> Vec<PlayerId> {
        players
            .iter()
            .copied()
            .filter(|p| !self.of.contains_key(p))
            .collect()
    }
}

fn check_name(name: &str) -> Result<(), AssignError> {
    let n = text::char_len(name);
    if n == 0 || n > MAX_TEAM_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(AssignError::BadName(name.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn by_class_makes_one_team_per_class_whatever_the_spelling() {
        let players = [
            (0, Some("10A2")),
            (1, Some("10a1 ")),
            (2, Some("10A1")),
            (3, None),
            (4, Some("  ")),
            (5, Some("10A2")),
        ];
        let a = Assignment::by_label(players).unwrap();
        assert_eq!(
            a.teams(),
            ["10a1", "10A2"],
            "named as first written, listed by name"
        );
        assert_eq!(a.members(0), vec![1, 2]);
        assert_eq!(a.members(1), vec![0, 5]);
        assert_eq!(a.unassigned(&[0, 1, 2, 3, 4, 5]), vec![3, 4]);
        assert_eq!(
            Assignment::by_label([(0, Some("10A1")), (1, Some("10a1"))]),
            Err(AssignError::TeamCount),
            "one class is no team game"
        );
    }

    #[test]
    fn picks_follow_the_hosts_list_and_its_cap() {
        assert!(matches!(
            Assignment::for_picking(&["Sao Đỏ", "sao đỏ"], None),
            Err(AssignError::BadName(_))
        ));
        assert_eq!(
            Assignment::for_picking(&["Một"], None),
            Err(AssignError::TeamCount)
        );
        let mut a = Assignment::for_picking(&["Sao Đỏ", "Bình Minh"], Some(2)).unwrap();
        assert_eq!(a.pick(1, 2), Err(PickError::UnknownTeam));
        a.pick(1, 0).unwrap();
        a.pick(2, 0).unwrap();
        assert_eq!(a.pick(3, 0), Err(PickError::TeamFull));
        a.pick(2, 0).unwrap();
        a.pick(2, 1).unwrap();
        a.pick(3, 0).unwrap();
        assert_eq!((a.members(0), a.members(1)), (vec![1, 3], vec![2]));
        a.place(4, 0).unwrap();
        assert_eq!(a.size(0), 3, "the host may go over the cap");
        assert_eq!(a.team_of(4), Some(0));
    }

    #[test]
    fn random_teams_need_enough_players() {
        assert_eq!(
            Assignment::random_balanced(&[1, 2, 3], 1, 0),
            Err(AssignError::TeamCount)
        );
        assert_eq!(
            Assignment::random_balanced(&[1, 2, 3], 4, 0),
            Err(AssignError::TooFewPlayers)
        );
        let a = Assignment::random_balanced(&[1, 2, 3, 4], 2, 9).unwrap();
        assert_eq!(a.teams(), ["Đội 1", "Đội 2"]);
        assert_eq!(a, Assignment::random_balanced(&[1, 2, 3, 4], 2, 9).unwrap());
    }

    #[test]
    fn late_joiners_keep_teams_balanced_and_find_their_class() {
        let mut a = Assignment::random_balanced(&[1, 2, 3], 2, 4).unwrap();
        let small = if a.size(0) < a.size(1) { 0 } else { 1 };
        assert_eq!(a.place_in_smallest(7), small);
        assert_eq!((a.size(0), a.size(1)), (2, 2));
        let c = Assignment::by_label([(0, Some("10A1")), (1, Some("10A2"))]).unwrap();
        assert_eq!(c.team_named(" 10a2"), Some(1));
        assert_eq!(c.team_named("11B"), None);
    }

    #[test]
    fn a_stored_assignment_comes_back_the_same_or_not_at_all() {
        let mut a = Assignment::for_picking(&["Sao Đỏ", "Bình Minh"], Some(3)).unwrap();
        a.pick(4, 1).unwrap();
        a.pick(2, 0).unwrap();
        let back = Assignment::from_parts(a.teams().to_vec(), a.pairs(), a.max_size()).unwrap();
        assert_eq!(back, a);
        assert!(Assignment::from_parts(a.teams().to_vec(), [(1, 2)], None).is_err());
        assert_eq!(
            Assignment::from_parts(vec!["Một".into()], [], None),
            Err(AssignError::TeamCount)
        );
    }

    proptest! {
        #[test]
        fn random_teams_are_balanced_and_hold_everyone_once(n in 2usize..200, count in 2usize..=MAX_TEAMS, seed: u64) {
            prop_assume!(n >= count);
            let players: Vec<PlayerId> = (0..n as PlayerId).collect();
            let a = Assignment::random_balanced(&players, count, seed).unwrap();
            let sizes: Vec<usize> = (0..count as TeamId).map(|t| a.size(t)).collect();
            prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{:?}", sizes);
            prop_assert_eq!(sizes.iter().sum::<usize>(), n);
            prop_assert!(a.unassigned(&players).is_empty());
        }
    }
}
