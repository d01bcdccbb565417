//! Team play in a class game's room: the host's setup (lobby only), the host's placements and
//! the players' picks, where late joiners go, and the team board (`domain::teams::standing`)
//! ranked at each close and at the end. Phones hear only their own team and its place; host
//! screens get who is on which team (coalesced, as the lobby list) and the board with members.
//! The setup is stored with the game (`games.teams`), for the report and for a takeover.

use rand::Rng;

use super::Room;
use crate::domain::game::{Phase, PlayerId};
use crate::domain::teams::{
    self, assign::MAX_TEAM_NAME_CHARS, Member, Plan, TeamId, TeamScoring, TeamStanding, Teams,
};
use crate::outbox::Outgoing;
use crate::protocol::{
    encode, ErrorCode, ServerMsg, TeamBrief, TeamLine, TeamMember, TeamPlace, TeamsView,
};
use crate::storage::writer::Write;

/// A room's teams and their last ranking.
pub struct RoomTeams {
    pub teams: Teams,
    /// The team board at the last close of a question (empty before the first).
    board: Vec<TeamStanding>,
}

impl RoomTeams {
    pub fn new(teams: Teams) -> RoomTeams {
        RoomTeams {
            teams,
            board: Vec::new(),
        }
    }
}

/// The plan's word, as the protocol names it.
fn how(plan: &Plan) -> &'static str {
    match plan {
        Plan::Class => "class",
        Plan::Random { .. } => "random",
        Plan::Names { .. } => "names",
    }
}

/// A plan's team names are checked by the domain; this only keeps an absurd list (thousands
/// of names) from being normalized before it is refused.
fn plausible(plan: &Plan) -> bool {
    match plan {
        Plan::Names { names, .. } => {
            names.len() <= teams::assign::MAX_TEAMS
                && names
                    .iter()
                    .all(|n| n.chars().count() <= 4 * MAX_TEAM_NAME_CHARS)
        }
        _ => true,
    }
}

impl Room {
    /// The host sets teams up (or, with `None`, plays without them): in the lobby only.
    pub(super) fn set_teams(
        &mut self,
        plan: Option<Plan>,
        scoring: Option<TeamScoring>,
    ) -> Result<(), ErrorCode> {
        if self.game.phase() != Phase::Lobby {
            return Err(ErrorCode::WrongPhase);
        }
        let made = match plan {
            None => None,
            Some(plan) if !plausible(&plan) => return Err(ErrorCode::TeamCount),
            Some(plan) => {
                let players = self
                    .game
                    .players()
                    .iter()
                    .filter(|p| !p.kicked)
                    .map(|p| (p.id, self.class_of(p.id)));
                let scoring = scoring.unwrap_or(TeamScoring::Average);
                let seed = rand::rng().random::<u64>();
                Some(Teams::make(plan, scoring, players, seed)?)
            }
        };
        self.teams = made.map(RoomTeams::new);
        self.seq += 1;
        let text = encode(&ServerMsg::Teams {
            seq: self.seq,
            teams: self.teams_view(false),
        });
        Self::push_each(&mut self.conns, &mut self.deferred, |_| {
            Outgoing::Text(text.clone())
        });
        // Each player placed by the draw or by class hears where they are.
        if let Some(t) = &self.teams {
            let a = t.teams.assignment();
            let seq = self.seq;
            Self::push_each(&mut self.conns, &mut self.deferred, |p| {
                let team = a.team_of(p);
                Outgoing::Text(encode(&ServerMsg::Team {
                    seq,
                    team: TeamBrief {
                        team,
                        name: team.map(|t| a.teams()[usize::from(t)].as_str()),
                    },
                }))
            });
        }
        self.teams_changed();
        Ok(())
    }

    /// The host puts `player` on `team`: any time before the end.
    pub(super) fn place_on_team(
        &mut self,
        player: PlayerId,
        team: TeamId,
    ) -> Result<(), ErrorCode> {
        self.may_change_teams()?;
        if self.game.player(player).is_none_or(|p| p.kicked) {
            return Err(ErrorCode::UnknownPlayer);
        }
        let t = self.teams.as_mut().ok_or(ErrorCode::NoTeams)?;
        t.teams.place(player, team)?;
        self.tell_team(player);
        self.teams_changed();
        Ok(())
    }

    /// A player picks `team` from the host's list.
    pub(super) fn pick_team(&mut self, player: PlayerId, team: TeamId) -> Result<(), ErrorCode> {
        self.may_change_teams()?;
        let started = self.game.phase() != Phase::Lobby;
        let t = self.teams.as_mut().ok_or(ErrorCode::NoTeams)?;
        t.teams.pick(player, team, started)?;
        self.tell_team(player);
        self.teams_changed();
        Ok(())
    }

    fn may_change_teams(&self) -> Result<(), ErrorCode> {
        match (&self.teams, self.game.phase()) {
            (_, Phase::Finished) => Err(ErrorCode::GameOver),
            (None, _) => Err(ErrorCode::NoTeams),
            _ => Ok(()),
        }
    }

    /// A player who joined after the teams were made goes where the plan says (their welcome,
    /// sent after this, carries the team).
    pub(super) fn seat_on_team(&mut self, player: PlayerId) {
        let class = self.class_of(player).map(str::to_owned);
        if let Some(t) = self.teams.as_mut() {
            if t.teams.seat_late(player, class.as_deref()).is_some() {
                self.teams_changed();
            }
        }
    }

