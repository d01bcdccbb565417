//! The demo province's activities (`hoithi demo seed`): a teacher account per school that
//! held games (username `demo-gv-{school}`, a password hash that matches nothing, so nobody
//! signs in with it), its finished live games with their players, and a demo contest round
//! whose attempts match the demo results, so the reports and the dashboard have something to
//! show. Written in bulk; running the seed again adds nothing twice (accounts and the round
//! are found by name).

use sqlx::Row;

use super::{Result, Role, Store};

/// A live game a demo school held: when, and how many players joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoGame {
    pub school: String,
    pub created_at: i64,
    pub players: i64,
}

/// A demo pupil's submitted attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAttempt {
    pub student: String,
    pub level: String,
    pub started_at: i64,
    pub time_ms: i64,
    pub score: i64,
}

/// A hash no password matches (not a PHC string), for accounts nobody signs in to.
pub const NO_PASSWORD: &str = "!demo";
const ROWS: usize = 400;

impl Store {
    /// The id of the demo account `username`, created if missing.
    async fn demo_account(&self, username: &str, role: Role, unit: Option<&str>) -> Result<i64> {
        if let Some(a) = self.account_by_username(username).await? {
            return Ok(a.id.get());
        }
        self.create_account(username, username, role, unit, NO_PASSWORD)
            .await?;
        let a = self
            .account_by_username(username)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        Ok(a.id.get())
    }

    /// Stores the games, each by its school's demo teacher, with its players; the number of
    /// games stored.
    pub async fn seed_demo_games(&self, games: &[DemoGame]) -> Result<usize> {
        let mut teachers = std::collections::HashMap::new();
        for g in games {
            if !teachers.contains_key(&g.school) {
                let id = self
                    .demo_account(
                        &format!("demo-gv-{}", g.school),
                        Role::Teacher,
                        Some(&g.school),
                    )
                    .await?;
                teachers.insert(g.school.clone(), id);
            }
        }
        let Some(owner) = teachers.values().next().copied() else {
            return Ok(0);
        };
        let quiz: i64 = sqlx::query(
            "INSERT INTO quizzes (owner_id, title, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(owner)
        .bind("Demo: An toàn trên mạng")
        .bind(super::unix_ms())
        .fetch_one(self.pool())
        .await?
        .try_get(0)?;
        let mut tx = self.pool().begin().await?;
        for g in games {
            let id: i64 = sqlx::query(
                "INSERT INTO games (quiz_id, host_id, pin, title, settings, seed, status, created_at, started_at, finished_at) \
                 VALUES ($1, $2, '000000', 'Demo: An toàn trên mạng', '{}', 0, 'finished', $3, $4, $5) RETURNING id",
            )
            .bind(quiz)
            .bind(teachers[&g.school])
            .bind(g.created_at)
            .bind(g.created_at + 60_000)
            .bind(g.created_at + 900_000)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
            let players: Vec<i64> = (1..=g.players).collect();
            for part in players.chunks(ROWS) {
                let sql = format!(
                    "INSERT INTO players (game_id, id, nickname, token_hash, joined_at, final_rank, final_score) VALUES {}",
                    super::units::placeholders(part.len(), 7)
                );
                let mut q = sqlx::query(&sql);
                for p in part {
                    q = q
                        .bind(id)
                        .bind(*p)
                        .bind(format!("Bạn {p}"))
                        .bind("")
                        .bind(g.created_at)
                        .bind(*p)
                        .bind((g.players - p) * 100);
                }
                q.execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(games.len())
    }

    /// A demo contest round `context` (opened a week before the first attempt, closing in a
    /// month) with `attempts`, unless the round exists already; the number stored.
    pub async fn seed_demo_round(&self, context: &str, attempts: &[DemoAttempt]) -> Result<usize> {
        if self.round_by_context(context).await?.is_some() {
            return Ok(0);
        }
        let by = self.demo_account("demo-btc", Role::Organizer, None).await?;
        let contest: i64 = match sqlx::query("SELECT id FROM contests WHERE slug = 'demo'")
            .fetch_optional(self.pool())
            .await?
        {
            Some(r) => r.try_get(0)?,
            None => sqlx::query(
                "INSERT INTO contests (slug, title, created_by, created_at) VALUES ('demo', $1, $2, $3) RETURNING id",
            )
            .bind("Cuộc thi Demo «Chuyển đổi số trong trường học»")
            .bind(by)
            .bind(super::unix_ms())
            .fetch_one(self.pool())
            .await?
            .try_get(0)?,
        };
        let first = attempts.iter().map(|a| a.started_at).min().unwrap_or(0);
        let rules = serde_json::json!({
            "opens_at": first - 7 * 24 * 3600 * 1000,
            "closes_at": super::unix_ms() + 30 * 24 * 3600 * 1000_i64,
        });
        let round: i64 = sqlx::query(
            "INSERT INTO contest_rounds (contest_id, context, title, levels, banks, rules) \
             VALUES ($1, $2, $3, 'tieu-hoc,thcs,thpt', '', $4) RETURNING id",
        )
        .bind(contest)
        .bind(context)
        .bind(format!("Đợt demo {context}"))
        .bind(rules.to_string())
        .fetch_one(self.pool())
        .await?
        .try_get(0)?;
        let mut tx = self.pool().begin().await?;
        for part in attempts.chunks(ROWS) {
            let sql = format!(
                "INSERT INTO attempts (round_id, participant, level, started_at, deadline, seed, questions, answers, \
                 submitted_at, correct, score, time_ms) VALUES {}",
                super::units::placeholders(part.len(), 12)
            );
            let mut q = sqlx::query(&sql);
            for a in part {
                q = q
                    .bind(round)
                    .bind(a.student.as_str())
                    .bind(a.level.as_str())
                    .bind(a.started_at)
                    .bind(a.started_at + 600_000)
                    .bind(0_i64)
                    .bind("[]")
                    .bind("[]")
                    .bind(a.started_at + a.time_ms)
                    .bind(a.score / 10)
                    .bind(a.score)
                    .bind(a.time_ms);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(attempts.len())
    }
}
