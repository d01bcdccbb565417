//! What a run needs on the server before any client connects, over the HTTP API: an organizer
//! session, a quiz and an open game (`live`), a roster of students (`viewers`), both and a
//! round with results (`siege`), or schools in several communes with their pupils, their
//! login cards and an open contest round (`contest`).

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
        .take(args.questions())
        .cloned()
        .collect();
    if chosen.is_empty() {
        bail!("bank {bank} has no questions to play");
    }
    let quiz = make_quiz(addr, cookie, &bank, &chosen, "Load test").await?;
    let game = json_of(
        request(
            addr,
            "POST",
            "/api/games",
            Some(cookie),
            Some(&json!({"quiz": quiz["id"], "event": args.event})),
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

/// The schools of a province event (`--event`): `--schools` schools over the first
/// `--communes` communes, imported (upserts) as the contest's are; their codes.
pub async fn event_schools(
    addr: SocketAddr,
    cookie: &str,
    args: &Args,
) -> anyhow::Result<Vec<String>> {
    use crate::contest::layout::{school_code, Layout};
    let communes = communes(addr, args.communes).await?;
    let layout = Layout::new(args.players(), args.schools(), &communes);
    let resp = request_bytes(
        addr,
        "POST",
        "/api/units/schools/import?file=truong.csv",
        Some(cookie),
        Some(("application/octet-stream", layout.schools_csv().as_bytes())),
    )
    .await?;
    json_of(resp).context("importing the event's schools")?;
    eprintln!(
        "event: {} schools in {} communes",
        layout.schools(),
        communes.len()
    );
    Ok((0..layout.schools()).map(school_code).collect())
}

/// The game `bare-broadcast` plays: `--questions` single-choice questions whose right option
/// is «A».
pub fn bare_game(args: &Args) -> OpenGame {
    OpenGame {
        id: 0,
        pin: "000000".to_owned(),
        bank: "bare-broadcast".to_owned(),
        keys: vec![json!({"type": "options", "texts": ["A"]}); args.questions()],
    }
}

/// Code of the load-test school; its students are `LT000001`…, plus the marker `LTMARK`.
pub const SCHOOL: &str = "LOADTEST";
pub const MARKER: &str = "LTMARK";

pub fn student(i: usize) -> String {
    format!("LT{i:06}")
}

/// One school in the first commune and `students` students (imports are upserts, so a
/// second run finds them as they were); the commune's code.
pub async fn roster(addr: SocketAddr, cookie: &str, students: usize) -> anyhow::Result<String> {
    let commune = first_commune(addr).await?;
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
    Ok(commune)
}

/// The codes of the first `n` communes the server lists (fewer if it lists fewer).
pub async fn communes(addr: SocketAddr, n: usize) -> anyhow::Result<Vec<String>> {
    let communes = json_of(request(addr, "GET", "/api/units/communes", None, None).await?)?;
    let codes: Vec<String> = communes
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["code"].as_str().map(str::to_owned))
        .take(n.max(1))
        .collect();
    if codes.is_empty() {
        bail!("the server lists no communes");
    }
    Ok(codes)
}

/// Imports the contest's schools and pupils (upserts: a second run finds them as they were).
pub async fn contest_roster(
    addr: SocketAddr,
    cookie: &str,
    layout: &crate::contest::layout::Layout,
) -> anyhow::Result<()> {
    for (path, body) in [
        (
            "/api/units/schools/import?file=truong.csv",
            layout.schools_csv(),
        ),
        (
            "/api/units/students/import?file=hs.csv",
            layout.students_csv(),
        ),
    ] {
        let resp = request_bytes(
            addr,
            "POST",
            path,
            Some(cookie),
            Some(("application/octet-stream", body.as_bytes())),
        )
        .await?;
        json_of(resp).with_context(|| format!("importing the contest's roster ({path})"))?;
    }
    Ok(())
}

/// New login cards for every pupil of `school`: (code, secret). The old ones stop working.
pub async fn login_cards(
    addr: SocketAddr,
    cookie: &str,
    school: &str,
) -> anyhow::Result<Vec<(String, String)>> {
    let path = format!("/api/units/schools/{school}/login-cards");
    let cards = json_of(request(addr, "POST", &path, Some(cookie), Some(&json!({}))).await?)
        .with_context(|| format!("issuing the login cards of {school}"))?;
    cards
        .as_array()
        .context("login cards: not a list")?
        .iter()
        .map(|c| {
            Some((
                c["code"].as_str()?.to_owned(),
                c["secret"].as_str()?.to_owned(),
            ))
        })
        .collect::<Option<Vec<_>>>()
        .context("login cards without a code or a secret")
}

/// A contest `slug` and its round `context` for tiểu học with `rules`.
pub async fn contest_round(
    addr: SocketAddr,
    cookie: &str,
    slug: &str,
    context: &str,
    rules: &Value,
) -> anyhow::Result<()> {
    let contest = json!({"slug": slug, "title": "Cuộc thi kiểm thử tải"});
    json_of(request(addr, "POST", "/api/contests", Some(cookie), Some(&contest)).await?)
        .with_context(|| format!("creating contest {slug}"))?;
    let round = json!({
        "context": context,
        "title": "Đợt kiểm thử tải",
        "levels": ["tieu-hoc"],
        "rules": rules,
    });
    let path = format!("/api/contests/{slug}/rounds");
    json_of(request(addr, "POST", &path, Some(cookie), Some(&round)).await?)
        .with_context(|| format!("creating round {context}"))?;
    Ok(())
}

/// The code of the first commune the server lists.
pub async fn first_commune(addr: SocketAddr) -> anyhow::Result<String> {
    let communes = json_of(request(addr, "GET", "/api/units/communes", None, None).await?)?;
    Ok(communes[0]["code"]
        .as_str()
        .context("the server lists no communes")?
        .to_owned())
}

/// A school `code` in `commune`, with nobody on its roster yet.
pub async fn school(
    addr: SocketAddr,
    cookie: &str,
    code: &str,
    commune: &str,
    enrolment: usize,
) -> anyhow::Result<()> {
    let sheet = format!(
        "code,name,levels,commune,enrolment\n{code},Trường {code},tieu-hoc,{commune},{enrolment}\n"
    );
    let resp = request_bytes(
        addr,
        "POST",
        "/api/units/schools/import?file=truong.csv",
        Some(cookie),
        Some(("application/octet-stream", sheet.as_bytes())),
    )
    .await?;
    json_of(resp).with_context(|| format!("importing school {code}"))?;
    Ok(())
}

/// The eight boards of the load-test school's round, from the province to its class.
pub fn boards(commune: &str) -> Vec<String> {
    vec![
        "province".into(),
        "schools".into(),
        "communes".into(),
        format!("commune/{commune}"),
        format!("schools/commune/{commune}"),
        format!("school/{SCHOOL}"),
        format!("classes/{SCHOOL}"),
        format!("class/{SCHOOL}/5A"),
    ]
}

/// Results of the first `students` (at most 100) load-test students in `context`, so its
/// boards exist.
pub async fn results(
    addr: SocketAddr,
    cookie: &str,
    context: &str,
    students: usize,
) -> anyhow::Result<()> {
    let rows: Vec<Value> = (0..students.clamp(1, 100))
        .map(|i| json!({"student": student(i), "score": 100 - i as i64, "time_ms": 60_000}))
        .collect();
    let path = format!("/api/rankings/{context}/results");
    let resp = request(addr, "POST", &path, Some(cookie), Some(&Value::Array(rows))).await?;
    json_of(resp).with_context(|| format!("posting results of {context}"))?;
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

/// A quiz titled `title` of the bank questions `chosen` (as `/api/banks/{bank}` lists them).
pub async fn make_quiz<'a>(
    addr: SocketAddr,
    cookie: &str,
    bank: &str,
    chosen: impl IntoIterator<Item = &'a Value>,
    title: &str,
) -> anyhow::Result<Value> {
    let refs: Vec<Value> = chosen
        .into_iter()
        .map(|q| json!({"bank": bank, "id": q["id"]}))
        .collect();
    json_of(
        request(
            addr,
            "POST",
            "/api/quizzes",
            Some(cookie),
            Some(&json!({"title": title, "questions": refs})),
        )
        .await?,
    )
}
