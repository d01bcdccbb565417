//! Points for an answer. The formula, as documented in `docs/architecture.md`:
//!
//! ```text
//! points = round(P × (1 − (t / T) / 2))   for a correct answer, t clamped to [0, T]
//!        = P                              when t < 0.5 s
//!        = 0                              for a wrong or missing answer
//! ```
//!
//! where `P` is the question's points (0, 1000 or 2000), `t` the time from when the server sent
//! the question to this player until the answer arrived, and `T` the time limit. The slowest
//! correct answer still earns half: being right matters more than being fast.
//!
//! The optional streak bonus (off by default: teachers find it locks the podium early) adds
//! `100 × min(streak − 1, 5)` for the 2nd, 3rd… correct answer in a row, scaled like `P`
//! (double questions double it, zero-point questions give none).

/// Answers faster than this earn full points: nobody reads and taps in under half a second,
/// and it absorbs the jitter of a phone's first render.
pub const FULL_POINTS_WITHIN_MS: u64 = 500;

/// Bonus per step of an answer streak, for a standard (1000-point) question.
pub const STREAK_STEP: u32 = 100;
/// Streak steps stop counting after this many.
pub const STREAK_MAX_STEPS: u32 = 5;

/// Points for a correct answer worth `max_points`, given `elapsed_ms` of `limit_ms`.
pub fn points_for_correct(max_points: u32, elapsed_ms: u64, limit_ms: u64) -> u32 {
    if elapsed_ms < FULL_POINTS_WITHIN_MS || limit_ms == 0 {
        return max_points;
    }
    let t = elapsed_ms.min(limit_ms) as f64;
    let share = 1.0 - (t / limit_ms as f64) / 2.0;
    (f64::from(max_points) * share).round() as u32
}

/// The streak bonus for a correct answer that makes `streak` correct answers in a row
/// (including this one), on a question worth `max_points`.
pub fn streak_bonus(max_points: u32, streak: u32) -> u32 {
    let steps = streak.saturating_sub(1).min(STREAK_MAX_STEPS);
    // Scaled like the question: 1000 → 100 per step, 2000 → 200, 0 → nothing.
    STREAK_STEP * steps * max_points / 1000
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table() {
        let cases = [
            // (P, t ms, T ms, expected)
            (1000, 0, 20_000, 1000),
            (1000, 499, 20_000, 1000),
            (1000, 500, 20_000, 988),
            (1000, 10_000, 20_000, 750),
            (1000, 20_000, 20_000, 500),
            (1000, 90_000, 20_000, 500),
            (2000, 10_000, 20_000, 1500),
            (0, 1_000, 20_000, 0),
        ];
        for (p, t, limit, want) in cases {
            assert_eq!(
                points_for_correct(p, t, limit),
                want,
                "P={p} t={t} T={limit}"
            );
        }
    }

    #[test]
    fn streak_bonus_grows_then_caps_and_scales() {
        assert_eq!(streak_bonus(1000, 1), 0);
        assert_eq!(streak_bonus(1000, 2), 100);
        assert_eq!(streak_bonus(1000, 6), 500);
        assert_eq!(streak_bonus(1000, 60), 500);
        assert_eq!(streak_bonus(2000, 3), 400);
        assert_eq!(streak_bonus(0, 9), 0);
    }

    proptest! {
        #[test]
        fn points_never_rise_with_time(p in prop::sample::select(vec![0u32, 1000, 2000]),
                                       limit_s in 5u64..=240, a in 0u64..300_000, b in 0u64..300_000) {
            let limit = limit_s * 1000;
            let (early, late) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(points_for_correct(p, early, limit) >= points_for_correct(p, late, limit));
        }

        #[test]
        fn points_stay_between_half_and_full(p in prop::sample::select(vec![1000u32, 2000]),
                                             limit_s in 5u64..=240, t in 0u64..300_000) {
            let got = points_for_correct(p, t, limit_s * 1000);
            prop_assert!(got <= p && got >= p / 2);
        }
    }
}
