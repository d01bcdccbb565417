//! Quizzes: a teacher's chosen list of questions, copied at creation so later bank edits do not
//! change a quiz or the report of a game played from it. A quiz that has been played is never
//! changed in place either: an edit makes a new quiz and hides the played one
//! ([`Store::edit_quiz`]), so a report always shows the questions that were asked.

use serde::Serialize;
use sqlx::Row;

use super::{decode, unix_ms, Result, Store};
use crate::domain::AccountId;
use crate::domain::Question;

#[derive(Debug, Clone, Serialize)]
pub struct QuizSummary {
    pub id: i64,
    pub title: String,
    pub questions: i64,
    pub created_at: i64,
    /// Shared with the colleagues of the owner's school.
    pub shared: bool,
    pub owner_name: String,
    /// Whether the reader may change it (set by the handler, from the access rule).
    pub editable: bool,
    #[serde(skip)]
    pub access: QuizAccess,
}

/// What the access rule needs to know of a quiz: whose it is, the owner's school, whether it
/// is shared; and its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizAccess {
    pub owner: AccountId,
    pub school: Option<String>,
    pub shared: bool,
    pub title: String,
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

    /// Quizzes of `owner`, newest first; every quiz when `owner` is `None`. Deleted quizzes
    /// are left out.
    pub async fn list_quizzes(&self, owner: Option<AccountId>) -> Result<Vec<QuizSummary>> {
        self.quizzes_near(owner, None).await
    }

    /// Quizzes of `owner` and of the accounts of `school`, newest first (every quiz when
    /// `owner` is `None`): those a reader might see. The caller keeps those the access rule
    /// lets the reader see.
    pub async fn quizzes_near(
        &self,
        owner: Option<AccountId>,
        school: Option<&str>,
    ) -> Result<Vec<QuizSummary>> {
        let rows = sqlx::query(
            "SELECT z.id, z.title, z.created_at, z.shared, z.owner_id, a.display_name, a.unit_code, \
             (SELECT COUNT(*) FROM quiz_questions q WHERE q.quiz_id = z.id) AS n \
             FROM quizzes z JOIN accounts a ON a.id = z.owner_id \
             WHERE z.deleted_at IS NULL AND ($1 IS NULL OR z.owner_id = $1 OR a.unit_code = $2) \
             ORDER BY z.created_at DESC, z.id DESC",
        )
        .bind(owner)
        .bind(school)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let title: String = r.try_get("title")?;
                Ok(QuizSummary {
                    id: r.try_get("id")?,
                    title: title.clone(),
                    questions: r.try_get("n")?,
                    created_at: r.try_get("created_at")?,
                    shared: r.try_get::<i64, _>("shared")? != 0,
                    owner_name: r.try_get("display_name")?,
                    editable: false,
                    access: QuizAccess {
                        owner: r.try_get("owner_id")?,
                        school: r.try_get("unit_code")?,
                        shared: r.try_get::<i64, _>("shared")? != 0,
                        title,
                    },
                })
            })
            .collect()
    }

    /// Whose quiz `id` is, for the access rule; `None` when there is none or it was deleted.
    pub async fn quiz_access(&self, id: i64) -> Result<Option<QuizAccess>> {
        let row = sqlx::query(
            "SELECT z.owner_id, a.unit_code, z.shared, z.title FROM quizzes z \
             JOIN accounts a ON a.id = z.owner_id WHERE z.id = $1 AND z.deleted_at IS NULL",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(QuizAccess {
                owner: r.try_get(0)?,
                school: r.try_get(1)?,
                shared: r.try_get::<i64, _>(2)? != 0,
                title: r.try_get(3)?,
            })
        })
        .transpose()
    }

    /// Shares quiz `id` with the owner's school, or stops sharing it.
    pub async fn set_quiz_shared(&self, id: i64, shared: bool) -> Result<()> {
        sqlx::query("UPDATE quizzes SET shared = $2 WHERE id = $1")
            .bind(id)
            .bind(i64::from(shared))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Gives quiz `id` a new title, sharing and list of questions, and returns the id the quiz
    /// now has. One never played is changed in place; one played is kept as it was (its games'
    /// reports read its questions), hidden, and the edit becomes a new quiz of the same owner.
    pub async fn edit_quiz(
        &self,
        id: i64,
        title: &str,
        shared: bool,
        questions: &[Question],
    ) -> Result<i64> {
        let mut tx = self.pool().begin().await?;
        let played = sqlx::query("SELECT 1 FROM games WHERE quiz_id = $1 LIMIT 1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        let now = unix_ms();
        let id = if played {
            sqlx::query("UPDATE quizzes SET deleted_at = $2 WHERE id = $1")
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO quizzes (owner_id, title, created_at, shared) \
                 SELECT owner_id, $2, $3, $4 FROM quizzes WHERE id = $1 RETURNING id",
            )
            .bind(id)
            .bind(title)
            .bind(now)
            .bind(i64::from(shared))
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?
        } else {
            sqlx::query("UPDATE quizzes SET title = $2, shared = $3 WHERE id = $1")
                .bind(id)
                .bind(title)
                .bind(i64::from(shared))
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM quiz_questions WHERE quiz_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        };
        for (i, q) in questions.iter().enumerate() {
            sqlx::query("INSERT INTO quiz_questions (quiz_id, position, body) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(i as i64)
                .bind(serde_json::to_string(q).map_err(decode)?)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Hides quiz `id` from every list; the games played from it keep their reports.
    pub async fn delete_quiz(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE quizzes SET deleted_at = $2 WHERE id = $1")
            .bind(id)
            .bind(unix_ms())
            .execute(self.pool())
            .await?;
        Ok(())
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
