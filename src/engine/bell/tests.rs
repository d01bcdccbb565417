//! A stage room on tokio's paused clock: real tasks and queues, phones and screens as
//! outboxes the test reads. A 20 s countdown passes in no time.

use std::time::Duration;

use serde_json::Value;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use super::*;
use crate::domain::bell::{BellSet, Reason, RescueRule, Rules};
use crate::domain::question::tests::single;
use crate::domain::question::{AnswerKey, QuestionKind};
use crate::domain::{Answer, Nickname};

/// One connection as the test sees it.
struct Conn {
    id: u64,
    rx: mpsc::Receiver<Outgoing>,
}

impl Conn {
    fn new(id: u64) -> (Conn, Outbox) {
        let (outbox, rx) = Outbox::new(id);
        (Conn { id, rx }, outbox)
    }

    /// The next message (within two hours of paused time, or the test fails).
    async fn next(&mut self) -> Value {
        let msg = tokio::time::timeout(Duration::from_secs(7200), self.rx.recv())
            .await
            .expect("a message within two hours")
            .expect("the connection is open");
        match msg {
            Outgoing::Text(t) | Outgoing::Last(t) | Outgoing::Question { text: t, .. } => {
                serde_json::from_str(t.as_str()).unwrap()
            }
        }
    }

    /// Reads until a message of type `ty`, which it returns.
    async fn until(&mut self, ty: &str) -> Value {
        loop {
            let msg = self.next().await;
            if msg["type"] == ty {
                return msg;
            }
        }
    }

    /// Reads until the logged act `name`, which it returns.
    async fn act(&mut self, name: &str) -> Value {
        loop {
            let msg = self.until("bell_act").await;
            if msg["act"] == name {
                return msg;
            }
        }
    }

    /// Messages already queued, without waiting.
    fn queued(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        while let Ok(Outgoing::Text(t)) = self.rx.try_recv() {
            out.push(serde_json::from_str(t.as_str()).unwrap());
        }
        out
    }
}

fn seat(n: u16) -> Seat {
    Seat::new(n).unwrap()
}

fn question(difficulty: u8) -> crate::domain::Question {
    let mut q = single(1, 4);
    q.difficulty = difficulty;
    q
}

fn tie_break() -> crate::domain::Question {
    let mut q = single(1, 0);
    q.kind = QuestionKind::Numeric;
    q.options.clear();
    q.key = AnswerKey::Number {
        value: 1000.0,
        tolerance: 0.0,
    };
    q
}

struct Stage {
    handle: BellHandle,
    /// Rows the room handed its writer, committed as they came (unless the test plays the
    /// database itself: [`Stage::open_with`]).
    stored: std::sync::Arc<std::sync::Mutex<Vec<Write>>>,
    /// The right and a wrong answer to each round, in shown ids.
    keys: Vec<(Answer, Answer)>,
    host: Conn,
    judge: Conn,
    hall: Conn,
    next_conn: u64,
    /// Each phone's resume token, from its welcome.
    tokens: HashMap<u16, String>,
    _shutdown: watch::Sender<bool>,
}

impl Stage {
    async fn open(main: usize, rescue: usize, rules: Rules) -> Stage {
        let (writer, mut db) = crate::storage::writer::channel(1024);
        let stage = Stage::open_with(main, rescue, rules, writer).await;
        let stored = stage.stored.clone();
        tokio::spawn(async move {
            while let Some((row, done)) = db.recv().await {
                stored.lock().unwrap().push(row);
                if let Some(done) = done {
                    done(true);
                }
            }
        });
        stage
    }

