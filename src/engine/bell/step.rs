//! What a stage room sends because of one effect of its contest: the pure step between
//! `Bell::apply` and the connections, table-tested without a task or a clock.
//!
//! Work per effect is bounded by who it concerns: an answer touches one phone; a reveal is one
//! broadcast plus one message to each contestant it eliminated; nothing is sent to every
//! contestant one by one.

use std::time::Duration;

use crate::domain::bell::{Act, Back, Bell, Effect, Phase, RoundKind, Seat, Source};
use crate::domain::question::AnswerKey;
use crate::domain::Millis;
use crate::protocol::bell::{encode_bell, BellMsg, BellQuestionView, SeatView, YouStatus};
use crate::protocol::Text;

/// How long a finished contest stays open for the bell and the report.
pub const FINISHED_LINGER: Duration = Duration::from_secs(15 * 60);

/// One thing the room sends, in order.
#[derive(Debug, PartialEq)]
pub enum Action {
    /// To every connection: phones, audience, stage screens.
    All(Text),
    /// To one contestant's phone.
    Seat { seat: Seat, text: Text },
    /// To the host's, judges' and hall screens.
    Stage(Text),
    /// A seat was taken: the stage screens hear of it with the others of the next quarter
    /// second ([`seated`]).
    Seated(Seat),
    /// The room closes by itself this long from now.
    CloseAfter(Duration),
    /// A row for the writer; `receipt` goes to that seat's phone once the row (and everything
    /// queued before it) is on disk, so a receipt means the answer is stored.
    Store {
        row: Stored,
        receipt: Option<(Seat, Text)>,
    },
}

/// What the room hands the writer (it adds the contest's id and numbers the acts).
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    /// A seat taken, with its contestant's name.
    Seat {
        seat: Seat,
        name: String,
    },
    /// An answer the contest accepted, in the bank's ids as JSON.
    Answer {
        seat: Seat,
        round: usize,
        by: Source,
        answer: String,
        elapsed_ms: u64,
    },
    Act(Act),
    Ended,
    /// Nothing new: the receipt waits for what is already queued (a repeated answer's).
    Nothing,
}

