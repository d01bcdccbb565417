//! Fault: an unsafe configuration. The server must refuse to start, with a message that says
//! what is wrong and what to set, rather than run and lose data later.

use std::time::Duration;

use hoithi::storage::Backend;
use sqlx::Row;

use crate::helpers::start_in;
use crate::process::{hoithi, wait_exit, Redis, Server};

#[tokio::test]
async fn startup_refuses_a_redis_that_may_evict_leaderboard_keys() {
    let redis = Redis::start(&["--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = hoithi(dir.path())
        .env("REDIS_URL", &redis.url)
        .spawn()
        .expect("the binary starts");
    let status = wait_exit(&mut child, Duration::from_secs(60))
        .await
        .expect("the server exits instead of serving");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    assert!(!status.success(), "exit status {status}; stderr: {stderr}");
    for needed in [
        "maxmemory-policy allkeys-lru",
        "noeviction",
        "bảng xếp hạng",
        redis.url.as_str(),
    ] {
        assert!(stderr.contains(needed), "{needed:?} missing from: {stderr}");
    }
    assert!(
        !stdout.contains("hoithi: http://"),
        "it never listened: {stdout}"
    );
}

#[tokio::test]
async fn the_same_redis_with_noeviction_is_accepted() {
    // The control for the test above: only the policy differs, and the server serves.
    let redis = Redis::start(&["--maxmemory", "64mb", "--maxmemory-policy", "noeviction"]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = hoithi(dir.path());
    cmd.env("REDIS_URL", &redis.url);
    let server = Server::start_with(cmd).await;
    assert_eq!(server.get("/api/me").await.status, 200);
}

#[tokio::test]
async fn every_database_connection_commits_durably() {
    // No setting weakens a commit (contest answers must survive a power cut): every connection
    // of the pool runs SQLite in WAL with synchronous=FULL (2), or PostgreSQL with
    // synchronous_commit on and fsync on (the server refuses to start without it). On
    // PostgreSQL the database's own default is set to `off` first: the server must override it.
    let dir = tempfile::tempdir().unwrap();
    if crate::database::on_postgres() {
        use sqlx::Connection;
        let url = crate::database::url_for(dir.path());
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query(
            "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = off', \
             current_database()); END $$",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        let mut fresh = sqlx::PgConnection::connect(&url).await.unwrap();
        let default: String = sqlx::query_scalar("SELECT current_setting('synchronous_commit')")
            .fetch_one(&mut fresh)
            .await
            .unwrap();
        assert_eq!(
            default, "off",
            "the control: the database now commits without a flush"
        );
    }
    let app = start_in(dir).await;
    let pool = app.store().pool();
    let mut conns = Vec::new();
    for _ in 0..4 {
        conns.push(pool.acquire().await.unwrap());
    }
    for conn in conns.iter_mut() {
        match app.store().backend() {
            Backend::Sqlite => {
                let sync: i64 = sqlx::query("PRAGMA synchronous")
                    .fetch_one(&mut **conn)
                    .await
                    .unwrap()
                    .try_get(0)
                    .unwrap();
                assert_eq!(sync, 2, "synchronous=FULL");
                let journal: String = sqlx::query("PRAGMA journal_mode")
                    .fetch_one(&mut **conn)
                    .await
                    .unwrap()
                    .try_get(0)
                    .unwrap();
                assert_eq!(journal.to_lowercase(), "wal");
            }
            Backend::Postgres => {
                for (name, want) in [("synchronous_commit", "on"), ("fsync", "on")] {
                    let value: String = sqlx::query("SELECT current_setting($1)")
                        .bind(name)
                        .fetch_one(&mut **conn)
                        .await
                        .unwrap()
                        .try_get(0)
                        .unwrap();
                    assert_eq!(value, want, "{name}");
                }
            }
        }
    }
    assert_eq!(
        app.store().backend() == Backend::Postgres,
        crate::database::on_postgres(),
        "the server runs on the database this run asked for"
    );
}
