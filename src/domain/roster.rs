//! Schools and students as organizers and schools import them from spreadsheets: parsing and
//! checking rows, pure. Every bad row is reported with its spreadsheet row number; the caller
//! stores nothing from a file with problems unless asked to skip them.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::bank::Level;
use super::sheet::cells::{get, key_of, whole};
use super::sheet::{Grid, Problem};
use super::text;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct School {
    pub code: String,
    pub name: String,
    pub levels: Vec<Level>,
    pub commune: String,
    pub enrolment: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Student {
    pub code: String,
    pub full_name: String,
    /// What public pages show without consent: "Nguyễn V. A." or a chosen nickname.
    pub display_name: String,
    pub class_name: String,
    pub grade: i64,
    pub school: String,
    /// The school recorded consent to publish the full name.
    pub consent_public: bool,
}

/// The public short form of a Vietnamese full name: family name, then initials
/// ("Nguyễn Văn An" → "Nguyễn V. A."). Enough for classmates to recognise, not enough to
/// identify a child to a stranger.
pub fn display_name(full_name: &str) -> String {
    let words: Vec<&str> = full_name.split_whitespace().collect();
    match words.split_first() {
        None => String::new(),
        Some((only, [])) => (*only).to_owned(),
        Some((family, rest)) => {
            let initials: Vec<String> = rest
                .iter()
                .filter_map(|w| w.chars().next())
                .map(|c| format!("{}.", c.to_uppercase()))
                .collect();
            format!("{family} {}", initials.join(" "))
        }
    }
}

/// The result of reading a roster sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parsed<T> {
    pub rows: Vec<T>,
    pub problems: Vec<Problem>,
}

/// Columns of a sheet, found by header key; the header is the first non-empty row.
struct Columns {
    header_row: usize,
    keys: Vec<String>,
}

impl Columns {
    fn find(grid: &Grid) -> Option<Columns> {
        let header_row = grid
            .iter()
            .position(|r| r.iter().any(|c| !c.trim().is_empty()))?;
        Some(Columns {
            header_row,
            keys: grid[header_row].iter().map(|c| key_of(c)).collect(),
        })
    }

    fn col(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| k == key)
    }

    fn require(&self, keys: &[&str]) -> Result<(), Problem> {
        let missing: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| self.col(k).is_none())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Problem::file(format!("thiếu cột: {}", missing.join(", "))))
        }
    }
}

