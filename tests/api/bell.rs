//! Rung chuông vàng over real sockets, on the test's backend (SQLite, or PostgreSQL with
//! `HOITHI_TEST_DATABASE=postgres`): the host opens a contest with `POST /api/bell`; a host
//! console, a judge's tablet, the hall screen and 100 phones play it to the bell through
//! `/ws/bell`, with an undo, two rescues, a skipped question, a whiteboard typed by the
//! judge and eliminated phones answering for fun; the report and the stored rows are then
//! held to what the phones saw. Bad requests to the API and bad stage messages are refused
//! with a code and change nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use hoithi::domain::{AccountId, AnswerKey, GameId, Question, QuestionKind};
use serde_json::{json, Value};

use crate::helpers::{question, spawn_app, TestApp, Ws, OPTIONS, RECV_TIMEOUT};

/// The seat the judge registers for a contestant with no phone.
const BOARD: u16 = 101;
const PHONES: u16 = 100;
/// The tie-break's answer.
const YEAR: f64 = 1945.0;

/// A `/ws/bell` client.
struct Client {
    ws: Ws,
    /// Every message read, in order.
    log: Vec<Value>,
}

impl Client {
    async fn connect(app: &TestApp, cookie: Option<&str>) -> Client {
        let ws = hoithi_loadtest::ws::Ws::connect_path(app.addr, None, "/ws/bell", cookie)
            .await
            .expect("the stage socket connects");
        Client {
            ws: Ws::from(ws),
            log: Vec::new(),
        }
    }

    async fn send(&mut self, v: Value) {
        self.ws.send(v).await;
    }

    async fn recv(&mut self) -> Value {
        let msg = self.ws.recv().await;
        self.log.push(msg.clone());
        msg
    }

    /// Reads until a message of type `ty`.
    async fn until(&mut self, ty: &str) -> Value {
        let deadline = tokio::time::Instant::now() + RECV_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let msg = self
                .ws
                .try_recv(left)
                .await
                .unwrap_or_else(|| panic!("no {ty} before the timeout"));
            self.log.push(msg.clone());
            if msg["type"] == ty {
                return msg;
            }
        }
    }

    /// Reads until the logged act `name`.
    async fn act(&mut self, name: &str) -> Value {
        loop {
            let msg = self.until("bell_act").await;
            if msg["act"] == name {
                return msg;
            }
        }
    }

    /// The next message, which must be an error; its code.
    async fn refused(&mut self, msg: Value) -> String {
        self.send(msg).await;
        let reply = self.until("error").await;
        let text = reply["message"].as_str().unwrap_or_default();
        assert!(
            text.chars().any(|c| c.is_alphabetic() && !c.is_ascii()),
            "a Vietnamese message: {reply}"
        );
        reply["code"].as_str().unwrap().to_owned()
    }

    /// The last `bell_you` status this phone was told, if any.
    fn status(&self) -> Option<&str> {
        self.log
            .iter()
            .rev()
            .find(|m| m["type"] == "bell_you")
            .and_then(|m| m["status"].as_str())
    }
}

/// A main question of difficulty `d`: option «Không bao giờ» is right.
fn main_question(n: u32, d: u8) -> Question {
    let mut q = question(&format!("rcv-{n}"), 30);
    q.text = format!("Câu {n}: có nên đưa mã OTP cho người lạ không? ({n})");
    q.difficulty = d;
    q
}

fn tie_break() -> Question {
    let mut q = question("rcv-phu", 30);
    q.kind = QuestionKind::Numeric;
    q.text = "Năm nào nước Việt Nam Dân chủ Cộng hòa ra đời?".into();
    q.options.clear();
    q.key = AnswerKey::Number {
        value: YEAR,
        tolerance: 0.0,
    };
    q.difficulty = 5;
    q
}

/// The game as the test plays it: each round's right option text, by question text.
struct Key(HashMap<String, String>);

impl Key {
    /// The shown id of the right (or a wrong) option of `question` (a `bell_question`).
    fn answer(&self, question: &Value, right: bool) -> Value {
        if question["kind"] == "numeric" {
            return json!(if right { YEAR } else { YEAR + 100.0 });
        }
        let text = question["text"].as_str().unwrap();
        let correct = &self.0[text];
        let options: Vec<&str> = question["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_str().unwrap())
            .collect();
        let at = options
            .iter()
            .position(|o| (o == correct) == right)
            .expect("the option is shown");
        json!([at + 1])
    }
}

struct Stage {
    host: Client,
    judge: Client,
    hall: Client,
    phones: BTreeMap<u16, Client>,
    key: Key,
    /// Who stands, as the test expects.
    standing: BTreeSet<u16>,
    /// Receipts the phones were given: (round, seat, counted, answered right).
    receipts: Vec<(u64, u16, bool, bool)>,
    /// The judge's whiteboards: (round, seat).
    boards: Vec<(u64, u16)>,
}

impl Stage {
    /// Every phone reads up to the question, which it returns (the hall's copy).
    async fn question(&mut self) -> Value {
        let q = self.hall.until("bell_question").await;
        for phone in self.phones.values_mut() {
            let mine = phone.until("bell_question").await;
            assert_eq!(mine["round"], q["round"]);
        }
        self.host.until("bell_question").await;
        self.judge.until("bell_question").await;
        q
    }

