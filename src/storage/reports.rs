//! The game report, computed from the database alone: what a teacher downloads, and what the
//! tests compare with the scores players were shown.

use std::collections::HashMap;

use crate::domain::GameId;
use serde::Serialize;
use sqlx::Row;

use super::{GameStatus, Result, Store};
use crate::domain::teams::{rank_teams, Member, Record as TeamRecord, TeamScoring, Teams};
use crate::domain::Question;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlayerLine {
    pub rank: i64,
    pub player: i64,
    pub nickname: String,
    pub score: i64,
    pub correct: i64,
    pub answered: i64,
    /// Sum of answer times of the answered questions, in milliseconds.
    pub answer_time_ms: i64,
    pub kicked: bool,
    /// What the player did on each question, in the game's order: the player × question
    /// sheet a teacher reads to see who got which question wrong.
    pub answers: Vec<Outcome>,
}

/// One player's outcome on one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Right,
    Wrong,
    /// No answer in time (or none accepted): not right, as the projector counts it.
    NoAnswer,
}

impl Outcome {
    /// The cell of the player × question sheet.
    pub fn text(self) -> &'static str {
        match self {
            Outcome::Right => "Đúng",
            Outcome::Wrong => "Sai",
            Outcome::NoAnswer => "Không trả lời",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionLine {
    /// 1-based, as shown in the game.
    pub number: i64,
    pub text: String,
    /// The bank's word (`single`, `true_false`…), for tools.
    pub kind: String,
    /// The kind as the pages name it («Một đáp án», «Đúng / Sai»…), for teachers.
    pub kind_name: &'static str,
    /// Players who stayed in the game (not kicked): the projector's «{right}/{players}».
    /// Question counts leave kicked players out, so the rate is never over 100 %.
    pub players: i64,
    pub answered: i64,
    pub correct: i64,
    pub average_ms: i64,
    /// Share of `players` who answered right, in percent: no answer counts as not right,
    /// as on the projector.
    pub right_percent: f64,
    /// Option texts with how many chose each (choice questions).
    pub options: Vec<(String, i64, bool)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub game: GameId,
    pub title: String,
    /// The class, when the host named one.
    pub class: Option<String>,
    pub status: GameStatus,
    /// The status in words: an interrupted game (the server stopped while it was open; it is
    /// not resumed) says «Trò chơi bị gián đoạn», so nobody takes its scores for final ones.
    pub status_text: &'static str,
    pub created_at: i64,
    pub players: Vec<PlayerLine>,
    pub questions: Vec<QuestionLine>,
    /// A team game's scoring (`average` or `sum`); absent without teams.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_scoring: Option<TeamScoring>,
    /// A team game's teams in order, each with its members, as the podium showed them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teams: Option<Vec<TeamReportLine>>,
}

/// One team of a team game's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamReportLine {
    pub rank: u32,
    pub team: u16,
    pub name: String,
    /// Rounded to whole points, as the projector showed it.
    pub score: u64,
    pub present: usize,
    pub size: usize,
    /// Player ids: present members in the game's order, then the absent (removed) ones.
    pub members: Vec<i64>,
}

/// The team board from the stored teams and the players' totals: the room's own rule
/// (`domain::teams::rank_teams`) over the same numbers.
fn team_lines(record: TeamRecord, players: &[PlayerLine]) -> Option<Vec<TeamReportLine>> {
    let teams = Teams::from_record(record).ok()?;
    let members: Vec<Member> = players
        .iter()
        .map(|p| Member {
            player: p.player as u32,
            score: p.score.max(0) as u32,
            answer_time_ms: p.answer_time_ms.max(0) as u64,
            present: !p.kicked,
        })
        .collect();
    let names = teams.assignment().teams();
    let lines = rank_teams(teams.assignment(), &members, teams.scoring())
        .into_iter()
        .map(|l| TeamReportLine {
            rank: l.rank,
            team: l.team,
            name: names[usize::from(l.team)].clone(),
            score: l.score.points(),
            present: l.members.iter().filter(|m| m.present).count(),
            size: l.members.len(),
            members: l.members.iter().map(|m| i64::from(m.player)).collect(),
        })
        .collect();
    Some(lines)
}

impl Store {
    pub async fn report(&self, game: GameId) -> Result<Option<Report>> {
        let Some(row) = self.game(game).await? else {
            return Ok(None);
        };
        // Kicked players sort last; the rest by the final rank when the game finished, or by
        // the leaderboard order (score, then time) when it was interrupted.
        let rows = sqlx::query(
            "SELECT p.id, p.nickname, p.kicked, p.final_rank, \
                    CAST(COALESCE(SUM(a.points), 0) AS BIGINT) AS score, \
                    CAST(COALESCE(SUM(a.correct), 0) AS BIGINT) AS correct, \
                    COUNT(a.question) AS answered, \
                    CAST(COALESCE(SUM(a.elapsed_ms), 0) + COALESCE(m.charged, 0) AS BIGINT) AS time_ms \
             FROM players p LEFT JOIN answers a ON a.game_id = p.game_id AND a.player_id = p.id \
             LEFT JOIN (SELECT player_id, SUM(charged_ms) AS charged FROM misses \
                        WHERE game_id = $1 GROUP BY player_id) m ON m.player_id = p.id \
             WHERE p.game_id = $1 \
             GROUP BY p.id, p.nickname, p.kicked, p.final_rank, m.charged \
             ORDER BY p.kicked, p.final_rank IS NULL, p.final_rank, score DESC, time_ms, p.id",
        )
        .bind(game)
        .fetch_all(self.pool())
        .await?;
        let mut players = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            players.push(PlayerLine {
                rank: i as i64 + 1,
                player: r.try_get("id")?,
                nickname: r.try_get("nickname")?,
                score: r.try_get("score")?,
                correct: r.try_get("correct")?,
                answered: r.try_get("answered")?,
                answer_time_ms: r.try_get("time_ms")?,
                kicked: r.try_get::<i64, _>("kicked")? != 0,
                answers: Vec::new(),
            });
        }

