//! Published rankings in the database: versions (who published what, when and why) and the
//! frozen lines of every board of each version. Nothing here is ever updated or deleted; a
//! correction is a new version.
//!
//! A board's lines are stored in chunks of [`CHUNK_LINES`] ranks, each chunk one deflated JSON
//! array of [`StoredLine`]s. A page of a board reads one or two chunks; the whole province
//! (700,000 lines on four individual boards each) fits in a few tens of megabytes per version
//! (measured figures in docs/architecture.md, "Published rankings").

use std::collections::HashSet;
use std::io::{Read as _, Write as _};

use crate::domain::AccountId;
use blake2::{Blake2s256, Digest};
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row};

use super::{unique, Inserted, Result, Store};

/// Ranks per stored chunk: a page of up to 500 lines reads at most two chunks.
pub const CHUNK_LINES: usize = 500;
/// Chunks per multi-row INSERT (a chunk is a few kilobytes to a few tens of kilobytes).
const CHUNKS_PER_STATEMENT: usize = 50;
/// Boards per multi-row INSERT (3 columns each).
const BOARDS_PER_STATEMENT: usize = 300;

/// One frozen line of a published board. The rank is its position. Short field names keep the
/// stored JSON small; absent fields are not written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLine {
    /// Student code or unit code (for organizers; public output of individuals drops it).
    #[serde(rename = "m")]
    pub member: String,
    /// A student's display name, or a unit's name.
    #[serde(rename = "n")]
    pub name: String,
    /// A student's full name, kept only when the school had recorded consent to publish it.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// A student's class.
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// A student's school (its name).
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    /// A collective's enrolment (the participation rate's denominator).
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub enrolment: Option<i64>,
    /// The ranking keys, as on the live board.
    #[serde(rename = "k")]
    pub keys: Vec<i64>,
}

/// A published version, as organizers list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Version {
    #[serde(skip)]
    pub id: i64,
    pub context: String,
    pub version: i64,
    pub title: String,
    /// Why this version was published (a correction must say why; may be empty for the first).
    pub reason: String,
    /// The organizer's display name.
    pub published_by: String,
    /// Unix milliseconds.
    pub published_at: i64,
    pub participants: i64,
}

/// What a new version says about itself; the version number is the next one of its context.
pub struct NewVersion<'a> {
    pub context: &'a str,
    pub title: &'a str,
    pub reason: &'a str,
    pub published_by: AccountId,
    pub published_at: i64,
    pub participants: i64,
}

/// A participant's result with everything a published line shows, read in one statement.
#[derive(Debug, Clone)]
pub struct SnapshotRow {
    pub placed: super::PlacedResult,
    pub display_name: String,
    /// Only when the school recorded consent.
    pub full_name: Option<String>,
    pub school_name: String,
}

