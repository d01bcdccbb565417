//! Workbooks: calamine reads the first sheet into a [`Grid`], rust_xlsxwriter writes sheets.
//! Numbers are written as numbers only when reading them back gives the very same text, so
//! a bank survives export and import unchanged.
//!
//! Reading never lets the file size an allocation: the package is checked first
//! ([`xlsx_package`](super::xlsx_package)), then cells are streamed one by one into a
//! [`BoundedGrid`] (calamine's `worksheet_range` would allocate the declared range densely:
//! A1:XFD1048576 is half a terabyte).

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, DataRef, Reader, Xlsx};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::bounded::BoundedGrid;
use super::limits::{SheetError, SheetLimits};
use super::xlsx_package;
use crate::domain::bank_toml::number;
use crate::domain::sheet::{date_from_days, Grid};

/// Excel's serial day number of 1970-01-01.
const UNIX_EPOCH_SERIAL: f64 = 25_569.0;

/// The first worksheet of an `.xlsx` file, with a bank's limits.
pub fn read(bytes: &[u8]) -> Result<Grid, SheetError> {
    read_within(bytes, &SheetLimits::bank())
}

/// The first worksheet of an `.xlsx` file. `grid[r][c]` is the cell at row `r + 1`, column
/// `c + 1`, wherever the sheet's used range starts; empty cells at a row's end are left out.
/// A file past `limits` is refused before the work it would cost.
pub fn read_within(bytes: &[u8], limits: &SheetLimits) -> Result<Grid, SheetError> {
    xlsx_package::check(bytes, limits)?;
    let unreadable =
        |e: calamine::XlsxError| SheetError::Unreadable(format!("không đọc được tệp .xlsx: {e}"));
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let Some(first) = workbook.sheet_names().into_iter().next() else {
        return Err(SheetError::Unreadable(
            "tệp Excel không có trang tính nào".into(),
        ));
    };
    let sheet_error = |e: calamine::XlsxError| {
        SheetError::Unreadable(format!("không đọc được trang tính đầu tiên: {e}"))
    };
    let mut cells = workbook
        .worksheet_cells_reader(&first)
        .map_err(sheet_error)?;
    let mut grid = BoundedGrid::new(*limits);
    let declared = cells.dimensions();
    grid.check_declared(declared.end.0 as usize + 1, declared.end.1 as usize + 1)?;
    while let Some(cell) = cells.next_cell().map_err(sheet_error)? {
        let (row, col) = cell.get_position();
        grid.put(row as usize, col as usize, &text(cell.get_value()))?;
    }
    Ok(grid.finish())
}

/// A cell as the text a teacher sees in it.
fn text<'a>(cell: &'a DataRef<'_>) -> Cow<'a, str> {
    let data = match cell {
        DataRef::SharedString(s) => return Cow::Borrowed(s),
        DataRef::String(s) => return Cow::Borrowed(s),
        DataRef::Empty => return Cow::Borrowed(""),
        other => Data::from(other.clone()),
    };
    Cow::Owned(match data {
        Data::Float(f) => number(f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        // A date typed into a cell (the `checked` row): its day as YYYY-MM-DD.
        Data::DateTime(d) if d.as_f64().fract() == 0.0 && d.as_f64() >= 61.0 => {
            date_from_days((d.as_f64() - UNIX_EPOCH_SERIAL) as i64)
        }
        other => other.to_string(),
    })
}

/// One sheet to write: its name, its rows, and the rows to set in bold.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub grid: &'a Grid,
    pub bold_rows: Vec<usize>,
    /// The first row below the header, to freeze what is above it on screen.
    pub freeze_below: Option<usize>,
}

/// The sheets as an `.xlsx` file. `created` (`YYYY-MM-DD`) is the document's creation date,
/// so the same bank always gives the same bytes.
pub fn write(sheets: &[Sheet], created: &str) -> anyhow::Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    if let Some(date) = ymd(created) {
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&date));
    }
    let bold = Format::new().set_bold();
    for sheet in sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(sheet.name)?;
        for (r, row) in sheet.grid.iter().enumerate() {
            let bold_row = sheet.bold_rows.contains(&r);
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if cell.is_empty() {
                    continue;
                }
                match cell.parse::<f64>() {
                    Ok(n) if n.is_finite() && number(n) == *cell => ws.write_number(r, c, n)?,
                    _ if bold_row => ws.write_string_with_format(r, c, cell, &bold)?,
                    _ => ws.write_string(r, c, cell)?,
                };
            }
        }
        if let Some(row) = sheet.freeze_below {
            ws.set_freeze_panes(row as u32, 0)?;
        }
        ws.autofit_to_max_width(320);
    }
    Ok(workbook.save_to_buffer()?)
}

fn ymd(date: &str) -> Option<ExcelDateTime> {
    let mut parts = date.split('-').map(str::parse::<u16>);
    let (y, m, d) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    ExcelDateTime::from_ymd(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back_the_same() {
        let grid: Grid = vec![
            vec![],
            vec!["".into(), "Câu hỏi".into(), "20".into(), "0.1".into()],
            vec![
                "x".into(),
                "007".into(),
                "1,3".into(),
                "1.50".into(),
                "Đúng".into(),
            ],
        ];
        let bytes = write(
            &[Sheet {
                name: "Câu hỏi",
                grid: &grid,
                bold_rows: vec![1],
                freeze_below: Some(2),
            }],
            "2026-11-25",
        )
        .unwrap();
        assert_eq!(read(&bytes).unwrap(), grid);
        let again = write(
            &[Sheet {
                name: "Câu hỏi",
                grid: &grid,
                bold_rows: vec![1],
                freeze_below: Some(2),
            }],
            "2026-11-25",
        )
        .unwrap();
        assert_eq!(bytes, again, "the same rows give the same bytes");
    }

    #[test]
    fn a_declared_range_past_the_caps_is_refused_before_a_cell_is_read() {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "code").unwrap();
        ws.write_string(1_048_575, 16_383, "x").unwrap();
        let err = read(&book.save_to_buffer().unwrap()).unwrap_err();
        assert!(
            matches!(&err, SheetError::TooLarge(m) if m.contains("dòng 1.048.576")),
            "{err:?}"
        );
    }

    #[test]
    fn cells_keep_their_places_below_and_right_of_gaps() {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(4, 2, "c5").unwrap();
        ws.write_number(6, 0, 20.0).unwrap();
        let grid = read(&book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(grid.len(), 7);
        assert_eq!(grid[4], vec!["", "", "c5"]);
        assert_eq!(grid[6], vec!["20"]);
        assert!(grid[..4].iter().all(Vec::is_empty));
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        assert!(read(b"not a workbook")
            .unwrap_err()
            .message()
            .starts_with("không đọc được tệp .xlsx: "));
    }
}
