//! The register of laws questions cite (`question-banks/superseded.toml`): each instrument's
//! number, names, and the days it starts and ends, read and checked as a whole.

use serde::Deserialize;

use super::matching::{
    all_digits, contains_bounded, dated_numbers, fold, starts_with_words, DatedCitation, Kind,
    KIND_WORDS,
};
use super::Day;
use crate::domain::text;

/// An instrument's number, as matched in text.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Number {
    /// `13/2023/NĐ-CP`: a number, a year and the issuer's suffix (`nd-cp`), which a citation
    /// may leave out.
    Dated { num: u32, year: u16, suffix: String },
    /// Anything else (`505/QĐ-TTg`), matched whole.
    Plain(String),
}

impl Number {
    fn parse(number: &str) -> Option<Number> {
        let folded = fold(number);
        if folded.is_empty() || folded.contains(' ') {
            return None;
        }
        let mut parts = folded.splitn(3, '/');
        let (first, second) = (parts.next()?, parts.next());
        if let (Ok(num), Some(year)) = (first.parse::<u32>(), second) {
            if year.len() == 4 && all_digits(year) && all_digits(first) {
                return Some(Number::Dated {
                    num,
                    year: year.parse().ok()?,
                    suffix: parts.next().unwrap_or_default().to_owned(),
                });
            }
        }
        Some(Number::Plain(folded))
    }
}

/// One instrument of the register.
#[derive(Debug, Clone, PartialEq)]
pub struct Instrument {
    /// The number as the instrument writes it: `13/2023/NĐ-CP`.
    pub number: String,
    /// How warnings name it; starts with its kind and holds its number.
    pub title: String,
    /// The first day it applies, when known.
    pub in_force: Option<Day>,
    /// The first day it no longer applies, if it has stopped or a stop is known.
    pub ends: Option<Day>,
    /// The numbers of the instruments that replaced it.
    pub replaced_by: Vec<String>,
    /// A competence framework: its domains describe skills, not facts.
    pub framework: bool,
    kind: Kind,
    matcher: Number,
    /// Folded names without a number ("luat an ninh mang 2018").
    aliases: Vec<String>,
}

