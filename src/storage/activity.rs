//! What the movement's reports count, per school, over a period (`[start, end)` in Unix ms):
//! live games hosted by the school's accounts and their players, contest participants by
//! round and kind (pupils, staff), and submitted attempts with their scores. Every figure is
//! grouped by school in SQL; communes and the province add their schools up.

use sqlx::Row;

use super::{Result, Store};

/// A school with what its report needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolRow {
    pub code: String,
    pub name: String,
    pub commune: String,
    /// Pupils enrolled, as the school list declares.
    pub enrolment: i64,
    /// The pupil levels the school list declares (`tieu-hoc,thcs`), in that order.
    pub levels: Vec<String>,
}

/// How many people of one level a school has on hoithi's books: pupils of its roster by
/// grade (`tieu-hoc`, `thcs`, `thpt`), or (`giao-vien`) its teacher and school-admin accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolLevelCount {
    pub school: String,
    pub level: String,
    pub count: i64,
}

/// A pupil's level from the grade of the roster, a staff member's `giao-vien`; empty for a
/// pupil whose grade is outside 1–12 (the same rule as `contest::level::of_kind`).
const LEVEL_OF_STUDENT: &str = "CASE WHEN s.kind = 'staff' THEN 'giao-vien' \
    WHEN s.grade BETWEEN 1 AND 5 THEN 'tieu-hoc' WHEN s.grade BETWEEN 6 AND 9 THEN 'thcs' \
    WHEN s.grade BETWEEN 10 AND 12 THEN 'thpt' ELSE '' END";

/// Live games of a school in the period: games opened by its teachers and admin, and the
/// players who joined them (kicked players not counted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchoolGames {
    pub school: String,
    pub games: i64,
    pub players: i64,
}

/// Participants of a round from a school who started an attempt in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundSchool {
    pub round_id: i64,
    pub school: String,
    /// Teachers and managers (`students.kind = 'staff'`), counted apart from pupils.
    pub staff: bool,
    /// The participant's level (`LEVEL_OF_STUDENT`).
    pub level: String,
    pub participants: i64,
    /// Submitted attempts and the sum of their scores.
    pub submitted: i64,
    pub score_sum: i64,
}

/// What happened on one Vietnamese day in one school (25,200,000 ms is Vietnam's UTC+7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyActivity {
    pub day: i64,
    pub school: String,
    pub attempts: i64,
    pub games: i64,
}

/// How many submitted attempts of a round and school had a score (for distributions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreRow {
    pub round_id: i64,
    pub school: String,
    pub score: i64,
    pub attempts: i64,
}

