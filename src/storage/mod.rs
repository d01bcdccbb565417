//! The source of truth: sqlx over SQLite (the embedded default, one file) or PostgreSQL
//! (`DATABASE_URL=postgres://…`, for production and several nodes). Both run the same SQL —
//! `$n` placeholders in order, 64-bit integers, Unix-millisecond times — through sqlx's `Any`
//! driver, so one set of queries serves both and one test suite covers both.

mod accounts;
mod bank_status;
mod banks;
mod games;
mod migrations;
pub mod published;
mod quizzes;
pub mod reports;
mod retention;
mod unit_views;
mod units;
pub mod writer;

use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::AnyPool;

pub use accounts::{Account, Role};
pub use bank_status::{BankStatus, Saved};
pub use banks::BankSummary;
pub use games::{GameRow, GameStatus, NewGame};
pub use quizzes::QuizSummary;
pub use unit_views::{SchoolParticipation, SchoolUnit};
pub use units::{now_ms, Commune, PlacedResult, ResultRow};

pub type Result<T> = std::result::Result<T, sqlx::Error>;

/// What an insert that must be unique did: a new row, or the value is taken (a unique
/// constraint refused it — the one safe check against two requests at the same moment,
/// which a look-up before the insert is not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted<T> {
    New(T),
    Taken,
}

/// `result`, with a unique violation (on any backend) as [`Inserted::Taken`]. The one place
/// that tells a taken value from a failure.
pub(crate) fn unique<T>(result: Result<T>) -> Result<Inserted<T>> {
    match result {
        Ok(value) => Ok(Inserted::New(value)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(Inserted::Taken),
        Err(e) => Err(e),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle on the database: cheap to clone, shared by every task.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens (creating if needed) the database at `url` and brings its schema up to date.
    pub async fn open(url: &str) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            anyhow::bail!("unsupported database URL {url:?}: use sqlite://FILE or postgres://…");
        };
        let options =
            AnyConnectOptions::from_str(url).context("Failed to parse the database URL")?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    // SQLite has one writer; readers go in parallel under WAL.
                    .max_connections(4)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            // WAL + synchronous=FULL: a commit is on disk when it returns, so an
                            // acknowledged answer survives a power cut.
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = FULL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 5000").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    // A statement stuck behind a network partition must fail, not hold the
                    // writer (and with it every room) for as long as TCP keepalive takes.
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            conn.execute("SET statement_timeout = 15000").await?;
                            // A commit returns once it is on disk, whatever the server's,
                            // database's or role's default: a receipt promises the answer is
                            // kept. Only `off` skips the flush; stronger settings (e.g.
                            // remote_apply on a replicated server) are left as they are.
                            conn.execute(
                                "SELECT set_config('synchronous_commit', 'on', false) \
                                 WHERE current_setting('synchronous_commit') = 'off'",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await
            }
        }
        .with_context(|| format!("Failed to connect to the database at {}", redact(url)))?;
        let store = Store { pool, backend };
        if backend == Backend::Postgres {
            let fsync: String = sqlx::query_scalar("SELECT current_setting('fsync')")
                .fetch_one(&store.pool)
                .await
                .context("Failed to read PostgreSQL's fsync setting")?;
            if let Some(problem) = postgres_durability_problem(&fsync) {
                anyhow::bail!(problem);
            }
        }
        migrations::run(&store)
            .await
            .context("Failed to migrate the database schema")?;
        Ok(store)
    }

    /// The SQLite URL for a file, created if missing.
    pub fn sqlite_url(path: &std::path::Path) -> String {
        format!("sqlite://{}?mode=rwc", path.display())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Wall-clock time in Unix milliseconds, for the database only: it says when things happened.
/// Game rules never use it (they run on the room's monotonic clock).
pub fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Why a PostgreSQL server cannot keep acknowledged answers, if it cannot. With `fsync=off`
/// a commit may never reach the disk and a crash of the machine loses what was acknowledged.
fn postgres_durability_problem(fsync: &str) -> Option<String> {
    (fsync != "on").then(|| {
        format!(
            "PostgreSQL chạy với fsync={fsync}: câu trả lời đã xác nhận có thể mất khi máy sập. \
             Hãy đặt fsync=on. (PostgreSQL runs with fsync={fsync}: an acknowledged answer \
             could be lost in a crash; set fsync=on.)"
        )
    })
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgres_without_fsync_is_refused_and_says_why() {
        assert_eq!(postgres_durability_problem("on"), None);
        let problem = postgres_durability_problem("off").expect("refused");
        assert!(problem.contains("fsync=off"), "{problem}");
        assert!(problem.contains("fsync=on"), "{problem}");
    }

    #[test]
    fn a_url_loses_its_password_in_messages() {
        assert_eq!(
            redact("postgres://hoithi:secret@db:5432/hoithi"),
            "postgres://…@db:5432/hoithi"
        );
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }
}
