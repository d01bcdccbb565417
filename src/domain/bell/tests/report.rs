//! The report a school prints: who finished where, what each round did, every act in a
//! sentence.

use super::*;
use crate::domain::bell::report::{acts, places, rescue_rule, rounds, RoundLine};

#[test]
fn places_put_the_bell_first_and_share_equal_runs() {
    let mut b = bell(3, true, 0, 6, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    play(&mut b, 0, &[1, 2, 3, 4], &[5, 6], Millis(0));
    b.apply(&Input::Next, Millis::secs(30)).unwrap();
    play(&mut b, 1, &[1, 2, 3], &[4], Millis::secs(30));
    b.apply(&Input::Next, Millis::secs(60)).unwrap();
    play(&mut b, 2, &[1, 2, 3], &[], Millis::secs(60));
    b.apply(&Input::Next, Millis::secs(90)).unwrap();
    for (s, n) in [(1, 900.0), (2, 1001.0), (3, 1001.0)] {
        b.apply(&phone(s, 3, Answer::Number(n)), Millis::secs(91))
            .unwrap();
    }
    b.apply(&Input::Close, Millis::secs(95)).unwrap();
    b.apply(&Input::Reveal, Millis::secs(96)).unwrap();
    b.apply(&Input::Next, Millis::secs(97)).unwrap();
    let got: Vec<(u32, u16, bool, Option<usize>)> = places(&b)
        .iter()
        .map(|p| (p.place, p.seat.number(), p.rang_the_bell, p.out_at))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, 2, true, None),
            (1, 3, true, None),
            (3, 1, false, None),
            (4, 4, false, Some(1)),
            (5, 5, false, Some(0)),
            (5, 6, false, Some(0)),
        ]
    );
    assert_eq!(
        rounds(&b),
        vec![
            line("Câu 1", 6, 4, "2 thí sinh bị loại"),
            line("Câu 2", 4, 3, "1 thí sinh bị loại"),
            line("Câu 3", 3, 3, "không ai bị loại"),
            line("Câu phụ", 3, 0, "gần đúng nhất: ghế 002, 003"),
        ]
    );
}

fn line(name: &str, answered: usize, right: usize, outcome: &str) -> RoundLine {
    RoundLine {
        name: name.into(),
        answered,
        right,
        outcome: outcome.into(),
    }
}

#[test]
fn every_act_reads_as_a_sentence_with_its_time_and_round() {
    let mut b = bell(2, false, 1, 4, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    b.apply(&Input::Pause, Millis(4_200)).unwrap();
    b.apply(&Input::Resume, Millis::secs(60)).unwrap();
    b.apply(&judge(4, 0, right(&b, 0)), Millis::secs(61))
        .unwrap();
    b.apply(&judge(4, 0, right(&b, 0)), Millis::secs(62))
        .unwrap();
    b.apply(&phone(1, 0, right(&b, 0)), Millis::secs(63))
        .unwrap();
    b.apply(&Input::Close, Millis::secs(64)).unwrap();
    b.apply(&Input::Reveal, Millis::secs(65)).unwrap();
    b.apply(
        &Input::Undo {
            reason: reason("Trọng tài đọc nhầm bảng"),
            seat: Some(seat(2)),
        },
        Millis::secs(70),
    )
    .unwrap();
    b.apply(&Input::Rescue, Millis::secs(80)).unwrap();
    b.apply(&phone(3, 2, right(&b, 2)), Millis::secs(81))
        .unwrap();
    b.apply(&Input::Close, Millis::secs(82)).unwrap();
    b.apply(&Input::Reveal, Millis::secs(83)).unwrap();
    b.apply(&Input::Next, Millis::secs(90)).unwrap();
    b.apply(
        &Input::Skip {
            reason: reason("Hai đáp án cùng đúng"),
        },
        Millis::secs(95),
    )
    .unwrap();
    b.apply(&Input::End, Millis::secs(125)).unwrap();
    assert_eq!(
        acts(&b),
        vec![
            "00:04 · Câu 1 · Tạm dừng (còn 16 giây)",
            "01:00 · Câu 1 · Tiếp tục",
            "01:01 · Câu 1 · Trọng tài ghi đáp án trên bảng của ghế 004",
            "01:02 · Câu 1 · Trọng tài sửa đáp án ghế 004",
            "01:04 · Câu 1 · Người dẫn cho hết giờ sớm",
            "01:05 · Câu 1 · Công bố đáp án: 2 thí sinh bị loại (ghế 002, 003)",
            "01:10 · Câu 1 · Hủy loại ghế 002 — lý do: Trọng tài đọc nhầm bảng",
            "01:20 · Bắt đầu cứu trợ (thí sinh bị loại trả lời câu cứu trợ)",
            "01:22 · Câu cứu trợ 1 · Người dẫn cho hết giờ sớm",
            "01:23 · Câu cứu trợ 1 · Cứu trợ: 1 thí sinh trở lại (ghế 003)",
            "01:35 · Câu 2 · Bỏ câu hỏi lỗi — lý do: Hai đáp án cùng đúng",
            "02:05 · Kết thúc: ghế 001, 002, 003, 004 rung chuông vàng",
        ]
    );
}

#[test]
fn a_rescue_rule_reads_with_its_cap_when_the_organizer_set_one() {
    use crate::domain::bell::rules::RescueRule;
    assert_eq!(rescue_rule(RescueRule::All), "cứu tất cả");
    assert_eq!(
        rescue_rule(RescueRule::ByEliminated { up_to: None }),
        "thí sinh bị loại trả lời câu cứu trợ"
    );
    assert_eq!(
        rescue_rule(RescueRule::ByEliminated { up_to: Some(3) }),
        "thí sinh bị loại trả lời câu cứu trợ, cứu tối đa 3 thí sinh"
    );
    assert_eq!(
        rescue_rule(RescueRule::ByAudience { up_to: Some(1) }),
        "khán giả trả lời câu cứu trợ, cứu tối đa 1 thí sinh"
    );
}

#[test]
fn a_judges_board_taken_back_reads_in_the_log_and_a_phones_does_not() {
    use crate::domain::bell::Source;
    let mut b = bell(1, false, 0, 4, Rules::default());
    b.apply(&Input::Start, Millis(0)).unwrap();
    b.apply(&judge(4, 0, right(&b, 0)), Millis::secs(3))
        .unwrap();
    b.apply(&phone(1, 0, right(&b, 0)), Millis::secs(4))
        .unwrap();
    let withdraw = |n: u16, by| Input::Withdraw {
        seat: seat(n),
        round: 0,
        by,
    };
    // The phone was told with its receipt; the log says only the judge's board.
    assert!(b
        .apply(&withdraw(1, Source::Phone), Millis::secs(6))
        .unwrap()
        .is_empty());
    assert_eq!(
        b.apply(&withdraw(4, Source::Judge), Millis::secs(7))
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        acts(&b),
        vec![
            "00:03 · Câu 1 · Trọng tài ghi đáp án trên bảng của ghế 004",
            "00:07 · Câu 1 · Chưa lưu được bảng của ghế 004: trọng tài ghi lại",
        ]
    );
}
