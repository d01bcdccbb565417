//! Where a worker's clients record what they measure, as it happens: a run stopped by the
//! timeout still reports everything seen until then.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

use crate::histogram::Hist;
use crate::wire::{Progress, WorkerReport, BUCKET_US};

#[derive(Default)]
pub struct Recorder {
    epoch_us: u64,
    joined: AtomicU64,
    failed: AtomicU64,
    answers: AtomicU64,
    acks: AtomicU64,
    updates: AtomicU64,
    errors: AtomicU64,
    finished: AtomicU64,
    // A std mutex: nothing is awaited under it and each recording is a few instructions;
    // a worker records a few thousand events a second at most.
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    join_first_us: u64,
    join_last_us: u64,
    join: Hist,
    ack: Hist,
    resume: Hist,
    reconnects: u64,
    late_refused: u64,
    confirmed_on_resume: u64,
    series: BTreeMap<u64, Hist>,
    /// Per mark, the wall-clock receipt time of each client that saw the event.
    received: BTreeMap<u64, Vec<u64>>,
    errors: BTreeMap<String, u64>,
}

impl Recorder {
    pub fn new(epoch_us: u64) -> Recorder {
        Recorder {
            epoch_us,
            ..Recorder::default()
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panicking client task must not silence the others' figures.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn joined(&self, started_us: u64, done_us: u64) {
        self.joined.fetch_add(1, Relaxed);
        let mut i = self.inner();
        if i.join_first_us == 0 || started_us < i.join_first_us {
            i.join_first_us = started_us;
        }
        i.join_last_us = i.join_last_us.max(done_us);
        i.join.record(done_us.saturating_sub(started_us));
    }

    pub fn join_failed(&self, kind: &str) {
        self.failed.fetch_add(1, Relaxed);
        self.error(kind);
    }

    /// A client that gave up joining, its errors counted already.
    pub fn gave_up(&self) {
        self.failed.fetch_add(1, Relaxed);
    }

    pub fn error(&self, kind: &str) {
        self.errors.fetch_add(1, Relaxed);
        *self.inner().errors.entry(kind.to_owned()).or_default() += 1;
    }

    /// A client received event `mark` at `at_us`.
    pub fn received(&self, mark: u64, at_us: u64) {
        self.inner().received.entry(mark).or_default().push(at_us);
    }

    pub fn answered(&self) {
        self.answers.fetch_add(1, Relaxed);
    }

    pub fn acked(&self, sent_us: u64, at_us: u64) {
        self.acks.fetch_add(1, Relaxed);
        let latency = at_us.saturating_sub(sent_us);
        let bucket = at_us.saturating_sub(self.epoch_us) / BUCKET_US;
        let mut i = self.inner();
        i.ack.record(latency);
        i.series
            .entry(bucket)
            .or_insert_with(|| Hist::new(2))
            .record(latency);
    }

    pub fn late_refused(&self) {
        self.inner().late_refused += 1;
    }

    /// An answer whose receipt never came, which the `welcome` of the player's `resume` says
    /// the server has (the receipt went to the connection just lost).
    pub fn confirmed_on_resume(&self) {
        self.inner().confirmed_on_resume += 1;
    }

    pub fn resumed(&self, micros: u64) {
        let mut i = self.inner();
        i.reconnects += 1;
        i.resume.record(micros);
    }

    pub fn update(&self) {
        self.updates.fetch_add(1, Relaxed);
    }

    pub fn finished(&self) {
        self.finished.fetch_add(1, Relaxed);
    }

    pub fn progress(&self, clients: usize) -> Progress {
        let (joined, failed) = (self.joined.load(Relaxed), self.failed.load(Relaxed));
        Progress {
            joined,
            failed,
            join_done: joined + failed >= clients as u64,
            answers: self.answers.load(Relaxed),
            acks: self.acks.load(Relaxed),
            updates: self.updates.load(Relaxed),
            errors: self.errors.load(Relaxed),
            finished: self.finished.load(Relaxed),
        }
    }

    /// Marks received without their reference time so far.
    pub fn unmarked(&self, marks: &BTreeMap<u64, u64>) -> usize {
        self.inner()
            .received
            .keys()
            .filter(|m| !marks.contains_key(m))
            .count()
    }

    /// The figures, with receipt times turned into latencies from the marks' times.
    pub fn report(&self, index: usize, clients: usize, marks: &BTreeMap<u64, u64>) -> WorkerReport {
        let progress = self.progress(clients);
        let i = self.inner();
        let mut delivery = BTreeMap::new();
        let mut unmarked = 0;
        for (mark, times) in &i.received {
            match marks.get(mark) {
                Some(&sent) => {
                    let mut h = Hist::default();
                    for &t in times {
                        h.record(t.saturating_sub(sent));
                    }
                    delivery.insert(*mark, h.samples());
                }
                None => unmarked += times.len() as u64,
            }
        }
        WorkerReport {
            index,
            progress,
            join_first_us: i.join_first_us,
            join_last_us: i.join_last_us,
            join: i.join.samples(),
            delivery,
            unmarked,
            ack: i.ack.samples(),
            ack_series: i.series.iter().map(|(b, h)| (*b, h.samples())).collect(),
            resume: i.resume.samples(),
            reconnects: i.reconnects,
            late_refused: i.late_refused,
            confirmed_on_resume: i.confirmed_on_resume,
            errors: i.errors.clone(),
            siege: None,
            contest: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_become_latencies_from_their_mark() {
        let rec = Recorder::new(1_000_000);
        rec.received(0, 1_050_000);
        rec.received(0, 1_250_000);
        rec.received(1, 9_000_000);
        let marks = BTreeMap::from([(0, 1_000_000)]);
        assert_eq!(rec.unmarked(&marks), 1);
        let report = rec.report(0, 2, &marks);
        let mut h = Hist::default();
        h.merge(&report.delivery[&0]);
        let s = h.summary();
        assert_eq!(s.count, 2);
        assert!((s.max_ms - 250.0).abs() < 0.5, "{s:?}");
        assert_eq!(report.unmarked, 1);
    }

    #[test]
    fn acks_fall_in_100_ms_buckets_from_the_epoch() {
        let rec = Recorder::new(10_000_000);
        rec.acked(10_000_000, 10_020_000);
        rec.acked(10_150_000, 10_160_000);
        let report = rec.report(0, 1, &BTreeMap::new());
        assert_eq!(
            report.ack_series.keys().copied().collect::<Vec<_>>(),
            [0, 1]
        );
        assert_eq!(report.progress.acks, 2);
    }
}