/// The actions for `effect`, which `bell` has just produced at `now`. `seq` rises with every
/// event broadcast to the room.
pub fn actions(bell: &Bell, effect: &Effect, seq: &mut u64, now: Millis) -> Vec<Action> {
    match effect {
        Effect::Joined { seat } => vec![
            Action::Seated(*seat),
            Action::Store {
                row: Stored::Seat {
                    seat: *seat,
                    name: bell
                        .contestant(*seat)
                        .map_or_else(String::new, |c| c.name.as_str().to_owned()),
                },
                receipt: None,
            },
        ],
        Effect::Opened { round } => {
            *seq += 1;
            let question = question_view(bell, *round, now);
            vec![Action::All(encode_bell(&BellMsg::BellQuestion {
                seq: *seq,
                question,
                standing: bell.standing(),
            }))]
        }
        Effect::AnswerAccepted {
            seat,
            round,
            counted,
            by,
            bank_answer,
        } => {
            let row = Stored::Answer {
                seat: *seat,
                round: *round,
                by: *by,
                answer: serde_json::to_string(bank_answer).expect("an answer serializes"),
                elapsed_ms: bell.rounds()[*round]
                    .answers
                    .get(seat)
                    .map_or(0, |g| g.elapsed_ms),
            };
            // A judge's record is on the stage screens as its logged act; only a phone hears.
            let receipt = (*by == Source::Phone).then(|| receipt(*seat, *round, *counted, *seq));
            vec![Action::Store { row, receipt }]
        }
        Effect::AnswerRepeated { seat, round } => {
            let counted = bell.rounds()[*round]
                .answers
                .get(seat)
                .is_some_and(|g| g.counted);
            vec![Action::Store {
                row: Stored::Nothing,
                receipt: Some(receipt(*seat, *round, counted, *seq)),
            }]
        }
        // Not stored: an audience answer only counts towards a rescue, logged as its outcome.
        Effect::AudienceAnswered { .. } => Vec::new(),
        Effect::Paused {
            round,
            remaining_ms,
        } => {
            *seq += 1;
            vec![Action::All(encode_bell(&BellMsg::BellPaused {
                seq: *seq,
                round: *round,
                remaining_ms: *remaining_ms,
            }))]
        }
        Effect::Resumed { round, closes_at } => {
            *seq += 1;
            vec![Action::All(encode_bell(&BellMsg::BellResumed {
                seq: *seq,
                round: *round,
                remaining_ms: closes_at.since(now),
            }))]
        }
        Effect::Closed { round } => {
            *seq += 1;
            vec![Action::All(encode_bell(&BellMsg::BellClosed {
                seq: *seq,
                round: *round,
            }))]
        }
        Effect::Revealed {
            round,
            eliminated,
            spared_all_wrong,
        } => {
            *seq += 1;
            let q = &bell.rounds()[*round].question;
            let mut out = vec![Action::All(encode_bell(&BellMsg::BellReveal {
                seq: *seq,
                round: *round,
                correct: q.correct_ids(),
                value: number(&q.key),
                explanation: &q.explanation,
                eliminated: eliminated.len(),
                standing: bell.standing(),
                spared_all_wrong: *spared_all_wrong,
            }))];
            out.extend(you(eliminated, YouStatus::Eliminated, *seq));
            out
        }
        Effect::Decided { round, winners } => {
            *seq += 1;
            vec![Action::All(encode_bell(&BellMsg::BellDecided {
                seq: *seq,
                round: *round,
                value: number(&bell.rounds()[*round].question.key),
                winners: seat_views(bell, winners),
            }))]
        }
        Effect::BroughtBack { seats, why } => {
            // A rescue question's reveal: the screens show its answer too, as for a main one
            // (nobody goes out by it), before who comes back.
            let mut out = Vec::new();
            if let (Back::Rescue, Phase::Revealed { round }) = (why, bell.phase()) {
                if bell.rounds()[round].kind == RoundKind::Rescue {
                    *seq += 1;
                    let q = &bell.rounds()[round].question;
                    out.push(Action::All(encode_bell(&BellMsg::BellReveal {
                        seq: *seq,
                        round,
                        correct: q.correct_ids(),
                        value: number(&q.key),
                        explanation: &q.explanation,
                        eliminated: 0,
                        standing: bell.standing(),
                        spared_all_wrong: false,
                    })));
                }
            }
            *seq += 1;
            let (why_name, status) = match why {
                Back::Rescue => ("rescue", YouStatus::Rescued),
                Back::Undo => ("undo", YouStatus::Reinstated),
                Back::Skip => ("skip", YouStatus::Reinstated),
            };
            out.push(Action::All(encode_bell(&BellMsg::BellBack {
                seq: *seq,
                seats: seats.iter().map(|s| s.number()).collect(),
                why: why_name,
                standing: bell.standing(),
            })));
            out.extend(you(seats, status, *seq));
            out
        }
        Effect::Skipped { round } => {
            *seq += 1;
            vec![Action::All(encode_bell(&BellMsg::BellSkipped {
                seq: *seq,
                round: *round,
            }))]
        }
        Effect::Finished { winners } => {
            *seq += 1;
            let mut out = vec![Action::All(encode_bell(&BellMsg::BellEnd {
                seq: *seq,
                winners: seat_views(bell, winners),
            }))];
            out.extend(you(winners, YouStatus::Winner, *seq));
            out.push(Action::Store {
                row: Stored::Ended,
                receipt: None,
            });
            out.push(Action::CloseAfter(FINISHED_LINGER));
            out
        }
        Effect::Logged(act) => vec![
            Action::Stage(encode_bell(&BellMsg::BellAct {
                seq: *seq,
                at_ms: act.at.0,
                round: act.round,
                what: &act.what,
            })),
            Action::Store {
                row: Stored::Act(act.clone()),
                receipt: None,
            },
        ],
    }
}

/// The stage screens' message for `seats`, taken since the last one.
pub fn seated(bell: &Bell, seats: &[Seat], seq: u64) -> Text {
    encode_bell(&BellMsg::BellSeated {
        seq,
        seats: seat_views(bell, seats),
        contestants: bell.contestant_count(),
    })
}

fn receipt(seat: Seat, round: usize, counted: bool, seq: u64) -> (Seat, Text) {
    let text = encode_bell(&BellMsg::BellReceipt {
        seq,
        round,
        counted,
    });
    (seat, text)
}

/// One message per concerned contestant: the same text for all, serialized once.
fn you(seats: &[Seat], status: YouStatus, seq: u64) -> Vec<Action> {
    let text = encode_bell(&BellMsg::BellYou {
        seq,
        status,
        text: status.text(),
    });
    seats
        .iter()
        .map(|&seat| Action::Seat {
            seat,
            text: text.clone(),
        })
        .collect()
}

fn number(key: &AnswerKey) -> Option<f64> {
    match key {
        AnswerKey::Number { value, .. } => Some(*value),
        _ => None,
    }
}

fn seat_views<'a>(bell: &'a Bell, seats: &[Seat]) -> Vec<SeatView<'a>> {
    seats
        .iter()
        .map(|&s| SeatView {
            seat: s.number(),
            name: bell.contestant(s).map_or("", |c| c.name.as_str()),
        })
        .collect()
}