    async fn open_with(main: usize, rescue: usize, rules: Rules, writer: WriterHandle) -> Stage {
        let set = BellSet::new(
            (0..main)
                .map(|i| question(1 + (i * 3 / main) as u8))
                .collect(),
            Some(tie_break()),
            (0..rescue).map(|_| question(1)).collect(),
        )
        .unwrap();
        let bell = Bell::new(&set, rules, 3);
        let keys = bell
            .rounds()
            .iter()
            .map(|r| match r.question.key {
                AnswerKey::Number { value, .. } => {
                    (Answer::Number(value), Answer::Number(value + 500.0))
                }
                _ => {
                    let right = r.question.correct_ids()[0];
                    (
                        Answer::Options(vec![right]),
                        Answer::Options(vec![right % 4 + 1]),
                    )
                }
            })
            .collect();
        let (shutdown_tx, shutdown) = watch::channel(false);
        let rooms = BellRooms::default();
        let handle = rooms.open(
            BellSetup {
                game_id: GameId::new(21),
                host: crate::domain::AccountId::new(1),
                stage_key: None,
                pin: "654321".into(),
                title: "Rung chuông vàng THCS Ea Kar".into(),
                bell,
                writer,
            },
            shutdown,
        );
        assert!(rooms.by_pin("654321").is_some());
        let mut stage = Stage {
            handle,
            stored: Default::default(),
            keys,
            host: Conn::new(0).0,
            judge: Conn::new(0).0,
            hall: Conn::new(0).0,
            next_conn: 1,
            tokens: HashMap::new(),
            _shutdown: shutdown_tx,
        };
        stage.host = stage.screen(StageRole::Host).await;
        stage.judge = stage.screen(StageRole::Judge).await;
        stage.hall = stage.screen(StageRole::Hall).await;
        stage
    }

    fn conn(&mut self) -> (Conn, Outbox) {
        self.next_conn += 1;
        Conn::new(self.next_conn)
    }

    async fn screen(&mut self, role: StageRole) -> Conn {
        let (conn, outbox) = self.conn();
        let (reply, got) = oneshot::channel();
        self.handle
            .send(BellCommand::Stage {
                role,
                outbox,
                reply,
            })
            .await;
        let welcome: Value = serde_json::from_str(got.await.unwrap().as_str()).unwrap();
        assert_eq!(welcome["type"], "bell_welcome");
        conn
    }

    /// Takes seat `n`; its token is kept for [`Stage::come_back`].
    async fn sit(&mut self, n: u16) -> Conn {
        let (conn, outbox) = self.conn();
        let (reply, got) = oneshot::channel();
        let secret = crate::engine::token::new_secret();
        self.handle
            .send(BellCommand::Sit {
                seat: seat(n),
                name: Nickname::parse(&format!("Học sinh {n}")).unwrap(),
                secret: secret.clone(),
                outbox,
                reply,
            })
            .await;
        let welcome: Value =
            serde_json::from_str(got.await.unwrap().expect("the seat is free").as_str()).unwrap();
        assert_eq!(welcome["token"], format!("21.{n}.{secret}"));
        self.tokens.insert(n, secret);
        conn
    }

    /// Seat `n`'s phone comes back with its token; returns the welcome too.
    async fn come_back(&mut self, n: u16) -> (Conn, Value) {
        let secret = self.tokens[&n].clone();
        let welcome = self.resume(n, secret).await.expect("its own token");
        (welcome.0, welcome.1)
    }

    async fn resume(&mut self, n: u16, secret: String) -> Result<(Conn, Value), BellErrorCode> {
        let (conn, outbox) = self.conn();
        let (reply, got) = oneshot::channel();
        self.handle
            .send(BellCommand::Resume {
                seat: seat(n),
                secret,
                outbox,
                reply,
            })
            .await;
        let welcome = got.await.unwrap()?;
        Ok((conn, serde_json::from_str(welcome.as_str()).unwrap()))
    }

    async fn ask(&self, conn: u64, ask: Ask) {
        self.handle
            .send(BellCommand::Ask {
                conn,
                ask,
                received_at: Instant::now(),
            })
            .await;
    }

    async fn host(&self, act: HostAct) {
        self.ask(self.host.id, Ask::Host(act)).await;
    }

    fn right(&self, round: usize) -> Answer {
        self.keys[round].0.clone()
    }

    fn wrong(&self, round: usize) -> Answer {
        self.keys[round].1.clone()
    }

    fn pick(&self, round: usize, right: bool) -> Answer {
        if right {
            self.right(round)
        } else {
            self.wrong(round)
        }
    }

    /// The host calls time and reveals; returns the hall's `bell_reveal`.
    async fn reveal(&mut self) -> Value {
        self.host(HostAct::Close).await;
        self.host(HostAct::Reveal).await;
        self.hall.until("bell_reveal").await
    }
}

