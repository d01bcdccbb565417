//! The game's rules, with time as a plain parameter.

use proptest::prelude::*;

use super::*;
use crate::domain::question::tests::single;
use crate::domain::question::{AnswerKey, OptionId, Points, QuestionKind};

/// The reading time: answers locked after the question shows, the clock from the unlock.
mod reading;

fn nick(s: &str) -> Nickname {
    Nickname::parse(s).unwrap()
}

/// Three questions, correct options 1, 2, 3; 20 s each.
fn game(settings: Settings) -> Game {
    Game::new(vec![single(1, 4), single(2, 4), single(3, 4)], settings, 7)
}

fn join(g: &mut Game, name: &str) -> PlayerId {
    match g
        .apply(
            &Input::Join {
                nickname: nick(name),
            },
            Millis(0),
        )
        .unwrap()[..]
    {
        [Effect::Joined { player }] => player,
        ref other => panic!("unexpected {other:?}"),
    }
}

/// The id players see for the bank's option `bank_id` of question `q` (the game relabels
/// options; tests speak in the bank's ids, as the fixtures do).
fn shown(g: &Game, q: usize, bank_id: OptionId) -> OptionId {
    g.rounds()
        .get(q)
        .and_then(|r| r.labels.to_shown(bank_id))
        .unwrap_or(bank_id)
}

/// `player` answers question `q` with the bank's option `bank_id`.
fn answer(
    g: &mut Game,
    player: PlayerId,
    q: usize,
    bank_id: OptionId,
    at: Millis,
) -> Result<Vec<Effect>, GameError> {
    let id = shown(g, q, bank_id);
    g.apply(
        &Input::Answer {
            player,
            question: q,
            answer: Answer::Options(vec![id]),
            sent_at: None,
        },
        at,
    )
}

/// The effect of an accepted answer, for matching without its record.
fn accepted(effect: &Effect) -> Option<(PlayerId, usize)> {
    match effect {
        Effect::AnswerAccepted { player, index, .. } => Some((*player, *index)),
        _ => None,
    }
}

#[test]
fn a_whole_game_moves_through_every_phase() {
    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    let b = join(&mut g, "Bình");
    assert_eq!(
        g.apply(&Input::Start, Millis::secs(1)).unwrap(),
        vec![Effect::QuestionOpened { index: 0 }]
    );
    for q in 0..3 {
        let opened = g.phase();
        let Phase::Question {
            index, opened_at, ..
        } = opened
        else {
            panic!("{opened:?}")
        };
        assert_eq!(index, q);
        answer(&mut g, a, q, q as OptionId + 1, opened_at + 2000).unwrap();
        let effects = answer(&mut g, b, q, 4, opened_at + 3000).unwrap();
        assert_eq!(effects.len(), 2, "{effects:?}");
        assert_eq!(accepted(&effects[0]), Some((b, q)));
        assert_eq!(
            effects[1],
            Effect::QuestionClosed { index: q },
            "the question closes as soon as everyone has answered"
        );
        let Effect::AnswerAccepted {
            record,
            bank_answer,
            ..
        } = &effects[0]
        else {
            unreachable!()
        };
        assert_eq!(
            *bank_answer,
            Answer::Options(vec![4]),
            "the effect carries the answer in the bank's ids"
        );
        assert!(!record.correct && record.points == 0);
        assert_eq!(
            g.apply(&Input::Next, opened_at + 4000).unwrap(),
            vec![Effect::LeaderboardShown { index: q }]
        );
        let next = g.apply(&Input::Next, opened_at + 5000).unwrap();
        if q < 2 {
            assert_eq!(next, vec![Effect::QuestionOpened { index: q + 1 }]);
        } else {
            assert_eq!(next, vec![Effect::Finished]);
        }
    }
    assert_eq!(g.phase(), Phase::Finished);
    assert_eq!(g.standings(), &[a, b]);
    assert_eq!(
        g.player(a).unwrap().score,
        3 * 950,
        "2 s of 20 s: 1000 × (1 − 0.1 / 2)"
    );
    assert_eq!(g.player(b).unwrap().score, 0);
    assert_eq!(
        g.apply(&Input::Next, Millis::secs(99)),
        Err(GameError::GameOver)
    );
}

