//! Rung chuông vàng's storage on the test's backend (SQLite, or PostgreSQL with
//! `HOITHI_TEST_DATABASE=postgres`): a contest keeps its question set and rules as opened;
//! answers and the act log go through the batching writer, whose callback — the room's
//! receipt — runs only once the row can be read back; a judge's correction replaces their
//! own entry and never the phone's.

use hoithi::domain::bell::{BellSet, Reason, RescueRule, Rules, Seat, What};
use hoithi::domain::question::{AnswerKey, QuestionKind};
use hoithi::domain::{AccountId, GameId};
use hoithi::storage::bell::{BellActRow, BellAnswerRow, NewBell, Source};
use hoithi::storage::writer::{self, Write};
use hoithi::storage::{Inserted, Role, Store};

use crate::helpers::question;

async fn store(dir: &tempfile::TempDir) -> Store {
    Store::open(&crate::database::url_for(dir.path()))
        .await
        .expect("the test database opens")
}

async fn host(store: &Store) -> AccountId {
    match store
        .create_account("bell.host", "Cô Hạnh", Role::Teacher, None, "x")
        .await
        .unwrap()
    {
        Inserted::New(id) => AccountId::new(id),
        Inserted::Taken => panic!("a fresh database has no accounts"),
    }
}

fn set() -> BellSet {
    let mut hard = question("q2", 10);
    hard.difficulty = 3;
    let mut tie = question("q3", 20);
    tie.kind = QuestionKind::Numeric;
    tie.difficulty = 5;
    tie.options.clear();
    tie.key = AnswerKey::Number {
        value: 1945.0,
        tolerance: 0.0,
    };
    BellSet::arrange(
        vec![hard, question("q1", 10), tie],
        vec![question("r1", 15)],
    )
    .unwrap()
}

/// Writes `row` and waits for its callback, as a room waits to send a receipt.
async fn write(handle: &writer::WriterHandle, row: Write) -> bool {
    let (tx, rx) = tokio::sync::oneshot::channel();
    handle
        .write(
            row,
            Some(Box::new(move |ok| {
                tx.send(ok).ok();
            })),
        )
        .await;
    rx.await.expect("the writer answers")
}

fn answer(contest: GameId, round: i64, seat: i64, source: Source, json: &str) -> BellAnswerRow {
    BellAnswerRow {
        contest,
        round,
        seat,
        source,
        answer: json.into(),
        elapsed_ms: 4_200,
    }
}

#[tokio::test]
async fn a_contest_keeps_its_set_and_rules_as_opened() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let host = host(&store).await;
    let set = set();
    let rules = Rules {
        rescue: RescueRule::ByAudience { up_to: Some(3) },
        max_rescues: 2,
        ..Rules::default()
    };
    let id = store
        .create_bell(&NewBell {
            host_id: host,
            pin: "481516",
            title: "Rung chuông vàng — Trường THCS Hòa Thắng",
            set: &set,
            rules: &rules,
        })
        .await
        .unwrap();

    let row = store.bell(id).await.unwrap().expect("stored");
    assert_eq!(row.host_id, host);
    assert_eq!(row.pin, "481516");
    assert_eq!(row.title, "Rung chuông vàng — Trường THCS Hòa Thắng");
    assert_eq!(
        row.set, set,
        "main questions, tie-break and rescue read back"
    );
    assert_eq!(row.set.main().len(), 2);
    assert!(row.set.tie_break().is_some());
    assert_eq!(row.rules, rules);
    assert_eq!(row.status, "open");
    assert_eq!(row.finished_at, None);
    assert_eq!(store.bell(GameId::new(id.get() + 1)).await.unwrap(), None);
}

