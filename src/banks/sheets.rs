//! Spreadsheet files of banks: which format a file is, its bytes to rows, and a bank to the
//! bytes of a file in hoithi's template layout. What the rows mean is
//! [`crate::domain::sheet`]'s business.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::domain::bank::Bank;
use crate::domain::sheet::{date_from_days, template, Grid};

use super::limits::{SheetError, SheetLimits};
use super::{csv, xlsx};

/// A spreadsheet file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    /// The format of a file, from its name's extension.
    pub fn of_file(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The rows of the first sheet of `bytes`, a file named `file_name`, within `limits`. CPU
/// work proportional to the file (up to the limits): callers on the async runtime run it on a
/// blocking thread.
pub fn read(file_name: &str, bytes: &[u8], limits: &SheetLimits) -> Result<Grid, SheetError> {
    match Format::of_file(file_name) {
        Some(Format::Xlsx) => xlsx::read_within(bytes, limits),
        Some(Format::Csv) => csv::read_within(bytes, limits),
        None => Err(SheetError::Unreadable(format!(
            "{file_name:?} không phải tệp .xlsx hay .csv: hãy lưu bảng tính dưới một trong hai \
             dạng này"
        ))),
    }
}

/// `bank` as a file in the template layout. A workbook gets a second sheet, «Hướng dẫn»,
/// that says what each column takes.
pub fn write(bank: &Bank, format: Format) -> anyhow::Result<Vec<u8>> {
    let grid = template::grid(bank);
    match format {
        Format::Csv => Ok(csv::write(&grid).into_bytes()),
        Format::Xlsx => {
            let header = template::BANK_FIELDS.len() + 1;
            let guide = template::guide();
            xlsx::write(
                &[
                    xlsx::Sheet {
                        name: "Câu hỏi",
                        grid: &grid,
                        bold_rows: (0..template::BANK_FIELDS.len()).chain([header]).collect(),
                        freeze_below: Some(header + 1),
                    },
                    xlsx::Sheet {
                        name: "Hướng dẫn",
                        grid: &guide,
                        bold_rows: vec![0],
                        freeze_below: Some(1),
                    },
                ],
                &bank.checked,
            )
        }
    }
}

/// Today's date in Vietnam (UTC+7) as `YYYY-MM-DD`: the `checked` date of an import that
/// names none.
pub fn today() -> String {
    const VIETNAM_OFFSET_SECS: u64 = 7 * 3600;
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    date_from_days(((secs + VIETNAM_OFFSET_SECS) / 86_400) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::banks::{load, Source};
    use crate::domain::sheet::{self, Settings};

    /// Every bundled bank, exported in both formats and imported again, is the same bank.
    #[test]
    fn every_bundled_bank_round_trips_through_both_formats() {
        let (banks, _) = load(&Source::Dir("question-banks".into())).unwrap();
        assert!(banks.len() >= 5);
        let images = |image: &str| {
            std::path::Path::new("question-banks/images")
                .join(image)
                .is_file()
        };
        for (_, bank) in &banks {
            for format in [Format::Xlsx, Format::Csv] {
                let name = format!("{}.{}", bank.id, format.extension());
                let bytes = write(bank, format).unwrap();
                let grid = read(&name, &bytes, &SheetLimits::bank()).unwrap();
                let report = sheet::import(
                    &grid,
                    &name,
                    &Settings::default(),
                    "2000-01-01",
                    &[],
                    &images,
                );
                assert_eq!(report.problems, vec![], "{name}");
                assert_eq!(report.bank.as_ref(), Some(bank), "{name}");
            }
        }
    }

    #[test]
    fn file_names_say_the_format() {
        assert_eq!(Format::of_file("Bộ câu hỏi.XLSX"), Some(Format::Xlsx));
        assert_eq!(Format::of_file("a.csv"), Some(Format::Csv));
        assert_eq!(Format::of_file("a.xls"), None);
        assert!(read("a.ods", b"", &SheetLimits::bank())
            .unwrap_err()
            .message()
            .contains("\"a.ods\" không phải tệp .xlsx hay .csv"));
    }
}
