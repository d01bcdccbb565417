//! Bank files on disk (or bundled into the binary): reading them and checking them as a set.
//! The format and its rules are in [`crate::domain::bank`]; this module only does the I/O,
//! and the spreadsheet side of it: [`sheets`] (`.xlsx` via [`xlsx`], `.csv` via [`csv`], both
//! within the caps of [`limits`]) and [`import`] into a bank folder. The `hoithi bank …`
//! commands are in `crate::cli::bank`.

use std::path::PathBuf;

use anyhow::Context;

use crate::domain::bank::{self, Bank, Issue};

mod bounded;
pub mod csv;
pub mod import;
pub mod limits;
pub mod sheets;
pub mod xlsx;
mod xlsx_package;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/bundled_banks.rs"));
}

/// Where banks come from: a folder, or the copy built into the binary.
#[derive(Debug, Clone)]
pub enum Source {
    Dir(PathBuf),
    Bundled,
}

/// Banks that parsed, each with the file it came from, and every issue found.
pub type Loaded = (Vec<(String, Bank)>, Vec<Issue>);

/// Every bank of `source`, checked one by one and as a set: the banks that parsed, and every
/// issue found (a bank with issues of its own is left out; issues across banks leave both in).
pub fn load(source: &Source) -> anyhow::Result<Loaded> {
    let files = read_files(source)?;
    let mut banks = Vec::new();
    let mut issues = Vec::new();
    for (name, text) in &files {
        let exists = |image: &str| image_exists(source, image);
        match bank::parse(name, text, &exists) {
            Ok(bank) => {
                let stem = name
                    .trim_end_matches(".toml")
                    .rsplit('/')
                    .next()
                    .unwrap_or_default();
                if bank.id != stem {
                    issues.push(Issue {
                        file: name.clone(),
                        line: None,
                        question: None,
                        message: format!("mã ngân hàng {:?} không khớp với tên tệp", bank.id),
                    });
                }
                banks.push((name.clone(), bank));
            }
            Err(found) => issues.extend(found),
        }
    }
    issues.extend(bank::check_across(&banks));
    Ok((banks, issues))
}

/// `(name, contents)` of every `*.toml` bank of the source, sorted by name.
fn read_files(source: &Source) -> anyhow::Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    match source {
        Source::Bundled => {
            for (name, bytes) in embedded::BUNDLED_BANKS {
                if name.ends_with(".toml") && !name.contains('/') {
                    files.push((
                        name.to_string(),
                        String::from_utf8_lossy(bytes).into_owned(),
                    ));
                }
            }
        }
        Source::Dir(dir) => {
            let entries = std::fs::read_dir(dir)
                .with_context(|| format!("Failed to read the bank folder {}", dir.display()))?;
            for entry in entries {
                let path = entry?.path();
                if path.extension().is_some_and(|e| e == "toml") {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("Failed to read {}", path.display()))?;
                    files.push((path.display().to_string(), text));
                }
            }
        }
    }
    files.sort();
    Ok(files)
}

fn image_exists(source: &Source, image: &str) -> bool {
    let rel = format!("images/{image}");
    match source {
        Source::Bundled => embedded::BUNDLED_BANKS.iter().any(|(name, _)| *name == rel),
        Source::Dir(dir) => dir.join(&rel).is_file(),
    }
}

/// The bytes of a bank image, for serving.
pub fn image(source: &Source, image: &str) -> Option<Vec<u8>> {
    if image.contains("..") || image.contains('/') || image.contains('\\') {
        return None;
    }
    let rel = format!("images/{image}");
    match source {
        Source::Bundled => embedded::BUNDLED_BANKS
            .iter()
            .find(|(name, _)| *name == rel)
            .map(|(_, b)| b.to_vec()),
        Source::Dir(dir) => std::fs::read(dir.join(rel)).ok(),
    }
}
