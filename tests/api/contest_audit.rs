//! `hoithi audit verify` against a real round: it passes on what the server wrote, and each
//! kind of tampering with the database — a score, a result, a log row's body, a log row
//! removed, a frozen question, a row re-hashed to hide a change — makes it fail and name
//! where. Each change is undone before the next, so each failure has one cause.

use std::process::Command;

use serde_json::json;

use crate::contest::{cards, roster, round, secret_of, sign_in};
use crate::helpers::{spawn_app, TestApp};

pub fn verify(app: &TestApp) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hoithi"))
        .args(["audit", "verify", "--database-url"])
        .arg(crate::database::url_for(app.dir.path()))
        .env_remove("DATABASE_URL")
        .output()
        .expect("hoithi runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

async fn sql(app: &TestApp, statement: &str) {
    sqlx::query(statement)
        .execute(app.store().pool())
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

/// Runs `tamper`, expects verify to fail saying `says`, then runs `undo` and expects a pass.
async fn caught(app: &TestApp, tamper: &[&str], says: &str, undo: &[&str]) {
    for s in tamper {
        sql(app, s).await;
    }
    let (ok, text) = verify(app);
    assert!(!ok, "tampering went unnoticed ({tamper:?}): {text}");
    assert!(text.contains(says), "expected «{says}»: {text}");
    for s in undo {
        sql(app, s).await;
    }
    let (ok, text) = verify(app);
    assert!(ok, "after undoing {tamper:?}: {text}");
}

#[tokio::test]
async fn verify_passes_on_the_truth_and_names_every_tampering() {
    let app = spawn_app().await;
    roster(&app).await;
    round(&app, json!({})).await;
    let cards = cards(&app, "TH1").await;
    let mut ids = Vec::new();
    for code in ["HS01", "HS02"] {
        let device = sign_in(&app, code, secret_of(&cards, code)).await;
        let view = device
            .call("POST", "/api/contest/rounds/dot-1/attempt", None)
            .await
            .json();
        let id = view["id"].as_i64().unwrap();
        let answer = crate::contest::right_answer(&app, id, 0).await;
        let saved = device
            .call(
                "PUT",
                &format!("/api/contest/attempts/{id}/answers/0"),
                Some(&json!({ "answer": answer })),
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        let done = device
            .call("POST", &format!("/api/contest/attempts/{id}/submit"), None)
            .await;
        assert_eq!(done.status, 200, "{}", done.body);
        ids.push(id);
    }
    crate::contest::close(&app, "dot-1").await;

    let (ok, text) = verify(&app);
    assert!(ok, "{text}");
    assert!(
        text.contains("2 attempts, 2 results, 0 published versions checked"),
        "{text}"
    );
    assert!(text.contains("everything matches"), "{text}");

    let a = ids[0];
    // A score raised in the attempts table.
    caught(
        &app,
        &[&format!(
            "UPDATE attempts SET score = score + 10 WHERE id = {a}"
        )],
        &format!("attempt {a} differs from its submission"),
        &[&format!(
            "UPDATE attempts SET score = score - 10 WHERE id = {a}"
        )],
    )
    .await;
    // A result raised on the round's board.
    caught(
        &app,
        &["UPDATE results SET score = score + 10 WHERE student_code = 'HS02'"],
        "HS02's result in round dot-1 does not follow from their attempts",
        &["UPDATE results SET score = score - 10 WHERE student_code = 'HS02'"],
    )
    .await;
    // The log's own record of a submission changed.
    let (seq, body): (i64, String) = sqlx::query_as(
        "SELECT seq, body FROM audit_log WHERE kind = 'attempt_submitted' ORDER BY seq LIMIT 1",
    )
    .fetch_one(app.store().pool())
    .await
    .unwrap();
    let forged = body.replacen("\"score\":10", "\"score\":20", 1);
    assert_ne!(forged, body);
    caught(
        &app,
        &[&format!(
            "UPDATE audit_log SET body = '{forged}' WHERE seq = {seq}"
        )],
        &format!("audit row {seq} was altered"),
        &[&format!(
            "UPDATE audit_log SET body = '{body}' WHERE seq = {seq}"
        )],
    )
    .await;
    // A row removed from the log.
    let row: (i64, i64, String, String, String, String) =
        sqlx::query_as("SELECT seq, at, kind, body, prev_hash, hash FROM audit_log WHERE seq = 3")
            .fetch_one(app.store().pool())
            .await
            .unwrap();
    caught(
        &app,
        &["DELETE FROM audit_log WHERE seq = 3"],
        "audit row 4 follows row 2: rows are missing",
        &[&format!(
            "INSERT INTO audit_log (seq, at, kind, body, prev_hash, hash) VALUES ({}, {}, '{}', '{}', '{}', '{}')",
            row.0, row.1, row.2, row.3, row.4, row.5
        )],
    )
    .await;
    // A frozen question's key changed after the round was created.
    let (bank, qid, qbody): (String, String, String) =
        sqlx::query_as("SELECT bank, id, body FROM round_questions LIMIT 1")
            .fetch_one(app.store().pool())
            .await
            .unwrap();
    let changed = qbody.replacen("\"text\":\"", "\"text\":\"X", 1);
    assert_ne!(changed, qbody);
    let quote = |s: &str| s.replace('\'', "''");
    caught(
        &app,
        &[&format!(
            "UPDATE round_questions SET body = '{}' WHERE bank = '{bank}' AND id = '{qid}'",
            quote(&changed)
        )],
        "the questions of round dot-1 changed since it was created",
        &[&format!(
            "UPDATE round_questions SET body = '{}' WHERE bank = '{bank}' AND id = '{qid}'",
            quote(&qbody)
        )],
    )
    .await;
    // A forger who re-hashes the row they changed breaks the next row's link instead.
    let forged_hash = hoithi::storage::audit::chain_hash(
        &row.4,
        row.0,
        row.1,
        &row.2,
        &row.3.replacen("\"seed\":\"", "\"seed\":\"1", 1),
    );
    caught(
        &app,
        &[&format!(
            "UPDATE audit_log SET body = '{}', hash = '{forged_hash}' WHERE seq = 3",
            row.3.replacen("\"seed\":\"", "\"seed\":\"1", 1)
        )],
        "audit row 4: its link to the row before is broken",
        &[&format!(
            "UPDATE audit_log SET body = '{}', hash = '{}' WHERE seq = 3",
            row.3, row.5
        )],
    )
    .await;
}