    /// The class the server knows for `player` (from their login card), if any.
    fn class_of(&self, player: PlayerId) -> Option<&str> {
        self.classes.get(player as usize).and_then(|c| c.as_deref())
    }

    /// Host screens and the database hear of the change with the next coalesced host update.
    fn teams_changed(&mut self) {
        self.teams_dirty = true;
        self.host_updates.touch(tokio::time::Instant::now());
    }

    /// The player's team, to their phone.
    fn tell_team(&self, player: PlayerId) {
        let Some(Some(outbox)) = self.conns.get(player as usize) else {
            return;
        };
        let a = self.teams.as_ref().map(|t| t.teams.assignment());
        let team = a.and_then(|a| a.team_of(player));
        let name = match (a, team) {
            (Some(a), Some(t)) => Some(a.teams()[usize::from(t)].as_str()),
            _ => None,
        };
        outbox.push(Outgoing::Text(encode(&ServerMsg::Team {
            seq: self.seq,
            team: TeamBrief { team, name },
        })));
    }

    /// Sends host screens who is on which team and stores the setup; called with the
    /// coalesced host updates.
    pub(super) async fn flush_teams(&mut self) {
        if !std::mem::take(&mut self.teams_dirty) {
            return;
        }
        let text = encode(&ServerMsg::Teams {
            seq: self.seq,
            teams: self.teams_view(true),
        });
        self.hosts.retain(|h| h.push(Outgoing::Text(text.clone())));
        self.store_teams().await;
    }

    pub(super) async fn store_teams(&self) {
        let record = self
            .teams
            .as_ref()
            .map(|t| serde_json::to_string(&t.teams.record()).unwrap_or_default());
        let row = Write::Teams {
            game: self.info.game_id,
            record,
        };
        self.writer.write(row, None).await;
    }

    /// Ranks the teams from the players' totals (at each close, at the end, after a takeover).
    pub(super) fn rank_teams(&mut self) {
        let Some(t) = self.teams.as_mut() else {
            return;
        };
        let members: Vec<Member> = self
            .game
            .players()
            .iter()
            .map(|p| Member {
                player: p.id,
                score: p.score,
                answer_time_ms: p.answer_time_ms,
                // Removed by the host: absent. A dropped phone is still in the game.
                present: !p.kicked,
            })
            .collect();
        t.board = teams::rank_teams(t.teams.assignment(), &members, t.teams.scoring());
    }

    /// The teams as a screen sees them; `of` for host screens.
    pub(super) fn teams_view(&self, host: bool) -> Option<TeamsView<'_>> {
        let t = &self.teams.as_ref()?.teams;
        let (pick, max_size) = match t.plan() {
            Plan::Names { pick, max_size, .. } => (*pick, max_size.filter(|&m| m > 0)),
            _ => (false, None),
        };
        Some(TeamsView {
            how: how(t.plan()),
            scoring: t.scoring(),
            pick,
            names: t.assignment().teams(),
            max_size,
            of: host.then(|| t.assignment().pairs().collect()),
        })
    }

    /// The player's team and, once ranked, its place.
    pub(super) fn team_place(&self, player: PlayerId) -> Option<TeamPlace<'static>> {
        team_place(self.teams.as_ref(), player)
    }

    /// The team board with every member, for host screens.
    pub(super) fn team_lines(&self) -> Option<Vec<TeamLine<'_>>> {
        let t = self.teams.as_ref()?;
        let names = t.teams.assignment().teams();
        let lines = t
            .board
            .iter()
            .map(|line| TeamLine {
                rank: line.rank,
                team: line.team,
                name: &names[usize::from(line.team)],
                score: line.score.points(),
                present: line.members.iter().filter(|m| m.present).count(),
                size: line.members.len(),
                members: line
                    .members
                    .iter()
                    .filter_map(|m| {
                        let p = self.game.player(m.player)?;
                        Some(TeamMember {
                            id: m.player,
                            nickname: p.nickname.as_str(),
                            score: m.score,
                            present: m.present,
                        })
                    })
                    .collect(),
            })
            .collect();
        Some(lines)
    }

    /// The team board to host screens, under `seq` (that of the leaderboard or podium it
    /// goes with, which follows it).
    pub(super) fn send_team_board(&mut self, is_final: bool, seq: u64) {
        let Some(lines) = self.team_lines() else {
            return;
        };
        let Some(scoring) = self.teams.as_ref().map(|t| t.teams.scoring()) else {
            return;
        };
        let text = encode(&ServerMsg::TeamBoard {
            seq,
            is_final,
            scoring,
            teams: &lines,
        });
        self.hosts.retain(|h| h.push(Outgoing::Text(text.clone())));
    }
}

/// A free function over the room's teams, so a message built for each connection may borrow
/// them while the connections are borrowed mutably.
pub(super) fn team_place(
    teams: Option<&RoomTeams>,
    player: PlayerId,
) -> Option<TeamPlace<'static>> {
    let t = teams?;
    let a = t.teams.assignment();
    let team = a.team_of(player)?;
    let line = t.board.iter().find(|l| l.team == team);
    Some(TeamPlace {
        team,
        name: a.teams()[usize::from(team)].clone().into(),
        rank: line.map(|l| l.rank),
        score: line.map(|l| l.score.points()),
        of: a.teams().len(),
    })
}
