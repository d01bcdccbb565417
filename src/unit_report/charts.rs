//! Charts drawn by the server as SVG, so a dashboard works offline and on an old phone (no
//! chart library in the page): rates against the 100 % target as horizontal bars (long commune
//! names get a line of their own above each bar), and counts over time or a distribution as
//! columns. Pure: data in, SVG text out. The text is Vietnamese, escaped; the viewBox lets the
//! picture scale to any width.

use std::fmt::Write as _;

const WIDTH: f64 = 640.0;
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif";
/// Bars under the target, and above: red and green with white text never on them (the values
/// are written beside the bars, in dark text, so contrast does not depend on the colours).
const LOW: &str = "#c8102e";
const MET: &str = "#17803d";
const TARGET: &str = "#1b1340";

/// Text for an SVG text node or attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn head(out: &mut String, height: f64, title: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" \
         role=\"img\" aria-label=\"{t}\" font-family=\"{FONT}\" font-size=\"13\">\
         <title>{t}</title><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
         <text x=\"8\" y=\"20\" font-size=\"15\" font-weight=\"700\" fill=\"#14112b\">{t}</text>",
        t = escape(title)
    );
}

/// A rate per mille as «87,5 %».
pub fn percent(permille: i64) -> String {
    format!("{},{} %", permille / 10, (permille % 10).abs())
}

/// One bar: a unit's rate against the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub permille: i64,
}

/// Horizontal bars of rates, 0 to 100 %, with the target drawn as a line and each value
/// written beside its bar.
pub fn rate_bars(title: &str, bars: &[Bar], target_permille: i64) -> String {
    let row = 36.0;
    let top = 34.0;
    let height = top + row * bars.len().max(1) as f64 + 24.0;
    let (left, span) = (8.0, WIDTH - 90.0);
    let mut out = String::new();
    head(&mut out, height, title);
    if bars.is_empty() {
        let _ = write!(
            out,
            "<text x=\"8\" y=\"{}\" fill=\"#55516e\">Chưa có số liệu</text>",
            top + 20.0
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let w = span * (b.permille.clamp(0, 1000) as f64 / 1000.0);
        let colour = if b.permille >= target_permille {
            MET
        } else {
            LOW
        };
        let _ = write!(
            out,
            "<text x=\"{left}\" y=\"{ty}\" fill=\"#14112b\">{label}</text>\
             <rect x=\"{left}\" y=\"{by}\" width=\"{w:.1}\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{vx:.1}\" y=\"{vy}\" fill=\"#14112b\" font-weight=\"700\">{value}</text>",
            ty = y + 12.0,
            label = escape(&b.label),
            by = y + 17.0,
            vx = left + w + 6.0,
            vy = y + 28.0,
            value = percent(b.permille),
        );
    }
    let tx = left + span * (target_permille.clamp(0, 1000) as f64 / 1000.0);
    let _ = write!(
        out,
        "<line x1=\"{tx:.1}\" y1=\"{top}\" x2=\"{tx:.1}\" y2=\"{bottom}\" stroke=\"{TARGET}\" \
         stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\
         <text x=\"{lx:.1}\" y=\"{ly}\" text-anchor=\"end\" fill=\"{TARGET}\">Chỉ tiêu {target}</text></svg>",
        bottom = height - 20.0,
        lx = tx,
        ly = height - 6.0,
        target = percent(target_permille),
    );
    out
}

/// A series of columns: its name (in the legend), colour and one value per category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub colour: &'static str,
    pub values: Vec<i64>,
}

/// Columns for each category, the series side by side, each scaled to its own largest value
/// (so a few games and thousands of attempts both show), with the largest written on top.
pub fn columns(title: &str, categories: &[String], series: &[Series]) -> String {
    let (top, bottom) = (52.0, 40.0);
    let height = 260.0;
    let plot = height - top - bottom;
    let mut out = String::new();
    head(&mut out, height, title);
    for (k, s) in series.iter().enumerate() {
        let max = s.values.iter().copied().max().unwrap_or(0);
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"30\" width=\"12\" height=\"12\" fill=\"{c}\"/>\
             <text x=\"{tx}\" y=\"40\" fill=\"#14112b\">{name} (cao nhất: {max})</text>",
            x = 8.0 + 300.0 * k as f64,
            tx = 24.0 + 300.0 * k as f64,
            c = s.colour,
            name = escape(&s.name),
        );
    }
    let n = categories.len().max(1) as f64;
    let slot = (WIDTH - 16.0) / n;
    let bar = (slot * 0.8 / series.len().max(1) as f64).max(1.0);
    for (k, s) in series.iter().enumerate() {
        let max = s.values.iter().copied().max().unwrap_or(0).max(1) as f64;
        for (i, v) in s.values.iter().enumerate() {
            let h = plot * (*v).max(0) as f64 / max;
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{c}\"><title>{cat}: {v}</title></rect>",
                x = 8.0 + slot * i as f64 + slot * 0.1 + bar * k as f64,
                y = top + plot - h,
                c = s.colour,
                cat = escape(categories.get(i).map_or("", String::as_str)),
            );
        }
    }
    // Category labels: as many as fit, evenly spread.
    let every = (categories.len() as f64 / 8.0).ceil().max(1.0) as usize;
    for (i, c) in categories.iter().enumerate().step_by(every) {
        let _ = write!(
            out,
            "<text x=\"{x:.1}\" y=\"{y}\" text-anchor=\"middle\" fill=\"#55516e\" font-size=\"11\">{c}</text>",
            x = 8.0 + slot * (i as f64 + 0.5),
            y = height - bottom + 16.0,
            c = escape(c),
        );
    }
    let _ = write!(
        out,
        "<line x1=\"8\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#55516e\"/></svg>",
        y = top + plot,
        x2 = WIDTH - 8.0
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_show_each_rate_and_the_target_and_escape_names() {
        let svg = rate_bars(
            "Tỉ lệ tham gia theo xã",
            &[
                Bar {
                    label: "Xã <Ea> & Kar".into(),
                    permille: 875,
                },
                Bar {
                    label: "Phường Tuy Hoà".into(),
                    permille: 1000,
                },
            ],
            1000,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Xã &lt;Ea&gt; &amp; Kar"));
        assert!(svg.contains("87,5 %") && svg.contains("100,0 %"));
        assert!(svg.contains("Chỉ tiêu 100,0 %"));
        assert_eq!(svg.matches(LOW).count(), 1, "one bar under the target");
        assert!(rate_bars("t", &[], 1000).contains("Chưa có số liệu"));
    }

    #[test]
    fn columns_scale_each_series_to_its_largest_value() {
        let svg = columns(
            "Theo tuần",
            &["01/09".into(), "08/09".into()],
            &[
                Series {
                    name: "Lượt thi".into(),
                    colour: "#1060c0",
                    values: vec![500, 1000],
                },
                Series {
                    name: "Trò chơi".into(),
                    colour: "#ffd21f",
                    values: vec![2, 1],
                },
            ],
        );
        assert!(
            svg.contains("Lượt thi (cao nhất: 1000)") && svg.contains("Trò chơi (cao nhất: 2)")
        );
        assert_eq!(
            svg.matches("<rect x=").count(),
            2 + 4,
            "two legend keys, four columns"
        );
        assert!(svg.contains("<title>08/09: 1000</title>"));
    }
}
