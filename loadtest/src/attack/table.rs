//! The siege's part of the printed report: per attack, what was sent and what the server
//! answered, by outcome, with how long its answers took.

use std::fmt::Write as _;

use super::bursts::meets;
use super::tally::AttackFigures;
use super::uploads::by_bomb;
use super::SiegeFigures;

pub fn table(s: &SiegeFigures) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n  siege: {} wave(s) — before the joins, as each question opened, and after {:.1} s \
         without one — until the podium",
        s.waves, s.wave_every_s
    );
    let windows: Vec<String> = s
        .bursts
        .iter()
        .map(|b| format!("{:.2}–{:.2}", b.start_s, b.end_s))
        .collect();
    let _ = writeln!(
        out,
        "    bursts (a wave's start → the last answer to its watches and sign-ins), s: {}",
        windows.join(", ")
    );
    if let Some((first, last)) = s.joins_s {
        let inside = if meets(&s.bursts, first, last) {
            "meets a burst"
        } else {
            "meets NO burst"
        };
        let _ = writeln!(
            out,
            "    the players joined at {first:.2}–{last:.2} s: {inside}"
        );
    }
    let a = &s.acks_in_bursts;
    let _ = writeln!(
        out,
        "    acknowledgements in the 100 ms buckets that meet a burst: {}, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        a.count, a.p50_ms, a.p99_ms, a.max_ms
    );
    attack(
        &mut out,
        &format!(
            "watcher connections from {} address(es): watches sent",
            s.watchers.sources
        ),
        &s.watchers,
    );
    attack(
        &mut out,
        &format!(
            "sign-ins with unknown names, from {} fresh address(es) a wave",
            s.sign_ins.sources
        ),
        &s.sign_ins,
    );
    if let Some(bombs) = &s.bombs {
        attack(&mut out, "spreadsheet bombs uploaded", bombs);
        for row in by_bomb(&s.uploads) {
            let _ = writeln!(
                out,
                "      {:>3} × {} → {}: {} (longest {:.2} s)",
                row.count, row.bomb, row.route, row.outcome, row.longest_s
            );
        }
    }
    if let Some(slow) = &s.slow_connections {
        attack(&mut out, "slow connections opened", slow);
    }
    out
}

fn attack(out: &mut String, what: &str, f: &AttackFigures) {
    let _ = writeln!(out, "    {what}: {}", f.sent);
    if f.answer.count > 0 {
        let _ = writeln!(
            out,
            "      answered in p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            f.answer.p50_ms, f.answer.p99_ms, f.answer.max_ms
        );
    }
    for (outcome, n) in &f.outcomes {
        let _ = writeln!(out, "      {n:>8}  {outcome}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attack::tally::Tally;

    #[test]
    fn every_attack_and_outcome_is_printed() {
        let tally = Tally::default();
        tally.sent(8);
        tally.answered("error invalid_board", 1_000);
        let figures = SiegeFigures {
            waves: 3,
            wave_every_s: 10.0,
            bursts: vec![crate::attack::bursts::Burst {
                wave: 1,
                start_s: 0.5,
                end_s: 0.9,
            }],
            joins_s: Some((0.6, 0.7)),
            watchers: tally.figures(3),
            slow_connections: Some(tally.figures(1)),
            ..SiegeFigures::default()
        };
        let text = table(&figures);
        assert!(text.contains("3 wave(s)"), "{text}");
        assert!(text.contains("s: 0.50–0.90\n"), "{text}");
        assert!(
            text.contains("joined at 0.60–0.70 s: meets a burst"),
            "{text}"
        );
        assert!(
            text.contains("from 3 address(es): watches sent: 8"),
            "{text}"
        );
        assert!(text.contains("       1  error invalid_board"), "{text}");
        assert!(text.contains("slow connections opened: 8"), "{text}");
        assert!(!text.contains("bombs"), "{text}");
    }
}
