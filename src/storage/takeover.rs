//! What a node reads to take over a live game whose owner died (issue 18): the game's
//! progression (migration 0010) and everything the replay of `domain::game::restore` needs.

use sqlx::Row;

use super::{Result, Store};
use crate::domain::game::restore::{History, PastAnswer, PastPlayer, Progress};
use crate::domain::game::PlayerId;
use crate::domain::{Answer, GameId, Nickname};

/// A game as its dead owner left it in the database.
pub struct LeftGame {
    pub history: History,
    /// Each player's token hash (hex), by player id: their tokens still hold.
    pub token_hashes: Vec<String>,
    /// When the current phase began (Unix ms); `None` in the lobby.
    pub phase_at: Option<i64>,
    /// The room's sequence number at the last phase change.
    pub seq: i64,
}

fn progress(phase: &str, index: i64) -> Progress {
    let index = index.max(0) as usize;
    match phase {
        "question" => Progress::Question(index),
        "reveal" => Progress::Reveal(index),
        "leaderboard" => Progress::Leaderboard(index),
        _ => Progress::Lobby,
    }
}

impl Store {
    /// The game `game` as the database holds it, to be rebuilt elsewhere.
    pub async fn left_game(&self, game: GameId) -> anyhow::Result<LeftGame> {
        let row = sqlx::query("SELECT phase, phase_index, phase_at, seq FROM games WHERE id = $1")
            .bind(game)
            .fetch_one(self.pool())
            .await?;
        let at = progress(
            &row.try_get::<String, _>("phase")?,
            row.try_get("phase_index")?,
        );
        let phase_at: Option<i64> = row.try_get("phase_at")?;
        let seq: i64 = row.try_get("seq")?;

        let mut players = Vec::new();
        let mut token_hashes = Vec::new();
        for r in sqlx::query(
            "SELECT id, nickname, token_hash, kicked FROM players WHERE game_id = $1 ORDER BY id",
        )
        .bind(game)
        .fetch_all(self.pool())
        .await?
        {
            let id: i64 = r.try_get("id")?;
            anyhow::ensure!(
                id as usize == players.len(),
                "player ids of game {game} have a gap"
            );
            let nickname: String = r.try_get("nickname")?;
            players.push(PastPlayer {
                nickname: Nickname::parse(&nickname)
                    .map_err(|_| anyhow::anyhow!("a stored nickname does not parse"))?,
                kicked: r.try_get::<i64, _>("kicked")? != 0,
            });
            token_hashes.push(r.try_get("token_hash")?);
        }
        let answers = sqlx::query(
            "SELECT player_id, question, answer, elapsed_ms FROM answers WHERE game_id = $1",
        )
        .bind(game)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(PastAnswer {
                player: r.try_get::<i64, _>("player_id")? as PlayerId,
                question: r.try_get::<i64, _>("question")? as usize,
                answer: serde_json::from_str::<Answer>(&r.try_get::<String, _>("answer")?)?,
                elapsed_ms: r.try_get::<i64, _>("elapsed_ms")? as u32,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
        let misses = sqlx::query("SELECT player_id, question FROM misses WHERE game_id = $1")
            .bind(game)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<i64, _>("player_id")? as PlayerId,
                    r.try_get::<i64, _>("question")? as usize,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(LeftGame {
            history: History {
                players,
                answers,
                misses,
                at,
            },
            token_hashes,
            phase_at,
            seq,
        })
    }
}
