//! Bad input gets a clear error and changes nothing.

use hoithi::domain::GameId;
use std::time::Duration;

use futures_util::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{http, question, spawn_app, Ws};

#[tokio::test]
async fn bad_messages_are_answered_with_errors_and_change_nothing() {
    let app = spawn_app().await;
    let (game, pin) = app
        .open_game(&[question("a", 30), question("b", 30)], json!({}))
        .await;
    let mut host = app.host(game).await;

    let mut anon = Ws::connect(app.addr, None).await;
    for (text, code) in [
        ("{not json", "bad_message"),
        (r#"{"type":"dance"}"#, "bad_message"),
        (r#"{"type":"join","v":1,"pin":"1"}"#, "bad_message"),
        (
            r#"{"type":"join","v":2,"pin":"1","nickname":"A"}"#,
            "unsupported_version",
        ),
        (r#"{"type":"answer","q":0,"answer":[1]}"#, "not_joined"),
        (r#"{"type":"start"}"#, "not_joined"),
        (r#"{"type":"host","v":1,"game":1}"#, "unauthorized"),
    ] {
        anon.send_text(text).await;
        let err = anon.recv().await;
        assert_eq!(err["type"], "error", "{text}");
        assert_eq!(err["code"], code, "{text}");
        assert!(!err["message"].as_str().unwrap().is_empty());
    }

    let mut lan = app.player(&pin, "Lan").await;
    let mut minh = app.player(&pin, "Minh").await;
    let minh_id = minh.welcome["player"]["id"].clone();
    lan.send(json!({"type": "start"})).await;
    assert_eq!(
        lan.recv().await["code"],
        "not_host",
        "a player cannot start the game"
    );
    lan.send(json!({"type": "join", "v": 1, "pin": pin, "nickname": "Lan 2"}))
        .await;
    assert_eq!(lan.recv().await["code"], "already_joined");
    lan.send(json!({"type": "answer", "q": 0, "answer": [1]}))
        .await;
    assert_eq!(lan.recv().await["code"], "not_started");

    host.send(json!({"type": "start"})).await;
    lan.recv_type("question").await;
    minh.recv_type("question").await;
    // Answering for someone else: there is no field for it, so the message is refused.
    lan.send(json!({"type": "answer", "q": 0, "answer": [2], "player": minh_id}))
        .await;
    assert_eq!(lan.recv().await["code"], "bad_message");
    lan.send(json!({"type": "answer", "q": 1, "answer": [1]}))
        .await;
    assert_eq!(
        lan.recv().await["code"],
        "question_closed",
        "the second question is not open yet"
    );
    for bad in [json!([9]), json!([1, 2]), json!([]), json!(3.5)] {
        lan.send(json!({"type": "answer", "q": 0, "answer": bad}))
            .await;
        assert_eq!(lan.recv().await["code"], "bad_answer", "{bad}");
    }

    // An oversized frame closes the connection with 1009 (message too big).
    let huge = format!(
        r#"{{"type":"answer","q":0,"answer":[1],"pad":"{}"}}"#,
        "x".repeat(20_000)
    );
    let _ = lan.stream.send(Message::text(huge)).await;
    let mut closed_with = None;
    while let Ok(Some(frame)) = tokio::time::timeout(
        Duration::from_secs(5),
        futures_util::StreamExt::next(&mut lan.stream),
    )
    .await
    {
        match frame {
            Ok(Message::Close(Some(frame))) => {
                closed_with = Some(u16::from(frame.code));
                break;
            }
            Ok(Message::Text(t)) => assert!(t.contains("message_too_large"), "{t}"),
            _ => break,
        }
    }
    assert_eq!(closed_with, Some(1009));

    // Nothing above changed the game: no answer is stored, Minh's question is still open.
    minh.answer(0, 1).await;
    assert_eq!(minh.recv().await["type"], "receipt");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let report = app
        .store()
        .report(GameId::new(game))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.questions[0].answered, 1, "only Minh's answer counts");
}

#[tokio::test]
async fn a_page_from_another_origin_cannot_open_the_websocket() {
    let app = spawn_app().await;
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
            "ws://{}/ws",
            app.addr
        ))
        .unwrap();
    request
        .headers_mut()
        .insert("origin", "http://evil.example".parse().unwrap());
    let err = tokio_tungstenite::connect_async(request)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("403"), "{err}");
    let mut own = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        format!("ws://{}/ws", app.addr),
    )
    .unwrap();
    own.headers_mut()
        .insert("origin", format!("http://{}", app.addr).parse().unwrap());
    assert!(tokio_tungstenite::connect_async(own).await.is_ok());
}

