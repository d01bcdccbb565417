//! CSV as Excel and LibreOffice save it: UTF-8 with or without a BOM, fields quoted with `"`
//! when they hold the separator, a quote or a line break. Small enough to own rather than add
//! a crate: banks are a few hundred rows.
//!
//! A cell starting with `=`, `+`, `-` or `@` is written with a leading `'` so a spreadsheet
//! does not run it as a formula (an option "+84 …" or "=…" from an upload); reading removes
//! that one `'` again, so export then import gives back the same text.

use crate::domain::sheet::Grid;

const BOM: &str = "\u{FEFF}";

/// The rows of a CSV file. The separator is `,`, or `;` when the first line has more of those
/// (Excel uses `;` where the decimal mark is a comma, as in Vietnamese settings).
pub fn read(bytes: &[u8]) -> Result<Grid, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        format!("tệp không phải văn bản UTF-8 (dòng {line}): hãy lưu lại dưới dạng «CSV UTF-8»")
    })?;
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    let sep = if first_line.matches(';').count() > first_line.matches(',').count() {
        ';'
    } else {
        ','
    };

    let mut rows: Grid = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    // Whether the current cell was quoted: a quoted empty cell still counts as a cell.
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if cell.is_empty() && !quoted => {
                quoted = true;
                let start = line;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            cell.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            cell.push(c);
                        }
                        None => {
                            return Err(format!(
                                "dòng {start}: một ô mở dấu ngoặc kép nhưng không có dấu đóng"
                            ))
                        }
                    }
                }
            }
            c if c == sep => {
                end_cell(&mut cell, &mut row);
                quoted = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                end_cell(&mut cell, &mut row);
                rows.push(std::mem::take(&mut row));
                quoted = false;
                line += 1;
            }
            c => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() || quoted {
        end_cell(&mut cell, &mut row);
        rows.push(row);
    }
    Ok(rows)
}

/// The rows as CSV: a BOM (so Excel reads the Vietnamese as UTF-8), `,` between cells and
/// CRLF line ends.
pub fn write(grid: &Grid) -> String {
    let mut out = String::from(BOM);
    for row in grid {
        let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn escape(cell: &str) -> String {
    let cell = if looks_like_formula(cell) && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if cell.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

fn end_cell(cell: &mut String, row: &mut Vec<String>) {
    row.push(unescape(std::mem::take(cell)));
}

fn unescape(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest.to_owned(),
        _ => cell,
    }
}

/// Starts, after any `'`, with a character a spreadsheet takes as the start of a formula.
fn looks_like_formula(cell: &str) -> bool {
    cell.trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn reads_quotes_commas_line_breaks_and_a_bom() {
        let text = "\u{FEFF}a,\"b, c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",,x\n\"\"";
        assert_eq!(
            read(text.as_bytes()).unwrap(),
            grid(&[
                &["a", "b, c", "say \"hi\""],
                &["two\nlines", "", "x"],
                &[""]
            ])
        );
    }

    #[test]
    fn semicolons_when_the_first_line_uses_them() {
        let text = "Câu hỏi (text);Loại (kind)\nMột, hai;single\n";
        assert_eq!(
            read(text.as_bytes()).unwrap(),
            grid(&[&["Câu hỏi (text)", "Loại (kind)"], &["Một, hai", "single"]])
        );
    }

    #[test]
    fn refuses_other_encodings_and_open_quotes() {
        assert!(read(b"a\nb\xff")
            .unwrap_err()
            .contains("không phải văn bản UTF-8 (dòng 2)"));
        assert_eq!(
            read(b"a\n\"b").unwrap_err(),
            "dòng 2: một ô mở dấu ngoặc kép nhưng không có dấu đóng"
        );
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let rows = grid(&[
            &[
                "=1+1",
                "+84 912 345 678",
                "-5",
                "'=x",
                "@a",
                "Đắk Lắk, \"Buôn Ma Thuột\"",
            ],
            &["", "a;b", "dòng 1\r\ndòng 2", "'", "it's", ""],
        ]);
        let text = write(&rows);
        assert!(
            text.starts_with("\u{FEFF}'=1+1,'+84 912 345 678,-5,''=x,'@a,"),
            "{text}"
        );
        assert_eq!(read(text.as_bytes()).unwrap(), rows);
    }
}
