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

/// The register of legal instruments beside the banks (`question-banks/superseded.toml`,
/// see [`crate::domain::bank_citations`]): a TOML file in the bank folder that is not a bank.
pub const REGISTER_FILE: &str = "superseded.toml";

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
                if name.ends_with(".toml") && !name.contains('/') && *name != REGISTER_FILE {
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
                let register = path.file_name().is_some_and(|n| n == REGISTER_FILE);
                if path.extension().is_some_and(|e| e == "toml") && !register {
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

/// The register's name and text: the folder's own `superseded.toml`, else the one built into
/// the binary, since the laws a teacher's folder cites are the laws of the country, not of
/// the folder. `None` only if neither exists.
pub fn register_file(source: &Source) -> anyhow::Result<Option<(String, String)>> {
    if let Source::Dir(dir) = source {
        let path = dir.join(REGISTER_FILE);
        if path.is_file() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("Failed to read {}", path.display()))?;
            return Ok(Some((path.display().to_string(), text)));
        }
    }
    Ok(embedded::BUNDLED_BANKS
        .iter()
        .find(|(name, _)| *name == REGISTER_FILE)
        .map(|(name, bytes)| {
            (
                format!("{name} (built into this binary)"),
                String::from_utf8_lossy(bytes).into_owned(),
            )
        }))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bank_citations::{self, Day, Register};

    /// The bundled banks cite no instrument out of force on the day each was checked. `today`
    /// is the latest `checked` date, so this test does not change with the calendar; the
    /// `hoithi bank check` test reads the real date and also catches an instrument that ended
    /// after the banks were checked.
    #[test]
    fn the_bundled_banks_cite_only_instruments_in_force_when_checked() {
        let (banks, issues) = load(&Source::Bundled).unwrap();
        assert!(issues.is_empty(), "{issues:?}");
        let (file, text) = register_file(&Source::Bundled).unwrap().expect("bundled");
        let register = Register::parse(&text).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert!(
            register.instruments().len() >= 10,
            "the register is the one with the laws in it"
        );
        let latest = banks
            .iter()
            .filter_map(|(_, b)| Day::parse(&b.checked))
            .max()
            .unwrap();
        let warnings: Vec<String> = bank_citations::check(&register, &banks, latest)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(warnings.is_empty(), "{}", warnings.join("\n"));
    }

    #[test]
    fn the_register_is_beside_the_banks_but_is_not_a_bank() {
        let (banks, _) = load(&Source::Dir("question-banks".into())).unwrap();
        assert!(banks.iter().all(|(file, _)| !file.ends_with(REGISTER_FILE)));
        let (file, _) = register_file(&Source::Dir("question-banks".into()))
            .unwrap()
            .unwrap();
        assert_eq!(file, format!("question-banks/{REGISTER_FILE}"));
        // A folder without one is checked against the laws built into the binary.
        let empty = tempfile::tempdir().unwrap();
        let (file, _) = register_file(&Source::Dir(empty.path().into()))
            .unwrap()
            .unwrap();
        assert!(file.ends_with("(built into this binary)"), "{file}");
    }
}
