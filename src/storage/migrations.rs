//! Schema migrations, embedded in the binary so it runs from any directory. Each backend has
//! its own folder under `migrations/`; versions must match between them. A database gets
//! every version it has not had yet, whatever its highest one.

use sqlx::Row;

use super::{Backend, Store};

const SQLITE: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_init.sql")),
    (2, include_str!("../../migrations/sqlite/0002_units.sql")),
    (
        3,
        include_str!("../../migrations/sqlite/0003_published.sql"),
    ),
    (
        4,
        include_str!("../../migrations/sqlite/0004_account_units.sql"),
    ),
    (5, include_str!("../../migrations/sqlite/0005_misses.sql")),
    (6, include_str!("../../migrations/sqlite/0006_contest.sql")),
    (
        7,
        include_str!("../../migrations/sqlite/0007_staff_participants.sql"),
    ),
    (
        8,
        include_str!("../../migrations/sqlite/0008_open_attempts.sql"),
    ),
    (
        9,
        include_str!("../../migrations/sqlite/0009_private_banks.sql"),
    ),
    (
        10,
        include_str!("../../migrations/sqlite/0010_progress.sql"),
    ),
    (
        11,
        include_str!("../../migrations/sqlite/0011_quiz_editor.sql"),
    ),
    (12, include_str!("../../migrations/sqlite/0012_bell.sql")),
    (
        13,
        include_str!("../../migrations/sqlite/0013_certificates.sql"),
    ),
    (
        14,
        include_str!("../../migrations/sqlite/0014_round_standings.sql"),
    ),
    (
        15,
        include_str!("../../migrations/sqlite/0015_bell_report.sql"),
    ),
    (
        16,
        include_str!("../../migrations/sqlite/0016_event_games.sql"),
    ),
    (
        17,
        include_str!("../../migrations/sqlite/0017_game_teams.sql"),
    ),
];
const POSTGRES: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/postgres/0001_init.sql")),
    (2, include_str!("../../migrations/postgres/0002_units.sql")),
    (
        3,
        include_str!("../../migrations/postgres/0003_published.sql"),
    ),
    (
        4,
        include_str!("../../migrations/postgres/0004_account_units.sql"),
    ),
    (5, include_str!("../../migrations/postgres/0005_misses.sql")),
    (
        6,
        include_str!("../../migrations/postgres/0006_contest.sql"),
    ),
    (
        7,
        include_str!("../../migrations/postgres/0007_staff_participants.sql"),
    ),
    (
        8,
        include_str!("../../migrations/postgres/0008_open_attempts.sql"),
    ),
    (
        9,
        include_str!("../../migrations/postgres/0009_private_banks.sql"),
    ),
    (
        10,
        include_str!("../../migrations/postgres/0010_progress.sql"),
    ),
    (
        11,
        include_str!("../../migrations/postgres/0011_quiz_editor.sql"),
    ),
    (12, include_str!("../../migrations/postgres/0012_bell.sql")),
    (
        13,
        include_str!("../../migrations/postgres/0013_certificates.sql"),
    ),
    (
        14,
        include_str!("../../migrations/postgres/0014_round_standings.sql"),
    ),
    (
        15,
        include_str!("../../migrations/postgres/0015_bell_report.sql"),
    ),
    (
        16,
        include_str!("../../migrations/postgres/0016_event_games.sql"),
    ),
    (
        17,
        include_str!("../../migrations/postgres/0017_game_teams.sql"),
    ),
];

pub(super) async fn run(store: &Store) -> sqlx::Result<()> {
    let pool = store.pool();
    sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")
        .execute(pool)
        .await?;
    let done: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.get::<i64, _>(0))
        .collect();
    let list = match store.backend() {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    for &(version, sql) in list {
        if done.contains(&version) {
            continue;
        }
        let mut tx = pool.begin().await?;
        let code: String = sql
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        for statement in code.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
            .bind(version)
            .bind(super::unix_ms())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migrations_in_order() {
        let versions = |list: &[(i64, &str)]| list.iter().map(|(v, _)| *v).collect::<Vec<_>>();
        assert_eq!(versions(SQLITE), versions(POSTGRES));
        // Versions are applied by set, not by the highest one: branches that each took a
        // number may land in any order, and a gap between them is harmless.
        assert!(versions(SQLITE).windows(2).all(|w| w[1] > w[0]));
    }
}
