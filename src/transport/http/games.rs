//! Opening games, listing them, their QR code and their reports.

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::access::{province_wide, require};
use super::auth::CurrentAccount;
use super::error::{ApiError, ApiResult, Refusal};
use super::export::Dialect;
use super::quizzes::quiz_for;
use super::report_files::{self, Part};
// The contest's login cards also print the join address.
pub use super::network::join_base;
use crate::domain::access::{Action, Target};
use crate::domain::game::settings::READING_MS;
use crate::domain::game::Settings;
use crate::domain::{text, GameId, TimeLimit};
use crate::engine::OpenError;
use crate::storage::{Account, GameRow};
use crate::transport::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewGame {
    quiz: i64,
    #[serde(default)]
    settings: SettingsInput,
    /// The class the game is played in («7A»): in the report's heading and file name.
    #[serde(default)]
    class: Option<String>,
    /// A province event (10/10): players name their school when they join, and the game feeds
    /// public boards per school, commune and province. Organizers only.
    #[serde(default)]
    event: bool,
}

/// What a host may choose; the rest of [`Settings`] is the server's to decide.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    late_join: Option<bool>,
    auto_advance_ms: Option<u64>,
    streak_bonus: Option<bool>,
    /// The game's player cap, up to the server's maximum (the province event sets tens of
    /// thousands; a class keeps the default).
    max_players: Option<u32>,
    /// Milliseconds to read each question before answers open (off when absent).
    reading_ms: Option<u64>,
}

