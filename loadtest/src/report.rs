//! The figures of a run: merged from the workers' reports, printed as a table, written as
//! JSON. Latencies are in milliseconds.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::histogram::{Hist, Summary};
use crate::wire::{WorkerReport, BUCKET_US};

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub scenario: &'static str,
    /// False when the run was cut short (timeout, a worker died, the game did not end).
    pub completed: bool,
    /// Why it was cut short.
    pub incomplete_because: Option<String>,
    pub command: String,
    pub started_at_unix_ms: u64,
    pub clients: usize,
    /// Games the players were spread over (`live`).
    pub rooms: usize,
    pub procs: usize,
    pub source_addresses: usize,

    pub joined: u64,
    pub join_failed: u64,
    /// From the first connect to the last welcome, over all processes.
    pub join_seconds: f64,
    pub joins_per_s: f64,
    /// Connect + join (or watch) until welcome (or the first board), per client.
    pub join_latency: Summary,

    /// What delivery latencies are measured from.
    pub delivery_reference: &'static str,
    /// Question fan-out (`live`) or board update delivery (`viewers`), all events together.
    pub delivery: Summary,
    pub per_event: Vec<EventFigures>,
    /// Receipts of events whose reference time never reached the worker.
    pub unmeasured_receipts: u64,

    pub answers: u64,
    pub acks: u64,
    pub late_refused: u64,
    /// Answers whose receipt went to a connection that was lost, and which the `welcome` of
    /// the player's `resume` then showed as answered (stored, not acknowledged on the wire).
    pub confirmed_on_resume: u64,
    pub ack: Summary,
    /// Most acknowledgements in any one second (a sliding window of ten 100 ms buckets):
    /// bounded by what the players offer (19,000 answers in 3 s offer 6,333/s).
    pub acks_per_s_peak: f64,
    /// The busiest 100 ms bucket, as a rate per second.
    pub acks_per_s_peak_100ms: f64,
    /// Acknowledgements per second over the 100 ms buckets in which any arrived.
    pub acks_per_s_sustained: f64,
    pub finished: u64,
    pub reconnects: u64,
    pub resume: Summary,

    pub board_updates: u64,
    pub results_posted: u64,
    /// `POST /api/rankings/{context}/results`, request to response.
    pub post: Summary,

    pub server: ServerMemory,
    pub errors: BTreeMap<String, u64>,
    /// What the server answered the siege's attackers (`siege`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub siege: Option<crate::attack::SiegeFigures>,
    /// The contest round: its requests, its boards, what was checked (`contest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contest: Option<crate::contest::figures::Figures>,
    /// What the reveals of Rung chuông vàng did (`bell`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bell: Option<crate::bell::figures::Figures>,
    /// Acknowledgements per 100 ms of the run.
    pub series: Vec<SeriesPoint>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct EventFigures {
    /// The mark: `room × 1000 + question` (`live`), or the batch's number (`viewers`).
    pub id: u64,
    /// The room and the question's index (`live`).
    pub room: Option<u64>,
    pub question: Option<u64>,
    /// When it was sent, in seconds from the start of the run.
    pub sent_at_s: f64,
    pub latency: Summary,
    /// From the host's `reveal` (`live`).
    pub answered: Option<u64>,
    pub right: Option<u64>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct ServerMemory {
    pub pid: Option<u32>,
    /// Before any client connected.
    pub idle_kb: Option<u64>,
    /// With every client connected.
    pub joined_kb: Option<u64>,
    /// Highest sample (every 250 ms) during the run.
    pub peak_kb: Option<u64>,
    /// Connections the kernel dropped during the run because an accept queue was full
    /// (machine-wide `ListenOverflows`); each costs its client a 1 s SYN retry.
    pub listen_overflows: Option<u64>,
    /// (joined − idle) / clients joined.
    pub per_client_kb: Option<f64>,
}

impl ServerMemory {
    pub fn settle(&mut self, joined: u64) {
        if let (Some(idle), Some(with), true) = (self.idle_kb, self.joined_kb, joined > 0) {
            self.per_client_kb = Some(with.saturating_sub(idle) as f64 / joined as f64);
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SeriesPoint {
    /// Start of the 100 ms bucket, seconds from the start of the run.
    pub t_s: f64,
    pub acks: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Adds up the workers' reports. `marks` are the events' send times (wall-clock µs).
pub fn merge(
    report: &mut Report,
    workers: &[WorkerReport],
    marks: &BTreeMap<u64, u64>,
    epoch_us: u64,
) {
    let (mut join, mut ack, mut resume, mut delivery) = (
        Hist::default(),
        Hist::default(),
        Hist::default(),
        Hist::default(),
    );
    let mut per_event: BTreeMap<u64, Hist> = BTreeMap::new();
    let mut series: BTreeMap<u64, Hist> = BTreeMap::new();
    let (mut first, mut last) = (u64::MAX, 0);
    for w in workers {
        join.merge(&w.join);
        ack.merge(&w.ack);
        resume.merge(&w.resume);
        for (id, samples) in &w.delivery {
            delivery.merge(samples);
            per_event.entry(*id).or_default().merge(samples);
        }
        for (bucket, samples) in &w.ack_series {
            series
                .entry(*bucket)
                .or_insert_with(|| Hist::new(2))
                .merge(samples);
        }
        if w.join_first_us > 0 {
            first = first.min(w.join_first_us);
            last = last.max(w.join_last_us);
        }
        report.joined += w.progress.joined;
        report.join_failed += w.progress.failed;
        report.answers += w.progress.answers;
        report.acks += w.progress.acks;
        report.board_updates += w.progress.updates;
        report.finished += w.progress.finished;
        report.late_refused += w.late_refused;
        report.confirmed_on_resume += w.confirmed_on_resume;
        report.reconnects += w.reconnects;
        report.unmeasured_receipts += w.unmarked;
        for (kind, n) in &w.errors {
            *report.errors.entry(kind.clone()).or_default() += n;
        }
    }
    if last > first {
        report.join_seconds = (last - first) as f64 / 1e6;
        report.joins_per_s = report.joined as f64 / report.join_seconds;
    }
    report.join_latency = join.summary();
    report.ack = ack.summary();
    report.resume = resume.summary();
    report.delivery = delivery.summary();
    let previous: BTreeMap<u64, EventFigures> =
        report.per_event.drain(..).map(|e| (e.id, e)).collect();
    report.per_event = marks
        .iter()
        .map(|(id, at)| {
            let mut e = previous.get(id).cloned().unwrap_or_default();
            e.id = *id;
            e.sent_at_s = at.saturating_sub(epoch_us) as f64 / 1e6;
            e.latency = per_event.get(id).map(Hist::summary).unwrap_or_default();
            e
        })
        .collect();
    report.series = series
        .iter()
        .map(|(bucket, h)| {
            let s = h.summary();
            SeriesPoint {
                t_s: (bucket * BUCKET_US) as f64 / 1e6,
                acks: s.count,
                p50_ms: s.p50_ms,
                p99_ms: s.p99_ms,
            }
        })
        .collect();
    let counts: BTreeMap<u64, u64> = series.iter().map(|(b, h)| (*b, h.len())).collect();
    (report.acks_per_s_peak, report.acks_per_s_sustained) = rates(&counts);
    let busiest = counts.values().copied().max().unwrap_or(0);
    report.acks_per_s_peak_100ms = (busiest * 1_000_000 / BUCKET_US) as f64;
}

/// Peak acknowledgements in any 1 s window, and the mean rate over busy 100 ms buckets.
fn rates(counts: &BTreeMap<u64, u64>) -> (f64, f64) {
    let buckets_per_s = 1_000_000 / BUCKET_US;
    let peak = counts
        .keys()
        .map(|&start| {
            counts
                .range(start..start + buckets_per_s)
                .map(|(_, n)| n)
                .sum::<u64>()
        })
        .max()
        .unwrap_or(0);
    let busy = counts.values().filter(|&&n| n > 0).count() as f64;
    let total: u64 = counts.values().sum();
    let sustained = if busy > 0.0 {
        total as f64 / (busy * BUCKET_US as f64 / 1e6)
    } else {
        0.0
    };
    (peak as f64, sustained)
}

/// The summary table, as printed at the end of a run.
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    let row = |out: &mut String, name: &str, s: &Summary| {
        let _ = writeln!(
            out,
            "  {name:<30} {:>9} {:>10.1} {:>10.1} {:>10.1}",
            s.count, s.p50_ms, s.p99_ms, s.max_ms
        );
    };
    let _ = writeln!(
        out,
        "\n{} — {}",
        r.scenario,
        if r.completed {
            "completed"
        } else {
            "INCOMPLETE"
        }
    );
    if let Some(why) = &r.incomplete_because {
        let _ = writeln!(out, "  cut short: {why}");
    }
    if let Some(bell) = &r.bell {
        out.push_str(&bell_table(r, bell));
        footer(&mut out, r);
        return out;
    }
    if let Some(contest) = &r.contest {
        let _ = writeln!(
            out,
            "  participants {} in {} process(es), from {} source address(es); started {} (gave up {})",
            r.clients, r.procs, r.source_addresses, r.joined, r.join_failed
        );
        out.push_str(&crate::contest::figures::table(contest));
        footer(&mut out, r);
        return out;
    }
    let _ = writeln!(
        out,
        "  clients {} in {} room(s), {} process(es), from {} source address(es); joined {} (failed {}) in {:.2} s = {:.0}/s",
        r.clients, r.rooms.max(1), r.procs, r.source_addresses, r.joined, r.join_failed, r.join_seconds, r.joins_per_s
    );
    let _ = writeln!(
        out,
        "\n  {:<30} {:>9} {:>10} {:>10} {:>10}",
        "latency (ms)", "n", "p50", "p99", "max"
    );
    row(&mut out, "join (connect → welcome)", &r.join_latency);
    let what = if r.scenario == "viewers" {
        "board update"
    } else {
        "question fan-out"
    };
    row(&mut out, &format!("{what}, all"), &r.delivery);
    // Every question has its row; hundreds of batches would bury the table (they are in
    // the JSON and the plot).
    if r.per_event.len() <= 30 {
        for e in &r.per_event {
            let name = match (e.room, e.question) {
                (Some(room), Some(q)) if r.rooms > 1 => format!("  room {room} question {q}"),
                (_, Some(q)) => format!("  {what} {q}"),
                _ => format!("  {what} {}", e.id),
            };
            row(&mut out, &name, &e.latency);
        }
    }
    if r.acks > 0 || r.answers > 0 {
        row(&mut out, "answer acknowledgement", &r.ack);
    }
    if r.reconnects > 0 {
        row(&mut out, "resume (connect → welcome)", &r.resume);
    }
    if r.post.count > 0 {
        row(&mut out, "results POST", &r.post);
    }
    let _ = writeln!(out, "  {what} measured from: {}", r.delivery_reference);
    if r.unmeasured_receipts > 0 {
        let _ = writeln!(
            out,
            "  receipts without a reference time: {}",
            r.unmeasured_receipts
        );
    }
    if r.answers > 0 {
        let _ = writeln!(
            out,
            "\n  answers sent {}, acknowledged {}, late and refused {}, players finished {}, reconnects {}",
            r.answers, r.acks, r.late_refused, r.finished, r.reconnects
        );
        let unanswered = r
            .answers
            .saturating_sub(r.acks + r.late_refused + r.confirmed_on_resume);
        let _ = writeln!(
            out,
            "  answered by a resume's welcome instead of a receipt {}; sent with no reply {}",
            r.confirmed_on_resume, unanswered
        );
        let _ = writeln!(
            out,
            "  acknowledgements/s: {:.0} in the busiest second, {:.0} in the busiest 100 ms, {:.0} sustained (mean over the 100 ms buckets with acks)",
            r.acks_per_s_peak, r.acks_per_s_peak_100ms, r.acks_per_s_sustained
        );
    }
    if r.board_updates > 0 || r.results_posted > 0 {
        let _ = writeln!(
            out,
            "\n  results posted {}, board updates received {}",
            r.results_posted, r.board_updates
        );
    }
    footer(&mut out, r);
    if let Some(siege) = &r.siege {
        out.push_str(&crate::attack::table::table(siege));
    }
    out
}

/// The server's memory and the errors, under every scenario's table.
fn footer(out: &mut String, r: &Report) {
    let kb = |v: Option<u64>| v.map_or("?".to_owned(), |k| format!("{:.1} MB", k as f64 / 1024.0));
    let _ = writeln!(
        out,
        "\n  server pid {}: RSS idle {}, all joined {}, peak {}; per connected client {}",
        r.server.pid.map_or("?".to_owned(), |p| p.to_string()),
        kb(r.server.idle_kb),
        kb(r.server.joined_kb),
        kb(r.server.peak_kb),
        r.server
            .per_client_kb
            .map_or("?".to_owned(), |k| format!("{k:.1} KB"))
    );
    if r.server.per_client_kb.is_some_and(|k| k < 1.0) {
        // The allocator hands back what an earlier run freed: the growth says nothing then.
        let _ = writeln!(
            out,
            "  (the server kept memory from an earlier run: measure memory on a fresh server)"
        );
    }
    if let Some(n) = r.server.listen_overflows.filter(|&n| n > 0) {
        let _ = writeln!(
            out,
            "  listen queue overflows during the run: {n} (each a connect retried after 1 s)"
        );
    }
    if r.errors.is_empty() {
        let _ = writeln!(out, "  errors: none");
    } else {
        let _ = writeln!(out, "  errors:");
        for (kind, n) in &r.errors {
            let _ = writeln!(out, "    {n:>8}  {kind}");
        }
    }
}

/// The bell's lines of the report table.
fn bell_table(r: &Report, f: &crate::bell::figures::Figures) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let row = |out: &mut String, name: &str, s: &Summary| {
        let _ = writeln!(
            out,
            "  {name:<36} {:>7} {:>9.1} {:>9.1} {:>9.1}",
            s.count, s.p50_ms, s.p99_ms, s.max_ms
        );
    };
    let _ = writeln!(out, "  contestants {} (seated {})", r.clients, r.joined);
    let _ = writeln!(
        out,
        "  {:<36} {:>7} {:>9} {:>9} {:>9}",
        "", "count", "p50 ms", "p99 ms", "max ms"
    );
    row(&mut out, "sit down (connect + bell_sit)", &r.join_latency);
    row(&mut out, "question fan-out", &r.delivery);
    row(&mut out, "answer acknowledged (bell_receipt)", &r.ack);
    let _ = writeln!(out, "\n  question  eliminated  standing  counted  for fun");
    for round in &f.rounds {
        let _ = writeln!(
            out,
            "  {:>8}  {:>10}  {:>8}  {:>7}  {:>7}{}",
            round.number,
            round.eliminated,
            round.standing,
            round.counted,
            round.for_fun,
            if round.spared_all_wrong {
                "  (all wrong: spared)"
            } else {
                ""
            }
        );
        if round.number == crate::bell::figures::RESCUE_AFTER as u64 + 1 && f.rescued > 0 {
            let _ = writeln!(out, "  rescue: {} back", f.rescued);
        }
    }
    let _ = writeln!(
        out,
        "\n  winners (seats): {:?}; phones that saw the end: {}",
        f.winners, f.saw_the_end
    );
    for (kind, n) in &r.errors {
        let _ = writeln!(out, "  error {kind}: {n}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker(acks: &[(u64, u64)], received: &[(u64, u64)]) -> WorkerReport {
        let rec = crate::recorder::Recorder::new(0);
        for &(sent, at) in acks {
            rec.acked(sent, at);
        }
        for &(mark, at) in received {
            rec.received(mark, at);
        }
        rec.report(0, 1, &BTreeMap::from([(0, 1_000_000)]))
    }

    #[test]
    fn two_workers_add_up_and_rates_come_from_the_buckets() {
        let a = worker(&[(0, 10_000), (0, 20_000)], &[(0, 1_100_000)]);
        let b = worker(&[(150_000, 160_000)], &[(0, 1_300_000)]);
        let mut r = Report::default();
        merge(&mut r, &[a, b], &BTreeMap::from([(0, 1_000_000)]), 0);
        assert_eq!(r.acks, 3);
        assert_eq!(r.ack.count, 3);
        assert_eq!(r.delivery.count, 2);
        assert!((r.per_event[0].latency.max_ms - 300.0).abs() < 0.5);
        assert_eq!(r.series.len(), 2);
        assert_eq!(r.acks_per_s_peak, 3.0);
        assert!((r.acks_per_s_sustained - 15.0).abs() < 1e-9);
        assert!(table(&r).contains("question fan-out"));
    }
}