fn reason(s: &str) -> Reason {
    Reason::parse(s).unwrap()
}

#[tokio::test(start_paused = true)]
async fn the_countdown_closes_by_itself_and_a_wrong_phone_reads_it_is_out() {
    let mut stage = Stage::open(2, 0, Rules::default()).await;
    let mut an = stage.sit(1).await;
    let mut binh = stage.sit(2).await;
    let seated = stage.hall.until("bell_seated").await;
    assert_eq!(
        (seated["seats"].clone(), seated["contestants"].clone()),
        (
            serde_json::json!([{"seat": 1, "name": "Học sinh 1"}, {"seat": 2, "name": "Học sinh 2"}]),
            2.into()
        ),
        "the two seats taken within a quarter second come in one message"
    );
    stage.host(HostAct::Start).await;
    let q = an.until("bell_question").await;
    assert_eq!(
        (q["round"].clone(), q["remaining_ms"].clone()),
        (0.into(), 20_000.into())
    );
    stage
        .ask(
            an.id,
            Ask::Answer {
                round: 0,
                answer: stage.right(0),
            },
        )
        .await;
    stage
        .ask(
            binh.id,
            Ask::Answer {
                round: 0,
                answer: stage.wrong(0),
            },
        )
        .await;
    assert_eq!(an.until("bell_receipt").await["counted"], true);
    // Nobody calls time: the room's own deadline closes the question after 20.5 s.
    let started = Instant::now();
    assert_eq!(stage.hall.until("bell_closed").await["round"], 0);
    assert!(started.elapsed() >= Duration::from_millis(20_000));
    stage.host(HostAct::Reveal).await;
    let reveal = stage.hall.until("bell_reveal").await;
    assert_eq!(
        (reveal["eliminated"].clone(), reveal["standing"].clone()),
        (1.into(), 1.into())
    );
    let you = binh.until("bell_you").await;
    assert_eq!(you["status"], "eliminated");
    assert_eq!(you["text"], "Bạn đã bị loại");
    assert!(
        an.queued().iter().all(|m| m["type"] != "bell_you"),
        "only the eliminated phone is told"
    );
    // Binh's phone comes back (a reload): the welcome says at once that Binh is out.
    let (_again, welcome) = stage.come_back(2).await;
    assert!(welcome.get("token").is_none(), "the token is given once");
    // Someone else cannot take Binh's seat: not with Binh's name, not with a made-up secret.
    let (_, outbox) = stage.conn();
    let (reply, got) = oneshot::channel();
    stage
        .handle
        .send(BellCommand::Sit {
            seat: seat(2),
            name: Nickname::parse("Học sinh 2").unwrap(),
            secret: crate::engine::token::new_secret(),
            outbox,
            reply,
        })
        .await;
    assert!(
        got.await.unwrap().is_err(),
        "a taken seat is not taken by its name"
    );
    assert_eq!(
        stage
            .resume(2, crate::engine::token::new_secret())
            .await
            .err(),
        Some(BellErrorCode::InvalidToken)
    );
    assert_eq!(
        (
            welcome["status"].clone(),
            welcome["phase"].clone(),
            welcome["standing"].clone()
        ),
        ("eliminated".into(), "revealed".into(), 1.into())
    );
    // A contestant may not press the host's buttons.
    stage.ask(an.id, Ask::Host(HostAct::Next)).await;
    assert_eq!(an.until("error").await["code"], "not_host");
}

/// Reads what every connection has queued, as live sockets would.
fn drain(stage: &mut Stage, phones: &mut HashMap<u16, Conn>) {
    for conn in phones.values_mut() {
        conn.queued();
    }
    stage.host.queued();
    stage.judge.queued();
    stage.hall.queued();
}