/// Round `round` as the screens show it, with the time left at `now`.
pub fn question_view(bell: &Bell, round: usize, now: Millis) -> BellQuestionView<'_> {
    let r = &bell.rounds()[round];
    let main = bell
        .rounds()
        .iter()
        .filter(|r| r.kind == RoundKind::Main)
        .count();
    let remaining_ms = match bell.phase() {
        Phase::Open { closes_at, .. } => closes_at.since(now),
        Phase::Paused { remaining_ms, .. } => remaining_ms,
        _ => 0,
    };
    BellQuestionView {
        round,
        stage: match r.kind {
            RoundKind::Main => "main",
            RoundKind::TieBreak => "tie_break",
            RoundKind::Rescue => "rescue",
        },
        number: (r.kind == RoundKind::Main).then_some(round + 1),
        total: main,
        kind: r.question.kind,
        text: &r.question.text,
        options: r.question.options.iter().map(String::as_str).collect(),
        time_limit_ms: r.question.time_limit.millis(),
        remaining_ms,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::domain::bell::{BellSet, Input, Rules};
    use crate::domain::question::tests::single;
    use crate::domain::{Answer, Nickname};

    fn seat(n: u16) -> Seat {
        Seat::new(n).unwrap()
    }

    /// Three contestants, one question (20 s), started at 0.
    fn started() -> Bell {
        let set = BellSet::new(vec![single(1, 4)], None, vec![]).unwrap();
        let mut bell = Bell::new(&set, Rules::default(), 1);
        for n in 1..=3 {
            let name = Nickname::parse(&format!("Thí sinh {n}")).unwrap();
            bell.apply(
                &Input::Join {
                    seat: seat(n),
                    name,
                },
                Millis(0),
            )
            .unwrap();
        }
        bell.apply(&Input::Start, Millis(0)).unwrap();
        bell
    }

    /// Applies `input` and returns every action, with the room's `seq` after.
    fn step(bell: &mut Bell, input: Input, at: Millis, seq: &mut u64) -> Vec<Action> {
        let effects = bell.apply(&input, at).unwrap();
        effects
            .iter()
            .flat_map(|e| actions(bell, e, seq, at))
            .collect()
    }

    fn json(text: &Text) -> Value {
        serde_json::from_str(text.as_str()).unwrap()
    }

    /// Each action as (to whom, message type).
    fn shape(actions: &[Action]) -> Vec<(String, String)> {
        actions
            .iter()
            .map(|a| match a {
                Action::All(t) => ("all".into(), json(t)["type"].as_str().unwrap().into()),
                Action::Stage(t) => ("stage".into(), json(t)["type"].as_str().unwrap().into()),
                Action::Seat { seat, text } => (
                    format!("seat {}", seat.number()),
                    json(text)["type"].as_str().unwrap().into(),
                ),
                Action::Seated(s) => ("stage".into(), format!("seated {}", s.number())),
                Action::CloseAfter(d) => ("room".into(), format!("close after {} s", d.as_secs())),
                Action::Store { row, receipt } => {
                    let kind = match row {
                        Stored::Seat { .. } => "seat",
                        Stored::Answer { .. } => "answer",
                        Stored::Act(_) => "act",
                        Stored::Ended => "ended",
                        Stored::Nothing => "nothing",
                    };
                    let to = match receipt {
                        Some((seat, text)) => format!(
                            "{} to seat {} after",
                            json(text)["type"].as_str().unwrap(),
                            seat.number()
                        ),
                        None => String::new(),
                    };
                    ("store".into(), format!("{to} {kind}").trim().into())
                }
            })
            .filter(|(to, what)| to != "store" || what != "act")
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn an_answer_costs_one_receipt_and_a_reveal_tells_only_the_eliminated() {
        let mut bell = started();
        let right = Answer::Options(bell.rounds()[0].question.correct_ids().to_vec());
        let mut seq = 1;
        let answer = Input::Answer {
            seat: seat(1),
            round: 0,
            answer: right.clone(),
        };
        assert_eq!(
            shape(&step(&mut bell, answer, Millis::secs(2), &mut seq)),
            pairs(&[("store", "bell_receipt to seat 1 after answer")])
        );
        let record = Input::Record {
            seat: seat(2),
            round: 0,
            answer: right,
        };
        assert_eq!(
            shape(&step(&mut bell, record, Millis::secs(3), &mut seq)),
            pairs(&[("store", "answer"), ("stage", "bell_act")]),
            "a whiteboard is stored and shows on the stage screens as an act, nothing to phones"
        );
        assert_eq!(seq, 1, "answers raise no room event");
        step(&mut bell, Input::Close, Millis::secs(4), &mut seq);
        let reveal = step(&mut bell, Input::Reveal, Millis::secs(5), &mut seq);
        assert_eq!(
            shape(&reveal),
            pairs(&[
                ("all", "bell_reveal"),
                ("seat 3", "bell_you"),
                ("stage", "bell_act"),
            ])
        );
        assert_eq!(seq, 3);
        let Action::All(text) = &reveal[0] else {
            unreachable!()
        };
        let msg = json(text);
        assert_eq!(
            (
                msg["seq"].clone(),
                msg["eliminated"].clone(),
                msg["standing"].clone()
            ),
            (3.into(), 1.into(), 2.into())
        );
        let end = step(&mut bell, Input::Next, Millis::secs(6), &mut seq);
        assert_eq!(
            shape(&end),
            pairs(&[
                ("all", "bell_end"),
                ("seat 1", "bell_you"),
                ("seat 2", "bell_you"),
                ("store", "ended"),
                ("room", "close after 900 s"),
                ("stage", "bell_act"),
            ])
        );
    }
}
