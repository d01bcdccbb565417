//! The province's online contest as a service: rounds with their frozen questions, attempts
//! from start to submission, the server's submission of attempts whose time ran out, and each
//! participant's standing on the round's boards. The rules are `domain::contest`'s; this
//! module loads, applies and stores. It holds no attempt in memory: every request reads the
//! attempt's row, applies the rule and writes it back naming the revision it read, so any
//! number of requests (or, later, nodes) may serve one participant.

pub mod cards;
pub mod closing;
pub mod level;
pub mod report;
pub mod rounds;
pub mod verify;
pub mod view;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use rand::Rng;

use crate::domain::bank::Level;
use crate::domain::contest::rules::History;
use crate::domain::contest::standing::{standing, Submitted};
use crate::domain::contest::{draw, Attempt, AttemptError, Pool, StartRefusal};
use crate::domain::context::Context;
use crate::domain::option_labels::apply;
use crate::domain::{Answer, Question};
use crate::rankings::Rankings;
use crate::storage::attempts::{AttemptRow, NewAttempt};
use crate::storage::contest::RoundRow;
use crate::storage::{Inserted, Participant, ResultRow, Store};
use view::AttemptView;

/// How often the server submits attempts whose time ran out.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Submits attempts whose time ran out and records the standings of closed rounds left
/// without them (`closing`), every `every`, and deletes expired sessions every hour, until
/// shutdown.
pub async fn sweep(
    contest: Contest,
    every: std::time::Duration,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_purge = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        if *shutdown.borrow() {
            return;
        }
        let now = crate::storage::unix_ms();
        match contest.expire_due(now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(attempts = n, "attempts submitted at their deadline"),
            Err(e) => tracing::warn!(error = %e, "could not submit expired attempts"),
        }
        if let Err(e) = contest.resume_recording().await {
            tracing::warn!(error = %e, "could not look for closed rounds without standings");
        }
        // Expired sessions, hourly: each card sign-in makes one, and a month of a contest
        // makes many.
        if last_purge.elapsed() >= std::time::Duration::from_secs(3600) {
            last_purge = tokio::time::Instant::now();
            match contest.store().purge_expired_sessions(now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions = n, "expired sessions deleted"),
                Err(e) => tracing::warn!(error = %e, "could not delete expired sessions"),
            }
        }
    }
}

/// Reads and writes of one attempt before a request gives up: each lost race means another
/// request of the same participant just wrote it.
const RACES: usize = 8;