/// The integration test: 100 contestants (five on whiteboards, entered by the judge),
/// an undo, two rescues, a refused third, and the tie-break.
#[tokio::test(start_paused = true)]
async fn a_hundred_contestants_with_two_rescues_and_an_undo_ring_the_bell() {
    let rules = Rules {
        rescue: RescueRule::ByEliminated { up_to: Some(10) },
        max_rescues: 2,
        ..Rules::default()
    };
    // Rounds: 0–4 main, 5 the tie-break, 6–7 rescue questions.
    let mut stage = Stage::open(5, 2, rules).await;
    let mut phones: HashMap<u16, Conn> = HashMap::new();
    phones.insert(1, stage.sit(1).await);
    assert_eq!(
        stage.hall.until("bell_seated").await["seats"][0]["seat"],
        1,
        "the hall sees seats fill"
    );
    for n in 2..=95 {
        phones.insert(n, stage.sit(n).await);
        drain(&mut stage, &mut phones);
    }
    for n in 96..=100 {
        let name = Nickname::parse(&format!("Bảng {n}")).unwrap();
        stage
            .ask(
                stage.judge.id,
                Ask::Register {
                    seat: seat(n),
                    name,
                },
            )
            .await;
    }
    stage.host(HostAct::Start).await;
    assert_eq!(stage.hall.until("bell_question").await["standing"], 100);

    // Question 1: 1–80 right, 81–90 wrong, 91–95 blank; the boards of 96–100 right.
    for n in 1..=90 {
        let answer = stage.pick(0, n <= 80);
        stage
            .ask(phones[&n].id, Ask::Answer { round: 0, answer })
            .await;
    }
    for n in 96..=100 {
        let ask = Ask::Record {
            seat: seat(n),
            round: 0,
            answer: stage.right(0),
        };
        stage.ask(stage.judge.id, ask).await;
    }
    drain(&mut stage, &mut phones);
    let reveal = stage.reveal().await;
    assert_eq!(
        (reveal["eliminated"].clone(), reveal["standing"].clone()),
        (15.into(), 85.into())
    );
    let out = phones.get_mut(&85).unwrap().until("bell_you").await;
    assert_eq!(out["text"], "Bạn đã bị loại");
    let act = stage.host.act("revealed").await;
    assert_eq!(act["eliminated"].as_array().map(Vec::len), Some(15));

    // The judge misread seat 85's answer: the host undoes its elimination.
    let why = reason("Trọng tài nhập nhầm đáp án ghế 85");
    stage
        .ask(stage.host.id, Ask::Undo(why, Some(seat(85))))
        .await;
    let back = stage.hall.until("bell_back").await;
    assert_eq!(
        (
            back["seats"].clone(),
            back["why"].clone(),
            back["standing"].clone()
        ),
        (serde_json::json!([85]), "undo".into(), 86.into())
    );
    assert_eq!(
        phones.get_mut(&85).unwrap().until("bell_you").await["status"],
        "reinstated"
    );
    let act = stage.host.until("bell_act").await;
    assert_eq!(
        (
            act["act"].clone(),
            act["reason"].clone(),
            act["seats"].clone()
        ),
        (
            "undone".into(),
            "Trọng tài nhập nhầm đáp án ghế 85".into(),
            serde_json::json!([85])
        )
    );

    // Question 2: 1–50 and 85 right; 51–80 wrong; the boards wrong.
    drain(&mut stage, &mut phones);
    stage.host(HostAct::Next).await;
    for n in (1..=80).chain([85]) {
        let answer = stage.pick(1, n <= 50 || n == 85);
        stage
            .ask(phones[&n].id, Ask::Answer { round: 1, answer })
            .await;
    }
    for n in 96..=100 {
        let ask = Ask::Record {
            seat: seat(n),
            round: 1,
            answer: stage.wrong(1),
        };
        stage.ask(stage.judge.id, ask).await;
    }
    drain(&mut stage, &mut phones);
    assert_eq!(stage.reveal().await["standing"], 51);

    // Rescue 1: 60–75 answer right, 60 fastest; the first ten come back.
    drain(&mut stage, &mut phones);
    stage.host(HostAct::Rescue).await;
    assert_eq!(stage.hall.until("bell_question").await["stage"], "rescue");
    for n in 60..=75 {
        tokio::time::advance(Duration::from_millis(10)).await;
        let answer = stage.right(6);
        stage
            .ask(phones[&n].id, Ask::Answer { round: 6, answer })
            .await;
    }
    stage
        .ask(
            phones[&1].id,
            Ask::Answer {
                round: 6,
                answer: stage.right(6),
            },
        )
        .await;
    assert_eq!(
        phones.get_mut(&1).unwrap().until("error").await["code"],
        "not_eliminated"
    );
    stage.host(HostAct::Close).await;
    stage.host(HostAct::Reveal).await;
    let back = stage.hall.until("bell_back").await;
    assert_eq!(
        back["seats"],
        serde_json::json!((60..=69).collect::<Vec<u16>>())
    );
    assert_eq!(
        (back["why"].clone(), back["standing"].clone()),
        ("rescue".into(), 61.into())
    );
    let rescued = phones.get_mut(&60).unwrap().until("bell_you").await;
    assert_eq!(rescued["text"], "Bạn được cứu");

    // Question 3: only 1–30 answer (right); everyone else standing is blank.
    drain(&mut stage, &mut phones);
    stage.host(HostAct::Next).await;
    for n in 1..=30 {
        let answer = stage.right(2);
        stage
            .ask(phones[&n].id, Ask::Answer { round: 2, answer })
            .await;
    }
    drain(&mut stage, &mut phones);
    assert_eq!(stage.reveal().await["standing"], 30);

    // Rescue 2: 81–84 are right; then no rescue is left.
    drain(&mut stage, &mut phones);
    stage.host(HostAct::Rescue).await;
    for n in 81..=84 {
        let answer = stage.right(7);
        stage
            .ask(phones[&n].id, Ask::Answer { round: 7, answer })
            .await;
    }
    stage.host(HostAct::Close).await;
    stage.host(HostAct::Reveal).await;
    assert_eq!(stage.hall.until("bell_back").await["standing"], 34);
    stage.host(HostAct::Rescue).await;
    assert_eq!(stage.host.until("error").await["code"], "no_rescue_left");

    // Questions 4 and 5: all 34 right; then the tie-break, seat 7 closest.
    let standing: Vec<u16> = (1..=30).chain(81..=84).collect();
    for round in 3..=4 {
        drain(&mut stage, &mut phones);
        stage.host(HostAct::Next).await;
        for &n in &standing {
            let answer = stage.right(round);
            stage
                .ask(phones[&n].id, Ask::Answer { round, answer })
                .await;
        }
        drain(&mut stage, &mut phones);
        assert_eq!(stage.reveal().await["standing"], 34);
    }
    drain(&mut stage, &mut phones);
    stage.host(HostAct::Next).await;
    assert_eq!(
        stage.hall.until("bell_question").await["stage"],
        "tie_break"
    );
    for &n in &standing {
        let guess = if n == 7 { 990.0 } else { 1200.0 + f64::from(n) };
        stage
            .ask(
                phones[&n].id,
                Ask::Answer {
                    round: 5,
                    answer: Answer::Number(guess),
                },
            )
            .await;
    }
    drain(&mut stage, &mut phones);
    stage.host(HostAct::Close).await;
    stage.host(HostAct::Reveal).await;
    let decided = stage.hall.until("bell_decided").await;
    assert_eq!(decided["winners"][0]["seat"], 7);
    stage.host(HostAct::Next).await;
    let end = stage.hall.until("bell_end").await;
    assert_eq!(
        end["winners"],
        serde_json::json!([{"seat": 7, "name": "Học sinh 7"}])
    );
    let mine = phones.get_mut(&7).unwrap().until("bell_you").await;
    assert_eq!(mine["text"], "Bạn rung chuông vàng!");
}

