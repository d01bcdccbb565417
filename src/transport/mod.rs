//! HTTP and WebSocket: thin adapters between the network and the engine and storage.

pub mod assets;
pub mod bell_ws;
pub mod csrf;
pub mod hashing;
pub mod headers;
pub mod http;
pub mod lan;
pub mod limits;
pub mod origin;
pub mod serve;
pub mod slots;
pub mod ws;

use std::path::PathBuf;
use std::sync::Arc;

use axum::routing::{get, post, put};
use axum::Router;
use tokio::sync::watch;

use crate::banks;
use crate::contest::Contest;
use crate::domain::moderation::BannedWords;
use crate::engine::Engine;
use crate::live_figures::LiveFigures;
use crate::rankings::live::{BoardCaps, Hub};
use crate::rankings::Rankings;
use crate::storage::Store;

/// What the transport needs to know of the configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Serve `web/` from this folder instead of the embedded copy (for developing the pages).
    pub web_dir: Option<PathBuf>,
    /// Where bank images come from.
    pub banks: banks::Source,
    /// The address players are told to open, when it is not the one the teacher used.
    pub public_url: Option<String>,
    /// Where the server listens: a join address is offered on the LAN only when it does.
    pub listen: std::net::SocketAddr,
    /// Origins besides the server's own that may open the WebSocket.
    pub allowed_origins: Vec<String>,
    pub limits: limits::LimitsConfig,
    /// Caps of spreadsheet uploads (see `banks::limits`).
    pub imports: banks::limits::ImportConfig,
    /// Nicknames refused on top of the built-in list (see `domain/banned-words.txt`).
    pub banned_words: String,
    /// How often the contest's sweep runs (`contest::sweep`).
    pub contest_sweep_every: std::time::Duration,
}

/// Shared state of every handler. One `Arc`: every connection and request clones it, and each
/// phone's socket task keeps its clone for the whole game (the fields behind it were 600 bytes
/// a connection when they were copied into each).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

struct Shared {
    engine: Engine,
    rankings: Rankings,
    contest: Contest,
    live: Hub,
    limits: Arc<limits::Limits>,
    password_gate: hashing::PasswordGate,
    /// Live boards watched, per client address and in total (see `ws.rs`).
    watches: slots::Slots,
    imports: Arc<http::uploads::ImportGate>,
    banned_words: Arc<BannedWords>,
    config: Arc<WebConfig>,
    shutdown: watch::Receiver<bool>,
    /// Players connected and answers per second (the dashboard's live panel).
    figures: LiveFigures,
}

impl AppState {
    pub fn new(
        engine: Engine,
        rankings: Rankings,
        config: WebConfig,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        let caps = &config.limits;
        let live = Hub::new(
            rankings.clone(),
            BoardCaps {
                total: caps.watched_boards as usize,
                per_address: caps.watched_boards_per_address,
            },
        );
        let password_gate =
            hashing::PasswordGate::new(caps.password_hashes(), caps.password_hash_queue as usize);
        let watches = slots::Slots::new(caps.watches_per_address, caps.watches);
        let limits = Arc::new(limits::Limits::new(config.limits.clone()));
        tokio::spawn(limits::sweep(
            limits.clone(),
            limits::SWEEP_EVERY,
            shutdown.clone(),
        ));
        let banned_words = Arc::new(BannedWords::with_extra(&config.banned_words));
        let imports = Arc::new(http::uploads::ImportGate::new(config.imports.clone()));
        let contest = Contest::new(
            rankings.store().clone(),
            rankings.clone(),
            assets::IMAGE_BASE,
        );
        tokio::spawn(crate::contest::sweep(
            contest.clone(),
            config.contest_sweep_every,
            shutdown.clone(),
        ));
        AppState(Arc::new(Shared {
            engine,
            rankings,
            contest,
            live,
            limits,
            password_gate,
            watches,
            imports,
            banned_words,
            config: Arc::new(config),
            shutdown,
            figures: LiveFigures::local(),
        }))
    }

