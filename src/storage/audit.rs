//! The append-only audit log of the contest. Each row's hash covers the previous row's hash,
//! its sequence number, time, kind and body, so altering, inserting or removing any row breaks
//! the chain from there on (`hoithi audit verify`).

use blake2::{Blake2s256, Digest};
use sqlx::{Any, Row, Transaction};

use super::{Result, Store};

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of a row, from the hash of the row before it.
pub fn chain_hash(prev_hash: &str, seq: i64, at: i64, kind: &str, body: &str) -> String {
    let mut h = Blake2s256::new();
    for part in [prev_hash, &seq.to_string(), &at.to_string(), kind, body] {
        // Length-prefixed, so no two different rows hash the same text.
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// One row of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub kind: String,
    pub body: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Appends a row inside `tx`. Callers serialize appends (one writer of the log at a time, see
/// `contest::Contest`); the primary key on `seq` refuses a second row with the same number if
/// two ever race, and the transaction then fails whole.
pub async fn append(tx: &mut Transaction<'_, Any>, at: i64, kind: &str, body: &str) -> Result<()> {
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?;
    let (seq, prev) = match last {
        Some(r) => (r.try_get::<i64, _>(0)? + 1, r.try_get::<String, _>(1)?),
        None => (1, GENESIS.to_owned()),
    };
    let hash = chain_hash(&prev, seq, at, kind, body);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, kind, body, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(seq)
    .bind(at)
    .bind(kind)
    .bind(body)
    .bind(prev)
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Appends one row in a transaction of its own.
    pub async fn append_audit(&self, at: i64, kind: &str, body: &str) -> Result<()> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        append(&mut tx, at, kind, body).await?;
        tx.commit().await
    }

    /// Rows `after` the given sequence number, at most `limit`, in order.
    pub async fn audit_rows(&self, after: i64, limit: i64) -> Result<Vec<AuditRow>> {
        let rows = sqlx::query(
            "SELECT seq, at, kind, body, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRow {
                    seq: r.try_get(0)?,
                    at: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    body: r.try_get(3)?,
                    prev_hash: r.try_get(4)?,
                    hash: r.try_get(5)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_a_row_is_in_its_hash() {
        let base = chain_hash(GENESIS, 1, 5, "start", "{}");
        assert_eq!(base.len(), 64);
        assert_ne!(base, chain_hash(GENESIS, 2, 5, "start", "{}"));
        assert_ne!(base, chain_hash(GENESIS, 1, 6, "start", "{}"));
        assert_ne!(base, chain_hash(GENESIS, 1, 5, "submit", "{}"));
        assert_ne!(base, chain_hash(GENESIS, 1, 5, "start", "{ }"));
        assert_ne!(base, chain_hash(&base, 1, 5, "start", "{}"));
        // Moving text between fields changes the hash too.
        assert_ne!(
            chain_hash(GENESIS, 1, 5, "ab", "c"),
            chain_hash(GENESIS, 1, 5, "a", "bc")
        );
    }
}
