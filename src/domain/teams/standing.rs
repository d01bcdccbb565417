//! How teams rank: a team's score from its members', with absent members handled fairly, then
//! teams ordered and their members ordered within them.
//!
//! **Absent members.** A member is *present* when they are in the game: they joined and were
//! not removed. A member on the team's list who never joined (a class roster's pupil who is
//! ill today) or whom the host removed is *absent*. An absence must neither sink a team nor
//! help it:
//!
//! - **Average**: the mean over present members; absent ones are left out of it.
//! - **Sum**: the present members' sum, each absent member counted at the present members'
//!   mean. A team of five with one pupil ill is compared with the other teams of five as if
//!   the fifth had played like the rest of the team.
//!
//! A member who joined and then lost their connection stays present, with what they earned: a
//! team must never gain by sending a weak player away, and a dropped phone is no absence.
//!
//! Scores are kept as exact fractions (total ÷ present count), so two teams are never ordered
//! by a rounding; the screens show them rounded to whole points.

use std::cmp::Ordering;

use super::assign::{Assignment, TeamId};
use crate::domain::game::PlayerId;

/// How a team's score comes from its members'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamScoring {
    /// Fair between teams of different sizes (classes of 38 and 45): the default.
    Average,
    /// Bigger teams score more: for teams of equal size.
    Sum,
}

/// A player's result, as the game has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub player: PlayerId,
    pub score: u32,
    /// The game's tie-break: total answer time, a missed question charged its full limit.
    pub answer_time_ms: u64,
    /// In the game (see the module's comment).
    pub present: bool,
}

/// A team's score as an exact fraction `total / present`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamScore {
    total: u64,
    present: u64,
}

impl TeamScore {
    /// `scores` of the present members of a team of `size` (present and absent) under
    /// `scoring`.
    pub fn of(scores: &[u32], size: usize, scoring: TeamScoring) -> TeamScore {
        let sum: u64 = scores.iter().map(|&s| u64::from(s)).sum();
        let present = scores.len() as u64;
        let total = match scoring {
            TeamScoring::Average => sum,
            // sum + absent × (sum / present) = sum × size / present
            TeamScoring::Sum => sum * size.max(scores.len()) as u64,
        };
        TeamScore { total, present }
    }

    /// Whether anyone on the team played.
    pub fn anyone_present(self) -> bool {
        self.present > 0
    }

    /// The score as the screens show it, rounded to the nearest point (0 with nobody present).
    pub fn points(self) -> u64 {
        (self.total + self.present / 2)
            .checked_div(self.present)
            .unwrap_or(0)
    }

    /// Higher score first; a team with nobody present after every team that played.
    fn better(self, other: TeamScore) -> Ordering {
        match (self.present, other.present) {
            (0, 0) => Ordering::Equal,
            (0, _) => Ordering::Greater,
            (_, 0) => Ordering::Less,
            _ => {
                let a = u128::from(self.total) * u128::from(other.present);
                let b = u128::from(other.total) * u128::from(self.present);
                b.cmp(&a)
            }
        }
    }
}

/// One line of the team leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamStanding {
    pub team: TeamId,
    /// 1-based, no two teams share one (the game's habit: the same order on every screen).
    pub rank: u32,
    pub score: TeamScore,
    /// Present members in the game's order (score, then time, then join order), then absent
    /// ones by id.
    pub members: Vec<Member>,
}

/// The team leaderboard: teams by score, then by their present members' mean answer time
/// (lower first, as the game's own tie-break), then by their order in the assignment. Members
/// the assignment does not know are on no team and left out.
pub fn rank_teams(
    assignment: &Assignment,
    members: &[Member],
    scoring: TeamScoring,
) -> Vec<TeamStanding> {
    let mut lines: Vec<(TeamStanding, MeanTime)> = (0..assignment.teams().len())
        .map(|t| {
            let team = t as TeamId;
            let mut on_team: Vec<Member> = members
                .iter()
                .copied()
                .filter(|m| assignment.team_of(m.player) == Some(team))
                .collect();
            on_team.sort_by(member_order);
            let present: Vec<&Member> = on_team.iter().filter(|m| m.present).collect();
            let scores: Vec<u32> = present.iter().map(|m| m.score).collect();
            let time = MeanTime {
                total: present.iter().map(|m| m.answer_time_ms).sum(),
                count: present.len() as u64,
            };
            let line = TeamStanding {
                team,
                rank: 0,
                score: TeamScore::of(&scores, on_team.len(), scoring),
                members: on_team,
            };
            (line, time)
        })
        .collect();
    lines.sort_by(|(a, ta), (b, tb)| {
        a.score
            .better(b.score)
            .then(ta.cmp_faster(tb))
            .then(a.team.cmp(&b.team))
    });
    lines
        .into_iter()
        .enumerate()
        .map(|(i, (mut line, _))| {
            line.rank = i as u32 + 1;
            line
        })
        .collect()
}

/// Present members first, in the game's leaderboard order; absent ones after, by id.
fn member_order(a: &Member, b: &Member) -> Ordering {
    b.present
        .cmp(&a.present)
        .then(b.score.cmp(&a.score))
        .then(a.answer_time_ms.cmp(&b.answer_time_ms))
        .then(a.player.cmp(&b.player))
}

