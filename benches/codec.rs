//! The message codec: encoding what the room broadcasts (a question, the leaderboard — once
//! per room, shared by every connection) and what each player gets (a receipt), and decoding
//! what every player sends (an answer).

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use hoithi::domain::QuestionKind;
use hoithi::protocol::{decode, encode, OptionView, QuestionView, Ranked, ServerMsg};

fn codec(c: &mut Criterion) {
    let options = [
        "Không đưa và báo cho mẹ",
        "Đọc mã cho họ",
        "Hỏi họ là ai rồi mới đưa",
        "Đăng mã lên mạng xã hội",
    ];
    c.bench_function("encode_question", |b| {
        b.iter(|| {
            let msg = ServerMsg::Question {
                seq: 2,
                question: QuestionView {
                    q: 0,
                    number: 1,
                    total: 10,
                    kind: QuestionKind::Single,
                    text: "Một người lạ nhắn tin xin mã OTP của mẹ em. Em nên làm gì?",
                    image: None,
                    options: options
                        .iter()
                        .zip(1u8..)
                        .map(|(text, id)| OptionView { id, text })
                        .collect(),
                    time_limit_ms: 20_000,
                    remaining_ms: 20_000,
                    answers_in_ms: None,
                    points: 1000,
                },
            };
            encode(black_box(&msg))
        })
    });
    let names: Vec<String> = (0..10).map(|i| format!("Người chơi {i}")).collect();
    let top: Vec<Ranked> = names
        .iter()
        .enumerate()
        .map(|(i, nickname)| Ranked {
            rank: i as u32 + 1,
            id: 100 + i as u32,
            nickname,
            score: 9_000 - 250 * i as u32,
        })
        .collect();
    c.bench_function("encode_leaderboard_top10", |b| {
        b.iter(|| {
            encode(black_box(&ServerMsg::Leaderboard {
                seq: 4,
                q: 0,
                top: &top,
                players: 19_000,
            }))
        })
    });
    c.bench_function("encode_receipt", |b| {
        b.iter(|| encode(black_box(&ServerMsg::Receipt { seq: 2, q: 0 })))
    });
    c.bench_function("decode_answer", |b| {
        b.iter(|| decode(black_box(r#"{"type": "answer", "q": 3, "answer": [2]}"#)))
    });
    c.bench_function("decode_answer_multiple", |b| {
        b.iter(|| decode(black_box(r#"{"type":"answer","q":7,"answer":[1,3,4]}"#)))
    });
}

criterion_group! {
    name = benches;
    config = common::quick();
    targets = codec
}
criterion_main!(benches);
