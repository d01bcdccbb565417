//! Quizzes: a teacher's chosen list of questions, copied at creation so later bank edits do not
//! change a quiz or the report of a game played from it.

use serde::Serialize;
use sqlx::Row;

use super::{unix_ms, Result, Store};
use crate::domain::AccountId;
use crate::domain::Question;

#[derive(Debug, Clone, Serialize)]
pub struct QuizSummary {
    pub id: i64,
    pub title: String,
    pub questions: i64,
    pub created_at: i64,
}

impl Store {
    pub async fn create_quiz(
        &self,
        owner: AccountId,
        title: &str,
        questions: &[Question],
    ) -> Result<i64> {
        let mut tx = self.pool().begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO quizzes (owner_id, title, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(owner)
        .bind(title)
        .bind(unix_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        for (i, q) in questions.iter().enumerate() {
            let body = serde_json::to_string(q).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            sqlx::query("INSERT INTO quiz_questions (quiz_id, position, body) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(i as i64)
                .bind(body)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Quizzes of `owner`, newest first; every quiz when `owner` is `None` (organizers).
    pub async fn list_quizzes(&self, owner: Option<AccountId>) -> Result<Vec<QuizSummary>> {
        let rows = sqlx::query(
            "SELECT z.id, z.title, z.created_at, (SELECT COUNT(*) FROM quiz_questions q WHERE q.quiz_id = z.id) AS n \
             FROM quizzes z WHERE ($1 IS NULL OR z.owner_id = $1) ORDER BY z.created_at DESC, z.id DESC",
        )
        .bind(owner)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(QuizSummary {
                    id: r.try_get("id")?,
                    title: r.try_get("title")?,
                    questions: r.try_get("n")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// The owner and title of a quiz.
    pub async fn quiz(&self, id: i64) -> Result<Option<(AccountId, String)>> {
        let row = sqlx::query("SELECT owner_id, title FROM quizzes WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }

    pub async fn quiz_questions(&self, id: i64) -> Result<Vec<Question>> {
        let rows =
            sqlx::query("SELECT body FROM quiz_questions WHERE quiz_id = $1 ORDER BY position")
                .bind(id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                serde_json::from_str(&r.try_get::<String, _>(0)?)
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))
            })
            .collect()
    }
}
