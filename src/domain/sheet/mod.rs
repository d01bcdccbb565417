//! Banks as spreadsheets: turning the rows of a teacher's sheet into a checked bank, and a bank
//! back into rows. Pure: the caller decodes `.xlsx`/`.csv` bytes into a [`Grid`] (see
//! `crate::banks::sheets`) and decides where the bank goes.
//!
//! Two layouts are read, told apart by their header row: hoithi's own template
//! ([`template`], every kind and field, written back by export) and the common Kahoot
//! spreadsheet ([`kahoot`]: question, up to four answers, time limit, correct answer numbers).
//! Every row is checked by the same rules as a bank file (`bank::parse_question`), so an
//! imported bank passes `hoithi bank check`.

pub mod cells;
mod example;
pub mod kahoot;
mod meta;
pub mod template;

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use super::bank::{self, Bank, Issue};
use super::bank_toml;

pub use cells::date_from_days;
pub use example::example;
pub use meta::slug;

/// A sheet as text: `grid[r][c]` is the cell at spreadsheet row `r + 1`, column `c + 1`.
/// Numbers arrive as their shortest decimal form (`20`, `0.5`).
pub type Grid = Vec<Vec<String>>;

/// Which layout a sheet was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    Hoithi,
    Kahoot,
}

/// Why a row (or the whole file) was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The spreadsheet row number, as the teacher sees it; `None` for the file as a whole.
    pub row: Option<usize>,
    pub message: String,
}