#[tokio::test]
async fn answers_and_acts_are_on_disk_when_their_receipt_goes() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let host = host(&store).await;
    let id = store
        .create_bell(&NewBell {
            host_id: host,
            pin: "123456",
            title: "Chung kết",
            set: &set(),
            rules: &Rules::default(),
        })
        .await
        .unwrap();
    let (handle, task) = writer::spawn(store.clone());

    for (seat, name) in [(7, "Ê Ban Hlơnh"), (12, "Nguyễn Thị Hoà")] {
        let row = Write::BellSeat {
            contest: id,
            seat,
            name: name.into(),
        };
        assert!(write(&handle, row).await);
    }
    assert_eq!(
        store.bell_seats(id).await.unwrap(),
        vec![(7, "Ê Ban Hlơnh".into()), (12, "Nguyễn Thị Hoà".into())]
    );

    // Each callback finds its row already readable: the receipt means "on disk".
    let phone = answer(id, 0, 7, Source::Phone, "[2]");
    assert!(write(&handle, Write::BellAnswer(phone.clone())).await);
    assert_eq!(store.bell_answers(id).await.unwrap(), vec![phone.clone()]);

    // A judge types seat 7's whiteboard too, then corrects it: one board row, the phone's kept.
    let board = answer(id, 0, 7, Source::Board, "[1]");
    assert!(write(&handle, Write::BellAnswer(board)).await);
    let corrected = answer(id, 0, 7, Source::Board, "[3]");
    assert!(write(&handle, Write::BellAnswer(corrected.clone())).await);
    let tie = answer(id, 2, 12, Source::Phone, "1944");
    assert!(write(&handle, Write::BellAnswer(tie.clone())).await);
    assert_eq!(
        store.bell_answers(id).await.unwrap(),
        vec![corrected, phone, tie],
        "by round, seat, then source"
    );

    // The act log, in the room's order, as the report will read it.
    let seat = |n| Seat::new(n).unwrap();
    let acts = [
        (
            Some(0),
            What::Revealed {
                eliminated: vec![seat(7), seat(9)],
                spared_all_wrong: false,
            },
        ),
        (
            Some(0),
            What::Undone {
                reason: Reason::parse("Giám khảo nhập nhầm bảng của ghế 9").unwrap(),
                seats: vec![seat(9)],
            },
        ),
        (
            None,
            What::RescueStarted {
                rule: RescueRule::All,
            },
        ),
        (
            None,
            What::Ended {
                winners: vec![seat(12)],
            },
        ),
    ];
    for (n, (round, what)) in acts.iter().enumerate() {
        let row = BellActRow {
            contest: id,
            n: n as i64,
            at_ms: 60_000 + 1_000 * n as i64,
            round: *round,
            act: serde_json::to_string(what).unwrap(),
        };
        assert!(write(&handle, Write::BellAct(row)).await);
    }
    // A row written twice (a retried batch) is kept once.
    let again = BellActRow {
        contest: id,
        n: 0,
        at_ms: 1,
        round: None,
        act: "{}".into(),
    };
    assert!(write(&handle, Write::BellAct(again)).await);
    assert!(write(&handle, Write::BellEnded { contest: id }).await);

    let log = store.bell_acts(id).await.unwrap();
    let kinds: Vec<String> = log
        .iter()
        .map(|a| {
            let v: serde_json::Value = serde_json::from_str(&a.act).unwrap();
            v["act"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(kinds, ["revealed", "undone", "rescue_started", "ended"]);
    assert_eq!(log[0].at_ms, 60_000, "the first write of a row stands");
    assert_eq!(log[1].round, Some(0));
    assert_eq!(log[2].round, None);
    let undone: serde_json::Value = serde_json::from_str(&log[1].act).unwrap();
    assert_eq!(undone["reason"], "Giám khảo nhập nhầm bảng của ghế 9");
    assert_eq!(undone["seats"], serde_json::json!([9]));

    let row = store.bell(id).await.unwrap().unwrap();
    assert_eq!(row.status, "finished");
    assert!(row.finished_at.is_some());

    drop(handle);
    task.await.unwrap();
}

/// After the retention limit a contest loses its names and answers; its row and act log
/// stay, and a contest opened after the cutoff keeps everything.
#[tokio::test]
async fn old_contests_lose_names_and_answers_and_keep_their_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let host = host(&store).await;
    let (handle, task) = writer::spawn(store.clone());
    let (set, rules) = (set(), Rules::default());
    let open = |pin| NewBell {
        host_id: host,
        pin,
        title: "Rung chuông vàng",
        set: &set,
        rules: &rules,
    };
    let mut contests = Vec::new();
    let mut cutoff = 0;
    for (i, pin) in ["111111", "222222"].into_iter().enumerate() {
        if i == 1 {
            // The second contest opens strictly after the cutoff.
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            cutoff = hoithi::storage::unix_ms();
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let id = store.create_bell(&open(pin)).await.unwrap();
        let seat = Write::BellSeat {
            contest: id,
            seat: 3,
            name: "Y Điêng".into(),
        };
        assert!(write(&handle, seat).await);
        let row = answer(id, 0, 3, Source::Phone, "[1]");
        assert!(write(&handle, Write::BellAnswer(row)).await);
        let act = BellActRow {
            contest: id,
            n: 0,
            at_ms: 0,
            round: None,
            act: serde_json::to_string(&What::Ended { winners: vec![] }).unwrap(),
        };
        assert!(write(&handle, Write::BellAct(act)).await);
        if i == 0 {
            assert!(write(&handle, Write::BellEnded { contest: id }).await);
            let report = Write::BellReport {
                contest: id,
                report: r#"{"places":[{"name":"Y Điêng"}]}"#.into(),
            };
            assert!(write(&handle, report).await);
            assert!(store.bell_report(id).await.unwrap().is_some());
        }
        contests.push(id);
    }
    drop(handle);
    task.await.unwrap();

    assert_eq!(store.purge_bells_before(cutoff).await.unwrap(), 1);
    let (old, new) = (contests[0], contests[1]);
    assert!(store.bell_seats(old).await.unwrap().is_empty());
    assert!(store.bell_answers(old).await.unwrap().is_empty());
    assert_eq!(
        store.bell_report(old).await.unwrap(),
        None,
        "the report names contestants: it goes too"
    );
    assert_eq!(
        store.bell_acts(old).await.unwrap().len(),
        1,
        "the log stays"
    );
    assert!(
        store.bell(old).await.unwrap().is_some(),
        "the contest stays"
    );
    assert_eq!(store.bell_seats(new).await.unwrap().len(), 1);
    assert_eq!(store.bell_answers(new).await.unwrap().len(), 1);
    assert_eq!(
        store.purge_bells_before(cutoff).await.unwrap(),
        0,
        "an emptied contest is not visited again"
    );
}
