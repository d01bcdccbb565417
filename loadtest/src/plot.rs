//! Latency over time as an SVG, written by hand: acknowledgement latency (p50, p99) per
//! 100 ms of the run with the moments questions were sent, and below it the fan-out (or board
//! update) latency of each event. No plotting crate: it is a few lines and polylines.

use std::fmt::Write as _;

use crate::report::{EventFigures, Report, SeriesPoint};

const WIDTH: f64 = 960.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP_PANEL: (f64, f64) = (40.0, 300.0); // y and height of the time-series panel
const BOTTOM_PANEL: (f64, f64) = (400.0, 220.0); // y and height of the per-event panel
const HEIGHT: f64 = 690.0;

pub fn svg(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let title = format!(
        "hoithi loadtest · {} · {} clients · {}",
        r.scenario,
        r.clients,
        if r.completed {
            "completed"
        } else {
            "incomplete"
        }
    );
    let _ = writeln!(
        out,
        r#"<text x="{LEFT}" y="20" font-size="14">{}</text>"#,
        escape(&title)
    );
    series_panel(&mut out, r);
    events_panel(&mut out, r);
    out.push_str("</svg>\n");
    out
}

fn series_panel(out: &mut String, r: &Report) {
    let (y0, h) = TOP_PANEL;
    let plot_w = WIDTH - LEFT - RIGHT;
    // Viewers acknowledge nothing: their panel shows each batch's delivery over time.
    let viewers = r.scenario == "viewers";
    let by_event: Vec<SeriesPoint> = r
        .per_event
        .iter()
        .filter(|e| e.latency.count > 0)
        .map(|e| SeriesPoint {
            t_s: e.sent_at_s,
            acks: 0,
            p50_ms: e.latency.p50_ms,
            p99_ms: e.latency.p99_ms,
        })
        .collect();
    let series = if viewers { &by_event } else { &r.series };
    let t_max = series
        .iter()
        .map(|p| p.t_s + 0.1)
        .chain(r.per_event.iter().map(|e| e.sent_at_s))
        .fold(1.0_f64, f64::max);
    let v_max = nice(series.iter().map(|p| p.p99_ms).fold(1.0, f64::max));
    let x = |t: f64| LEFT + t / t_max * plot_w;
    let y = |v: f64| y0 + h - v.min(v_max) / v_max * h;
    let axis_label = if viewers {
        "board update latency by batch (ms)"
    } else {
        "ack latency (ms)"
    };
    axes(out, y0, h, v_max, axis_label);
    for i in 0..=5 {
        let t = t_max * f64::from(i) / 5.0;
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{t:.1} s</text>"#,
            x(t),
            y0 + h + 16.0
        );
    }
    for e in r.per_event.iter().filter(|_| !viewers) {
        let _ = writeln!(
            out,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="{y0}" y2="{1}" stroke="#999" stroke-dasharray="4 3"/><text x="{0:.1}" y="{2}" fill="#666">{3}</text>"##,
            x(e.sent_at_s),
            y0 + h,
            y0 - 4.0,
            // With several rooms the moments crowd together: lines only.
            if r.scenario == "viewers" || r.rooms > 1 {
                String::new()
            } else {
                format!("q{}", label(r, e))
            }
        );
    }
    // Acknowledgements per bucket as light bars behind the lines, on their own scale.
    let most = r.series.iter().map(|p| p.acks).max().unwrap_or(0).max(1) as f64;
    let acks_max = nice(most * 10.0);
    let bar_w = (0.1 / t_max * plot_w).max(1.0);
    for p in series {
        let bh = p.acks as f64 * 10.0 / acks_max * h;
        let _ = writeln!(
            out,
            r##"<rect x="{:.1}" y="{:.1}" width="{bar_w:.1}" height="{bh:.1}" fill="#dddddd"/>"##,
            x(p.t_s),
            y0 + h - bh
        );
    }
    if !viewers {
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#888">acks/s (grey): {} at the top</text>"##,
            WIDTH - RIGHT,
            y0 + h + 32.0,
            trim(acks_max)
        );
    }
    for (pick, colour, name) in [(0usize, "#1f77b4", "p50"), (1usize, "#d62728", "p99")] {
        // One polyline per run of adjacent buckets: no line across a time without answers.
        let mut runs: Vec<Vec<String>> = Vec::new();
        let mut last_t = f64::NEG_INFINITY;
        let gap = if viewers { f64::INFINITY } else { 0.15 };
        for p in series {
            if runs.is_empty() || p.t_s - last_t > gap {
                runs.push(Vec::new());
            }
            last_t = p.t_s;
            let v = if pick == 0 { p.p50_ms } else { p.p99_ms };
            if let Some(run) = runs.last_mut() {
                run.push(format!("{:.1},{:.1}", x(p.t_s), y(v)));
            }
        }
        for run in runs {
            let _ = writeln!(
                out,
                r#"<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{}"/>"#,
                run.join(" ")
            );
        }
        let lx = WIDTH / 2.0 + if pick == 0 { 0.0 } else { 70.0 };
        let _ = writeln!(
            out,
            r#"<rect x="{lx}" y="{}" width="12" height="3" fill="{colour}"/><text x="{}" y="{}">{name}</text>"#,
            y0 - 10.0,
            lx + 16.0,
            y0 - 6.0
        );
    }
    if series.is_empty() {
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" text-anchor="middle" fill="#666">no answers acknowledged</text>"##,
            LEFT + plot_w / 2.0,
            y0 + h / 2.0
        );
    }
}