#[tokio::test(start_paused = true)]
async fn a_room_nobody_uses_closes_and_leaves_the_registry() {
    let (shutdown_tx, shutdown) = watch::channel(false);
    let rooms = BellRooms::default();
    let set = BellSet::new(vec![question(1)], None, vec![]).unwrap();
    let handle = rooms.open(
        BellSetup {
            game_id: GameId::new(22),
            host: crate::domain::AccountId::new(1),
            stage_key: None,
            pin: "111222".into(),
            title: "Thử".into(),
            bell: Bell::new(&set, Rules::default(), 1),
            writer: crate::storage::writer::channel(16).0,
        },
        shutdown,
    );
    let (hall, outbox) = Conn::new(1);
    let (reply, got) = oneshot::channel();
    handle
        .send(BellCommand::Stage {
            role: StageRole::Hall,
            outbox,
            reply,
        })
        .await;
    got.await.unwrap();
    // A connected screen keeps it open past the linger.
    tokio::time::sleep(EMPTY_LINGER + Duration::from_secs(60)).await;
    assert!(rooms.by_pin("111222").is_some());
    handle.send(BellCommand::Detach { conn: hall.id }).await;
    tokio::time::sleep(EMPTY_LINGER + Duration::from_secs(1)).await;
    assert!(
        rooms.by_pin("111222").is_none(),
        "closed half an hour after the last screen left"
    );
    assert!(!handle.send(BellCommand::Detach { conn: 1 }).await);
    drop(shutdown_tx);
}

