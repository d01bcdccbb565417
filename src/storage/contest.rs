//! Contests, their rounds and the questions each round froze when it was created.

use serde::Serialize;
use sqlx::Row;

use super::{decode, unique, unix_ms, Inserted, Result, Store};
use crate::domain::bank::Level;
use crate::domain::contest::RoundRules;
use crate::domain::{AccountId, Question};

#[derive(Debug, Clone, Serialize)]
pub struct ContestRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub created_at: i64,
}

/// A round as stored; `rules` decoded.
#[derive(Debug, Clone, Serialize)]
pub struct RoundRow {
    pub id: i64,
    pub contest_id: i64,
    /// The round's ranking context (`dot-1`).
    pub context: String,
    pub title: String,
    pub levels: Vec<Level>,
    pub banks: Vec<String>,
    pub rules: RoundRules,
    pub closed_at: Option<i64>,
    pub participants: Option<i64>,
    /// When the standings were last recorded after the close (`None` while that runs).
    pub standings_at: Option<i64>,
}

/// A new round and its frozen questions: per level, (topic, question).
pub struct NewRound<'a> {
    pub contest_id: i64,
    pub context: &'a str,
    pub title: &'a str,
    pub levels: &'a [Level],
    pub banks: &'a [String],
    pub rules: &'a RoundRules,
    pub questions: &'a [(Level, String, Question)],
}