fn events_panel(out: &mut String, r: &Report) {
    let (y0, h) = BOTTOM_PANEL;
    let plot_w = WIDTH - LEFT - RIGHT;
    let what = if r.scenario == "viewers" {
        "board update (ms)"
    } else {
        "fan-out per question (ms)"
    };
    let v_max = nice(
        r.per_event
            .iter()
            .map(|e| e.latency.max_ms)
            .fold(1.0, f64::max),
    );
    axes(out, y0, h, v_max, what);
    let n = r.per_event.len().max(1) as f64;
    let slot = plot_w / n;
    let bar = (slot / 4.0).min(30.0);
    let y = |v: f64| y0 + h - v.min(v_max) / v_max * h;
    for (i, e) in r.per_event.iter().enumerate() {
        let x0 = LEFT + slot * i as f64 + slot / 2.0 - 1.5 * bar;
        for (k, (v, colour)) in [
            (e.latency.p50_ms, "#1f77b4"),
            (e.latency.p99_ms, "#d62728"),
            (e.latency.max_ms, "#7f7f7f"),
        ]
        .into_iter()
        .enumerate()
        {
            let _ = writeln!(
                out,
                r#"<rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="{:.1}" fill="{colour}"/>"#,
                x0 + bar * k as f64,
                y(v),
                y0 + h - y(v)
            );
        }
        if r.per_event.len() <= 40 || i % (r.per_event.len() / 20).max(1) == 0 {
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                x0 + 1.5 * bar,
                y0 + h + 16.0,
                label(r, e)
            );
        }
    }
    let lx = WIDTH - RIGHT - 220.0;
    for (k, (name, colour)) in [("p50", "#1f77b4"), ("p99", "#d62728"), ("max", "#7f7f7f")]
        .into_iter()
        .enumerate()
    {
        let x = lx + 70.0 * k as f64;
        let _ = writeln!(
            out,
            r#"<rect x="{x}" y="{}" width="12" height="10" fill="{colour}"/><text x="{}" y="{}">{name}</text>"#,
            y0 - 16.0,
            x + 16.0,
            y0 - 7.0
        );
    }
    // The reference is a sentence: two lines of it fit under the panel.
    let words: Vec<&str> = r.delivery_reference.split(' ').collect();
    let half = words.len().div_ceil(2);
    for (k, part) in [words[..half].join(" "), words[half..].join(" ")]
        .iter()
        .enumerate()
    {
        let lead = if k == 0 { "measured from: " } else { "" };
        let _ = writeln!(
            out,
            r##"<text x="{LEFT}" y="{}" fill="#666">{lead}{}</text>"##,
            y0 + h + 36.0 + 14.0 * k as f64,
            escape(part)
        );
    }
}

/// Frame, horizontal grid and value labels of a panel.
fn axes(out: &mut String, y0: f64, h: f64, v_max: f64, label: &str) {
    let right = WIDTH - RIGHT;
    for i in 0..=5 {
        let v = v_max * f64::from(i) / 5.0;
        let y = y0 + h - h * f64::from(i) / 5.0;
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" x2="{right}" y1="{y:.1}" y2="{y:.1}" stroke="#e5e5e5"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            LEFT - 6.0,
            y + 4.0,
            trim(v)
        );
    }
    let _ = writeln!(
        out,
        r##"<rect x="{LEFT}" y="{y0}" width="{:.1}" height="{h}" fill="none" stroke="#333"/><text x="14" y="{:.1}" transform="rotate(-90 14 {:.1})" text-anchor="middle">{}</text>"##,
        right - LEFT,
        y0 + h / 2.0,
        y0 + h / 2.0,
        escape(label)
    );
}

/// An event's name on the axis: the question (room.question with several rooms), or the
/// batch's number.
fn label(r: &Report, e: &EventFigures) -> String {
    match (e.room, e.question) {
        (Some(room), Some(q)) if r.rooms > 1 => format!("{room}.{q}"),
        (_, Some(q)) => q.to_string(),
        _ => e.id.to_string(),
    }
}

/// A round upper bound for an axis: 1, 2 or 5 times a power of ten.
fn nice(v: f64) -> f64 {
    let p = 10f64.powf(v.max(1e-3).log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&c| c >= v)
        .unwrap_or(10.0 * p)
}

fn trim(v: f64) -> String {
    if v.fract() == 0.0 || v >= 10.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::histogram::Summary;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice(0.7), 1.0);
        assert_eq!(nice(13.0), 20.0);
        assert_eq!(nice(260.0), 500.0);
        assert_eq!(nice(1000.0), 1000.0);
    }

    #[test]
    fn the_drawing_has_a_line_per_percentile_and_a_bar_per_event_figure() {
        let r = Report {
            scenario: "live",
            delivery_reference: "the host's <next>",
            series: vec![
                SeriesPoint {
                    t_s: 0.0,
                    acks: 10,
                    p50_ms: 1.0,
                    p99_ms: 4.0,
                },
                SeriesPoint {
                    t_s: 0.1,
                    acks: 12,
                    p50_ms: 2.0,
                    p99_ms: 9.0,
                },
            ],
            per_event: vec![EventFigures {
                id: 0,
                latency: Summary {
                    count: 5,
                    p50_ms: 10.0,
                    p99_ms: 20.0,
                    max_ms: 30.0,
                    mean_ms: 12.0,
                },
                ..EventFigures::default()
            }],
            ..Report::default()
        };
        let svg = svg(&r);
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(
            svg.matches("<polyline").count(),
            2,
            "one run of adjacent buckets per line"
        );
        assert!(svg.contains("&lt;next&gt;"));
        assert!(svg.contains(">q0<"));
    }
}
