//! Who comes back in a rescue (cứu trợ), when not everyone does. Pure orderings, so the hall
//! can be told exactly why seat 117 came back and seat 118 did not.

use super::seat::Seat;

/// An eliminated contestant's answer to a rescue question put to the eliminated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RescueAnswer {
    pub seat: Seat,
    pub correct: bool,
    /// Time taken (a whiteboard answer is charged the whole limit: it is shown at time-up).
    pub elapsed_ms: u64,
}

/// Those who answered the rescue question correctly, fastest first, the lower seat first on
/// equal times, at most `up_to`.
pub fn by_eliminated(answers: &[RescueAnswer], up_to: Option<u32>) -> Vec<Seat> {
    let mut right: Vec<&RescueAnswer> = answers.iter().filter(|a| a.correct).collect();
    right.sort_by_key(|a| (a.elapsed_ms, a.seat));
    right.into_iter().take(cap(up_to)).map(|a| a.seat).collect()
}

/// How an eliminated contestant fared before going out, for a rescue by the audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lasted {
    pub seat: Seat,
    /// The round that eliminated them (a later round: they lasted longer).
    pub out_round: usize,
    /// Total time of their counted correct answers: faster is better, as in the class game.
    pub answer_time_ms: u64,
}

/// When `audience_correct` audience members answered the rescue question right: that many
/// eliminated contestants come back (at most `up_to`), those who lasted longest first, then
/// the faster, then the lower seat. Fair without a second question: the contestants did not
/// answer this one, so only how they played before can choose between them.
pub fn by_audience(eliminated: &[Lasted], audience_correct: u32, up_to: Option<u32>) -> Vec<Seat> {
    let mut order = eliminated.to_vec();
    order.sort_by(|a, b| {
        b.out_round
            .cmp(&a.out_round)
            .then(a.answer_time_ms.cmp(&b.answer_time_ms))
            .then(a.seat.cmp(&b.seat))
    });
    let n = cap(up_to).min(audience_correct as usize);
    order.into_iter().take(n).map(|l| l.seat).collect()
}

fn cap(up_to: Option<u32>) -> usize {
    up_to.map_or(usize::MAX, |n| n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(n: u16) -> Seat {
        Seat::new(n).unwrap()
    }

    #[test]
    fn the_fastest_right_answers_come_back_first() {
        let answers = [
            RescueAnswer {
                seat: seat(5),
                correct: true,
                elapsed_ms: 3_000,
            },
            RescueAnswer {
                seat: seat(2),
                correct: false,
                elapsed_ms: 500,
            },
            RescueAnswer {
                seat: seat(9),
                correct: true,
                elapsed_ms: 1_000,
            },
            RescueAnswer {
                seat: seat(7),
                correct: true,
                elapsed_ms: 3_000,
            },
        ];
        let cases: [(Option<u32>, &[u16]); 4] = [
            (None, &[9, 5, 7]),
            (Some(2), &[9, 5]),
            (Some(10), &[9, 5, 7]),
            (Some(0), &[]),
        ];
        for (up_to, want) in cases {
            let want: Vec<Seat> = want.iter().map(|&n| seat(n)).collect();
            assert_eq!(by_eliminated(&answers, up_to), want, "up to {up_to:?}");
        }
    }

    #[test]
    fn the_audience_brings_back_those_who_lasted_longest() {
        let out = [
            Lasted {
                seat: seat(1),
                out_round: 2,
                answer_time_ms: 9_000,
            },
            Lasted {
                seat: seat(2),
                out_round: 4,
                answer_time_ms: 20_000,
            },
            Lasted {
                seat: seat(3),
                out_round: 4,
                answer_time_ms: 12_000,
            },
            Lasted {
                seat: seat(4),
                out_round: 4,
                answer_time_ms: 12_000,
            },
        ];
        let cases: [(u32, Option<u32>, &[u16]); 5] = [
            (0, None, &[]),
            (1, None, &[3]),
            (3, None, &[3, 4, 2]),
            (40, None, &[3, 4, 2, 1]),
            (40, Some(2), &[3, 4]),
        ];
        for (right, up_to, want) in cases {
            let want: Vec<Seat> = want.iter().map(|&n| seat(n)).collect();
            assert_eq!(
                by_audience(&out, right, up_to),
                want,
                "{right} right, up to {up_to:?}"
            );
        }
    }
}
