//! The pure step, table by table: every effect of the game and the actions the room takes
//! for it, in order.

use super::step::*;
use crate::domain::game::{Effect, Game, Input, PlayerId, Settings};
use crate::domain::question::tests::single;
use crate::domain::{Answer, GameId, Millis, Nickname};

const ROOM: GameId = GameId::new(17);

fn room() -> RoomInfo {
    RoomInfo {
        game_id: ROOM,
        image_base: "/bank-images".into(),
        wall_epoch_ms: 0,
    }
}

/// A game of two questions (key: the bank's option 1) with An and Bình in it.
fn game() -> Game {
    let mut g = Game::new(vec![single(1, 4), single(1, 4)], Settings::default(), 3);
    for name in ["An", "Bình"] {
        g.apply(
            &Input::Join {
                nickname: Nickname::parse(name).unwrap(),
            },
            Millis(0),
        )
        .unwrap();
    }
    g
}

/// Applies `input` and steps through its effects, as the room does.
fn step(g: &mut Game, input: Input, at: Millis, seq: &mut u64) -> Vec<Action> {
    let effects = g.apply(&input, at).unwrap();
    effects
        .into_iter()
        .flat_map(|e| actions(g, e, seq, at, &room()))
        .collect()
}

fn kind(action: &Action) -> String {
    match action {
        Action::Broadcast { text, question } => {
            let v: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
            format!(
                "broadcast {} seq {}{}",
                v["type"].as_str().unwrap(),
                v["seq"],
                question.map_or(String::new(), |q| format!(" (question {q})"))
            )
        }
        Action::Results { index, seq } => format!("results of {index} seq {seq}"),
        Action::Finals { seq } => format!("finals seq {seq}"),
        Action::Dismiss { player, text } => format!("dismiss {player}: {}", text.as_str()),
        Action::Store(w) => format!("store {}", w.kind()),
        Action::StoreAnswer { row, seq } => {
            format!(
                "store answer of {} to {} seq {seq}",
                row.player, row.question
            )
        }
        Action::RepeatReceipt { player, index, seq } => {
            format!("repeat receipt of {player} to {index} seq {seq}")
        }
        Action::AwaitWrites => "await writes".into(),
        Action::FeedTotals => "feed totals".into(),
        Action::FeedRemove(p) => format!("feed remove {p}"),
        Action::FeedDone => "feed done".into(),
        Action::HostJoined(p) => format!("host joined {p}"),
        Action::HostRemoved(p) => format!("host removed {p}"),
        Action::HostAnswered(dirty) => format!("host answered {dirty}"),
        Action::HostFlushNow => "host flush now".into(),
        Action::CloseAfter(d) => format!("close after {} s", d.as_secs()),
    }
}

fn kinds(actions: &[Action]) -> Vec<String> {
    actions.iter().map(kind).collect()
}

fn answer(g: &Game, player: PlayerId, q: usize, bank_id: u8) -> Input {
    let shown = g.rounds()[q].labels.to_shown(bank_id).unwrap();
    Input::Answer {
        player,
        question: q,
        answer: Answer::Options(vec![shown]),
        sent_at: None,
    }
}

/// What happens, the input that makes it happen, when (ms), and the actions in order.
type Case = (
    &'static str,
    Box<dyn Fn(&Game) -> Input>,
    u64,
    Vec<&'static str>,
);

