//! The `.xlsx` package (a zip of XML parts) checked before calamine opens it. calamine inflates
//! parts without a cap and loads every shared string up front, so a 300 KB file can unzip into
//! hundreds of megabytes; here each part is inflated once into nothing, counting bytes, and the
//! shared strings are counted and measured, before any of it is kept.

use std::io::{self, BufReader, Cursor, Read};

use quick_xml::events::Event;

use super::limits::{grouped, mib, SheetError, SheetLimits, MAX_CELL_CHARS, MAX_ZIP_ENTRIES};

/// Bytes in a row without a `<` in the shared strings: longer text than any cell may hold,
/// even written as character references, is refused before it is buffered whole.
const MAX_TEXT_RUN: usize = 16 * MAX_CELL_CHARS;

/// Checks every part of the package against `limits`: their number, each one's unzipped size
/// and all of them together (twice the per-part cap: a big sheet and its shared strings), and
/// the shared strings' count and lengths.
pub fn check(bytes: &[u8], limits: &SheetLimits) -> Result<(), SheetError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| SheetError::Unreadable(format!("không đọc được tệp .xlsx: {e}")))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(SheetError::TooLarge(format!(
            "tệp .xlsx gồm {} phần, nhiều hơn {} phần một bảng tính cần",
            grouped(zip.len()),
            grouped(MAX_ZIP_ENTRIES)
        )));
    }
    let mut left = limits.unzipped_bytes.saturating_mul(2);
    for i in 0..zip.len() {
        let part = zip
            .by_index(i)
            .map_err(|e| SheetError::Unreadable(format!("không đọc được tệp .xlsx: {e}")))?;
        let name = part.name().to_owned();
        let cap = limits.unzipped_bytes.min(left);
        let is_strings = name.eq_ignore_ascii_case("xl/sharedStrings.xml");
        let mut guard = Guard {
            inner: part,
            read: 0,
            cap,
            run: 0,
            run_cap: is_strings.then_some(MAX_TEXT_RUN),
            tripped: None,
        };
        let outcome = if is_strings {
            shared_strings(&mut guard, limits.cells)
        } else {
            io::copy(&mut guard, &mut io::sink())
                .map(|_| ())
                .map_err(|e| unreadable(&name, e))
        };
        match guard.tripped {
            Some(Trip::Size) if cap < limits.unzipped_bytes => {
                return Err(SheetError::TooLarge(format!(
                    "tệp .xlsx giải nén ra hơn {} MiB: hãy chia thành nhiều tệp",
                    mib(limits.unzipped_bytes.saturating_mul(2))
                )))
            }
            Some(Trip::Size) => {
                return Err(SheetError::TooLarge(format!(
                    "phần {name} của tệp .xlsx giải nén ra hơn {} MiB: hãy chia thành nhiều tệp",
                    mib(limits.unzipped_bytes)
                )))
            }
            Some(Trip::Run) => return Err(too_long()),
            None => outcome?,
        }
        left -= guard.read;
    }
    Ok(())
}

/// Reads the shared-string table, counting its strings (at most `max`: a sheet cannot use more
/// strings than it has cells) and measuring each.
fn shared_strings<R: Read>(part: R, max: usize) -> Result<(), SheetError> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    xml.config_mut().expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut count = 0usize;
    // Characters of the string being read, when inside one.
    let mut chars: Option<usize> = None;
    loop {
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| unreadable("xl/sharedStrings.xml", e))?;
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"si" => {
                count += 1;
                if count > max {
                    return Err(SheetError::TooLarge(format!(
                        "tệp .xlsx có hơn {} chuỗi chữ khác nhau, nhiều hơn số ô được phép",
                        grouped(max)
                    )));
                }
                chars = Some(0);
            }
            Event::End(e) if e.local_name().as_ref() == b"si" => chars = None,
            Event::Text(t) => {
                if let Some(n) = chars.as_mut() {
                    let text = t
                        .unescape()
                        .map_err(|e| unreadable("xl/sharedStrings.xml", e))?;
                    *n += text.chars().count();
                }
            }
            Event::CData(t) => {
                if let Some(n) = chars.as_mut() {
                    *n += String::from_utf8_lossy(&t).chars().count();
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        if chars.is_some_and(|n| n > MAX_CELL_CHARS) {
            return Err(too_long());
        }
    }
}

fn too_long() -> SheetError {
    SheetError::TooLarge(format!(
        "tệp .xlsx có một chuỗi chữ dài hơn {} ký tự, nhiều hơn một ô của Excel chứa được",
        grouped(MAX_CELL_CHARS)
    ))
}

