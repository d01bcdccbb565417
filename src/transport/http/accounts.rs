//! Accounts: the organizer creates teacher accounts (issue 7 brings the other roles).

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::{hash_password, CurrentAccount};
use super::error::{ApiError, ApiResult};
use crate::domain::text;
use crate::storage::{Account, Role};
use crate::transport::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    username: String,
    display_name: String,
    password: String,
}

pub async fn create(
    State(state): State<AppState>,
    CurrentAccount(me): CurrentAccount,
    Json(body): Json<NewAccount>,
) -> ApiResult<Json<Value>> {
    if me.role != Role::Organizer {
        return Err(ApiError::Forbidden);
    }
    let username = body.username.trim().to_lowercase();
    let valid_name = (3..=40).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !valid_name {
        return Err(ApiError::Invalid(
            "invalid_username",
            "Tên đăng nhập dài 3–40 ký tự, chỉ gồm chữ không dấu, số và . _ -".into(),
        ));
    }
    let display_name = text::normalize(&body.display_name);
    if display_name.is_empty() || text::char_len(&display_name) > 80 {
        return Err(ApiError::Invalid(
            "invalid_display_name",
            "Họ tên phải có từ 1 đến 80 ký tự.".into(),
        ));
    }
    if body.password.chars().count() < 8 || body.password.len() > 200 {
        return Err(ApiError::Invalid(
            "weak_password",
            "Mật khẩu phải có ít nhất 8 ký tự.".into(),
        ));
    }
    if state
        .store()
        .account_by_username(&username)
        .await?
        .is_some()
    {
        return Err(ApiError::Invalid(
            "username_taken",
            "Tên đăng nhập này đã có người dùng.".into(),
        ));
    }
    let password = body.password;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(anyhow::Error::from)??;
    let id = state
        .store()
        .create_account(&username, &display_name, Role::Teacher, &hash)
        .await?;
    Ok(Json(
        json!({ "id": id, "username": username, "role": Role::Teacher }),
    ))
}

pub async fn list(
    State(state): State<AppState>,
    CurrentAccount(me): CurrentAccount,
) -> ApiResult<Json<Vec<Account>>> {
    if me.role != Role::Organizer {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(state.store().list_accounts().await?))
}
