//! A certificate on an A4 landscape page, in the shape Vietnamese schools know: the issuing
//! body and the national motto at the top, «GIẤY CHỨNG NHẬN», the winner's name, the award,
//! place and date above the signature, and the verification code at the foot.

use super::pdf::{Align, Document, Face, FontError, Page, A4_LANDSCAPE, A5_OF_A4};
use super::{Certificate, Issued};
use crate::domain::awards::{date_words, Holder};
use crate::domain::contest::rules::day;
use crate::domain::sheet::cells::civil_from_days;

const RED: (f32, f32, f32) = (0.65, 0.08, 0.08);
const BLUE: (f32, f32, f32) = (0.05, 0.15, 0.45);

/// The paper a certificate is printed on, landscape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    A4,
    /// The A4 page at 1/√2: the same certificate, smaller.
    A5,
}

/// Every certificate of `list` on its own page, in one document. `verify_url` is the public
/// verification page's address, to which `?code=` is added.
pub fn render(
    issued: &Issued,
    list: &[&Certificate],
    verify_url: &str,
    paper: Paper,
) -> Result<Vec<u8>, FontError> {
    let mut doc = Document::new(&format!("Giấy chứng nhận — {}", issued.contest))?;
    for c in list {
        let mut page = page(&doc, issued, c, verify_url);
        if paper == Paper::A5 {
            page.scale = A5_OF_A4;
        }
        doc.add_page(page);
    }
    doc.finish()
}

fn page(doc: &Document, issued: &Issued, c: &Certificate, verify_url: &str) -> Page {
    let (w, h) = A4_LANDSCAPE;
    let mut p = Page::new(A4_LANDSCAPE);
    p.rect((18.0, 18.0, w - 36.0, h - 36.0), 3.0, RED);
    p.rect((26.0, 26.0, w - 52.0, h - 52.0), 0.8, RED);

    // The heading: the issuing body on the left, the motto on the right, each underlined.
    let left = w * 0.25;
    let right = w * 0.70;
    let top = h - 62.0;
    p.text(
        doc,
        Face::Regular,
        12.0,
        (left, top),
        Align::Center,
        "UBND TỈNH ĐẮK LẮK",
    );
    p.text(
        doc,
        Face::Bold,
        12.0,
        (left, top - 16.0),
        Align::Center,
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    );
    p.line((left - 40.0, top - 22.0), (left + 40.0, top - 22.0), 0.7);
    p.text(
        doc,
        Face::Bold,
        12.0,
        (right, top),
        Align::Center,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    );
    let motto = "Độc lập - Tự do - Hạnh phúc";
    p.text(
        doc,
        Face::Bold,
        12.5,
        (right, top - 16.0),
        Align::Center,
        motto,
    );
    let mw = doc.width(Face::Bold, 12.5, motto) / 2.0;
    p.line((right - mw, top - 21.0), (right + mw, top - 21.0), 0.7);

    let centre = w / 2.0;
    let width = w - 140.0;
    p.colored_text(
        doc,
        Face::Bold,
        40.0,
        (centre, h - 150.0),
        Align::Center,
        "GIẤY CHỨNG NHẬN",
        RED,
    );
    let by = format!("Ban Tổ chức {}", issued.contest);
    let size = doc.fit(Face::Regular, 16.0, &by, width);
    p.text(
        doc,
        Face::Regular,
        size,
        (centre, h - 182.0),
        Align::Center,
        &by,
    );
    p.text(
        doc,
        Face::Italic,
        15.0,
        (centre, h - 206.0),
        Align::Center,
        "chứng nhận",
    );

    let size = doc.fit(Face::Bold, 34.0, &c.name, width);
    p.colored_text(
        doc,
        Face::Bold,
        size,
        (centre, h - 252.0),
        Align::Center,
        &c.name,
        BLUE,
    );
    let unit = match c.holder {
        Holder::Individual => c.unit.clone(),
        Holder::School => c.unit.clone(),
        Holder::Commune => "Tỉnh Đắk Lắk".to_owned(),
    };
    if !unit.is_empty() {
        let size = doc.fit(Face::Regular, 17.0, &unit, width);
        p.text(
            doc,
            Face::Regular,
            size,
            (centre, h - 280.0),
            Align::Center,
            &unit,
        );
    }
    let award = format!("Đã đạt {}", c.award);
    let size = doc.fit(Face::Bold, 22.0, &award, width);
    p.colored_text(
        doc,
        Face::Bold,
        size,
        (centre, h - 318.0),
        Align::Center,
        &award,
        RED,
    );
    let mut below = h - 342.0;
    if let Some(detail) = &c.detail {
        p.text(
            doc,
            Face::Regular,
            14.0,
            (centre, below),
            Align::Center,
            detail,
        );
        below -= 20.0;
    }
    let title = format!("{} (phiên bản {})", issued.title, issued.version);
    let size = doc.fit(Face::Italic, 14.0, &title, width);
    p.text(
        doc,
        Face::Italic,
        size,
        (centre, below),
        Align::Center,
        &title,
    );

    // Place and date, and the signature block, on the right.
    let date = civil_from_days(day(issued.published_at));
    let sign = w * 0.72;
    p.text(
        doc,
        Face::Italic,
        13.0,
        (sign, 150.0),
        Align::Center,
        &format!("Đắk Lắk, {}", date_words(date)),
    );
    p.text(
        doc,
        Face::Bold,
        13.0,
        (sign, 132.0),
        Align::Center,
        "TRƯỞNG BAN TỔ CHỨC",
    );
    p.text(
        doc,
        Face::Italic,
        11.0,
        (sign, 117.0),
        Align::Center,
        "(Ký, ghi rõ họ tên và đóng dấu)",
    );

    // The verification code, for anyone who doubts the paper.
    p.text(
        doc,
        Face::Bold,
        12.0,
        (52.0, 70.0),
        Align::Left,
        &format!("Mã xác minh: {}", c.code),
    );
    let url = format!("{verify_url}?code={}", c.code);
    p.text(
        doc,
        Face::Regular,
        10.0,
        (52.0, 54.0),
        Align::Left,
        &format!("Kiểm tra tại: {url}"),
    );
    p
}