    /// Phones in `right` answer right, those in `wrong` wrong; each reads its receipt, which
    /// must say `counted` as expected (an eliminated phone on a main question plays for fun).
    async fn answer(&mut self, q: &Value, right: &BTreeSet<u16>, wrong: &BTreeSet<u16>) {
        let round = q["round"].as_u64().unwrap();
        let main = q["stage"] != "rescue";
        for (&seat, phone) in self.phones.iter_mut() {
            if right.contains(&seat) || wrong.contains(&seat) {
                let answer = self.key.answer(q, right.contains(&seat));
                phone
                    .send(json!({"type": "bell_answer", "round": round, "answer": answer}))
                    .await;
            }
        }
        for (&seat, phone) in self.phones.iter_mut() {
            if right.contains(&seat) || wrong.contains(&seat) {
                let receipt = phone.until("bell_receipt").await;
                assert_eq!(receipt["round"], round);
                let counted = if main {
                    self.standing.contains(&seat)
                } else {
                    !self.standing.contains(&seat)
                };
                assert_eq!(receipt["counted"], counted, "seat {seat}, round {round}");
                self.receipts
                    .push((round, seat, counted, right.contains(&seat)));
            }
        }
    }

    /// The judge types the board's whiteboard (right or wrong).
    async fn board(&mut self, q: &Value, right: bool) {
        let round = q["round"].as_u64().unwrap();
        let answer = self.key.answer(q, right);
        pace().await;
        self.judge
            .send(json!({"type": "bell_record", "seat": BOARD, "round": round, "answer": answer}))
            .await;
        let act = self.judge.act("recorded").await;
        assert_eq!(
            (act["seat"].clone(), act["round"].clone()),
            (json!(BOARD), json!(round))
        );
        self.boards.push((round, BOARD));
    }

    async fn host_act(&mut self, act: &str) {
        // At a person's pace: the socket refuses more than 10 a second (bursts of 20), and a
        // test that presses faster reads `rate_limited` instead of the act (seen under load).
        pace().await;
        self.host
            .send(json!({"type": "bell_host", "act": act}))
            .await;
    }

    /// Time up and reveal of a rescue question or the tie-break (which say what they did:
    /// `bell_back`, `bell_decided`).
    async fn reveal_other(&mut self) {
        self.host_act("close").await;
        self.hall.until("bell_closed").await;
        self.host_act("reveal").await;
    }

    /// Time up and reveal of a main question; every phone reads the reveal; returns the hall's.
    async fn reveal(&mut self) -> Value {
        self.reveal_other().await;
        let reveal = self.hall.until("bell_reveal").await;
        for phone in self.phones.values_mut() {
            assert_eq!(phone.until("bell_reveal").await["round"], reveal["round"]);
        }
        reveal
    }

    /// Phones of `seats` read the `bell_you` of `status`.
    async fn told(&mut self, seats: impl IntoIterator<Item = u16>, status: &str, text: &str) {
        for seat in seats {
            let you = self.phones.get_mut(&seat).unwrap().until("bell_you").await;
            assert_eq!(
                (you["status"].as_str(), you["text"].as_str()),
                (Some(status), Some(text)),
                "seat {seat}"
            );
        }
    }
}

/// The pace of a person's buttons.
async fn pace() {
    tokio::time::sleep(Duration::from_millis(110)).await;
}

fn seats(range: impl IntoIterator<Item = u16>) -> BTreeSet<u16> {
    range.into_iter().collect()
}

/// Two single-choice questions of a province bank for the rescues, and their right options.
async fn rescue_questions(app: &TestApp) -> Vec<(String, String, String)> {
    let bank = "thcs-ky-nang-so";
    let questions = app.store().bank_questions(bank).await.unwrap();
    questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Single)
        .take(2)
        .map(|q| {
            let AnswerKey::Options { ids } = &q.key else {
                unreachable!("a single-choice key")
            };
            let right = q.options[usize::from(ids[0]) - 1].clone();
            (q.id.clone(), q.text.clone(), right)
        })
        .collect()
}

