//! A [`Grid`] filled cell by cell that refuses to grow past its [`SheetLimits`]: both readers
//! (`.xlsx`, `.csv`) put every cell through it, so no file decides how much is allocated.

use crate::domain::sheet::Grid;

use super::limits::{grouped, mib, SheetError, SheetLimits, MAX_CELL_CHARS};

pub struct BoundedGrid {
    limits: SheetLimits,
    grid: Grid,
    /// Cells held, counting the empty ones a row needs left of its filled ones.
    cells: usize,
    text_bytes: usize,
}

impl BoundedGrid {
    pub fn new(limits: SheetLimits) -> BoundedGrid {
        BoundedGrid {
            limits,
            grid: Vec::new(),
            cells: 0,
            text_bytes: 0,
        }
    }

    /// Checks that a sheet declaring `rows` × `columns` (its used range, as the file says)
    /// fits, before any cell is read: the file is refused at once, whatever its cells.
    pub fn check_declared(&self, rows: usize, columns: usize) -> Result<(), SheetError> {
        if rows <= self.limits.rows && columns <= self.limits.columns {
            return Ok(());
        }
        Err(SheetError::TooLarge(format!(
            "vùng dữ liệu của bảng tính kéo đến ô {} (dòng {}, cột thứ {}) trong khi một tệp \
             loại này chỉ được có {} dòng và {} cột: hãy xoá các dòng, cột thừa (kể cả ô trống \
             đã định dạng), hoặc chia thành nhiều tệp",
            cell_name(rows.saturating_sub(1), columns.saturating_sub(1)),
            grouped(rows),
            grouped(columns),
            grouped(self.limits.rows),
            self.limits.columns
        )))
    }

    /// Sets the cell at 0-based (`row`, `col`). Empty cells are neither kept nor checked: rows
    /// of empty cells below the data (a sheet's formatted but unused rows, a CSV's trailing
    /// `,,,` lines) cost nothing, and rows only come into being up to the last filled one.
    pub fn put(&mut self, row: usize, col: usize, text: &str) -> Result<(), SheetError> {
        if text.is_empty() {
            return Ok(());
        }
        self.check_row(row)?;
        self.check_column(col)?;
        // Bytes first: a cheap bound before counting characters.
        if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
            return Err(SheetError::TooLarge(format!(
                "ô {} có hơn {} ký tự, nhiều hơn một ô của Excel chứa được",
                cell_name(row, col),
                grouped(MAX_CELL_CHARS)
            )));
        }
        if self.grid.len() <= row {
            self.grid.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.grid[row];
        if cells.len() <= col {
            let added = col + 1 - cells.len();
            if self.cells + added > self.limits.cells {
                return Err(SheetError::TooLarge(format!(
                    "bảng tính có hơn {} ô (tính cả ô trống nằm bên trái một ô có dữ liệu): \
                     hãy xoá các cột không dùng, hoặc chia thành nhiều tệp",
                    grouped(self.limits.cells)
                )));
            }
            self.cells += added;
            cells.resize_with(col + 1, String::new);
        }
        let replaced = std::mem::take(&mut cells[col]).len();
        self.text_bytes = self.text_bytes - replaced + text.len();
        if self.text_bytes > self.limits.unzipped_bytes {
            return Err(SheetError::TooLarge(format!(
                "chữ trong các ô của bảng tính dài hơn {} MiB: hãy chia thành nhiều tệp",
                mib(self.limits.unzipped_bytes)
            )));
        }
        cells[col] = text.to_owned();
        Ok(())
    }

    /// The rows read, to the last with a filled cell; `grid[r][c]` is the cell at row `r + 1`,
    /// column `c + 1`.
    pub fn finish(self) -> Grid {
        self.grid
    }

    fn check_row(&self, row: usize) -> Result<(), SheetError> {
        if row >= self.limits.rows {
            return Err(SheetError::TooLarge(format!(
                "bảng tính có dữ liệu ở dòng {} trong khi một tệp loại này chỉ được có {} dòng: \
                 hãy xoá các dòng thừa ở cuối, hoặc chia thành nhiều tệp",
                grouped(row + 1),
                grouped(self.limits.rows)
            )));
        }
        Ok(())
    }

    fn check_column(&self, col: usize) -> Result<(), SheetError> {
        if col >= self.limits.columns {
            return Err(SheetError::TooLarge(format!(
                "bảng tính có dữ liệu ở cột {} (cột thứ {}) trong khi chỉ được có {} cột: \
                 hãy xoá các cột thừa bên phải",
                column_name(col),
                grouped(col + 1),
                self.limits.columns
            )));
        }
        Ok(())
    }
}

/// The spreadsheet name of a 0-based column: 0 → A, 25 → Z, 26 → AA, 16383 → XFD.
pub fn column_name(col: usize) -> String {
    let mut n = col + 1;
    let mut name = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

fn cell_name(row: usize, col: usize) -> String {
    format!("{}{}", column_name(col), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> SheetLimits {
        SheetLimits {
            rows: 10,
            columns: 4,
            cells: 12,
            unzipped_bytes: 100,
        }
    }

    #[test]
    fn cells_land_where_the_sheet_has_them() {
        let mut g = BoundedGrid::new(limits());
        g.put(2, 1, "b3").unwrap();
        g.put(0, 0, "a1").unwrap();
        g.put(2, 3, "").unwrap();
        g.put(2, 1, "B3").unwrap();
        assert_eq!(
            g.finish(),
            vec![vec!["a1".to_string()], vec![], vec!["".into(), "B3".into()]]
        );
    }

    #[test]
    fn positions_past_the_caps_are_refused_with_their_names() {
        let mut g = BoundedGrid::new(limits());
        let far = g.put(9, 4, "x").unwrap_err();
        assert!(far.message().contains("cột E (cột thứ 5)"), "{far}");
        let low = g.put(10, 0, "x").unwrap_err();
        assert!(low.message().contains("ở dòng 11"), "{low}");
        let declared = g.check_declared(1_048_576, 16_384).unwrap_err();
        assert!(
            declared.message().starts_with(
                "vùng dữ liệu của bảng tính kéo đến ô XFD1048576 (dòng 1.048.576, cột thứ 16.384)"
            ),
            "{declared}"
        );
        assert!(g.check_declared(10, 4).is_ok());
        assert_eq!(column_name(16_383), "XFD");
        assert_eq!(column_name(26), "AA");
    }

    #[test]
    fn cells_and_text_have_a_budget() {
        let mut g = BoundedGrid::new(limits());
        for row in 0..3 {
            g.put(row, 3, "x").unwrap();
        }
        let err = g.put(3, 3, "x").unwrap_err();
        assert!(err.message().contains("hơn 12 ô"), "{err}");

        let mut g = BoundedGrid::new(limits());
        g.put(0, 0, &"a".repeat(60)).unwrap();
        g.put(0, 0, &"b".repeat(60)).unwrap();
        let err = g.put(1, 0, &"c".repeat(60)).unwrap_err();
        assert!(err.message().contains("dài hơn 0 MiB"), "{err}");
        let long = "đ".repeat(MAX_CELL_CHARS + 1);
        let err = BoundedGrid::new(SheetLimits {
            unzipped_bytes: usize::MAX,
            ..limits()
        })
        .put(0, 0, &long)
        .unwrap_err();
        assert!(err.message().contains("ô A1 có hơn 32.767 ký tự"), "{err}");
    }
}