fn code_ok(code: &str) -> bool {
    (1..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Reads the data rows of a sheet whose header has `required` columns. `row` checks one row:
/// it returns the parsed value, or pushes its reasons onto `why`. Blank rows are skipped.
fn read_rows<T>(
    grid: &Grid,
    required: &[&str],
    mut row: impl FnMut(&dyn Fn(&str) -> String, &mut Vec<String>) -> Option<T>,
) -> Parsed<T> {
    let mut out = Parsed {
        rows: Vec::new(),
        problems: Vec::new(),
    };
    let Some(cols) = Columns::find(grid) else {
        out.problems
            .push(Problem::file("Bảng tính không có dòng nào"));
        return out;
    };
    if let Err(p) = cols.require(required) {
        out.problems.push(p);
        return out;
    }
    for (i, cells) in grid.iter().enumerate().skip(cols.header_row + 1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |k: &str| get(cells, cols.col(k));
        let mut why = Vec::new();
        match row(&cell, &mut why) {
            Some(value) if why.is_empty() => out.rows.push(value),
            _ => out.problems.push(Problem::row(i + 1, why.join("; "))),
        }
    }
    out
}

/// Checks a unit's code and that it appears once in the sheet. `what` names the code in the
/// message («mã trường», «mã học sinh»).
fn check_code(what: &str, code: &str, seen: &mut HashSet<String>, why: &mut Vec<String>) {
    if !code_ok(code) {
        why.push(format!(
            "{what} {code:?} phải dài 1–40 ký tự, chỉ gồm chữ không dấu, chữ số và các dấu - _"
        ));
    } else if !seen.insert(code.to_owned()) {
        why.push(format!("{what} {code} bị trùng với một dòng trước"));
    }
}

/// Reads schools. `communes` holds the valid commune codes.
pub fn parse_schools(grid: &Grid, communes: &HashSet<String>) -> Parsed<School> {
    let mut seen = HashSet::new();
    read_rows(
        grid,
        &["code", "name", "levels", "commune", "enrolment"],
        |cell, why| {
            let (code, name, commune) = (cell("code"), cell("name"), cell("commune"));
            check_code("mã trường", &code, &mut seen, why);
            if name.is_empty() || text::char_len(&name) > 200 {
                why.push("tên trường cần từ 1 đến 200 ký tự".into());
            }
            let levels: Option<Vec<Level>> = cell("levels")
                .split([',', ';', ' '])
                .filter(|s| !s.is_empty())
                .map(Level::parse)
                .collect();
            let levels = levels.filter(|l| !l.is_empty());
            if levels.is_none() {
                why.push("cấp học phải là «tieu-hoc», «thcs» hoặc «thpt» (nhiều cấp thì cách nhau bằng dấu phẩy)".into());
            }
            if !communes.contains(&commune) {
                why.push(format!(
                    "mã xã/phường {commune:?} không thuộc 102 xã, phường của tỉnh"
                ));
            }
            let enrolment = whole(&cell("enrolment")).filter(|e| (0..=100_000).contains(e));
            if enrolment.is_none() {
                why.push("sĩ số phải là số nguyên từ 0 đến 100000".into());
            }
            Some(School {
                code,
                name,
                levels: levels?,
                commune,
                enrolment: enrolment?,
            })
        },
    )
}

/// Reads students. `schools` holds the school codes they may belong to (a school admin
/// importing its roster passes only its own).
pub fn parse_students(grid: &Grid, schools: &HashSet<String>) -> Parsed<Student> {
    let mut seen = HashSet::new();
    read_rows(
        grid,
        &["code", "full_name", "class", "grade", "school"],
        |cell, why| {
            let (code, full_name, class_name, school) = (
                cell("code"),
                cell("full_name"),
                cell("class"),
                cell("school"),
            );
            check_code("mã học sinh", &code, &mut seen, why);
            if full_name.is_empty() || text::char_len(&full_name) > 100 {
                why.push("họ và tên cần từ 1 đến 100 ký tự".into());
            }
            let display = match cell("display_name") {
                d if d.is_empty() => display_name(&full_name),
                d => {
                    if text::char_len(&d) > 40 {
                        why.push("tên hiển thị dài tối đa 40 ký tự".into());
                    }
                    d
                }
            };
            if class_name.is_empty() || text::char_len(&class_name) > 20 {
                why.push("tên lớp cần từ 1 đến 20 ký tự".into());
            }
            let grade = whole(&cell("grade")).filter(|g| (1..=12).contains(g));
            if grade.is_none() {
                why.push("khối phải từ 1 đến 12".into());
            }
            if !schools.contains(&school) {
                why.push(format!(
                    "mã trường {school:?} không có trong danh sách trường, hoặc tài khoản này không được nhập học sinh cho trường đó"
                ));
            }
            let consent = match text::fold(&cell("consent")).as_str() {
                "" | "0" | "khong" | "no" | "false" => Some(false),
                "1" | "co" | "yes" | "true" => Some(true),
                _ => None,
            };
            if consent.is_none() {
                why.push("đồng ý công khai phải ghi «có» hoặc «không»".into());
            }
            Some(Student {
                code,
                full_name,
                display_name: display,
                class_name,
                grade: grade?,
                school,
                consent_public: consent?,
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn display_names_keep_the_family_name_and_initials() {
        assert_eq!(display_name("Nguyễn Văn An"), "Nguyễn V. A.");
        assert_eq!(display_name("  Hoàng  thị   ánh  "), "Hoàng T. Á.");
        assert_eq!(display_name("Y Blô"), "Y B.");
        assert_eq!(display_name("Bình"), "Bình");
    }

    #[test]
    fn schools_are_read_and_bad_rows_reported_with_their_numbers() {
        let communes: HashSet<String> = ["22015".to_string()].into();
        let g = grid(&[
            &[
                "Mã trường (code)",
                "Tên trường (name)",
                "Cấp học (levels)",
                "Mã xã/phường (commune)",
                "Sĩ số (enrolment)",
            ],
            &[
                "TH001",
                "Trường Tiểu học Kim Đồng",
                "tieu-hoc",
                "22015",
                "812",
            ],
            &["TH001", "Trùng mã", "tieu-hoc", "22015", "10"],
            &["THCS02", "Trường THCS Lê Lợi", "thcs", "99999", "-4"],
            &["", "", "", "", ""],
            &["THPT3", "Trường THPT", "thcs, thpt", "22015", "1500.0"],
        ]);
        let parsed = parse_schools(&g, &communes);
        assert_eq!(
            parsed
                .rows
                .iter()
                .map(|s| s.code.as_str())
                .collect::<Vec<_>>(),
            ["TH001", "THPT3"]
        );
        assert_eq!(parsed.rows[1].levels, vec![Level::Thcs, Level::Thpt]);
        assert_eq!(parsed.problems.len(), 2);
        assert_eq!(parsed.problems[0].row, Some(3));
        assert!(parsed.problems[0]
            .message
            .contains("mã trường TH001 bị trùng với một dòng trước"));
        assert_eq!(parsed.problems[1].row, Some(4));
        assert!(parsed.problems[1]
            .message
            .contains("mã xã/phường \"99999\" không thuộc 102 xã, phường của tỉnh"));
        assert!(parsed.problems[1]
            .message
            .contains("sĩ số phải là số nguyên từ 0 đến 100000"));
    }

    #[test]
    fn students_get_a_display_name_and_consent_defaults_to_no() {
        let schools: HashSet<String> = ["TH001".to_string()].into();
        let g = grid(&[
            &["code", "full_name", "class", "grade", "school", "consent"],
            &["HS1", "Trần Thị Bích Ngọc", "5A", "5", "TH001", ""],
            &["HS2", "Lê Văn Tám", "5A", "5", "TH001", "Có"],
            &["HS3", "Ai Đó", "5A", "13", "KHAC", "có lẽ"],
        ]);
        let parsed = parse_students(&g, &schools);
        assert_eq!(parsed.rows[0].display_name, "Trần T. B. N.");
        assert!(!parsed.rows[0].consent_public);
        assert!(parsed.rows[1].consent_public);
        assert_eq!(parsed.problems.len(), 1);
        let why = &parsed.problems[0].message;
        assert!(
            why.contains("khối phải từ 1 đến 12")
                && why.contains("mã trường \"KHAC\" không có trong danh sách trường")
                && why.contains("đồng ý công khai phải ghi «có» hoặc «không»"),
            "{why}"
        );
        assert_eq!(parsed.problems[0].row, Some(4));
    }

    #[test]
    fn a_sheet_without_the_needed_columns_is_refused_whole() {
        let parsed = parse_students(&grid(&[&["code", "name"]]), &HashSet::new());
        assert_eq!(parsed.problems[0].row, None);
        assert!(parsed.problems[0]
            .message
            .contains("thiếu cột: full_name, class, grade, school"));
    }
}