pub async fn open_game(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    headers: HeaderMap,
    Json(body): Json<NewGame>,
) -> ApiResult<Json<Opened>> {
    // One's own quiz, one shared by a colleague of the school, or (a school admin) any quiz
    // of the school; the game is the host's either way.
    quiz_for(&state, &account, body.quiz, Action::RunGame).await?;
    if body.event {
        require(&account, Action::ManageContests, Target::Province)?;
    }
    let class = match body.class.as_deref().map(text::normalize) {
        Some(class) if class.is_empty() || text::char_len(&class) > 40 => {
            return Err(Refusal::InvalidClass.into())
        }
        class => class,
    };
    let limits = state.limits().config();
    let mut settings = Settings {
        max_players: limits.players_per_game,
        ..Settings::default()
    };
    if let Some(players) = body.settings.max_players {
        if !(1..=limits.max_players_per_game).contains(&players) {
            return Err(Refusal::InvalidMaxPlayers {
                max: limits.max_players_per_game,
            }
            .into());
        }
        settings.max_players = players;
    }
    if let Some(late) = body.settings.late_join {
        settings.late_join = late;
    }
    if let Some(streak) = body.settings.streak_bonus {
        settings.streak_bonus = streak;
    }
    if let Some(ms) = body.settings.auto_advance_ms {
        if !(u64::from(TimeLimit::MIN_SECS) * 1000..=60_000).contains(&ms) {
            return Err(Refusal::InvalidAutoAdvance.into());
        }
        settings.auto_advance_ms = Some(ms);
    }
    if let Some(ms) = body.settings.reading_ms {
        if !READING_MS.contains(&ms) {
            return Err(Refusal::InvalidReadingTime {
                min: *READING_MS.start(),
                max: *READING_MS.end(),
            }
            .into());
        }
        settings.reading_ms = Some(ms);
    }
    let base = join_base(&state, &headers);
    // In its own task: if the teacher's request is dropped half-way, the game is still opened
    // whole (a reserved PIN and a stored game row are never left behind without a room).
    let engine = state.engine().clone();
    let join_base = base.clone();
    let (id, pin) = tokio::spawn(async move {
        engine
            .open_game(body.quiz, account.id, settings, &join_base)
            .await
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(refused)?;
    if let Some(class) = class {
        state.store().set_game_class(id, &class).await?;
    }
    // Before the PIN is handed out, so no player joins it as an ordinary game.
    if body.event {
        state.store().set_game_event(id).await?;
        state.live().known().add_event(id);
    }
    Ok(Json(Opened {
        join_url: format!("{base}/?pin={pin}"),
        id,
        pin,
    }))
}

/// `POST /api/games`: the game opened, and where players join it.
#[derive(Serialize)]
pub struct Opened {
    id: GameId,
    pin: String,
    join_url: String,
}

/// Why a game could not be opened, as the teacher reads it.
pub(super) fn refused(e: OpenError) -> ApiError {
    match e {
        OpenError::TooManyForAccount(cap) => Refusal::TooManyGames { cap }.into(),
        OpenError::TooManyOnServer(_) => Refusal::ServerFull.into(),
        OpenError::NoFreePin => Refusal::NoFreePin.into(),
        OpenError::Other(e) => ApiError::Internal(e),
    }
}

pub async fn list_games(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
) -> ApiResult<Json<Vec<GameRow>>> {
    let host = if province_wide(&account, Action::RunGame) {
        None
    } else {
        require(&account, Action::RunGame, Target::OwnedBy(account.id))?;
        Some(account.id)
    };
    Ok(Json(state.store().list_games(host).await?))
}

/// The game, if this account may see it.
async fn owned_game(state: &AppState, account: &Account, id: GameId) -> ApiResult<GameRow> {
    let game = state.store().game(id).await?.ok_or(ApiError::NotFound)?;
    require(account, Action::RunGame, Target::OwnedBy(game.host_id))?;
    Ok(game)
}

pub async fn qr(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    headers: HeaderMap,
    Path(id): Path<GameId>,
) -> ApiResult<Response> {
    let game = owned_game(&state, &account, id).await?;
    let url = format!("{}/?pin={}", join_base(&state, &headers), game.pin);
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| anyhow::anyhow!("QR: {e}"))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok(([(CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

/// `?part=` and `?format=` of the CSV report.
#[derive(Deserialize)]
pub struct CsvQuery {
    part: Option<String>,
    #[serde(default)]
    format: CsvFormat,
}

/// `csv` (the default) for tools: `,` and `.`; `excel-vi` for Excel set to Vietnamese: `;`
/// and `,`, with the title and date above the table. An unknown word is a 400 `bad_request`.
#[derive(Deserialize, Default, Clone, Copy)]
pub enum CsvFormat {
    #[default]
    #[serde(rename = "csv")]
    Csv,
    #[serde(rename = "excel-vi")]
    ExcelVi,
}

pub async fn report_csv(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<GameId>,
    Query(query): Query<CsvQuery>,
) -> ApiResult<Response> {
    owned_game(&state, &account, id).await?;
    let report = state.store().report(id).await?.ok_or(ApiError::NotFound)?;
    let part = match query.part.as_deref() {
        None => Part::Players,
        Some(word) => Part::parse(word).ok_or(Refusal::InvalidPart)?,
    };
    let dialect = match query.format {
        CsvFormat::Csv => Dialect::Tools,
        CsvFormat::ExcelVi => Dialect::ExcelVi,
    };
    let (ascii, utf8) = report_files::file_names(&report, Some(part), "csv");
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                report_files::content_disposition(&ascii, &utf8),
            ),
        ],
        report_files::report_csv(&report, part, dialect),
    )
        .into_response())
}

pub async fn report_xlsx(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<GameId>,
) -> ApiResult<Response> {
    owned_game(&state, &account, id).await?;
    let report = state.store().report(id).await?.ok_or(ApiError::NotFound)?;
    let bytes = report_files::report_xlsx(&report)?;
    let (ascii, utf8) = report_files::file_names(&report, None, "xlsx");
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                CONTENT_DISPOSITION,
                report_files::content_disposition(&ascii, &utf8),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn report_json(
    State(state): State<AppState>,
    CurrentAccount(account): CurrentAccount,
    Path(id): Path<GameId>,
) -> ApiResult<Json<crate::storage::reports::Report>> {
    owned_game(&state, &account, id).await?;
    Ok(Json(
        state.store().report(id).await?.ok_or(ApiError::NotFound)?,
    ))
}
