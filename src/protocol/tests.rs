//! `docs/protocol.md` is the contract: every example in it must be something this code
//! accepts (client messages) or could have sent (server messages).

use serde_json::Value;

use super::*;

const DOC: &str = include_str!("../../docs/protocol.md");

fn examples() -> Vec<Value> {
    DOC.split("```json")
        .skip(1)
        .map(|block| block.split("```").next().unwrap())
        .map(|json| {
            serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("example is not JSON ({e}):\n{json}"))
        })
        .collect()
}

const CLIENT_TYPES: &[&str] = &[
    "join",
    "resume",
    "host",
    "watch",
    "answer",
    "start",
    "next",
    "end",
    "kick",
    "lock",
    "set_teams",
    "team_place",
    "team_pick",
];
const SERVER_TYPES: &[&str] = &[
    "welcome",
    "lobby",
    "locked",
    "question",
    "answered",
    "receipt",
    "reveal",
    "result",
    "leaderboard",
    "board",
    "podium",
    "final",
    "kicked",
    "bye",
    "error",
    "teams",
    "team",
    "team_board",
];

#[test]
fn every_client_example_in_the_protocol_document_decodes() {
    let mut seen = Vec::new();
    for example in examples() {
        let Some(ty) = example["type"].as_str() else {
            continue;
        };
        if CLIENT_TYPES.contains(&ty) {
            decode(&example.to_string()).unwrap_or_else(|e| panic!("{example}: {e}"));
            seen.push(ty.to_owned());
        }
    }
    for ty in CLIENT_TYPES {
        assert!(
            seen.iter().any(|s| s == ty),
            "no example of client message {ty}"
        );
    }
}

#[test]
fn every_server_message_type_has_an_example_with_a_seq() {
    for ty in SERVER_TYPES {
        let example = examples()
            .into_iter()
            .find(|e| e["type"] == *ty)
            .unwrap_or_else(|| panic!("no example of {ty}"));
        assert_eq!(example.get("seq").is_some(), *ty != "error", "{example}");
    }
    for example in examples() {
        if let Some(ty) = example["type"].as_str() {
            // The stage contest's messages are held to the document by `bell/tests.rs`.
            assert!(
                CLIENT_TYPES.contains(&ty) || SERVER_TYPES.contains(&ty) || ty.starts_with("bell_"),
                "unknown type in the document: {ty}"
            );
        }
    }
}

#[test]
fn every_error_code_is_documented_and_has_a_vietnamese_message() {
    /// Does not compile when a code is added without being named here — and next to this,
    /// in `ErrorCode::ALL`.
    fn listed(code: ErrorCode) {
        use ErrorCode::*;
        match code {
            BadMessage | MessageTooLarge | UnsupportedVersion | NotJoined | AlreadyJoined
            | NotHost | GameNotFound | InvalidNickname | NicknameTaken | LobbyLocked
            | GameStarted | GameFull | GameOver | NotStarted | NoPlayers | WrongPhase
            | QuestionClosed | TooLate | TooEarly | BadAnswer | Kicked | InvalidToken
            | Unauthorized | Forbidden | RateLimited | ServerBusy | InvalidBoard
            | NicknameNotAllowed | UnknownPlayer | TeamCount | TooFewPlayers | BadTeamName
            | UnknownTeam | TeamFull | NoTeams | PickClosed | SchoolRequired | UnknownSchool => {}
        }
    }
    let mut names: Vec<String> = Vec::new();
    for code in ErrorCode::ALL {
        listed(code);
        let name = serde_json::to_value(code).unwrap();
        let name = name.as_str().unwrap().to_owned();
        assert!(
            DOC.contains(&format!("| `{name}` |")),
            "{name} is not in the error table"
        );
        assert!(!code.message().is_empty());
        assert!(!names.contains(&name), "{name} twice in ALL");
        names.push(name);
    }
    assert_eq!(names.len(), 38, "ALL holds every code once");
}

#[test]
fn strict_decoding() {
    assert!(
        decode(r#"{"type":"answer","q":0,"answer":[1],"player":3}"#).is_err(),
        "unknown field"
    );
    assert!(
        decode(r#"{"type":"answer","q":0,"answer":[300]}"#).is_err(),
        "option id out of range"
    );
    assert!(decode(r#"{"type":"start","x":1}"#).is_err());
    let long = format!(r#"{{"type":"resume","v":1,"token":"{}"}}"#, "a".repeat(300));
    assert!(decode(&long).is_err(), "over-long field");
    assert_eq!(
        decode(r#"{"type":"answer","q":2,"answer":1945}"#).unwrap(),
        ClientMsg::Answer {
            q: 2,
            answer: crate::domain::Answer::Number(1945.0)
        }
    );
}
