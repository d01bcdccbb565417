//! `docs/protocol.md`'s «Rung chuông vàng» is the stage room's contract: every client example
//! decodes, every server message type has an example with exactly the fields this code
//! writes, and every error code is in the table.

use std::collections::BTreeSet;

use serde_json::Value;

use super::*;
use crate::domain::bell::{Reason, Seat};
use crate::domain::Millis;

const DOC: &str = include_str!("../../../docs/protocol.md");

fn examples() -> Vec<Value> {
    let stage = DOC
        .split("## Rung chuông vàng (the stage contest)")
        .nth(1)
        .expect("the stage section")
        .split("\n## ")
        .next()
        .unwrap();
    stage
        .split("```json")
        .skip(1)
        .map(|block| block.split("```").next().unwrap())
        .map(|json| serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}:\n{json}")))
        .collect()
}

const CLIENT_TYPES: &[&str] = &[
    "bell_sit",
    "bell_resume",
    "bell_stage",
    "bell_audience",
    "bell_answer",
    "bell_record",
    "bell_register",
    "bell_host",
    "bell_skip",
    "bell_undo",
];

/// One message of every server type, as the room writes them.
fn every_server_message() -> Vec<Value> {
    let what = What::Undone {
        reason: Reason::parse("Trọng tài nhập nhầm").unwrap(),
        seats: vec![Seat::new(85).unwrap()],
    };
    let view = || BellQuestionView {
        round: 1,
        stage: "main",
        number: Some(2),
        total: 20,
        kind: QuestionKind::Single,
        text: "Câu hỏi?",
        options: vec!["Có", "Không"],
        time_limit_ms: 20_000,
        remaining_ms: 12_000,
    };
    let lan = || {
        vec![SeatView {
            seat: 7,
            name: "Lan",
        }]
    };
    let msgs = [
        BellMsg::BellWelcome {
            v: 1,
            seq: 4,
            role: "contestant",
            you: Some(SeatView {
                seat: 42,
                name: "Lan",
            }),
            status: Some(YouStatus::Standing),
            token: Some("21.42.00112233445566778899aabbccddeeff".into()),
            title: "Rung chuông vàng",
            phase: "open",
            standing: 86,
            contestants: 100,
            question: Some(view()),
        },
        BellMsg::BellSeated {
            seq: 0,
            seats: vec![SeatView {
                seat: 42,
                name: "Lan",
            }],
            contestants: 57,
        },
        BellMsg::BellQuestion {
            seq: 5,
            question: view(),
            standing: 86,
        },
        BellMsg::BellPaused {
            seq: 6,
            round: 1,
            remaining_ms: 8_200,
        },
        BellMsg::BellResumed {
            seq: 7,
            round: 1,
            remaining_ms: 8_200,
        },
        BellMsg::BellClosed { seq: 8, round: 1 },
        BellMsg::BellReveal {
            seq: 9,
            round: 1,
            correct: &[2],
            value: None,
            explanation: "Vì vậy.",
            eliminated: 35,
            standing: 51,
            spared_all_wrong: false,
        },
        BellMsg::BellDecided {
            seq: 30,
            round: 20,
            value: Some(1000.0),
            winners: lan(),
        },
        BellMsg::BellBack {
            seq: 12,
            seats: vec![60, 61],
            why: "rescue",
            standing: 54,
        },
        BellMsg::BellSkipped { seq: 13, round: 2 },
        BellMsg::BellYou {
            seq: 9,
            status: YouStatus::Eliminated,
            text: YouStatus::Eliminated.text(),
        },
        BellMsg::BellReceipt {
            seq: 5,
            round: 1,
            counted: true,
        },
        BellMsg::BellEnd {
            seq: 31,
            winners: lan(),
        },
        BellMsg::BellAct {
            seq: 10,
            at_ms: Millis(61_250).0,
            round: Some(1),
            what: &what,
        },
        BellErrorCode::TooLate.msg(),
    ];
    msgs.iter()
        .map(|m| serde_json::from_str(encode_bell(m).as_str()).unwrap())
        .collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn every_stage_client_example_decodes_and_every_type_has_one() {
    let mut seen = BTreeSet::new();
    for example in examples() {
        let ty = example["type"].as_str().unwrap().to_owned();
        if CLIENT_TYPES.contains(&ty.as_str()) {
            decode_bell(&example.to_string()).unwrap_or_else(|e| panic!("{example}: {e}"));
            seen.insert(ty);
        }
    }
    assert_eq!(seen.len(), CLIENT_TYPES.len(), "examples of {seen:?}");
}

#[test]
fn every_stage_server_example_has_the_fields_the_room_writes() {
    let docs = examples();
    for msg in every_server_message() {
        let ty = msg["type"].as_str().unwrap();
        if ty == "error" {
            continue;
        }
        let example = docs
            .iter()
            .find(|e| e["type"] == ty)
            .unwrap_or_else(|| panic!("no example of {ty}"));
        assert_eq!(keys(example), keys(&msg), "{ty}");
        if let Some(q) = example.get("question") {
            assert_eq!(keys(q), keys(&msg["question"]), "{ty}'s question");
        }
    }
}

#[test]
fn every_stage_error_code_is_documented_with_a_vietnamese_message() {
    let mut names = BTreeSet::new();
    for code in BellErrorCode::ALL {
        let name = serde_json::to_value(code).unwrap();
        let name = name.as_str().unwrap().to_owned();
        let stage = DOC.split("## Rung chuông vàng").nth(1).unwrap();
        assert!(
            stage.contains(&format!("| `{name}` |")),
            "{name} is not in the table"
        );
        assert!(!code.message().is_empty());
        assert!(names.insert(name), "twice in ALL");
    }
}

#[test]
fn stage_messages_decode_strictly() {
    assert!(decode_bell(r#"{"type":"bell_answer","round":0,"answer":[1],"seat":3}"#).is_err());
    assert!(decode_bell(r#"{"type":"bell_host","act":"explode"}"#).is_err());
    assert!(decode_bell(r#"{"type":"answer","q":0,"answer":[1]}"#).is_err());
    assert_eq!(
        decode_bell(r#"{"type":"bell_undo","reason":"nhầm"}"#).unwrap(),
        BellClientMsg::BellUndo {
            reason: "nhầm".into(),
            seat: None
        }
    );
}