#[test]
fn each_effect_becomes_its_actions_in_order() {
    let mut g = game();
    let mut seq = 0;
    let table: Vec<Case> = vec![
        (
            "the host locks the lobby",
            Box::new(|_| Input::Lock { locked: true }),
            100,
            vec!["broadcast locked seq 1"],
        ),
        (
            "the game starts",
            Box::new(|_| Input::Start),
            1_000,
            vec![
                "store status",
                "host answered false",
                "broadcast question seq 2 (question 0)",
                "store progress",
            ],
        ),
        (
            "An answers right",
            Box::new(|g| answer(g, 0, 0, 1)),
            3_000,
            vec!["store answer of 0 to 0 seq 2", "host answered true"],
        ),
        (
            "An answers again",
            Box::new(|g| answer(g, 0, 0, 2)),
            3_500,
            vec!["repeat receipt of 0 to 0 seq 2"],
        ),
        (
            "the deadline passes: Bình is charged, receipts before the reveal",
            Box::new(|_| Input::Tick),
            21_500,
            vec![
                "store missed",
                "store progress",
                "feed totals",
                "await writes",
                "host flush now",
                "broadcast reveal seq 3",
                "results of 0 seq 3",
            ],
        ),
        (
            "the leaderboard",
            Box::new(|_| Input::Next),
            22_000,
            vec!["broadcast leaderboard seq 4", "store progress"],
        ),
        (
            "the host removes Bình (no new sequence number)",
            Box::new(|_| Input::Kick { player: 1 }),
            22_500,
            vec![
                "dismiss 1: {\"type\":\"kicked\",\"seq\":4}",
                "host removed 1",
                "feed remove 1",
                "store kick",
            ],
        ),
        (
            "the host ends the game during question 2",
            Box::new(|_| Input::Next),
            23_000,
            vec![
                "host answered false",
                "broadcast question seq 5 (question 1)",
                "store progress",
            ],
        ),
        (
            "end: the question closes, then the podium",
            Box::new(|_| Input::End),
            24_000,
            vec![
                "store missed",
                "store progress",
                "feed totals",
                "await writes",
                "host flush now",
                "broadcast reveal seq 6",
                "results of 1 seq 6",
                "feed totals",
                "feed done",
                "broadcast podium seq 7",
                "finals seq 7",
                "store final",
                "store status",
                "close after 900 s",
            ],
        ),
    ];
    for (what, input, at, expected) in table {
        let input = input(&g);
        let got = step(&mut g, input, Millis(at), &mut seq);
        assert_eq!(kinds(&got), expected, "{what}");
    }
}

#[test]
fn an_accepted_answer_is_stored_in_the_banks_ids_with_its_score() {
    let mut g = game();
    let mut seq = 0;
    step(&mut g, Input::Start, Millis(0), &mut seq);
    let input = answer(&g, 1, 0, 1);
    let got = step(&mut g, input, Millis(2_000), &mut seq);
    let Action::StoreAnswer { row, seq } = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!((row.game, row.player, row.question, *seq), (ROOM, 1, 0, 1));
    assert_eq!(row.answer, "[1]", "the bank's id, whatever the game showed");
    assert!(row.correct);
    assert_eq!((row.points, row.elapsed_ms), (950, 2_000));
}

#[test]
fn a_joining_player_reaches_the_host_coalesced_and_nobody_else() {
    let mut g = game();
    let mut seq = 0;
    let got = step(
        &mut g,
        Input::Join {
            nickname: Nickname::parse("Chi").unwrap(),
        },
        Millis(10),
        &mut seq,
    );
    assert_eq!(kinds(&got), ["host joined 2"]);
    assert_eq!(seq, 0, "a join is no room event");
}

#[test]
fn the_question_a_late_phone_gets_says_how_long_is_left() {
    let mut g = game();
    let mut seq = 0;
    g.apply(&Input::Start, Millis(0)).unwrap();
    // Stepping the opening a second late (a room that was busy) counts from the opening.
    let got = actions(
        &g,
        Effect::QuestionOpened { index: 0 },
        &mut seq,
        Millis(1_000),
        &room(),
    );
    let Action::Broadcast { text, .. } = &got[2] else {
        panic!("{got:?}")
    };
    let v: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
    assert_eq!(v["remaining_ms"], 19_000);
    assert_eq!(v["time_limit_ms"], 20_000);
    assert!(
        v.get("answers_in_ms").is_none(),
        "no reading time, no lock: {v}"
    );
}

#[test]
fn a_question_with_a_reading_time_says_when_answers_open() {
    let settings = Settings {
        reading_ms: Some(5_000),
        ..Settings::default()
    };
    let mut g = Game::new(vec![single(1, 4)], settings, 3);
    g.apply(
        &Input::Join {
            nickname: Nickname::parse("An").unwrap(),
        },
        Millis(0),
    )
    .unwrap();
    let mut seq = 0;
    let got = step(&mut g, Input::Start, Millis(0), &mut seq);
    let Some(Action::Broadcast { text, .. }) =
        got.iter().find(|a| matches!(a, Action::Broadcast { .. }))
    else {
        panic!("{got:?}")
    };
    let v: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
    assert_eq!(v["answers_in_ms"], 5_000);
    assert_eq!(
        v["remaining_ms"], 25_000,
        "the reading time and then the limit"
    );
    assert_eq!(v["time_limit_ms"], 20_000);
}
