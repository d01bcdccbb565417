//! Accounts and sign-in sessions. Passwords are argon2 hashes; session tokens are stored as
//! hashes too, so a copy of the database does not let anyone sign in.

use serde::Serialize;
use sqlx::Row;

use super::{unix_ms, Result, Store};

/// What an account may do. Later issues add commune officers and school admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Province organizer (Sở GDĐT): everything.
    Organizer,
    /// Teacher: own quizzes and games.
    Teacher,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Organizer => "organizer",
            Role::Teacher => "teacher",
        }
    }

    fn parse(s: &str) -> Role {
        match s {
            "organizer" => Role::Organizer,
            _ => Role::Teacher,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(skip)]
    pub password_hash: String,
}

fn account(row: &sqlx::any::AnyRow) -> Result<Account> {
    Ok(Account {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&row.try_get::<String, _>("role")?),
        password_hash: row.try_get("password_hash")?,
    })
}

const ACCOUNT_COLUMNS: &str = "id, username, display_name, role, password_hash";

impl Store {
    pub async fn count_accounts(&self) -> Result<i64> {
        sqlx::query("SELECT COUNT(*) FROM accounts")
            .fetch_one(self.pool())
            .await?
            .try_get(0)
    }

    /// Creates an account; `password_hash` is already an argon2 PHC string.
    pub async fn create_account(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        password_hash: &str,
    ) -> Result<i64> {
        sqlx::query(
            "INSERT INTO accounts (username, display_name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(username)
        .bind(display_name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(unix_ms())
        .fetch_one(self.pool())
        .await?
        .try_get(0)
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
        account_id: i64,
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

    pub async fn list_accounts(&self) -> Result<Vec<Account>> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id");
        sqlx::query(&sql)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(account)
            .collect()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
