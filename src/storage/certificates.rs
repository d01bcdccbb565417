//! Certificates' verification codes: one per award of a published version, issued once and
//! read back by the public verification page. The awards themselves are not stored: they
//! follow from the version, which never changes (`domain::awards`).

use std::collections::HashMap;

use sqlx::Row;

use super::{Result, Store};

/// A stored code and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRow {
    pub code: String,
    pub version_id: i64,
    /// `individual`, `school` or `commune` (`domain::awards::Holder`).
    pub holder: String,
    pub member: String,
    pub issued_at: i64,
}

/// A student's kind and grade (the level they played at), school and commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentLevel {
    pub code: String,
    pub staff: bool,
    pub grade: i64,
    pub school: String,
    pub commune: String,
}

const ROWS_PER_STATEMENT: usize = 500;

impl Store {
    /// The codes of `wanted` (holder, member) awards of a version, issuing the missing ones
    /// with codes from `new_code`. Two organizers printing at once get the same codes: an
    /// insert that finds the award already issued does nothing, and the codes are read back.
    pub async fn issue_certificates(
        &self,
        version_id: i64,
        wanted: &[(String, String)],
        issued_at: i64,
        mut new_code: impl FnMut() -> String,
    ) -> Result<HashMap<(String, String), String>> {
        let mut codes = self.certificate_codes(version_id).await?;
        // A second pass covers the one-in-a-quadrillion code that was already taken.
        for _ in 0..2 {
            let missing: Vec<&(String, String)> =
                wanted.iter().filter(|w| !codes.contains_key(*w)).collect();
            if missing.is_empty() {
                break;
            }
            for part in missing.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO certificates (code, version_id, holder, member, issued_at) VALUES {} \
                     ON CONFLICT DO NOTHING",
                    super::units::placeholders(part.len(), 5)
                );
                let mut q = sqlx::query(&sql);
                for (holder, member) in part {
                    q = q
                        .bind(new_code())
                        .bind(version_id)
                        .bind(holder.as_str())
                        .bind(member.as_str())
                        .bind(issued_at);
                }
                q.execute(self.pool()).await?;
            }
            codes = self.certificate_codes(version_id).await?;
        }
        Ok(codes)
    }

    /// The codes issued for a version: (holder, member) → code.
    pub async fn certificate_codes(
        &self,
        version_id: i64,
    ) -> Result<HashMap<(String, String), String>> {
        let rows =
            sqlx::query("SELECT holder, member, code FROM certificates WHERE version_id = $1")
                .bind(version_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| Ok(((r.try_get(0)?, r.try_get(1)?), r.try_get(2)?)))
            .collect()
    }

    /// The certificate with `code` (already normalized: capitals, no dash), if any.
    pub async fn certificate(&self, code: &str) -> Result<Option<CertificateRow>> {
        let row = sqlx::query(
            "SELECT code, version_id, holder, member, issued_at FROM certificates WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(CertificateRow {
                code: r.try_get(0)?,
                version_id: r.try_get(1)?,
                holder: r.try_get(2)?,
                member: r.try_get(3)?,
                issued_at: r.try_get(4)?,
            })
        })
        .transpose()
    }

    /// The context and number of the published version with id `version_id`.
    pub async fn version_of_id(&self, version_id: i64) -> Result<Option<(String, i64)>> {
        let row = sqlx::query("SELECT context, version FROM published_versions WHERE id = $1")
            .bind(version_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }

    /// Kind, grade, school and commune of each of `codes` still on a roster.
    pub async fn student_levels(&self, codes: &[&str]) -> Result<Vec<StudentLevel>> {
        let mut out = Vec::with_capacity(codes.len());
        for chunk in codes.chunks(ROWS_PER_STATEMENT) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT s.code, s.kind, s.grade, s.school_code, sc.commune_code FROM students s \
                 JOIN schools sc ON sc.code = s.school_code WHERE s.code IN ({})",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for code in chunk {
                q = q.bind(*code);
            }
            for r in q.fetch_all(self.pool()).await? {
                let kind: String = r.try_get(1)?;
                out.push(StudentLevel {
                    code: r.try_get(0)?,
                    staff: kind == "staff",
                    grade: r.try_get(2)?,
                    school: r.try_get(3)?,
                    commune: r.try_get(4)?,
                });
            }
        }
        Ok(out)
    }
}
