//! The game report as files a teacher opens: three tables (players, questions, and who got
//! which question right), each as CSV for tools, CSV for Excel in Vietnamese, and one XLSX
//! with a sheet per table; the quiz title and the game's date in the heading and the name.

use rust_xlsxwriter::{Format, Workbook};

use super::export::{csv_in, write_table, Dialect};
use crate::domain::publishing::date_vn;
use crate::domain::text::fold;
use crate::storage::reports::Report;
use crate::storage::GameStatus;

/// One of the report's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Players,
    Questions,
    /// Rows players, columns questions: «Đúng», «Sai», «Không trả lời».
    Answers,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Players, Part::Questions, Part::Answers];

    /// The `?part=` word.
    pub fn parse(word: &str) -> Option<Part> {
        match word {
            "players" => Some(Part::Players),
            "questions" => Some(Part::Questions),
            "answers" => Some(Part::Answers),
            _ => None,
        }
    }

    /// The sheet's name, and the file name's part.
    pub fn title(self) -> &'static str {
        match self {
            Part::Players => "Người chơi",
            Part::Questions => "Câu hỏi",
            Part::Answers => "Đúng sai từng câu",
        }
    }
}

const PLAYER_HEADERS: [&str; 7] = [
    "Hạng",
    "Biệt danh",
    "Điểm",
    "Số câu đúng",
    "Số câu đã trả lời",
    "Tổng thời gian (giây)",
    "Ghi chú",
];
/// The rate's header says what it is over: the projector's «{right}/{players}».
pub const RATE_HEADER: &str = "Tỉ lệ đúng trên tổng số người chơi (%)";
const QUESTION_HEADERS: [&str; 8] = [
    "Câu",
    "Nội dung",
    "Loại",
    "Số người chơi",
    "Số người trả lời",
    "Số người đúng",
    RATE_HEADER,
    "Thời gian trung bình (giây)",
];

/// The lines above each table: what game this is, so a file opened a month later says so.
pub fn heading(report: &Report) -> Vec<String> {
    let players = report.players.iter().filter(|p| !p.kicked).count();
    let mut lines = vec![
        format!("Báo cáo trò chơi: {}", report.title),
        format!("Ngày: {}", date_vn(report.created_at)),
        format!("Mã trò chơi: {}; số người chơi: {players}", report.game),
        "Tỉ lệ đúng tính trên tất cả người chơi; không trả lời tính là chưa đúng.".to_owned(),
    ];
    if let Some(class) = &report.class {
        lines.insert(1, format!("Lớp: {class}"));
    }
    if report.status == GameStatus::Interrupted {
        lines.push(report.status_text.to_owned());
    }
    lines
}

/// A table's header row and its rows, numbers in `dialect`'s decimal symbol.
pub fn table(report: &Report, part: Part, dialect: Dialect) -> (Vec<String>, Vec<Vec<String>>) {
    let secs = |ms: i64| dialect.number(ms as f64 / 1000.0);
    match part {
        Part::Players => (
            PLAYER_HEADERS.map(str::to_owned).to_vec(),
            report
                .players
                .iter()
                .map(|p| {
                    vec![
                        p.rank.to_string(),
                        p.nickname.clone(),
                        p.score.to_string(),
                        p.correct.to_string(),
                        p.answered.to_string(),
                        secs(p.answer_time_ms),
                        note(report, p.kicked),
                    ]
                })
                .collect(),
        ),
        Part::Questions => (
            QUESTION_HEADERS.map(str::to_owned).to_vec(),
            report
                .questions
                .iter()
                .map(|q| {
                    vec![
                        q.number.to_string(),
                        q.text.clone(),
                        q.kind_name.to_owned(),
                        q.players.to_string(),
                        q.answered.to_string(),
                        q.correct.to_string(),
                        dialect.number(q.right_percent),
                        secs(q.average_ms),
                    ]
                })
                .collect(),
        ),
        Part::Answers => {
            let mut headers = vec!["Hạng".to_owned(), "Biệt danh".to_owned()];
            headers.extend(report.questions.iter().map(|q| format!("Câu {}", q.number)));
            headers.push("Ghi chú".to_owned());
            let rows = report
                .players
                .iter()
                .map(|p| {
                    let mut row = vec![p.rank.to_string(), p.nickname.clone()];
                    row.extend(p.answers.iter().map(|a| a.text().to_owned()));
                    row.push(note(report, p.kicked));
                    row
                })
                .collect();
            (headers, rows)
        }
    }
}

/// The «Ghi chú» cell: a kicked player, and on every line of an interrupted game, so a
/// sorted or filtered sheet still says its scores are not final.
fn note(report: &Report, kicked: bool) -> String {
    let interrupted = report.status == GameStatus::Interrupted;
    match (kicked, interrupted) {
        (true, true) => format!("Đã bị mời ra; {}", report.status_text.to_lowercase()),
        (true, false) => "Đã bị mời ra".to_owned(),
        (false, true) => report.status_text.to_owned(),
        (false, false) => String::new(),
    }
}

