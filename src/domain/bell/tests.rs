//! The rules of Rung chuông vàng, with time as a plain parameter: answers at "5 s", the
//! countdown's end at "20 s".

use proptest::prelude::*;

use super::*;
use crate::domain::question::tests::single;
use crate::domain::question::{AnswerKey, AnswerShapeError, OptionId, QuestionKind};

/// The host's acts between questions: skip, undo and rescue.
mod host;
/// The report: places, rounds, the act log in sentences.
mod report;
/// The acts during a question: pause, judges, the countdown.
mod timing;

pub(super) fn seat(n: u16) -> Seat {
    Seat::new(n).unwrap()
}

pub(super) fn seats(ns: &[u16]) -> Vec<Seat> {
    ns.iter().map(|&n| seat(n)).collect()
}

/// A single-choice question of `difficulty`, four options, 20 s.
pub(super) fn question(difficulty: u8) -> Question {
    let mut q = single(1, 4);
    q.difficulty = difficulty;
    q
}

pub(super) fn numeric(value: f64) -> Question {
    let mut q = single(1, 0);
    q.kind = QuestionKind::Numeric;
    q.options.clear();
    q.key = AnswerKey::Number {
        value,
        tolerance: 0.0,
    };
    q.difficulty = 3;
    q
}

/// `main` questions, a tie-break (its answer is 1000) if asked, `rescue` rescue questions;
/// seats 1…`contestants` joined.
pub(super) fn bell(
    main: usize,
    tie_break: bool,
    rescue: usize,
    contestants: u16,
    rules: Rules,
) -> Bell {
    let set = BellSet::new(
        (0..main).map(|_| question(1)).collect(),
        tie_break.then(|| numeric(1000.0)),
        (0..rescue).map(|_| question(1)).collect(),
    )
    .unwrap();
    let mut b = Bell::new(&set, rules, 11);
    for n in 1..=contestants {
        let name = Nickname::parse(&format!("Thí sinh {n}")).unwrap();
        b.apply(
            &Input::Join {
                seat: seat(n),
                name,
            },
            Millis(0),
        )
        .unwrap();
    }
    b
}

/// The right answer to `round`, in the ids its screens show.
pub(super) fn right(b: &Bell, round: usize) -> Answer {
    match b.rounds()[round].question.key {
        AnswerKey::Number { value, .. } => Answer::Number(value),
        _ => Answer::Options(b.rounds()[round].question.correct_ids().to_vec()),
    }
}

/// A wrong answer to a choice round.
pub(super) fn wrong(b: &Bell, round: usize) -> Answer {
    let key = b.rounds()[round].question.correct_ids();
    let id = (1..=4 as OptionId).find(|id| !key.contains(id)).unwrap();
    Answer::Options(vec![id])
}

pub(super) fn phone(seat_no: u16, round: usize, answer: Answer) -> Input {
    Input::Answer {
        seat: seat(seat_no),
        round,
        answer,
    }
}

pub(super) fn judge(seat_no: u16, round: usize, answer: Answer) -> Input {
    Input::Record {
        seat: seat(seat_no),
        round,
        answer,
    }
}

pub(super) fn reason(s: &str) -> Reason {
    Reason::parse(s).unwrap()
}

/// Plays the open `round` at `at`: `right_seats` answer right, `wrong_seats` wrong, the rest
/// stay blank; time is called and the answer revealed. Returns who went out.
pub(super) fn play(
    b: &mut Bell,
    round: usize,
    right_seats: &[u16],
    wrong_seats: &[u16],
    at: Millis,
) -> Vec<Seat> {
    assert!(
        matches!(b.phase(), Phase::Open { round: r, .. } if r == round),
        "{:?}",
        b.phase()
    );
    for &s in right_seats {
        b.apply(&phone(s, round, right(b, round)), at + 1000)
            .unwrap();
    }
    for &s in wrong_seats {
        b.apply(&phone(s, round, wrong(b, round)), at + 2000)
            .unwrap();
    }
    b.apply(&Input::Tick, at + 20_500).unwrap();
    assert_eq!(b.phase(), Phase::Closed { round });
    let effects = b.apply(&Input::Reveal, at + 21_000).unwrap();
    match &effects[0] {
        Effect::Revealed { eliminated, .. } => eliminated.clone(),
        other => panic!("{other:?}"),
    }
}

fn standing(b: &Bell) -> Vec<Seat> {
    b.contestants()
        .filter(|c| c.is_standing())
        .map(|c| c.seat)
        .collect()
}

