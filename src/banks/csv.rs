//! CSV as Excel and LibreOffice save it: UTF-8 with or without a BOM, fields quoted with `"`
//! when they hold the separator, a quote or a line break. The `csv` crate does the quoting;
//! this module adds what spreadsheets expect around it.
//!
//! A cell starting with `=`, `+`, `-` or `@` is written with a leading `'` so a spreadsheet
//! does not run it as a formula (an option "+84 …" or "=…" from an upload); reading removes
//! that one `'` again, so export then import gives back the same text.

use super::bounded::BoundedGrid;
use super::limits::{SheetError, SheetLimits};
use crate::domain::sheet::Grid;

const BOM: &str = "\u{FEFF}";

/// The rows of a CSV file, with a bank's limits.
pub fn read(bytes: &[u8]) -> Result<Grid, SheetError> {
    read_within(bytes, &SheetLimits::bank())
}

/// The rows of a CSV file. The separator is `,`, or `;` when the first line has more of those
/// (Excel uses `;` where the decimal mark is a comma, as in Vietnamese settings). A blank line
/// is an empty row, so rows keep the numbers a spreadsheet shows; empty rows at the end are
/// left out.
pub fn read_within(bytes: &[u8], limits: &SheetLimits) -> Result<Grid, SheetError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        SheetError::Unreadable(format!(
            "tệp không phải văn bản UTF-8 (dòng {line}): hãy lưu lại dưới dạng «CSV UTF-8»"
        ))
    })?;
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    let sep = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep)
        .from_reader(text.as_bytes());
    let mut grid = BoundedGrid::new(*limits);
    let mut record = csv::StringRecord::new();
    let mut row = 0;
    // Where the last record starts (byte, line), for the message about an open quote.
    let (mut last_start, mut last_line) = (0, 1);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(SheetError::Unreadable(format!(
                    "không đọc được tệp CSV: {e}"
                )))
            }
        }
        let Some(at) = record.position() else { break };
        // The reader skips blank lines and counts them into the next record; each is a row.
        let (skipped, skipped_bytes) = blank_lines(text.as_bytes(), at.byte() as usize);
        row += skipped;
        last_start = at.byte() as usize + skipped_bytes;
        last_line = at.line() as usize + skipped;
        for (col, cell) in record.iter().enumerate() {
            grid.put(row, col, unescape(cell))?;
        }
        row += 1;
    }
    if let Some(line) = open_quote_line(&text[last_start..], sep) {
        let line = last_line + line - 1;
        return Err(SheetError::Unreadable(format!(
            "dòng {line}: một ô mở dấu ngoặc kép nhưng không có dấu đóng"
        )));
    }
    Ok(grid.finish())
}

/// The blank lines from byte `from` of `text` (`\n`, `\r\n` or `\r` each), and their bytes.
/// The reader ends a record at the `\r` of a CRLF, so a `\n` right after one is the end of
/// that record's line, not a blank line.
fn blank_lines(text: &[u8], from: usize) -> (usize, usize) {
    let mut lines = 0;
    let mut i = from;
    if from > 0 && text[from - 1] == b'\r' && text.get(from) == Some(&b'\n') {
        i += 1;
    }
    while let Some(&b) = text.get(i) {
        match b {
            b'\n' => lines += 1,
            b'\r' if text.get(i + 1) != Some(&b'\n') => lines += 1,
            b'\r' => {}
            _ => break,
        }
        i += 1;
    }
    (lines, i - from)
}

/// Where a quoted cell of `record` (one record's text, to the end of the file) opens and never
/// closes: its line within `record`. The reader takes such a cell to the end of the file
/// without a word; a person wants to hear which quote is missing.
fn open_quote_line(record: &str, sep: u8) -> Option<usize> {
    let mut line = 1;
    let mut opened_on = None;
    let mut field_start = true;
    let mut bytes = record.bytes().peekable();
    while let Some(b) = bytes.next() {
        if opened_on.is_some() {
            match b {
                b'"' if bytes.peek() == Some(&b'"') => {
                    bytes.next();
                }
                b'"' => opened_on = None,
                b'\n' => line += 1,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' if field_start => opened_on = Some(line),
            b'\n' => {
                line += 1;
                field_start = true;
            }
            b'\r' => field_start = true,
            _ => field_start = b == sep,
        }
    }
    opened_on
}

/// The rows as CSV: a BOM (so Excel reads the Vietnamese as UTF-8), `,` between cells and
/// CRLF line ends.
pub fn write(grid: &Grid) -> String {
    let mut out = BOM.as_bytes().to_vec();
    let mut builder = csv::WriterBuilder::new();
    builder
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        // Quote a cell holding `;` too: Excel with Vietnamese settings splits on it.
        .comment(Some(b';'));
    for row in grid {
        // An empty row is an empty line, as spreadsheets write it (the crate writes `""`).
        if row.iter().all(String::is_empty) && row.len() <= 1 {
            out.extend_from_slice(b"\r\n");
            continue;
        }
        let mut writer = builder.from_writer(&mut out);
        // Writing to memory cannot fail.
        let _ = writer.write_record(row.iter().map(|c| defuse(c)));
        let _ = writer.flush();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The cell with a `'` before a leading formula character, so a spreadsheet shows it as text.
fn defuse(cell: &str) -> String {
    if looks_like_formula(cell) && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
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
            grid(&[&["a", "b, c", "say \"hi\""], &["two\nlines", "", "x"]])
        );
    }

    #[test]
    fn blank_lines_keep_their_rows() {
        assert_eq!(
            read(b"a\n\nb,\"two\nlines\"\r\n\r\nc\n,,\n\n").unwrap(),
            grid(&[&["a"], &[], &["b", "two\nlines"], &[], &["c"]])
        );
    }

    #[test]
    fn rows_and_columns_past_the_caps_are_refused() {
        let limits = SheetLimits {
            rows: 3,
            columns: 2,
            ..SheetLimits::bank()
        };
        assert!(read_within(b"a,b\n\nc", &limits).is_ok());
        let err = read_within(b"a,b\n\nc\nd", &limits).unwrap_err();
        assert!(err.message().contains("dòng 4"), "{err}");
        let err = read_within(b"a,b,c", &limits).unwrap_err();
        assert!(err.message().contains("cột C"), "{err}");
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
            .message()
            .contains("không phải văn bản UTF-8 (dòng 2)"));
        assert_eq!(
            read(b"a\n\"b").unwrap_err().message(),
            "dòng 2: một ô mở dấu ngoặc kép nhưng không có dấu đóng"
        );
        assert_eq!(
            read("x,\"một\ndòng\"\n\n\"a\"\"b,c\n\n".as_bytes())
                .unwrap_err()
                .message(),
            "dòng 4: một ô mở dấu ngoặc kép nhưng không có dấu đóng",
            "counted from the line the cell starts on"
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
            &["", "a;b", "dòng 1\r\ndòng 2", "'", "it's"],
        ]);
        let text = write(&rows);
        assert!(
            text.starts_with("\u{FEFF}'=1+1,'+84 912 345 678,-5,''=x,'@a,"),
            "{text}"
        );
        assert_eq!(read(text.as_bytes()).unwrap(), rows);
    }
}
