//! Tables as files: CSV (UTF-8 with a BOM, so Excel reads Vietnamese correctly, and text that
//! would run as a formula defused) and XLSX — the game report (two sheets) and published
//! rankings (one board per file).

use rust_xlsxwriter::{Format, Workbook, Worksheet};

use crate::storage::reports::Report;
use crate::storage::GameStatus;

const PLAYER_HEADERS: [&str; 7] = [
    "Hạng",
    "Biệt danh",
    "Điểm",
    "Số câu đúng",
    "Số câu đã trả lời",
    "Tổng thời gian (giây)",
    "Ghi chú",
];
const QUESTION_HEADERS: [&str; 7] = [
    "Câu",
    "Nội dung",
    "Loại",
    "Số người trả lời",
    "Số người đúng",
    "Tỉ lệ đúng (%)",
    "Thời gian trung bình (giây)",
];

fn player_rows(report: &Report) -> Vec<Vec<String>> {
    report
        .players
        .iter()
        .map(|p| {
            vec![
                p.rank.to_string(),
                p.nickname.clone(),
                p.score.to_string(),
                p.correct.to_string(),
                p.answered.to_string(),
                format!("{:.1}", p.answer_time_ms as f64 / 1000.0),
                note(report, p.kicked),
            ]
        })
        .collect()
}

/// The «Ghi chú» cell: a kicked player, and on every line of an interrupted game, so a
/// sorted or filtered sheet still says its scores are not final.
fn note(report: &Report, kicked: bool) -> String {
    let interrupted = report.status == GameStatus::Interrupted;
    match (kicked, interrupted) {
        (true, true) => format!("Đã bị mời ra; {}", report.status_text.to_lowercase()),
        (true, false) => "Đã bị mời ra".to_owned(),
        (false, true) => report.status_text.to_owned(),
        (false, false) => String::new(),
    }
}

fn question_rows(report: &Report) -> Vec<Vec<String>> {
    report
        .questions
        .iter()
        .map(|q| {
            let rate = if q.answered > 0 {
                100.0 * q.correct as f64 / q.answered as f64
            } else {
                0.0
            };
            vec![
                q.number.to_string(),
                q.text.clone(),
                q.kind.clone(),
                q.answered.to_string(),
                q.correct.to_string(),
                format!("{rate:.0}"),
                format!("{:.1}", q.average_ms as f64 / 1000.0),
            ]
        })
        .collect()
}

pub fn players_csv(report: &Report) -> String {
    csv(&PLAYER_HEADERS, &player_rows(report))
}

pub fn questions_csv(report: &Report) -> String {
    csv(&QUESTION_HEADERS, &question_rows(report))
}

/// A table as CSV: a BOM, then a header line and one line per row, CRLF line ends.
pub fn csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{FEFF}");
    let line = |cells: &mut dyn Iterator<Item = &str>, out: &mut String| {
        let quoted: Vec<String> = cells.map(csv_cell).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    };
    line(&mut headers.iter().copied(), &mut out);
    for row in rows {
        line(&mut row.iter().map(String::as_str), &mut out);
    }
    out
}

/// Quotes a cell when it needs it, and defuses text a spreadsheet would run as a formula
/// (a nickname like `=HYPERLINK(…)`).
fn csv_cell(cell: &str) -> String {
    let cell = if cell.starts_with(['=', '+', '-', '@']) && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

pub fn report_xlsx(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    for (name, headers, rows) in [
        ("Người chơi", &PLAYER_HEADERS, player_rows(report)),
        ("Câu hỏi", &QUESTION_HEADERS, question_rows(report)),
    ] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        // Numbers as numbers, so a teacher can sort and sum them; the nickname or question
        // text stays text even when it looks like a number.
        write_table(sheet, 0, headers, &rows, |c| c == 1)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// One sheet: `heading` lines (the first in bold) above a table whose `text_column`s stay text
/// and whose other cells that read as numbers are written as numbers.
pub fn table_xlsx(
    name: &str,
    heading: &[String],
    headers: &[&str],
    rows: &[Vec<String>],
    text_column: impl Fn(u16) -> bool,
) -> anyhow::Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    let bold = Format::new().set_bold();
    for (r, line) in heading.iter().enumerate() {
        if r == 0 {
            sheet.write_string_with_format(0, 0, line, &bold)?;
        } else {
            sheet.write_string(r as u32, 0, line)?;
        }
    }
    let top = if heading.is_empty() {
        0
    } else {
        heading.len() as u32 + 1
    };
    write_table(sheet, top, headers, rows, text_column)?;
    Ok(workbook.save_to_buffer()?)
}

fn write_table(
    sheet: &mut Worksheet,
    top: u32,
    headers: &[&str],
    rows: &[Vec<String>],
    text_column: impl Fn(u16) -> bool,
) -> anyhow::Result<()> {
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(top, c as u16, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (top + r as u32 + 1, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if !text_column(c) => sheet.write_number(r, c, n)?,
                _ => sheet.write_string(r, c, cell)?,
            };
        }
    }
    // Autofit measures every cell, slow for a province-wide board: past a few thousand rows
    // the widths come from the header and the first rows.
    if rows.len() <= 5000 {
        sheet.autofit();
    } else {
        for (c, h) in headers.iter().enumerate() {
            let widest = rows[..1000]
                .iter()
                .filter_map(|row| row.get(c))
                .map(|cell| cell.chars().count())
                .chain([h.chars().count()])
                .max()
                .unwrap_or(8);
            sheet.set_column_width(c as u16, (widest + 2).min(60) as f64)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("Lan Anh"), "Lan Anh");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("-5"), "-5");
    }
}