fn acts(b: &Bell) -> Vec<&What> {
    b.log().iter().map(|a| &a.what).collect()
}

#[test]
fn wrong_and_blank_answers_eliminate_and_right_ones_stand() {
    let mut b = bell(3, false, 0, 4, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    // Seat 4 has no phone: the judge records the board.
    b.apply(&judge(4, 0, right(&b, 0)), Millis::secs(3))
        .unwrap();
    let out = play(&mut b, 0, &[1], &[2], Millis(0));
    assert_eq!(out, seats(&[2, 3]), "wrong (2) and blank (3) are out");
    assert_eq!(standing(&b), seats(&[1, 4]));
    assert_eq!(b.standing(), 2);
    assert_eq!(
        b.contestant(seat(3)).unwrap().status,
        Status::Eliminated { round: 0 }
    );
}

#[test]
fn when_everyone_standing_is_wrong_the_rules_say_who_goes() {
    let cases = [
        (AllWrong::Spare, seats(&[]), true, seats(&[2, 3])),
        (AllWrong::Eliminate, seats(&[2, 3]), false, seats(&[])),
    ];
    for (all_wrong, want_out, want_spared, want_standing) in cases {
        let rules = Rules {
            all_wrong,
            ..Rules::default()
        };
        let mut b = bell(3, false, 0, 3, rules);
        b.apply(&Input::Start, Millis(0)).unwrap();
        assert_eq!(play(&mut b, 0, &[2, 3], &[1], Millis(0)), seats(&[1]));
        b.apply(&Input::Next, Millis::secs(30)).unwrap();
        // Seat 1 is out and answers right for fun: only those standing count.
        b.apply(&phone(1, 1, right(&b, 1)), Millis::secs(31))
            .unwrap();
        b.apply(&phone(2, 1, wrong(&b, 1)), Millis::secs(31))
            .unwrap();
        b.apply(&Input::Close, Millis::secs(40)).unwrap();
        let effects = b.apply(&Input::Reveal, Millis::secs(41)).unwrap();
        assert_eq!(
            effects[0],
            Effect::Revealed {
                round: 1,
                eliminated: want_out.clone(),
                spared_all_wrong: want_spared,
            },
            "{all_wrong:?}"
        );
        assert_eq!(standing(&b), want_standing, "{all_wrong:?}");
    }
}

#[test]
fn eliminated_contestants_play_for_fun_and_nothing_counts() {
    for for_fun in [true, false] {
        let rules = Rules {
            eliminated_play_for_fun: for_fun,
            ..Rules::default()
        };
        let mut b = bell(3, false, 0, 2, rules);
        b.apply(&Input::Start, Millis(0)).unwrap();
        play(&mut b, 0, &[1], &[2], Millis(0));
        b.apply(&Input::Next, Millis::secs(30)).unwrap();
        let got = b.apply(&phone(2, 1, right(&b, 1)), Millis::secs(31));
        if for_fun {
            let effects = got.unwrap();
            assert!(
                matches!(effects[0], Effect::AnswerAccepted { counted: false, .. }),
                "{effects:?}"
            );
            assert!(b.rounds()[1].answers[&seat(2)].correct);
        } else {
            assert_eq!(got, Err(BellError::Eliminated));
        }
        // Seat 1 is wrong and alone: spared as everyone standing; seat 2 stays out though
        // right, since its answer does not count.
        b.apply(&phone(1, 1, wrong(&b, 1)), Millis::secs(32))
            .unwrap();
        b.apply(&Input::Close, Millis::secs(33)).unwrap();
        b.apply(&Input::Reveal, Millis::secs(34)).unwrap();
        assert_eq!(standing(&b), seats(&[1]), "for fun: {for_fun}");
    }
}

#[test]
fn the_tie_break_names_the_closest_and_shares_equal_distances() {
    // (answers of seats 1, 2, 3 to "1000?"; winners)
    let cases: [([Option<f64>; 3], &[u16]); 5] = [
        ([Some(990.0), Some(1200.0), Some(700.0)], &[1]),
        ([Some(990.0), Some(1010.0), Some(700.0)], &[1, 2]),
        ([None, Some(5000.0), None], &[2]),
        ([Some(1000.0), None, Some(1000.0)], &[1, 3]),
        ([None, None, None], &[1, 2, 3]),
    ];
    for (answers, want) in cases {
        let mut b = bell(1, true, 0, 3, Rules::default());
        b.apply(&Input::Start, Millis(0)).unwrap();
        play(&mut b, 0, &[1, 2, 3], &[], Millis(0));
        assert_eq!(
            b.apply(&Input::Next, Millis::secs(30)).unwrap(),
            vec![Effect::Opened { round: 1 }],
            "three still stand: the tie-break opens"
        );
        for (i, a) in answers.iter().enumerate() {
            if let Some(n) = a {
                b.apply(
                    &phone(i as u16 + 1, 1, Answer::Number(*n)),
                    Millis::secs(35),
                )
                .unwrap();
            }
        }
        b.apply(&Input::Close, Millis::secs(40)).unwrap();
        let effects = b.apply(&Input::Reveal, Millis::secs(41)).unwrap();
        assert_eq!(
            effects[0],
            Effect::Decided {
                round: 1,
                winners: seats(want)
            },
            "{answers:?}"
        );
        let effects = b.apply(&Input::Next, Millis::secs(45)).unwrap();
        assert_eq!(
            effects[0],
            Effect::Finished {
                winners: seats(want)
            }
        );
        assert_eq!(b.winners(), seats(want));
        assert_eq!(b.standing(), 3, "the tie-break eliminates nobody");
    }
}

#[test]
fn a_lone_survivor_rings_the_bell_without_a_tie_break() {
    let mut b = bell(2, true, 0, 3, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    play(&mut b, 0, &[1, 2], &[3], Millis(0));
    b.apply(&Input::Next, Millis::secs(30)).unwrap();
    play(&mut b, 1, &[2], &[1], Millis::secs(30));
    let effects = b.apply(&Input::Next, Millis::secs(60)).unwrap();
    assert_eq!(
        effects[0],
        Effect::Finished {
            winners: seats(&[2])
        }
    );
    assert_eq!(b.phase(), Phase::Finished);
    assert_eq!(
        b.apply(&Input::Next, Millis::secs(61)),
        Err(BellError::GameOver)
    );
}

#[test]
fn a_whole_contest_is_logged_from_first_reveal_to_the_bell() {
    let mut b = bell(3, true, 1, 5, Rules::default());
    assert_eq!(b.apply(&Input::Next, Millis(0)), Err(BellError::NotStarted));
    b.apply(&Input::Start, Millis(0)).unwrap();
    assert_eq!(play(&mut b, 0, &[1, 2, 3, 4], &[5], Millis(0)), seats(&[5]));
    b.apply(&Input::Next, Millis::secs(30)).unwrap();
    assert_eq!(
        play(&mut b, 1, &[1, 2], &[3], Millis::secs(30)),
        seats(&[3, 4])
    );
    // The rescue: seat 4 answers right, 3 and 5 wrong; 4 is back.
    let effects = b.apply(&Input::Rescue, Millis::secs(60)).unwrap();
    assert_eq!(effects.last(), Some(&Effect::Opened { round: 4 }));
    b.apply(&phone(4, 4, right(&b, 4)), Millis::secs(61))
        .unwrap();
    b.apply(&phone(3, 4, wrong(&b, 4)), Millis::secs(62))
        .unwrap();
    b.apply(&Input::Close, Millis::secs(65)).unwrap();
    assert_eq!(
        b.apply(&Input::Reveal, Millis::secs(66)).unwrap()[0],
        Effect::BroughtBack {
            seats: seats(&[4]),
            why: Back::Rescue
        }
    );
    b.apply(&Input::Next, Millis::secs(70)).unwrap();
    assert_eq!(
        play(&mut b, 2, &[1, 2, 4], &[], Millis::secs(70)),
        seats(&[])
    );
    b.apply(&Input::Next, Millis::secs(100)).unwrap();
    for (s, n) in [(1, 950.0), (2, 1040.0), (4, 1100.0)] {
        b.apply(&phone(s, 3, Answer::Number(n)), Millis::secs(101))
            .unwrap();
    }
    b.apply(&Input::Close, Millis::secs(105)).unwrap();
    b.apply(&Input::Reveal, Millis::secs(106)).unwrap();
    b.apply(&Input::Next, Millis::secs(110)).unwrap();
    assert_eq!(b.winners(), seats(&[2]));
    assert_eq!(
        acts(&b),
        vec![
            &What::Revealed {
                eliminated: seats(&[5]),
                spared_all_wrong: false
            },
            &What::Revealed {
                eliminated: seats(&[3, 4]),
                spared_all_wrong: false
            },
            &What::RescueStarted {
                rule: RescueRule::ByEliminated { up_to: None }
            },
            &What::ClosedEarly,
            &What::Rescued { seats: seats(&[4]) },
            &What::Revealed {
                eliminated: seats(&[]),
                spared_all_wrong: false
            },
            &What::ClosedEarly,
            &What::Decided {
                winners: seats(&[2])
            },
            &What::Ended {
                winners: seats(&[2])
            },
        ]
    );
    assert_eq!(b.log()[0].at, Millis::secs(21), "acts carry their time");
    assert_eq!(b.log()[0].round, Some(0));
}

#[test]
fn seats_are_taken_once_and_only_before_the_start() {
    let rules = Rules {
        max_contestants: 2,
        ..Rules::default()
    };
    let mut b = bell(1, false, 0, 1, rules);
    let join = |n: u16| Input::Join {
        seat: seat(n),
        name: Nickname::parse("Lan").unwrap(),
    };
    assert_eq!(b.apply(&join(1), Millis(0)), Err(BellError::SeatTaken));
    b.apply(&join(2), Millis(0)).unwrap();
    assert_eq!(b.apply(&join(3), Millis(0)), Err(BellError::Full));
    b.apply(&Input::Start, Millis(0)).unwrap();
    assert_eq!(
        b.apply(&Input::Start, Millis(0)),
        Err(BellError::AlreadyStarted)
    );
    let mut empty = bell(1, false, 0, 0, Rules::default());
    assert_eq!(
        empty.apply(&Input::Start, Millis(0)),
        Err(BellError::NoContestants)
    );
    assert_eq!(Seat::new(0), None);
    assert_eq!(Seat::new(1000), None);
    assert_eq!(seat(42).to_string(), "042");
}

#[test]
fn a_question_set_climbs_from_easy_to_hard_with_a_numeric_tie_break() {
    assert_eq!(
        BellSet::new(vec![], None, vec![]),
        Err(SetError::NoQuestions)
    );
    assert_eq!(
        BellSet::new(vec![question(1), question(3), question(2)], None, vec![]),
        Err(SetError::NotEasyToHard { index: 2 })
    );
    assert_eq!(
        BellSet::new(vec![question(1)], Some(question(3)), vec![]),
        Err(SetError::TieBreakNotNumeric)
    );
    assert!(BellSet::new(vec![question(1), question(1), question(2)], None, vec![]).is_ok());
    // `arrange` sorts by difficulty and takes the hardest numeric question as the tie-break.
    let mut easy_numeric = numeric(7.0);
    easy_numeric.difficulty = 1;
    let set = BellSet::arrange(
        vec![
            question(3),
            numeric(1000.0),
            easy_numeric.clone(),
            question(1),
        ],
        vec![],
    )
    .unwrap();
    let levels: Vec<u8> = set.main().iter().map(|q| q.difficulty).collect();
    assert_eq!(levels, vec![1, 1, 3]);
    assert_eq!(set.tie_break(), Some(&numeric(1000.0)));
    let only = BellSet::arrange(vec![numeric(5.0)], vec![]).unwrap();
    assert_eq!((only.main().len(), only.tie_break()), (1, None));
}

#[test]
fn reasons_are_required_and_short() {
    assert_eq!(Reason::parse("  "), None);
    assert_eq!(Reason::parse(&"a".repeat(201)), None);
    assert_eq!(Reason::parse("Câu hỏi sai\u{0}"), None);
    assert_eq!(
        Reason::parse(" Đáp án in sai ").map(|r| r.as_str().to_owned()),
        Some("Đáp án in sai".to_owned())
    );
}

fn any_input() -> impl Strategy<Value = Input> {
    let s = || (1u16..=5).prop_map(seat);
    let round = || 0usize..6;
    let answer = || {
        prop_oneof![
            (1u8..=5).prop_map(|id| Answer::Options(vec![id])),
            (900.0f64..1100.0).prop_map(Answer::Number),
        ]
    };
    prop_oneof![
        (s(), round(), answer()).prop_map(|(seat, round, answer)| Input::Answer {
            seat,
            round,
            answer
        }),
        (s(), round(), answer()).prop_map(|(seat, round, answer)| Input::Record {
            seat,
            round,
            answer
        }),
        (0u32..4, round(), answer()).prop_map(|(viewer, round, answer)| {
            Input::AudienceAnswer {
                viewer,
                round,
                answer,
            }
        }),
        Just(Input::Start),
        Just(Input::Pause),
        Just(Input::Resume),
        Just(Input::Close),
        Just(Input::Reveal),
        Just(Input::Skip {
            reason: reason("Câu hỏi lỗi")
        }),
        proptest::option::of(s()).prop_map(|seat| Input::Undo {
            reason: reason("Trọng tài đọc nhầm"),
            seat
        }),
        Just(Input::Rescue),
        Just(Input::Next),
        Just(Input::End),
        Just(Input::Tick),
    ]
}

fn any_rules() -> impl Strategy<Value = Rules> {
    let rescue = prop_oneof![
        Just(RescueRule::All),
        proptest::option::of(0u32..3).prop_map(|up_to| RescueRule::ByEliminated { up_to }),
        proptest::option::of(0u32..3).prop_map(|up_to| RescueRule::ByAudience { up_to }),
    ];
    (any::<bool>(), rescue, 0u32..3, any::<bool>()).prop_map(
        |(spare, rescue, max_rescues, for_fun)| Rules {
            all_wrong: if spare {
                AllWrong::Spare
            } else {
                AllWrong::Eliminate
            },
            rescue,
            max_rescues,
            eliminated_play_for_fun: for_fun,
            ..Rules::default()
        },
    )
}

proptest! {
    /// Whatever the host, judges and phones send, a refused input changes nothing, the log
    /// only grows, and who stands is always what the statuses say.
    #[test]
    fn refused_inputs_change_nothing(rules in any_rules(),
                                     inputs in prop::collection::vec((any_input(), 0u64..30_000), 1..80)) {
        let mut b = bell(3, true, 2, 5, rules);
        let mut now = Millis(0);
        for (input, step) in inputs {
            now = now + step;
            let before = format!("{b:?}");
            let logged = b.log().len();
            match b.apply(&input, now) {
                Err(_) => prop_assert_eq!(format!("{b:?}"), before),
                Ok(effects) => {
                    let new: Vec<&Act> = effects.iter().filter_map(|e| match e {
                        Effect::Logged(act) => Some(act),
                        _ => None,
                    }).collect();
                    prop_assert_eq!(new, b.log()[logged..].iter().collect::<Vec<_>>());
                }
            }
            prop_assert!(b.rescues_used() <= b.rules().max_rescues);
        }
    }
}

#[test]
fn an_answer_the_database_refused_is_withdrawn_and_counts_for_nothing() {
    let mut b = bell(2, false, 0, 3, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    b.apply(&phone(1, 0, right(&b, 0)), Millis::secs(2))
        .unwrap();
    b.apply(&phone(2, 0, right(&b, 0)), Millis::secs(2))
        .unwrap();
    b.apply(&judge(3, 0, right(&b, 0)), Millis::secs(3))
        .unwrap();
    let withdraw = |n: u16, by: Source| Input::Withdraw {
        seat: seat(n),
        round: 0,
        by,
    };
    // Seat 2's phone answer was refused; a withdrawal naming the wrong source changes nothing.
    assert_eq!(
        b.apply(&withdraw(2, Source::Phone), Millis::secs(4)),
        Ok(vec![])
    );
    assert_eq!(
        b.apply(&withdraw(1, Source::Judge), Millis::secs(4)),
        Ok(vec![])
    );
    assert!(!b.rounds()[0].answers.contains_key(&seat(2)));
    assert!(b.rounds()[0].answers.contains_key(&seat(1)));
    // The phone may answer again while the round is open.
    b.apply(&phone(2, 0, wrong(&b, 0)), Millis::secs(5))
        .unwrap();
    assert!(!b.rounds()[0].answers[&seat(2)].correct);
    // Time is up; the judge's board of seat 3 was refused too: blank, so out.
    b.apply(&Input::Close, Millis::secs(6)).unwrap();
    b.apply(&withdraw(3, Source::Judge), Millis::secs(6))
        .unwrap();
    let effects = b.apply(&Input::Reveal, Millis::secs(7)).unwrap();
    assert!(
        matches!(&effects[0], Effect::Revealed { eliminated, .. } if *eliminated == seats(&[2, 3]))
    );
    // After the reveal nothing is taken back.
    assert_eq!(
        b.apply(&withdraw(1, Source::Phone), Millis::secs(8)),
        Err(BellError::WrongPhase)
    );
}
