//! What a round's close sets off: every standing recorded again with its prediction's
//! distance, which needs the participant count known only at the close. A province's round has
//! hundreds of thousands of participants — minutes of work, past any proxy's timeout — so the
//! close request answers at once and this runs in the background, in chunks, with its progress
//! for the organizer's page; publishing the round waits for it (`standings_pending`). A node
//! restarted half-way finds the round closed without `standings_at` and records them all
//! again: recording is absolute, so a repeat (or two nodes at once) changes nothing.

use serde::Serialize;

use super::{Contest, Result};
use crate::domain::context::Context;
use crate::storage::contest::RoundRow;

/// Standings computed and written per step: one write to the boards each, and a progress
/// figure the page can move by.
const CHUNK: usize = 500;

/// How far this node has got with a round.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// A closed round's standings, as the organizer's page shows them.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Standings {
    /// Every standing has been recorded since the close: the round may be published.
    pub recorded: bool,
    /// This node's progress while it records them (`None` when it is done, or when another
    /// node does the work).
    pub progress: Option<Progress>,
}

impl Contest {
    /// Where the standings of `round` stand; `None` while it is open.
    pub fn standings(&self, round: &RoundRow) -> Option<Standings> {
        round.closed_at?;
        Some(Standings {
            recorded: round.standings_at.is_some(),
            progress: self.recording().get(&round.id).copied(),
        })
    }

    /// Starts recording a closed round's standings in the background, unless this node is
    /// already at it.
    pub(crate) fn record_after_close(&self, round_id: i64) {
        {
            let mut running = self.recording();
            if running.contains_key(&round_id) {
                return;
            }
            running.insert(round_id, Progress::default());
        }
        let contest = self.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let outcome = contest.record_all(round_id).await;
            contest.recording().remove(&round_id);
            match outcome {
                Ok(n) => tracing::info!(
                    round = round_id,
                    standings = n,
                    seconds = started.elapsed().as_secs_f64(),
                    "standings recorded after the close"
                ),
                // The sweep starts it again on its next tick.
                Err(e) => tracing::warn!(round = round_id, error = %e,
                    "could not record the standings of a closed round; trying again"),
            }
        });
    }

    /// Closed rounds left without their standings (a restart, a failed attempt): started
    /// again. Called by the sweep.
    pub async fn resume_recording(&self) -> Result<()> {
        for round in self.inner.store.rounds_awaiting_standings().await? {
            self.record_after_close(round.id);
        }
        Ok(())
    }

    async fn record_all(&self, round_id: i64) -> Result<u64> {
        let store = &self.inner.store;
        let round = store
            .round(round_id)
            .await?
            .ok_or(super::ContestError::NoRound)?;
        let codes = store.round_participant_codes(round.id).await?;
        self.set_progress(round.id, 0, codes.len());
        let mut recorded = 0;
        for (i, chunk) in codes.chunks(CHUNK).enumerate() {
            let mut rows = Vec::with_capacity(chunk.len());
            for code in chunk {
                rows.extend(self.standing_row(&round, code).await?);
            }
            if !rows.is_empty() {
                self.record_rows(&round, &rows).await?;
            }
            recorded += rows.len() as u64;
            self.set_progress(round.id, i * CHUNK + chunk.len(), codes.len());
        }
        let context: Context = round
            .context
            .parse()
            .map_err(|e| anyhow::anyhow!("round context {}: {e}", round.context))?;
        self.inner.rankings.refresh_collectives(&context).await?;
        store
            .standings_recorded(round.id, crate::storage::unix_ms())
            .await?;
        Ok(recorded)
    }

    fn set_progress(&self, round: i64, done: usize, total: usize) {
        self.recording().insert(
            round,
            Progress {
                done: done as u64,
                total: total as u64,
            },
        );
    }

    fn recording(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<i64, Progress>> {
        self.inner.recording.lock().expect("recording")
    }
}
