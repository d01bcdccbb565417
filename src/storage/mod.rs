//! The source of truth: sqlx over SQLite (the embedded default, one file) or PostgreSQL
//! (`DATABASE_URL=postgres://…`, for production and several nodes). Both run the same SQL —
//! `$n` placeholders in order, 64-bit integers, Unix-millisecond times — through sqlx's `Any`
//! driver, so one set of queries serves both and one test suite covers both.

mod accounts;
pub mod activity;
pub mod attempts;
pub mod audit;
mod bank_status;
mod banks;
pub mod bell;
pub mod certificates;
pub mod contest;
pub mod demo_activity;
mod events;
mod games;
mod ids;
mod login_cards;
mod migrations;
mod own_questions;
pub mod published;
mod question_images;
mod quizzes;
pub mod reports;
mod retention;
pub mod takeover;
mod unit_views;
mod units;
pub mod writer;

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::AnyPool;

pub use accounts::{Account, Role};
pub use bank_status::{BankStatus, Saved};
pub use banks::{BankOwner, BankSummary};
pub use events::{EventPlayer, EventPlayerLabel, LiveEvent};
pub use games::{GameRow, GameStatus, NewGame};
pub use login_cards::{Card, Participant};
pub use quizzes::{QuizAccess, QuizSummary};
pub use unit_views::{SchoolParticipation, SchoolUnit};
pub use units::{
    ClassResult, ClassSize, Commune, PlacedResult, ResultRow, SchoolEnrolment, StudentLabel,
};

pub type Result<T> = std::result::Result<T, sqlx::Error>;

/// A stored value that does not read back (JSON of a row, a code no longer known), as sqlx's
/// decoding error.
pub(crate) fn decode<E: std::error::Error + Send + Sync + 'static>(e: E) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

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
    /// Turns at SQLite's one write lock for the answer writer and bulk imports (see
    /// [`Store::write_turn`]). A tokio mutex: it is held across the awaits of a transaction,
    /// and it queues its waiters in order, which is what makes the turns fair.
    write_turn: Arc<tokio::sync::Mutex<()>>,
    /// This handle's number in the process, shared by its clones: caches of data that never
    /// changes (a published version's awards) key on it, so two databases open in one process
    /// (the tests) never mix.
    instance: u64,
}

impl Store {
    /// See the field: which open database this is, in this process.
    pub fn instance(&self) -> u64 {
        self.instance
    }

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
        let store = Store {
            pool,
            backend,
            write_turn: Arc::new(tokio::sync::Mutex::new(())),
            instance: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        };
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

    /// A turn to write, on SQLite, held for one short transaction: the answer writer takes one
    /// per batch and a bulk import one per chunk. SQLite lets one connection write at a time
    /// and makes the others poll (`busy_timeout`); an import that begins its next chunk the
    /// moment the last one commits can win the lock again and again while the writer polls,
    /// and the writer gives up after 5 s (`database is locked`), losing answers and letting
    /// the reveal go out first. Waiters here are served in order, so the writer waits at most
    /// one chunk. PostgreSQL locks rows, and imports touch none the writer does: no turn.
    pub async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.write_turn.lock().await),
            Backend::Postgres => None,
        }
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

    /// A writer that finds the lock taken waits for it (up to 5 s) on whichever connection of
    /// the pool it gets, instead of failing at once with `database is locked`.
    #[tokio::test]
    async fn every_sqlite_connection_waits_for_the_write_lock() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&Store::sqlite_url(&dir.path().join("t.db")))
            .await
            .unwrap();
        let mut held = Vec::new();
        for _ in 0..4 {
            let mut conn = store.pool().acquire().await.unwrap();
            let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(timeout, 5000);
            held.push(conn);
        }
        assert!(
            store.write_turn().await.is_some(),
            "SQLite writers take turns"
        );
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
