//! Latencies in HDR histograms (microseconds, 3 significant digits), and their wire form
//! between processes: the recorded (value, count) pairs, which re-record into an equal
//! histogram in the coordinator. That keeps the `hdrhistogram` crate without its
//! serialization feature (and the compression crates it pulls in).

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Longest latency kept apart: an hour. Longer ones count as an hour (a run has a timeout).
const HIGHEST_US: u64 = 3_600_000_000;

/// A histogram in its wire form: (value in µs, count) for every recorded bucket.
pub type Samples = Vec<(u64, u64)>;

pub struct Hist(Histogram<u64>);

impl Default for Hist {
    fn default() -> Self {
        Hist::new(3)
    }
}

impl Hist {
    /// With `digits` significant digits: 3 for the figures, 2 for the many small histograms
    /// of a time series, which would otherwise take 180 KB each.
    pub fn new(digits: u8) -> Hist {
        Hist(
            Histogram::new_with_bounds(1, HIGHEST_US, digits)
                .expect("the bounds are constants that hdrhistogram accepts"),
        )
    }

    pub fn record(&mut self, micros: u64) {
        self.0.saturating_record(micros.clamp(1, HIGHEST_US));
    }

    pub fn len(&self) -> u64 {
        self.0.len()
    }

    pub fn samples(&self) -> Samples {
        self.0
            .iter_recorded()
            .map(|v| (v.value_iterated_to(), v.count_at_value()))
            .collect()
    }

    /// Adds another histogram, in its wire form.
    pub fn merge(&mut self, samples: &[(u64, u64)]) {
        for &(value, count) in samples {
            // Cannot fail: values are clamped into this histogram's range.
            let _ = self.0.record_n(value.clamp(1, HIGHEST_US), count);
        }
    }

    pub fn summary(&self) -> Summary {
        let ms = |us: u64| us as f64 / 1000.0;
        if self.0.is_empty() {
            return Summary::default();
        }
        Summary {
            count: self.0.len(),
            p50_ms: ms(self.0.value_at_quantile(0.5)),
            p99_ms: ms(self.0.value_at_quantile(0.99)),
            max_ms: ms(self.0.max()),
            mean_ms: self.0.mean() / 1000.0,
        }
    }
}

/// What a latency table shows.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub count: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_the_wire_form_of_two_halves_equals_recording_everything_in_one() {
        let (mut a, mut b, mut all) = (Hist::default(), Hist::default(), Hist::default());
        for v in 1..=10_000u64 {
            let us = v * 37 % 250_000 + 1;
            if v % 2 == 0 { &mut a } else { &mut b }.record(us);
            all.record(us);
        }
        let mut merged = Hist::default();
        merged.merge(&a.samples());
        merged.merge(&b.samples());
        assert_eq!(merged.summary(), all.summary());
        assert_eq!(merged.len(), 10_000);
    }

    #[test]
    fn quantiles_are_within_a_thousandth() {
        let mut h = Hist::default();
        for ms in 1..=1000u64 {
            h.record(ms * 1000);
        }
        let s = h.summary();
        assert!((s.p50_ms - 500.0).abs() <= 0.5, "{s:?}");
        assert!((s.p99_ms - 990.0).abs() <= 1.0, "{s:?}");
        assert!((s.max_ms - 1000.0).abs() <= 1.0, "{s:?}");
    }

    #[test]
    fn an_empty_histogram_summarizes_to_zeros_and_huge_values_are_capped() {
        assert_eq!(Hist::default().summary().count, 0);
        let mut h = Hist::new(2);
        h.record(u64::MAX);
        h.record(0);
        assert_eq!(h.len(), 2);
    }
}
