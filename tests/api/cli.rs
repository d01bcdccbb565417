//! The `hoithi` command line as an operator meets it in the first hour: from any folder,
//! each command with its own flags, mistakes refused with a reason, a lost password reset
//! on the server's machine.

use std::process::{Command, Output};

use serde_json::json;

use crate::helpers::{http, spawn_app};

/// Runs `hoithi ARGS` from an empty folder of its own, with nothing of the environment that
/// would point it at a database or a Redis.
fn hoithi(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_hoithi"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("HOITHI_DATA_DIR")
        .output()
        .expect("the hoithi binary runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn bank_commands_work_from_any_folder_on_the_built_in_banks() {
    let check = hoithi(&["bank", "check"]);
    assert!(check.status.success(), "{}", text(&check));
    assert!(
        text(&check).contains("in the banks built into this binary: no problems"),
        "{}",
        text(&check)
    );
    let stats = hoithi(&["bank", "stats"]);
    assert!(stats.status.success(), "{}", text(&stats));
    assert!(text(&stats).contains("| **total** |"), "{}", text(&stats));
    let export = hoithi(&["bank", "export", "tieu-hoc-mat-khau-otp", "--format", "csv"]);
    assert!(export.status.success(), "{}", text(&export));
    let refused = hoithi(&["bank", "stats", "--write-readme"]);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("--write-readme needs the bank folder"),
        "{}",
        text(&refused)
    );
}

#[test]
fn each_tool_takes_its_own_flags_and_refuses_a_mistake_with_a_reason() {
    let help = hoithi(&["demo", "seed", "--help"]);
    let help = text(&help);
    assert!(
        !help.contains("--port") && !help.contains("--bind"),
        "{help}"
    );
    for flag in ["--schools", "--students", "--seed", "--share", "--data-dir"] {
        let line = help.lines().find(|l| l.trim_start().starts_with(flag));
        assert!(
            line.is_some_and(|l| l.trim().len() > flag.len() + 10)
                || help.contains(&format!("{flag} <")),
            "{flag} is described: {help}"
        );
    }
    let share = hoithi(&[
        "demo",
        "seed",
        "--share",
        "2",
        "--schools",
        "1",
        "--students",
        "1",
    ]);
    assert!(!share.status.success());
    assert!(
        text(&share).contains("not a share from 0 to 1"),
        "{}",
        text(&share)
    );

    let rebuild = hoithi(&["leaderboard", "rebuild", "dot-1"]);
    assert!(
        !rebuild.status.success(),
        "a rebuild into nowhere is refused"
    );
    assert!(text(&rebuild).contains("--redis-url"), "{}", text(&rebuild));

    // The server's flags without `serve` start the server (here: refused at once, so the
    // test ends — a port that is not a number).
    let port = hoithi(&["--port", "nine"]);
    assert!(!port.status.success());
    assert!(text(&port).contains("--port"), "{}", text(&port));
}

#[tokio::test]
async fn a_lost_password_is_reset_on_the_servers_machine_and_the_old_sessions_end() {
    let app = spawn_app().await;
    let teacher = json!({"username": "gv.quen", "display_name": "Cô Quên",
                         "password": "mat-khau-cu-123", "role": "teacher"});
    assert_eq!(app.post("/api/accounts", &teacher).await.status, 200);
    let old_session = app.sign_in("gv.quen", "mat-khau-cu-123").await.unwrap();

    let url = crate::database::url_for(app.dir.path());
    let reset = hoithi(&[
        "admin",
        "reset-password",
        "gv.quen",
        "--password",
        "mat-khau-moi-456",
        "--database-url",
        &url,
    ]);
    assert!(reset.status.success(), "{}", text(&reset));
    assert!(
        !text(&reset).contains("mat-khau-moi-456"),
        "a given password is not echoed"
    );

    assert_eq!(
        app.sign_in("gv.quen", "mat-khau-cu-123")
            .await
            .unwrap_err()
            .0,
        401
    );
    assert!(app.sign_in("gv.quen", "mat-khau-moi-456").await.is_ok());
    let me = http(app.addr, "GET", "/api/me", Some(&old_session), None).await;
    assert_eq!(me.status, 401, "the old session ended: {}", me.body);

    let nobody = hoithi(&[
        "admin",
        "reset-password",
        "khong-co",
        "--database-url",
        &url,
    ]);
    assert!(!nobody.status.success());
    assert!(text(&nobody).contains("no account"), "{}", text(&nobody));
}
