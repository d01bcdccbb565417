//! Spreadsheet bombs: small uploads that cost a naive reader far more than their size (issue
//! 15, part 2), written here byte by byte so the siege needs no file on disk.
//!
//! - a sheet with cells at A1 and a far corner: the reader fills the whole rectangle
//!   between them (A1 and XFD1048576 is 16,384 × 1,048,576 cells of 32 bytes: 512 GiB);
//! - a shared string that inflates to hundreds of megabytes from a few hundred kilobytes
//!   (deflate stores a run of one byte at about 1:1,000);
//! - a CSV roster of a million rows for a school the siege imports first.
//!
//! A workbook is the smallest one a spreadsheet reader accepts: content types, the package
//! and workbook relationships, one sheet and, when asked, shared strings.

use std::io::{Cursor, Write};

use serde::{Deserialize, Serialize};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The import routes that read a workbook's first sheet before anything else.
pub const SHEET_ROUTES: [&str; 3] = [
    "/api/units/students/import",
    "/api/units/schools/import",
    "/api/banks/import",
];

/// The school the million-row roster is for; the siege imports it before sending the bomb, so
/// that the roster's rows are valid and get written, not refused.
pub const ROSTER_SCHOOL: &str = "BOM";

/// One bomb: what it is, the file name it is uploaded as (its extension says the format),
/// its bytes and the routes it goes to.
pub struct Bomb {
    pub name: &'static str,
    pub file: &'static str,
    pub bytes: Vec<u8>,
    pub routes: &'static [&'static str],
}

/// Which bombs to send (`--bombs corner,rows,string,roster`; `--bombs` alone: all four).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    All,
    /// Cells at A1 and XFD1048576: a server that fills the rectangle aborts.
    Corner,
    /// Cells at A1 and Z400000: 400,000 rows × 26 columns.
    Rows,
    /// One shared string of 300 MB in a 300 KB file.
    String,
    /// A CSV roster of 1,000,000 valid rows.
    Roster,
}

/// The bombs of `kinds`, in the issue's order, each written once.
pub fn chosen(kinds: &[Kind]) -> Vec<Bomb> {
    let wanted = |k: Kind| kinds.contains(&k) || kinds.contains(&Kind::All);
    let mut bombs = Vec::new();
    if wanted(Kind::Corner) {
        bombs.push(Bomb {
            name: "xlsx A1:XFD1048576",
            file: "bom-xfd.xlsx",
            bytes: corner_sheet("XFD1048576"),
            routes: &SHEET_ROUTES,
        });
    }
    if wanted(Kind::Rows) {
        bombs.push(Bomb {
            name: "xlsx A1:Z400000",
            file: "bom-z.xlsx",
            bytes: corner_sheet("Z400000"),
            routes: &SHEET_ROUTES,
        });
    }
    if wanted(Kind::String) {
        bombs.push(Bomb {
            name: "xlsx shared string 300 MB",
            file: "bom-chuoi.xlsx",
            bytes: shared_string_sheet(300_000_000),
            routes: &SHEET_ROUTES,
        });
    }
    if wanted(Kind::Roster) {
        bombs.push(Bomb {
            name: "csv roster 1,000,000 rows",
            file: "bom-hs.csv",
            bytes: roster_csv(1_000_000, ROSTER_SCHOOL),
            routes: &SHEET_ROUTES[..1],
        });
    }
    bombs
}

/// A workbook whose sheet declares the range A1:`corner` and has a cell at each end.
pub fn corner_sheet(corner: &str) -> Vec<u8> {
    let row = corner.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}"><dimension ref="A1:{corner}"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mã</t></is></c></row><row r="{row}"><c r="{corner}"><v>1</v></c></row></sheetData></worksheet>"#
    );
    workbook(&sheet, None)
}

/// A workbook whose one cell holds a shared string of `len` letters.
pub fn shared_string_sheet(len: usize) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}"><dimension ref="A1"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#
    );
    workbook(&sheet, Some(len))
}