#[test]
fn a_wrong_answer_scores_zero_and_a_missing_one_too() {
    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    let b = join(&mut g, "Bình");
    g.apply(&Input::Start, Millis(0)).unwrap();
    answer(&mut g, a, 0, 2, Millis(100)).unwrap();
    assert_eq!(g.next_deadline(), Some(Millis(20_500)), "limit plus grace");
    assert_eq!(g.apply(&Input::Tick, Millis(20_499)).unwrap(), vec![]);
    assert_eq!(
        g.apply(&Input::Tick, Millis(20_500)).unwrap(),
        vec![Effect::QuestionClosed { index: 0 }]
    );
    assert_eq!(g.player(a).unwrap().score, 0);
    assert_eq!(g.player(b).unwrap().answer(0), None);
    assert_eq!(
        g.player(b).unwrap().answer_time_ms,
        20_000,
        "a missing answer costs the full limit"
    );
}

#[test]
fn answers_inside_the_grace_count_and_later_ones_do_not() {
    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    let b = join(&mut g, "Bình");
    join(&mut g, "Chi");
    g.apply(&Input::Start, Millis(0)).unwrap();
    let effects = answer(&mut g, a, 0, 1, Millis(20_400)).unwrap();
    assert_eq!(effects.len(), 1);
    assert_eq!(accepted(&effects[0]), Some((a, 0)));
    assert_eq!(
        g.player(a).unwrap().score,
        500,
        "time clamps at the limit: half points"
    );
    assert_eq!(
        answer(&mut g, b, 0, 1, Millis(20_501)),
        Err(GameError::TooLate)
    );
    assert_eq!(
        g.player(b).unwrap().answer(0),
        None,
        "a refused answer changes nothing"
    );
    assert_eq!(g.rounds()[0].answered, 1);
    // Once the timer has closed it, an answer to that question is still «too late» (what the
    // phone must hear), and one to a question not yet open is «closed».
    g.apply(&Input::Tick, Millis(20_500)).unwrap();
    assert_eq!(
        answer(&mut g, b, 0, 1, Millis(20_600)),
        Err(GameError::TooLate)
    );
    assert_eq!(
        answer(&mut g, b, 1, 1, Millis(20_600)),
        Err(GameError::QuestionClosed)
    );
    g.apply(&Input::Next, Millis(21_000)).unwrap();
    assert_eq!(
        answer(&mut g, b, 0, 1, Millis(21_100)),
        Err(GameError::TooLate),
        "on the leaderboard too"
    );
}

#[test]
fn a_repeated_answer_keeps_the_first() {
    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    join(&mut g, "Bình");
    g.apply(&Input::Start, Millis(0)).unwrap();
    answer(&mut g, a, 0, 2, Millis(1000)).unwrap();
    let before = g.player(a).unwrap().clone();
    assert_eq!(
        answer(&mut g, a, 0, 1, Millis(2000)).unwrap(),
        vec![Effect::AnswerRepeated {
            player: a,
            index: 0
        }]
    );
    assert_eq!(g.player(a).unwrap().answers, before.answers);
    let chosen = usize::from(shown(&g, 0, 2));
    let mut distribution = vec![0; 5];
    distribution[chosen] = 1;
    assert_eq!(g.rounds()[0].distribution, distribution);
}