/// One table as CSV. Tools get the table alone (their first line is the header, as before);
/// Excel in Vietnamese gets the heading lines above it.
pub fn report_csv(report: &Report, part: Part, dialect: Dialect) -> String {
    let (headers, rows) = table(report, part, dialect);
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let heading = match dialect {
        Dialect::Tools => Vec::new(),
        Dialect::ExcelVi => heading(report),
    };
    csv_in(dialect, &heading, &headers, &rows)
}

/// The workbook: a sheet per table, each under the heading lines (the first in bold).
pub fn report_xlsx(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let heading = heading(report);
    let bold = Format::new().set_bold();
    for part in Part::ALL {
        let sheet = workbook.add_worksheet();
        sheet.set_name(part.title())?;
        for (r, line) in heading.iter().enumerate() {
            if r == 0 {
                sheet.write_string_with_format(0, 0, line, &bold)?;
            } else {
                sheet.write_string(r as u32, 0, line)?;
            }
        }
        let (headers, rows) = table(report, part, Dialect::Tools);
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        // Numbers as numbers, so a teacher can sort and sum them; the nickname or question
        // text (column 1 of every table) stays text even when it looks like a number.
        write_table(sheet, heading.len() as u32 + 1, &headers, &rows, |c| c == 1)?;
    }
    // A team game: one more sheet, the teams in order with their members.
    if let Some((headers, rows)) = team_table(report) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(TEAMS_SHEET)?;
        for (r, line) in heading.iter().enumerate() {
            sheet.write_string(r as u32, 0, line)?;
        }
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        write_table(sheet, heading.len() as u32 + 1, &headers, &rows, |c| {
            c == 1 || c == 5
        })?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// The sheet of a team game's teams.
pub const TEAMS_SHEET: &str = "Đội";

/// A team game's teams as a table: rank, name, score (average or sum, as the game counted),
/// members present of all, and the members in order (absent ones marked). `None` without teams.
pub fn team_table(report: &Report) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let teams = report.teams.as_ref()?;
    let scoring = match report.team_scoring {
        Some(crate::domain::teams::TeamScoring::Sum) => "Điểm đội (tổng)",
        _ => "Điểm đội (trung bình)",
    };
    let nickname = |id: i64| {
        let p = report.players.iter().find(|p| p.player == id)?;
        Some(if p.kicked {
            format!("{} (vắng)", p.nickname)
        } else {
            p.nickname.clone()
        })
    };
    let headers = [
        "Hạng",
        "Đội",
        scoring,
        "Có mặt",
        "Số thành viên",
        "Thành viên",
    ]
    .map(str::to_owned)
    .to_vec();
    let rows = teams
        .iter()
        .map(|t| {
            vec![
                t.rank.to_string(),
                t.name.clone(),
                t.score.to_string(),
                t.present.to_string(),
                t.size.to_string(),
                t.members
                    .iter()
                    .filter_map(|&id| nickname(id))
                    .collect::<Vec<_>>()
                    .join("; "),
            ]
        })
        .collect();
    Some((headers, rows))
}

