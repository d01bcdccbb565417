//! Skip, undo and rescue: the host's acts between questions, each logged.

use super::*;

#[test]
fn skipping_a_question_before_its_reveal_eliminates_nobody() {
    for stop in [Input::Pause, Input::Close, Input::Tick] {
        let mut b = bell(2, false, 0, 3, Rules::default());
        b.apply(&Input::Start, Millis(0)).unwrap();
        b.apply(&phone(1, 0, wrong(&b, 0)), Millis::secs(2))
            .unwrap();
        b.apply(&stop, Millis::secs(21)).unwrap();
        let effects = b
            .apply(
                &Input::Skip {
                    reason: reason("Hai đáp án cùng đúng"),
                },
                Millis::secs(22),
            )
            .unwrap();
        assert_eq!(effects[0], Effect::Skipped { round: 0 }, "after {stop:?}");
        assert_eq!(b.standing(), 3, "after {stop:?}");
        assert_eq!(b.rounds()[0].outcome, Some(Outcome::Skipped));
        assert_eq!(
            b.apply(&Input::Reveal, Millis::secs(23)),
            Err(BellError::WrongPhase),
            "a skipped question is not revealed"
        );
        assert_eq!(
            b.apply(&Input::Next, Millis::secs(24)).unwrap(),
            vec![Effect::Opened { round: 1 }]
        );
    }
}

