//! Banks in the database: the bundled files are loaded here at start, and banks imported or
//! edited through the server live here. Each question is stored as its JSON form.

use serde::Serialize;
use sqlx::Row;

use super::{decode, unix_ms, Result, Store};
use crate::domain::bank::Bank;
use crate::domain::{AccountId, Question};

#[derive(Debug, Clone, Serialize)]
pub struct BankSummary {
    pub id: String,
    pub title: String,
    pub topic: String,
    pub levels: Vec<String>,
    pub checked: String,
    pub status: String,
    pub origin: String,
    pub questions: i64,
    /// A teacher's own class bank (see [`BankOwner`]); `false` for the province's banks.
    pub private: bool,
    /// The display name of a private bank's owner, for its colleagues.
    pub owner_name: Option<String>,
    #[serde(skip)]
    pub owner: BankOwner,
}

/// Whose a bank is: the province's (no owner), or a teacher's, with the school the teacher is
/// bound to. Handlers ask `domain::access::may` with it; storage decides nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BankOwner {
    pub owner: Option<AccountId>,
    pub school: Option<String>,
}

impl Store {
    /// Stores `bank` with its questions, replacing an earlier version with the same id.
    /// `origin` is `bundled` (a file of `question-banks/`) or `imported`; `owner` is the
    /// teacher of a private bank, `None` for the province's.
    pub async fn upsert_bank(
        &self,
        bank: &Bank,
        origin: &str,
        status: &str,
        owner: Option<AccountId>,
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        let levels: Vec<&str> = bank.levels.iter().map(|l| l.as_str()).collect();
        sqlx::query(
            "INSERT INTO banks (id, title, topic, levels, language, checked, status, origin, updated_at, owner_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (id) DO UPDATE SET title = excluded.title, topic = excluded.topic, \
             levels = excluded.levels, language = excluded.language, checked = excluded.checked, \
             status = excluded.status, origin = excluded.origin, updated_at = excluded.updated_at, \
             owner_id = excluded.owner_id",
        )
        .bind(&bank.id)
        .bind(&bank.title)
        .bind(bank.topic.as_str())
        .bind(levels.join(","))
        .bind(&bank.language)
        .bind(&bank.checked)
        .bind(status)
        .bind(origin)
        .bind(unix_ms())
        .bind(owner)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM questions WHERE bank_id = $1")
            .bind(&bank.id)
            .execute(&mut *tx)
            .await?;
        for (i, q) in bank.questions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO questions (bank_id, id, position, body) VALUES ($1, $2, $3, $4)",
            )
            .bind(&bank.id)
            .bind(&q.id)
            .bind(i as i64)
            .bind(serde_json::to_string(q).map_err(decode)?)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// Every bank, the private ones included: the caller keeps those the account may see.
    pub async fn list_banks(&self) -> Result<Vec<BankSummary>> {
        let rows = sqlx::query(
            "SELECT b.id, b.title, b.topic, b.levels, b.checked, b.status, b.origin, \
             b.owner_id, a.display_name, a.unit_code, \
             (SELECT COUNT(*) FROM questions q WHERE q.bank_id = b.id) AS n \
             FROM banks b LEFT JOIN accounts a ON a.id = b.owner_id ORDER BY b.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(BankSummary {
                    id: r.try_get("id")?,
                    title: r.try_get("title")?,
                    topic: r.try_get("topic")?,
                    levels: r
                        .try_get::<String, _>("levels")?
                        .split(',')
                        .map(str::to_owned)
                        .collect(),
                    checked: r.try_get("checked")?,
                    status: r.try_get("status")?,
                    origin: r.try_get("origin")?,
                    questions: r.try_get("n")?,
                    private: r.try_get::<Option<AccountId>, _>("owner_id")?.is_some(),
                    owner_name: r.try_get("display_name")?,
                    owner: BankOwner {
                        owner: r.try_get("owner_id")?,
                        school: r.try_get("unit_code")?,
                    },
                })
            })
            .collect()
    }

    /// The ids of the banks of `owner`: a teacher's private banks, or (`None`) the province's.
    pub async fn banks_owned_by(&self, owner: Option<AccountId>) -> Result<Vec<String>> {
        let query = match owner {
            Some(owner) => {
                sqlx::query("SELECT id FROM banks WHERE owner_id = $1 ORDER BY id").bind(owner)
            }
            None => sqlx::query("SELECT id FROM banks WHERE owner_id IS NULL ORDER BY id"),
        };
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(|r| r.try_get(0)).collect()
    }

    /// Whose bank `id` is; `None` when there is no such bank.
    pub async fn bank_owner(&self, id: &str) -> Result<Option<BankOwner>> {
        let row = sqlx::query(
            "SELECT b.owner_id, a.unit_code FROM banks b \
             LEFT JOIN accounts a ON a.id = b.owner_id WHERE b.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(BankOwner {
                owner: r.try_get(0)?,
                school: r.try_get(1)?,
            })
        })
        .transpose()
    }

    /// The questions of a bank in order; empty when the bank does not exist.
    pub async fn bank_questions(&self, bank_id: &str) -> Result<Vec<Question>> {
        let rows = sqlx::query("SELECT body FROM questions WHERE bank_id = $1 ORDER BY position")
            .bind(bank_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| serde_json::from_str(&r.try_get::<String, _>(0)?).map_err(decode))
            .collect()
    }

    /// One question of a bank.
    pub async fn question(&self, bank_id: &str, id: &str) -> Result<Option<Question>> {
        let row = sqlx::query("SELECT body FROM questions WHERE bank_id = $1 AND id = $2")
            .bind(bank_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| serde_json::from_str(&r.try_get::<String, _>(0)?).map_err(decode))
            .transpose()
    }
}
