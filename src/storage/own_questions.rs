//! The questions a teacher types into the quiz editor, kept in the teacher's own class bank
//! (`domain::authoring::own_bank_id`): a private bank like an imported one, so colleagues of
//! the school see them and quizzes are built from them the same way.

use sqlx::Row;

use super::{decode, unix_ms, Result, Store};
use crate::domain::bank::{Level, Topic};
use crate::domain::sheet::date_from_days;
use crate::domain::{AccountId, Question};

impl Store {
    /// Makes `owner`'s own class bank `bank` if it is not there yet. It names no topic or
    /// level a teacher chose, so it takes the broadest ones: digital transformation, every
    /// level; and the day it was made as the day it was checked (its writer checks as they
    /// write).
    pub async fn ensure_own_bank(&self, bank: &str, owner: AccountId, title: &str) -> Result<()> {
        let levels: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
        let today = date_from_days(unix_ms().div_euclid(86_400_000));
        sqlx::query(
            "INSERT INTO banks (id, title, topic, levels, language, checked, status, origin, updated_at, owner_id) \
             VALUES ($1, $2, $3, $4, 'vi', $5, 'draft', 'authored', $6, $7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(bank)
        .bind(title)
        .bind(Topic::ChuyenDoiSo.as_str())
        .bind(levels.join(","))
        .bind(today)
        .bind(unix_ms())
        .bind(owner)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Adds `question` at the end of its bank (`question.bank`).
    pub async fn add_question(&self, question: &Question) -> Result<()> {
        sqlx::query(
            "INSERT INTO questions (bank_id, id, position, body) VALUES ($1, $2, \
             (SELECT COALESCE(MAX(position), -1) + 1 FROM questions WHERE bank_id = $1), $3)",
        )
        .bind(&question.bank)
        .bind(&question.id)
        .bind(serde_json::to_string(question).map_err(decode)?)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Replaces the question of the same bank and id; `false` when there is none.
    pub async fn replace_question(&self, question: &Question) -> Result<bool> {
        let done = sqlx::query("UPDATE questions SET body = $3 WHERE bank_id = $1 AND id = $2")
            .bind(&question.bank)
            .bind(&question.id)
            .bind(serde_json::to_string(question).map_err(decode)?)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Removes question `id` from `bank`; `false` when there was none. Quizzes keep their own
    /// copies, so no quiz or report loses it.
    pub async fn delete_question(&self, bank: &str, id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM questions WHERE bank_id = $1 AND id = $2")
            .bind(bank)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// How many questions `bank` holds.
    pub async fn count_questions(&self, bank: &str) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) FROM questions WHERE bank_id = $1")
            .bind(bank)
            .fetch_one(self.pool())
            .await?;
        row.try_get(0)
    }
}