/// The host pauses (phones are told and refused), resumes, and runs a rescue put to the
/// audience: viewers' phones answer, each counted once, and as many contestants come back as
/// viewers were right.
#[tokio::test(start_paused = true)]
async fn a_pause_and_an_audience_rescue_through_the_room() {
    let rules = Rules {
        rescue: RescueRule::ByAudience { up_to: None },
        ..Rules::default()
    };
    let mut stage = Stage::open(2, 1, rules).await;
    let mut phones = Vec::new();
    for n in 1..=4 {
        phones.push(stage.sit(n).await);
    }
    stage.host(HostAct::Start).await;
    stage.host(HostAct::Pause).await;
    assert_eq!(phones[0].until("bell_paused").await["remaining_ms"], 20_000);
    stage
        .ask(
            phones[0].id,
            Ask::Answer {
                round: 0,
                answer: stage.right(0),
            },
        )
        .await;
    assert_eq!(phones[0].until("error").await["code"], "paused");
    stage.host(HostAct::Resume).await;
    assert_eq!(
        phones[0].until("bell_resumed").await["remaining_ms"],
        20_000
    );
    for (i, right) in [(0, true), (1, false), (2, false), (3, false)] {
        let answer = stage.pick(0, right);
        stage
            .ask(phones[i].id, Ask::Answer { round: 0, answer })
            .await;
    }
    assert_eq!(stage.reveal().await["standing"], 1);

    // Three viewers; two are right, one answers twice (counted once).
    let mut viewers = Vec::new();
    for _ in 0..3 {
        let (conn, outbox) = stage.conn();
        let (reply, got) = oneshot::channel();
        stage
            .handle
            .send(BellCommand::Audience { outbox, reply })
            .await;
        let (_viewer, welcome) = got.await.unwrap();
        let welcome: Value = serde_json::from_str(welcome.as_str()).unwrap();
        assert_eq!(welcome["role"], "audience");
        viewers.push(conn);
    }
    stage.host(HostAct::Rescue).await;
    assert_eq!(viewers[0].until("bell_question").await["stage"], "rescue");
    stage
        .ask(
            phones[1].id,
            Ask::Answer {
                round: 3,
                answer: stage.right(3),
            },
        )
        .await;
    assert_eq!(phones[1].until("error").await["code"], "audience_only");
    for (i, right) in [(0, true), (0, false), (1, true), (2, false)] {
        let answer = stage.pick(3, right);
        stage
            .ask(viewers[i].id, Ask::Answer { round: 3, answer })
            .await;
    }
    assert_eq!(viewers[2].until("bell_receipt").await["counted"], true);
    stage.host(HostAct::Close).await;
    stage.host(HostAct::Reveal).await;
    let back = stage.hall.until("bell_back").await;
    assert_eq!(back["seats"].as_array().map(Vec::len), Some(2), "{back}");
    assert_eq!(back["standing"], 3);
}