impl Problem {
    pub fn file(message: impl Into<String>) -> Problem {
        Problem {
            row: None,
            message: message.into(),
        }
    }
    pub fn row(row: usize, message: impl Into<String>) -> Problem {
        Problem {
            row: Some(row),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.row {
            Some(row) => write!(f, "dòng {row}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

/// What the person importing says; each given value wins over the file's own.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub id: Option<String>,
    pub title: Option<String>,
    pub topic: Option<String>,
    /// Level ids; empty to take them from the file.
    pub levels: Vec<String>,
    /// The source of every row that names none (a Kahoot sheet has no source column).
    pub source: Option<String>,
    /// Import the good rows of a file that also has bad ones.
    pub skip_errors: bool,
    /// What the bank is for: an official bank needs an explanation and a source on every
    /// row, a teacher's class bank does not (see [`bank::Purpose`]).
    pub purpose: bank::Purpose,
}

/// The outcome of an import: the bank to store, or nothing, and every problem found.
#[derive(Debug, Clone)]
pub struct Report {
    pub layout: Option<Layout>,
    /// Non-blank rows below the header.
    pub rows: usize,
    /// The bank to store; `None` when nothing may be imported (any problem without
    /// `skip_errors`, a problem with the bank itself, or no good row at all).
    pub bank: Option<Bank>,
    pub problems: Vec<Problem>,
}

/// One row read by a layout: the question's fields, or why the row cannot be one.
pub(crate) type RowResult = Result<bank::RawQuestion, Vec<String>>;

/// Rows this far down without a header mean the sheet is not one we know.
const HEADER_SEARCH_ROWS: usize = 50;

/// Reads `grid` as a bank. `file_name` names the file (its stem is the default bank id and
/// title); `today` (`YYYY-MM-DD`) is the default `checked` date; `others` are the banks the
/// result must not repeat (ids, question text), and `image_exists` says whether an image
/// named by a row is present where the bank will live.
pub fn import(
    grid: &Grid,
    file_name: &str,
    settings: &Settings,
    today: &str,
    others: &[(String, Bank)],
    image_exists: &dyn Fn(&str) -> bool,
) -> Report {
    let mut report = Report {
        layout: None,
        rows: 0,
        bank: None,
        problems: Vec::new(),
    };
    let found = grid
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(i, row)| {
            if let Some(columns) = template::Columns::find(row) {
                Some((i, Reader::Hoithi(columns)))
            } else {
                kahoot::Columns::find(row).map(|c| (i, Reader::Kahoot(c)))
            }
        });
    let Some((header, reader)) = found else {
        report.problems.push(Problem::file(
            "không tìm thấy dòng tiêu đề cột: hãy dùng mẫu của Hội thi (các cột «kind», \
             «text», «correct», …) hoặc mẫu Kahoot (các cột «Question», «Answer 1»–«Answer 4», \
             «Time limit», «Correct answer(s)»)",
        ));
        return report;
    };
    report.layout = Some(reader.layout());
    if let Reader::Hoithi(columns) = &reader {
        report.problems.extend(columns.problems(header + 1));
    }
    let file_meta = match &reader {
        Reader::Hoithi(_) => template::metadata(&grid[..header]),
        Reader::Kahoot(_) => HashMap::new(),
    };
    let meta = meta::resolve_meta(file_name, settings, &file_meta, today, &mut report.problems);

    let mut questions = Vec::new();
    let mut rows_of: HashMap<String, usize> = HashMap::new();
    let bank_id = meta.as_ref().map_or("bank", |m| m.id.as_str());
    for (i, row) in grid.iter().enumerate().skip(header + 1) {
        let number = i + 1;
        if reader.is_blank(row) {
            continue;
        }
        report.rows += 1;
        // Generated ids follow the row's place among the data rows, so fixing a bad row
        // later does not renumber the others.
        let default_id = format!("{bank_id}-{:03}", report.rows);
        let mut issues = Vec::new();
        let raw = match reader.read(row, default_id, settings.source.as_deref()) {
            Ok(raw) => raw,
            Err(found) => {
                report
                    .problems
                    .extend(found.into_iter().map(|m| Problem::row(number, m)));
                continue;
            }
        };
        let question =
            bank::parse_question(bank_id, raw, settings.purpose, image_exists, &mut issues);
        report
            .problems
            .extend(issues.into_iter().map(|m| Problem::row(number, m)));
        if let Ok(q) = question {
            if let Some(first) = rows_of.get(&q.id) {
                report.problems.push(Problem::row(
                    number,
                    format!("mã câu hỏi {:?} bị trùng (lần đầu ở dòng {first})", q.id),
                ));
            } else {
                rows_of.insert(q.id.clone(), number);
                questions.push(q);
            }
        }
    }
    let Some(meta) = meta else {
        return report;
    };
    let mut bank = Bank {
        id: meta.id,
        title: meta.title,
        topic: meta.topic,
        levels: meta.levels,
        language: meta.language,
        checked: meta.checked,
        questions,
    };
    drop_repeats(&mut bank, file_name, others, &rows_of, &mut report.problems);
    report.problems.sort_by_key(|p| p.row);
    // Problems of the file as a whole, or of its header row, spoil every row: no skipping.
    let header_row = Some(header + 1);
    let bad_file = report
        .problems
        .iter()
        .any(|p| p.row.is_none() || p.row == header_row);
    if bad_file || (!report.problems.is_empty() && !settings.skip_errors) {
        return report;
    }
    if bank.questions.is_empty() {
        report.problems.push(Problem::file(
            "không có câu hỏi nào để nhập: bảng tính không có dòng nào hợp lệ",
        ));
        return report;
    }
    // The last word is the bank parser's: the bank as it will be saved must read back whole.
    match bank::parse_for(
        settings.purpose,
        file_name,
        &bank_toml::to_toml(&bank),
        image_exists,
    ) {
        Ok(saved) => report.bank = Some(saved),
        Err(issues) => report
            .problems
            .extend(issues.iter().map(|i| Problem::file(i.message.clone()))),
    }
    report
}

/// Removes questions that repeat one of `others` or an earlier row (same id elsewhere, same
/// or nearly the same text), reporting each at its row.
fn drop_repeats(
    bank: &mut Bank,
    file_name: &str,
    others: &[(String, Bank)],
    rows_of: &HashMap<String, usize>,
    problems: &mut Vec<Problem>,
) {
    // A bank being replaced by this import is not something it can repeat.
    let mut set: Vec<(String, Bank)> = others
        .iter()
        .filter(|(_, b)| b.id != bank.id)
        .cloned()
        .collect();
    set.push((file_name.to_owned(), bank.clone()));
    let mut dropped = Vec::new();
    for Issue {
        file,
        question,
        message,
        ..
    } in bank::check_across(&set)
    {
        let row = question.as_ref().and_then(|q| rows_of.get(q)).copied();
        if file != file_name || row.is_none() {
            continue;
        }
        problems.push(Problem { row, message });
        dropped.extend(question);
    }
    bank.questions.retain(|q| !dropped.contains(&q.id));
}

/// The layout found, holding where its columns are.
enum Reader {
    Hoithi(template::Columns),
    Kahoot(kahoot::Columns),
}

impl Reader {
    fn layout(&self) -> Layout {
        match self {
            Reader::Hoithi(_) => Layout::Hoithi,
            Reader::Kahoot(_) => Layout::Kahoot,
        }
    }
    fn is_blank(&self, row: &[String]) -> bool {
        match self {
            Reader::Hoithi(c) => c.is_blank(row),
            Reader::Kahoot(c) => c.is_blank(row),
        }
    }
    fn read(&self, row: &[String], default_id: String, source: Option<&str>) -> RowResult {
        match self {
            Reader::Hoithi(c) => c.read(row, default_id, source),
            Reader::Kahoot(c) => c.read(row, default_id, source),
        }
    }
}

#[cfg(test)]
mod tests;
