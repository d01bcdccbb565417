//! How long live-game data about children is kept. A teacher needs a game's report for the
//! school year; after that, nicknames and answers are personal data with no purpose left
//! (Luật Bảo vệ dữ liệu cá nhân 2025: keep no longer than the purpose needs). The game row
//! itself (title, date, status) stays, so a school still sees that the game took place.

use sqlx::Row;

use super::{Result, Store};

impl Store {
    /// Deletes the players, answers and missed-question charges of games created before
    /// `cutoff_ms` that are over (finished or interrupted). Returns how many games it emptied.
    pub async fn purge_games_before(&self, cutoff_ms: i64) -> Result<u64> {
        let mut tx = self.pool().begin().await?;
        let old =
            "SELECT id FROM games WHERE created_at < $1 AND status NOT IN ('lobby', 'running')";
        let games: Vec<i64> = sqlx::query(old)
            .bind(cutoff_ms)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_>>()?;
        let mut emptied = 0;
        for game in games {
            let mut removed = 0;
            for table in ["answers", "misses", "players"] {
                removed += sqlx::query(&format!("DELETE FROM {table} WHERE game_id = $1"))
                    .bind(game)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            emptied += u64::from(removed > 0);
        }
        tx.commit().await?;
        Ok(emptied)
    }
}