#[test]
fn answers_to_other_questions_and_bad_shapes_are_refused() {
    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    assert_eq!(
        answer(&mut g, a, 0, 1, Millis(0)),
        Err(GameError::NotStarted)
    );
    g.apply(&Input::Start, Millis(0)).unwrap();
    assert_eq!(
        answer(&mut g, a, 1, 1, Millis(10)),
        Err(GameError::QuestionClosed)
    );
    assert_eq!(
        answer(&mut g, a, 0, 9, Millis(10)),
        Err(GameError::BadAnswer(AnswerShapeError::UnknownOption))
    );
    assert_eq!(
        answer(&mut g, 99, 0, 1, Millis(10)),
        Err(GameError::UnknownPlayer)
    );
    assert_eq!(g.rounds()[0].answered, 0);
}

#[test]
fn scoring_counts_from_when_the_question_reached_the_player() {
    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    join(&mut g, "Bình");
    g.apply(&Input::Start, Millis(0)).unwrap();
    let sent = Some(Millis(300));
    g.apply(
        &Input::Answer {
            player: a,
            question: 0,
            answer: Answer::Options(vec![shown(&g, 0, 1)]),
            sent_at: sent,
        },
        Millis(700),
    )
    .unwrap();
    assert_eq!(g.player(a).unwrap().answer(0).unwrap().elapsed_ms, 400);
    assert_eq!(
        g.player(a).unwrap().score,
        1000,
        "under 0.5 s after it arrived: full points"
    );
}

#[test]
fn nicknames_are_unique_and_the_lobby_can_be_locked() {
    let mut g = game(Settings::default());
    join(&mut g, "Lan");
    assert_eq!(
        g.apply(
            &Input::Join {
                nickname: nick("LAN")
            },
            Millis(0)
        ),
        Err(GameError::NicknameTaken)
    );
    join(&mut g, "Lân");
    g.apply(&Input::Lock { locked: true }, Millis(0)).unwrap();
    assert_eq!(
        g.apply(
            &Input::Join {
                nickname: nick("Mai")
            },
            Millis(0)
        ),
        Err(GameError::LobbyLocked)
    );
    g.apply(&Input::Lock { locked: false }, Millis(0)).unwrap();
    join(&mut g, "Mai");
    assert_eq!(g.players().len(), 3);
}

#[test]
fn a_kicked_player_leaves_the_board_and_frees_the_nickname() {
    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    let b = join(&mut g, "Bình");
    g.apply(&Input::Start, Millis(0)).unwrap();
    answer(&mut g, a, 0, 1, Millis(1000)).unwrap();
    let effects = g.apply(&Input::Kick { player: b }, Millis(2000)).unwrap();
    assert_eq!(
        effects,
        vec![
            Effect::Kicked { player: b },
            Effect::QuestionClosed { index: 0 }
        ],
        "with the only other player gone, everyone has answered"
    );
    assert_eq!(g.standings(), &[a]);
    assert_eq!(g.player(b).unwrap().rank, None);
    assert_eq!(
        answer(&mut g, b, 0, 1, Millis(2100)),
        Err(GameError::Kicked)
    );
    assert_eq!(
        g.apply(&Input::Kick { player: b }, Millis(2100)),
        Err(GameError::Kicked)
    );
    join(&mut g, "Bình");
}

#[test]
fn late_join_follows_the_setting() {
    let mut g = game(Settings {
        late_join: false,
        ..Settings::default()
    });
    join(&mut g, "An");
    g.apply(&Input::Start, Millis(0)).unwrap();
    assert_eq!(
        g.apply(
            &Input::Join {
                nickname: nick("Bình")
            },
            Millis(10)
        ),
        Err(GameError::AlreadyStarted)
    );

    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    g.apply(&Input::Start, Millis(0)).unwrap();
    let late = join(&mut g, "Bình");
    answer(&mut g, late, 0, 1, Millis(1000)).unwrap();
    answer(&mut g, a, 0, 2, Millis(1500)).unwrap();
    assert_eq!(
        g.standings(),
        &[late, a],
        "a late joiner plays the open question"
    );
}