impl RoundRow {
    /// The rules as they stand: a round closed early closes then.
    pub fn rules_now(&self) -> RoundRules {
        let mut rules = self.rules.clone();
        if let Some(closed) = self.closed_at {
            rules.closes_at = rules.closes_at.min(closed);
        }
        rules
    }
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

const ROUND_COLUMNS: &str =
    "id, contest_id, context, title, levels, banks, rules, closed_at, participants, standings_at";

fn round(r: &sqlx::any::AnyRow) -> Result<RoundRow> {
    let levels: String = r.try_get("levels")?;
    let rules: String = r.try_get("rules")?;
    Ok(RoundRow {
        id: r.try_get("id")?,
        contest_id: r.try_get("contest_id")?,
        context: r.try_get("context")?,
        title: r.try_get("title")?,
        levels: split(&levels)
            .iter()
            .filter_map(|l| Level::parse(l))
            .collect(),
        banks: split(&r.try_get::<String, _>("banks")?),
        rules: serde_json::from_str(&rules).map_err(decode)?,
        closed_at: r.try_get("closed_at")?,
        participants: r.try_get("participants")?,
        standings_at: r.try_get("standings_at")?,
    })
}

impl Store {
    pub async fn create_contest(
        &self,
        slug: &str,
        title: &str,
        by: AccountId,
    ) -> Result<Inserted<i64>> {
        unique(
            sqlx::query(
                "INSERT INTO contests (slug, title, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(slug)
            .bind(title)
            .bind(by)
            .bind(unix_ms())
            .fetch_one(self.pool())
            .await
            .and_then(|r| r.try_get(0)),
        )
    }

    pub async fn contests(&self) -> Result<Vec<ContestRow>> {
        let rows = sqlx::query("SELECT id, slug, title, created_at FROM contests ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ContestRow {
                    id: r.try_get(0)?,
                    slug: r.try_get(1)?,
                    title: r.try_get(2)?,
                    created_at: r.try_get(3)?,
                })
            })
            .collect()
    }

    pub async fn contest_id(&self, slug: &str) -> Result<Option<i64>> {
        sqlx::query("SELECT id FROM contests WHERE slug = $1")
            .bind(slug)
            .fetch_optional(self.pool())
            .await?
            .map(|r| r.try_get(0))
            .transpose()
    }

    /// Stores a round with its questions in one transaction; `Taken` if its context is.
    pub async fn create_round(&self, new: &NewRound<'_>) -> Result<Inserted<i64>> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        let levels: Vec<&str> = new.levels.iter().map(|l| l.as_str()).collect();
        let inserted = unique(
            sqlx::query(
                "INSERT INTO contest_rounds (contest_id, context, title, levels, banks, rules) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(new.contest_id)
            .bind(new.context)
            .bind(new.title)
            .bind(levels.join(","))
            .bind(new.banks.join(","))
            .bind(serde_json::to_string(new.rules).map_err(decode)?)
            .fetch_one(&mut *tx)
            .await
            .and_then(|r| r.try_get::<i64, _>(0)),
        )?;
        let Inserted::New(id) = inserted else {
            return Ok(Inserted::Taken);
        };
        for (level, topic, q) in new.questions {
            sqlx::query(
                "INSERT INTO round_questions (round_id, level, bank, id, topic, body) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(level.as_str())
            .bind(&q.bank)
            .bind(&q.id)
            .bind(topic)
            .bind(serde_json::to_string(q).map_err(decode)?)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Inserted::New(id))
    }

    pub async fn rounds(&self, contest_id: Option<i64>) -> Result<Vec<RoundRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {ROUND_COLUMNS} FROM contest_rounds WHERE ($1 IS NULL OR contest_id = $1) ORDER BY id"
        ))
        .bind(contest_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(round).collect()
    }

    pub async fn round_by_context(&self, context: &str) -> Result<Option<RoundRow>> {
        sqlx::query(&format!(
            "SELECT {ROUND_COLUMNS} FROM contest_rounds WHERE context = $1"
        ))
        .bind(context)
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(round)
        .transpose()
    }

    pub async fn round(&self, id: i64) -> Result<Option<RoundRow>> {
        sqlx::query(&format!(
            "SELECT {ROUND_COLUMNS} FROM contest_rounds WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(round)
        .transpose()
    }

    /// The frozen questions of a round for one level: (topic, question).
    pub async fn round_questions(
        &self,
        round: i64,
        level: Level,
    ) -> Result<Vec<(String, Question)>> {
        let rows = sqlx::query(
            "SELECT topic, body FROM round_questions WHERE round_id = $1 AND level = $2",
        )
        .bind(round)
        .bind(level.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let body: String = r.try_get(1)?;
                Ok((r.try_get(0)?, serde_json::from_str(&body).map_err(decode)?))
            })
            .collect()
    }

    /// Every frozen question of a round: (level, topic, question).
    pub async fn round_questions_all(&self, round: i64) -> Result<Vec<(Level, String, Question)>> {
        let rows =
            sqlx::query("SELECT level, topic, body FROM round_questions WHERE round_id = $1")
                .bind(round)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                let level: String = r.try_get(0)?;
                let body: String = r.try_get(2)?;
                Ok((
                    Level::parse(&level).ok_or_else(|| decode(std::fmt::Error))?,
                    r.try_get(1)?,
                    serde_json::from_str(&body).map_err(decode)?,
                ))
            })
            .collect()
    }

    /// Marks a round closed with its participant count (once: `false` if it was closed).
    pub async fn close_round(&self, id: i64, participants: i64, at: i64) -> Result<bool> {
        let _turn = self.write_turn().await;
        let done = sqlx::query(
            "UPDATE contest_rounds SET closed_at = $1, participants = $2 WHERE id = $3 AND closed_at IS NULL",
        )
        .bind(at)
        .bind(participants)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Closed rounds whose standings have not all been recorded since the close.
    pub async fn rounds_awaiting_standings(&self) -> Result<Vec<RoundRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {ROUND_COLUMNS} FROM contest_rounds \
             WHERE closed_at IS NOT NULL AND standings_at IS NULL ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(round).collect()
    }

    /// Notes that every standing of a closed round has been recorded.
    pub async fn standings_recorded(&self, id: i64, at: i64) -> Result<()> {
        let _turn = self.write_turn().await;
        sqlx::query("UPDATE contest_rounds SET standings_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