#[tokio::test]
async fn a_flood_of_messages_is_rate_limited_with_a_retry_time() {
    let app = spawn_app().await;
    let mut ws = Ws::connect(app.addr, None).await;
    for _ in 0..40 {
        ws.send_text(r#"{"type":"start"}"#).await;
    }
    let mut limited = None;
    for _ in 0..40 {
        let msg = ws.recv().await;
        if msg["code"] == "rate_limited" {
            limited = Some(msg);
            break;
        }
    }
    let limited = limited.expect("the flood is cut off");
    assert!(limited["retry_after_ms"].as_u64().unwrap() > 0);
    let _ = http; // the HTTP helper is shared with other tests
}

/// What docs/protocol.md promises about late answers, unknown players and nicknames, as a
/// client written from the page would meet it.
#[tokio::test]
async fn late_answers_unknown_players_and_disguised_nicknames_get_the_documented_codes() {
    let app = spawn_app().await;
    let (game, pin) = app
        .open_game(&[question("a", 30), question("b", 30)], json!({}))
        .await;
    let mut host = app.host(game).await;

    // Nicknames: invisible characters, banned words in disguise, and look-alikes of a
    // nickname already taken.
    let mut nam = app.player(&pin, "Nam").await;
    for (nickname, code) in [
        ("Lan\u{00AD}", "invalid_nickname"),
        ("\u{3164}", "invalid_nickname"),
        ("\u{2800}\u{2800}", "invalid_nickname"),
        ("Lan\u{E0041}", "invalid_nickname"),
        ("\u{FF56}\u{FF43}\u{FF4C}", "nickname_not_allowed"),
        ("\u{1D42F}\u{1D41C}\u{1D425}", "nickname_not_allowed"),
        ("\u{0475}\u{0441}\u{04CF}", "nickname_not_allowed"),
        ("N\u{0430}m", "nickname_taken"),
        ("\u{FF2E}\u{FF41}\u{FF4D}", "nickname_taken"),
    ] {
        let mut ws = Ws::connect(app.addr, None).await;
        ws.send(json!({"type": "join", "v": 1, "pin": pin, "nickname": nickname}))
            .await;
        let reply = ws.recv().await;
        assert_eq!(reply["code"], code, "{nickname:?}: {reply}");
        assert!(reply["message"].as_str().is_some_and(|m| !m.is_empty()));
    }

    // A lock reaches the players too (the page lists it among the room events they track).
    host.send(json!({"type": "lock", "locked": true})).await;
    assert_eq!(nam.recv_type("locked").await["locked"], true);
    host.send(json!({"type": "lock", "locked": false})).await;
    assert_eq!(nam.recv_type("locked").await["locked"], false);

    // Kicking a player the game never had.
    host.send(json!({"type": "kick", "player": 999})).await;
    assert_eq!(host.recv_type("error").await["code"], "unknown_player");

    // An answer after the question has closed is «too late»; one to a question not yet open
    // is «closed».
    host.send(json!({"type": "start"})).await;
    nam.recv_type("question").await;
    host.send(json!({"type": "next"})).await;
    nam.recv_type("reveal").await;
    nam.send(json!({"type": "answer", "q": 0, "answer": [1]}))
        .await;
    assert_eq!(nam.recv_type("error").await["code"], "too_late");
    nam.send(json!({"type": "answer", "q": 1, "answer": [1]}))
        .await;
    assert_eq!(nam.recv_type("error").await["code"], "question_closed");
    let report = app
        .store()
        .report(GameId::new(game))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.questions[0].answered, 0, "nothing was recorded");
}

/// A close frame's code, or what the connection did instead.
async fn next_close(ws: &mut Ws) -> Result<u16, String> {
    loop {
        let frame = tokio::time::timeout(
            Duration::from_secs(5),
            futures_util::StreamExt::next(&mut ws.stream),
        )
        .await
        .map_err(|_| "nothing within 5 s".to_owned())?;
        match frame {
            Some(Ok(Message::Close(Some(frame)))) => return Ok(u16::from(frame.code)),
            Some(Ok(Message::Close(None))) => return Err("a close without a code".into()),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(format!("no close frame: {e}")),
            None => return Err("the stream ended without a close frame".into()),
        }
    }
}

/// Broken frames are answered with the close code RFC 6455 gives them, and a client's close
/// with a close: never a silent TCP drop, which a client cannot tell from a network fault.
#[tokio::test]
async fn broken_frames_get_their_close_codes_and_a_close_gets_a_close() {
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
    use tokio_tungstenite::tungstenite::protocol::frame::{CloseFrame, Frame};
    let app = spawn_app().await;

    let mut ws = Ws::connect(app.addr, None).await;
    let not_utf8 = Frame::message(vec![b'{', 0xFF, 0xFE, b'}'], OpCode::Data(Data::Text), true);
    ws.stream.send(Message::Frame(not_utf8)).await.unwrap();
    assert_eq!(next_close(&mut ws).await, Ok(1007), "invalid UTF-8");

    let mut ws = Ws::connect(app.addr, None).await;
    let mut reserved = Frame::message(b"{}".to_vec(), OpCode::Data(Data::Text), true);
    reserved.header_mut().rsv1 = true;
    ws.stream.send(Message::Frame(reserved)).await.unwrap();
    assert_eq!(next_close(&mut ws).await, Ok(1002), "a reserved bit set");

    let mut ws = Ws::connect(app.addr, None).await;
    ws.stream
        .send(Message::Close(Some(CloseFrame {
            code: 1000.into(),
            reason: "tạm biệt".into(),
        })))
        .await
        .unwrap();
    assert_eq!(next_close(&mut ws).await, Ok(1000), "the close is answered");
}
