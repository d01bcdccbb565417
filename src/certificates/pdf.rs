//! A small PDF writer for print-ready pages of text and lines: pages are drawn first (text
//! measured with the font's own advances), then each font is cut down to the glyphs the
//! document uses and embedded as a CID font, with a `ToUnicode` map so the text can be copied
//! and searched (and read back by `pdftotext` in the tests).
//!
//! Vietnamese needs no shaping here: text is NFC, and DejaVu has a precomposed glyph for every
//! Vietnamese letter (its coverage file lists Vietnamese at 194/194), so one character is one
//! glyph. Kerning is left out: a certificate's lines are short.

use std::collections::BTreeMap;
use std::io::Write as _;

use flate2::write::ZlibEncoder;
use flate2::Compression;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// Points per millimetre (a point is 1/72 inch).
pub const MM: f32 = 72.0 / 25.4;
/// A4 landscape, in points.
pub const A4_LANDSCAPE: (f32, f32) = (297.0 * MM, 210.0 * MM);
/// A5 is A4 halved: each side 1/√2 of A4's.
pub const A5_OF_A4: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// The faces a document may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Face {
    Regular,
    Bold,
    Italic,
}

impl Face {
    const ALL: [Face; 3] = [Face::Regular, Face::Bold, Face::Italic];

    fn data(self) -> &'static [u8] {
        match self {
            Face::Regular => dejavu::serif::regular(),
            Face::Bold => dejavu::serif::bold(),
            Face::Italic => dejavu::serif::italic(),
        }
    }

    /// The resource name in content streams, and the subset's PostScript name (a subset's
    /// name starts with six capital letters and `+`, as the PDF specification asks).
    fn names(self) -> (&'static [u8], &'static [u8]) {
        match self {
            Face::Regular => (b"F1", b"HOITHA+DejaVuSerif"),
            Face::Bold => (b"F2", b"HOITHB+DejaVuSerif-Bold"),
            Face::Italic => (b"F3", b"HOITHC+DejaVuSerif-Italic"),
        }
    }
}

/// Horizontal placement of a line of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone)]
enum Op {
    Text {
        face: Face,
        size: f32,
        x: f32,
        y: f32,
        text: String,
        rgb: (f32, f32, f32),
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
        rgb: (f32, f32, f32),
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
}

/// A page being drawn: coordinates in points from the bottom left.
#[derive(Debug, Clone)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    /// The paper is this much of the drawing's size (A5 is A4 at 1/√2): everything is drawn
    /// for the larger paper and scaled when written.
    pub scale: f32,
    ops: Vec<Op>,
}

/// A document: pages, then [`Document::finish`].
pub struct Document {
    title: String,
    pages: Vec<Page>,
    fonts: BTreeMap<Face, ttf_parser::Face<'static>>,
}

/// A font that could not be read: the bundled fonts always can, so this is a build defect.
#[derive(Debug, thiserror::Error)]
#[error("font: {0}")]
pub struct FontError(String);

impl Document {
    pub fn new(title: &str) -> Result<Document, FontError> {
        let mut fonts = BTreeMap::new();
        for face in Face::ALL {
            let parsed = ttf_parser::Face::parse(face.data(), 0)
                .map_err(|e| FontError(format!("{face:?}: {e}")))?;
            fonts.insert(face, parsed);
        }
        Ok(Document {
            title: title.to_owned(),
            pages: Vec::new(),
            fonts,
        })
    }

