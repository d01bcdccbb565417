//! `hoithi admin reset-password`: a new password for an account, set on the server's own
//! machine (whoever can run this can read the database anyway), never over the network. The
//! account's sessions end, so whoever knew the old password is signed out.

use std::process::ExitCode;

use crate::app::{self, DatabaseArgs};
use crate::transport::http::auth::hash_password;

#[derive(clap::Subcommand)]
pub enum AdminCmd {
    /// Give an account a new password (a random one, printed once, unless --password) and
    /// sign it out everywhere.
    ResetPassword {
        /// The account's username, e.g. admin.
        username: String,
        /// The new password (at least 8 characters); default: a random one, printed once.
        #[arg(long, env = "HOITHI_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

pub async fn run(cmd: AdminCmd) -> anyhow::Result<ExitCode> {
    let AdminCmd::ResetPassword {
        username,
        password,
        database,
    } = cmd;
    if let Some(p) = &password {
        anyhow::ensure!(
            p.chars().count() >= 8,
            "mật khẩu phải có ít nhất 8 ký tự / the password needs at least 8 characters"
        );
    }
    let store = database.open().await?;
    let generated = password.is_none();
    let new = password.unwrap_or_else(app::random_password);
    if !store
        .reset_password(&username, &hash_password(&new)?)
        .await?
    {
        eprintln!("hoithi: không có tài khoản {username:?} / no account {username:?}");
        return Ok(ExitCode::FAILURE);
    }
    println!("đã đặt mật khẩu mới cho {username} / new password set for {username}");
    if generated {
        println!("    mật khẩu:      {new}   (chỉ hiện một lần / shown once)");
    }
    println!("mọi phiên đăng nhập cũ của tài khoản này đã kết thúc / its old sessions are ended");
    Ok(ExitCode::SUCCESS)
}