/// The instruments of `question-banks/superseded.toml`, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Register {
    instruments: Vec<Instrument>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegister {
    #[serde(default)]
    instrument: Vec<RawInstrument>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInstrument {
    number: String,
    title: String,
    #[serde(default)]
    in_force: Option<toml::value::Datetime>,
    #[serde(default)]
    ends: Option<toml::value::Datetime>,
    #[serde(default)]
    replaced_by: Vec<String>,
    #[serde(default)]
    also: Vec<String>,
    #[serde(default)]
    framework: bool,
    #[serde(default)]
    source: String,
}

impl Register {
    /// Reads the register file. Every problem is reported, each naming the instrument, so a
    /// maintainer fixes the file in one pass; a register with any problem is not used.
    pub fn parse(src: &str) -> Result<Register, Vec<String>> {
        let raw: RawRegister = toml::from_str(src).map_err(|e| vec![e.message().to_owned()])?;
        let mut problems = Vec::new();
        let mut instruments = Vec::new();
        for raw in raw.instrument {
            let mut problem = |what: String| problems.push(format!("{}: {what}", raw.number));
            let matcher = Number::parse(&raw.number);
            if matcher.is_none() {
                problem("số hiệu không đọc được".into());
            }
            let folded_title = fold(&raw.title);
            let kind = KIND_WORDS
                .iter()
                .find(|(word, _)| starts_with_words(&folded_title, word))
                .map(|&(_, kind)| kind);
            if kind.is_none() {
                problem(format!(
                    "tên «{}» phải bắt đầu bằng loại văn bản (Luật, Nghị định, Thông tư, \
                     Quyết định, Nghị quyết, Chỉ thị, Công văn)",
                    raw.title
                ));
            }
            if !folded_title.contains(&fold(&raw.number)) {
                problem(format!("tên «{}» cần ghi cả số hiệu", raw.title));
            }
            for s in [&raw.title, &raw.number, &raw.source]
                .into_iter()
                .chain(&raw.also)
            {
                if !text::is_normalized(s) {
                    problem(format!("«{s}» chưa ở dạng Unicode dựng sẵn (NFC)"));
                }
            }
            if raw.source.trim().is_empty() {
                problem("chưa ghi nguồn («source») đã đối chiếu các ngày".into());
            }
            let day =
                |d: &Option<toml::value::Datetime>| d.as_ref().map(|d| Day::parse(&d.to_string()));
            let (in_force, ends) = (day(&raw.in_force), day(&raw.ends));
            if in_force == Some(None) || ends == Some(None) {
                problem("ngày phải ghi dạng YYYY-MM-DD".into());
            }
            let (in_force, ends) = (in_force.flatten(), ends.flatten());
            if let (Some(start), Some(end)) = (in_force, ends) {
                if end <= start {
                    problem(
                        "ngày hết hiệu lực («ends») phải sau ngày có hiệu lực («in_force»)".into(),
                    );
                }
            }
            if !raw.replaced_by.is_empty() && ends.is_none() {
                problem("có văn bản thay thế nhưng chưa ghi ngày hết hiệu lực («ends»)".into());
            }
            let aliases: Vec<String> = raw.also.iter().map(|a| fold(a)).collect();
            if aliases.iter().any(String::is_empty) {
                problem("tên gọi khác («also») đang để trống".into());
            }
            if let (Some(matcher), Some(kind)) = (matcher, kind) {
                instruments.push(Instrument {
                    number: raw.number,
                    title: raw.title,
                    in_force,
                    ends,
                    replaced_by: raw.replaced_by,
                    framework: raw.framework,
                    kind,
                    matcher,
                    aliases,
                });
            }
        }
        for (i, a) in instruments.iter().enumerate() {
            if instruments[..i].iter().any(|b| b.matcher == a.matcher) {
                problems.push(format!("{}: số hiệu bị lặp", a.number));
            }
            for r in &a.replaced_by {
                let known =
                    Number::parse(r).is_some_and(|n| instruments.iter().any(|b| b.matcher == n));
                if !known {
                    problems.push(format!(
                        "{}: văn bản thay thế {r} chưa có bảng [[instrument]] riêng",
                        a.number
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(Register { instruments })
        } else {
            Err(problems)
        }
    }

    /// The instruments, in the file's order.
    pub fn instruments(&self) -> &[Instrument] {
        &self.instruments
    }

    /// The instruments `text` cites, in register order.
    pub fn cited(&self, text: &str) -> Vec<&Instrument> {
        let folded = fold(text);
        let chars: Vec<char> = folded.chars().collect();
        let dated = dated_numbers(&chars);
        self.instruments
            .iter()
            .filter(|inst| inst.cited_in(&folded, &dated))
            .collect()
    }

    pub(super) fn by_number(&self, number: &str) -> Option<&Instrument> {
        let n = Number::parse(number)?;
        self.instruments.iter().find(|i| i.matcher == n)
    }
}

impl Instrument {
    fn cited_in(&self, folded: &str, dated: &[DatedCitation]) -> bool {
        let by_number = match &self.matcher {
            // The kind word counts even with the full number: the Quốc hội numbers its laws
            // and its resolutions in one series, so "Nghị quyết 51/2005/QH11" is not the law.
            Number::Dated { num, year, suffix } => dated.iter().any(|c| {
                c.num == *num
                    && c.year == *year
                    && c.suffix.as_ref().is_none_or(|s| s == suffix)
                    && c.kind.is_none_or(|k| k == self.kind)
            }),
            Number::Plain(number) => contains_bounded(folded, number),
        };
        by_number || self.aliases.iter().any(|a| contains_bounded(folded, a))
    }
}
