//! Integration tests: the real server on port 0 with a fresh database per test (SQLite, or
//! PostgreSQL with `HOITHI_TEST_DATABASE=postgres`: see `database.rs`), driven by real
//! WebSocket clients (tokio-tungstenite) and plain HTTP.

mod addressed;
mod answer_leak;
mod bad_input;
mod bank_check;
mod bank_import;
mod bank_upload;
mod cli;
mod clicker;
mod contest;
mod contest_audit;
mod contest_limits;
mod contest_order;
mod contest_round;
mod contest_staff;
mod database;
mod faults_cut;
mod faults_non_reader;
mod faults_reconnect_storm;
mod faults_redis;
mod faults_sigterm;
mod faults_startup;
mod headers;
mod helpers;
mod http_api;
mod import_bombs;
mod import_during_game;
mod limits;
mod limits_connections;
mod limits_games;
mod limits_sign_in;
mod limits_watch;
mod live_game;
mod network;
mod process;
mod protocol_page;
mod published;
mod rankings;
mod reading_time;
mod readme_settings;
mod reconnect;
mod reports;
mod retention;
mod roles;
mod shutdown;