#[test]
fn disconnected_players_are_not_waited_for_and_keep_their_score() {
    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    let b = join(&mut g, "Bình");
    g.apply(&Input::Start, Millis(0)).unwrap();
    answer(&mut g, b, 0, 1, Millis(400)).unwrap();
    let effects = g
        .apply(&Input::Disconnect { player: a }, Millis(900))
        .unwrap();
    assert_eq!(
        effects,
        vec![
            Effect::Disconnected { player: a },
            Effect::QuestionClosed { index: 0 }
        ]
    );
    g.apply(&Input::Reconnect { player: a }, Millis(1000))
        .unwrap();
    g.apply(&Input::Next, Millis(1100)).unwrap();
    g.apply(&Input::Next, Millis(1200)).unwrap();
    answer(&mut g, a, 1, 2, Millis(1300)).unwrap();
    g.apply(&Input::Disconnect { player: b }, Millis(1400))
        .unwrap();
    assert_eq!(
        g.phase(),
        Phase::Reveal {
            index: 1,
            at: Millis(1400)
        }
    );
    assert_eq!(g.player(b).unwrap().score, 1000);
}

#[test]
fn a_question_does_not_close_when_everyone_is_gone() {
    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    g.apply(&Input::Start, Millis(0)).unwrap();
    g.apply(&Input::Disconnect { player: a }, Millis(100))
        .unwrap();
    assert!(matches!(g.phase(), Phase::Question { index: 0, .. }));
}

#[test]
fn start_needs_players_and_only_works_in_the_lobby() {
    let mut g = game(Settings::default());
    assert_eq!(g.apply(&Input::Start, Millis(0)), Err(GameError::NoPlayers));
    assert_eq!(g.apply(&Input::Next, Millis(0)), Err(GameError::NotStarted));
    join(&mut g, "An");
    g.apply(&Input::Start, Millis(0)).unwrap();
    assert_eq!(
        g.apply(&Input::Start, Millis(1)),
        Err(GameError::WrongPhase)
    );
}

#[test]
fn end_counts_the_open_question_then_finishes() {
    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    join(&mut g, "Bình");
    g.apply(&Input::Start, Millis(0)).unwrap();
    answer(&mut g, a, 0, 1, Millis(100)).unwrap();
    assert_eq!(
        g.apply(&Input::End, Millis(200)).unwrap(),
        vec![Effect::QuestionClosed { index: 0 }, Effect::Finished]
    );
    assert_eq!(g.player(a).unwrap().rank, Some(1));
    assert_eq!(
        g.apply(
            &Input::Join {
                nickname: nick("Chi")
            },
            Millis(300)
        ),
        Err(GameError::GameOver)
    );
}

#[test]
fn auto_advance_moves_on_by_itself() {
    let mut g = game(Settings {
        auto_advance_ms: Some(5000),
        ..Settings::default()
    });
    let a = join(&mut g, "An");
    g.apply(&Input::Start, Millis(0)).unwrap();
    answer(&mut g, a, 0, 1, Millis(1000)).unwrap();
    assert_eq!(g.next_deadline(), Some(Millis(6000)));
    assert_eq!(
        g.apply(&Input::Tick, Millis(6000)).unwrap(),
        vec![Effect::LeaderboardShown { index: 0 }]
    );
    assert_eq!(
        g.apply(&Input::Tick, Millis(11_000)).unwrap(),
        vec![Effect::QuestionOpened { index: 1 }]
    );
}

