//! Nothing a player receives before `reveal` predicts the key better than chance.
//!
//! The quiz is built the way the bundled banks used to be: every single-choice key is the
//! bank's option 1, every multiple-choice key options 1 and 2, every ordering question listed
//! in its right order. Had a game shown the bank's ids, «the smallest id» would answer every
//! single-choice question and «ids in ascending order» every ordering one. Each game shows its
//! own ids, so those guesses do no better than chance, while the reveal and the report still
//! name the right options.

use std::collections::HashMap;

use hoithi::domain::{AnswerKey, Points, Question, QuestionKind, TimeLimit};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

const SINGLE: usize = 40;
const MULTIPLE: usize = 20;
const ORDERING: usize = 20;
const PACE: std::time::Duration = std::time::Duration::from_millis(110);

fn quiz() -> Vec<Question> {
    let make = |i: usize, kind: QuestionKind, key: AnswerKey| Question {
        id: format!("q{i}"),
        bank: "thu-ro-ri".into(),
        kind,
        text: format!("Câu {i}"),
        image: None,
        options: (1..=4).map(|o| format!("Câu {i}, phương án {o}")).collect(),
        key,
        time_limit: TimeLimit::from_secs(60).unwrap(),
        points: Points::Standard,
        difficulty: 1,
        explanation: "Giải thích.".into(),
        source: "Nguồn.".into(),
    };
    let mut questions = Vec::new();
    for _ in 0..SINGLE {
        let key = AnswerKey::Options { ids: vec![1] };
        questions.push(make(questions.len(), QuestionKind::Single, key));
    }
    for _ in 0..MULTIPLE {
        let key = AnswerKey::Options { ids: vec![1, 2] };
        questions.push(make(questions.len(), QuestionKind::Multiple, key));
    }
    for _ in 0..ORDERING {
        let key = AnswerKey::Order {
            ids: vec![1, 2, 3, 4],
        };
        questions.push(make(questions.len(), QuestionKind::Ordering, key));
    }
    questions
}

/// What one player received of each question before its reveal, and the reveal.
struct Played {
    before_reveal: Vec<Vec<Value>>,
    reveals: Vec<Value>,
    game: i64,
}

/// Plays the quiz with one player who answers every question with the bank's option 2 (the
/// whole order turned around for ordering questions); the host closes each question at once.
async fn play(app: &TestApp, questions: &[Question]) -> Played {
    let (game, pin) = app.open_game(questions, json!({})).await;
    let mut host = app.host(game).await;
    let mut player = app.player(&pin, "Tò Mò").await;
    host.send(json!({"type": "start"})).await;
    let mut before_reveal = Vec::new();
    let mut reveals = Vec::new();
    for (i, q) in questions.iter().enumerate() {
        let mut seen = Vec::new();
        let question = player.recv_type("question").await;
        assert_eq!(question["q"], i);
        seen.push(question.clone());
        let id = |text: &str| player.shown().id_of(i as u64, text).unwrap();
        let answer: Vec<u64> = match q.kind {
            QuestionKind::Ordering => q.options.iter().rev().map(|t| id(t)).collect(),
            _ => vec![id(&q.options[1])],
        };
        player
            .send(json!({"type": "answer", "q": i, "answer": answer}))
            .await;
        loop {
            let msg = player.recv().await;
            if msg["type"] == "reveal" {
                reveals.push(msg);
                break;
            }
            // The only player has answered: the question closes by itself.
            seen.push(msg);
        }
        before_reveal.push(seen);
        // The host screen reads what it is sent, or the server lets it go.
        // Two commands per question: paced under the 10 messages a second a connection may send.
        host.recv_type("reveal").await;
        tokio::time::sleep(PACE).await;
        host.send(json!({"type": "next"})).await;
        host.recv_type("leaderboard").await;
        player.recv_type("leaderboard").await;
        tokio::time::sleep(PACE).await;
        host.send(json!({"type": "next"})).await;
    }
    player.recv_type("podium").await;
    Played {
        before_reveal,
        reveals,
        game,
    }
}

