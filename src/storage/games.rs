//! Games: one row per game opened, its players and their answers. Players and answers are
//! written by the batching [`super::writer`]; this file holds the rest.

use serde::Serialize;
use sqlx::Row;

use super::{unix_ms, Result, Store};
use crate::domain::{AccountId, GameId};

/// Where a game is in its life, as the database records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GameStatus {
    Lobby,
    Running,
    Finished,
    /// The server stopped while the game was open; answers until then are kept.
    Interrupted,
}

impl GameStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GameStatus::Lobby => "lobby",
            GameStatus::Running => "running",
            GameStatus::Finished => "finished",
            GameStatus::Interrupted => "interrupted",
        }
    }

    /// What a report says about the status, in Vietnamese (the teacher reads it in a
    /// downloaded file, away from the page's message catalogue).
    pub fn text(self) -> &'static str {
        match self {
            GameStatus::Lobby => "Đang chờ",
            GameStatus::Running => "Đang chơi",
            GameStatus::Finished => "Đã kết thúc",
            GameStatus::Interrupted => "Trò chơi bị gián đoạn",
        }
    }

    fn parse(s: &str) -> GameStatus {
        match s {
            "lobby" => GameStatus::Lobby,
            "running" => GameStatus::Running,
            "finished" => GameStatus::Finished,
            _ => GameStatus::Interrupted,
        }
    }
}

pub struct NewGame<'a> {
    pub quiz_id: i64,
    pub host_id: AccountId,
    pub pin: &'a str,
    pub title: &'a str,
    pub settings_json: &'a str,
    pub seed: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GameRow {
    pub id: GameId,
    pub quiz_id: i64,
    pub host_id: AccountId,
    pub pin: String,
    pub title: String,
    /// The class the game was played in, when the host named one (for its report).
    pub class: Option<String>,
    #[serde(skip)]
    pub settings_json: String,
    #[serde(skip)]
    pub seed: i64,
    pub status: GameStatus,
    pub created_at: i64,
    pub players: i64,
}

fn game_row(r: &sqlx::any::AnyRow) -> Result<GameRow> {
    Ok(GameRow {
        id: r.try_get("id")?,
        quiz_id: r.try_get("quiz_id")?,
        host_id: r.try_get("host_id")?,
        pin: r.try_get("pin")?,
        title: r.try_get("title")?,
        class: r.try_get("class_name")?,
        settings_json: r.try_get("settings")?,
        seed: r.try_get("seed")?,
        status: GameStatus::parse(&r.try_get::<String, _>("status")?),
        created_at: r.try_get("created_at")?,
        players: r.try_get("n")?,
    })
}

const GAME_SELECT: &str =
    "SELECT g.id, g.quiz_id, g.host_id, g.pin, g.title, g.class_name, g.settings, g.seed, g.status, \
     g.created_at, (SELECT COUNT(*) FROM players p WHERE p.game_id = g.id) AS n FROM games g";

impl Store {
    pub async fn create_game(&self, g: &NewGame<'_>) -> Result<GameId> {
        sqlx::query(
            "INSERT INTO games (quiz_id, host_id, pin, title, settings, seed, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(g.quiz_id)
        .bind(g.host_id)
        .bind(g.pin)
        .bind(g.title)
        .bind(g.settings_json)
        .bind(g.seed)
        .bind(GameStatus::Lobby.as_str())
        .bind(unix_ms())
        .fetch_one(self.pool())
        .await?
        .try_get(0)
    }

    pub async fn game(&self, id: GameId) -> Result<Option<GameRow>> {
        let sql = format!("{GAME_SELECT} WHERE g.id = $1");
        sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(game_row)
            .transpose()
    }

    /// Names the class game `id` is played in.
    pub async fn set_game_class(&self, id: GameId, class: &str) -> Result<()> {
        sqlx::query("UPDATE games SET class_name = $2 WHERE id = $1")
            .bind(id)
            .bind(class)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A team game's stored teams (`domain::teams::Record` as JSON; migration 0017).
    pub async fn game_teams(&self, id: GameId) -> Result<Option<String>> {
        let row = sqlx::query("SELECT teams FROM games WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .map(|r| r.try_get::<Option<String>, _>(0))
            .transpose()?
            .flatten())
    }

    /// The PINs of every open game (in the lobby or running) and stage contest, whichever node
    /// runs it.
    pub async fn open_pins(&self) -> Result<std::collections::HashSet<String>> {
        sqlx::query(
            "SELECT pin FROM games WHERE status IN ($1, $2) \
             UNION SELECT pin FROM bell_contests WHERE status = 'open'",
        )
        .bind(GameStatus::Lobby.as_str())
        .bind(GameStatus::Running.as_str())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect()
    }

    /// The ids of the games open (in the lobby or running) on any node.
    pub async fn open_game_ids(&self) -> Result<Vec<GameId>> {
        sqlx::query("SELECT id FROM games WHERE status IN ($1, $2) ORDER BY id")
            .bind(GameStatus::Lobby.as_str())
            .bind(GameStatus::Running.as_str())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0).map(GameId::new))
            .collect()
    }

    /// Marks `game` interrupted if it is still open; whether it was.
    pub async fn interrupt_game(&self, game: GameId) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE games SET status = $1, finished_at = $2 WHERE id = $3 AND status IN ($4, $5)",
        )
        .bind(GameStatus::Interrupted.as_str())
        .bind(unix_ms())
        .bind(game)
        .bind(GameStatus::Lobby.as_str())
        .bind(GameStatus::Running.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The open game (in the lobby or running) of PIN `pin`, the newest if an old one was
    /// never closed: how a node finds a game another node runs.
    pub async fn open_game_by_pin(&self, pin: &str) -> Result<Option<GameRow>> {
        let sql = format!(
            "{GAME_SELECT} WHERE g.pin = $1 AND g.status IN ($2, $3) ORDER BY g.id DESC LIMIT 1"
        );
        sqlx::query(&sql)
            .bind(pin)
            .bind(GameStatus::Lobby.as_str())
            .bind(GameStatus::Running.as_str())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(game_row)
            .transpose()
    }

    /// Games hosted by `host` (every game for `None`), newest first.
    pub async fn list_games(&self, host: Option<AccountId>) -> Result<Vec<GameRow>> {
        let sql = format!("{GAME_SELECT} WHERE ($1 IS NULL OR g.host_id = $1) ORDER BY g.created_at DESC, g.id DESC LIMIT 200");
        sqlx::query(&sql)
            .bind(host)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(game_row)
            .collect()
    }

    /// Games left open by a previous run of the server: marked interrupted, so the report says
    /// the game did not finish, and returns how many.
    pub async fn interrupt_open_games(&self) -> Result<u64> {
        let done =
            sqlx::query("UPDATE games SET status = $1, finished_at = $2 WHERE status IN ($3, $4)")
                .bind(GameStatus::Interrupted.as_str())
                .bind(unix_ms())
                .bind(GameStatus::Lobby.as_str())
                .bind(GameStatus::Running.as_str())
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected())
    }
}
