//! Tables as files: CSV (UTF-8 with a BOM, so Excel reads Vietnamese correctly, and text that
//! would run as a formula defused) and XLSX — for the game report (`report_files`) and
//! published rankings (one board per file).

use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// How a CSV is spelled. `Tools` is the comma and the decimal point every program reads;
/// `ExcelVi` is what Excel set to Vietnamese reads as columns and numbers (its list separator
/// is `;`, its decimal symbol `,`), with heading lines above the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Tools,
    ExcelVi,
}

impl Dialect {
    pub fn separator(self) -> char {
        match self {
            Dialect::Tools => ',',
            Dialect::ExcelVi => ';',
        }
    }

    /// `value` with one decimal, in this dialect's decimal symbol.
    pub fn number(self, value: f64) -> String {
        let text = format!("{value:.1}");
        match self {
            Dialect::Tools => text,
            Dialect::ExcelVi => text.replace('.', ","),
        }
    }
}

/// A table as CSV for tools: a BOM, then a header line and one line per row, CRLF line ends.
pub fn csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    csv_in(Dialect::Tools, &[], headers, rows)
}

/// A table as CSV in `dialect`: a BOM, the `heading` lines (one cell each) and an empty line
/// when there are any, then a header line and one line per row, CRLF line ends.
pub fn csv_in(
    dialect: Dialect,
    heading: &[String],
    headers: &[&str],
    rows: &[Vec<String>],
) -> String {
    let separator = dialect.separator();
    let mut out = String::from("\u{FEFF}");
    let line = |cells: &mut dyn Iterator<Item = &str>, out: &mut String| {
        let quoted: Vec<String> = cells.map(|c| csv_cell(c, separator)).collect();
        out.push_str(&quoted.join(&separator.to_string()));
        out.push_str("\r\n");
    };
    for h in heading {
        line(&mut std::iter::once(h.as_str()), &mut out);
    }
    if !heading.is_empty() {
        out.push_str("\r\n");
    }
    line(&mut headers.iter().copied(), &mut out);
    for row in rows {
        line(&mut row.iter().map(String::as_str), &mut out);
    }
    out
}

/// Quotes a cell when it needs it, and defuses text a spreadsheet would run as a formula
/// (a nickname like `=HYPERLINK(…)`); a negative number, with either decimal symbol, stays.
fn csv_cell(cell: &str, separator: char) -> String {
    let number = cell.replace(',', ".").parse::<f64>().is_ok();
    let cell = if cell.starts_with(['=', '+', '-', '@']) && !number {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if cell.contains([separator, '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
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

pub fn write_table(
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
        assert_eq!(csv_cell("Lan Anh", ','), "Lan Anh");
        assert_eq!(csv_cell("a,b", ','), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\"", ','), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=1+1", ','), "'=1+1");
        assert_eq!(csv_cell("-5", ','), "-5");
    }

    #[test]
    fn excel_vi_cells_split_on_semicolons_and_keep_decimal_commas() {
        assert_eq!(csv_cell("12,5", ';'), "12,5", "a number, not two cells");
        assert_eq!(
            csv_cell("-0,5", ';'),
            "-0,5",
            "a negative number is no formula"
        );
        assert_eq!(csv_cell("Lan; Anh", ';'), "\"Lan; Anh\"");
        assert_eq!(Dialect::ExcelVi.number(12.34), "12,3");
        assert_eq!(Dialect::Tools.number(1.5), "1.5");
        let text = csv_in(
            Dialect::ExcelVi,
            &["Báo cáo".into()],
            &["A", "B"],
            &[vec!["x".into(), Dialect::ExcelVi.number(2.5)]],
        );
        assert_eq!(text, "\u{FEFF}Báo cáo\r\n\r\nA;B\r\nx;2,5\r\n");
    }
}
