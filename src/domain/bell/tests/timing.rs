//! The countdown, the grace, the pause, and the judges' whiteboards.

use super::*;

#[test]
fn phones_answer_until_the_countdown_ends_plus_the_grace() {
    // (answer at ms; accepted?) — the question opens at 0 with 20 s, grace 0.5 s.
    let cases = [(0, true), (19_999, true), (20_500, true), (20_501, false)];
    for (at, accepted) in cases {
        let mut b = bell(1, false, 0, 1, Rules::default());
        b.apply(&Input::Start, Millis(0)).unwrap();
        let got = b.apply(&phone(1, 0, right(&b, 0)), Millis(at));
        assert_eq!(got.is_ok(), accepted, "at {at} ms: {got:?}");
        if !accepted {
            assert_eq!(got, Err(BellError::TooLate));
        }
    }
    let mut b = bell(1, false, 0, 1, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    assert_eq!(b.next_deadline(), Some(Millis(20_500)));
    assert_eq!(b.apply(&Input::Tick, Millis(20_499)).unwrap(), vec![]);
    assert_eq!(
        b.apply(&Input::Tick, Millis(20_500)).unwrap(),
        vec![Effect::Closed { round: 0 }]
    );
    assert_eq!(b.next_deadline(), None);
    assert_eq!(
        b.apply(&phone(1, 0, right(&b, 0)), Millis(20_600)),
        Err(BellError::TooLate)
    );
    assert_eq!(
        b.apply(&phone(1, 1, right(&b, 0)), Millis(20_600)),
        Err(BellError::RoundNotOpen)
    );
}

#[test]
fn a_repeated_phone_answer_keeps_the_first() {
    let mut b = bell(1, false, 0, 1, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    b.apply(&phone(1, 0, wrong(&b, 0)), Millis::secs(1))
        .unwrap();
    assert_eq!(
        b.apply(&phone(1, 0, right(&b, 0)), Millis::secs(2))
            .unwrap(),
        vec![Effect::AnswerRepeated {
            seat: seat(1),
            round: 0
        }]
    );
    assert!(!b.rounds()[0].answers[&seat(1)].correct);
    assert_eq!(
        b.apply(&phone(1, 0, Answer::Options(vec![9])), Millis::secs(2)),
        Ok(vec![Effect::AnswerRepeated {
            seat: seat(1),
            round: 0
        }])
    );
    assert_eq!(
        b.apply(&phone(7, 0, right(&b, 0)), Millis::secs(2)),
        Err(BellError::UnknownSeat)
    );
}

#[test]
fn a_pause_freezes_the_countdown_and_is_never_charged() {
    let mut b = bell(1, false, 0, 3, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    b.apply(&phone(1, 0, right(&b, 0)), Millis::secs(5))
        .unwrap();
    assert_eq!(
        b.apply(&Input::Pause, Millis::secs(8)).unwrap()[0],
        Effect::Paused {
            round: 0,
            remaining_ms: 12_000
        }
    );
    assert_eq!(b.next_deadline(), None, "no tick while paused");
    assert_eq!(
        b.apply(&phone(2, 0, right(&b, 0)), Millis::secs(9)),
        Err(BellError::Paused)
    );
    assert_eq!(
        b.apply(&Input::Pause, Millis::secs(9)),
        Err(BellError::WrongPhase)
    );
    assert_eq!(
        b.apply(&Input::Reveal, Millis::secs(9)),
        Err(BellError::StillOpen)
    );
    assert_eq!(
        b.apply(&Input::Resume, Millis::secs(60)).unwrap()[0],
        Effect::Resumed {
            round: 0,
            closes_at: Millis::secs(72)
        }
    );
    assert_eq!(
        b.apply(&Input::Resume, Millis::secs(60)),
        Err(BellError::WrongPhase)
    );
    b.apply(&phone(2, 0, right(&b, 0)), Millis::secs(62))
        .unwrap();
    let times: Vec<u64> = b.rounds()[0]
        .answers
        .values()
        .map(|g| g.elapsed_ms)
        .collect();
    assert_eq!(
        times,
        vec![5_000, 10_000],
        "8 s before the pause, 2 s after"
    );
    assert_eq!(b.next_deadline(), Some(Millis(72_500)));
    assert_eq!(
        acts(&b),
        vec![
            &What::Paused {
                remaining_ms: 12_000
            },
            &What::Resumed
        ]
    );
}

#[test]
fn a_judge_records_whiteboards_until_the_reveal_and_may_correct_their_own() {
    let mut b = bell(1, false, 0, 3, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    b.apply(&phone(1, 0, right(&b, 0)), Millis::secs(2))
        .unwrap();
    b.apply(&Input::Tick, Millis::secs(21)).unwrap();
    assert_eq!(
        b.apply(&judge(1, 0, wrong(&b, 0)), Millis::secs(22)),
        Err(BellError::AnsweredByPhone),
        "a phone's answer is the contestant's own"
    );
    let effects = b
        .apply(&judge(2, 0, wrong(&b, 0)), Millis::secs(22))
        .unwrap();
    assert!(matches!(
        effects[0],
        Effect::AnswerAccepted {
            by: Source::Judge,
            counted: true,
            ..
        }
    ));
    // The judge misread the board and corrects it before the reveal.
    b.apply(&judge(2, 0, right(&b, 0)), Millis::secs(23))
        .unwrap();
    let given = &b.rounds()[0].answers[&seat(2)];
    assert!(given.correct);
    assert_eq!(
        given.elapsed_ms, 20_000,
        "a board is charged the whole limit"
    );
    assert_eq!(
        b.apply(&judge(2, 0, Answer::Number(3.0)), Millis::secs(23)),
        Err(BellError::BadAnswer(AnswerShapeError::ExpectedOptions))
    );
    b.apply(&Input::Reveal, Millis::secs(24)).unwrap();
    assert_eq!(
        b.apply(&judge(3, 0, right(&b, 0)), Millis::secs(25)),
        Err(BellError::TooLate),
        "after the reveal, a board is too late"
    );
    assert_eq!(standing(&b), seats(&[1, 2]));
    assert_eq!(
        acts(&b)[..2],
        [
            &What::Recorded {
                seat: seat(2),
                replaced: false
            },
            &What::Recorded {
                seat: seat(2),
                replaced: true
            },
        ]
    );
}

#[test]
fn ending_early_crowns_those_standing_and_drops_the_open_question() {
    let mut b = bell(3, true, 0, 3, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    play(&mut b, 0, &[1, 2], &[3], Millis(0));
    b.apply(&Input::Next, Millis::secs(30)).unwrap();
    b.apply(&phone(1, 1, wrong(&b, 1)), Millis::secs(31))
        .unwrap();
    let effects = b.apply(&Input::End, Millis::secs(32)).unwrap();
    assert_eq!(
        effects[0],
        Effect::Finished {
            winners: seats(&[1, 2])
        }
    );
    assert_eq!(
        b.apply(&Input::End, Millis::secs(33)),
        Err(BellError::GameOver)
    );
    assert_eq!(
        b.apply(&phone(2, 1, right(&b, 1)), Millis::secs(33)),
        Err(BellError::GameOver)
    );
}