/// A student roster of `rows` rows of school `school`, 20 bytes a row.
pub fn roster_csv(rows: usize, school: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(40 + rows * (16 + school.len()));
    out.extend_from_slice(b"code,full_name,class,grade,school\n");
    for i in 0..rows {
        // Codes B000000…B999999: unique, so every row is a student to write.
        let _ = writeln!(out, "B{i:06},An,5A,5,{school}");
    }
    out
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The package around one sheet, with a shared-strings part of one string of `shared` letters.
fn workbook(sheet: &str, shared: Option<usize>) -> Vec<u8> {
    let strings_type = r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#;
    let content_types = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{}</Types>"#,
        if shared.is_some() { strings_type } else { "" }
    );
    let package_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let strings_rel = format!(
        r#"<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>"#
    );
    let workbook_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>{}</Relationships>"#,
        if shared.is_some() { &strings_rel } else { "" }
    );

    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // Level 9 by flate2: without a level the zip crate would pick zopfli, which takes
    // minutes over the shared string's hundreds of megabytes.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9));
    let parts = [
        ("[Content_Types].xml", content_types.as_str()),
        ("_rels/.rels", package_rels.as_str()),
        ("xl/workbook.xml", workbook.as_str()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_str()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    // Writing into a Vec fails only when memory does, which aborts anyway.
    let fail = "a zip written into memory";
    for (name, text) in parts {
        zip.start_file(name, options).expect(fail);
        zip.write_all(text.as_bytes()).expect(fail);
    }
    if let Some(len) = shared {
        zip.start_file("xl/sharedStrings.xml", options).expect(fail);
        let head = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>"#
        );
        zip.write_all(head.as_bytes()).expect(fail);
        // In pieces: the string itself is never held in memory here.
        let piece = [b'A'; 64 * 1024];
        let mut left = len;
        while left > 0 {
            let n = left.min(piece.len());
            zip.write_all(&piece[..n]).expect(fail);
            left -= n;
        }
        zip.write_all(b"</t></si></sst>").expect(fail);
    }
    zip.finish().expect(fail).into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Read;

    fn first_sheet(bytes: Vec<u8>) -> calamine::Range<Data> {
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        book.worksheet_range_at(0).unwrap().unwrap()
    }

    /// The part `name` of a workbook, inflated, with its length counted as it streams.
    fn part(bytes: &[u8], name: &str, keep: usize) -> (usize, Vec<u8>) {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut file = archive.by_name(name).unwrap();
        let (mut total, mut kept, mut buf) = (0, Vec::new(), vec![0; 1 << 16]);
        loop {
            let n = file.read(&mut buf).unwrap();
            if n == 0 {
                return (total, kept);
            }
            let room = keep.saturating_sub(kept.len()).min(n);
            kept.extend_from_slice(&buf[..room]);
            total += n;
        }
    }

    #[test]
    fn a_small_corner_sheet_reads_as_the_whole_rectangle_with_its_two_cells() {
        // The same writer as the bombs, with a corner a test can afford to fill.
        let range = first_sheet(corner_sheet("D5"));
        assert_eq!(range.start(), Some((0, 0)));
        assert_eq!(range.end(), Some((4, 3)));
        assert_eq!(range.get_value((0, 0)), Some(&Data::String("mã".into())));
        assert_eq!(range.get_value((4, 3)), Some(&Data::Float(1.0)));
        assert_eq!(range.get_value((2, 2)), Some(&Data::Empty));
    }

    #[test]
    fn a_short_shared_string_is_read_back_whole() {
        let range = first_sheet(shared_string_sheet(100_000));
        let Some(Data::String(text)) = range.get_value((0, 0)) else {
            panic!("{:?}", range.get_value((0, 0)));
        };
        assert_eq!(text.len(), 100_000);
        assert!(text.bytes().all(|b| b == b'A'));
    }

    #[test]
    fn the_bombs_are_as_small_as_the_issue_says_and_declare_what_it_says() {
        let bombs = chosen(&[Kind::All]);
        let sizes: Vec<usize> = bombs.iter().map(|b| b.bytes.len()).collect();
        // 1.6 KB, 1.6 KB, 300 KB, 19 MB in the issue.
        assert!((1_000..2_500).contains(&sizes[0]), "{sizes:?}");
        assert!((1_000..2_500).contains(&sizes[1]), "{sizes:?}");
        assert!((200_000..400_000).contains(&sizes[2]), "{sizes:?}");
        assert!((18_000_000..21_000_000).contains(&sizes[3]), "{sizes:?}");

        let (_, sheet) = part(&bombs[0].bytes, "xl/worksheets/sheet1.xml", 4096);
        let sheet = String::from_utf8(sheet).unwrap();
        assert!(
            sheet.contains(r#"<dimension ref="A1:XFD1048576"/>"#),
            "{sheet}"
        );
        assert!(sheet.contains(r#"<c r="XFD1048576">"#), "{sheet}");
        assert!(sheet.contains(r#"<row r="1048576">"#), "{sheet}");
        let (_, sheet) = part(&bombs[1].bytes, "xl/worksheets/sheet1.xml", 4096);
        assert!(String::from_utf8(sheet)
            .unwrap()
            .contains(r#"<c r="Z400000">"#));

        let (inflated, head) = part(&bombs[2].bytes, "xl/sharedStrings.xml", 200);
        assert!(inflated > 300_000_000, "{inflated}");
        let head = String::from_utf8(head).unwrap();
        assert!(head.contains(r#"uniqueCount="1"><si><t>AAAA"#), "{head}");
        assert!(head.ends_with("AAAA"), "{head}");

        let csv = &bombs[3].bytes;
        assert_eq!(csv.iter().filter(|&&b| b == b'\n').count(), 1_000_001);
        assert!(csv.starts_with(b"code,full_name,class,grade,school\nB000000,An,5A,5,BOM\n"));
        assert!(csv.ends_with(b"B999999,An,5A,5,BOM\n"));
        assert_eq!(bombs[3].routes, ["/api/units/students/import"]);
        assert!(bombs[..3].iter().all(|b| b.routes.len() == 3));
    }

    #[test]
    fn only_the_bombs_asked_for_are_written() {
        let names =
            |kinds: &[Kind]| -> Vec<&str> { chosen(kinds).iter().map(|b| b.name).collect() };
        assert_eq!(
            names(&[Kind::Rows, Kind::Corner]),
            ["xlsx A1:XFD1048576", "xlsx A1:Z400000"]
        );
        assert!(names(&[]).is_empty());
    }
}
