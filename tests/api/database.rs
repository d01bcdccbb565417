//! Which database a test's server keeps its data in.
//!
//! SQLite by default: the file `hoithi.db` in the test's folder, as the server makes on its
//! own. With `HOITHI_TEST_DATABASE=postgres` (scripts/test.sh runs the suite a second time
//! so), every test folder gets a fresh PostgreSQL database of its own on the server at
//! `HOITHI_TEST_POSTGRES_URL`, so the same tests prove both backends. A folder keeps its
//! database across a restart of the server: its URL is written into the folder.
//!
//! The databases are named `HOITHI_TEST_DB_PREFIX` (default `hoithi_t_`), the process id, a
//! counter and a random suffix; scripts/test.sh gives each run a prefix of its own and drops
//! that run's databases when it is done.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

const URL_FILE: &str = "database-url";

/// True when this run's servers keep their data in PostgreSQL.
pub fn on_postgres() -> bool {
    match std::env::var("HOITHI_TEST_DATABASE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("HOITHI_TEST_DATABASE={other:?}: use sqlite or postgres"),
    }
}

/// The database URL for a test's folder: its SQLite file, or its own PostgreSQL database
/// (created on first use).
pub fn url_for(dir: &Path) -> String {
    if !on_postgres() {
        return hoithi::storage::Store::sqlite_url(&dir.join("hoithi.db"));
    }
    let file = dir.join(URL_FILE);
    if let Ok(url) = std::fs::read_to_string(&file) {
        return url;
    }
    let url = create_database();
    std::fs::write(&file, &url).expect("the test folder takes the database URL");
    url
}

/// Creates an empty database and returns its URL. Runs on a thread of its own with its own
/// runtime, so it serves both async tests and the synchronous process helpers.
fn create_database() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin = std::env::var("HOITHI_TEST_POSTGRES_URL").expect(
        "HOITHI_TEST_DATABASE=postgres needs HOITHI_TEST_POSTGRES_URL (a PostgreSQL role that \
         may create databases); scripts/test.sh provides one",
    );
    let prefix = std::env::var("HOITHI_TEST_DB_PREFIX").unwrap_or_else(|_| "hoithi_t_".into());
    assert!(
        prefix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "HOITHI_TEST_DB_PREFIX={prefix:?}: lowercase letters, digits and _ only"
    );
    // The random part: a leftover database of an earlier run with the same process id.
    let name = format!(
        "{prefix}{}_{}_{:08x}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        rand::random::<u32>()
    );
    let url = replace_database(&admin, &name);
    let created = name.clone();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL at {admin}: {e}"));
                sqlx::query(&format!("CREATE DATABASE {created}"))
                    .execute(&mut conn)
                    .await
                    .expect("CREATE DATABASE");
            })
    })
    .join()
    .expect("the database is created");
    url
}

/// `admin` with its database path replaced by `name` (query string kept).
fn replace_database(admin: &str, name: &str) -> String {
    let scheme_end = admin.find("://").map_or(0, |i| i + 3);
    let (head, query) = match admin.find('?') {
        Some(q) => admin.split_at(q),
        None => (admin, ""),
    };
    let host_end = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &head[..host_end])
}

#[test]
fn a_database_name_replaces_the_path_of_the_admin_url() {
    assert_eq!(
        replace_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        replace_database("postgres://u:p@localhost:5/db?sslmode=disable", "x"),
        "postgres://u:p@localhost:5/x?sslmode=disable"
    );
    assert_eq!(
        replace_database("postgres://127.0.0.1:5433", "x"),
        "postgres://127.0.0.1:5433/x"
    );
}
