//! The REST API for teachers and organizers.

pub mod access;
pub mod accounts;
pub mod auth;
pub mod bank_review;
pub mod bell;
pub mod catalog;
pub mod certificates;
pub mod contest;
pub mod dashboard;
pub mod error;
pub mod export;
pub mod games;
pub mod images;
pub mod network;
pub mod own_questions;
pub mod params;
pub mod published;
pub mod quizzes;
pub mod rankings;
pub mod refusal;
pub mod report_files;
pub mod unit_reports;
pub mod units;
pub mod uploads;
