//! Taking over a game whose owner node died (issue 18): once its lease has expired, the first
//! node a phone of the game reaches rebuilds the room from the database (`Game::restore`) and
//! runs it from the current phase; every player comes back with `resume`, their token intact.

use anyhow::Context;

use super::room::{self, Room, TakenOver};
use super::{token, Engine, RoomHandle};
use crate::domain::game::{Game, Settings};
use crate::domain::GameId;
use crate::storage::{unix_ms, GameStatus};

/// Sequence numbers the dead room may have used after its last stored progression (a lock
/// changed, say): the new room starts above them, so no phone takes its messages for old ones.
const SEQ_MARGIN: u64 = 1_000;

impl Engine {
    pub(super) async fn take_over(&self, game: GameId) -> anyhow::Result<RoomHandle> {
        let cluster = self.inner.cluster.as_ref().context("a single node")?;
        // One takeover at a time on this node: the many phones of the game come at once.
        let _turn = self.inner.takeovers.lock().await;
        if let Some(room) = self.by_game(game) {
            return Ok(room);
        }
        cluster.take_over(game, Box::pin(self.rebuild(game))).await
    }

    /// The room of `game` rebuilt from the database and started, its lease held already.
    async fn rebuild(&self, game: GameId) -> anyhow::Result<RoomHandle> {
        let store = &self.inner.store;
        let row = store.game(game).await?.context("no such game")?;
        anyhow::ensure!(
            matches!(row.status, GameStatus::Lobby | GameStatus::Running),
            "game {game} is over"
        );
        let left = store.left_game(game).await?;
        let questions = store.quiz_questions(row.quiz_id).await?;
        let settings: Settings = serde_json::from_str(&row.settings_json)?;
        let restored = Game::restore(questions, settings, row.seed as u64, &left.history)
            .map_err(|e| anyhow::anyhow!("game {game} does not replay: {e:?}"))?;
        // A team game's teams come back as last stored (picks in the last quarter second before
        // the node died may be lost: the host can place those players again).
        let teams = match store.game_teams(game).await? {
            Some(json) => {
                let record: crate::domain::teams::Record = serde_json::from_str(&json)?;
                Some(
                    crate::domain::teams::Teams::from_record(record)
                        .map_err(|e| anyhow::anyhow!("game {game}'s stored teams: {e}"))?,
                )
            }
            None => None,
        };
        let secrets = left
            .token_hashes
            .iter()
            .map(|h| token::unhex32(h))
            .collect::<Option<Vec<_>>>()
            .context("a stored token hash is not 64 hex digits")?;
        let writer = self
            .inner
            .writer
            .lock()
            .expect("writer lock")
            .clone()
            .context("the server is shutting down")?;
        self.inner
            .rooms
            .lock()
            .expect("rooms lock")
            .adopt(row.host_id);
        let setup = room::RoomSetup {
            game_id: game,
            pin: row.pin.clone(),
            title: row.title,
            // The host's page shows this as the join address; the node's own address is not
            // known here, and the page's origin completes a relative one.
            join_url: format!("/?pin={}", row.pin),
            image_base: self.inner.image_base.clone(),
            hand_over: self.inner.cluster.is_some(),
            game: restored.game,
        };
        let taken = TakenOver {
            phase_began: restored.phase_began,
            phase_began_wall: left.phase_at.unwrap_or_else(unix_ms),
            seq: left.seq.max(0) as u64 + SEQ_MARGIN,
            secrets,
            teams,
        };
        let (handle, rx) = RoomHandle::channel(game, row.pin, row.host_id);
        let room = Room::taken_over(
            setup,
            writer,
            self.inner.feed.clone(),
            handle.tx.downgrade(),
            taken,
        );
        self.start_room(room, handle.clone(), rx).await;
        tracing::warn!(game = %game, phase = ?left.history.at, "game taken over from a node that is gone");
        Ok(handle)
    }
}
