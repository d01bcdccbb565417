//! What the people of a unit read of it: a school and the commune it is in (for the access
//! rule), a commune's schools with their participation, a school's roster, and which school
//! each student code already belongs to (so a school cannot take over another's students).

use serde::Serialize;
use sqlx::Row;

use super::{Result, Store};
use crate::domain::roster::Student;

/// A school as the access rule and the unit pages need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolUnit {
    pub code: String,
    pub name: String,
    pub commune: String,
    pub enrolment: i64,
}

/// A school's participation in a ranking context: enrolment, students on the roster, and
/// those with a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolParticipation {
    pub code: String,
    pub name: String,
    pub enrolment: i64,
    pub on_roster: i64,
    pub participants: i64,
    pub total_score: i64,
}

/// Largest `IN (…)` list in one statement.
const CODES_PER_STATEMENT: usize = 500;

impl Store {
    pub async fn school_unit(&self, code: &str) -> Result<Option<SchoolUnit>> {
        let row =
            sqlx::query("SELECT code, name, commune_code, enrolment FROM schools WHERE code = $1")
                .bind(code)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| {
            Ok(SchoolUnit {
                code: r.try_get(0)?,
                name: r.try_get(1)?,
                commune: r.try_get(2)?,
                enrolment: r.try_get(3)?,
            })
        })
        .transpose()
    }

    pub async fn commune_exists(&self, code: &str) -> Result<bool> {
        Ok(sqlx::query("SELECT 1 FROM communes WHERE code = $1")
            .bind(code)
            .fetch_optional(self.pool())
            .await?
            .is_some())
    }

    /// The schools of `commune` with their participation in `context`, by code.
    pub async fn commune_participation(
        &self,
        commune: &str,
        context: &str,
    ) -> Result<Vec<SchoolParticipation>> {
        // Two grouped subqueries rather than one join, so roster size and results do not
        // multiply each other.
        let rows = sqlx::query(
            "SELECT sc.code, sc.name, sc.enrolment, \
                    COALESCE(ro.n, 0), COALESCE(re.n, 0), COALESCE(re.total, 0) \
             FROM schools sc \
             LEFT JOIN (SELECT school_code, COUNT(*) AS n FROM students WHERE kind = 'pupil' GROUP BY school_code) ro \
                    ON ro.school_code = sc.code \
             LEFT JOIN (SELECT s.school_code, COUNT(*) AS n, CAST(SUM(r.score) AS BIGINT) AS total \
                        FROM results r JOIN students s ON s.code = r.student_code \
                        WHERE r.context = $1 GROUP BY s.school_code) re \
                    ON re.school_code = sc.code \
             WHERE sc.commune_code = $2 ORDER BY sc.code",
        )
        .bind(context)
        .bind(commune)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SchoolParticipation {
                    code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    enrolment: r.try_get(2)?,
                    on_roster: r.try_get(3)?,
                    participants: r.try_get(4)?,
                    total_score: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// The students of `school`, by class and code.
    pub async fn school_roster(&self, school: &str) -> Result<Vec<Student>> {
        let rows = sqlx::query(
            "SELECT code, full_name, display_name, class_name, grade, school_code, consent_public \
             FROM students WHERE school_code = $1 AND kind = 'pupil' ORDER BY class_name, code",
        )
        .bind(school)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Student {
                    code: r.try_get(0)?,
                    full_name: r.try_get(1)?,
                    display_name: r.try_get(2)?,
                    class_name: r.try_get(3)?,
                    grade: r.try_get(4)?,
                    school: r.try_get(5)?,
                    consent_public: r.try_get::<i64, _>(6)? != 0,
                })
            })
            .collect()
    }

    /// `(student code, school code)` for those of `codes` already on a roster.
    pub async fn student_schools(&self, codes: &[String]) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for chunk in codes.chunks(CODES_PER_STATEMENT) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT code, school_code FROM students WHERE code IN ({})",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for code in chunk {
                q = q.bind(code);
            }
            for r in q.fetch_all(self.pool()).await? {
                out.push((r.try_get(0)?, r.try_get(1)?));
            }
        }
        Ok(out)
    }
}
