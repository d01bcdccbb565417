//! hoithi: the quiz and competition engine of the "Bình dân học vụ số" movement.
//!
//! Read this page first. The crate is layered; each module knows one thing and uses only the
//! ones listed below it:
//!
//! - [`cli`]: the `hoithi` command line — every command, its own flags and what it prints
//!   (`main.rs` sets up logging and calls [`cli::run`]).
//! - [`app`]: wiring — the server's configuration, start-up, graceful shutdown.
//! - [`transport`]: the network's edge — the accept loop with its caps, axum routes (pages,
//!   the REST API for teachers and organizers), the one WebSocket endpoint for play and
//!   viewing, rate limits, and the mapping of every error to what a client sees.
//! - [`engine`]: live rooms — one tokio task per game owns its [`domain::game::Game`], its
//!   timers and its connections; an [`engine::RoomHandle`] is the only way in.
//! - [`nodes`]: several nodes sharing one database and one Redis (`--node-name`): a game's
//!   owner under a lease, relays on the other nodes that stand for its room, the pub/sub
//!   messages between them, and the takeover of a game whose owner died.
//! - [`rankings`]: rankings of a context (a contest round, an event, a live game) — results
//!   to boards, rebuilds from the database, pages with public labels, published versions,
//!   live boards for viewers, and the feed that carries a live game's totals to its board
//!   (and a province event game's to its boards per school, commune and province).
//! - [`live_figures`]: players connected and answers per second during an event, per school
//!   and commune, counted by the socket loop and summed over nodes in Redis (the dashboard's
//!   live panel).
//! - [`certificates`]: certificates of a published version's winners as PDF (DejaVu Serif
//!   embedded, subset), each with a verification code the public page checks.
//! - [`unit_report`]: the movement's report of the province, a commune or a school over a
//!   period (activities, participation against the 100 % targets, results, winners), as
//!   JSON, a workbook and a printable page; the dashboard reads the same figures.
//! - [`contest`]: the province's online contest — rounds with frozen questions, attempts
//!   from start to submission, login cards, standings onto the rankings, the audit log.
//! - [`banks`]: question banks on disk or in the binary; spreadsheets (`.xlsx`, `.csv`) in and
//!   out.
//! - [`demo`]: a generated province (clearly fake) for load tests and demonstrations.
//! - [`flags`]: command-line flags' defaults, written once on the flags.
//! - [`outbox`]: a connection's bounded queue of serialized messages: rooms and live boards
//!   push, the connection's task writes (or, for a connection on another node, the link to
//!   that node). Below all of them, so none imports another for it.
//! - [`storage`]: sqlx, the source of truth (SQLite by default, PostgreSQL by URL), and the
//!   batching writer whose commit is what a receipt means.
//! - [`leaderboard`]: sorted boards behind one type, in Redis or in this process. It knows
//!   boards, members and packed entries — not contexts, scopes or students: that vocabulary
//!   is [`rankings`]' (which owns the meaning) over this (which owns the storage).
//! - [`protocol`]: the WebSocket messages (serde types), error codes with their Vietnamese
//!   texts; `docs/protocol.md` is its contract.
//! - [`domain`]: the rules, with no I/O — who may do what, questions and banks, spreadsheets
//!   as rows, scoring, nicknames, the live game as a state machine
//!   (`apply(input, now) -> effects`), ranking order, contexts and scopes. Time and randomness
//!   are parameters.

pub mod app;
pub mod banks;
pub mod certificates;
pub mod cli;
pub mod contest;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod flags;
pub mod leaderboard;
pub mod live_figures;
pub mod nodes;
pub mod outbox;
pub mod protocol;
pub mod rankings;
pub mod storage;
pub mod transport;
pub mod unit_report;