fn unreadable(part: &str, e: impl std::fmt::Display) -> SheetError {
    SheetError::Unreadable(format!("không đọc được phần {part} của tệp .xlsx: {e}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trip {
    /// More bytes than the cap.
    Size,
    /// A run of text longer than any cell.
    Run,
}

/// A reader that stops with an error past `cap` bytes, or past `run_cap` bytes without a `<`,
/// and says which in `tripped`.
struct Guard<R> {
    inner: R,
    read: usize,
    cap: usize,
    run: usize,
    run_cap: Option<usize>,
    tripped: Option<Trip>,
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.tripped.is_some() {
            return Err(io::Error::other("over the cap"));
        }
        // One byte more than the cap may be read, to tell "exactly the cap" from "more".
        let room = (self.cap - self.read + 1).min(buf.len());
        let n = self.inner.read(&mut buf[..room])?;
        self.read += n;
        if self.read > self.cap {
            self.tripped = Some(Trip::Size);
            return Err(io::Error::other("over the cap"));
        }
        if let Some(run_cap) = self.run_cap {
            for &b in &buf[..n] {
                self.run = if b == b'<' { 0 } else { self.run + 1 };
                if self.run > run_cap {
                    self.tripped = Some(Trip::Run);
                    return Err(io::Error::other("text run over the cap"));
                }
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A package of `parts` (name, XML), deflated.
    fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn limits(unzipped_bytes: usize, cells: usize) -> SheetLimits {
        SheetLimits {
            rows: 100,
            columns: 10,
            cells,
            unzipped_bytes,
        }
    }

    fn strings(items: &str) -> Vec<u8> {
        format!("<?xml version=\"1.0\"?><sst xmlns=\"x\">{items}</sst>").into_bytes()
    }

    #[test]
    fn a_part_that_unzips_past_the_cap_is_refused_by_name() {
        let big = vec![b' '; 10_001];
        let file = package(&[("xl/worksheets/sheet1.xml", &big)]);
        assert!(file.len() < 1_000, "deflate shrinks it: {}", file.len());
        let err = check(&file, &limits(10_000, 100)).unwrap_err();
        assert!(
            matches!(&err, SheetError::TooLarge(m) if m.contains("phần xl/worksheets/sheet1.xml")),
            "{err:?}"
        );
        assert_eq!(check(&file, &limits(10_001, 100)), Ok(()));
    }

    #[test]
    fn parts_together_have_a_cap_too() {
        let part = vec![b' '; 6_000];
        let file = package(&[("a.xml", &part), ("b.xml", &part), ("c.xml", &part)]);
        let err = check(&file, &limits(8_000, 100)).unwrap_err();
        assert!(
            err.message().starts_with("tệp .xlsx giải nén ra hơn"),
            "{err}"
        );
    }

    #[test]
    fn shared_strings_are_counted_and_measured() {
        let ok = strings(&"<si><t>Nguyễn Văn An</t></si><si/>".repeat(5));
        assert_eq!(
            check(
                &package(&[("xl/sharedStrings.xml", &ok)]),
                &limits(1 << 20, 10)
            ),
            Ok(())
        );
        let err = check(
            &package(&[("xl/sharedStrings.xml", &ok)]),
            &limits(1 << 20, 9),
        )
        .unwrap_err();
        assert!(err.message().contains("hơn 9 chuỗi chữ"), "{err}");

        // Split in runs, still one string, as calamine would join it.
        let run = format!("<r><t>{}</t></r>", "ă".repeat(20_000));
        let long = strings(&format!("<si>{run}{run}</si>"));
        let err = check(
            &package(&[("xl/sharedStrings.xml", &long)]),
            &limits(1 << 20, 9),
        )
        .unwrap_err();
        assert!(err.message().contains("dài hơn 32.767 ký tự"), "{err}");

        // One run of text longer than any cell stops the read before it is buffered.
        let huge = strings(&format!("<si><t>{}</t></si>", "a".repeat(MAX_TEXT_RUN + 1)));
        let err = check(
            &package(&[("xl/sharedStrings.xml", &huge)]),
            &limits(1 << 22, 9),
        )
        .unwrap_err();
        assert!(err.message().contains("dài hơn 32.767 ký tự"), "{err}");
    }

    #[test]
    fn not_a_zip_is_unreadable() {
        assert!(matches!(
            check(b"not a workbook", &limits(100, 10)),
            Err(SheetError::Unreadable(m)) if m.starts_with("không đọc được tệp .xlsx: ")
        ));
    }
}
