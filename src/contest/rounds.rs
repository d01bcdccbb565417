//! An organizer's side of the contest: creating a round with its questions frozen, and
//! closing it (counting participants, settling the prediction's distances).

use serde::Deserialize;

use super::{Contest, ContestError};
use crate::domain::bank::Level;
use crate::domain::contest::{Pool, RoundRules, RulesError};
use crate::domain::context::Context;
use crate::domain::{AccountId, QuestionKind};
use crate::storage::contest::NewRound;
use crate::storage::Inserted;

/// A new round as an organizer sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundInput {
    /// The round's ranking context: lowercase letters, digits and `-` (`dot-1`).
    pub context: String,
    pub title: String,
    pub levels: Vec<String>,
    /// Approved banks to draw from; none: every approved bank of each level.
    #[serde(default)]
    pub banks: Vec<String>,
    pub rules: RoundRules,
}

/// Why a round is not created.
#[derive(Debug, thiserror::Error)]
pub enum RoundRefusal {
    #[error("no such contest")]
    NoContest,
    #[error("a round's name is 1–60 lowercase letters, digits and '-', not game-…")]
    BadContext,
    #[error("a round with this name exists")]
    ContextTaken,
    #[error("a round's title is 1–200 characters")]
    BadTitle,
    #[error("unknown level {0:?} (tieu-hoc, thcs, thpt, giao-vien)")]
    BadLevel(String),
    #[error("bank {0:?} does not exist or is not approved")]
    BadBank(String),
    #[error("level {level} has {have} questions to draw from; an attempt needs {need}")]
    TooFewQuestions {
        level: &'static str,
        have: usize,
        need: u16,
    },
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error(transparent)]
    Storage(#[from] anyhow::Error),
}

impl From<sqlx::Error> for RoundRefusal {
    fn from(e: sqlx::Error) -> RoundRefusal {
        RoundRefusal::Storage(e.into())
    }
}

/// A digest of a round's frozen questions, kept in the audit log: a question changed in the
/// database after the round was created no longer matches it (`hoithi audit verify`).
pub fn questions_digest(questions: &[(Level, String, crate::domain::Question)]) -> String {
    use blake2::{Blake2s256, Digest};
    let mut lines: Vec<String> = questions
        .iter()
        .map(|(level, topic, q)| {
            let body = serde_json::to_string(q).unwrap_or_default();
            format!(
                "{}\u{1f}{}\u{1f}{}\u{1f}{topic}\u{1f}{body}",
                level.as_str(),
                q.bank,
                q.id
            )
        })
        .collect();
    lines.sort();
    let mut h = Blake2s256::new();
    for line in &lines {
        h.update((line.len() as u64).to_be_bytes());
        h.update(line.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Levels a round may have: the three school levels and teachers.
const ROUND_LEVELS: [Level; 4] = [Level::TieuHoc, Level::Thcs, Level::Thpt, Level::GiaoVien];

impl Contest {
    /// Creates a round of contest `slug`, freezing the questions of each level.
    pub async fn create_round(
        &self,
        slug: &str,
        input: &RoundInput,
        by: AccountId,
        now: i64,
    ) -> Result<i64, RoundRefusal> {
        let store = &self.inner.store;
        let contest_id = store
            .contest_id(slug)
            .await?
            .ok_or(RoundRefusal::NoContest)?;
        match input.context.parse::<Context>() {
            Ok(Context::Round(_)) => {}
            _ => return Err(RoundRefusal::BadContext),
        }
        if !(1..=200).contains(&input.title.trim().chars().count()) {
            return Err(RoundRefusal::BadTitle);
        }
        input.rules.check()?;
        let mut levels = Vec::new();
        for l in &input.levels {
            match Level::parse(l).filter(|l| ROUND_LEVELS.contains(l)) {
                Some(level) if !levels.contains(&level) => levels.push(level),
                Some(_) => {}
                None => return Err(RoundRefusal::BadLevel(l.clone())),
            }
        }
        if levels.is_empty() {
            return Err(RoundRefusal::BadLevel(String::new()));
        }
        let approved: Vec<_> = store
            .load_banks()
            .await?
            .into_iter()
            .filter(|b| {
                // Only reviewed questions may decide an official contest.
                input.banks.is_empty() || input.banks.contains(&b.id)
            })
            .collect();
        let mut usable = Vec::new();
        for bank in approved {
            let status = store.bank_status(&bank.id).await?;
            if status.is_some_and(|s| s.usable_in_official_contest()) {
                usable.push(bank);
            }
        }
        for wanted in &input.banks {
            if !usable.iter().any(|b| &b.id == wanted) {
                return Err(RoundRefusal::BadBank(wanted.clone()));
            }
        }
        let mut questions = Vec::new();
        for &level in &levels {
            let of_level: Vec<_> = usable
                .iter()
                .filter(|b| b.levels.contains(&level))
                .flat_map(|b| {
                    b.questions
                        .iter()
                        .filter(|q| q.kind != QuestionKind::Numeric)
                        .map(move |q| (b.topic.as_str().to_owned(), q.clone()))
                })
                .collect();
            let have = Pool::new(of_level.iter().cloned()).len();
            if have < usize::from(input.rules.questions) {
                return Err(RoundRefusal::TooFewQuestions {
                    level: level.as_str(),
                    have,
                    need: input.rules.questions,
                });
            }
            questions.extend(of_level.into_iter().map(|(t, q)| (level, t, q)));
        }
        let inserted = store
            .create_round(&NewRound {
                contest_id,
                context: &input.context,
                title: input.title.trim(),
                levels: &levels,
                banks: &input.banks,
                rules: &input.rules,
                questions: &questions,
            })
            .await?;
        let Inserted::New(id) = inserted else {
            return Err(RoundRefusal::ContextTaken);
        };
        let body = serde_json::json!({
            "round": id, "contest": slug, "context": input.context, "by": by,
            "levels": input.levels, "banks": input.banks, "rules": input.rules,
            "questions": questions.len(),
            "questions_digest": questions_digest(&questions),
        });
        self.audit_organizer(now, "round_created", &body).await?;
        Ok(id)
    }

    /// Closes a round: no attempt starts after this and the participants are counted (the
    /// prediction question's answer). Every standing is then recorded again with its distance,
    /// in the background (`closing`). `false` if it was closed already.
    pub async fn close_round(
        &self,
        context: &str,
        by: AccountId,
        now: i64,
    ) -> Result<bool, ContestError> {
        let store = &self.inner.store;
        let round = store
            .round_by_context(context)
            .await?
            .ok_or(ContestError::NoRound)?;
        let participants = store.round_participants(round.id).await?;
        if !store.close_round(round.id, participants, now).await? {
            return Ok(false);
        }
        // An attempt still running when the round closes keeps its time (it started inside the
        // window); its standing is recorded with the distance when it is submitted.
        let body = serde_json::json!({ "round": round.id, "context": round.context, "by": by, "participants": participants });
        self.audit_organizer(now, "round_closed", &body).await?;
        self.record_after_close(round.id);
        Ok(true)
    }

    /// Appends an organizer's act to the audit log.
    pub async fn audit_organizer(
        &self,
        now: i64,
        kind: &str,
        body: &serde_json::Value,
    ) -> anyhow::Result<()> {
        let _audit = self.inner.audit.lock().await;
        self.inner
            .store
            .append_audit(now, kind, &body.to_string())
            .await?;
        Ok(())
    }
}