/// A phone's receipt waits for its answer's commit, the reveal waits for every answer queued
/// before it, and the act log reaches the writer numbered in order (here the test plays the
/// database and commits when it chooses).
#[tokio::test(start_paused = true)]
async fn a_receipt_means_the_answer_is_on_disk() {
    let (writer, mut db) = crate::storage::writer::channel(64);
    let mut stage = Stage::open_with(1, 0, Rules::default(), writer).await;
    let mut phone = stage.sit(7).await;
    let mut other = stage.sit(8).await;
    for n in [7, 8] {
        let (row, _) = db.recv().await.expect("the seat goes to the writer");
        let Write::BellSeat { seat, name, .. } = row else {
            panic!("a seat row, got {}", row.kind())
        };
        assert_eq!((seat, name), (n, format!("Học sinh {n}")));
    }
    stage.host(HostAct::Start).await;
    phone.until("bell_question").await;
    let answer = Ask::Answer {
        round: 0,
        answer: stage.wrong(0),
    };
    stage.ask(phone.id, answer).await;
    let (row, done) = db.recv().await.expect("the answer goes to the writer");
    let Write::BellAnswer(row) = row else {
        panic!("an answer row first, got {}", row.kind())
    };
    assert_eq!(
        (row.contest, row.round, row.seat, row.source),
        (GameId::new(21), 0, 7, crate::storage::bell::Source::Phone)
    );
    assert!(
        phone.queued().iter().all(|m| m["type"] != "bell_receipt"),
        "no receipt before the commit"
    );
    done.expect("the receipt waits on it")(true);
    assert_eq!(phone.until("bell_receipt").await["round"], 0);
    // Seat 8 is right, so the wrong seat 7 goes out (not everyone was wrong).
    let right = Ask::Answer {
        round: 0,
        answer: stage.right(0),
    };
    stage.ask(other.id, right).await;
    let (_, done) = db.recv().await.expect("the second answer");
    done.expect("a phone's answer has a receipt")(true);
    other.until("bell_receipt").await;

    // The reveal waits for the writer to have everything before it.
    stage.host(HostAct::Close).await;
    let mut acts = Vec::new();
    loop {
        let (row, done) = db.recv().await.expect("the room writes on");
        match row {
            Write::BellAct(act) => acts.push(act),
            Write::Barrier => {
                assert!(
                    stage
                        .hall
                        .queued()
                        .iter()
                        .all(|m| m["type"] != "bell_reveal"),
                    "nothing revealed before the writer has caught up"
                );
                done.expect("the room waits on it")(true);
                break;
            }
            other => panic!("unexpected {}", other.kind()),
        }
        if let Some(done) = done {
            done(true);
        }
        if acts.len() == 1 {
            stage.host(HostAct::Reveal).await;
        }
    }
    assert_eq!(stage.hall.until("bell_reveal").await["eliminated"], 1);
    let (row, _) = db.recv().await.expect("the reveal is logged");
    let Write::BellAct(revealed) = row else {
        panic!("the reveal's act, got {}", row.kind())
    };
    assert_eq!(acts[0].n, 0, "the early close is the first act");
    assert_eq!(revealed.n, 1);
    assert_eq!(revealed.round, Some(0));
    let what: Value = serde_json::from_str(&revealed.act).unwrap();
    assert_eq!(what["act"], "revealed");
    assert_eq!(what["eliminated"], serde_json::json!([7]));
}

/// The database refuses seat 7's right answer: its phone reads `server_busy`, the contest
/// takes the answer back (seat 7 is blank at the reveal, so out) and the phone may answer
/// again while the question is open.
#[tokio::test(start_paused = true)]
async fn an_answer_the_database_refused_does_not_count() {
    let (writer, mut db) = crate::storage::writer::channel(64);
    let mut stage = Stage::open_with(1, 0, Rules::default(), writer).await;
    // The database: seats and acts go in; the first answer of seat 7 is refused.
    let mut refused_once = false;
    let answers = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = answers.clone();
    tokio::spawn(async move {
        while let Some((row, done)) = db.recv().await {
            let ok = match &row {
                Write::BellAnswer(a) if a.seat == 7 && !refused_once => {
                    refused_once = true;
                    false
                }
                _ => true,
            };
            if let Write::BellAnswer(a) = &row {
                seen.lock().unwrap().push((a.seat, ok));
            }
            if let Some(done) = done {
                done(ok);
            }
        }
    });
    let mut seven = stage.sit(7).await;
    let mut eight = stage.sit(8).await;
    stage.host(HostAct::Start).await;
    seven.until("bell_question").await;
    eight.until("bell_question").await;
    stage
        .ask(
            seven.id,
            Ask::Answer {
                round: 0,
                answer: stage.right(0),
            },
        )
        .await;
    assert_eq!(seven.until("error").await["code"], "server_busy");
    stage
        .ask(
            eight.id,
            Ask::Answer {
                round: 0,
                answer: stage.right(0),
            },
        )
        .await;
    eight.until("bell_receipt").await;
    let reveal = stage.reveal().await;
    assert_eq!(
        (reveal["eliminated"].clone(), reveal["standing"].clone()),
        (1.into(), 1.into()),
        "seat 7's refused answer did not count: blank, out"
    );
    assert_eq!(seven.until("bell_you").await["status"], "eliminated");
    assert_eq!(*answers.lock().unwrap(), vec![(7, false), (8, true)]);
}

