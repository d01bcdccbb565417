//! The review of banks: a bank imported through the server (or `hoithi bank import
//! --database-url`) is a `draft` until an organizer approves it. Bundled banks are reviewed in
//! the repository and load as `approved`. Banks are also read back whole here, for checking an
//! import against them and for export.

use sqlx::Row;

use super::{unix_ms, Result, Store};
use crate::domain::bank::{Bank, Level, Topic};
use crate::domain::AccountId;

/// Where a bank stands in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BankStatus {
    /// Imported, not yet reviewed: teachers may try it in class games.
    Draft,
    /// Reviewed by an organizer.
    Approved,
}

impl BankStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BankStatus::Draft => "draft",
            BankStatus::Approved => "approved",
        }
    }

    pub fn parse(s: &str) -> Option<BankStatus> {
        match s {
            "draft" => Some(BankStatus::Draft),
            "approved" => Some(BankStatus::Approved),
            _ => None,
        }
    }

    /// Only reviewed questions may decide an official contest: a wrong answer key there
    /// costs a student a prize. The contest (a later issue) must check this for every bank it
    /// draws from, through [`Store::bank_status`], when the contest is created.
    pub fn usable_in_official_contest(self) -> bool {
        self == BankStatus::Approved
    }
}

/// What became of a bank sent for import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Stored as a draft (new, or replacing an earlier import with the same id).
    Draft,
    /// Refused: a bundled bank has that id, and the repository is its source of truth.
    BundledExists,
    /// Refused: the id is another's (a teacher's private bank, or the province's bank when a
    /// teacher imports), which an import must not replace.
    Taken,
}

fn decode_err(what: String) -> sqlx::Error {
    sqlx::Error::Decode(what.into())
}

impl Store {
    /// Stores an imported bank as a draft: the province's (`owner` `None`) or a teacher's
    /// private one. Replacing an earlier import puts it back to draft (its questions changed,
    /// so its review no longer holds); only the same owner's import replaces it.
    pub async fn save_imported_bank(&self, bank: &Bank, owner: Option<AccountId>) -> Result<Saved> {
        let found = sqlx::query("SELECT origin, owner_id FROM banks WHERE id = $1")
            .bind(&bank.id)
            .fetch_optional(self.pool())
            .await?
            .map(|r| {
                let origin: String = r.try_get(0)?;
                let owner: Option<AccountId> = r.try_get(1)?;
                Ok::<_, sqlx::Error>((origin, owner))
            })
            .transpose()?;
        match found {
            Some((origin, _)) if origin == "bundled" => return Ok(Saved::BundledExists),
            Some((_, was)) if was != owner => return Ok(Saved::Taken),
            _ => {}
        }
        self.upsert_bank(bank, "imported", BankStatus::Draft.as_str(), owner)
            .await?;
        Ok(Saved::Draft)
    }

    /// Sets a bank's status; `false` when there is no such bank.
    pub async fn set_bank_status(&self, id: &str, status: BankStatus) -> Result<bool> {
        let done = sqlx::query("UPDATE banks SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(unix_ms())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// A bank's status; `None` when there is no such bank.
    pub async fn bank_status(&self, id: &str) -> Result<Option<BankStatus>> {
        let row = sqlx::query("SELECT status FROM banks WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            let s: String = r.try_get(0)?;
            BankStatus::parse(&s).ok_or_else(|| decode_err(format!("bank status {s:?}")))
        })
        .transpose()
    }

    /// Every stored bank with its questions, in id order.
    pub async fn load_banks(&self) -> Result<Vec<Bank>> {
        let rows = sqlx::query("SELECT id FROM banks ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        let mut banks = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.try_get(0)?;
            banks.extend(self.load_bank(&id).await?);
        }
        Ok(banks)
    }

    /// One stored bank with its questions.
    pub async fn load_bank(&self, id: &str) -> Result<Option<Bank>> {
        let Some(r) = sqlx::query(
            "SELECT id, title, topic, levels, language, checked FROM banks WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let topic: String = r.try_get("topic")?;
        let levels: String = r.try_get("levels")?;
        Ok(Some(Bank {
            id: r.try_get("id")?,
            title: r.try_get("title")?,
            topic: Topic::parse(&topic).ok_or_else(|| decode_err(format!("topic {topic:?}")))?,
            levels: levels
                .split(',')
                .map(|l| Level::parse(l).ok_or_else(|| decode_err(format!("level {l:?}"))))
                .collect::<Result<_>>()?,
            language: r.try_get("language")?,
            checked: r.try_get("checked")?,
            questions: self.bank_questions(id).await?,
        }))
    }
}
