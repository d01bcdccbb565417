//! hoithi's own spreadsheet layout: a few rows naming the bank (key in column A, value in
//! column B), then a header row and one question per row. Every field of the bank format has
//! a column, so export writes any bank in this layout and import reads it back unchanged.
//! Documented in `question-banks/README.md` ("Import and export").

use std::collections::HashMap;

use super::super::bank::{Bank, RawQuestion};
use super::super::bank_toml::{number, points_str};
use super::super::question::{AnswerKey, QuestionKind, MAX_OPTIONS};
use super::super::text;
use super::cells::{self, get, key_of};
use super::{Grid, Problem, RowResult};

/// The rows that name the bank: key, Vietnamese label.
pub const BANK_FIELDS: [(&str, &str); 6] = [
    ("bank", "Mã ngân hàng"),
    ("title", "Tên ngân hàng"),
    ("topic", "Chủ đề"),
    ("levels", "Cấp học"),
    ("language", "Ngôn ngữ"),
    ("checked", "Ngày kiểm tra"),
];

/// The question columns in order: key, Vietnamese label, what to write in it.
pub const COLUMNS: [(&str, &str, &str); 11 + MAX_OPTIONS] = [
    (
        "id",
        "Mã câu hỏi",
        "chữ thường, số và dấu -; để trống thì tự đặt",
    ),
    (
        "kind",
        "Loại",
        "single, multiple, true_false, ordering hoặc numeric",
    ),
    ("text", "Câu hỏi", "tối đa 300 ký tự"),
    ("option_1", "Phương án 1", "tối đa 120 ký tự mỗi phương án"),
    (
        "option_2",
        "Phương án 2",
        "ordering: ghi các mục theo đúng thứ tự",
    ),
    ("option_3", "Phương án 3", "để trống nếu không dùng"),
    ("option_4", "Phương án 4", "để trống nếu không dùng"),
    ("option_5", "Phương án 5", "để trống nếu không dùng"),
    ("option_6", "Phương án 6", "để trống nếu không dùng"),
    (
        "correct",
        "Đáp án đúng",
        "single: 2; multiple: 1,3; true_false: Đúng hoặc Sai; ordering: để trống; numeric: một số",
    ),
    ("tolerance", "Sai số cho phép", "chỉ cho numeric, ví dụ 0.5"),
    ("time_limit", "Thời gian, giây", "từ 5 đến 240"),
    (
        "points",
        "Điểm",
        "standard (1000), double (2000) hoặc none (0); để trống là standard",
    ),
    ("difficulty", "Độ khó", "1 dễ, 2 vừa, 3 khó"),
    (
        "explanation",
        "Giải thích",
        "hiện cho mọi người sau khi công bố đáp án",
    ),
    (
        "source",
        "Nguồn",
        "văn bản pháp luật hoặc trang chính thức làm căn cứ",
    ),
    (
        "image",
        "Hình ảnh",
        "tên tệp trong thư mục images/ cạnh ngân hàng; có thể để trống",
    ),
];

/// Columns a sheet must have; the others may be left out.
const REQUIRED: [&str; 7] = [
    "kind",
    "text",
    "correct",
    "time_limit",
    "difficulty",
    "explanation",
    "source",
];

fn header_cell(key: &str, label: &str) -> String {
    format!("{label} ({key})")
}

/// Where each column of a hoithi header row is.
#[derive(Debug, Clone)]
pub struct Columns {
    at: HashMap<&'static str, usize>,
    unknown: Vec<String>,
}

impl Columns {
    /// The columns of `row` when it is a hoithi header row (it names `kind` and `text`).
    pub fn find(row: &[String]) -> Option<Columns> {
        let mut at = HashMap::new();
        let mut unknown = Vec::new();
        for (c, cell) in row.iter().enumerate() {
            let key = key_of(cell);
            match COLUMNS.iter().find(|(k, ..)| *k == key) {
                Some((k, ..)) => {
                    at.entry(*k).or_insert(c);
                }
                None if key.is_empty() => {}
                None => unknown.push(cell.trim().to_owned()),
            }
        }
        (at.contains_key("kind") && at.contains_key("text")).then_some(Columns { at, unknown })
    }

