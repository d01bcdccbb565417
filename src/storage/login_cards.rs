//! Students' login cards for the contest, and participants' sessions. A card's secret is
//! stored as a hash; issuing a card again replaces it (the old card stops working), revoking
//! ends it and its sessions.

use sqlx::Row;

use super::units::placeholders;
use super::{unix_ms, Result, Store};

/// A participant as the contest needs them: who, where, which grade.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Participant {
    pub code: String,
    pub display_name: String,
    pub class_name: String,
    pub grade: i64,
    pub school: String,
    pub school_name: String,
    /// A teacher or manager taking part with their account (level giáo viên), not a pupil.
    pub staff: bool,
}

/// A card's stored secret.
pub struct Card {
    pub secret_hash: String,
    pub revoked: bool,
}

fn participant(r: &sqlx::any::AnyRow) -> Result<Participant> {
    Ok(Participant {
        code: r.try_get(0)?,
        display_name: r.try_get(1)?,
        class_name: r.try_get(2)?,
        grade: r.try_get(3)?,
        school: r.try_get(4)?,
        school_name: r.try_get(5)?,
        staff: r.try_get::<String, _>(6)? == "staff",
    })
}

const PARTICIPANT: &str =
    "SELECT s.code, s.display_name, s.class_name, s.grade, s.school_code, sc.name, s.kind \
     FROM students s JOIN schools sc ON sc.code = s.school_code";

/// The class staff participants are listed in.
pub const STAFF_CLASS: &str = "Giáo viên";

impl Store {
    /// Stores new secrets (`(student code, secret hash)`) for cards being printed.
    pub async fn issue_cards(&self, cards: &[(String, String)]) -> Result<()> {
        let now = unix_ms();
        for chunk in cards.chunks(200) {
            let sql = format!(
                "INSERT INTO login_cards (student_code, secret_hash, issued_at) VALUES {} \
                 ON CONFLICT (student_code) DO UPDATE SET secret_hash = excluded.secret_hash, \
                 issued_at = excluded.issued_at, revoked_at = NULL",
                placeholders(chunk.len(), 3)
            );
            let mut q = sqlx::query(&sql);
            for (code, hash) in chunk {
                q = q.bind(code).bind(hash).bind(now);
            }
            let _turn = self.write_turn().await;
            q.execute(self.pool()).await?;
        }
        Ok(())
    }

    pub async fn card(&self, code: &str) -> Result<Option<Card>> {
        sqlx::query("SELECT secret_hash, revoked_at FROM login_cards WHERE student_code = $1")
            .bind(code)
            .fetch_optional(self.pool())
            .await?
            .map(|r| {
                Ok(Card {
                    secret_hash: r.try_get(0)?,
                    revoked: r.try_get::<Option<i64>, _>(1)?.is_some(),
                })
            })
            .transpose()
    }

    /// Revokes the cards of `school`'s pupils among `codes` (others are ignored) and ends
    /// their sessions; the number of cards revoked. 200 codes a transaction, each taking the
    /// write turn, so a long list never holds the answer writer up for long.
    pub async fn revoke_cards(&self, school: &str, codes: &[String]) -> Result<u64> {
        let mut revoked = 0;
        for chunk in codes.chunks(200) {
            // The school's pupils among the chunk, with the school at `$first`.
            let own = |first: usize| {
                let list = (0..chunk.len())
                    .map(|i| format!("${}", first + 1 + i))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "SELECT code FROM students WHERE school_code = ${first} AND kind = 'pupil' AND code IN ({list})"
                )
            };
            let update_sql = format!(
                "UPDATE login_cards SET revoked_at = $1 WHERE revoked_at IS NULL AND student_code IN ({})",
                own(2)
            );
            let delete_sql = format!(
                "DELETE FROM participant_sessions WHERE student_code IN ({})",
                own(1)
            );
            let mut update = sqlx::query(&update_sql).bind(unix_ms()).bind(school);
            let mut delete = sqlx::query(&delete_sql).bind(school);
            for code in chunk {
                update = update.bind(code);
                delete = delete.bind(code);
            }
            let _turn = self.write_turn().await;
            let mut tx = self.pool().begin().await?;
            revoked += update.execute(&mut *tx).await?.rows_affected();
            delete.execute(&mut *tx).await?;
            tx.commit().await?;
        }
        Ok(revoked)
    }

    pub async fn participant(&self, code: &str) -> Result<Option<Participant>> {
        sqlx::query(&format!("{PARTICIPANT} WHERE s.code = $1"))
            .bind(code)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(participant)
            .transpose()
    }

    /// The students of a school (one class, or all), by class and name.
    pub async fn school_participants(
        &self,
        school: &str,
        class: Option<&str>,
    ) -> Result<Vec<Participant>> {
        let rows = sqlx::query(&format!(
            "{PARTICIPANT} WHERE s.school_code = $1 AND s.kind = 'pupil' AND ($2 IS NULL OR s.class_name = $2) \
             ORDER BY s.class_name, s.display_name, s.code"
        ))
        .bind(school)
        .bind(class)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(participant).collect()
    }

    /// The participant of a teacher's or manager's account bound to `school`: added to the
    /// school's roster as staff the first time, its name kept up to date after.
    pub async fn staff_participant(
        &self,
        account: crate::domain::AccountId,
        name: &str,
        school: &str,
    ) -> Result<Option<Participant>> {
        let code = format!("GV.{account}");
        {
            let _turn = self.write_turn().await;
            sqlx::query(
                "INSERT INTO students (code, full_name, display_name, class_name, grade, school_code, consent_public, kind) \
                 VALUES ($1, $2, $2, $3, 0, $4, 0, 'staff') \
                 ON CONFLICT (code) DO UPDATE SET full_name = excluded.full_name, \
                 display_name = excluded.display_name, school_code = excluded.school_code",
            )
            .bind(&code)
            .bind(name)
            .bind(STAFF_CLASS)
            .bind(school)
            .execute(self.pool())
            .await?;
        }
        self.participant(&code).await
    }

    pub async fn create_participant_session(
        &self,
        token_hash: &str,
        code: &str,
        ttl_ms: i64,
    ) -> Result<()> {
        let now = unix_ms();
        let _turn = self.write_turn().await;
        sqlx::query(
            "INSERT INTO participant_sessions (token_hash, student_code, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(code)
        .bind(now)
        .bind(now + ttl_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Deletes the sessions (participants' and accounts') that expired before `now`; how many.
    pub async fn purge_expired_sessions(&self, now: i64) -> Result<u64> {
        let _turn = self.write_turn().await;
        let mut gone = 0;
        for table in ["participant_sessions", "sessions"] {
            gone += sqlx::query(&format!("DELETE FROM {table} WHERE expires_at <= $1"))
                .bind(now)
                .execute(self.pool())
                .await?
                .rows_affected();
        }
        Ok(gone)
    }

    pub async fn delete_participant_session(&self, token_hash: &str) -> Result<()> {
        let _turn = self.write_turn().await;
        sqlx::query("DELETE FROM participant_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The participant of a live session whose card is not revoked.
    pub async fn session_participant(&self, token_hash: &str) -> Result<Option<Participant>> {
        sqlx::query(&format!(
            "{PARTICIPANT} JOIN participant_sessions ps ON ps.student_code = s.code \
             JOIN login_cards c ON c.student_code = s.code \
             WHERE ps.token_hash = $1 AND ps.expires_at > $2 AND c.revoked_at IS NULL"
        ))
        .bind(token_hash)
        .bind(unix_ms())
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(participant)
        .transpose()
    }
}
