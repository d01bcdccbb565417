//! Accounts and sign-in sessions. Passwords are argon2 hashes; session tokens are stored as
//! hashes too, so a copy of the database does not let anyone sign in.

use serde::Serialize;
use sqlx::Row;

use super::{unique, unix_ms, Inserted, Result, Store};

use crate::domain::access::Actor;
pub use crate::domain::access::Role;
use crate::domain::AccountId;

#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The commune or school the account is bound to (see [`Role::unit`]).
    pub unit: Option<String>,
    #[serde(skip)]
    pub password_hash: String,
}

impl Account {
    /// The account as the access rule sees it.
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            id: self.id,
            role: self.role,
            unit: self.unit.as_deref(),
        }
    }
}

fn account(row: &sqlx::any::AnyRow) -> Result<Account> {
    let role: String = row.try_get("role")?;
    Ok(Account {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        // A role this build does not know is an error, never a guess at some rights.
        role: Role::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown account role {role:?}").into()))?,
        unit: row.try_get("unit_code")?,
        password_hash: row.try_get("password_hash")?,
    })
}

const ACCOUNT_COLUMNS: &str = "id, username, display_name, role, unit_code, password_hash";

impl Store {
    /// Accounts someone can sign in to: the demo province's own (`hoithi demo seed`), whose
    /// hash matches no password, do not count, so a server started on demo data still
    /// creates its first organizer.
    pub async fn count_accounts(&self) -> Result<i64> {
        sqlx::query("SELECT COUNT(*) FROM accounts WHERE password_hash <> $1")
            .bind(super::demo_activity::NO_PASSWORD)
            .fetch_one(self.pool())
            .await?
            .try_get(0)
    }

    /// Creates an account bound to `unit` (a commune or school code, checked by the caller);
    /// `password_hash` is already an argon2 PHC string.
    pub async fn create_account(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        unit: Option<&str>,
        password_hash: &str,
    ) -> Result<Inserted<i64>> {
        let inserted = sqlx::query(
            "INSERT INTO accounts (username, display_name, role, unit_code, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(username)
        .bind(display_name)
        .bind(role.as_str())
        .bind(unit)
        .bind(password_hash)
        .bind(unix_ms())
        .fetch_one(self.pool())
        .await;
        match unique(inserted)? {
            Inserted::New(row) => Ok(Inserted::New(row.try_get(0)?)),
            Inserted::Taken => Ok(Inserted::Taken),
        }
    }

    /// Sets the account's password and ends every session of it (whoever had the old password
    /// is signed out). `false` when there is no such account.
    pub async fn reset_password(&self, username: &str, password_hash: &str) -> Result<bool> {
        let mut tx = self.pool().begin().await?;
        let changed = sqlx::query("UPDATE accounts SET password_hash = $1 WHERE username = $2")
            .bind(password_hash)
            .bind(username)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(
            "DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE username = $1)",
        )
        .bind(username)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(changed == 1)
    }

    pub async fn account_by_username(&self, username: &str) -> Result<Option<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username = $1");
        sqlx::query(&sql)
            .bind(username)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(account)
            .transpose()
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        account_id: AccountId,
        ttl_ms: i64,
    ) -> Result<()> {
        let now = unix_ms();
        sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(account_id)
            .bind(now)
            .bind(now + ttl_ms)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The account of a live session.
    pub async fn session_account(&self, token_hash: &str) -> Result<Option<Account>> {
        let sql = format!(
            "SELECT {} FROM sessions s JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
            ACCOUNT_COLUMNS
                .split(", ")
                .map(|c| format!("a.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        sqlx::query(&sql)
            .bind(token_hash)
            .bind(unix_ms())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(account)
            .transpose()
    }

    /// Every account, or those bound to `unit`.
    /// Every account (`None`), or the accounts of school `school`: its admins and teachers.
    /// A commune officer's unit is a commune code, and codes of communes and schools live in
    /// one column, so the role decides too: a school whose code happens to equal a commune's
    /// must not list that commune's officer.
    pub async fn list_accounts(&self, school: Option<&str>) -> Result<Vec<Account>> {
        let rows = match school {
            None => {
                let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id");
                sqlx::query(&sql).fetch_all(self.pool()).await?
            }
            Some(school) => {
                let sql = format!(
                    "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE unit_code = $1 \
                     AND role IN ($2, $3) ORDER BY id"
                );
                sqlx::query(&sql)
                    .bind(school)
                    .bind(Role::SchoolAdmin.as_str())
                    .bind(Role::Teacher.as_str())
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter().map(account).collect()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