    /// What is wrong with the header itself (found at spreadsheet row `row`).
    pub(super) fn problems(&self, row: usize) -> Vec<Problem> {
        let missing = REQUIRED.iter().filter(|k| !self.at.contains_key(*k));
        let unknown = self
            .unknown
            .iter()
            .map(|c| format!("cột {c:?} không có trong mẫu của Hội thi"));
        missing
            .map(|k| format!("dòng tiêu đề thiếu cột «{k}»"))
            .chain(unknown)
            .map(|message| Problem::row(row, message))
            .collect()
    }

    fn cell(&self, row: &[String], key: &str) -> String {
        get(row, self.at.get(key).copied())
    }

    pub(super) fn is_blank(&self, row: &[String]) -> bool {
        self.at.values().all(|&c| get(row, Some(c)).is_empty())
    }

    /// One question row.
    pub(super) fn read(
        &self,
        row: &[String],
        default_id: String,
        source: Option<&str>,
    ) -> RowResult {
        let cell = |key: &str| self.cell(row, key);
        let mut errors = Vec::new();
        let kind = cell("kind").to_lowercase();
        let options = options(
            (1..=MAX_OPTIONS)
                .map(|i| cell(&format!("option_{i}")))
                .collect(),
            &mut errors,
        );
        let correct = correct(&kind, &cell("correct"), &mut errors);
        let tolerance = match cell("tolerance") {
            t if t.is_empty() => None,
            t => cells::number(&t).or_else(|| {
                errors.push(format!(
                    "sai số cho phép («tolerance») {t:?} không phải là số (số thập phân dùng \
                     dấu chấm, ví dụ 0.5)"
                ));
                None
            }),
        };
        let time_limit = whole_in(
            &cell("time_limit"),
            "thời gian trả lời («time_limit»)",
            u32::MAX.into(),
            &mut errors,
        );
        let difficulty = whole_in(
            &cell("difficulty"),
            "độ khó («difficulty»)",
            u8::MAX.into(),
            &mut errors,
        );
        let points = match cell("points").to_lowercase().as_str() {
            "" => None,
            "0" => Some("none".into()),
            "1000" => Some("standard".into()),
            "2000" => Some("double".into()),
            other => Some(other.to_owned()),
        };
        let id = cell("id");
        let image = cell("image");
        let mut source_text = cell("source");
        if source_text.is_empty() {
            source_text = source.map(text::normalize).unwrap_or_default();
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(RawQuestion {
            id: if id.is_empty() { default_id } else { id },
            kind,
            text: cell("text"),
            image: (!image.is_empty()).then_some(image),
            options: Some(options),
            correct,
            tolerance,
            time_limit: time_limit as u32,
            points,
            difficulty: difficulty as u8,
            explanation: cell("explanation"),
            source: source_text,
        })
    }
}

/// A whole number in `0..=max`, or an error naming the column (`what`: its Vietnamese name and
/// key). Empty or bad cells read as a harmless placeholder; the pushed error rejects the row.
fn whole_in(s: &str, what: &str, max: i64, errors: &mut Vec<String>) -> i64 {
    match cells::whole(s) {
        Some(n) if (0..=max).contains(&n) => n,
        _ if s.is_empty() => {
            errors.push(format!("{what} đang để trống"));
            1
        }
        _ => {
            errors.push(format!("{what} {s:?} không phải là số nguyên hợp lệ"));
            1
        }
    }
}

/// The filled option cells, which must come first: a gap would shift the option numbers
/// that `correct` refers to.
pub(super) fn options(cells: Vec<String>, errors: &mut Vec<String>) -> Vec<String> {
    let last = cells
        .iter()
        .rposition(|c| !c.is_empty())
        .map_or(0, |i| i + 1);
    if let Some(gap) = cells[..last].iter().position(String::is_empty) {
        errors.push(format!(
            "phương án {} đang để trống nhưng phương án {last} lại có nội dung",
            gap + 1
        ));
    }
    cells
        .into_iter()
        .take(last)
        .filter(|c| !c.is_empty())
        .collect()
}

/// The `correct` cell as the bank format states it for `kind` (see the README's table).
fn correct(kind: &str, cell: &str, errors: &mut Vec<String>) -> Option<toml::Value> {
    if cell.is_empty() {
        return None;
    }
    let numbers = |errors: &mut Vec<String>| {
        cells::option_numbers(cell)
            .map_err(|e| errors.push(e))
            .ok()
            .map(|ns| ns.into_iter().map(toml::Value::Integer).collect::<Vec<_>>())
    };
    match kind {
        "single" => numbers(errors).map(|mut ns| {
            // More than one number stays a list, for the parser to report.
            if ns.len() == 1 {
                ns.remove(0)
            } else {
                toml::Value::Array(ns)
            }
        }),
        "multiple" => numbers(errors).map(toml::Value::Array),
        "true_false" => match text::fold(cell).as_str() {
            "dung" | "true" | "d" => Some(toml::Value::Boolean(true)),
            "sai" | "false" | "s" => Some(toml::Value::Boolean(false)),
            _ => {
                errors.push(format!("đáp án đúng {cell:?} phải là «Đúng» hoặc «Sai»"));
                None
            }
        },
        "numeric" => cells::number(cell).map(toml::Value::Float).or_else(|| {
            errors.push(format!(
                "đáp án đúng {cell:?} không phải là số (số thập phân dùng dấu chấm, ví dụ 0.5)"
            ));
            None
        }),
        // Ordering takes none: pass it on for the parser's message. Unknown kinds likewise.
        _ => Some(toml::Value::String(cell.to_owned())),
    }
}

/// The bank-naming rows above the header: key → (row number, value).
pub(super) fn metadata(rows: &[Vec<String>]) -> HashMap<&'static str, (usize, String)> {
    let mut found = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let key = key_of(row.first().map_or("", String::as_str));
        if let Some((k, _)) = BANK_FIELDS.iter().find(|(k, _)| *k == key) {
            found.entry(*k).or_insert((i + 1, get(row, Some(1))));
        }
    }
    found
}

