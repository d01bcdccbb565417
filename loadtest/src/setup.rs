//! What a run needs on the server before any client connects, over the HTTP API: an organizer
//! session, a quiz and an open game (`live`), or a roster of students (`viewers`).

use std::net::SocketAddr;

use anyhow::{bail, Context};
use serde_json::{json, Value};

use hoithi_loadtest::http::{request, request_bytes, sign_in, Response};

use crate::cli::Args;

pub async fn organizer(addr: SocketAddr, args: &Args) -> anyhow::Result<String> {
    let password = args
        .admin_password
        .as_deref()
        .context("--admin-password (or HOITHI_ADMIN_PASSWORD) is needed to open a game")?;
    sign_in(addr, &args.admin_user, password)
        .await
        .map_err(|r| anyhow::anyhow!("sign-in failed: {} {}", r.status, r.body))
}

pub struct OpenGame {
    pub id: i64,
    pub pin: String,
    pub bank: String,
    /// Each question's answer key, in quiz order.
    pub keys: Vec<Value>,
}

/// A quiz of the first `--questions` of a bank, and a game from it.
pub async fn open_game(addr: SocketAddr, cookie: &str, args: &Args) -> anyhow::Result<OpenGame> {
    let bank = match &args.bank {
        Some(b) => b.clone(),
        None => json_of(request(addr, "GET", "/api/banks", Some(cookie), None).await?)?[0]["id"]
            .as_str()
            .context("the server has no banks")?
            .to_owned(),
    };
    let detail = json_of(
        request(
            addr,
            "GET",
            &format!("/api/banks/{bank}"),
            Some(cookie),
            None,
        )
        .await?,
    )?;
    let chosen: Vec<Value> = detail["questions"]
        .as_array()
        .with_context(|| format!("no bank {bank}"))?
        .iter()
        .take(args.questions)
        .cloned()
        .collect();
    if chosen.is_empty() {
        bail!("bank {bank} has no questions to play");
    }
    let refs: Vec<Value> = chosen
        .iter()
        .map(|q| json!({"bank": bank, "id": q["id"]}))
        .collect();
    let quiz = json_of(
        request(
            addr,
            "POST",
            "/api/quizzes",
            Some(cookie),
            Some(&json!({"title": "Load test", "questions": refs})),
        )
        .await?,
    )?;
    let game = json_of(
        request(
            addr,
            "POST",
            "/api/games",
            Some(cookie),
            Some(&json!({"quiz": quiz["id"]})),
        )
        .await?,
    )?;
    Ok(OpenGame {
        id: game["id"].as_i64().context("no game id")?,
        pin: game["pin"].as_str().context("no PIN")?.to_owned(),
        bank,
        keys: chosen.iter().map(crate::answer::key_by_text).collect(),
    })
}

/// Code of the load-test school; its students are `LT000001`…, plus the marker `LTMARK`.
pub const SCHOOL: &str = "LOADTEST";
pub const MARKER: &str = "LTMARK";

pub fn student(i: usize) -> String {
    format!("LT{i:06}")
}

/// One school in the first commune and `students` students (imports are upserts, so a
/// second run finds them as they were).
pub async fn roster(addr: SocketAddr, cookie: &str, students: usize) -> anyhow::Result<()> {
    let communes = json_of(request(addr, "GET", "/api/units/communes", None, None).await?)?;
    let commune = communes[0]["code"]
        .as_str()
        .context("the server lists no communes")?;
    let schools = format!(
        "code,name,levels,commune,enrolment\n{SCHOOL},Trường Kiểm thử tải,tieu-hoc,{commune},{}\n",
        students + 1
    );
    let mut list = String::from("code,full_name,class,grade,school,consent\n");
    list.push_str(&format!("{MARKER},Mốc Đo Lường,5A,5,{SCHOOL},có\n"));
    for i in 0..students {
        list.push_str(&format!("{},Học Sinh {i},5A,5,{SCHOOL},\n", student(i)));
    }
    for (path, body) in [
        ("/api/units/schools/import?file=truong.csv", schools),
        ("/api/units/students/import?file=hs.csv", list),
    ] {
        let resp = request_bytes(
            addr,
            "POST",
            path,
            Some(cookie),
            Some(("application/octet-stream", body.as_bytes())),
        )
        .await?;
        json_of(resp).with_context(|| format!("importing the load-test roster ({path})"))?;
    }
    Ok(())
}

/// The body of a 2xx response as JSON; anything else is an error that says what came.
pub fn json_of(resp: Response) -> anyhow::Result<Value> {
    if !(200..300).contains(&resp.status) {
        bail!(
            "HTTP {}: {}",
            resp.status,
            resp.body.chars().take(300).collect::<String>()
        );
    }
    serde_json::from_str(&resp.body).with_context(|| format!("not JSON: {}", resp.body))
}
