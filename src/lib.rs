//! hoithi: the quiz and competition engine of the "Bình dân học vụ số" movement.
//!
//! Read this page first. The crate is layered; each layer knows one thing:
//!
//! - [`domain`]: the rules, with no I/O — questions and banks, scoring, nicknames, the live
//!   game as a state machine (`apply(input, now) -> effects`). Time is a parameter.
//! - [`engine`]: one tokio task per live room owns its [`domain::game::Game`] and its timers;
//!   a [`engine::RoomHandle`] is the only way in.
//! - [`transport`]: axum routes — pages, the REST API for teachers and organizers, and the one
//!   WebSocket endpoint for play, with its versioned protocol (`docs/protocol.md`).
//! - [`storage`]: sqlx, the source of truth (SQLite by default, PostgreSQL by URL).
//! - [`banks`]: reading bank files from disk, importing and exporting spreadsheets.
//! - [`app`]: wiring — configuration, start-up, graceful shutdown.

pub mod app;
pub mod banks;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod leaderboard;
pub mod outbox;
pub mod protocol;
pub mod rankings;
pub mod storage;
pub mod transport;
