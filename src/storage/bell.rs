//! Rung chuông vàng contests: the contest as opened (its frozen question set and rules), read
//! back to run or report it. The seats taken, the answers a room accepted and its act log are
//! written by the batching [`super::writer`] (`Write::BellSeat`, `BellAnswer`, `BellAct`), so a contestant's
//! receipt means "on disk" as in the class game; this file reads them back.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{decode, unix_ms, Result, Store};
use crate::domain::bell::{BellSet, Rules};
use crate::domain::question::Question;
use crate::domain::{AccountId, GameId};

/// A contest to open.
pub struct NewBell<'a> {
    pub host_id: AccountId,
    pub pin: &'a str,
    pub title: &'a str,
    pub set: &'a BellSet,
    pub rules: &'a Rules,
}

/// A stored contest.
#[derive(Debug, Clone, PartialEq)]
pub struct BellRow {
    pub id: GameId,
    pub host_id: AccountId,
    pub pin: String,
    pub title: String,
    pub set: BellSet,
    pub rules: Rules,
    /// `open` until the contest ends, then `finished` (or `closed`: its room stopped first).
    pub status: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// Where an answer came from: the contestant's phone, or a whiteboard a judge typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Phone,
    Board,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Phone => "phone",
            Source::Board => "board",
        }
    }

    fn parse(s: &str) -> Option<Source> {
        match s {
            "phone" => Some(Source::Phone),
            "board" => Some(Source::Board),
            _ => None,
        }
    }
}

/// An answer the contest accepted, as the writer stores it and [`Store::bell_answers`] reads
/// it back.
#[derive(Debug, Clone, PartialEq)]
pub struct BellAnswerRow {
    pub contest: GameId,
    pub round: i64,
    pub seat: i64,
    pub source: Source,
    /// The answer as JSON (`[2]`, `[1,3]`, `1945`).
    pub answer: String,
    /// Counted time: the time limit minus what the countdown showed (a board: the whole limit).
    pub elapsed_ms: i64,
}

/// One line of the act log.
#[derive(Debug, Clone, PartialEq)]
pub struct BellActRow {
    pub contest: GameId,
    /// The act's place in the log, from 0.
    pub n: i64,
    /// On the room's clock, since the room opened.
    pub at_ms: i64,
    pub round: Option<i64>,
    /// `domain::bell::What` as JSON (`{"act":"undone","reason":"…","seats":[42]}`).
    pub act: String,
}

/// The question set as stored: the parts of a [`BellSet`], checked again when read.
#[derive(Serialize, Deserialize)]
struct StoredSet {
    main: Vec<Question>,
    tie_break: Option<Question>,
    rescue: Vec<Question>,
}

fn set_json(set: &BellSet) -> String {
    let stored = StoredSet {
        main: set.main().to_vec(),
        tie_break: set.tie_break().cloned(),
        rescue: set.rescue().to_vec(),
    };
    serde_json::to_string(&stored).expect("a question set serializes")
}

fn read_set(json: &str) -> Result<BellSet> {
    let s: StoredSet = serde_json::from_str(json).map_err(decode)?;
    BellSet::new(s.main, s.tie_break, s.rescue).map_err(decode)
}

impl Store {
    /// Records a contest as it opens; its id is the stage room's.
    pub async fn create_bell(&self, b: &NewBell<'_>) -> Result<GameId> {
        let rules = serde_json::to_string(b.rules).expect("rules serialize");
        sqlx::query(
            "INSERT INTO bell_contests (host_id, pin, title, questions, rules, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id",
        )
        .bind(b.host_id)
        .bind(b.pin)
        .bind(b.title)
        .bind(set_json(b.set))
        .bind(rules)
        .bind(unix_ms())
        .fetch_one(self.pool())
        .await?
        .try_get(0)
    }

