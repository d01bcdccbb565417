//! The contest's report, from the contest alone: the final places, what each round did, and
//! the act log in sentences a school can print and pin up (the log is why seat 085 was out and
//! then back). Pure, so the page, the spreadsheet and a test read the same thing.

use super::log::{Act, What};
use super::rules::RescueRule;
use super::seat::{Seat, Status};
use super::{Bell, Outcome, RoundKind};

/// Where a contestant finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// 1-based; contestants who lasted equally long share a place.
    pub place: u32,
    pub seat: Seat,
    pub name: String,
    pub rang_the_bell: bool,
    /// The round that put them out for good, if it did.
    pub out_at: Option<usize>,
}

/// The final places: those who rang the bell, then those still standing without ringing it
/// (the tie-break went to another), then the eliminated, who lasted longer first.
pub fn places(bell: &Bell) -> Vec<Place> {
    // The key orders and ties: 0 winners, 1 standing, then 2 + how early they went out.
    let rounds = bell.rounds().len();
    let key = |seat: Seat, status: Status| -> usize {
        match status {
            _ if bell.winners().contains(&seat) => 0,
            Status::Standing => 1,
            Status::Eliminated { round } => 2 + (rounds - round),
        }
    };
    let mut rows: Vec<(usize, Place)> = bell
        .contestants()
        .map(|c| {
            let out_at = match c.status {
                Status::Eliminated { round } => Some(round),
                Status::Standing => None,
            };
            let place = Place {
                place: 0,
                seat: c.seat,
                name: c.name.as_str().to_owned(),
                rang_the_bell: bell.winners().contains(&c.seat),
                out_at,
            };
            (key(c.seat, c.status), place)
        })
        .collect();
    rows.sort_by_key(|(k, p)| (*k, p.seat));
    let mut out = Vec::with_capacity(rows.len());
    let mut last_key = None;
    let mut place = 0;
    for (i, (k, mut row)) in rows.into_iter().enumerate() {
        if last_key != Some(k) {
            place = i as u32 + 1;
            last_key = Some(k);
        }
        row.place = place;
        out.push(row);
    }
    out
}

/// How the report names round `round`: «Câu 3», «Câu phụ», «Câu cứu trợ 1».
pub fn round_name(bell: &Bell, round: usize) -> String {
    let rounds = bell.rounds();
    let nth = |kind: RoundKind| rounds[..=round].iter().filter(|r| r.kind == kind).count();
    match rounds[round].kind {
        RoundKind::Main => format!("Câu {}", nth(RoundKind::Main)),
        RoundKind::TieBreak => "Câu phụ".to_owned(),
        RoundKind::Rescue => format!("Câu cứu trợ {}", nth(RoundKind::Rescue)),
    }
}

/// One round's line: how many answered, how many were right, what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundLine {
    pub name: String,
    pub answered: usize,
    pub right: usize,
    pub outcome: String,
}

/// A line for every round that was played (opened), in order.
pub fn rounds(bell: &Bell) -> Vec<RoundLine> {
    bell.rounds()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.outcome.is_some())
        .map(|(i, r)| {
            let outcome = match &r.outcome {
                Some(Outcome::Eliminated {
                    spared_all_wrong: true,
                    ..
                }) => "tất cả đều sai, không ai bị loại".to_owned(),
                Some(Outcome::Eliminated { seats, .. }) if seats.is_empty() => {
                    "không ai bị loại".to_owned()
                }
                Some(Outcome::Eliminated { seats, .. }) => {
                    format!("{} thí sinh bị loại", seats.len())
                }
                Some(Outcome::Winners { seats }) => format!("gần đúng nhất: {}", seat_list(seats)),
                Some(Outcome::Rescued { seats }) => format!("{} thí sinh được cứu", seats.len()),
                Some(Outcome::Skipped) => "bỏ qua (câu hỏi lỗi)".to_owned(),
                None => String::new(),
            };
            RoundLine {
                name: round_name(bell, i),
                answered: r.answers.values().filter(|g| g.counted).count(),
                right: r
                    .answers
                    .values()
                    .filter(|g| g.counted && g.correct)
                    .count(),
                outcome,
            }
        })
        .collect()
}