/// A stage of one question whose database refuses the first answer it is given (a phone's or
/// a judge's) and takes every other row.
async fn refusing_the_first_answer() -> Stage {
    let (writer, mut db) = crate::storage::writer::channel(64);
    let stage = Stage::open_with(1, 0, Rules::default(), writer).await;
    let mut first = true;
    tokio::spawn(async move {
        while let Some((row, done)) = db.recv().await {
            let ok = !(matches!(row, Write::BellAnswer(_)) && std::mem::take(&mut first));
            if let Some(done) = done {
                done(ok);
            }
        }
    });
    stage
}

#[tokio::test(start_paused = true)]
async fn a_phone_whose_answer_was_refused_answers_again() {
    let mut stage = refusing_the_first_answer().await;
    let mut seven = stage.sit(7).await;
    let _eight = stage.sit(8).await;
    stage.host(HostAct::Start).await;
    seven.until("bell_question").await;
    stage
        .ask(
            seven.id,
            Ask::Answer {
                round: 0,
                answer: stage.right(0),
            },
        )
        .await;
    assert_eq!(seven.until("error").await["code"], "server_busy");
    stage
        .ask(
            seven.id,
            Ask::Answer {
                round: 0,
                answer: stage.right(0),
            },
        )
        .await;
    assert_eq!(seven.until("bell_receipt").await["counted"], true);
    let reveal = stage.reveal().await;
    assert_eq!(
        reveal["eliminated"], 1,
        "seat 8 was blank; seat 7's second answer counted"
    );
}

/// The database refuses a judge's board: the judge's screen hears it in the act log before the
/// reveal (`not_stored`, with the seat), and the board typed again counts.
#[tokio::test(start_paused = true)]
async fn a_judges_board_the_database_refused_is_said_in_the_log_and_typed_again() {
    let mut stage = refusing_the_first_answer().await;
    let _seven = stage.sit(7).await;
    let board = Nickname::parse("Bảng 9").unwrap();
    stage
        .ask(
            stage.judge.id,
            Ask::Register {
                seat: seat(9),
                name: board,
            },
        )
        .await;
    stage.host(HostAct::Start).await;
    stage.judge.until("bell_question").await;
    let record = |stage: &Stage| Ask::Record {
        seat: seat(9),
        round: 0,
        answer: stage.right(0),
    };
    stage.ask(stage.judge.id, record(&stage)).await;
    assert_eq!(stage.judge.act("recorded").await["seat"], 9);
    // Once the database has refused it (the clock is paused: this waits until every task is
    // idle), the next thing the room reads, here the host's early close, takes the board back
    // and says so to the stage screens.
    tokio::time::sleep(Duration::from_millis(10)).await;
    stage.host(HostAct::Close).await;
    let lost = stage.judge.act("not_stored").await;
    assert_eq!(
        (lost["seat"].clone(), lost["round"].clone()),
        (9.into(), 0.into()),
        "{lost}"
    );
    stage.ask(stage.judge.id, record(&stage)).await;
    stage.judge.act("recorded").await;
    stage.host(HostAct::Reveal).await;
    let reveal = stage.hall.until("bell_reveal").await;
    assert_eq!(
        (reveal["eliminated"].clone(), reveal["standing"].clone()),
        (1.into(), 1.into()),
        "the board typed again counts (seat 7 never answered): {reveal}"
    );
}