    /// The live figures summed over several nodes (instead of this process's alone). Set
    /// before the state is shared (cloned).
    pub fn with_live_figures(mut self, figures: LiveFigures) -> Self {
        Arc::get_mut(&mut self.0)
            .expect("live figures are set before the state is shared")
            .figures = figures;
        self
    }

    /// Players connected and answers per second.
    pub fn figures(&self) -> &LiveFigures {
        &self.0.figures
    }
    pub fn banned_words(&self) -> &BannedWords {
        &self.0.banned_words
    }
    pub fn limits(&self) -> &limits::Limits {
        &self.0.limits
    }
    /// The bound on password hashes in flight.
    pub fn password_gate(&self) -> &hashing::PasswordGate {
        &self.0.password_gate
    }
    /// Places for watched boards.
    pub fn watches(&self) -> &slots::Slots {
        &self.0.watches
    }
    /// Turns and caps of spreadsheet imports.
    pub fn imports(&self) -> &http::uploads::ImportGate {
        &self.0.imports
    }
    /// Live boards for viewers.
    pub fn live(&self) -> &Hub {
        &self.0.live
    }
    pub fn rankings(&self) -> &Rankings {
        &self.0.rankings
    }
    pub fn contest(&self) -> &Contest {
        &self.0.contest
    }
    pub fn engine(&self) -> &Engine {
        &self.0.engine
    }
    pub fn store(&self) -> &Store {
        self.0.engine.store()
    }
    pub fn config(&self) -> &WebConfig {
        &self.0.config
    }
    pub fn shutdown(&self) -> watch::Receiver<bool> {
        self.0.shutdown.clone()
    }
}