#[tokio::test]
async fn a_hundred_phones_a_judge_and_the_hall_play_rung_chuong_vang_to_the_bell() {
    let app = spawn_app().await;
    // Six main questions given hard-first (the contest climbs easy → hard) and a numeric one
    // that becomes the tie-break.
    let mut questions: Vec<Question> = (1..=6)
        .rev()
        .map(|n| main_question(n, n.div_ceil(2) as u8))
        .collect();
    questions.insert(2, tie_break());
    let quiz = app
        .store()
        .create_quiz(
            AccountId::new(1),
            "Rung chuông vàng THCS Ea Kar",
            &questions,
        )
        .await
        .unwrap();
    let rescue = rescue_questions(&app).await;
    let mut key: HashMap<String, String> = questions
        .iter()
        .map(|q| (q.text.clone(), OPTIONS[0].to_owned()))
        .collect();
    key.extend(rescue.iter().map(|(_, t, r)| (t.clone(), r.clone())));
    let opened = app
        .post(
            "/api/bell",
            &json!({"quiz": quiz,
                    "rescue": rescue.iter().map(|(id, _, _)| json!({"bank": "thcs-ky-nang-so", "id": id})).collect::<Vec<_>>(),
                    "rules": {"all_wrong": "spare", "rescue": {"kind": "by_eliminated"}, "max_rescues": 2, "max_contestants": 200}}),
        )
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let opened = opened.json();
    assert_eq!(
        (
            opened["main"].clone(),
            opened["tie_break"].clone(),
            opened["rescue"].clone()
        ),
        (json!(6), json!(true), json!(2))
    );
    let (id, pin) = (
        opened["id"].as_i64().unwrap(),
        opened["pin"].as_str().unwrap().to_owned(),
    );
    assert!(opened["join_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/bell.html?pin={pin}")));

    // The stage screens, signed in as the organizer who opened it.
    let mut screens = Vec::new();
    for role in ["host", "judge", "hall"] {
        let mut c = Client::connect(&app, Some(&app.cookie)).await;
        c.send(json!({"type": "bell_stage", "v": 1, "game": id, "role": role}))
            .await;
        let welcome = c.recv().await;
        assert_eq!(
            (welcome["type"].as_str(), welcome["role"].as_str()),
            (Some("bell_welcome"), Some(role)),
            "{welcome}"
        );
        assert_eq!(welcome["phase"], "lobby");
        screens.push(c);
    }
    let hall = screens.pop().unwrap();
    let judge = screens.pop().unwrap();
    let host = screens.pop().unwrap();

    // A hundred phones take their seats; each keeps its token.
    let mut phones = BTreeMap::new();
    let mut tokens = HashMap::new();
    for seat in 1..=PHONES {
        let mut phone = Client::connect(&app, None).await;
        phone
            .send(json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": seat, "name": format!("Học sinh {seat}")}))
            .await;
        let welcome = phone.recv().await;
        assert_eq!(welcome["type"], "bell_welcome", "{welcome}");
        assert_eq!(welcome["you"]["seat"], seat);
        tokens.insert(seat, welcome["token"].as_str().unwrap().to_owned());
        phones.insert(seat, phone);
    }
    let mut stage = Stage {
        host,
        judge,
        hall,
        phones,
        key: Key(key),
        standing: seats(1..=PHONES),
        receipts: Vec::new(),
        boards: Vec::new(),
    };
    // The judge seats a contestant who has no phone.
    stage
        .judge
        .send(json!({"type": "bell_register", "seat": BOARD, "name": "Hùng"}))
        .await;
    stage.standing.insert(BOARD);
    // The hall screen hears of the seats in a few coalesced messages.
    let mut seen = BTreeSet::new();
    while seen.len() < 101 {
        let seated = stage.hall.until("bell_seated").await;
        for s in seated["seats"].as_array().unwrap() {
            seen.insert(s["seat"].as_u64().unwrap() as u16);
        }
    }
    assert!(
        stage
            .hall
            .log
            .iter()
            .filter(|m| m["type"] == "bell_seated")
            .count()
            < 101,
        "seats reach the hall coalesced"
    );

    // A phone that drops comes back to its seat with its token, not by its name.
    let (_, dropped) = stage.phones.remove_entry(&42).unwrap();
    drop(dropped);
    let mut stranger = Client::connect(&app, None).await;
    let code = stranger
        .refused(json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": 42, "name": "Học sinh 42"}))
        .await;
    assert_eq!(code, "seat_taken");
    let mut back = Client::connect(&app, None).await;
    back.send(json!({"type": "bell_resume", "v": 1, "token": tokens[&42]}))
        .await;
    let welcome = back.recv().await;
    assert_eq!(
        (welcome["type"].clone(), welcome["you"]["seat"].clone()),
        (json!("bell_welcome"), json!(42))
    );
    stage.phones.insert(42, back);

    // Câu 1: seats 91–100 are wrong; the board is right.
    stage.host_act("start").await;
    let q = stage.question().await;
    assert_eq!(
        (q["round"].clone(), q["stage"].clone(), q["number"].clone()),
        (json!(0), json!("main"), json!(1))
    );
    assert_eq!(q["standing"], 101);
    stage.answer(&q, &seats(1..=90), &seats(91..=100)).await;
    stage.board(&q, true).await;
    let reveal = stage.reveal().await;
    assert_eq!(
        (reveal["eliminated"].clone(), reveal["standing"].clone()),
        (json!(10), json!(91))
    );
    stage.told(91..=100, "eliminated", "Bạn đã bị loại").await;
    stage.standing.retain(|s| !(91..=100).contains(s));

    // The host undoes seat 95's elimination: the judge had misread its board.
    pace().await;
    stage
        .host
        .send(json!({"type": "bell_undo", "reason": "Trọng tài đọc nhầm bảng ghế 95", "seat": 95}))
        .await;
    let back = stage.hall.until("bell_back").await;
    assert_eq!(
        (
            back["why"].clone(),
            back["seats"].clone(),
            back["standing"].clone()
        ),
        (json!("undo"), json!([95]), json!(92))
    );
    stage
        .told(
            [95],
            "reinstated",
            "Ban tổ chức đã hủy lượt loại: bạn thi tiếp.",
        )
        .await;
    stage.standing.insert(95);

    // Câu 2: 61–90 wrong; the eliminated phones answer for fun, and it does not count.
    stage.host_act("next").await;
    let q = stage.question().await;
    let for_fun: BTreeSet<u16> = (91..=100).filter(|&s| s != 95).collect();
    let mut right = seats(1..=60);
    right.insert(95);
    right.extend(for_fun.iter().take(4));
    let mut wrong = seats(61..=90);
    wrong.extend(for_fun.iter().skip(4));
    stage.answer(&q, &right, &wrong).await;
    stage.board(&q, true).await;
    let reveal = stage.reveal().await;
    assert_eq!(
        (reveal["eliminated"].clone(), reveal["standing"].clone()),
        (json!(30), json!(62))
    );
    stage.told(61..=90, "eliminated", "Bạn đã bị loại").await;
    stage.standing.retain(|s| !(61..=90).contains(s));

    // Rescue 1: the eliminated answer the rescue question; the ten right ones come back. A
    // contestant still standing may not answer it.
    stage.host_act("rescue").await;
    let q = stage.question().await;
    assert_eq!(q["stage"], "rescue");
    let code = stage
        .phones
        .get_mut(&1)
        .unwrap()
        .refused(json!({"type": "bell_answer", "round": q["round"], "answer": [1]}))
        .await;
    assert_eq!(code, "not_eliminated");
    let out: BTreeSet<u16> = (1..=PHONES)
        .filter(|s| !stage.standing.contains(s))
        .collect();
    let right = seats(61..=70);
    let wrong: BTreeSet<u16> = out.difference(&right).copied().collect();
    stage.answer(&q, &right, &wrong).await;
    stage.reveal_other().await;
    let back = stage.hall.until("bell_back").await;
    assert_eq!(back["why"], "rescue");
    // The rescue question's answer was shown first; nobody goes out by it.
    let shown = stage
        .hall
        .log
        .iter()
        .rev()
        .find(|m| m["type"] == "bell_reveal")
        .unwrap();
    assert_eq!(
        (shown["round"].clone(), shown["eliminated"].clone()),
        (q["round"].clone(), json!(0))
    );
    assert_eq!(shown["correct"].as_array().map(Vec::len), Some(1));
    let mut rescued: Vec<u64> = back["seats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    rescued.sort();
    assert_eq!(rescued, (61..=70).collect::<Vec<u64>>());
    assert_eq!(back["standing"], 72);
    stage.told(61..=70, "rescued", "Bạn được cứu").await;
    stage.standing.extend(61..=70);

    // Câu 3 is faulty: its reveal puts 1–20 out, and the host skips it: they come back.
    stage.host_act("next").await;
    let q = stage.question().await;
    let wrong = seats(1..=20);
    let right: BTreeSet<u16> = stage
        .standing
        .iter()
        .copied()
        .filter(|s| *s > 20 && *s != BOARD)
        .collect();
    stage.answer(&q, &right, &wrong).await;
    stage.board(&q, true).await;
    let reveal = stage.reveal().await;
    assert_eq!(reveal["eliminated"], 20);
    stage.told(1..=20, "eliminated", "Bạn đã bị loại").await;
    pace().await;
    stage
        .host
        .send(json!({"type": "bell_skip", "reason": "Câu hỏi có hai đáp án đúng"}))
        .await;
    let skipped = stage.hall.until("bell_skipped").await;
    assert_eq!(skipped["round"], q["round"]);
    stage
        .told(
            1..=20,
            "reinstated",
            "Ban tổ chức đã hủy lượt loại: bạn thi tiếp.",
        )
        .await;

    // Câu 4: only 1–5 and the board are right.
    stage.host_act("next").await;
    let q = stage.question().await;
    assert_eq!(q["standing"], 72);
    let right = seats(1..=5);
    let wrong: BTreeSet<u16> = stage
        .standing
        .iter()
        .copied()
        .filter(|s| *s > 5 && *s != BOARD)
        .collect();
    stage.answer(&q, &right, &wrong).await;
    stage.board(&q, true).await;
    let reveal = stage.reveal().await;
    assert_eq!(
        (reveal["eliminated"].clone(), reveal["standing"].clone()),
        (json!(66), json!(6))
    );
    stage.standing = seats([1, 2, 3, 4, 5, BOARD]);

    // Rescue 2: seats 6–8 are right and come back.
    stage.host_act("rescue").await;
    let q = stage.question().await;
    let out: BTreeSet<u16> = (1..=PHONES)
        .filter(|s| !stage.standing.contains(s))
        .collect();
    let right = seats(6..=8);
    let wrong: BTreeSet<u16> = out.difference(&right).copied().collect();
    stage.answer(&q, &right, &wrong).await;
    stage.reveal_other().await;
    let back = stage.hall.until("bell_back").await;
    assert_eq!(
        (back["why"].clone(), back["standing"].clone()),
        (json!("rescue"), json!(9))
    );
    stage.told(6..=8, "rescued", "Bạn được cứu").await;
    stage.standing.extend(6..=8);
    // No third rescue: the day's rules allow two.
    pace().await;
    let code = stage
        .host
        .refused(json!({"type": "bell_host", "act": "rescue"}))
        .await;
    assert_eq!(code, "no_rescue_left");

    // Câu 5: everyone standing is wrong, and the day's rule spares them all.
    stage.host_act("next").await;
    let q = stage.question().await;
    let wrong: BTreeSet<u16> = stage
        .standing
        .iter()
        .copied()
        .filter(|s| *s != BOARD)
        .collect();
    stage.answer(&q, &BTreeSet::new(), &wrong).await;
    stage.board(&q, false).await;
    let reveal = stage.reveal().await;
    assert_eq!(
        (
            reveal["eliminated"].clone(),
            reveal["standing"].clone(),
            reveal["spared_all_wrong"].clone()
        ),
        (json!(0), json!(9), json!(true))
    );

    // Câu 6: seats 1, 2, 6 and the board stay.
    stage.host_act("next").await;
    let q = stage.question().await;
    let right = seats([1, 2, 6]);
    let wrong: BTreeSet<u16> = stage
        .standing
        .iter()
        .copied()
        .filter(|s| !right.contains(s) && *s != BOARD)
        .collect();
    stage.answer(&q, &right, &wrong).await;
    stage.board(&q, true).await;
    let reveal = stage.reveal().await;
    assert_eq!(
        (reveal["eliminated"].clone(), reveal["standing"].clone()),
        (json!(5), json!(4))
    );
    stage.standing = seats([1, 2, 6, BOARD]);

    // The tie-break: seat 1 gives the year; the others are further off.
    stage.host_act("next").await;
    let q = stage.question().await;
    assert_eq!(q["stage"], "tie_break");
    let round = q["round"].as_u64().unwrap();
    for (seat, year) in [(1u16, YEAR), (2, YEAR + 5.0), (6, YEAR - 45.0)] {
        stage
            .phones
            .get_mut(&seat)
            .unwrap()
            .send(json!({"type": "bell_answer", "round": round, "answer": year}))
            .await;
        let receipt = stage
            .phones
            .get_mut(&seat)
            .unwrap()
            .until("bell_receipt")
            .await;
        assert_eq!(receipt["counted"], true);
        stage.receipts.push((round, seat, true, seat == 1));
    }
    stage
        .judge
        .send(json!({"type": "bell_record", "seat": BOARD, "round": round, "answer": YEAR - 1.0}))
        .await;
    stage.judge.act("recorded").await;
    stage.boards.push((round, BOARD));
    stage.reveal_other().await;
    let decided = stage.hall.until("bell_decided").await;
    assert_eq!(
        decided["winners"],
        json!([{"seat": 1, "name": "Học sinh 1"}])
    );
    stage.host_act("next").await;
    let end = stage.hall.until("bell_end").await;
    assert_eq!(end["winners"], json!([{"seat": 1, "name": "Học sinh 1"}]));
    stage.told([1], "winner", "Bạn rung chuông vàng!").await;

    // What each phone was told last is where the report puts it.
    let report = app.get(&format!("/api/bell/{id}/report")).await;
    assert_eq!(report.status, 200, "{}", report.body);
    let report = report.json();
    assert_eq!(report["finished"], true);
    let places: HashMap<u64, &Value> = report["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["seat"].as_u64().unwrap(), p))
        .collect();
    assert_eq!(places.len(), 101);
    for (&seat, phone) in &stage.phones {
        let place = places[&u64::from(seat)];
        match phone.status() {
            Some("winner") => assert_eq!(
                (place["place"].clone(), place["rang_the_bell"].clone()),
                (json!(1), json!(true))
            ),
            Some("eliminated") => assert!(place["out_at"].is_u64(), "seat {seat}: {place}"),
            _ => assert!(
                place["out_at"].is_null(),
                "seat {seat} never told it was out: {place}"
            ),
        }
    }
    assert_eq!(
        places[&u64::from(BOARD)]["place"],
        2,
        "the board stood to the end"
    );
    let lines = report["rounds"].as_array().unwrap();
    assert_eq!(
        lines.len(),
        9,
        "six questions, the tie-break and two rescues: {lines:?}"
    );
    assert_eq!(lines[2]["outcome"], "bỏ qua (câu hỏi lỗi)");
    let acts: Vec<&str> = report["acts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        acts.iter().any(
            |a| a.ends_with("Câu 1 · Hủy loại ghế 095 — lý do: Trọng tài đọc nhầm bảng ghế 95")
        ),
        "{acts:#?}"
    );
    assert!(acts
        .iter()
        .any(|a| a.contains("Bỏ câu hỏi lỗi — lý do: Câu hỏi có hai đáp án đúng; 20 thí sinh")));

    // The stored contest is what the phones saw: a row for every receipt (the right answer
    // in the bank's ids where the phone was right), one for every board, the act log as the
    // report's, the seats with their names.
    let store = app.store();
    let contest = GameId::new(id);
    let stored = store.bell_answers(contest).await.unwrap();
    let phone_rows: BTreeMap<(i64, i64), &hoithi::storage::bell::BellAnswerRow> = stored
        .iter()
        .filter(|r| r.source == hoithi::storage::bell::Source::Phone)
        .map(|r| ((r.round, r.seat), r))
        .collect();
    assert_eq!(phone_rows.len(), stage.receipts.len());
    let rescue_rounds = [7i64, 8];
    for &(round, seat, _counted, right) in &stage.receipts {
        let row = phone_rows[&(round as i64, i64::from(seat))];
        if round == 6 {
            continue; // the tie-break: a number
        }
        if rescue_rounds.contains(&(round as i64)) {
            continue; // a bank question: its right id is the bank's
        }
        assert_eq!(
            row.answer == "[1]",
            right,
            "round {round}, seat {seat}: {}",
            row.answer
        );
    }
    let boards: Vec<(u64, u16)> = stored
        .iter()
        .filter(|r| r.source == hoithi::storage::bell::Source::Board)
        .map(|r| (r.round as u64, r.seat as u16))
        .collect();
    let mut expected = stage.boards.clone();
    expected.sort();
    assert_eq!(boards, expected);
    // The last acts (the end) go through the batching writer after the room has them: wait
    // for the commit.
    let mut logged = store.bell_acts(contest).await.unwrap();
    for _ in 0..50 {
        let ended = store.bell(contest).await.unwrap().unwrap().status == "finished"
            && store.bell_report(contest).await.unwrap().is_some();
        if ended && logged.len() >= acts.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        logged = store.bell_acts(contest).await.unwrap();
    }
    assert_eq!(logged.len(), acts.len());
    assert!(logged
        .iter()
        .any(|a| a.act.contains("\"undone\"") && a.act.contains("Trọng tài đọc nhầm")));
    // The report was stored with the end, as the room gives it: the school reads it once
    // the room has closed.
    let stored: Value = serde_json::from_str(
        &store
            .bell_report(contest)
            .await
            .unwrap()
            .expect("a report stored"),
    )
    .unwrap();
    assert_eq!(stored, report);
    let seated = store.bell_seats(contest).await.unwrap();
    assert_eq!(seated.len(), 101);
    assert!(seated.contains(&(i64::from(BOARD), "Hùng".to_owned())));
    let row = store.bell(contest).await.unwrap().unwrap();
    assert_eq!(row.status, "finished");
}

#[tokio::test]
async fn bad_requests_to_open_a_contest_are_refused_and_open_nothing() {
    let app = spawn_app().await;
    let quiz = app
        .store()
        .create_quiz(AccountId::new(1), "Bộ câu hỏi", &[main_question(1, 1)])
        .await
        .unwrap();
    let cases = [
        (json!({}), 422, "invalid_bell"),
        (
            json!({"quiz": quiz, "questions": [{"bank": "thcs-ky-nang-so", "id": "x"}]}),
            422,
            "invalid_bell",
        ),
        (
            json!({"quiz": quiz, "rules": {"max_contestants": 0}}),
            422,
            "invalid_bell",
        ),
        (
            json!({"quiz": quiz, "rules": {"max_rescues": 11}}),
            422,
            "invalid_bell",
        ),
        (
            json!({"quiz": quiz, "rules": {"rescue": {"kind": "by_audience", "up_to": 0}}}),
            422,
            "invalid_bell",
        ),
        // The default rescue puts a question to the eliminated: none is given.
        (json!({"quiz": quiz}), 422, "invalid_bell"),
        (
            json!({"quiz": quiz, "rules": {"all_wrong": "maybe"}}),
            422,
            "invalid_body",
        ),
        (
            json!({"quiz": quiz, "rules": {"grace": 9000}}),
            422,
            "invalid_body",
        ),
        (
            json!({"questions": [{"bank": "thcs-ky-nang-so", "id": "khong-co"}]}),
            422,
            "unknown_question",
        ),
        (
            json!({"quiz": quiz, "title": "", "rules": {"rescue": {"kind": "all"}}}),
            422,
            "invalid_title",
        ),
        (
            json!({"quiz": 9999, "rules": {"rescue": {"kind": "all"}}}),
            404,
            "not_found",
        ),
    ];
    for (body, status, code) in cases {
        let r = app.post("/api/bell", &body).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
        let v = r.json();
        assert_eq!(v["code"], code, "{body}: {}", r.body);
        if status == 422 {
            let message = v["message"].as_str().unwrap();
            assert!(
                message.chars().any(|c| c.is_alphabetic() && !c.is_ascii()),
                "{message}"
            );
        }
    }
    // Without a session.
    let r = crate::helpers::http(
        app.addr,
        "POST",
        "/api/bell",
        None,
        Some(&json!({"quiz": quiz})),
    )
    .await;
    assert_eq!(r.status, 401, "{}", r.body);
    // Nothing was stored, and a good request opens contest 1.
    assert!(app.store().bell(GameId::new(1)).await.unwrap().is_none());
    let ok = app
        .post(
            "/api/bell",
            &json!({"quiz": quiz, "rules": {"rescue": {"kind": "all"}}}),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["id"], 1);
    assert_eq!(ok.json()["tie_break"], false);
}

#[tokio::test]
async fn bad_stage_messages_are_refused_with_a_code_and_change_nothing() {
    let app = spawn_app().await;
    let quiz = app
        .store()
        .create_quiz(
            AccountId::new(1),
            "Bộ câu hỏi",
            &[main_question(1, 1), main_question(2, 2)],
        )
        .await
        .unwrap();
    let opened = app
        .post(
            "/api/bell",
            &json!({"quiz": quiz, "rules": {"rescue": {"kind": "all"}}}),
        )
        .await
        .json();
    let (id, pin) = (
        opened["id"].as_i64().unwrap(),
        opened["pin"].as_str().unwrap().to_owned(),
    );

    // The stage key opens a judge's tablet or the hall screen without a session; never the
    // host's console, and a wrong key is refused.
    let key = opened["stage_key"].as_str().unwrap().to_owned();
    let mut tablet = Client::connect(&app, None).await;
    tablet
        .send(json!({"type": "bell_stage", "v": 1, "game": id, "role": "judge", "key": key}))
        .await;
    assert_eq!(tablet.recv().await["role"], "judge");
    let mut guess = Client::connect(&app, None).await;
    assert_eq!(
        guess
            .refused(json!({"type": "bell_stage", "v": 1, "game": id, "role": "hall", "key": "0".repeat(32)}))
            .await,
        "forbidden"
    );
    assert_eq!(
        guess
            .refused(json!({"type": "bell_stage", "v": 1, "game": id, "role": "host", "key": key}))
            .await,
        "forbidden"
    );
    assert_eq!(
        guess
            .refused(json!({"type": "bell_stage", "v": 1, "game": id, "role": "host"}))
            .await,
        "unauthorized"
    );
    assert_eq!(
        tablet
            .refused(json!({"type": "bell_host", "act": "start"}))
            .await,
        "not_host"
    );

    // Before joining.
    let mut pre = Client::connect(&app, None).await;
    let c = &mut pre;
    assert_eq!(c.refused(json!("không phải JSON")).await, "bad_message");
    c.ws.send_text("{không phải JSON").await;
    assert_eq!(c.until("error").await["code"], "bad_message");
    assert_eq!(
        c.refused(json!({"type": "bell_answer", "round": 0, "answer": [1]}))
            .await,
        "not_joined"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_sit", "v": 2, "pin": pin, "seat": 1, "name": "Lan"}))
            .await,
        "unsupported_version"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_sit", "v": 1, "pin": "000000", "seat": 1, "name": "Lan"}))
            .await,
        "game_not_found"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": 0, "name": "Lan"}))
            .await,
        "bad_seat"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": 1000, "name": "Lan"}))
            .await,
        "bad_seat"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": 1, "name": "  "}))
            .await,
        "invalid_name"
    );
    assert_eq!(
        c.refused(
            json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": 1, "name": "Lan", "team": 2})
        )
        .await,
        "bad_message"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_resume", "v": 1, "token": "not-a-token"}))
            .await,
        "invalid_token"
    );
    assert_eq!(
        c.refused(
            json!({"type": "bell_resume", "v": 1, "token": format!("{id}.1.{}", "0".repeat(32))})
        )
        .await,
        "invalid_token"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_stage", "v": 1, "game": id, "role": "host"}))
            .await,
        "unauthorized"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_stage", "v": 1, "game": id, "role": "referee"}))
            .await,
        "bad_message"
    );
    // The class game's socket does not lead into the contest, though the PIN is a real one.
    let mut class = Ws::connect(app.addr, None).await;
    class
        .send(json!({"type": "join", "v": 1, "pin": pin, "nickname": "Lan"}))
        .await;
    assert_eq!(class.recv_type("error").await["code"], "game_not_found");

    // A contestant.
    let mut c = Client::connect(&app, None).await;
    c.send(json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": 1, "name": "Lan"}))
        .await;
    assert_eq!(c.recv().await["type"], "bell_welcome");
    assert_eq!(
        c.refused(json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": 2, "name": "Lan"}))
            .await,
        "already_joined"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_host", "act": "start"}))
            .await,
        "not_host"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_record", "seat": 1, "round": 0, "answer": [1]}))
            .await,
        "not_judge"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_register", "seat": 3, "name": "Minh"}))
            .await,
        "not_judge"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_answer", "round": 0, "answer": [1]}))
            .await,
        "not_started"
    );
    let mut other = Client::connect(&app, None).await;
    assert_eq!(
        other
            .refused(json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": 1, "name": "Mai"}))
            .await,
        "seat_taken"
    );

    // The organizer's screens.
    let mut host = Client::connect(&app, Some(&app.cookie)).await;
    host.send(json!({"type": "bell_stage", "v": 1, "game": id, "role": "host"}))
        .await;
    assert_eq!(host.recv().await["role"], "host");
    let mut hall = Client::connect(&app, Some(&app.cookie)).await;
    hall.send(json!({"type": "bell_stage", "v": 1, "game": id, "role": "hall"}))
        .await;
    assert_eq!(hall.recv().await["role"], "hall");
    assert_eq!(
        hall.refused(json!({"type": "bell_host", "act": "start"}))
            .await,
        "not_host"
    );
    assert_eq!(
        hall.refused(json!({"type": "bell_record", "seat": 1, "round": 0, "answer": [1]}))
            .await,
        "not_judge"
    );
    assert_eq!(
        host.refused(json!({"type": "bell_host", "act": "reveal"}))
            .await,
        "not_started"
    );
    assert_eq!(
        host.refused(json!({"type": "bell_skip", "reason": ""}))
            .await,
        "reason_required"
    );
    assert_eq!(
        host.refused(json!({"type": "bell_undo", "reason": "x".repeat(201)}))
            .await,
        "reason_required"
    );
    assert_eq!(
        host.refused(json!({"type": "bell_register", "seat": 1, "name": "Mai"}))
            .await,
        "seat_taken"
    );
    assert_eq!(
        host.refused(json!({"type": "bell_host", "act": "dance"}))
            .await,
        "bad_message"
    );
    host.send(json!({"type": "bell_host", "act": "start"}))
        .await;
    let q = host.until("bell_question").await;
    assert_eq!(c.until("bell_question").await["round"], 0);
    assert_eq!(
        hall.refused(json!({"type": "bell_answer", "round": 0, "answer": [1]}))
            .await,
        "contestants_only"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_answer", "round": 1, "answer": [1]}))
            .await,
        "round_not_open"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_answer", "round": 0, "answer": [9]}))
            .await,
        "bad_answer"
    );
    assert_eq!(
        c.refused(json!({"type": "bell_answer", "round": 0, "answer": "một"}))
            .await,
        "bad_message"
    );
    assert_eq!(
        host.refused(json!({"type": "bell_host", "act": "reveal"}))
            .await,
        "still_open"
    );
    assert_eq!(
        host.refused(json!({"type": "bell_undo", "reason": "nhầm"}))
            .await,
        "nothing_to_undo"
    );
    // After all that the contest is where it was: one contestant, round 0 open, nothing
    // answered.
    let mut again = Client::connect(&app, Some(&app.cookie)).await;
    again
        .send(json!({"type": "bell_stage", "v": 1, "game": id, "role": "judge"}))
        .await;
    let welcome = again.recv().await;
    assert_eq!(
        (
            welcome["phase"].clone(),
            welcome["contestants"].clone(),
            welcome["question"]["round"].clone()
        ),
        (json!("open"), json!(1), q["round"].clone())
    );
    assert!(app
        .store()
        .bell_answers(GameId::new(id))
        .await
        .unwrap()
        .is_empty());
    // A flood is cut off as on the class game's socket.
    let mut limited = false;
    for _ in 0..40 {
        c.send(json!({"type": "bell_host", "act": "start"})).await;
    }
    while let Some(msg) = c.ws.try_recv(Duration::from_secs(2)).await {
        if msg["code"] == "rate_limited" {
            limited = true;
            break;
        }
    }
    assert!(limited, "a flood meets rate_limited");
}

#[tokio::test]
async fn a_graceful_stop_closes_stage_rooms_and_marks_the_contest_closed() {
    let app = spawn_app().await;
    let quiz = app
        .store()
        .create_quiz(AccountId::new(1), "Bộ câu hỏi", &[main_question(1, 1)])
        .await
        .unwrap();
    let opened = app
        .post(
            "/api/bell",
            &json!({"quiz": quiz, "rules": {"rescue": {"kind": "all"}}}),
        )
        .await
        .json();
    let (id, pin) = (
        opened["id"].as_i64().unwrap(),
        opened["pin"].as_str().unwrap().to_owned(),
    );
    let mut phone = Client::connect(&app, None).await;
    phone
        .send(json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": 7, "name": "Lan"}))
        .await;
    assert_eq!(phone.recv().await["type"], "bell_welcome");
    // The stop waits for the stage room as for class rooms; the phone's socket is closed.
    let dir = tokio::time::timeout(Duration::from_secs(30), app.stop())
        .await
        .expect("the server stops with a stage room open");
    assert!(phone.ws.try_recv(Duration::from_secs(5)).await.is_none());
    let store = hoithi::storage::Store::open(&crate::database::url_for(dir.path()))
        .await
        .unwrap();
    let row = store.bell(GameId::new(id)).await.unwrap().unwrap();
    assert_eq!(row.status, "closed", "its PIN no longer counts as open");
    assert!(!store.open_pins().await.unwrap().contains(&pin));
    assert_eq!(store.bell_seats(GameId::new(id)).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_report_of_an_ended_contest_is_read_after_a_restart() {
    let app = spawn_app().await;
    let quiz = app
        .store()
        .create_quiz(AccountId::new(1), "Bộ câu hỏi", &[main_question(1, 1)])
        .await
        .unwrap();
    let opened = app
        .post(
            "/api/bell",
            &json!({"quiz": quiz, "title": "Chung kết", "rules": {"rescue": {"kind": "all"}}}),
        )
        .await
        .json();
    let (id, pin) = (
        opened["id"].as_i64().unwrap(),
        opened["pin"].as_str().unwrap().to_owned(),
    );
    let mut host = Client::connect(&app, Some(&app.cookie)).await;
    host.send(json!({"type": "bell_stage", "v": 1, "game": id, "role": "host"}))
        .await;
    host.recv().await;
    let mut phone = Client::connect(&app, None).await;
    phone
        .send(json!({"type": "bell_sit", "v": 1, "pin": pin, "seat": 5, "name": "Lan"}))
        .await;
    phone.recv().await;
    for act in ["start", "close", "reveal", "next"] {
        pace().await;
        host.send(json!({"type": "bell_host", "act": act})).await;
    }
    phone.until("bell_end").await;
    let live = app.get(&format!("/api/bell/{id}/report")).await.json();
    assert_eq!(live["finished"], true);
    // The room is gone after a restart; the stored report answers.
    let dir = app.stop().await;
    let app = crate::helpers::start_in(dir).await;
    let mut stored = app.get(&format!("/api/bell/{id}/report")).await;
    for _ in 0..20 {
        if stored.status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        stored = app.get(&format!("/api/bell/{id}/report")).await;
    }
    assert_eq!(stored.status, 200, "{}", stored.body);
    assert_eq!(stored.json(), live);
    assert_eq!(live["title"], "Chung kết");
    assert_eq!(live["places"][0]["name"], "Lan");
    assert_eq!(app.get("/api/bell/9999/report").await.status, 404);
}