/// A digest of a version as stored: every board's name and length, then every chunk's board,
/// number and bytes, each in byte order of the board's name, length-prefixed. The audit log
/// keeps it when a contest round's version is published, so a stored version changed later
/// (a line, a chunk, a board's length) no longer matches.
pub fn version_digest(boards: &[(String, i64)], chunks: &[(&str, i64, &[u8])]) -> String {
    let mut boards: Vec<&(String, i64)> = boards.iter().collect();
    boards.sort();
    let mut chunks: Vec<&(&str, i64, &[u8])> = chunks.iter().collect();
    chunks.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut h = Blake2s256::new();
    let mut part = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    for (name, total) in boards {
        part(name.as_bytes());
        part(&total.to_be_bytes());
    }
    for (name, n, bytes) in chunks {
        part(name.as_bytes());
        part(&n.to_be_bytes());
        part(bytes);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Deflated JSON of a chunk of lines.
pub fn encode_chunk(lines: &[&StoredLine]) -> Vec<u8> {
    let json = serde_json::to_vec(lines).expect("lines serialize");
    let mut encoder = DeflateEncoder::new(Vec::with_capacity(json.len() / 4), Compression::new(6));
    encoder.write_all(&json).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// A board's chunks: its lines in rank order, given as indexes into `lines`, [`CHUNK_LINES`]
/// to a chunk.
pub fn encode_board(lines: &[StoredLine], ranked: &[usize]) -> Vec<Vec<u8>> {
    ranked
        .chunks(CHUNK_LINES)
        .map(|chunk| encode_chunk(&chunk.iter().map(|&at| &lines[at]).collect::<Vec<_>>()))
        .collect()
}

pub fn decode_chunk(bytes: &[u8]) -> std::io::Result<Vec<StoredLine>> {
    let mut json = Vec::with_capacity(bytes.len() * 5);
    DeflateDecoder::new(bytes).read_to_end(&mut json)?;
    Ok(serde_json::from_slice(&json)?)
}

fn corrupt(e: std::io::Error) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

const VERSION_COLUMNS: &str = "v.id, v.context, v.version, v.title, v.reason, a.display_name, \
     v.published_at, v.participants FROM published_versions v JOIN accounts a ON a.id = v.published_by";

fn version_of(r: &sqlx::any::AnyRow) -> Result<Version> {
    Ok(Version {
        id: r.try_get(0)?,
        context: r.try_get(1)?,
        version: r.try_get(2)?,
        title: r.try_get(3)?,
        reason: r.try_get(4)?,
        published_by: r.try_get(5)?,
        published_at: r.try_get(6)?,
        participants: r.try_get(7)?,
    })
}

impl Store {
    /// Everything a snapshot of `context` needs about its participants, in one statement (so
    /// every board of the snapshot sees the same results).
    pub async fn snapshot_rows(&self, context: &str) -> Result<Vec<SnapshotRow>> {
        let rows = sqlx::query(
            "SELECT r.student_code, r.score, r.time_ms, r.distance, r.attempts, r.submitted_at, \
             s.class_name, s.school_code, sc.commune_code, s.display_name, \
             CASE WHEN s.consent_public = 1 THEN s.full_name ELSE NULL END, sc.name \
             FROM results r JOIN students s ON s.code = r.student_code \
             JOIN schools sc ON sc.code = s.school_code WHERE r.context = $1",
        )
        .bind(context)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SnapshotRow {
                    placed: super::units::placed_result(r)?,
                    display_name: r.try_get(9)?,
                    full_name: r.try_get(10)?,
                    school_name: r.try_get(11)?,
                })
            })
            .collect()
    }

    /// Stores a new version of `new.context` with all its boards, in one transaction: readers
    /// see a version whole or not at all. Its number is one more than the last; two organizers
    /// publishing the same context at once: the second's number is taken
    /// ([`Inserted::Taken`]). `boards` are each board's name and length; `chunks` the encoded
    /// chunks ([`encode_board`]), each with the index of its board in `boards` and its number.
    pub async fn insert_published(
        &self,
        new: &NewVersion<'_>,
        boards: &[(String, i64)],
        chunks: &[(usize, i64, Vec<u8>)],
    ) -> Result<Inserted<Version>> {
        let id = match unique(self.insert_version(new, boards, chunks).await)? {
            Inserted::New(id) => id,
            Inserted::Taken => return Ok(Inserted::Taken),
        };
        match self.published_version(new.context, Some(id.1)).await? {
            Some(version) => Ok(Inserted::New(version)),
            None => Err(sqlx::Error::RowNotFound),
        }
    }

    /// The version's rows in one transaction; its id and number.
    async fn insert_version(
        &self,
        new: &NewVersion<'_>,
        boards: &[(String, i64)],
        chunks: &[(usize, i64, Vec<u8>)],
    ) -> Result<(i64, i64)> {
        let mut tx = self.pool().begin().await?;
        // The first statement writes, so SQLite takes its write lock at once (a read first
        // could not be upgraded if another writer committed meanwhile).
        let row = sqlx::query(
            "INSERT INTO published_versions (context, version, title, reason, published_by, published_at, participants) \
             SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6 FROM published_versions WHERE context = $7 \
             RETURNING id, version",
        )
        .bind(new.context)
        .bind(new.title)
        .bind(new.reason)
        .bind(new.published_by)
        .bind(new.published_at)
        .bind(new.participants)
        .bind(new.context)
        .fetch_one(&mut *tx)
        .await?;
        let (id, version): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        for part in boards.chunks(BOARDS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO published_boards (version_id, board, total) VALUES {}",
                super::units::placeholders(part.len(), 3)
            );
            let mut q: Query<'_, Any, AnyArguments<'_>> = sqlx::query(&sql);
            for (board, total) in part {
                q = q.bind(id).bind(board.as_str()).bind(*total);
            }
            q.execute(&mut *tx).await?;
        }
        for part in chunks.chunks(CHUNKS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO published_chunks (version_id, board, chunk, lines) VALUES {}",
                super::units::placeholders(part.len(), 4)
            );
            let mut q: Query<'_, Any, AnyArguments<'_>> = sqlx::query(&sql);
            for (board, chunk, bytes) in part {
                q = q
                    .bind(id)
                    .bind(boards[*board].0.as_str())
                    .bind(*chunk)
                    .bind(bytes.as_slice());
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok((id, version))
    }

    /// Every version of `context`, newest first.
    pub async fn published_versions(&self, context: &str) -> Result<Vec<Version>> {
        let rows = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS} WHERE v.context = $1 ORDER BY v.version DESC"
        ))
        .bind(context)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(version_of).collect()
    }

    /// Version `version` of `context`, or its latest with `None`.
    pub async fn published_version(
        &self,
        context: &str,
        version: Option<i64>,
    ) -> Result<Option<Version>> {
        let row = match version {
            Some(n) => {
                sqlx::query(&format!(
                    "SELECT {VERSION_COLUMNS} WHERE v.context = $1 AND v.version = $2"
                ))
                .bind(context)
                .bind(n)
                .fetch_optional(self.pool())
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {VERSION_COLUMNS} WHERE v.context = $1 ORDER BY v.version DESC LIMIT 1"
                ))
                .bind(context)
                .fetch_optional(self.pool())
                .await?
            }
        };
        row.as_ref().map(version_of).transpose()
    }

    /// The latest version of every context that has one, newest first.
    pub async fn latest_published(&self) -> Result<Vec<Version>> {
        let rows = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS} WHERE v.version = \
             (SELECT MAX(w.version) FROM published_versions w WHERE w.context = v.context) \
             ORDER BY v.published_at DESC"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(version_of).collect()
    }

    /// How many lines `board` has in a version (`None`: the version has no such board).
    pub async fn published_total(&self, version_id: i64, board: &str) -> Result<Option<i64>> {
        let row =
            sqlx::query("SELECT total FROM published_boards WHERE version_id = $1 AND board = $2")
                .bind(version_id)
                .bind(board)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| r.try_get(0)).transpose()
    }

    /// Lines `offset + 1 ..= offset + limit` of a published board, reading only the chunks
    /// that hold them.
    pub async fn published_lines(
        &self,
        version_id: i64,
        board: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<StoredLine>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let size = CHUNK_LINES as u64;
        let (first, last) = (offset / size, (offset + limit - 1) / size);
        let rows = sqlx::query(
            "SELECT lines FROM published_chunks WHERE version_id = $1 AND board = $2 \
             AND chunk >= $3 AND chunk <= $4 ORDER BY chunk",
        )
        .bind(version_id)
        .bind(board)
        .bind(first as i64)
        .bind(last as i64)
        .fetch_all(self.pool())
        .await?;
        let mut lines = Vec::new();
        for r in &rows {
            let bytes: Vec<u8> = r.try_get(0)?;
            lines.extend(decode_chunk(&bytes).map_err(corrupt)?);
        }
        let skip = (offset - first * size) as usize;
        Ok(lines.into_iter().skip(skip).take(limit as usize).collect())
    }

    /// The digest of a version as stored ([`version_digest`]), reading every board and chunk.
    pub async fn published_digest(&self, version_id: i64) -> Result<String> {
        let boards = sqlx::query("SELECT board, total FROM published_boards WHERE version_id = $1")
            .bind(version_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<Vec<(String, i64)>>>()?;
        let rows =
            sqlx::query("SELECT board, chunk, lines FROM published_chunks WHERE version_id = $1")
                .bind(version_id)
                .fetch_all(self.pool())
                .await?;
        let chunks = rows
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<Vec<(String, i64, Vec<u8>)>>>()?;
        let refs: Vec<(&str, i64, &[u8])> = chunks
            .iter()
            .map(|(b, n, bytes)| (b.as_str(), *n, bytes.as_slice()))
            .collect();
        Ok(version_digest(&boards, &refs))
    }

    /// Every line of one board of a version, in rank order.
    pub async fn published_board(&self, version_id: i64, board: &str) -> Result<Vec<StoredLine>> {
        match self.published_total(version_id, board).await? {
            Some(total) => {
                self.published_lines(version_id, board, 0, total.max(0) as u64)
                    .await
            }
            None => Ok(Vec::new()),
        }
    }

    /// Which of `codes` still have the school's consent to show their full name (consent can
    /// be withdrawn after a version was published).
    pub async fn consenting(&self, codes: &[&str]) -> Result<HashSet<String>> {
        let mut out = HashSet::new();
        for chunk in codes.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT code FROM students WHERE consent_public = 1 AND code IN ({})",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for code in chunk {
                q = q.bind(*code);
            }
            for r in q.fetch_all(self.pool()).await? {
                out.insert(r.try_get(0)?);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_round_trip_and_leave_out_absent_fields() {
        let lines = vec![
            StoredLine {
                member: "HS01".into(),
                name: "Nguyễn V. A.".into(),
                full_name: None,
                class: Some("5A".into()),
                school: Some("Trường Tiểu học Kim Đồng".into()),
                enrolment: None,
                keys: vec![9, 300_000, 0, 1, 1_700_000_000_000],
            },
            StoredLine {
                member: "22015".into(),
                name: "Phường Buôn Ma Thuột".into(),
                full_name: None,
                class: None,
                school: None,
                enrolment: Some(120),
                keys: vec![750_000, 8_000, 720, 90],
            },
        ];
        let bytes = encode_chunk(&lines.iter().collect::<Vec<_>>());
        assert_eq!(decode_chunk(&bytes).unwrap(), lines);
        let json = serde_json::to_string(&lines[1]).unwrap();
        assert!(!json.contains("\"f\"") && !json.contains("\"c\""), "{json}");
        assert!(decode_chunk(b"not deflate").is_err());
    }
}
