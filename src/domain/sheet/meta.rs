//! The bank's own fields (id, title, topic, levels, language, checked date) of an import:
//! from what the person importing says, else the rows above the header, else a default made
//! from the file name or today's date.

use std::collections::HashMap;

use super::super::bank::{Level, Topic};
use super::super::text;
use super::{cells, Problem, Settings};

/// The bank's own fields, settled from the settings, the file and the defaults.
pub(super) struct Meta {
    pub id: String,
    pub title: String,
    pub topic: Topic,
    pub levels: Vec<Level>,
    pub language: String,
    pub checked: String,
}

/// Settles the bank's fields; `None` (with problems pushed) when one cannot be settled.
pub(super) fn resolve_meta(
    file_name: &str,
    settings: &Settings,
    file: &HashMap<&'static str, (usize, String)>,
    today: &str,
    problems: &mut Vec<Problem>,
) -> Option<Meta> {
    let stem = file_stem(file_name);
    let start = problems.len();
    // Each value with the row it came from (None: from the settings or a default).
    let pick = |given: &Option<String>, key: &str| -> Option<(Option<usize>, String)> {
        given
            .as_ref()
            .map(|v| (None, text::normalize(v)))
            .or_else(|| file.get(key).map(|(row, v)| (Some(*row), v.clone())))
            .filter(|(_, v)| !v.is_empty())
    };
    let mut fail = |row: Option<usize>, message: String| problems.push(Problem { row, message });

    let (id_row, id) = pick(&settings.id, "bank").unwrap_or((None, slug(&stem)));
    if !cells::is_slug(&id) {
        fail(
            id_row,
            format!(
                "mã ngân hàng {id:?} chỉ được gồm chữ thường không dấu, chữ số và dấu -: \
                 hãy đặt mã khác"
            ),
        );
    }
    let (_, title) = pick(&settings.title, "title").unwrap_or((None, text::normalize(&stem)));
    let topic = match pick(&settings.topic, "topic") {
        None => {
            fail(
                None,
                format!(
                    "tệp không ghi chủ đề: hãy chọn chủ đề, một trong các mã {}",
                    list(Topic::ALL.map(Topic::as_str))
                ),
            );
            None
        }
        Some((row, t)) => Topic::parse(&t).or_else(|| {
            fail(
                row,
                format!(
                    "chủ đề {t:?} không hợp lệ: hãy dùng một trong các mã {}",
                    list(Topic::ALL.map(Topic::as_str))
                ),
            );
            None
        }),
    };
    let level_text = if settings.levels.is_empty() {
        file.get("levels").map(|(row, v)| (Some(*row), v.clone()))
    } else {
        Some((None, settings.levels.join(",")))
    };
    let mut levels = Vec::new();
    match level_text {
        None => fail(
            None,
            format!(
                "tệp không ghi cấp học: hãy chọn một hoặc nhiều cấp học trong các mã {}",
                list(Level::ALL.map(Level::as_str))
            ),
        ),
        Some((row, text)) => {
            for l in cells::split_list(&text) {
                match Level::parse(l) {
                    Some(level) if !levels.contains(&level) => levels.push(level),
                    Some(_) => {}
                    None => fail(
                        row,
                        format!(
                            "cấp học {l:?} không hợp lệ: hãy dùng {}",
                            list(Level::ALL.map(Level::as_str))
                        ),
                    ),
                }
            }
            if levels.is_empty() {
                fail(row, "ngân hàng cần ít nhất một cấp học".into());
            }
        }
    }
    let (_, language) = pick(&None, "language").unwrap_or((None, "vi".into()));
    let (checked_row, checked) = pick(&None, "checked").unwrap_or((None, today.to_owned()));
    if !cells::is_date(&checked) {
        fail(
            checked_row,
            format!("ngày kiểm tra {checked:?} phải có dạng «YYYY-MM-DD», ví dụ 2026-11-25"),
        );
    }
    if problems.len() > start {
        return None;
    }
    Some(Meta {
        id,
        title,
        topic: topic?,
        levels,
        language,
        checked,
    })
}

/// The ids a person may type, each in «», e.g. «thcs», «thpt».
fn list<const N: usize>(items: [&str; N]) -> String {
    items.map(|i| format!("«{i}»")).join(", ")
}

/// The file name without folders and extension.
fn file_stem(file_name: &str) -> String {
    let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    name.rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_owned()
}

/// A bank id from a file name: "Lừa đảo trực tuyến" → `lua-dao-truc-tuyen`.
pub fn slug(s: &str) -> String {
    text::fold(s)
        .split(' ')
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}
