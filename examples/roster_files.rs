//! Writes the files docs/performance.md imports to measure a roster import: `schools.csv` (the
//! schools the students belong to) and the largest roster an organizer may import, as
//! `roster.csv` and `roster.xlsx`, into a folder.
//!
//! ```text
//! cargo run --release --example roster_files -- /tmp/roster 99999
//! ```

use std::fmt::Write as _;
use std::path::PathBuf;

const SCHOOLS: usize = 100;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "roster".into()));
    let students: usize = args.next().map_or(Ok(99_999), |n| n.parse())?;
    std::fs::create_dir_all(&dir)?;

    let mut schools = String::from("code,name,levels,commune,enrolment\n");
    for s in 0..SCHOOLS {
        writeln!(
            schools,
            "TH{s:03},Trường Tiểu học số {s},tieu-hoc,22015,5000"
        )?;
    }
    std::fs::write(dir.join("schools.csv"), schools)?;

    let header = ["code", "full_name", "class", "grade", "school", "consent"];
    let row = |i: usize| {
        [
            format!("HS{i:07}"),
            format!("Nguyễn Thị Thu Hương {i}"),
            format!("{}A{}", 1 + i % 12, i % 9),
            (1 + i % 12).to_string(),
            format!("TH{:03}", i % SCHOOLS),
            String::new(),
        ]
    };
    let mut csv = header.join(",") + "\n";
    for i in 0..students {
        csv.push_str(&row(i).join(","));
        csv.push('\n');
    }
    std::fs::write(dir.join("roster.csv"), csv)?;

    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, name) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *name)?;
    }
    for i in 0..students {
        for (c, cell) in row(i).iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(i as u32 + 1, c as u16, cell)?;
            }
        }
    }
    book.save(dir.join("roster.xlsx"))?;
    println!(
        "{} schools and {students} students in {}",
        SCHOOLS,
        dir.display()
    );
    Ok(())
}