fn ids_in_display_order(question: &Value) -> Vec<u64> {
    question["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_u64().unwrap())
        .collect()
}

fn id_of(question: &Value, text: &str) -> u64 {
    question["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["text"] == text)
        .unwrap()["id"]
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_before_the_reveal_predicts_the_key_better_than_chance() {
    let app = spawn_app().await;
    let questions = quiz();
    let played = play(&app, &questions).await;

    // Guesses a client could make from what it got before the reveal, and how often each
    // names the key. The key, in this game's ids, is read off the reveal.
    let mut hits: HashMap<&str, usize> = HashMap::new();
    for (i, q) in questions.iter().enumerate() {
        let shown = &played.before_reveal[i][0];
        for msg in &played.before_reveal[i] {
            let text = msg.to_string();
            assert!(
                msg.get("correct").is_none() && !text.contains("\"key\""),
                "no verdict before the reveal: {msg}"
            );
        }
        let key: Vec<u64> = played.reveals[i]["correct"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        // The reveal still names the bank's right options, in this game's ids.
        let bank_key: Vec<u64> = q
            .correct_ids()
            .iter()
            .map(|&b| id_of(shown, &q.options[usize::from(b) - 1]))
            .collect();
        let mut sorted_key = key.clone();
        sorted_key.sort_unstable();
        let mut sorted_bank_key = bank_key.clone();
        sorted_bank_key.sort_unstable();
        match q.kind {
            QuestionKind::Ordering => assert_eq!(key, bank_key, "question {i}"),
            _ => assert_eq!(sorted_key, sorted_bank_key, "question {i}"),
        }

        let display = ids_in_display_order(shown);
        let mut ascending = display.clone();
        ascending.sort_unstable();
        let mut count =
            |guess: &'static str, hit: bool| *hits.entry(guess).or_default() += hit as usize;
        match q.kind {
            QuestionKind::Single => {
                count("single: the smallest id", key == ascending[..1]);
                count("single: the first shown", key == display[..1]);
            }
            QuestionKind::Multiple => {
                count(
                    "multiple: the two smallest ids",
                    sorted_key == ascending[..2],
                );
                count(
                    "multiple: the smallest id is right",
                    key.contains(&ascending[0]),
                );
            }
            QuestionKind::Ordering => {
                count("ordering: ids ascending", key == ascending);
                count("ordering: as shown", key == display);
            }
            _ => unreachable!(),
        }
    }
    // Chance: 1/4 of 40 (σ ≈ 2.7), 1/6 and 1/2 of 20 (σ ≈ 1.7 and 2.2); an ordering of 4 is
    // right by chance 1 time in 24 — and never as shown, which the game avoids. Bounds are
    // chance plus about 4σ; the bank's own ids would hit 40, 20, 20 and 20.
    let bounds = [
        ("single: the smallest id", 21),
        ("single: the first shown", 21),
        ("multiple: the two smallest ids", 10),
        ("multiple: the smallest id is right", 19),
        ("ordering: ids ascending", 4),
        ("ordering: as shown", 0),
    ];
    for (guess, most) in bounds {
        let n = hits.get(guess).copied().unwrap_or(0);
        assert!(
            n <= most,
            "«{guess}» named the key {n} times (chance allows {most}): {hits:?}"
        );
    }

    // A second game of the same quiz shows other ids for the same options (its first 20
    // questions are enough to tell).
    let again = play(&app, &questions[..20]).await;
    let differ = (0..20)
        .filter(|&i| {
            let (a, b) = (&played.before_reveal[i][0], &again.before_reveal[i][0]);
            questions[i]
                .options
                .iter()
                .any(|t| id_of(a, t) != id_of(b, t))
        })
        .count();
    assert!(
        differ >= 10,
        "only {differ} of 20 questions were shown under other ids in another game"
    );

    // The report reads the bank: every single and multiple question was answered with the
    // bank's option 2, whatever id it had in the game.
    let report = app
        .get(&format!("/api/games/{}/report", played.game))
        .await
        .json();
    for (i, q) in questions.iter().enumerate() {
        let line = &report["questions"][i];
        assert_eq!(line["answered"], 1, "{line}");
        if q.kind != QuestionKind::Ordering {
            let counts: Vec<u64> = line["options"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o[1].as_u64().unwrap())
                .collect();
            assert_eq!(counts, vec![0, 1, 0, 0], "question {i}: {line}");
        }
    }
}