    /// Marks a contest whose room stopped before its end `closed` (an ended one stays
    /// `finished`), so its PIN no longer counts as open.
    pub async fn close_bell(&self, id: GameId) -> Result<()> {
        sqlx::query(
            "UPDATE bell_contests SET status = 'closed', finished_at = $1 \
             WHERE id = $2 AND status = 'open'",
        )
        .bind(unix_ms())
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn bell(&self, id: GameId) -> Result<Option<BellRow>> {
        let Some(r) = sqlx::query(
            "SELECT id, host_id, pin, title, questions, rules, status, created_at, finished_at \
             FROM bell_contests WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let rules: String = r.try_get(5)?;
        Ok(Some(BellRow {
            id: r.try_get(0)?,
            host_id: r.try_get(1)?,
            pin: r.try_get(2)?,
            title: r.try_get(3)?,
            set: read_set(&r.try_get::<String, _>(4)?)?,
            rules: serde_json::from_str(&rules).map_err(decode)?,
            status: r.try_get(6)?,
            created_at: r.try_get(7)?,
            finished_at: r.try_get(8)?,
        }))
    }

    /// The report the contest's room stored at its end (JSON), if it ended and retention has
    /// not emptied it.
    pub async fn bell_report(&self, id: GameId) -> Result<Option<String>> {
        let row = sqlx::query("SELECT report FROM bell_contests WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(r) => r.try_get(0),
            None => Ok(None),
        }
    }

    /// Who sat where, by seat: (seat, name).
    pub async fn bell_seats(&self, id: GameId) -> Result<Vec<(i64, String)>> {
        sqlx::query("SELECT seat, name FROM bell_seats WHERE contest_id = $1 ORDER BY seat")
            .bind(id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Every stored answer of a contest, by round, then seat, then source.
    pub async fn bell_answers(&self, id: GameId) -> Result<Vec<BellAnswerRow>> {
        sqlx::query(
            "SELECT round, seat, source, answer, elapsed_ms FROM bell_answers \
             WHERE contest_id = $1 ORDER BY round, seat, source",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            let source: String = r.try_get(2)?;
            Ok(BellAnswerRow {
                contest: id,
                round: r.try_get(0)?,
                seat: r.try_get(1)?,
                source: Source::parse(&source)
                    .ok_or_else(|| decode(UnknownSource(source.clone())))?,
                answer: r.try_get(3)?,
                elapsed_ms: r.try_get(4)?,
            })
        })
        .collect()
    }

    /// Deletes the names and answers of contests that ended (or, never ended, were opened)
    /// before `cutoff_ms`, as [`Store::purge_games_before`] does for class games: the
    /// contest row and its act log (seat numbers, no names) stay, so a school still sees the
    /// contest took place and how it was run. A stage room lives minutes after its last
    /// connection and the limit is in days, so no live contest is touched. Returns how many
    /// contests it emptied.
    pub async fn purge_bells_before(&self, cutoff_ms: i64) -> Result<u64> {
        let old: Vec<i64> = sqlx::query(
            "SELECT id FROM bell_contests WHERE COALESCE(finished_at, created_at) < $1 \
             AND (EXISTS (SELECT 1 FROM bell_seats s WHERE s.contest_id = bell_contests.id) \
             OR EXISTS (SELECT 1 FROM bell_answers a WHERE a.contest_id = bell_contests.id) \
             OR report IS NOT NULL)",
        )
        .bind(cutoff_ms)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_>>()?;
        for &contest in &old {
            let mut tx = self.pool().begin().await?;
            for table in ["bell_answers", "bell_seats"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE contest_id = $1"))
                    .bind(contest)
                    .execute(&mut *tx)
                    .await?;
            }
            // The report names the contestants too.
            sqlx::query("UPDATE bell_contests SET report = NULL WHERE id = $1")
                .bind(contest)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(old.len() as u64)
    }

    /// A contest's act log, in order.
    pub async fn bell_acts(&self, id: GameId) -> Result<Vec<BellActRow>> {
        sqlx::query("SELECT n, at_ms, round, act FROM bell_acts WHERE contest_id = $1 ORDER BY n")
            .bind(id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(BellActRow {
                    contest: id,
                    n: r.try_get(0)?,
                    at_ms: r.try_get(1)?,
                    round: r.try_get(2)?,
                    act: r.try_get(3)?,
                })
            })
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown answer source {0:?}")]
struct UnknownSource(String);
