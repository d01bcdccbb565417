//! A unit's report as a workbook: the summary table (one line per commune or school, then the
//! total, with the plan's 100 % target beside the rates) and the winners, each sheet under the
//! report's heading lines. Numbers are numbers, so an officer can sort and sum them.

use rust_xlsxwriter::{Format, Workbook, Worksheet};

use super::{Line, UnitReport};
use crate::domain::period::Period;

/// The report's title, as on the printed page.
pub const TITLE: &str = "BÁO CÁO KẾT QUẢ THỰC HIỆN PHONG TRÀO «BÌNH DÂN HỌC VỤ SỐ»";

/// The heading lines every sheet starts with.
pub fn heading(report: &UnitReport) -> Vec<String> {
    let period = Period::parse(&report.from, &report.to)
        .map(|p| p.printed())
        .unwrap_or_else(|_| (report.from.clone(), report.to.clone()));
    let mut lines = vec![TITLE.to_owned(), format!("Đơn vị: {}", report.name)];
    if !report.parent.is_empty() {
        lines.push(format!("Thuộc: {}", report.parent));
    }
    lines.push(format!("Từ ngày {} đến ngày {}", period.0, period.1));
    lines.push(
        "Chỉ tiêu của kế hoạch: 100 % trường tổ chức hoạt động; 100 % học sinh tham gia cuộc thi."
            .to_owned(),
    );
    lines
}

/// Per mille as a percentage with one decimal.
fn percent(permille: i64) -> f64 {
    permille as f64 / 10.0
}

/// The summary table's header: fixed columns, then four per round.
pub fn columns(report: &UnitReport) -> Vec<String> {
    let mut headers: Vec<String> = [
        "Đơn vị",
        "Mã",
        "Sĩ số học sinh",
        "Số trường",
        "Số trường tổ chức trò chơi trực tiếp",
        "Tỉ lệ trường tổ chức (%)",
        "Chỉ tiêu (%)",
        "Số trò chơi trực tiếp",
        "Lượt người chơi",
    ]
    .map(String::from)
    .to_vec();
    for r in &report.total.rounds {
        headers.push(format!("{}: học sinh tham gia", r.title));
        headers.push(format!("{}: tỉ lệ tham gia (%)", r.title));
        headers.push(format!("{}: giáo viên tham gia", r.title));
        headers.push(format!("{}: điểm trung bình", r.title));
    }
    headers
}

/// A cell of the summary table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

/// One line of the summary table.
pub fn row(line: &Line) -> Vec<Cell> {
    use Cell::{Number, Text};
    let mut cells = vec![
        Text(line.name.clone()),
        Text(line.code.clone()),
        Number(line.enrolment as f64),
        Number(line.schools as f64),
        Number(line.schools_with_games as f64),
        Number(percent(crate::domain::contest::turnout::rate_permille(
            line.schools_with_games,
            line.schools,
        ))),
        Number(100.0),
        Number(line.games as f64),
        Number(line.game_players as f64),
    ];
    for r in &line.rounds {
        cells.push(Number(r.participants as f64));
        cells.push(Number(percent(r.rate_permille)));
        cells.push(Number(r.staff as f64));
        cells.push(Number(r.average_score_tenths as f64 / 10.0));
    }
    cells
}

fn write_heading(sheet: &mut Worksheet, report: &UnitReport, bold: &Format) -> anyhow::Result<u32> {
    let heading = heading(report);
    for (r, text) in heading.iter().enumerate() {
        if r == 0 {
            sheet.write_string_with_format(0, 0, text, bold)?;
        } else {
            sheet.write_string(r as u32, 0, text)?;
        }
    }
    Ok(heading.len() as u32 + 1)
}

/// The sheet «Theo cấp học»: a row per line (then the total), round and level, with the
/// participants, the enrolment (teachers: the school's staff accounts), the rate and the
/// plan's 100 % target.
fn by_level(sheet: &mut Worksheet, report: &UnitReport, bold: &Format) -> anyhow::Result<()> {
    sheet.set_name("Theo cấp học")?;
    let mut at = write_heading(sheet, report, bold)?;
    let header = [
        "Đơn vị",
        "Mã",
        "Đợt",
        "Cấp học",
        "Số tham gia",
        "Sĩ số (giáo viên: số tài khoản)",
        "Tỉ lệ tham gia (%)",
        "Chỉ tiêu (%)",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(at, c as u16, *h, bold)?;
    }
    let total = Line {
        name: "Tổng cộng".to_owned(),
        ..report.total.clone()
    };
    let lines = report.lines.iter().chain(
        (report.lines.len() > 1 || report.lines.first() != Some(&report.total)).then_some(&total),
    );
    for line in lines {
        for r in &line.rounds {
            for l in &r.levels {
                at += 1;
                let name =
                    super::levels::index(&l.level).map_or("", |k| super::levels::LEVELS[k].1);
                sheet.write_string(at, 0, &line.name)?;
                sheet.write_string(at, 1, &line.code)?;
                sheet.write_string(at, 2, &r.title)?;
                sheet.write_string(at, 3, name)?;
                sheet.write_number(at, 4, l.participants as f64)?;
                sheet.write_number(at, 5, l.enrolment as f64)?;
                sheet.write_number(at, 6, percent(l.rate_permille))?;
                sheet.write_number(at, 7, 100.0)?;
            }
        }
    }
    sheet.set_column_width(0, 36)?;
    Ok(())
}

pub fn workbook(report: &UnitReport) -> anyhow::Result<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();

    let sheet = book.add_worksheet();
    sheet.set_name("Tổng hợp")?;
    let mut at = write_heading(sheet, report, &bold)?;
    for (c, h) in columns(report).iter().enumerate() {
        sheet.write_string_with_format(at, c as u16, h, &bold)?;
    }
    let total = Line {
        name: "Tổng cộng".to_owned(),
        ..report.total.clone()
    };
    let lines = if report.lines.len() > 1 || report.lines.first() != Some(&report.total) {
        report
            .lines
            .iter()
            .chain(std::iter::once(&total))
            .collect::<Vec<_>>()
    } else {
        vec![&report.lines[0]]
    };
    for line in lines {
        at += 1;
        for (c, cell) in row(line).into_iter().enumerate() {
            match cell {
                Cell::Text(t) => sheet.write_string(at, c as u16, t)?,
                Cell::Number(n) => sheet.write_number(at, c as u16, n)?,
            };
        }
    }
    sheet.set_column_width(0, 36)?;

    by_level(book.add_worksheet(), report, &bold)?;

    let sheet = book.add_worksheet();
    sheet.set_name("Người đoạt giải")?;
    let mut at = write_heading(sheet, report, &bold)?;
    for (c, h) in [
        "Đợt",
        "Phiên bản",
        "Họ tên / đơn vị",
        "Trường / xã",
        "Giải",
        "Mã xác minh",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(at, c as u16, *h, &bold)?;
    }
    for w in &report.winners {
        at += 1;
        sheet.write_string(at, 0, &w.context)?;
        sheet.write_number(at, 1, w.version as f64)?;
        sheet.write_string(at, 2, &w.name)?;
        sheet.write_string(at, 3, &w.unit)?;
        sheet.write_string(at, 4, &w.award)?;
        sheet.write_string(at, 5, &w.code)?;
    }
    sheet.set_column_width(2, 28)?;
    sheet.set_column_width(3, 32)?;
    Ok(book.save_to_buffer()?)
}
