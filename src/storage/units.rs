//! The province's units and rosters (communes, schools, students) and the results that rank
//! them. Bulk writes go in multi-row statements, one short transaction each: a roster of
//! 100,000 students is 1,000 statements, not 100,000, and no transaction holds SQLite's write
//! lock for longer than one of them (about 5 ms), so live games' answers are never kept
//! waiting behind an import. Rows are upserts: an import cut short is finished by running it
//! again.

use serde::Serialize;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row};

use super::{Result, Store};
use crate::domain::roster::{School, Student};

const COMMUNES_CSV: &str = include_str!("../../migrations/seed/daklak-communes.csv");

/// Codes per `IN (…)` of a read: far below both databases' parameter limits.
const ROWS_PER_STATEMENT: usize = 500;

/// Rows per multi-row INSERT of a bulk write, each in a transaction of its own: the answer
/// writer waits for one at most. Measured on SQLite (release build, 100,000 students): 1,000
/// transactions of 100 rows took 4.8 s in all, 200 of 500 rows 5.6 s: the rows cost, not the
/// commits, and a transaction of 100 rows holds the write lock for about 5 ms.
const ROWS_PER_WRITE: usize = 100;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Commune {
    pub code: String,
    pub name: String,
    pub kind: String,
}

/// One participant's absolute standing in a ranking context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultRow {
    pub student: String,
    pub score: i64,
    pub time_ms: i64,
    pub distance: i64,
    pub attempts: i64,
    pub submitted_at: i64,
}

/// A participant's result with where they belong, for ranking every scope at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedResult {
    pub result: ResultRow,
    pub class_name: String,
    pub school: String,
    pub commune: String,
}

/// A result with its class, school and commune from the first nine columns of `r`
/// (student, score, time, distance, attempts, submitted, class, school, commune).
pub(super) fn placed_result(r: &sqlx::any::AnyRow) -> Result<PlacedResult> {
    Ok(PlacedResult {
        result: ResultRow {
            student: r.try_get(0)?,
            score: r.try_get(1)?,
            time_ms: r.try_get(2)?,
            distance: r.try_get(3)?,
            attempts: r.try_get(4)?,
            submitted_at: r.try_get(5)?,
        },
        class_name: r.try_get(6)?,
        school: r.try_get(7)?,
        commune: r.try_get(8)?,
    })
}