    /// Width of `text` in points at `size`.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let font = &self.fonts[&face];
        let units: u32 = text
            .chars()
            .map(|c| {
                font.glyph_index(c)
                    .and_then(|g| font.glyph_hor_advance(g))
                    .unwrap_or(0) as u32
            })
            .sum();
        units as f32 * size / font.units_per_em() as f32
    }

    /// The largest size up to `size` at which `text` fits in `max_width` (a long name is set
    /// smaller rather than running off the page).
    pub fn fit(&self, face: Face, size: f32, text: &str, max_width: f32) -> f32 {
        let w = self.width(face, size, text);
        if w <= max_width || w == 0.0 {
            size
        } else {
            size * max_width / w
        }
    }

    pub fn add_page(&mut self, page: Page) {
        self.pages.push(page);
    }

    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    /// The PDF file.
    pub fn finish(self) -> Result<Vec<u8>, FontError> {
        let mut pdf = Pdf::new();
        let mut next = 1;
        let mut alloc = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let catalog = alloc();
        let tree = alloc();
        let info = alloc();
        // Glyphs used per face, remapped to the subset's consecutive ids; the characters
        // behind each glyph for ToUnicode.
        let mut remappers: BTreeMap<Face, subsetter::GlyphRemapper> = BTreeMap::new();
        let mut unicode: BTreeMap<Face, BTreeMap<u16, char>> = BTreeMap::new();
        let mut contents = Vec::with_capacity(self.pages.len());
        for page in &self.pages {
            let mut content = Content::new();
            if page.scale != 1.0 {
                content.transform([page.scale, 0.0, 0.0, page.scale, 0.0, 0.0]);
            }
            for op in &page.ops {
                match op {
                    Op::Text {
                        face,
                        size,
                        x,
                        y,
                        text,
                        rgb,
                    } => {
                        let font = &self.fonts[face];
                        let remapper = remappers.entry(*face).or_default();
                        let map = unicode.entry(*face).or_default();
                        let mut bytes = Vec::with_capacity(text.len() * 2);
                        for c in text.chars() {
                            let gid = font.glyph_index(c).map_or(0, |g| g.0);
                            let new = remapper.remap(gid);
                            map.entry(new).or_insert(c);
                            bytes.extend_from_slice(&new.to_be_bytes());
                        }
                        content
                            .set_fill_rgb(rgb.0, rgb.1, rgb.2)
                            .begin_text()
                            .set_font(Name(face.names().0), *size)
                            .next_line(*x, *y)
                            .show(Str(&bytes))
                            .end_text();
                    }
                    Op::Rect {
                        x,
                        y,
                        w,
                        h,
                        width,
                        rgb,
                    } => {
                        content
                            .set_stroke_rgb(rgb.0, rgb.1, rgb.2)
                            .set_line_width(*width)
                            .rect(*x, *y, *w, *h)
                            .stroke();
                    }
                    Op::Line { from, to, width } => {
                        content
                            .set_stroke_rgb(0.0, 0.0, 0.0)
                            .set_line_width(*width)
                            .move_to(from.0, from.1)
                            .line_to(to.0, to.1)
                            .stroke();
                    }
                }
            }
            contents.push(content.finish());
        }

        let font_refs: BTreeMap<Face, Ref> = remappers.keys().map(|f| (*f, alloc())).collect();
        let page_refs: Vec<(Ref, Ref)> = self.pages.iter().map(|_| (alloc(), alloc())).collect();

        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_refs.iter().map(|p| p.0))
            .count(page_refs.len() as i32);
        pdf.document_info(info)
            .title(TextStr(&self.title))
            .creator(TextStr("hoithi"));
        for ((page_ref, content_ref), (page, content)) in
            page_refs.iter().zip(self.pages.iter().zip(&contents))
        {
            let mut p = pdf.page(*page_ref);
            p.media_box(Rect::new(
                0.0,
                0.0,
                page.width * page.scale,
                page.height * page.scale,
            ))
            .parent(tree)
            .contents(*content_ref);
            let mut resources = p.resources();
            let mut fonts = resources.fonts();
            for (face, r) in &font_refs {
                fonts.pair(Name(face.names().0), *r);
            }
            fonts.finish();
            resources.finish();
            p.finish();
            let packed = deflate(content.as_slice());
            pdf.stream(*content_ref, &packed)
                .filter(Filter::FlateDecode);
        }

        for (face, type0) in &font_refs {
            let (cid, descriptor, cmap, file) = (alloc(), alloc(), alloc(), alloc());
            let font = &self.fonts[face];
            let remapper = &remappers[face];
            let base = Name(face.names().1);
            let scale = 1000.0 / font.units_per_em() as f32;
            let system = SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"Identity"),
                supplement: 0,
            };
            pdf.type0_font(*type0)
                .base_font(base)
                .encoding_predefined(Name(b"Identity-H"))
                .descendant_font(cid)
                .to_unicode(cmap);
            let widths: Vec<f32> = remapper
                .remapped_gids()
                .map(|old| {
                    font.glyph_hor_advance(ttf_parser::GlyphId(old))
                        .unwrap_or(0) as f32
                        * scale
                })
                .collect();
            let mut cid_font = pdf.cid_font(cid);
            cid_font
                .subtype(CidFontType::Type2)
                .base_font(base)
                .system_info(system)
                .font_descriptor(descriptor)
                .cid_to_gid_map_predefined(Name(b"Identity"));
            cid_font.widths().consecutive(0, widths);
            cid_font.finish();

            let bbox = font.global_bounding_box();
            let mut flags = FontFlags::SERIF | FontFlags::NON_SYMBOLIC;
            if *face == Face::Italic {
                flags |= FontFlags::ITALIC;
            }
            pdf.font_descriptor(descriptor)
                .name(base)
                .flags(flags)
                .bbox(Rect::new(
                    bbox.x_min as f32 * scale,
                    bbox.y_min as f32 * scale,
                    bbox.x_max as f32 * scale,
                    bbox.y_max as f32 * scale,
                ))
                .italic_angle(font.italic_angle())
                .ascent(font.ascender() as f32 * scale)
                .descent(font.descender() as f32 * scale)
                .cap_height(font.capital_height().unwrap_or(font.ascender()) as f32 * scale)
                .stem_v(if *face == Face::Bold { 140.0 } else { 80.0 })
                .font_file2(file);

            let mut map = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system);
            for (gid, c) in &unicode[face] {
                map.pair(*gid, *c);
            }
            let map = map.finish();
            pdf.cmap(cmap, map.as_slice());

            let subset = subsetter::subset(face.data(), 0, remapper)
                .map_err(|e| FontError(format!("{face:?}: {e}")))?;
            let packed = deflate(&subset);
            pdf.stream(file, &packed)
                .filter(Filter::FlateDecode)
                .pair(Name(b"Length1"), subset.len() as i32);
        }
        Ok(pdf.finish())
    }
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(bytes.len() / 2), Compression::new(6));
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

