//! A game with a reading time of 5 s and questions of 20 s: the question opens at 0, answers
//! unlock at 5 s, the question closes at 25 s and takes late answers until 25.5 s.

use super::*;

const READING: u64 = 5_000;

fn reading_game() -> Game {
    game(Settings {
        reading_ms: Some(READING),
        ..Settings::default()
    })
}

/// One answer, as the table gives it: who joined when, when the question reached them, when
/// the answer arrived.
struct Row {
    what: &'static str,
    /// `Some(t)`: a player who joins during the question at `t` (from their welcome).
    joins_at: Option<u64>,
    sent_at: Option<u64>,
    at: u64,
    /// The answer time charged, or the refusal.
    expect: Result<u32, GameError>,
}

const ROWS: &[Row] = &[
    Row {
        what: "an answer as the question shows",
        joins_at: None,
        sent_at: Some(100),
        at: 100,
        expect: Err(GameError::TooEarly),
    },
    Row {
        what: "an answer a moment before the unlock",
        joins_at: None,
        sent_at: None,
        at: 4_999,
        expect: Err(GameError::TooEarly),
    },
    Row {
        what: "at the unlock, nothing charged",
        joins_at: None,
        sent_at: None,
        at: 5_000,
        expect: Ok(0),
    },
    Row {
        what: "the clock runs from the unlock, not from the opening",
        joins_at: None,
        sent_at: None,
        at: 7_000,
        expect: Ok(2_000),
    },
    Row {
        what: "a phone that got the question 300 ms late unlocked 300 ms late",
        joins_at: None,
        sent_at: Some(300),
        at: 7_000,
        expect: Ok(1_700),
    },
    Row {
        what: "inside the grace after the deadline: the whole limit",
        joins_at: None,
        sent_at: None,
        at: 25_500,
        expect: Ok(20_000),
    },
    Row {
        what: "after the grace",
        joins_at: None,
        sent_at: None,
        at: 25_501,
        expect: Err(GameError::TooLate),
    },
    Row {
        what: "joined while the class read: unlocked with everyone",
        joins_at: Some(3_000),
        sent_at: Some(3_100),
        at: 7_000,
        expect: Ok(1_900),
    },
    Row {
        what: "joined while the class read, answering early",
        joins_at: Some(3_000),
        sent_at: Some(3_100),
        at: 4_000,
        expect: Err(GameError::TooEarly),
    },
    Row {
        what: "joined after the unlock: the clock from the welcome",
        joins_at: Some(10_000),
        sent_at: Some(10_050),
        at: 12_050,
        expect: Ok(2_000),
    },
];

#[test]
fn answers_unlock_after_the_reading_time_and_the_clock_runs_from_the_unlock() {
    for row in ROWS {
        let mut g = reading_game();
        let early = join(&mut g, "An");
        join(&mut g, "Bình"); // keeps the question open after one answer
        g.apply(&Input::Start, Millis(0)).unwrap();
        let player = match row.joins_at {
            None => early,
            Some(t) => match g
                .apply(
                    &Input::Join {
                        nickname: nick("Chi"),
                    },
                    Millis(t),
                )
                .unwrap()[..]
            {
                [Effect::Joined { player }] => player,
                ref other => panic!("{}: {other:?}", row.what),
            },
        };
        let result = g.apply(
            &Input::Answer {
                player,
                question: 0,
                answer: Answer::Options(vec![shown(&g, 0, 1)]),
                sent_at: row.sent_at.map(Millis),
            },
            Millis(row.at),
        );
        let got = result.map(|_| g.player(player).unwrap().answer(0).unwrap().elapsed_ms);
        assert_eq!(got, row.expect, "{}", row.what);
        if row.expect.is_err() {
            assert_eq!(g.player(player).unwrap().answer(0), None, "{}", row.what);
            assert_eq!(g.rounds()[0].answered, 0, "{}: nothing counted", row.what);
        }
    }
}

#[test]
fn the_deadline_is_the_reading_time_plus_the_limit_plus_the_grace() {
    let mut g = reading_game();
    join(&mut g, "An");
    g.apply(&Input::Start, Millis(1_000)).unwrap();
    assert_eq!(
        g.phase(),
        Phase::Question {
            index: 0,
            opened_at: Millis(1_000),
            unlocks_at: Millis(6_000),
            closes_at: Millis(26_000),
        }
    );
    assert_eq!(g.next_deadline(), Some(Millis(26_500)));
    assert_eq!(
        g.apply(&Input::Tick, Millis(6_000)).unwrap(),
        vec![],
        "the unlock itself is no event"
    );
    assert_eq!(
        g.apply(&Input::Tick, Millis(26_500)).unwrap(),
        vec![Effect::QuestionClosed { index: 0 }]
    );
}

#[test]
fn a_score_under_a_reading_time_counts_from_the_unlock() {
    let mut g = reading_game();
    let a = join(&mut g, "An");
    g.apply(&Input::Start, Millis(0)).unwrap();
    answer(&mut g, a, 0, 1, Millis(READING + 2_000)).unwrap();
    assert_eq!(
        g.player(a).unwrap().score,
        950,
        "2 s into 20 s, as without a reading time: 1000 × (1 − 0.1 / 2)"
    );
}

#[test]
fn without_a_reading_time_answers_open_with_the_question() {
    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    join(&mut g, "Bình");
    g.apply(&Input::Start, Millis(0)).unwrap();
    let Phase::Question {
        opened_at,
        unlocks_at,
        ..
    } = g.phase()
    else {
        panic!("{:?}", g.phase())
    };
    assert_eq!(opened_at, unlocks_at);
    assert!(answer(&mut g, a, 0, 1, Millis(0)).is_ok());
}

#[test]
fn the_host_may_still_end_a_question_during_its_reading_time() {
    let mut g = reading_game();
    let a = join(&mut g, "An");
    g.apply(&Input::Start, Millis(0)).unwrap();
    assert_eq!(
        g.apply(&Input::Next, Millis(2_000)).unwrap(),
        vec![Effect::QuestionClosed { index: 0 }]
    );
    assert_eq!(
        g.player(a).unwrap().answer_time_ms,
        20_000,
        "a question closed unanswered costs its limit, as any missed one"
    );
}