/// Why a participant's request is refused. Nothing is changed when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum ContestError {
    #[error("no such round")]
    NoRound,
    #[error("the round is not for this participant's level")]
    NotYourLevel,
    #[error(transparent)]
    Start(#[from] StartRefusal),
    #[error(transparent)]
    Attempt(#[from] AttemptError),
    /// No such attempt, or another participant's: the same answer, so ids tell nothing.
    #[error("no such attempt")]
    NoAttempt,
    #[error("the attempt is being changed by another request")]
    Busy,
    #[error(transparent)]
    Storage(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ContestError {
    fn from(e: sqlx::Error) -> ContestError {
        ContestError::Storage(e.into())
    }
}

pub type Result<T> = std::result::Result<T, ContestError>;

/// The contest service; cheap to clone.
#[derive(Clone)]
pub struct Contest {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    rankings: Rankings,
    image_base: &'static str,
    /// A round's questions for a level never change (they are frozen at its creation).
    pools: Mutex<HashMap<(i64, Level), Arc<Pool>>>,
    /// One writer of the audit log at a time (its rows chain).
    audit: tokio::sync::Mutex<()>,
    /// Closed rounds whose standings this node is recording, with its progress (`closing`).
    recording: Mutex<HashMap<i64, closing::Progress>>,
}

/// A participant's round: its settings, their attempts, their standing.
#[derive(Debug, serde::Serialize)]
pub struct RoundForParticipant {
    pub context: String,
    pub title: String,
    pub level: Level,
    pub rules: crate::domain::contest::RoundRules,
    pub open: bool,
    pub attempts: Vec<AttemptSummary>,
    /// The open attempt to resume, if any.
    pub open_attempt: Option<i64>,
    /// Why a new attempt would be refused now (the code of `docs/protocol.md`: the day's or
    /// the round's attempts are used, the round is not open), so the page says it before the
    /// pupil taps; `None` when one may start.
    pub start_refused: Option<&'static str>,
}

#[derive(Debug, serde::Serialize)]
pub struct AttemptSummary {
    pub id: i64,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub score: Option<i64>,
    pub time_ms: Option<i64>,
}

impl Contest {
    pub fn new(store: Store, rankings: Rankings, image_base: &'static str) -> Contest {
        Contest {
            inner: Arc::new(Inner {
                store,
                rankings,
                image_base,
                pools: Mutex::new(HashMap::new()),
                audit: tokio::sync::Mutex::new(()),
                recording: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    async fn pool(&self, round: i64, level: Level) -> Result<Arc<Pool>> {
        if let Some(pool) = self.inner.pools.lock().expect("pools").get(&(round, level)) {
            return Ok(pool.clone());
        }
        let questions = self.inner.store.round_questions(round, level).await?;
        let pool = Arc::new(Pool::new(questions));
        self.inner
            .pools
            .lock()
            .expect("pools")
            .insert((round, level), pool.clone());
        Ok(pool)
    }

    /// The questions of `attempt` as its participant sees them.
    async fn shown(&self, row: &AttemptRow) -> Result<Vec<Question>> {
        let pool = self.pool(row.round_id, row.level).await?;
        row.attempt
            .questions
            .iter()
            .map(|d| {
                pool.find(&d.bank, &d.id)
                    .map(|q| apply(q, &d.labels()))
                    .ok_or_else(|| {
                        ContestError::Storage(anyhow::anyhow!(
                            "attempt {} draws {}/{}, which its round does not hold",
                            row.id,
                            d.bank,
                            d.id
                        ))
                    })
            })
            .collect()
    }

    async fn round_for(
        &self,
        participant: &Participant,
        context: &str,
    ) -> Result<(RoundRow, Level)> {
        let round = self
            .inner
            .store
            .round_by_context(context)
            .await?
            .ok_or(ContestError::NoRound)?;
        let level = level::of(participant)
            .filter(|l| round.levels.contains(l))
            .ok_or(ContestError::NotYourLevel)?;
        Ok((round, level))
    }

    /// The open rounds of a participant's level, and closed ones they took part in.
    pub async fn rounds_for(
        &self,
        participant: &Participant,
        now: i64,
    ) -> Result<Vec<RoundForParticipant>> {
        let Some(level) = level::of(participant) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for round in self.inner.store.rounds(None).await? {
            if !round.levels.contains(&level) {
                continue;
            }
            let attempts = self
                .inner
                .store
                .attempts_of(round.id, &participant.code)
                .await?;
            let open = round.rules_now().is_open(now);
            if !open && attempts.is_empty() {
                continue;
            }
            let mut summaries = Vec::with_capacity(attempts.len());
            for a in &attempts {
                let scored = a.attempt.score(&self.shown(a).await?);
                summaries.push(AttemptSummary {
                    id: a.id,
                    started_at: a.attempt.started_at,
                    submitted_at: a.attempt.submitted_at,
                    score: scored.map(|s| s.score),
                    time_ms: scored.map(|s| s.time_ms),
                });
            }
            let rules = round.rules_now();
            let open_attempt = attempts
                .iter()
                .find(|a| a.attempt.is_open(now))
                .map(|a| a.id);
            let history = History {
                active: open_attempt.is_some(),
                started_at: attempts.iter().map(|a| a.attempt.started_at).collect(),
            };
            let start_refused = rules.may_start(now, &history).err().map(|r| match r {
                StartRefusal::NotOpen => "round_not_open",
                StartRefusal::Closed => "round_closed",
                StartRefusal::Active => "attempt_open",
                StartRefusal::RoundCap(_) => "attempts_used",
                StartRefusal::DayCap { .. } => "attempts_today_used",
            });
            out.push(RoundForParticipant {
                open_attempt,
                start_refused,
                attempts: summaries,
                context: round.context,
                title: round.title,
                level,
                rules,
                open,
            });
        }
        Ok(out)
    }

    /// Starts an attempt, or gives back the open one: a second device or a reload resumes it,
    /// never a second attempt and never a fresh clock.
    pub async fn start(
        &self,
        participant: &Participant,
        context: &str,
        now: i64,
    ) -> Result<AttemptView> {
        let (round, level) = self.round_for(participant, context).await?;
        for _ in 0..RACES {
            let mut attempts = self
                .inner
                .store
                .attempts_of(round.id, &participant.code)
                .await?;
            // The server's submission of an attempt whose time ran out, before anything else.
            for row in &mut attempts {
                self.expire(row, &round, now).await?;
            }
            if let Some(open) = attempts.iter().find(|a| a.attempt.is_open(now)) {
                return self.view_of(&round, open, now).await;
            }
            if round.closed_at.is_some() {
                return Err(StartRefusal::Closed.into());
            }
            let history = History {
                active: false,
                started_at: attempts.iter().map(|a| a.attempt.started_at).collect(),
            };
            round.rules_now().may_start(now, &history)?;
            let pool = self.pool(round.id, level).await?;
            let seed: u64 = rand::rng().random::<u64>() >> 1;
            let drawn = draw(&pool, usize::from(round.rules.questions), seed);
            let attempt = Attempt::new(now, round.rules.time_limit_ms(), seed, drawn);
            let inserted = {
                let _audit = self.inner.audit.lock().await;
                self.inner
                    .store
                    .insert_attempt(&NewAttempt {
                        round_id: round.id,
                        participant: &participant.code,
                        level,
                        attempt: &attempt,
                    })
                    .await?
            };
            match inserted {
                Inserted::New(id) => {
                    tracing::debug!(attempt = id, participant = %participant.code, "attempt started");
                    let row = AttemptRow {
                        id,
                        round_id: round.id,
                        participant: participant.code.clone(),
                        level,
                        attempt,
                        rev: 0,
                    };
                    return self.view_of(&round, &row, now).await;
                }
                // Another device started one at the same instant: resume that one.
                Inserted::Taken => continue,
            }
        }
        Err(ContestError::Busy)
    }

    async fn view_of(&self, round: &RoundRow, row: &AttemptRow, now: i64) -> Result<AttemptView> {
        let shown = self.shown(row).await?;
        Ok(view::attempt_view(
            row.id,
            &round.context,
            &round.rules_now(),
            &row.attempt,
            &shown,
            now,
            self.inner.image_base,
        ))
    }

    /// The participant's own attempt; anyone else's is `NoAttempt`, as a missing one is.
    async fn own(&self, participant: &Participant, id: i64) -> Result<(AttemptRow, RoundRow)> {
        let row = self
            .inner
            .store
            .attempt(id)
            .await?
            .filter(|r| r.participant == participant.code)
            .ok_or(ContestError::NoAttempt)?;
        let round = self
            .inner
            .store
            .round(row.round_id)
            .await?
            .ok_or(ContestError::NoRound)?;
        Ok((row, round))
    }

    /// An attempt as its participant may see it now (submitted by the server first if its
    /// time has run out).
    pub async fn view(&self, participant: &Participant, id: i64, now: i64) -> Result<AttemptView> {
        let (mut row, round) = self.own(participant, id).await?;
        self.expire(&mut row, &round, now).await?;
        self.view_of(&round, &row, now).await
    }

    /// Applies `change` to the participant's attempt and saves it, reading again when another
    /// request wrote first. Returns the time left.
    async fn change(
        &self,
        participant: &Participant,
        id: i64,
        now: i64,
        change: impl Fn(&mut Attempt, &[Question]) -> std::result::Result<(), AttemptError>,
    ) -> Result<i64> {
        for _ in 0..RACES {
            let (mut row, _) = self.own(participant, id).await?;
            let shown = self.shown(&row).await?;
            change(&mut row.attempt, &shown)?;
            if self.inner.store.save_answers(&row).await? {
                return Ok(row.attempt.remaining_ms(now));
            }
        }
        Err(ContestError::Busy)
    }

    /// Records (or replaces) the answer to question `index`: on disk before this returns.
    pub async fn answer(
        &self,
        participant: &Participant,
        id: i64,
        index: usize,
        answer: Answer,
        now: i64,
    ) -> Result<i64> {
        self.change(participant, id, now, |a, shown| {
            let q = shown
                .get(index)
                .ok_or(AttemptError::NoSuchQuestion(index))?;
            a.answer(now, index, q, answer.clone())
        })
        .await
    }

    pub async fn predict(
        &self,
        participant: &Participant,
        id: i64,
        value: i64,
        now: i64,
    ) -> Result<i64> {
        self.change(participant, id, now, |a, _| a.predict(now, value))
            .await
    }

    /// The participant submits: score and time (the key only as the round's policy allows).
    pub async fn submit(
        &self,
        participant: &Participant,
        id: i64,
        now: i64,
    ) -> Result<AttemptView> {
        for _ in 0..RACES {
            let (mut row, round) = self.own(participant, id).await?;
            let shown = self.shown(&row).await?;
            let scored = row.attempt.submit(now, &shown)?;
            let saved = {
                let _audit = self.inner.audit.lock().await;
                self.inner.store.save_submission(&row, &scored).await?
            };
            if saved {
                self.record_standing(&round, &participant.code).await?;
                return self.view_of(&round, &row, now).await;
            }
        }
        Err(ContestError::Busy)
    }

    /// Submits `row` for the server if its time has run out (updating `row`); a lost race
    /// means someone else did, and `row` is read again.
    async fn expire(&self, row: &mut AttemptRow, round: &RoundRow, now: i64) -> Result<()> {
        for _ in 0..RACES {
            let shown = self.shown(row).await?;
            let mut next = row.clone();
            let Some(scored) = next.attempt.expire(now, &shown) else {
                return Ok(());
            };
            let saved = {
                let _audit = self.inner.audit.lock().await;
                self.inner.store.save_submission(&next, &scored).await?
            };
            if saved {
                tracing::debug!(
                    attempt = row.id,
                    "attempt submitted by the server at its deadline"
                );
                *row = next;
                self.record_standing(round, &row.participant).await?;
                return Ok(());
            }
            *row = self
                .inner
                .store
                .attempt(row.id)
                .await?
                .ok_or(ContestError::NoAttempt)?;
        }
        Err(ContestError::Busy)
    }

    /// Submits every attempt whose time ran out before `now`; how many. Run every few
    /// seconds, so standings do not wait for the participant to come back.
    pub async fn expire_due(&self, now: i64) -> Result<usize> {
        let due = self
            .inner
            .store
            .expired_attempts(now - crate::domain::contest::rules::GRACE_MS, 500)
            .await?;
        let mut done = 0;
        for mut row in due {
            let Some(round) = self.inner.store.round(row.round_id).await? else {
                continue;
            };
            self.expire(&mut row, &round, now).await?;
            done += 1;
        }
        Ok(done)
    }

    /// The participant's standing in the round, from their submitted attempts, onto the
    /// round's results and boards (absolute values: a repeat changes nothing).
    async fn record_standing(&self, round: &RoundRow, code: &str) -> Result<()> {
        let Some(row) = self.standing_row(round, code).await? else {
            return Ok(());
        };
        self.record_rows(round, &[row]).await
    }

    /// The participant's standing from their submitted attempts; `None` before their first
    /// submission.
    async fn standing_row(&self, round: &RoundRow, code: &str) -> Result<Option<ResultRow>> {
        let attempts = self.inner.store.attempts_of(round.id, code).await?;
        let mut submitted = Vec::new();
        for row in &attempts {
            let shown = self.shown(row).await?;
            if let Some(s) = row.attempt.score(&shown) {
                submitted.push(Submitted {
                    score: s.score,
                    time_ms: s.time_ms,
                    prediction: row.attempt.prediction,
                    submitted_at: s.submitted_at,
                });
            }
        }
        Ok(standing(
            &submitted,
            round.rules.counts,
            &round.rules.order,
            round.participants,
        )
        .map(|st| ResultRow {
            student: code.to_owned(),
            score: st.score,
            time_ms: st.time_ms,
            distance: st.distance,
            attempts: st.attempts,
            submitted_at: st.submitted_at,
        }))
    }

    /// Standings onto the round's results and boards, in one write.
    async fn record_rows(&self, round: &RoundRow, rows: &[ResultRow]) -> Result<()> {
        let context: Context = round
            .context
            .parse()
            .map_err(|e| anyhow::anyhow!("round context {}: {e}", round.context))?;
        self.inner
            .rankings
            .record(&context, rows)
            .await
            .context("Failed to record contest standings")?;
        Ok(())
    }
}
