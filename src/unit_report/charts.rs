//! Charts drawn by the server as SVG, so a dashboard works offline and on an old phone (no
//! chart library in the page): rates against the 100 % target as horizontal bars (long commune
//! names get a line of their own above each bar), and counts over time or a distribution as
//! columns. Pure: data in, SVG text out. The text is Vietnamese, escaped. Each chart is drawn
//! for the width the page shows it at (one unit of the viewBox is one CSS pixel there), so its
//! labels keep their size on a 360 px phone instead of shrinking with a picture drawn for a
//! desktop; the viewBox still lets it scale when the page is resized.

use std::fmt::Write as _;

/// The width a chart is drawn for when the page does not say (a laptop's column).
pub const DEFAULT_WIDTH: f64 = 640.0;
/// Narrowest and widest drawings (a 320 px phone, a wide screen's column).
pub const WIDTHS: std::ops::RangeInclusive<f64> = 300.0..=980.0;
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

fn head(out: &mut String, width: f64, height: f64, title: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
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
pub fn rate_bars(title: &str, bars: &[Bar], target_permille: i64, width: f64) -> String {
    let width = width.clamp(*WIDTHS.start(), *WIDTHS.end());
    let row = 36.0;
    let top = 34.0;
    let height = top + row * bars.len().max(1) as f64 + 24.0;
    let (left, span) = (8.0, width - 90.0);
    let mut out = String::new();
    head(&mut out, width, height, title);
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
pub fn columns(title: &str, categories: &[String], series: &[Series], width: f64) -> String {
    let width = width.clamp(*WIDTHS.start(), *WIDTHS.end());
    // The legend's entries side by side when there is room, else one under the other.
    let side_by_side = width >= 600.0;
    let legend_rows = if side_by_side { 1 } else { series.len().max(1) };
    let (top, bottom) = (34.0 + 18.0 * legend_rows as f64, 40.0);
    let height = 208.0 + top;
    let plot = height - top - bottom;
    let mut out = String::new();
    head(&mut out, width, height, title);
    for (k, s) in series.iter().enumerate() {
        let max = s.values.iter().copied().max().unwrap_or(0);
        let (x, y) = if side_by_side {
            (8.0 + 300.0 * k as f64, 30.0)
        } else {
            (8.0, 30.0 + 18.0 * k as f64)
        };
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{c}\"/>\
             <text x=\"{tx}\" y=\"{ty}\" fill=\"#14112b\">{name} (cao nhất: {max})</text>",
            tx = x + 16.0,
            ty = y + 10.0,
            c = s.colour,
            name = escape(&s.name),
        );
    }
    let n = categories.len().max(1) as f64;
    let slot = (width - 16.0) / n;
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
    // Category labels: as many as fit (about 64 px each: «08/09» at 12 px), evenly spread.
    let fit = ((width - 16.0) / 64.0).floor().max(1.0);
    let every = (categories.len() as f64 / fit).ceil().max(1.0) as usize;
    for (i, c) in categories.iter().enumerate().step_by(every) {
        let _ = write!(
            out,
            "<text x=\"{x:.1}\" y=\"{y}\" text-anchor=\"middle\" fill=\"#55516e\" font-size=\"12\">{c}</text>",
            x = 8.0 + slot * (i as f64 + 0.5),
            y = height - bottom + 16.0,
            c = escape(c),
        );
    }
    let _ = write!(
        out,
        "<line x1=\"8\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#55516e\"/></svg>",
        y = top + plot,
        x2 = width - 8.0
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
            DEFAULT_WIDTH,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Xã &lt;Ea&gt; &amp; Kar"));
        assert!(svg.contains("87,5 %") && svg.contains("100,0 %"));
        assert!(svg.contains("Chỉ tiêu 100,0 %"));
        assert_eq!(svg.matches(LOW).count(), 1, "one bar under the target");
        assert!(rate_bars("t", &[], 1000, DEFAULT_WIDTH).contains("Chưa có số liệu"));
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
            DEFAULT_WIDTH,
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

    #[test]
    fn a_chart_for_a_phone_is_drawn_at_its_width_with_labels_that_fit() {
        let days: Vec<String> = (1..=30).map(|d| format!("{d:02}/09")).collect();
        let series = |name: &str| Series {
            name: name.into(),
            colour: "#1060c0",
            values: vec![1; 30],
        };
        let svg = columns(
            "Theo ngày",
            &days,
            &[series("Lượt thi"), series("Trò chơi")],
            336.0,
        );
        assert!(
            svg.contains("viewBox=\"0 0 336 "),
            "one unit, one CSS pixel"
        );
        let labels = svg.matches("font-size=\"12\"").count();
        assert!((3..=5).contains(&labels), "{labels} labels fit 320 px");
        assert!(
            svg.contains("y=\"48\" width=\"12\""),
            "the second legend entry under the first, not beyond the edge"
        );
        assert!(rate_bars("t", &[], 1000, 10.0).contains("viewBox=\"0 0 300 "));
    }
}
