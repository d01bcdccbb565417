//! Importing a spreadsheet into a bank folder: read the file, check its rows against the banks
//! already in the folder, and save the result beside them as `{id}.toml`, where
//! `hoithi bank check` and the server find it.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::domain::bank_toml;
use crate::domain::sheet::{self, Problem, Report, Settings};

use super::limits::SheetLimits;
use super::{load, sheets, Source};

/// What an import did: the report, and the file written when there was a bank to write.
pub struct FileImport {
    pub report: Report,
    pub saved: Option<PathBuf>,
}

/// Imports the spreadsheet at `path` into the bank folder `dir` (created if missing). An
/// existing bank file is never overwritten: a reviewed bank is replaced on purpose, by hand.
pub fn import_file(path: &Path, settings: &Settings, dir: &Path) -> anyhow::Result<FileImport> {
    let bytes =
        std::fs::read(path).with_context(|| format!("Failed to read {}", path.display()))?;
    let name = path.display().to_string();
    // A bank's limits, as on the server: a file too large to upload is too large here too.
    let grid = match sheets::read(&name, &bytes, &SheetLimits::bank()) {
        Ok(grid) => grid,
        Err(refused) => {
            return Ok(FileImport {
                report: unreadable(refused.into_message()),
                saved: None,
            })
        }
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("Failed to create the bank folder {}", dir.display()))?;
    let (others, _) = load(&Source::Dir(dir.to_path_buf()))?;
    let image_exists = |image: &str| dir.join("images").join(image).is_file();
    let mut report = sheet::import(
        &grid,
        &name,
        settings,
        &sheets::today(),
        &others,
        &image_exists,
    );
    let Some(bank) = &report.bank else {
        return Ok(FileImport {
            report,
            saved: None,
        });
    };
    let target = dir.join(format!("{}.toml", bank.id));
    if target.exists() {
        report.problems.push(Problem {
            row: None,
            message: format!(
                "{} đã có: hãy dùng «--id» khác, hoặc xoá tệp đó nếu muốn thay thế",
                target.display()
            ),
        });
        report.bank = None;
        return Ok(FileImport {
            report,
            saved: None,
        });
    }
    std::fs::write(&target, bank_toml::to_toml(bank))
        .with_context(|| format!("Failed to write {}", target.display()))?;
    Ok(FileImport {
        report,
        saved: Some(target),
    })
}

/// The report of a file that could not be read as a sheet at all.
pub fn unreadable(message: String) -> Report {
    Report {
        layout: None,
        rows: 0,
        bank: None,
        problems: vec![Problem { row: None, message }],
    }
}
