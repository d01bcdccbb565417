//! The game report as files: CSV (UTF-8 with a BOM, so Excel reads Vietnamese correctly) and
//! XLSX with two sheets.

use rust_xlsxwriter::{Format, Workbook};

use crate::storage::reports::Report;

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
                if p.kicked {
                    "Đã bị mời ra".to_owned()
                } else {
                    String::new()
                },
            ]
        })
        .collect()
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

fn csv(headers: &[&str], rows: &[Vec<String>]) -> String {
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
    let bold = Format::new().set_bold();
    for (name, headers, rows) in [
        ("Người chơi", &PLAYER_HEADERS, player_rows(report)),
        ("Câu hỏi", &QUESTION_HEADERS, question_rows(report)),
    ] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                // Numbers as numbers, so a teacher can sort and sum them.
                match cell.parse::<f64>() {
                    Ok(n) if c != 1 => sheet.write_number(r, c, n)?,
                    _ => sheet.write_string(r, c, cell)?,
                };
            }
        }
        sheet.autofit();
    }
    Ok(workbook.save_to_buffer()?)
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