#[test]
fn skipping_a_revealed_question_brings_back_those_it_eliminated() {
    let mut b = bell(3, false, 0, 4, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    play(&mut b, 0, &[1, 2, 3], &[4], Millis(0));
    b.apply(&Input::Next, Millis::secs(30)).unwrap();
    assert_eq!(
        play(&mut b, 1, &[1], &[2], Millis::secs(30)),
        seats(&[2, 3])
    );
    let effects = b
        .apply(
            &Input::Skip {
                reason: reason("Đáp án in sai"),
            },
            Millis::secs(55),
        )
        .unwrap();
    assert_eq!(
        effects,
        vec![
            Effect::Skipped { round: 1 },
            Effect::BroughtBack {
                seats: seats(&[2, 3]),
                why: Back::Skip,
            },
            Effect::Logged(Act {
                at: Millis::secs(55),
                round: Some(1),
                what: What::Skipped {
                    reason: reason("Đáp án in sai"),
                    reinstated: seats(&[2, 3]),
                },
            }),
        ]
    );
    assert_eq!(
        standing(&b),
        seats(&[1, 2, 3]),
        "seat 4, out at question 1, stays out"
    );
    assert_eq!(
        b.apply(
            &Input::Skip {
                reason: reason("lần nữa")
            },
            Millis::secs(56)
        ),
        Err(BellError::WrongPhase),
        "a question is skipped once"
    );
}

#[test]
fn undo_brings_back_the_last_elimination_whole_or_one_seat() {
    let mut b = bell(3, false, 0, 5, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    assert_eq!(
        play(&mut b, 0, &[1, 2], &[3, 4], Millis(0)),
        seats(&[3, 4, 5])
    );
    let undo = |seat: Option<u16>| Input::Undo {
        reason: reason("Trọng tài đọc nhầm bảng"),
        seat: seat.map(super::seat),
    };
    assert_eq!(
        b.apply(&undo(Some(1)), Millis::secs(22)),
        Err(BellError::NotEliminatedHere)
    );
    assert_eq!(
        b.apply(&undo(Some(99)), Millis::secs(22)),
        Err(BellError::UnknownSeat)
    );
    let effects = b.apply(&undo(Some(4)), Millis::secs(23)).unwrap();
    assert_eq!(
        effects[0],
        Effect::BroughtBack {
            seats: seats(&[4]),
            why: Back::Undo,
        }
    );
    assert_eq!(standing(&b), seats(&[1, 2, 4]));
    b.apply(&undo(None), Millis::secs(24)).unwrap();
    assert_eq!(standing(&b), seats(&[1, 2, 3, 4, 5]));
    assert_eq!(
        b.apply(&undo(None), Millis::secs(25)),
        Err(BellError::NothingToUndo)
    );
    assert_eq!(
        acts(&b)[1..],
        [
            &What::Undone {
                reason: reason("Trọng tài đọc nhầm bảng"),
                seats: seats(&[4])
            },
            &What::Undone {
                reason: reason("Trọng tài đọc nhầm bảng"),
                seats: seats(&[3, 5])
            },
        ]
    );
}

#[test]
fn undo_is_too_late_once_the_next_question_opens() {
    let mut b = bell(3, false, 0, 3, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    play(&mut b, 0, &[1, 2], &[3], Millis(0));
    b.apply(&Input::Next, Millis::secs(30)).unwrap();
    let undo = Input::Undo {
        reason: reason("khiếu nại"),
        seat: None,
    };
    assert_eq!(
        b.apply(&undo, Millis::secs(31)),
        Err(BellError::NothingToUndo)
    );
    play(&mut b, 1, &[1, 2], &[], Millis::secs(30));
    assert_eq!(
        b.apply(&undo, Millis::secs(55)),
        Err(BellError::NothingToUndo),
        "question 2 eliminated nobody; question 1's seat stays out"
    );
}

#[test]
fn rescue_all_brings_every_eliminated_contestant_back_at_once() {
    let rules = Rules {
        rescue: RescueRule::All,
        max_rescues: 1,
        ..Rules::default()
    };
    let mut b = bell(3, false, 0, 4, rules);
    b.apply(&Input::Start, Millis(0)).unwrap();
    assert_eq!(
        b.apply(&Input::Rescue, Millis::secs(1)),
        Err(BellError::WrongPhase),
        "not during a question"
    );
    play(&mut b, 0, &[1, 2, 3, 4], &[], Millis(0));
    assert_eq!(
        b.apply(&Input::Rescue, Millis::secs(22)),
        Err(BellError::NobodyToRescue)
    );
    b.apply(&Input::Next, Millis::secs(30)).unwrap();
    play(&mut b, 1, &[1], &[2, 3], Millis::secs(30));
    let effects = b.apply(&Input::Rescue, Millis::secs(55)).unwrap();
    assert_eq!(
        effects[1],
        Effect::BroughtBack {
            seats: seats(&[2, 3, 4]),
            why: Back::Rescue,
        }
    );
    assert_eq!(b.standing(), 4);
    assert_eq!(b.rescues_used(), 1);
    assert_eq!(b.phase(), Phase::Revealed { round: 1 });
    b.apply(&Input::Next, Millis::secs(60)).unwrap();
    play(&mut b, 2, &[1], &[], Millis::secs(60));
    assert_eq!(
        b.apply(&Input::Rescue, Millis::secs(85)),
        Err(BellError::NoRescueLeft)
    );
}

#[test]
fn a_rescue_question_brings_back_the_fastest_right_eliminated_up_to_the_cap() {
    let rules = Rules {
        rescue: RescueRule::ByEliminated { up_to: Some(2) },
        ..Rules::default()
    };
    // Rounds: 0, 1 main; 2, 3 rescue.
    let mut b = bell(2, false, 2, 6, rules);
    b.apply(&Input::Start, Millis(0)).unwrap();
    play(&mut b, 0, &[1], &[2, 3, 4, 5, 6], Millis(0));
    b.apply(&Input::Rescue, Millis::secs(30)).unwrap();
    assert_eq!(
        b.phase(),
        Phase::Open {
            round: 2,
            closes_at: Millis::secs(50)
        }
    );
    assert_eq!(
        b.apply(&phone(1, 2, right(&b, 2)), Millis::secs(31)),
        Err(BellError::NotEliminated),
        "a standing contestant has nothing to be rescued from"
    );
    // Seat 6 is right on the board (charged the whole 20 s), 5 right at 9 s, 4 right at 3 s,
    // 3 wrong at 1 s, 2 blank.
    b.apply(&phone(4, 2, right(&b, 2)), Millis::secs(33))
        .unwrap();
    b.apply(&phone(5, 2, right(&b, 2)), Millis::secs(39))
        .unwrap();
    b.apply(&phone(3, 2, wrong(&b, 2)), Millis::secs(31))
        .unwrap();
    b.apply(&Input::Tick, Millis(50_500)).unwrap();
    b.apply(&judge(6, 2, right(&b, 2)), Millis::secs(51))
        .unwrap();
    let effects = b.apply(&Input::Reveal, Millis::secs(52)).unwrap();
    assert_eq!(
        effects[0],
        Effect::BroughtBack {
            seats: seats(&[4, 5]),
            why: Back::Rescue,
        }
    );
    assert_eq!(standing(&b), seats(&[1, 4, 5]));
    assert_eq!(
        b.rounds()[2].outcome,
        Some(Outcome::Rescued {
            seats: seats(&[4, 5])
        })
    );
    // The contest goes on with the next main question, not the next rescue.
    assert_eq!(
        b.apply(&Input::Next, Millis::secs(60)).unwrap(),
        vec![Effect::Opened { round: 1 }]
    );
}

#[test]
fn the_audience_rescue_counts_right_viewers_once_and_brings_back_those_who_lasted() {
    let rules = Rules {
        rescue: RescueRule::ByAudience { up_to: Some(3) },
        ..Rules::default()
    };
    let mut b = bell(3, false, 1, 5, rules);
    b.apply(&Input::Start, Millis(0)).unwrap();
    let audience = |viewer: ViewerId, round: usize, answer: Answer| Input::AudienceAnswer {
        viewer,
        round,
        answer,
    };
    assert_eq!(
        b.apply(&audience(1, 0, right(&b, 0)), Millis::secs(1)),
        Err(BellError::ContestantsOnly)
    );
    play(&mut b, 0, &[1, 2, 3], &[4], Millis(0)); // 5 blank: out with 4
    b.apply(&Input::Next, Millis::secs(30)).unwrap();
    play(&mut b, 1, &[1], &[2, 3], Millis::secs(30));
    b.apply(&Input::Rescue, Millis::secs(60)).unwrap();
    let round = 3;
    assert_eq!(
        b.apply(&phone(2, round, right(&b, round)), Millis::secs(61)),
        Err(BellError::AudienceOnly)
    );
    for (viewer, is_right) in [(10, true), (11, true), (10, false), (12, false)] {
        let answer = if is_right {
            right(&b, round)
        } else {
            wrong(&b, round)
        };
        b.apply(&audience(viewer, round, answer), Millis::secs(62))
            .unwrap();
    }
    assert_eq!(
        b.rounds()[round].audience_correct,
        2,
        "viewer 10 counted once"
    );
    b.apply(&Input::Close, Millis::secs(70)).unwrap();
    let effects = b.apply(&Input::Reveal, Millis::secs(71)).unwrap();
    // Two right viewers: two come back, those out at question 2 (seats 2 and 3, equal
    // time: the lower seat first) before those out at question 1.
    assert_eq!(
        effects[0],
        Effect::BroughtBack {
            seats: seats(&[2, 3]),
            why: Back::Rescue,
        }
    );
}

#[test]
fn a_faulty_rescue_question_does_not_use_up_the_rescue() {
    let rules = Rules {
        max_rescues: 1,
        ..Rules::default()
    };
    let mut b = bell(2, false, 1, 3, rules);
    b.apply(&Input::Start, Millis(0)).unwrap();
    play(&mut b, 0, &[1], &[2, 3], Millis(0));
    b.apply(&Input::Rescue, Millis::secs(30)).unwrap();
    assert_eq!(b.rescues_used(), 1);
    b.apply(
        &Input::Skip {
            reason: reason("Câu cứu trợ trùng câu đã hỏi"),
        },
        Millis::secs(35),
    )
    .unwrap();
    assert_eq!(b.rescues_used(), 0);
    assert_eq!(
        b.apply(&Input::Rescue, Millis::secs(36)),
        Err(BellError::NoRescueQuestion),
        "the set had one rescue question, now spent"
    );
    let revealed = rescue_revealed_then_skipped();
    assert_eq!(revealed, Err(BellError::WrongPhase));
}

/// A rescue that has brought contestants back cannot be skipped: they played on.
fn rescue_revealed_then_skipped() -> Result<Vec<Effect>, BellError> {
    let mut b = bell(2, false, 1, 2, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    play(&mut b, 0, &[1], &[2], Millis(0));
    b.apply(&Input::Rescue, Millis::secs(30)).unwrap();
    b.apply(&phone(2, 2, right(&b, 2)), Millis::secs(31))
        .unwrap();
    b.apply(&Input::Close, Millis::secs(32)).unwrap();
    b.apply(&Input::Reveal, Millis::secs(33)).unwrap();
    assert_eq!(b.standing(), 2);
    b.apply(
        &Input::Skip {
            reason: reason("lỗi"),
        },
        Millis::secs(34),
    )
}