/// `"($1, $2, …), ($8, …)"` for `rows` rows of `cols` columns.
pub(super) fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            format!(
                "({})",
                (1..=cols)
                    .map(|c| format!("${}", r * cols + c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Loads the 102 communes on a new database; later starts change nothing.
    pub async fn seed_communes(&self) -> Result<u64> {
        let mut tx = self.pool().begin().await?;
        let mut added = 0;
        for line in COMMUNES_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
        {
            let mut cells = line.split(',');
            let (Some(code), Some(name), Some(kind)) = (cells.next(), cells.next(), cells.next())
            else {
                continue;
            };
            added += sqlx::query("INSERT INTO communes (code, name, kind) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING")
                .bind(code.trim())
                .bind(name.trim())
                .bind(kind.trim())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }

    pub async fn communes(&self) -> Result<Vec<Commune>> {
        let rows = sqlx::query("SELECT code, name, kind FROM communes ORDER BY code")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Commune {
                    code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    kind: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// Which of `codes` are students on the roster.
    pub async fn student_codes(&self, codes: &[String]) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for chunk in codes.chunks(ROWS_PER_STATEMENT) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT code FROM students WHERE code IN ({})",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for code in chunk {
                q = q.bind(code);
            }
            for r in q.fetch_all(self.pool()).await? {
                out.push(r.try_get(0)?);
            }
        }
        Ok(out)
    }

    pub async fn school_names(&self) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT code, name FROM schools")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    pub async fn school_codes(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT code FROM schools")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| r.try_get(0)).collect()
    }

    /// Adds or updates schools, a chunk per transaction.
    pub async fn upsert_schools(&self, schools: &[School]) -> Result<()> {
        for chunk in schools.chunks(ROWS_PER_WRITE) {
            let sql = format!(
                "INSERT INTO schools (code, name, levels, commune_code, enrolment) VALUES {} \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, levels = excluded.levels, \
                 commune_code = excluded.commune_code, enrolment = excluded.enrolment",
                placeholders(chunk.len(), 5)
            );
            let mut q: Query<'_, Any, AnyArguments<'_>> = sqlx::query(&sql);
            for s in chunk {
                let levels: Vec<&str> = s.levels.iter().map(|l| l.as_str()).collect();
                q = q
                    .bind(&s.code)
                    .bind(&s.name)
                    .bind(levels.join(","))
                    .bind(&s.commune)
                    .bind(s.enrolment);
            }
            self.write_chunk(q).await?;
        }
        Ok(())
    }

    /// Adds or updates students, a chunk per transaction.
    pub async fn upsert_students(&self, students: &[Student]) -> Result<()> {
        for chunk in students.chunks(ROWS_PER_WRITE) {
            let sql = format!(
                "INSERT INTO students (code, full_name, display_name, class_name, grade, school_code, consent_public) \
                 VALUES {} ON CONFLICT (code) DO UPDATE SET full_name = excluded.full_name, \
                 display_name = excluded.display_name, class_name = excluded.class_name, grade = excluded.grade, \
                 school_code = excluded.school_code, consent_public = excluded.consent_public",
                placeholders(chunk.len(), 7)
            );
            let mut q: Query<'_, Any, AnyArguments<'_>> = sqlx::query(&sql);
            for s in chunk {
                q = q
                    .bind(&s.code)
                    .bind(&s.full_name)
                    .bind(&s.display_name)
                    .bind(&s.class_name)
                    .bind(s.grade)
                    .bind(&s.school)
                    .bind(i64::from(s.consent_public));
            }
            self.write_chunk(q).await?;
        }
        Ok(())
    }

    /// Sets participants' results in `context` (absolute values: replaying is harmless), a
    /// chunk per transaction.
    pub async fn upsert_results(&self, context: &str, results: &[ResultRow]) -> Result<()> {
        for chunk in results.chunks(ROWS_PER_WRITE) {
            let sql = format!(
                "INSERT INTO results (context, student_code, score, time_ms, distance, attempts, submitted_at) VALUES {} \
                 ON CONFLICT (context, student_code) DO UPDATE SET score = excluded.score, time_ms = excluded.time_ms, \
                 distance = excluded.distance, attempts = excluded.attempts, submitted_at = excluded.submitted_at",
                placeholders(chunk.len(), 7)
            );
            let mut q: Query<'_, Any, AnyArguments<'_>> = sqlx::query(&sql);
            for r in chunk {
                q = q
                    .bind(context)
                    .bind(&r.student)
                    .bind(r.score)
                    .bind(r.time_ms)
                    .bind(r.distance)
                    .bind(r.attempts)
                    .bind(r.submitted_at);
            }
            self.write_chunk(q).await?;
        }
        Ok(())
    }

    /// One statement of a bulk write in a transaction of its own, in its turn (see
    /// [`Store::write_turn`]).
    async fn write_chunk<'q>(&self, q: Query<'q, Any, AnyArguments<'q>>) -> Result<()> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        q.execute(&mut *tx).await?;
        tx.commit().await
    }

    /// Results of `context` (every one, or only `students`) with each participant's class,
    /// school and commune.
    pub async fn placed_results(
        &self,
        context: &str,
        students: Option<&[String]>,
    ) -> Result<Vec<PlacedResult>> {
        let base = "SELECT r.student_code, r.score, r.time_ms, r.distance, r.attempts, r.submitted_at, \
                    s.class_name, s.school_code, sc.commune_code \
                    FROM results r JOIN students s ON s.code = r.student_code JOIN schools sc ON sc.code = s.school_code \
                    WHERE r.context = $1";
        let rows = match students {
            None => {
                sqlx::query(base)
                    .bind(context)
                    .fetch_all(self.pool())
                    .await?
            }
            Some([]) => Vec::new(),
            Some(list) => {
                let mut rows = Vec::new();
                for chunk in list.chunks(ROWS_PER_STATEMENT) {
                    let marks: Vec<String> =
                        (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
                    let sql = format!("{base} AND r.student_code IN ({})", marks.join(", "));
                    let mut q = sqlx::query(&sql).bind(context);
                    for code in chunk {
                        q = q.bind(code);
                    }
                    rows.extend(q.fetch_all(self.pool()).await?);
                }
                rows
            }
        };
        rows.iter().map(placed_result).collect()
    }

    /// Public labels of students: `(code, shown name, class, school name)`. The full name is
    /// shown only with recorded consent.
    pub async fn student_labels(
        &self,
        codes: &[String],
    ) -> Result<Vec<(String, String, String, String)>> {
        let mut out = Vec::with_capacity(codes.len());
        for chunk in codes.chunks(ROWS_PER_STATEMENT) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT s.code, CASE WHEN s.consent_public = 1 THEN s.full_name ELSE s.display_name END, s.class_name, sc.name \
                 FROM students s JOIN schools sc ON sc.code = s.school_code WHERE s.code IN ({})",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for code in chunk {
                q = q.bind(code);
            }
            for r in q.fetch_all(self.pool()).await? {
                out.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
            }
        }
        Ok(out)
    }

    /// Enrolment per school with its commune: `(school, commune, enrolment)`.
    pub async fn school_enrolments(&self) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query("SELECT code, commune_code, enrolment FROM schools")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// How many students each class of each school has: `(school, class, students)`.
    pub async fn class_sizes(&self) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query("SELECT school_code, class_name, COUNT(*) FROM students GROUP BY school_code, class_name")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }
}

impl Store {
    /// Per class of `context`: `(school, class, participants, total score)`.
    pub async fn class_results(&self, context: &str) -> Result<Vec<(String, String, i64, i64)>> {
        let rows = sqlx::query(
            "SELECT s.school_code, s.class_name, COUNT(*), CAST(SUM(r.score) AS BIGINT) FROM results r \
             JOIN students s ON s.code = r.student_code WHERE r.context = $1 GROUP BY s.school_code, s.class_name",
        )
        .bind(context)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect()
    }

    /// Every context that has results.
    pub async fn result_contexts(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT DISTINCT context FROM results ORDER BY context")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| r.try_get(0)).collect()
    }
}
