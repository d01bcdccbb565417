//! The room's timers and its promises to the database, on tokio's paused clock: a test waits
//! 20 s of game time in no time at all, and plays the database itself (rows arrive on a
//! channel and are committed when the test says), so «a receipt means on disk» and «the
//! reveal waits for the receipts» are checked at the moment they matter.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use super::*;
use crate::domain::game::Settings;
use crate::domain::question::tests::single;
use crate::domain::{Answer, Nickname};
use crate::leaderboard::{Leaderboards, MemoryBoards};
use crate::storage::writer::{self, Done};

/// The database as the room sees it: rows wait here until the test commits them.
struct Db {
    rows: mpsc::Receiver<(Write, Option<Done>)>,
}

impl Db {
    /// The next row the room hands over (within two hours of game time: the clock is
    /// paused, so waiting costs nothing, and a room that hands nothing over fails the test).
    async fn next(&mut self) -> (Write, Option<Done>) {
        tokio::time::timeout(Duration::from_secs(7200), self.rows.recv())
            .await
            .expect("a row within two hours")
            .expect("the writer queue is open")
    }

    /// Takes the next row, checks its kind and commits it.
    async fn commit(&mut self, kind: &str) {
        let (row, done) = self.next().await;
        assert_eq!(row.kind(), kind, "{row:?}");
        if let Some(done) = done {
            done(true);
        }
    }
}

struct Harness {
    tx: mpsc::Sender<Command>,
    db: Db,
    room: tokio::task::JoinHandle<()>,
    _shutdown: watch::Sender<bool>,
    started: Instant,
}

/// A room over `questions` (the bank's option 1 is right in each).
fn open(questions: usize, settings: Settings) -> Harness {
    let game = Game::new((0..questions).map(|_| single(1, 4)).collect(), settings, 5);
    let (writer, rows) = writer::channel(1024);
    let feed = BoardFeed::spawn(Leaderboards::Memory(MemoryBoards::new()));
    let (tx, rx) = mpsc::channel(64);
    let (shutdown_tx, shutdown) = watch::channel(false);
    let setup = RoomSetup {
        game_id: GameId::new(9),
        pin: "123456".into(),
        title: "Tiết thử".into(),
        join_url: "http://lop.example/?pin=123456".into(),
        image_base: "/bank-images".into(),
        game,
        hand_over: false,
    };
    let room = Room::new(setup, writer, feed, tx.downgrade());
    let room = tokio::spawn(room.run(rx, shutdown));
    Harness {
        tx,
        db: Db { rows },
        room,
        _shutdown: shutdown_tx,
        started: Instant::now(),
    }
}

/// A connection's end: what the room queued for it.
struct Phone {
    id: u64,
    rx: mpsc::Receiver<Outgoing>,
    player: PlayerId,
}

impl Phone {
    /// The next message's JSON, if one is queued now.
    fn try_next(&mut self) -> Option<serde_json::Value> {
        self.rx.try_recv().ok().map(|out| json(&out))
    }

    /// The next message within `wait` of game time.
    async fn next(&mut self, wait: Duration) -> Option<serde_json::Value> {
        let out = tokio::time::timeout(wait, self.rx.recv()).await.ok()??;
        Some(json(&out))
    }
}

fn json(out: &Outgoing) -> serde_json::Value {
    let text = match out {
        Outgoing::Text(t) | Outgoing::Last(t) | Outgoing::Question { text: t, .. } => t,
    };
    serde_json::from_str(text.as_str()).unwrap()
}

