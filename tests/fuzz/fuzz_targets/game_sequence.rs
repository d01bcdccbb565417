//! Any sequence of inputs into the live game's state machine, at any times: no panic, a
//! refused input changes nothing, and every score is the sum of that player's recorded points.
#![no_main]

use hoithi::domain::game::{Game, Input, Settings};
use hoithi::domain::{Answer, AnswerKey, Millis, Nickname, Points, Question, QuestionKind, TimeLimit};
use libfuzzer_sys::fuzz_target;

fn question(kind: QuestionKind) -> Question {
    let (options, key) = match kind {
        QuestionKind::Numeric => (vec![], AnswerKey::Number { value: 43.0, tolerance: 0.5 }),
        QuestionKind::Ordering => (vec!["a".into(), "b".into(), "c".into()], AnswerKey::Order { ids: vec![1, 2, 3] }),
        QuestionKind::Multiple => (vec!["a".into(), "b".into(), "c".into()], AnswerKey::Options { ids: vec![1, 3] }),
        _ => (vec!["a".into(), "b".into()], AnswerKey::Options { ids: vec![1] }),
    };
    Question {
        id: "q".into(),
        bank: String::new(),
        kind,
        text: "?".into(),
        image: None,
        options,
        key,
        time_limit: TimeLimit::from_secs(5).unwrap(),
        points: Points::Double,
        difficulty: 1,
        explanation: ".".into(),
        source: ".".into(),
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte's low bit: the streak bonus; the next bit: a 3 s reading time.
    let flags = data.first().copied().unwrap_or(0);
    let settings = Settings {
        streak_bonus: flags & 1 == 1,
        auto_advance_ms: Some(5000),
        reading_ms: (flags & 2 == 2).then_some(3000),
        ..Settings::default()
    };
    let questions = vec![
        question(QuestionKind::Single),
        question(QuestionKind::Multiple),
        question(QuestionKind::Ordering),
        question(QuestionKind::Numeric),
        question(QuestionKind::TrueFalse),
    ];
    let mut game = Game::new(questions, settings, 1);
    let mut now = Millis(0);
    for chunk in data.chunks(4) {
        let [op, a, b, dt] = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0), *chunk.get(3).unwrap_or(&0)];
        now = now + u64::from(dt) * 100;
        let player = u32::from(a % 8);
        let input = match op % 10 {
            0 => Input::Join { nickname: Nickname::parse(&format!("P{}", a % 10)).unwrap() },
            1 => Input::Disconnect { player },
            2 => Input::Reconnect { player },
            3 => Input::Kick { player },
            4 => Input::Lock { locked: b & 1 == 1 },
            5 => Input::Start,
            6 => Input::Next,
            7 => Input::End,
            8 => Input::Tick,
            _ => Input::Answer {
                player,
                question: usize::from(b % 6),
                answer: if b & 0x80 == 0 { Answer::Options(vec![b % 5, a % 5]) } else { Answer::Number(f64::from(b)) },
                sent_at: (a & 1 == 1).then_some(Millis(now.0.saturating_sub(u64::from(b) * 10))),
            },
        };
        let before = format!("{game:?}");
        if game.apply(&input, now).is_err() {
            assert_eq!(before, format!("{game:?}"), "a refused input changed the game");
        }
        for p in game.players() {
            let sum: u32 = p.answers.iter().flatten().map(|r| r.points).sum();
            assert_eq!(p.score, sum);
        }
    }
});