/// `bank` as rows of this layout: what export writes.
pub fn grid(bank: &Bank) -> Grid {
    let levels: Vec<&str> = bank.levels.iter().map(|l| l.as_str()).collect();
    let values = [
        bank.id.clone(),
        bank.title.clone(),
        bank.topic.as_str().to_owned(),
        levels.join(", "),
        bank.language.clone(),
        bank.checked.clone(),
    ];
    let mut grid: Grid = BANK_FIELDS
        .iter()
        .zip(values)
        .map(|((key, label), value)| vec![header_cell(key, label), value])
        .collect();
    grid.push(Vec::new());
    grid.push(
        COLUMNS
            .iter()
            .map(|(key, label, _)| header_cell(key, label))
            .collect(),
    );
    for q in &bank.questions {
        let mut options = q.options.clone();
        let correct = match (&q.kind, &q.key) {
            (QuestionKind::TrueFalse, AnswerKey::Options { ids }) => {
                options.clear();
                if ids == &[1] { "Đúng" } else { "Sai" }.to_owned()
            }
            (_, AnswerKey::Options { ids }) => {
                ids.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
            }
            (_, AnswerKey::Order { ids }) => {
                options = ids
                    .iter()
                    .filter_map(|&id| q.options.get(usize::from(id).wrapping_sub(1)).cloned())
                    .collect();
                String::new()
            }
            (_, AnswerKey::Number { value, .. }) => number(*value),
        };
        let tolerance = match q.key {
            AnswerKey::Number { tolerance, .. } if tolerance != 0.0 => number(tolerance),
            _ => String::new(),
        };
        options.resize(MAX_OPTIONS, String::new());
        let mut row = vec![q.id.clone(), q.kind.as_str().to_owned(), q.text.clone()];
        row.extend(options);
        row.extend([
            correct,
            tolerance,
            q.time_limit.secs().to_string(),
            points_str(q.points).to_owned(),
            q.difficulty.to_string(),
            q.explanation.clone(),
            q.source.clone(),
            q.image.clone().unwrap_or_default(),
        ]);
        grid.push(row);
    }
    grid
}

/// What each column means, in Vietnamese: the guide sheet of the template workbook.
pub fn guide() -> Grid {
    let mut rows = vec![vec!["Cột".to_owned(), "Cách ghi".to_owned()]];
    rows.extend(
        COLUMNS
            .iter()
            .map(|(key, label, help)| vec![header_cell(key, label), (*help).to_owned()]),
    );
    rows
}
