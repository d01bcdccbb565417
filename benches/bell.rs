//! Rung chuông vàng's rules at the size of a big school hall: an answer (once per phone per
//! question), a reveal (once per question, over every contestant), and a whole contest of
//! 300 contestants with a rescue, as `loadtest --scenario bell` will play it through sockets.

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use hoithi::domain::bell::{Bell, BellSet, Input, Phase, RescueRule, Rules, Seat};
use hoithi::domain::{
    Answer, AnswerKey, Millis, Nickname, Points, Question, QuestionKind, TimeLimit,
};

fn question(difficulty: u8) -> Question {
    Question {
        id: "bench-001".into(),
        bank: "bench".into(),
        kind: QuestionKind::Single,
        text: "Một người lạ nhắn tin xin mã OTP của mẹ em. Em nên làm gì?".into(),
        image: None,
        options: (1..=4).map(|i| format!("Phương án {i}")).collect(),
        key: AnswerKey::Options { ids: vec![2] },
        time_limit: TimeLimit::from_secs(20).expect("20 s is a valid time limit"),
        points: Points::default(),
        difficulty,
        explanation: String::new(),
        source: String::new(),
    }
}

/// `contestants` seated, the first question open.
fn started(contestants: u16) -> Bell {
    let rules = Rules {
        rescue: RescueRule::ByEliminated { up_to: Some(20) },
        ..Rules::default()
    };
    let set = BellSet::new(
        (0..20).map(|i| question(1 + i / 7)).collect(),
        None,
        vec![question(1)],
    )
    .expect("a valid set");
    let mut bell = Bell::new(&set, rules, 7);
    for n in 1..=contestants {
        let seat = Seat::new(n).expect("a seat number");
        let name = Nickname::parse(&format!("Thí sinh {n}")).expect("a name");
        bell.apply(&Input::Join { seat, name }, Millis(0))
            .expect("a free seat");
    }
    bell.apply(&Input::Start, Millis(0)).expect("started");
    bell
}

fn right(bell: &Bell, round: usize) -> Answer {
    Answer::Options(bell.rounds()[round].question.correct_ids().to_vec())
}

fn wrong(bell: &Bell, round: usize) -> Answer {
    let key = bell.rounds()[round].question.correct_ids()[0];
    Answer::Options(vec![key % 4 + 1])
}

/// Everyone standing answers round `round` (one in `out_every` wrong); time up; reveal.
fn play(bell: &mut Bell, round: usize, out_every: u16, at: Millis) {
    let standing: Vec<Seat> = bell
        .contestants()
        .filter(|c| c.is_standing())
        .map(|c| c.seat)
        .collect();
    for seat in standing {
        let answer = if seat.number() % out_every == 0 {
            wrong(bell, round)
        } else {
            right(bell, round)
        };
        bell.apply(
            &Input::Answer {
                seat,
                round,
                answer,
            },
            at + 3_000,
        )
        .expect("accepted");
    }
    bell.apply(&Input::Close, at + 10_000).expect("closed");
    bell.apply(&Input::Reveal, at + 11_000).expect("revealed");
}

fn bell(c: &mut Criterion) {
    let fresh = started(300);
    let answer = right(&fresh, 0);
    c.bench_function("bell: one answer (300 seated)", |b| {
        b.iter_batched(
            || fresh.clone(),
            |mut bell| {
                let seat = Seat::new(150).expect("a seat");
                bell.apply(
                    &Input::Answer {
                        seat,
                        round: 0,
                        answer: answer.clone(),
                    },
                    Millis(3_000),
                )
                .expect("accepted");
                black_box(bell)
            },
            BatchSize::LargeInput,
        )
    });
    for n in [300u16, 500] {
        let mut answered = started(n);
        for seat in answered.contestants().map(|c| c.seat).collect::<Vec<_>>() {
            let answer = if seat.number() % 4 == 0 {
                wrong(&answered, 0)
            } else {
                right(&answered, 0)
            };
            answered
                .apply(
                    &Input::Answer {
                        seat,
                        round: 0,
                        answer,
                    },
                    Millis(3_000),
                )
                .expect("accepted");
        }
        answered
            .apply(&Input::Close, Millis(10_000))
            .expect("closed");
        c.bench_function(&format!("bell: reveal, {n} answered"), |b| {
            b.iter_batched(
                || answered.clone(),
                |mut bell| {
                    bell.apply(&Input::Reveal, Millis(11_000))
                        .expect("revealed");
                    black_box(bell)
                },
                BatchSize::LargeInput,
            )
        });
    }
    c.bench_function(
        "bell: a 300-contestant contest of 20 questions and a rescue",
        |b| {
            b.iter_batched(
                || fresh.clone(),
                |mut bell| {
                    let mut at = Millis(0);
                    for round in 0..20 {
                        if round > 0 {
                            bell.apply(&Input::Next, at).expect("next question");
                        }
                        play(&mut bell, round, 5, at);
                        at = at + 30_000;
                        if round == 10 {
                            bell.apply(&Input::Rescue, at).expect("rescue");
                            let out: Vec<Seat> = bell
                                .contestants()
                                .filter(|c| !c.is_standing())
                                .map(|c| c.seat)
                                .collect();
                            for seat in out {
                                let answer = right(&bell, 20);
                                bell.apply(
                                    &Input::Answer {
                                        seat,
                                        round: 20,
                                        answer,
                                    },
                                    at + 2_000,
                                )
                                .expect("rescue answer");
                            }
                            bell.apply(&Input::Close, at + 5_000).expect("closed");
                            bell.apply(&Input::Reveal, at + 6_000).expect("rescued");
                            at = at + 10_000;
                        }
                    }
                    bell.apply(&Input::Next, at).expect("the end");
                    assert_eq!(bell.phase(), Phase::Finished);
                    black_box(bell)
                },
                BatchSize::LargeInput,
            )
        },
    );
}

criterion_group! {
    name = benches;
    config = common::quick();
    targets = bell
}
criterion_main!(benches);
