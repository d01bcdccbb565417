//! Contest attempts. A write names the revision it read (`rev`) and bumps it, so two devices
//! of one participant answering at the same instant never lose each other's answers: the
//! later write finds the row changed and the caller reads it again. Starting and submitting
//! append to the audit log in the same transaction, so the log and the attempts agree.

use sqlx::Row;

use super::audit;
use super::{decode, unique, Inserted, Result, Store};
use crate::domain::bank::Level;
use crate::domain::contest::{Attempt, Scored};

/// An attempt as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRow {
    pub id: i64,
    pub round_id: i64,
    pub participant: String,
    pub level: Level,
    pub attempt: Attempt,
    pub rev: i64,
}

/// A start, for the audit log and the table.
pub struct NewAttempt<'a> {
    pub round_id: i64,
    pub participant: &'a str,
    pub level: Level,
    pub attempt: &'a Attempt,
}

const COLUMNS: &str = "id, round_id, participant, level, started_at, deadline, seed, questions, \
                       answers, prediction, submitted_at, rev";

fn attempt_row(r: &sqlx::any::AnyRow) -> Result<AttemptRow> {
    let level: String = r.try_get("level")?;
    let questions: String = r.try_get("questions")?;
    let answers: String = r.try_get("answers")?;
    Ok(AttemptRow {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        participant: r.try_get("participant")?,
        level: Level::parse(&level).ok_or_else(|| decode(std::fmt::Error))?,
        attempt: Attempt {
            started_at: r.try_get("started_at")?,
            deadline: r.try_get("deadline")?,
            seed: r.try_get::<i64, _>("seed")? as u64,
            questions: serde_json::from_str(&questions).map_err(decode)?,
            answers: serde_json::from_str(&answers).map_err(decode)?,
            prediction: r.try_get("prediction")?,
            submitted_at: r.try_get("submitted_at")?,
        },
        rev: r.try_get("rev")?,
    })
}

/// What the audit log keeps of a start: everything needed to show the same questions again.
fn start_body(id: i64, new: &NewAttempt<'_>) -> Result<String> {
    serde_json::to_string(&serde_json::json!({
        "attempt": id,
        "round": new.round_id,
        "participant": new.participant,
        "level": new.level.as_str(),
        "started_at": new.attempt.started_at,
        "deadline": new.attempt.deadline,
        "seed": new.attempt.seed.to_string(),
        "questions": new.attempt.questions,
    }))
    .map_err(decode)
}

impl Store {
    /// Stores a new attempt and its audit row; `Taken` if the participant already has an open
    /// attempt in the round (the unique index decides, whatever two devices do at once).
    pub async fn insert_attempt(&self, new: &NewAttempt<'_>) -> Result<Inserted<i64>> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        let a = new.attempt;
        let inserted = unique(
            sqlx::query(
                "INSERT INTO attempts (round_id, participant, level, started_at, deadline, seed, questions, answers) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(new.round_id)
            .bind(new.participant)
            .bind(new.level.as_str())
            .bind(a.started_at)
            .bind(a.deadline)
            .bind(a.seed as i64)
            .bind(serde_json::to_string(&a.questions).map_err(decode)?)
            .bind(serde_json::to_string(&a.answers).map_err(decode)?)
            .fetch_one(&mut *tx)
            .await
            .and_then(|r| r.try_get::<i64, _>(0)),
        )?;
        let Inserted::New(id) = inserted else {
            return Ok(Inserted::Taken);
        };
        audit::append(
            &mut tx,
            a.started_at,
            "attempt_started",
            &start_body(id, new)?,
        )
        .await?;
        tx.commit().await?;
        Ok(Inserted::New(id))
    }

    pub async fn attempt(&self, id: i64) -> Result<Option<AttemptRow>> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM attempts WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(attempt_row)
            .transpose()
    }