        let questions = self.quiz_questions(row.quiz_id).await?;
        for p in &mut players {
            p.answers = vec![Outcome::NoAnswer; questions.len()];
        }
        let by_id: HashMap<i64, usize> = players
            .iter()
            .enumerate()
            .map(|(i, p)| (p.player, i))
            .collect();
        let in_game = players.iter().filter(|p| !p.kicked).count() as i64;
        let answers = sqlx::query(
            "SELECT player_id, question, answer, correct, elapsed_ms FROM answers \
             WHERE game_id = $1",
        )
        .bind(game)
        .fetch_all(self.pool())
        .await?;
        let mut lines: Vec<QuestionLine> = questions
            .iter()
            .enumerate()
            .map(|(i, q)| question_line(i, q, in_game))
            .collect();
        let mut total_ms = vec![0i64; lines.len()];
        for a in &answers {
            let index: i64 = a.try_get("question")?;
            let Some(line) = lines.get_mut(index as usize) else {
                continue;
            };
            let correct = a.try_get::<i64, _>("correct")?;
            let player = by_id
                .get(&a.try_get::<i64, _>("player_id")?)
                .map(|&i| &mut players[i]);
            let kicked = match player {
                Some(p) => {
                    p.answers[index as usize] = if correct != 0 {
                        Outcome::Right
                    } else {
                        Outcome::Wrong
                    };
                    p.kicked
                }
                None => true,
            };
            if kicked {
                continue;
            }
            line.answered += 1;
            line.correct += correct;
            total_ms[index as usize] += a.try_get::<i64, _>("elapsed_ms")?;
            if let Ok(ids) = serde_json::from_str::<Vec<u8>>(&a.try_get::<String, _>("answer")?) {
                if questions[index as usize].kind != crate::domain::QuestionKind::Ordering {
                    for id in ids {
                        if let Some(o) = line.options.get_mut(usize::from(id).wrapping_sub(1)) {
                            o.1 += 1;
                        }
                    }
                }
            }
        }
        for (line, ms) in lines.iter_mut().zip(total_ms) {
            line.average_ms = if line.answered > 0 {
                ms / line.answered
            } else {
                0
            };
            line.right_percent = if line.players > 0 {
                100.0 * line.correct as f64 / line.players as f64
            } else {
                0.0
            };
        }
        let record = match self.game_teams(game).await? {
            Some(json) => serde_json::from_str::<TeamRecord>(&json).ok(),
            None => None,
        };
        let team_scoring = record.as_ref().map(|r| r.scoring);
        let teams = record.and_then(|r| team_lines(r, &players));
        Ok(Some(Report {
            game,
            title: row.title,
            class: row.class,
            status: row.status,
            status_text: row.status.text(),
            created_at: row.created_at,
            players,
            questions: lines,
            team_scoring,
            teams,
        }))
    }
}

fn question_line(i: usize, q: &Question, players: i64) -> QuestionLine {
    let correct = q.correct_ids();
    QuestionLine {
        number: i as i64 + 1,
        text: q.text.clone(),
        kind: q.kind.as_str().to_owned(),
        kind_name: q.kind.name_vi(),
        players,
        answered: 0,
        correct: 0,
        average_ms: 0,
        right_percent: 0.0,
        options: q
            .options
            .iter()
            .enumerate()
            .map(|(j, o)| {
                (
                    o.clone(),
                    0,
                    q.kind != crate::domain::QuestionKind::Ordering
                        && correct.contains(&(j as u8 + 1)),
                )
            })
            .collect(),
    }
}
