//! How much of a spreadsheet an import may make the server hold. Every cap is checked before
//! the work it bounds — the body before it is read, each part of an `.xlsx` before calamine
//! opens it, a cell's position before anything is allocated for it — so that a 1.6 KB file
//! cannot ask for half a terabyte, and one school's export cannot starve the others' games.
//!
//! The caps are per kind of sheet ([`SheetKind`]): a school's roster is smaller than the
//! province's, and both are larger than a bank.

use std::fmt;

const MIB: usize = 1024 * 1024;

/// Excel refuses to put more than 32,767 characters in a cell, so a longer one did not come
/// from a spreadsheet program. Not configurable: it is the format's own limit.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Parts (files) in an `.xlsx`. Excel writes about a dozen; a workbook with many sheets and
/// pictures a few hundred. Thousands of tiny parts only cost time to list.
pub const MAX_ZIP_ENTRIES: usize = 1_000;

/// Import settings of `hoithi serve`; each flag also reads an environment variable.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportConfig {
    /// Largest bank spreadsheet upload, in MiB (a bank of a thousand questions is well under 1).
    #[arg(long, env = "HOITHI_BANK_UPLOAD_MIB", default_value_t = 4)]
    pub bank_upload_mib: usize,
    /// Largest roster upload (schools, students), in MiB: 100,000 students are about 6 MiB of
    /// CSV, less as .xlsx.
    #[arg(long, env = "HOITHI_ROSTER_UPLOAD_MIB", default_value_t = 16)]
    pub roster_upload_mib: usize,
    /// Rows of a student sheet imported by the organizer. The province has about 700,000
    /// students in 102 communes and wards; the largest ward has a few tens of thousands, so a
    /// commune's (or several communes') roster fits in one file, and the province goes in a
    /// handful of files instead of one that holds the server's memory for a minute.
    #[arg(long, env = "HOITHI_PROVINCE_ROSTER_ROWS", default_value_t = 100_000)]
    pub province_roster_rows: usize,
    /// Rows of a student sheet imported by a school admin: the largest school in the province
    /// has a few thousand students.
    #[arg(long, env = "HOITHI_SCHOOL_ROSTER_ROWS", default_value_t = 10_000)]
    pub school_roster_rows: usize,
    /// Rows of the school list: the province has about 1,400 schools.
    #[arg(long, env = "HOITHI_SCHOOL_LIST_ROWS", default_value_t = 5_000)]
    pub school_list_rows: usize,
    /// Rows of a bank sheet: bundled banks have tens of questions, the largest real ones a few
    /// hundred.
    #[arg(long, env = "HOITHI_BANK_ROWS", default_value_t = 10_000)]
    pub bank_rows: usize,
    /// Columns of any sheet: the bank template has 17, a roster 7; room for a school's own
    /// extra columns (birth date, address…) that the import ignores.
    #[arg(long, env = "HOITHI_SHEET_COLUMNS", default_value_t = 64)]
    pub sheet_columns: usize,
    /// Cells held in memory for one sheet, counting the empty ones left of a filled one: 24
    /// bytes each before their text, so the default holds a sheet in about 50 MB at most.
    #[arg(long, env = "HOITHI_SHEET_CELLS", default_value_t = 2_000_000)]
    pub sheet_cells: usize,
    /// Unzipped size of one part of an .xlsx, in MiB, and of the text of all its cells
    /// together: 100,000 students take about 40 MiB of sheet XML.
    #[arg(long, env = "HOITHI_SHEET_UNZIPPED_MIB", default_value_t = 64)]
    pub sheet_unzipped_mib: usize,
    /// Seconds an upload's body may take to arrive: a turn held by an upload that stops
    /// sending is given back then. 16 MiB over a school's 2 Mbit/s line take about 70 s.
    #[arg(long, env = "HOITHI_UPLOAD_SECONDS", default_value_t = 120)]
    pub upload_seconds: u64,
    /// Imports read and written at once; more are refused with `server_busy` until one ends.
    /// The largest roster holds about 100 MB while it imports (docs/performance.md), and its
    /// reading uses one core.
    #[arg(long, env = "HOITHI_IMPORTS_AT_ONCE", default_value_t = 2)]
    pub imports_at_once: usize,
}

impl Default for ImportConfig {
    /// The flags' defaults.
    fn default() -> Self {
        crate::flags::defaults()
    }
}

/// What a sheet holds, which decides how many rows it may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    Bank,
    SchoolList,
    /// Students, imported by the organizer (any school).
    ProvinceRoster,
    /// Students, imported by a school admin (one school).
    SchoolRoster,
}

impl ImportConfig {
    /// The caps for reading a sheet of `kind`.
    pub fn sheet(&self, kind: SheetKind) -> SheetLimits {
        let rows = match kind {
            SheetKind::Bank => self.bank_rows,
            SheetKind::SchoolList => self.school_list_rows,
            SheetKind::ProvinceRoster => self.province_roster_rows,
            SheetKind::SchoolRoster => self.school_roster_rows,
        };
        SheetLimits {
            rows,
            columns: self.sheet_columns,
            cells: self.sheet_cells,
            unzipped_bytes: self.sheet_unzipped_mib.saturating_mul(MIB),
        }
    }

    /// The largest body of an upload of `kind`, in bytes.
    pub fn upload_bytes(&self, kind: SheetKind) -> usize {
        match kind {
            SheetKind::Bank => self.bank_upload_mib,
            _ => self.roster_upload_mib,
        }
        .saturating_mul(MIB)
    }
}

/// The caps of one read. Rows and columns count from the sheet's first (A1), as the person
/// who made it sees them, so a stray cell far below or to the right counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetLimits {
    pub rows: usize,
    pub columns: usize,
    /// Cells kept, empty ones left of a filled one included.
    pub cells: usize,
    /// Unzipped bytes of one part of an `.xlsx`; also the text of every cell together.
    pub unzipped_bytes: usize,
}

impl SheetLimits {
    /// The caps for a bank, as the command line reads one.
    pub fn bank() -> SheetLimits {
        ImportConfig::default().sheet(SheetKind::Bank)
    }
}

/// Why a spreadsheet was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetError {
    /// Not a spreadsheet of a format we read, or a broken one.
    Unreadable(String),
    /// Over one of the caps: nothing past the cap was read.
    TooLarge(String),
}

impl SheetError {
    pub fn message(&self) -> &str {
        match self {
            SheetError::Unreadable(m) | SheetError::TooLarge(m) => m,
        }
    }
    pub fn into_message(self) -> String {
        match self {
            SheetError::Unreadable(m) | SheetError::TooLarge(m) => m,
        }
    }
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// `1234567` as Vietnamese write it: `1.234.567`.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(d);
    }
    out
}

/// `bytes` in MiB for messages, rounded down (caps are whole MiB).
pub fn mib(bytes: usize) -> usize {
    bytes / MIB
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_the_vietnamese_way() {
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(1000), "1.000");
        assert_eq!(grouped(100_000), "100.000");
        assert_eq!(grouped(1_048_576), "1.048.576");
    }

    #[test]
    fn a_school_gets_fewer_rows_than_the_province() {
        let config = ImportConfig::default();
        assert!(
            config.sheet(SheetKind::SchoolRoster).rows
                < config.sheet(SheetKind::ProvinceRoster).rows
        );
        assert_eq!(config.upload_bytes(SheetKind::Bank), 4 * MIB);
    }
}