/// A team's mean answer time, as a fraction.
struct MeanTime {
    total: u64,
    count: u64,
}

impl MeanTime {
    fn cmp_faster(&self, other: &MeanTime) -> Ordering {
        if self.count == 0 || other.count == 0 {
            return other.count.cmp(&self.count);
        }
        let a = u128::from(self.total) * u128::from(other.count);
        let b = u128::from(other.total) * u128::from(self.count);
        a.cmp(&b)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn m(player: PlayerId, score: u32, present: bool) -> Member {
        Member {
            player,
            score,
            answer_time_ms: 10_000,
            present,
        }
    }

    #[test]
    fn team_scores_leave_absent_members_neither_helping_nor_sinking() {
        // (present scores, team size, scoring, points shown)
        let cases: [(&[u32], usize, TeamScoring, u64); 8] = [
            (&[800, 600], 2, TeamScoring::Average, 700),
            (&[800, 600], 4, TeamScoring::Average, 700),
            (&[800, 600], 2, TeamScoring::Sum, 1400),
            // Two absent members count at the team's mean, 700 each.
            (&[800, 600], 4, TeamScoring::Sum, 2800),
            (&[1000, 0, 0], 3, TeamScoring::Average, 333),
            (&[1000, 0, 0], 3, TeamScoring::Sum, 1000),
            (&[], 3, TeamScoring::Average, 0),
            (&[], 3, TeamScoring::Sum, 0),
        ];
        for (scores, size, scoring, want) in cases {
            let got = TeamScore::of(scores, size, scoring);
            assert_eq!(got.points(), want, "{scores:?} of {size}, {scoring:?}");
            assert_eq!(got.anyone_present(), !scores.is_empty());
        }
    }

    #[test]
    fn teams_rank_by_exact_score_then_time_and_list_their_members() {
        let a = Assignment::for_picking(&["Sao Đỏ", "Bình Minh", "Hoa Sen", "Vắng"], None);
        let mut a = a.unwrap();
        for (player, team) in [(1, 0), (2, 0), (3, 1), (4, 1), (5, 1), (6, 2), (7, 3)] {
            a.pick(player, team).unwrap();
        }
        let members = [
            // Sao Đỏ: 1000 and 1001 → 1000.5
            m(1, 1000, true),
            m(2, 1001, true),
            // Bình Minh: 1000, 1001, and an absent member → 1000.5, but slower
            Member {
                answer_time_ms: 30_000,
                ..m(3, 1000, true)
            },
            m(4, 1001, true),
            m(5, 0, false),
            // Hoa Sen: 1000, below 1000.5 (the order is exact, the screens round)
            m(6, 1000, true),
            // Vắng: nobody came
            m(7, 0, false),
            // on no team
            m(9, 5000, true),
        ];
        let lines = rank_teams(&a, &members, TeamScoring::Average);
        let order: Vec<(TeamId, u32, u64)> = lines
            .iter()
            .map(|l| (l.team, l.rank, l.score.points()))
            .collect();
        assert_eq!(
            order,
            vec![(0, 1, 1001), (1, 2, 1001), (2, 3, 1000), (3, 4, 0)],
            "equal averages: the faster team first; nobody present: last"
        );
        let bm: Vec<PlayerId> = lines[1].members.iter().map(|m| m.player).collect();
        assert_eq!(bm, vec![4, 3, 5], "members by score, the absent one last");
    }

    #[test]
    fn sum_favours_the_full_team_only_by_what_it_played() {
        let mut a = Assignment::for_picking(&["A", "B"], None).unwrap();
        for (player, team) in [(1, 0), (2, 0), (3, 0), (4, 1), (5, 1), (6, 1)] {
            a.pick(player, team).unwrap();
        }
        // A: 900, 900, absent; B: 900, 900, 0 (joined, answered nothing).
        let members = [
            m(1, 900, true),
            m(2, 900, true),
            m(3, 0, false),
            m(4, 900, true),
            m(5, 900, true),
            m(6, 0, true),
        ];
        let lines = rank_teams(&a, &members, TeamScoring::Sum);
        let points: Vec<(TeamId, u64)> = lines.iter().map(|l| (l.team, l.score.points())).collect();
        assert_eq!(points, vec![(0, 2700), (1, 1800)]);
    }

    proptest! {
        /// Adding an absent member to a team never changes its average, and adds exactly the
        /// team's mean to its sum: as if they had played like the rest of the team.
        #[test]
        fn an_absent_member_counts_as_the_team_mean(scores in prop::collection::vec(0u32..=200_000, 1..50)) {
            let n = scores.len();
            let avg = TeamScore::of(&scores, n, TeamScoring::Average);
            prop_assert_eq!(TeamScore::of(&scores, n + 1, TeamScoring::Average), avg);
            let sum = TeamScore::of(&scores, n, TeamScoring::Sum);
            let with = TeamScore::of(&scores, n + 1, TeamScoring::Sum);
            // Both are fractions over the n present members: the totals differ by the sum of
            // the scores, so the values differ by sum / n, the team's mean.
            let total: u64 = scores.iter().map(|&s| u64::from(s)).sum();
            prop_assert_eq!(with.present, sum.present);
            prop_assert_eq!(with.total - sum.total, total);
        }
    }
}
