//! How long live-game data about children is kept. A teacher needs a game's report for the
//! school year; after that, nicknames and answers are personal data with no purpose left
//! (Luật Bảo vệ dữ liệu cá nhân 2025: keep no longer than the purpose needs). The game row
//! itself (title, date, status) stays, so a school still sees that the game took place.

use crate::domain::GameId;
use sqlx::Row;

use super::{Result, Store};

impl Store {
    /// Deletes the players, answers and missed-question charges of games that are over
    /// (finished or interrupted) and ended before `cutoff_ms`. Returns how many games it
    /// emptied. Games emptied before are not visited again, so the daily run stays small.
    pub async fn purge_games_before(&self, cutoff_ms: i64) -> Result<u64> {
        let old = "SELECT id FROM games WHERE COALESCE(finished_at, created_at) < $1 \
                   AND status NOT IN ('lobby', 'running') \
                   AND EXISTS (SELECT 1 FROM players p WHERE p.game_id = games.id)";
        let games: Vec<i64> = sqlx::query(old)
            .bind(cutoff_ms)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_>>()?;
        // A game per transaction: the database's write lock is held briefly, between the
        // writer's batches, not for the whole purge.
        for &game in &games {
            let mut tx = self.pool().begin().await?;
            for table in ["answers", "misses", "event_players", "players"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE game_id = $1"))
                    .bind(game)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        }
        Ok(games.len() as u64)
    }

    /// Rows a game holds in `players`, `answers` and `misses` (for the retention test).
    pub async fn game_row_counts(&self, game: GameId) -> Result<(i64, i64, i64)> {
        let mut counts = [0i64; 3];
        for (i, table) in ["players", "answers", "misses"].iter().enumerate() {
            counts[i] = sqlx::query(&format!("SELECT COUNT(*) FROM {table} WHERE game_id = $1"))
                .bind(game)
                .fetch_one(self.pool())
                .await?
                .try_get(0)?;
        }
        Ok((counts[0], counts[1], counts[2]))
    }
}