impl Page {
    pub fn new((width, height): (f32, f32)) -> Page {
        Page {
            width,
            height,
            scale: 1.0,
            ops: Vec::new(),
        }
    }

    /// A line of text whose baseline is at `y`, placed at `x` by `align` (the centre or the
    /// right end for those alignments).
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        doc: &Document,
        face: Face,
        size: f32,
        (x, y): (f32, f32),
        align: Align,
        text: &str,
    ) {
        self.colored_text(doc, face, size, (x, y), align, text, (0.0, 0.0, 0.0));
    }

    #[allow(clippy::too_many_arguments)]
    pub fn colored_text(
        &mut self,
        doc: &Document,
        face: Face,
        size: f32,
        (x, y): (f32, f32),
        align: Align,
        text: &str,
        rgb: (f32, f32, f32),
    ) {
        let w = doc.width(face, size, text);
        let x = match align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        self.ops.push(Op::Text {
            face,
            size,
            x,
            y,
            text: text.to_owned(),
            rgb,
        });
    }

    pub fn rect(&mut self, (x, y, w, h): (f32, f32, f32, f32), width: f32, rgb: (f32, f32, f32)) {
        self.ops.push(Op::Rect {
            x,
            y,
            w,
            h,
            width,
            rgb,
        });
    }

    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32) {
        self.ops.push(Op::Line { from, to, width });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vietnamese_letter_has_a_glyph_in_each_face() {
        let doc = Document::new("t").unwrap();
        let letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợ\
                       uùúủũụưừứửữựyỳýỷỹỵđ";
        let upper: String = letters.to_uppercase();
        for face in Face::ALL {
            for c in letters.chars().chain(upper.chars()) {
                assert!(
                    doc.fonts[&face].glyph_index(c).is_some(),
                    "{face:?} has no glyph for {c}"
                );
            }
        }
    }

    #[test]
    fn a_document_embeds_only_a_subset_and_fits_long_lines() {
        let mut doc = Document::new("Giấy chứng nhận").unwrap();
        let mut page = Page::new(A4_LANDSCAPE);
        page.text(
            &doc,
            Face::Bold,
            30.0,
            (100.0, 300.0),
            Align::Center,
            "Nguyễn Thị Hồng Nhung",
        );
        doc.add_page(page);
        let pdf = doc.finish().unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // Three faces of DejaVu Serif are over a megabyte; one subset of a few glyphs is not.
        assert!(pdf.len() < 40_000, "{} bytes", pdf.len());

        let doc = Document::new("t").unwrap();
        let long = "Trường Trung học cơ sở và Trung học phổ thông Nguyễn Bỉnh Khiêm";
        let size = doc.fit(Face::Bold, 30.0, long, 300.0);
        assert!(size < 30.0 && (doc.width(Face::Bold, size, long) - 300.0).abs() < 0.5);
        assert_eq!(doc.fit(Face::Bold, 30.0, "An", 300.0), 30.0);
    }
}