#[test]
fn the_revealed_totals_leave_out_the_open_questions_answers_until_it_closes() {
    let mut g = game(Settings::default());
    let a = join(&mut g, "An");
    let b = join(&mut g, "Bình");
    g.apply(&Input::Start, Millis(0)).unwrap();
    answer(&mut g, a, 0, 1, Millis(1000)).unwrap();
    answer(&mut g, b, 0, 2, Millis(2000)).unwrap();
    // Both answered: question 0 is closed, its answers count.
    let closed = g.revealed_totals(g.player(a).unwrap());
    assert!(closed.0 > 0, "a right answer scores");
    assert_eq!(closed, (g.player(a).unwrap().score, 1000));
    g.apply(&Input::Next, Millis(3000)).unwrap();
    g.apply(&Input::Next, Millis(3002)).unwrap();
    // Question 1 is open: a's right answer is not in the totals yet.
    answer(&mut g, a, 1, 2, Millis(4002)).unwrap();
    assert!(g.player(a).unwrap().score > closed.0);
    assert_eq!(g.revealed_totals(g.player(a).unwrap()), closed);
    assert_eq!(g.revealed_totals(g.player(b).unwrap()), (0, 2000));
    answer(&mut g, b, 1, 1, Millis(5002)).unwrap();
    let Phase::Reveal { .. } = g.phase() else {
        panic!("everyone answered: question 1 closed")
    };
    let a_now = g.player(a).unwrap();
    assert_eq!(g.revealed_totals(a_now), (a_now.score, 2000));
    assert!(a_now.score > closed.0);
}

#[test]
fn ties_break_by_lower_total_answer_time() {
    let mut g = game(Settings::default());
    let slow = join(&mut g, "Chậm");
    let fast = join(&mut g, "Nhanh");
    g.apply(&Input::Start, Millis(0)).unwrap();
    // Both wrong: equal score 0, the faster answer ranks first.
    answer(&mut g, slow, 0, 4, Millis(9000)).unwrap();
    answer(&mut g, fast, 0, 4, Millis(9001)).unwrap();
    let Phase::Reveal { .. } = g.phase() else {
        panic!()
    };
    assert_eq!(g.standings(), &[slow, fast], "8999 ms less than 9001 ms");
}

#[test]
fn the_streak_bonus_is_off_by_default_and_adds_when_on() {
    for (streak_bonus, want) in [(false, 2000), (true, 2100)] {
        let mut g = game(Settings {
            streak_bonus,
            ..Settings::default()
        });
        let a = join(&mut g, "An");
        g.apply(&Input::Start, Millis(0)).unwrap();
        answer(&mut g, a, 0, 1, Millis(100)).unwrap();
        g.apply(&Input::Next, Millis(200)).unwrap();
        g.apply(&Input::Next, Millis(300)).unwrap();
        answer(&mut g, a, 1, 2, Millis(400)).unwrap();
        assert_eq!(
            g.player(a).unwrap().score,
            want,
            "streak_bonus = {streak_bonus}"
        );
    }
}

#[test]
fn zero_point_questions_count_correctness_but_no_points() {
    let mut q = single(1, 2);
    q.points = Points::None;
    let mut g = Game::new(vec![q], Settings::default(), 1);
    let a = join(&mut g, "An");
    g.apply(&Input::Start, Millis(0)).unwrap();
    answer(&mut g, a, 0, 1, Millis(100)).unwrap();
    let p = g.player(a).unwrap();
    assert_eq!((p.score, p.correct_count), (0, 1));
}

#[test]
fn each_game_shows_options_under_ids_of_its_own() {
    let questions: Vec<Question> = (0..8).map(|_| single(1, 4)).collect();
    let a = Game::new(questions.clone(), Settings::default(), 42);
    let b = Game::new(questions, Settings::default(), 43);
    let keys = |g: &Game| -> Vec<Vec<OptionId>> {
        g.rounds()
            .iter()
            .map(|r| r.question.correct_ids().to_vec())
            .collect()
    };
    assert!(
        keys(&a).iter().any(|k| k != &[1]),
        "the bank's key 1 is shown under other ids"
    );
    assert_ne!(keys(&a), keys(&b), "another game, other ids");
    for r in a.rounds() {
        let mut bank = r.labels.bank_ids().to_vec();
        bank.sort_unstable();
        assert_eq!(bank, vec![1, 2, 3, 4]);
        let key = r.question.correct_ids()[0];
        assert_eq!(
            r.labels.to_bank(key),
            Some(1),
            "the shown key is the bank's"
        );
    }
}