/// The file's names: a plain ASCII one for old clients (`filename=`) and the UTF-8 one with
/// the title as typed (`filename*=`), e.g. `hoithi-12-an-toan-mang-05-12-2026-cau-hoi.csv`
/// and «An toàn mạng - 05-12-2026 - Câu hỏi - trò chơi 12.csv».
pub fn file_names(report: &Report, part: Option<Part>, extension: &str) -> (String, String) {
    let date = date_vn(report.created_at).replace('/', "-");
    // The class, when there is one, goes into the name with the title: «Tiết 3 - lớp 7A».
    let named = match &report.class {
        Some(class) => format!("{} - lớp {class}", report.title),
        None => report.title.clone(),
    };
    let title: String = named
        .chars()
        // Characters Windows refuses in a file name, and control characters.
        .map(|c| {
            if c.is_control() || r#"\/:*?"<>|"#.contains(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let title: String = title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(80)
        .collect();
    let mut slug: String = fold(&title).replace(' ', "-").chars().take(60).collect();
    slug = slug
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let mut ascii = format!("hoithi-{}", report.game);
    // «Tiết 3 - lớp 7A» folds to dashes around the dash: keep one.
    let slug = slug
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if !slug.is_empty() {
        ascii.push('-');
        ascii.push_str(&slug);
    }
    ascii.push('-');
    ascii.push_str(&date);
    let mut utf8 = if title.is_empty() {
        date.clone()
    } else {
        format!("{title} - {date}")
    };
    if let Some(part) = part {
        ascii.push('-');
        ascii.push_str(&fold(part.title()).replace(' ', "-"));
        utf8.push_str(" - ");
        utf8.push_str(part.title());
    }
    utf8.push_str(&format!(" - trò chơi {}.{extension}", report.game));
    ascii.push('.');
    ascii.push_str(extension);
    (ascii, utf8)
}

/// `Content-Disposition` for a download (RFC 6266): the ASCII name, then the UTF-8 name
/// percent-encoded (RFC 5987), which browsers prefer when they read it.
pub fn content_disposition(ascii: &str, utf8: &str) -> String {
    let mut encoded = String::with_capacity(utf8.len() * 3);
    for b in utf8.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::GameId;

    fn report(title: &str) -> Report {
        Report {
            game: GameId::new(12),
            title: title.into(),
            class: None,
            status: GameStatus::Finished,
            status_text: GameStatus::Finished.text(),
            // 2026-12-05 00:30 in Vietnam, still 4 December in UTC.
            created_at: 1_796_405_400_000,
            players: Vec::new(),
            questions: Vec::new(),
            team_scoring: None,
            teams: None,
        }
    }

    #[test]
    fn file_names_carry_the_title_and_the_vietnamese_date() {
        let (ascii, utf8) = file_names(
            &report("Tiết 3: An toàn mạng / lớp 7A"),
            Some(Part::Questions),
            "csv",
        );
        assert_eq!(
            ascii,
            "hoithi-12-tiet-3-an-toan-mang-lop-7a-05-12-2026-cau-hoi.csv"
        );
        assert_eq!(
            utf8,
            "Tiết 3 An toàn mạng lớp 7A - 05-12-2026 - Câu hỏi - trò chơi 12.csv"
        );
        let (ascii, _) = file_names(&report("???"), None, "xlsx");
        assert_eq!(ascii, "hoithi-12-05-12-2026.xlsx");
    }

    #[test]
    fn a_class_is_named_in_the_file_name_and_the_heading() {
        let with_class = Report {
            class: Some("7A".into()),
            ..report("An toàn mạng")
        };
        let (ascii, utf8) = file_names(&with_class, None, "xlsx");
        assert_eq!(ascii, "hoithi-12-an-toan-mang-lop-7a-05-12-2026.xlsx");
        assert_eq!(
            utf8,
            "An toàn mạng - lớp 7A - 05-12-2026 - trò chơi 12.xlsx"
        );
        let lines = heading(&with_class);
        assert_eq!(lines[..2], ["Báo cáo trò chơi: An toàn mạng", "Lớp: 7A"]);
        assert!(!heading(&report("An toàn mạng"))
            .iter()
            .any(|l| l.starts_with("Lớp")));
    }

    #[test]
    fn a_team_game_lists_its_teams_with_their_members_the_absent_marked() {
        use crate::storage::reports::{PlayerLine, TeamReportLine};
        let player = |id: i64, nickname: &str, kicked: bool| PlayerLine {
            rank: id,
            player: id,
            nickname: nickname.into(),
            score: 0,
            correct: 0,
            answered: 0,
            answer_time_ms: 0,
            kicked,
            answers: Vec::new(),
        };
        assert_eq!(team_table(&report("x")), None, "no teams, no sheet");
        let with = Report {
            players: vec![player(0, "Lan", false), player(1, "Tú", true)],
            team_scoring: Some(crate::domain::teams::TeamScoring::Sum),
            teams: Some(vec![TeamReportLine {
                rank: 1,
                team: 0,
                name: "Sao Đỏ".into(),
                score: 1800,
                present: 1,
                size: 2,
                members: vec![0, 1],
            }]),
            ..report("x")
        };
        let (headers, rows) = team_table(&with).unwrap();
        assert_eq!(headers[2], "Điểm đội (tổng)");
        assert_eq!(
            rows,
            vec![vec!["1", "Sao Đỏ", "1800", "1", "2", "Lan; Tú (vắng)"]]
        );
        assert!(report_xlsx(&with).is_ok());
    }

    #[test]
    fn the_protocol_page_names_every_part_format_sheet_and_the_rate() {
        let doc = include_str!("../../../docs/protocol.md");
        let mut promised = vec![
            "?part=players".to_owned(),
            "?part=questions".to_owned(),
            "?part=answers".to_owned(),
            "&format=csv".to_owned(),
            "&format=excel-vi".to_owned(),
            RATE_HEADER.to_owned(),
        ];
        promised.extend(Part::ALL.map(|p| format!("«{}»", p.title())));
        for word in promised {
            assert!(doc.contains(&word), "docs/protocol.md does not say {word}");
        }
        for part in Part::ALL {
            let word = ["players", "questions", "answers"]
                .into_iter()
                .find(|w| Part::parse(w) == Some(part));
            assert!(word.is_some(), "{part:?} has a ?part= word");
        }
    }

    #[test]
    fn the_utf8_name_is_percent_encoded_after_a_plain_fallback() {
        assert_eq!(
            content_disposition("a.csv", "Lớp 7A.csv"),
            "attachment; filename=\"a.csv\"; filename*=UTF-8''L%E1%BB%9Bp%207A.csv"
        );
    }
}
