//! Scoring an answer: checking its shape and correctness, then its points and streak bonus.
//! The room does this once per answer, 19,000 times within seconds at a province event.

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use hoithi::domain::scoring::{points_for_correct, streak_bonus};
use hoithi::domain::{Answer, AnswerKey, Points, Question, QuestionKind, TimeLimit};

fn question(kind: QuestionKind, key: AnswerKey, options: usize) -> Question {
    Question {
        id: "bench-001".into(),
        bank: "bench".into(),
        kind,
        text: "Một người lạ nhắn tin xin mã OTP của mẹ em. Em nên làm gì?".into(),
        image: None,
        options: (1..=options).map(|i| format!("Phương án {i}")).collect(),
        key,
        time_limit: TimeLimit::from_secs(20).expect("20 s is a valid time limit"),
        points: Points::default(),
        difficulty: 1,
        explanation: String::new(),
        source: String::new(),
    }
}

fn scoring(c: &mut Criterion) {
    c.bench_function("points_for_correct", |b| {
        let mut t = 0u64;
        b.iter(|| {
            t = (t + 137) % 25_000;
            points_for_correct(black_box(1000), black_box(t), black_box(20_000))
        })
    });
    c.bench_function("streak_bonus", |b| {
        b.iter(|| streak_bonus(black_box(2000), black_box(4)))
    });
    let single = question(QuestionKind::Single, AnswerKey::Options { ids: vec![2] }, 4);
    let answer = Answer::Options(vec![2]);
    c.bench_function("check_and_score_single", |b| {
        b.iter(|| {
            let q = black_box(&single);
            let a = black_box(&answer);
            q.check_shape(a).is_ok() && q.is_correct(a)
        })
    });
    let multiple = question(
        QuestionKind::Multiple,
        AnswerKey::Options { ids: vec![1, 3, 4] },
        6,
    );
    let answer = Answer::Options(vec![4, 1, 3]);
    c.bench_function("check_and_score_multiple", |b| {
        b.iter(|| {
            let q = black_box(&multiple);
            let a = black_box(&answer);
            q.check_shape(a).is_ok() && q.is_correct(a)
        })
    });
}

criterion_group! {
    name = benches;
    config = common::quick();
    targets = scoring
}
criterion_main!(benches);
