//! Province event games (10/10, issue 18): the games marked as events and the school each of
//! their players said they came from (migration 0016). The boards per school, commune and
//! province are fed from these and the room's totals (`rankings::event_feed`).

use sqlx::Row;

use super::{GameStatus, Result, Store};
use crate::domain::GameId;

/// A player of an event game with their unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPlayer {
    pub player: i64,
    pub school: String,
    pub commune: String,
}

/// What a board line of an event game shows of a player.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPlayerLabel {
    pub player: i64,
    pub nickname: String,
    pub school_name: String,
}

/// An event game in the lobby or running.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LiveEvent {
    pub game: GameId,
    pub title: String,
}

impl Store {
    /// Marks game `id` as a province event: its players must name their school.
    pub async fn set_game_event(&self, id: GameId) -> Result<()> {
        sqlx::query("UPDATE games SET event = 1 WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Every game ever marked as an event (a handful a year).
    pub async fn event_games(&self) -> Result<Vec<GameId>> {
        sqlx::query("SELECT id FROM games WHERE event = 1")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect()
    }

    /// Whether game `id` is an event (`None`: no such game).
    pub async fn is_event_game(&self, id: GameId) -> Result<Option<bool>> {
        let row = sqlx::query("SELECT event FROM games WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| r.try_get::<i64, _>(0).map(|e| e != 0))
            .transpose()
    }

    /// Event games in the lobby or running, newest first.
    pub async fn live_events(&self) -> Result<Vec<LiveEvent>> {
        sqlx::query(
            "SELECT id, title FROM games WHERE event = 1 AND status IN ($1, $2) ORDER BY id DESC",
        )
        .bind(GameStatus::Lobby.as_str())
        .bind(GameStatus::Running.as_str())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(LiveEvent {
                game: r.try_get(0)?,
                title: r.try_get(1)?,
            })
        })
        .collect()
    }

    /// Every player of event game `game` whose school is stored, with the school's commune.
    pub async fn event_players(&self, game: GameId) -> Result<Vec<EventPlayer>> {
        sqlx::query(
            "SELECT e.player_id, e.school, s.commune_code FROM event_players e \
             JOIN schools s ON s.code = e.school WHERE e.game_id = $1",
        )
        .bind(game)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(EventPlayer {
                player: r.try_get(0)?,
                school: r.try_get(1)?,
                commune: r.try_get(2)?,
            })
        })
        .collect()
    }

    /// The school player `player` of game `game` named, if any.
    pub async fn event_player_school(&self, game: GameId, player: i64) -> Result<Option<String>> {
        let row =
            sqlx::query("SELECT school FROM event_players WHERE game_id = $1 AND player_id = $2")
                .bind(game)
                .bind(player)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| r.try_get(0)).transpose()
    }

    /// Nicknames and school names of some players of an event game (a board's page).
    pub async fn event_player_labels(
        &self,
        game: GameId,
        players: &[i64],
    ) -> Result<Vec<EventPlayerLabel>> {
        if players.is_empty() {
            return Ok(Vec::new());
        }
        let list = (0..players.len())
            .map(|i| format!("${}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT p.id, p.nickname, COALESCE(s.name, '') FROM players p \
             LEFT JOIN event_players e ON e.game_id = p.game_id AND e.player_id = p.id \
             LEFT JOIN schools s ON s.code = e.school \
             WHERE p.game_id = $1 AND p.id IN ({list})"
        );
        let mut q = sqlx::query(&sql).bind(game);
        for p in players {
            q = q.bind(p);
        }
        q.fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(EventPlayerLabel {
                    player: r.try_get(0)?,
                    nickname: r.try_get(1)?,
                    school_name: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// The schools of a commune by name, for a player choosing theirs (public: names and codes
    /// of schools are on every public board).
    pub async fn commune_school_names(&self, commune: &str) -> Result<Vec<(String, String)>> {
        sqlx::query("SELECT code, name FROM schools WHERE commune_code = $1 ORDER BY name, code")
            .bind(commune)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }
}