impl Harness {
    async fn join(&mut self, id: u64, name: &str) -> Phone {
        let (outbox, rx) = Outbox::new(id);
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Command::Join {
                class: None,
                school: None,
                nickname: Nickname::parse(name).unwrap(),
                token_secret: "0".repeat(32),
                outbox,
                reply,
            })
            .await
            .unwrap();
        // The welcome waits for the player's row.
        self.db.commit("player").await;
        let (player, _, _) = answer.await.unwrap().unwrap();
        Phone { id, rx, player }
    }

    async fn host(&mut self, id: u64) -> Phone {
        let (outbox, rx) = Outbox::new(id);
        let (reply, answer) = oneshot::channel();
        self.tx.send(Command::Host { outbox, reply }).await.unwrap();
        answer.await.unwrap().unwrap();
        Phone { id, rx, player: 0 }
    }

    async fn host_does(&self, host: &Phone, action: HostAction) {
        self.tx
            .send(Command::HostAction {
                conn: host.id,
                action,
            })
            .await
            .unwrap();
    }

    /// `phone` answers question `q` with the option the game shows for the bank's option
    /// `bank_id`, read off the `question` message it got.
    async fn answer(&self, phone: &Phone, question: &serde_json::Value, bank_id: usize) {
        let text = format!("Phương án {bank_id}");
        let id = question["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["text"] == text.as_str())
            .unwrap()["id"]
            .as_u64()
            .unwrap() as u8;
        let now = Instant::now();
        self.tx
            .send(Command::Answer {
                player: phone.player,
                conn: phone.id,
                q: question["q"].as_u64().unwrap() as usize,
                answer: Answer::Options(vec![id]),
                sent_at: None,
                received_at: now,
            })
            .await
            .unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn the_question_closes_at_its_deadline_plus_the_grace_and_the_reveal_waits_for_the_disk() {
    let mut h = open(1, Settings::default());
    let host = h.host(1).await;
    let mut lan = h.join(2, "Lan").await;
    let _minh = h.join(3, "Minh").await;
    h.host_does(&host, HostAction::Start).await;
    let question = lan.next(Duration::from_secs(1)).await.unwrap();
    assert_eq!(question["type"], "question");
    let opened = Instant::now();
    h.db.commit("status").await;
    h.db.commit("progress").await;

    tokio::time::sleep(Duration::from_secs(2)).await;
    h.answer(&lan, &question, 1).await;
    let (row, done) = h.db.next().await;
    assert_eq!(row.kind(), "answer");
    assert!(
        lan.try_next().is_none(),
        "no receipt before the answer is on disk"
    );

    // Minh never answers: the question closes at 20 s + 0.5 s (Minh is charged the whole
    // time), and the room then waits for the database before it reveals.
    h.db.commit("missed").await;
    h.db.commit("progress").await;
    let waited = opened.elapsed();
    let (barrier, flushed) = h.db.next().await;
    assert_eq!(
        barrier.kind(),
        "barrier",
        "the room asks for everything on disk"
    );
    assert!(
        waited >= Duration::from_millis(20_500) && waited < Duration::from_millis(20_600),
        "closed after {waited:?}"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        lan.try_next().is_none(),
        "no reveal while the answer is not on disk"
    );
    done.unwrap()(true);
    flushed.unwrap()(true);
    let receipt = lan.next(Duration::from_secs(1)).await.unwrap();
    assert_eq!(receipt["type"], "receipt");
    let reveal = lan.next(Duration::from_secs(1)).await.unwrap();
    assert_eq!(
        reveal["type"], "reveal",
        "the reveal comes after the receipt"
    );
    assert_eq!(reveal["answered"], 1);
    assert_eq!(
        lan.next(Duration::from_secs(1)).await.unwrap()["type"],
        "result"
    );
    assert!(h.started.elapsed() < Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn a_database_that_never_answers_holds_the_reveal_five_seconds_and_no_longer() {
    let mut h = open(1, Settings::default());
    let host = h.host(1).await;
    let mut lan = h.join(2, "Lan").await;
    h.host_does(&host, HostAction::Start).await;
    let question = lan.next(Duration::from_secs(1)).await.unwrap();
    h.db.commit("status").await;
    h.db.commit("progress").await;
    h.answer(&lan, &question, 2).await;
    // The answer and the barrier wait forever: the database is stuck.
    let (_answer, _never) = h.db.next().await;
    let (_barrier, _never_either) = h.db.next().await;
    let stuck = Instant::now();
    let reveal = lan.next(Duration::from_secs(60)).await.unwrap();
    assert_eq!(reveal["type"], "reveal");
    assert_eq!(stuck.elapsed(), FLUSH_WAIT);
}

#[tokio::test(start_paused = true)]
async fn an_event_players_school_is_in_the_row_the_welcome_waits_for() {
    let mut h = open(1, Settings::default());
    let (outbox, _rx) = Outbox::new(2);
    let (reply, mut answer) = oneshot::channel();
    h.tx.send(Command::Join {
        class: None,
        school: Some("TH-0001".into()),
        nickname: Nickname::parse("Lan").unwrap(),
        token_secret: "0".repeat(32),
        outbox,
        reply,
    })
    .await
    .unwrap();
    let (row, done) = h.db.next().await;
    match &row {
        Write::Player { school, player, .. } => {
            assert_eq!(school.as_deref(), Some("TH-0001"));
            assert_eq!(*player, 0);
        }
        other => panic!("the player's row first, not {other:?}"),
    }
    // Nothing is on disk yet: no welcome, whatever node the phone came through.
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert!(answer.try_recv().is_err(), "no welcome before the row");
    done.expect("the welcome waits for this row")(true);
    let (player, _, _) = answer.await.unwrap().unwrap();
    assert_eq!(player, 0);
}

#[tokio::test(start_paused = true)]
async fn joins_reach_the_host_as_one_lobby_update_a_quarter_second_later() {
    let mut h = open(1, Settings::default());
    let mut host = h.host(1).await;
    let first = Instant::now();
    for i in 0..40 {
        h.join(10 + i, &format!("Học sinh {i}")).await;
    }
    let lobby = host.next(Duration::from_secs(1)).await.unwrap();
    assert_eq!(lobby["type"], "lobby");
    assert_eq!(lobby["count"], 40);
    assert_eq!(lobby["joined"].as_array().unwrap().len(), 40);
    assert_eq!(first.elapsed(), HOST_UPDATE_EVERY);
    assert!(host.next(Duration::from_secs(5)).await.is_none(), "once");
}

#[tokio::test(start_paused = true)]
async fn an_empty_room_closes_after_half_an_hour_and_its_game_is_marked_interrupted() {
    let mut h = open(2, Settings::default());
    let host = h.host(1).await;
    drop(host.rx);
    h.tx.send(Command::Detach {
        player: None,
        conn: host.id,
    })
    .await
    .unwrap();
    let detached = Instant::now();
    let (row, _) = h.db.next().await;
    assert_eq!(
        row,
        Write::Status {
            game: GameId::new(9),
            status: GameStatus::Interrupted
        }
    );
    let closed_after = detached.elapsed();
    assert!(
        closed_after >= EMPTY_LINGER && closed_after < EMPTY_LINGER + Duration::from_secs(1),
        "{closed_after:?}"
    );
    h.room.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_finished_game_stays_open_for_its_podium_then_closes_without_a_word_to_the_db() {
    let mut h = open(1, Settings::default());
    let host = h.host(1).await;
    let mut lan = h.join(2, "Lan").await;
    h.host_does(&host, HostAction::Start).await;
    lan.next(Duration::from_secs(1)).await.unwrap();
    h.db.commit("status").await;
    h.db.commit("progress").await;
    h.host_does(&host, HostAction::End).await;
    // Lan's missed question, where the game is, the barrier before the reveal, the final
    // standings, the status.
    for kind in ["missed", "progress", "barrier", "final", "status"] {
        h.db.commit(kind).await;
    }
    let finished = Instant::now();
    tokio::time::sleep(FINISHED_LINGER - Duration::from_secs(1)).await;
    assert!(!h.room.is_finished(), "still open for the podium");
    h.room.await.unwrap();
    let lingered = finished.elapsed();
    assert!(lingered >= FINISHED_LINGER, "{lingered:?}");
    assert!(
        h.db.rows.try_recv().is_err(),
        "a finished game is not interrupted"
    );
    assert_eq!(
        lan.next(Duration::from_secs(1)).await.unwrap()["type"],
        "reveal"
    );
}

#[tokio::test(start_paused = true)]
async fn a_pick_answers_the_picker_alone_and_host_screens_and_the_disk_hear_once_per_update() {
    use crate::domain::teams::Plan;
    let mut h = open(1, Settings::default());
    let mut host = h.host(1).await;
    let mut phones = Vec::new();
    for i in 0..30 {
        phones.push(h.join(10 + i, &format!("Em {i}")).await);
    }
    tokio::time::sleep(HOST_UPDATE_EVERY * 2).await;
    while host.try_next().is_some() {}
    let plan = Plan::Names {
        names: vec!["Sao Đỏ".into(), "Bình Minh".into(), "Hoa Sen".into()],
        pick: true,
        max_size: None,
    };
    h.host_does(
        &host,
        HostAction::Teams {
            plan: Some(plan),
            scoring: None,
        },
    )
    .await;
    for p in phones.iter_mut() {
        let teams = p.next(Duration::from_secs(1)).await.unwrap();
        assert_eq!(teams["type"], "teams");
        assert_eq!(
            p.next(Duration::from_secs(1)).await.unwrap()["team"],
            serde_json::Value::Null
        );
    }
    h.db.commit("teams").await;
    assert_eq!(
        host.next(HOST_UPDATE_EVERY * 2).await.unwrap()["type"],
        "teams"
    );

    for (i, p) in phones.iter().enumerate() {
        h.tx.send(Command::TeamPick {
            player: p.player,
            conn: p.id,
            team: (i % 3) as u16,
        })
        .await
        .unwrap();
    }
    for (i, p) in phones.iter_mut().enumerate() {
        let mine = p.next(Duration::from_secs(1)).await.unwrap();
        assert_eq!(
            (mine["type"].as_str(), mine["team"].as_u64()),
            (Some("team"), Some(i as u64 % 3))
        );
        assert!(p.try_next().is_none(), "nothing of the others' picks");
    }
    // One coalesced update for the 30 picks: one message to the host, one row to the disk.
    let update = host.next(HOST_UPDATE_EVERY * 2).await.unwrap();
    assert_eq!(update["teams"]["of"].as_array().unwrap().len(), 30);
    h.db.commit("teams").await;
    tokio::time::sleep(HOST_UPDATE_EVERY * 4).await;
    assert!(host.try_next().is_none(), "one update, not thirty");
    assert!(h.db.rows.try_recv().is_err(), "one row, not thirty");
}

#[tokio::test(start_paused = true)]
async fn an_answer_is_taken_while_the_question_is_still_going_out_to_the_others() {
    let mut h = open(1, Settings::default());
    let host = h.host(1).await;
    let mut phones = Vec::new();
    // A game seats 500 by default: 400 players are many slices (fan_out::SLICE).
    for i in 0..400 {
        phones.push(h.join(10 + i, &format!("Học sinh {i}")).await);
    }
    h.host_does(&host, HostAction::Start).await;
    // The first phone has its question before the last one's is queued.
    let question = phones[0].next(Duration::from_secs(1)).await.unwrap();
    assert_eq!(question["type"], "question");
    h.answer(&phones[0], &question, 1).await;
    // The room's rows, in order: the game's status and progress, then the answer, which the
    // room handed over while the question was still being written to the others.
    h.db.commit("status").await;
    h.db.commit("progress").await;
    let (row, done) = h.db.next().await;
    assert_eq!(row.kind(), "answer");
    assert!(
        phones[399].try_next().is_none(),
        "the last phone's question was not queued yet when the answer was handed over"
    );
    done.unwrap()(true);
    // Every other phone gets the question, and the first one its receipt.
    for phone in &mut phones[1..] {
        let got = phone.next(Duration::from_secs(1)).await.unwrap();
        assert_eq!(
            (got["type"].as_str(), got["q"].as_u64()),
            (Some("question"), Some(0))
        );
    }
    assert_eq!(
        phones[0].next(Duration::from_secs(1)).await.unwrap()["type"],
        "receipt"
    );
}