#[test]
fn an_ordering_reveal_counts_each_option_put_in_its_right_place() {
    let mut ordering = single(1, 3);
    ordering.kind = QuestionKind::Ordering;
    ordering.key = AnswerKey::Order { ids: vec![1, 2, 3] };
    let mut g = Game::new(vec![ordering], Settings::default(), 5);
    let a = join(&mut g, "An");
    let b = join(&mut g, "Bình");
    g.apply(&Input::Start, Millis(0)).unwrap();
    let to_shown = |g: &Game, bank: [OptionId; 3]| -> Vec<OptionId> {
        bank.iter().map(|&id| shown(g, 0, id)).collect()
    };
    for (player, bank_order) in [(a, [1, 2, 3]), (b, [1, 3, 2])] {
        let answer = Answer::Options(to_shown(&g, bank_order));
        g.apply(
            &Input::Answer {
                player,
                question: 0,
                answer,
                sent_at: None,
            },
            Millis(1000),
        )
        .unwrap();
    }
    let round = &g.rounds()[0];
    assert_eq!((round.answered, round.correct), (2, 1));
    let placed = |bank_id| round.distribution[usize::from(shown(&g, 0, bank_id))];
    assert_eq!((placed(1), placed(2), placed(3)), (2, 1, 1));
}

/// Any sequence of inputs: no panic, and the books stay balanced.
fn any_input() -> impl Strategy<Value = Input> {
    prop_oneof![
        (0u8..6).prop_map(|n| Input::Join {
            nickname: Nickname::parse(&format!("P{n}")).unwrap()
        }),
        (0u32..7).prop_map(|player| Input::Disconnect { player }),
        (0u32..7).prop_map(|player| Input::Reconnect { player }),
        (0u32..7).prop_map(|player| Input::Kick { player }),
        any::<bool>().prop_map(|locked| Input::Lock { locked }),
        Just(Input::Start),
        Just(Input::Next),
        Just(Input::End),
        Just(Input::Tick),
        (0u32..7, 0usize..4, 0u8..6).prop_map(|(player, question, id)| Input::Answer {
            player,
            question,
            answer: Answer::Options(vec![id]),
            sent_at: None
        }),
    ]
}

proptest! {
    #[test]
    fn any_sequence_keeps_the_game_consistent(
        steps in prop::collection::vec((any_input(), 0u64..8000), 1..80),
        reading_ms in prop::option::of(1000u64..10_000),
    ) {
        let mut g = game(Settings { reading_ms, ..Settings::default() });
        let mut now = Millis(0);
        for (input, dt) in steps {
            now = now + dt;
            let before = g.clone();
            match g.apply(&input, now) {
                Err(_) => prop_assert_eq!(format!("{:?}", before), format!("{:?}", g), "a refused input changed the game"),
                Ok(effects) => {
                    // No answer is ever taken while its question is still being read.
                    if let Phase::Question { unlocks_at, .. } = before.phase() {
                        let taken = effects.iter().any(|e| matches!(e, Effect::AnswerAccepted { .. }));
                        prop_assert!(!taken || now >= unlocks_at, "an answer taken before the unlock");
                    }
                }
            }
            for p in g.players() {
                let sum: u32 = p.answers.iter().flatten().map(|r| r.points).sum();
                prop_assert_eq!(p.score, sum);
            }
            for r in g.rounds() {
                let answered = g.players().iter().filter(|p| p.answers.iter().zip(g.rounds()).any(|(a, rr)| a.is_some() && std::ptr::eq(rr, r))).count();
                prop_assert_eq!(r.answered as usize, answered);
            }
            let connected = g.players().iter().filter(|p| p.connected && !p.kicked).count() as u32;
            prop_assert_eq!(g.connected, connected);
            if let Phase::Finished = g.phase() {
                let ranked: Vec<_> = g.standings().to_vec();
                for w in ranked.windows(2) {
                    let (a, b) = (g.player(w[0]).unwrap(), g.player(w[1]).unwrap());
                    prop_assert!(standings::compare(a, b) == std::cmp::Ordering::Less);
                }
            }
        }
    }
}