    /// A participant's attempts in a round, in the order they started.
    pub async fn attempts_of(&self, round_id: i64, participant: &str) -> Result<Vec<AttemptRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM attempts WHERE round_id = $1 AND participant = $2 ORDER BY started_at, id"
        ))
        .bind(round_id)
        .bind(participant)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(attempt_row).collect()
    }

    /// Saves answers and prediction if the row is still at revision `rev` and open; `false`
    /// if another write came first (read it again).
    pub async fn save_answers(&self, row: &AttemptRow) -> Result<bool> {
        let _turn = self.write_turn().await;
        let done = sqlx::query(
            "UPDATE attempts SET answers = $1, prediction = $2, rev = rev + 1 \
             WHERE id = $3 AND rev = $4 AND submitted_at IS NULL",
        )
        .bind(serde_json::to_string(&row.attempt.answers).map_err(decode)?)
        .bind(row.attempt.prediction)
        .bind(row.id)
        .bind(row.rev)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Saves a submission (by the participant, or by the server at the deadline) with its
    /// score and audit row, if the row is still at revision `rev`; `false` otherwise.
    pub async fn save_submission(&self, row: &AttemptRow, scored: &Scored) -> Result<bool> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE attempts SET answers = $1, prediction = $2, submitted_at = $3, correct = $4, score = $5, \
             time_ms = $6, rev = rev + 1 WHERE id = $7 AND rev = $8 AND submitted_at IS NULL",
        )
        .bind(serde_json::to_string(&row.attempt.answers).map_err(decode)?)
        .bind(row.attempt.prediction)
        .bind(scored.submitted_at)
        .bind(i64::from(scored.correct))
        .bind(scored.score)
        .bind(scored.time_ms)
        .bind(row.id)
        .bind(row.rev)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        let body = serde_json::to_string(&serde_json::json!({
            "attempt": row.id,
            "participant": row.participant,
            "answers": row.attempt.answers,
            "prediction": row.attempt.prediction,
            "submitted_at": scored.submitted_at,
            "correct": scored.correct,
            "score": scored.score,
            "time_ms": scored.time_ms,
        }))
        .map_err(decode)?;
        audit::append(&mut tx, scored.submitted_at, "attempt_submitted", &body).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Open attempts whose time (with its grace) ended before `before`, for the server to
    /// submit: at most `limit`.
    pub async fn expired_attempts(&self, before: i64, limit: i64) -> Result<Vec<AttemptRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM attempts WHERE submitted_at IS NULL AND deadline < $1 ORDER BY deadline LIMIT $2"
        ))
        .bind(before)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(attempt_row).collect()
    }

    /// The stored (correct, score, time) of a submitted attempt.
    pub async fn attempt_score(&self, id: i64) -> Result<Option<(i64, i64, i64)>> {
        let row = sqlx::query("SELECT correct, score, time_ms FROM attempts WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(r) => match (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?) {
                (Some(c), Some(s), Some(t)) => Some((c, s, t)),
                _ => None,
            },
            None => None,
        })
    }

    /// The codes of a round's participants.
    pub async fn round_participant_codes(&self, round_id: i64) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT DISTINCT participant FROM attempts WHERE round_id = $1 ORDER BY participant",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| r.try_get(0)).collect()
    }

    /// Participants of a round: those with at least one attempt.
    pub async fn round_participants(&self, round_id: i64) -> Result<i64> {
        sqlx::query("SELECT COUNT(DISTINCT participant) FROM attempts WHERE round_id = $1")
            .bind(round_id)
            .fetch_one(self.pool())
            .await?
            .try_get(0)
    }
}

/// A school's part in a round: its pupils who started an attempt, and the attempts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SchoolTurnout {
    pub school: String,
    pub name: String,
    pub commune: String,
    pub enrolment: i64,
    pub participants: i64,
    pub attempts: i64,
}

impl Store {
    /// Every school's turnout in a round (schools with nobody yet included, so a rate of 0
    /// shows), by commune and school.
    pub async fn round_turnout(&self, round_id: i64) -> Result<Vec<SchoolTurnout>> {
        let rows = sqlx::query(
            "SELECT sc.code, sc.name, sc.commune_code, sc.enrolment, \
                    COUNT(DISTINCT a.participant), COUNT(a.id) \
             FROM schools sc \
             LEFT JOIN students st ON st.school_code = sc.code \
             LEFT JOIN attempts a ON a.participant = st.code AND a.round_id = $1 \
             GROUP BY sc.code, sc.name, sc.commune_code, sc.enrolment \
             ORDER BY sc.commune_code, sc.code",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SchoolTurnout {
                    school: r.try_get(0)?,
                    name: r.try_get(1)?,
                    commune: r.try_get(2)?,
                    enrolment: r.try_get(3)?,
                    participants: r.try_get(4)?,
                    attempts: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Attempts started in each hour of a round: (the hour's start, Unix ms; attempts).
    pub async fn round_attempts_per_hour(&self, round_id: i64) -> Result<Vec<(i64, i64)>> {
        let rows = sqlx::query(
            "SELECT (started_at / 3600000) * 3600000 AS hour, COUNT(*) FROM attempts \
             WHERE round_id = $1 GROUP BY hour ORDER BY hour",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }
}

/// A participant's standing in a round with who they are, for awards.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Standing {
    pub code: String,
    pub full_name: String,
    pub class_name: String,
    pub grade: i64,
    pub school: String,
    /// A teacher or manager (level giáo viên), not a pupil.
    pub staff: bool,
    pub keys: [i64; 5],
}

impl Store {
    /// Every standing recorded in `context`, with the pupil's name, class, grade and school.
    pub async fn standings(&self, context: &str) -> Result<Vec<Standing>> {
        let rows = sqlx::query(
            "SELECT s.code, s.full_name, s.class_name, s.grade, sc.name, \
                    r.score, r.time_ms, r.distance, r.attempts, r.submitted_at, s.kind \
             FROM results r JOIN students s ON s.code = r.student_code \
             JOIN schools sc ON sc.code = s.school_code WHERE r.context = $1",
        )
        .bind(context)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Standing {
                    code: r.try_get(0)?,
                    full_name: r.try_get(1)?,
                    class_name: r.try_get(2)?,
                    grade: r.try_get(3)?,
                    school: r.try_get(4)?,
                    staff: r.try_get::<String, _>(10)? == "staff",
                    keys: [
                        r.try_get(5)?,
                        r.try_get(6)?,
                        r.try_get(7)?,
                        r.try_get(8)?,
                        r.try_get(9)?,
                    ],
                })
            })
            .collect()
    }
}