pub fn router(state: AppState) -> Router {
    use http::{
        accounts, auth, bank_review, catalog, certificates, contest, dashboard, games, images,
        network, own_questions, published, quizzes, rankings, unit_reports, units,
    };
    let api = Router::new()
        .route("/session", post(auth::sign_in).delete(auth::sign_out))
        .route("/me", get(auth::me))
        .route("/accounts", get(accounts::list).post(accounts::create))
        .route("/banks", get(catalog::list_banks))
        .route("/banks/{id}", get(catalog::bank))
        // Uploads read their body themselves, within their own caps (`http::uploads`).
        .route("/banks/import", post(bank_review::import))
        .route("/banks/{id}/approve", post(bank_review::approve))
        .route("/banks/{id}/export", get(bank_review::export))
        .route("/quizzes", get(quizzes::list).post(quizzes::create))
        .route(
            "/quizzes/{id}",
            get(quizzes::detail)
                .put(quizzes::edit)
                .delete(quizzes::delete),
        )
        .route("/quizzes/{id}/duplicate", post(quizzes::duplicate))
        // The quiz editor's own questions (kept in the teacher's own class bank) and images.
        .route(
            "/questions",
            get(own_questions::list).post(own_questions::create),
        )
        .route(
            "/questions/{id}",
            put(own_questions::replace).delete(own_questions::delete),
        )
        .route("/images", post(images::upload))
        .route("/games", get(games::list_games).post(games::open_game))
        .route("/games/{id}/qr.svg", get(games::qr))
        .route("/bell", post(http::bell::open))
        .route("/bell/{id}/report", get(http::bell::report))
        .route("/network", get(network::network))
        .route("/games/{id}/report", get(games::report_json))
        .route("/games/{id}/report.csv", get(games::report_csv))
        .route("/games/{id}/report.xlsx", get(games::report_xlsx))
        .route("/units/communes", get(rankings::communes))
        .route(
            "/units/communes/{code}/school-names",
            get(rankings::commune_school_names),
        )
        .route(
            "/units/communes/{code}/schools",
            get(units::commune_schools),
        )
        .route("/units/schools/{code}", get(units::school_summary))
        .route(
            "/units/schools/{code}/students",
            get(units::school_students),
        )
        .route("/units/schools/import", post(rankings::import_schools))
        .route("/units/students/import", post(rankings::import_students))
        .route("/rankings", get(rankings::contexts))
        .route("/rankings/{context}/results", post(rankings::record))
        .route("/rankings/{context}/rebuild", post(rankings::rebuild))
        .route("/rankings/{context}/around/{*scope}", get(rankings::around))
        .route("/rankings/{context}/board/{*scope}", get(rankings::page))
        .route("/rankings/{context}/publish", post(published::publish))
        .route("/rankings/{context}/versions", get(published::versions))
        .route(
            "/rankings/{context}/versions/{version}/board/{*scope}",
            get(published::version_board),
        )
        .route(
            "/rankings/{context}/versions/{version}/csv/{*scope}",
            get(published::version_csv),
        )
        .route(
            "/rankings/{context}/versions/{version}/xlsx/{*scope}",
            get(published::version_xlsx),
        )
        // The online contest: an organizer's contests and rounds, a school's login cards,
        // and a participant's session and attempts (cookie `hoithi_participant`).
        .route(
            "/contests",
            get(contest::list_contests).post(contest::create_contest),
        )
        .route("/contests/{slug}/rounds", post(contest::create_round))
        .route(
            "/contest-rounds/{context}/close",
            post(contest::close_round),
        )
        .route("/contest-rounds/{context}/turnout", get(contest::turnout))
        .route("/contest-rounds/{context}/awards", get(contest::awards))
        .route(
            "/units/schools/{code}/login-cards",
            post(contest::issue_cards),
        )
        .route(
            "/units/schools/{code}/login-cards/revoke",
            post(contest::revoke_cards),
        )
        .route(
            "/contest/session",
            post(contest::sign_in).delete(contest::sign_out),
        )
        .route("/contest/me", get(contest::me))
        .route("/contest/rounds/{context}/attempt", post(contest::start))
        .route("/contest/attempts/{id}", get(contest::attempt))
        .route(
            "/contest/attempts/{id}/answers/{index}",
            put(contest::answer),
        )
        .route("/contest/attempts/{id}/prediction", put(contest::predict))
        .route("/contest/attempts/{id}/submit", post(contest::submit))
        // Certificates of a published version, and the public check of a code (issue 22).
        .route(
            "/rankings/{context}/versions/{version}/certificates",
            get(certificates::list),
        )
        .route(
            "/rankings/{context}/versions/{version}/certificates.pdf",
            get(certificates::pdf),
        )
        .route("/certificate-codes/{code}", get(certificates::check))
        // The movement's report of a unit over a period (issue 22).
        .route("/reports/{*unit}", get(unit_reports::report))
        .route("/dashboard", get(dashboard::overview))
        .route("/dashboard/live", get(dashboard::live))
        .route("/dashboard/{file}", get(dashboard::chart))
        .route("/published", get(published::latest_list))
        .route("/published/{context}", get(published::latest))
        .route(
            "/published/{context}/board/{*scope}",
            get(published::latest_board),
        )
        .route(
            "/published/{context}/csv/{*scope}",
            get(published::latest_csv),
        )
        .route(
            "/published/{context}/xlsx/{*scope}",
            get(published::latest_xlsx),
        )
        .fallback(|| async { http::error::ApiError::NotFound })
        .layer(axum::middleware::from_fn(http::error::json_errors));
    Router::new()
        .nest("/api", api)
        .route(
            "/ws",
            get(ws::upgrade).layer(axum::middleware::from_fn(http::error::json_errors)),
        )
        .route(
            "/ws/bell",
            get(bell_ws::upgrade).layer(axum::middleware::from_fn(http::error::json_errors)),
        )
        .route(
            &format!("{}/{{bank}}/{{file}}", assets::IMAGE_BASE),
            get(assets::bank_image),
        )
        .fallback(assets::page)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::guard,
        ))
        .layer(axum::middleware::from_fn(headers::security))
        // Management requests are small; a bigger body is a mistake or an attack.
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
        .with_state(state)
}