impl Store {
    /// Every school, by code.
    pub async fn report_schools(&self) -> Result<Vec<SchoolRow>> {
        let rows = sqlx::query(
            "SELECT code, name, commune_code, enrolment, levels FROM schools ORDER BY code",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let levels: String = r.try_get(4)?;
                Ok(SchoolRow {
                    code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    commune: r.try_get(2)?,
                    enrolment: r.try_get(3)?,
                    levels: levels
                        .split(',')
                        .filter(|l| !l.is_empty())
                        .map(String::from)
                        .collect(),
                })
            })
            .collect()
    }

    /// Per school and level, the pupils of its roster and (`giao-vien`) its teacher and
    /// school-admin accounts: what a school's declared enrolment is split by, and what its
    /// teachers' participation is a rate of.
    pub async fn school_level_counts(&self) -> Result<Vec<SchoolLevelCount>> {
        let pupils = format!(
            "SELECT s.school_code, {LEVEL_OF_STUDENT}, COUNT(*) FROM students s \
             WHERE s.kind = 'pupil' GROUP BY s.school_code, {LEVEL_OF_STUDENT} \
             UNION ALL SELECT a.unit_code, 'giao-vien', COUNT(*) FROM accounts a \
             WHERE a.unit_code IS NOT NULL AND a.role IN ('teacher', 'school_admin') \
             GROUP BY a.unit_code"
        );
        let rows = sqlx::query(&pupils).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(SchoolLevelCount {
                    school: r.try_get(0)?,
                    level: r.try_get(1)?,
                    count: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// Live games opened in `[start, end)` by accounts bound to a school (teachers and
    /// school admins), per school, with their players.
    pub async fn school_games(&self, start: i64, end: i64) -> Result<Vec<SchoolGames>> {
        let rows = sqlx::query(
            "SELECT a.unit_code, COUNT(DISTINCT g.id), \
             COUNT(CASE WHEN p.kicked = 0 THEN 1 END) \
             FROM games g JOIN accounts a ON a.id = g.host_id \
             LEFT JOIN players p ON p.game_id = g.id \
             WHERE g.created_at >= $1 AND g.created_at < $2 AND a.unit_code IS NOT NULL \
             AND a.role IN ('teacher', 'school_admin') \
             GROUP BY a.unit_code",
        )
        .bind(start)
        .bind(end)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SchoolGames {
                    school: r.try_get(0)?,
                    games: r.try_get(1)?,
                    players: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// Contest participation in `[start, end)`: per round, school and kind, the participants
    /// who started an attempt, and the submitted attempts with their total score (cast: a
    /// SUM of BIGINT is NUMERIC on PostgreSQL).
    pub async fn round_schools(&self, start: i64, end: i64) -> Result<Vec<RoundSchool>> {
        let sql = format!(
            "SELECT at.round_id, s.school_code, s.kind, {LEVEL_OF_STUDENT}, \
             COUNT(DISTINCT at.participant), COUNT(at.submitted_at), \
             CAST(COALESCE(SUM(CASE WHEN at.submitted_at IS NOT NULL THEN at.score END), 0) AS BIGINT) \
             FROM attempts at JOIN students s ON s.code = at.participant \
             WHERE at.started_at >= $1 AND at.started_at < $2 \
             GROUP BY at.round_id, s.school_code, s.kind, {LEVEL_OF_STUDENT}"
        );
        let rows = sqlx::query(&sql)
            .bind(start)
            .bind(end)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(RoundSchool {
                    round_id: r.try_get(0)?,
                    school: r.try_get(1)?,
                    staff: r.try_get::<String, _>(2)? == "staff",
                    level: r.try_get(3)?,
                    participants: r.try_get(4)?,
                    submitted: r.try_get(5)?,
                    score_sum: r.try_get(6)?,
                })
            })
            .collect()
    }

    /// How many attempts started in `[start, end)` and submitted had each score, per round
    /// and school (counted in SQL: a province's round is hundreds of thousands of attempts).
    pub async fn attempt_scores(&self, start: i64, end: i64) -> Result<Vec<ScoreRow>> {
        let rows = sqlx::query(
            "SELECT at.round_id, s.school_code, COALESCE(at.score, 0), COUNT(*) FROM attempts at \
             JOIN students s ON s.code = at.participant \
             WHERE at.started_at >= $1 AND at.started_at < $2 AND at.submitted_at IS NOT NULL \
             GROUP BY at.round_id, s.school_code, COALESCE(at.score, 0)",
        )
        .bind(start)
        .bind(end)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ScoreRow {
                    round_id: r.try_get(0)?,
                    school: r.try_get(1)?,
                    score: r.try_get(2)?,
                    attempts: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Per Vietnamese day (days since 1970-01-01) and school: attempts started in
    /// `[start, end)` by pupils, and live games opened by the school's accounts.
    pub async fn daily_activity(&self, start: i64, end: i64) -> Result<Vec<DailyActivity>> {
        let mut out = Vec::new();
        let attempts = sqlx::query(
            "SELECT (at.started_at + 25200000) / 86400000, s.school_code, COUNT(*) \
             FROM attempts at JOIN students s ON s.code = at.participant \
             WHERE at.started_at >= $1 AND at.started_at < $2 AND s.kind = 'pupil' \
             GROUP BY (at.started_at + 25200000) / 86400000, s.school_code",
        )
        .bind(start)
        .bind(end)
        .fetch_all(self.pool())
        .await?;
        for r in &attempts {
            out.push(DailyActivity {
                day: r.try_get(0)?,
                school: r.try_get(1)?,
                attempts: r.try_get(2)?,
                games: 0,
            });
        }
        let games = sqlx::query(
            "SELECT (g.created_at + 25200000) / 86400000, a.unit_code, COUNT(*) \
             FROM games g JOIN accounts a ON a.id = g.host_id \
             WHERE g.created_at >= $1 AND g.created_at < $2 AND a.unit_code IS NOT NULL \
             AND a.role IN ('teacher', 'school_admin') \
             GROUP BY (g.created_at + 25200000) / 86400000, a.unit_code",
        )
        .bind(start)
        .bind(end)
        .fetch_all(self.pool())
        .await?;
        for r in &games {
            out.push(DailyActivity {
                day: r.try_get(0)?,
                school: r.try_get(1)?,
                attempts: 0,
                games: r.try_get(2)?,
            });
        }
        Ok(out)
    }
}
