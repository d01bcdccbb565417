//! Integration tests: the real server on port 0 with a fresh database per test (SQLite, or
//! PostgreSQL with `HOITHI_TEST_DATABASE=postgres`: see `database.rs`), driven by real
//! WebSocket clients (tokio-tungstenite) and plain HTTP.

mod bad_input;
mod bank_check;
mod bank_import;
mod bank_upload;
mod database;
mod faults_cut;
mod faults_non_reader;
mod faults_reconnect_storm;
mod faults_redis;
mod faults_sigterm;
mod faults_startup;
mod helpers;
mod http_api;
mod import_bombs;
mod import_during_game;
mod limits;
mod live_game;
mod process;
mod published;
mod rankings;
mod reconnect;
mod retention;
mod roles;
mod shutdown;