/// Every act as a sentence: «02:41 · Câu 1 · Hủy loại ghế 085 — lý do: …».
pub fn acts(bell: &Bell) -> Vec<String> {
    bell.log().iter().map(|act| sentence(bell, act)).collect()
}

fn sentence(bell: &Bell, act: &Act) -> String {
    let secs = act.at.0 / 1000;
    let when = format!("{:02}:{:02}", secs / 60, secs % 60);
    let what = match &act.what {
        What::Paused { remaining_ms } => {
            format!("Tạm dừng (còn {} giây)", remaining_ms.div_ceil(1000))
        }
        What::Resumed => "Tiếp tục".to_owned(),
        What::ClosedEarly => "Người dẫn cho hết giờ sớm".to_owned(),
        What::Recorded {
            seat,
            replaced: false,
        } => format!("Trọng tài ghi đáp án trên bảng của ghế {seat}"),
        What::Recorded {
            seat,
            replaced: true,
        } => format!("Trọng tài sửa đáp án ghế {seat}"),
        What::Revealed {
            spared_all_wrong: true,
            ..
        } => "Công bố đáp án: tất cả thí sinh còn lại đều sai, không ai bị loại".to_owned(),
        What::Revealed { eliminated, .. } if eliminated.is_empty() => {
            "Công bố đáp án: không ai bị loại".to_owned()
        }
        What::Revealed { eliminated, .. } => format!(
            "Công bố đáp án: {} thí sinh bị loại ({})",
            eliminated.len(),
            seat_list(eliminated)
        ),
        What::Decided { winners } => format!("Câu phụ: gần đúng nhất là {}", seat_list(winners)),
        What::Skipped { reason, reinstated } if reinstated.is_empty() => {
            format!("Bỏ câu hỏi lỗi — lý do: {}", reason.as_str())
        }
        What::Skipped { reason, reinstated } => format!(
            "Bỏ câu hỏi lỗi — lý do: {}; {} thí sinh được trở lại ({})",
            reason.as_str(),
            reinstated.len(),
            seat_list(reinstated)
        ),
        What::Undone { reason, seats } => {
            format!("Hủy loại {} — lý do: {}", seat_list(seats), reason.as_str())
        }
        What::NotStored { seat } => format!(
            "Chưa lưu được bảng của {}: trọng tài ghi lại",
            seat_list(&[*seat])
        ),
        What::RescueStarted { rule } => format!("Bắt đầu cứu trợ ({})", rescue_rule(*rule)),
        What::Rescued { seats } if seats.is_empty() => "Cứu trợ: không ai trở lại".to_owned(),
        What::Rescued { seats } => format!(
            "Cứu trợ: {} thí sinh trở lại ({})",
            seats.len(),
            seat_list(seats)
        ),
        What::Ended { winners } if winners.is_empty() => {
            "Kết thúc: không ai rung chuông vàng".to_owned()
        }
        What::Ended { winners } => format!("Kết thúc: {} rung chuông vàng", seat_list(winners)),
    };
    match act.round {
        Some(round) => format!("{when} · {} · {what}", round_name(bell, round)),
        None => format!("{when} · {what}"),
    }
}

/// The rescue rule as the report says it, with its cap when the organizer set one.
pub fn rescue_rule(rule: RescueRule) -> String {
    let (name, up_to) = match rule {
        RescueRule::All => ("cứu tất cả", None),
        RescueRule::ByEliminated { up_to } => ("thí sinh bị loại trả lời câu cứu trợ", up_to),
        RescueRule::ByAudience { up_to } => ("khán giả trả lời câu cứu trợ", up_to),
    };
    match up_to {
        Some(n) => format!("{name}, cứu tối đa {n} thí sinh"),
        None => name.to_owned(),
    }
}

/// «ghế 007» or «ghế 081, 082, 090».
fn seat_list(seats: &[Seat]) -> String {
    let numbers: Vec<String> = seats.iter().map(Seat::to_string).collect();
    format!("ghế {}", numbers.join(", "))
}
