//! Whether the laws a question cites stand on the day its bank was checked.
//!
//! Laws move under a bank: Nghị định 13/2023/NĐ-CP stopped on 01/01/2026, Luật An ninh mạng
//! 24/2018/QH14 on 01/7/2026, and a bank that says it was checked later yet still cites them
//! teaches a rule that no longer applies. `question-banks/superseded.toml` (the [`Register`])
//! lists the instruments questions cite and when each starts and ends; [`check`] reads every
//! question against it and returns warnings, as `hoithi bank check` prints them:
//!
//! - a question cites an instrument that had ended by the bank's `checked` date, and does not
//!   also name what replaced it (a question that names both is about the change);
//! - a question cites an instrument that ended after the bank was checked, by `today`: the
//!   bank is stale and needs checking again;
//! - a question cites an instrument that was not yet in force on the `checked` date;
//! - a question states a specific fact (a number, a date, an instrument) and its only source
//!   is a domain («miền») of a framework such as Thông tư 02/2025/TT-BGDĐT, which describes
//!   competences and states no such fact.
//!
//! What a question "cites" is what it asserts: its text, the options its key marks right (all
//! options of an ordering question), its explanation and its source. A wrong option naming an
//! old decree asserts nothing, so it is not read.
//!
//! Citations are matched loosely, because writers spell them many ways: marks, case, «số»,
//! «năm» and the spaces around «/» do not matter ("Nghị định số 13/2023/NĐ-CP",
//! "nghi dinh 13 / 2023", "NĐ 13/2023"), a number matches with or without its suffix unless
//! the word before it names another kind of instrument ("Luật 24/2018" is not "Nghị định
//! 24/2018"), and each instrument may list names without a number ("Luật An ninh mạng 2018").

use std::fmt;

use serde::Deserialize;
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

use super::bank::Bank;
use super::question::{AnswerKey, Question, QuestionKind};
use super::text;

/// A calendar day, as bank files and the register write it (`2026-12-05`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    year: u16,
    month: u8,
    day: u8,
}

impl Day {
    /// Reads `YYYY-MM-DD` (anything after the tenth character, such as a time, is ignored).
    pub fn parse(s: &str) -> Option<Day> {
        let s = s.get(..10)?;
        let b = s.as_bytes();
        if b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = s[..4].parse().ok()?;
        let month: u8 = s[5..7].parse().ok()?;
        let day: u8 = s[8..10].parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Day { year, month, day })
    }
}

/// The Vietnamese way, as the banks' explanations write dates: `01/07/2026`.
impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}/{}", self.day, self.month, self.year)
    }
}

/// The kinds of legal instrument questions cite, by the word a citation puts before a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Luat,
    NghiDinh,
    ThongTu,
    QuyetDinh,
    NghiQuyet,
    ChiThi,
    CongVan,
}

/// Folded kind words: how a title starts, and what a citation may put before a number.
const KIND_WORDS: [(&str, Kind); 7] = [
    ("nghi dinh", Kind::NghiDinh),
    ("thong tu", Kind::ThongTu),
    ("quyet dinh", Kind::QuyetDinh),
    ("nghi quyet", Kind::NghiQuyet),
    ("chi thi", Kind::ChiThi),
    ("cong van", Kind::CongVan),
    ("luat", Kind::Luat),
];

/// Abbreviations writers put before a number ("NĐ 13/2023"); never the start of a title.
const KIND_ABBREVIATIONS: [(&str, Kind); 5] = [
    ("nd", Kind::NghiDinh),
    ("tt", Kind::ThongTu),
    ("qd", Kind::QuyetDinh),
    ("nq", Kind::NghiQuyet),
    ("ct", Kind::ChiThi),
];

/// An instrument's number, as matched in text.
#[derive(Debug, Clone, PartialEq)]
enum Number {
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
struct RawRegister {
    #[serde(default)]
    instrument: Vec<RawInstrument>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrument {
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

    fn by_number(&self, number: &str) -> Option<&Instrument> {
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

/// A `number/year` found in folded text, with what surrounds it.
#[derive(Debug, PartialEq)]
struct DatedCitation {
    num: u32,
    year: u16,
    /// The issuer's suffix after a third `/`, if written.
    suffix: Option<String>,
    /// The kind word just before the number, if any.
    kind: Option<Kind>,
}

/// Every `number/yyyy` of `chars` (folded text) that stands on its own: not the end of a date
/// like 17/4/2023 (a `/` before it) and not part of a longer word.
fn dated_numbers(chars: &[char]) -> Vec<DatedCitation> {
    let mut found = Vec::new();
    let digits_from = |i: usize| chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || "/-.".contains(chars[i - 1])));
        if !starts {
            i += 1;
            continue;
        }
        let n1 = digits_from(i);
        let slash = i + n1;
        let n2 = if chars.get(slash) == Some(&'/') {
            digits_from(slash + 1)
        } else {
            0
        };
        let end = slash + 1 + n2;
        let free_end = chars.get(end).is_none_or(|c| !c.is_alphanumeric());
        if n2 == 4 && free_end {
            let num: String = chars[i..slash].iter().collect();
            let year: String = chars[slash + 1..end].iter().collect();
            let suffix = (chars.get(end) == Some(&'/')).then(|| {
                let s: String = chars[end + 1..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric() || **c == '-')
                    .collect();
                s.trim_end_matches('-').to_owned()
            });
            let before: String = chars[..i].iter().collect();
            if let (Ok(num), Ok(year)) = (num.parse(), year.parse()) {
                found.push(DatedCitation {
                    num,
                    year,
                    suffix: suffix.filter(|s| !s.is_empty()),
                    kind: kind_before(&before),
                });
            }
        }
        i += n1.max(1);
    }
    found
}

/// The kind word that ends `before` (folded text up to a number), if any.
fn kind_before(before: &str) -> Option<Kind> {
    let before = before.trim_end();
    KIND_WORDS
        .iter()
        .chain(&KIND_ABBREVIATIONS)
        .find(|(word, _)| {
            before
                .strip_suffix(word)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with(' '))
        })
        .map(|&(_, kind)| kind)
}

/// Text folded for matching citations: no marks, «đ» as «d», lower case, every run of other
/// characters one space except «/» and «-», which numbers need; no spaces around «/»; the word
/// «số» before a number and «năm» before a year dropped.
pub fn fold(s: &str) -> String {
    let mut raw = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => raw.push('d'),
            // Hyphens that look like «-»; the en and em dashes separate, they never join.
            '-' | '\u{2010}' | '\u{2011}' => raw.push('-'),
            '/' => raw.push('/'),
            c if c.is_alphanumeric() => raw.extend(c.to_lowercase()),
            _ => raw.push(' '),
        }
    }
    let joined = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" /", "/")
        .replace("/ ", "/");
    let tokens: Vec<&str> = joined.split(' ').collect();
    let mut out: Vec<&str> = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).copied().unwrap_or_default();
        let drop = (*t == "so" && next.starts_with(|c: char| c.is_ascii_digit()))
            || (*t == "nam" && starts_with_year(next));
        if !drop {
            out.push(t);
        }
    }
    out.join(" ")
}

fn starts_with_year(token: &str) -> bool {
    let digits = token.chars().take_while(char::is_ascii_digit).count();
    digits == 4
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether folded `text` starts with the folded words `words`, ending at a word boundary.
fn starts_with_words(text: &str, words: &str) -> bool {
    text.strip_prefix(words)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

/// Whether `needle` occurs in `haystack` (both folded) as whole words: nothing alphanumeric
/// before it, and nothing alphanumeric or «/» after it ("nghi dinh 13" is not in "nghi dinh
/// 13/2024", which is another decree).
fn contains_bounded(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric())
            && after.is_none_or(|c| !c.is_alphanumeric() && c != '/')
    })
}

/// One warning about one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The bank file, as the caller named it.
    pub file: String,
    /// The question's id.
    pub question: String,
    /// What is wrong and what to do, in Vietnamese.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]: {}", self.file, self.question, self.message)
    }
}

/// Every warning about `banks` (each with its file), in bank and question order. `today` is
/// the day of the check; it only matters for instruments that ended after a bank was checked.
pub fn check(register: &Register, banks: &[(String, Bank)], today: Day) -> Vec<Warning> {
    let mut out = Vec::new();
    for (file, bank) in banks {
        let Some(checked) = Day::parse(&bank.checked) else {
            continue;
        };
        for q in &bank.questions {
            let mut warn = |message: String| {
                out.push(Warning {
                    file: file.clone(),
                    question: q.id.clone(),
                    message,
                })
            };
            for message in citation_warnings(register, q, checked, today) {
                warn(message);
            }
            if let Some(framework) = rests_on_a_domain(register, q) {
                warn(format!(
                    "nguồn chỉ dẫn một miền của {} cho một dữ kiện cụ thể (con số, ngày tháng \
                     hay văn bản) mà miền năng lực không nêu; hãy dẫn điều, khoản hay năng lực \
                     thành phần, hoặc một nguồn nêu đúng dữ kiện đó",
                    framework.title
                ));
            }
        }
    }
    out
}

/// What `q` claims by itself: its text and the options its key marks right (every option of
/// an ordering question, which lists them in the right order).
fn claim(q: &Question) -> String {
    let keyed: Vec<&str> = match (&q.kind, &q.key) {
        (QuestionKind::TrueFalse, _) | (_, AnswerKey::Number { .. }) => Vec::new(),
        (_, AnswerKey::Order { .. }) => q.options.iter().map(String::as_str).collect(),
        (_, AnswerKey::Options { ids }) => ids
            .iter()
            .filter_map(|&id| q.options.get(usize::from(id).wrapping_sub(1)))
            .map(String::as_str)
            .collect(),
    };
    // A separator that folds to a space, so no citation runs from one field into the next.
    std::iter::once(q.text.as_str())
        .chain(keyed)
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// What `q` asserts: its claim, its explanation and its source.
fn asserted(q: &Question) -> String {
    format!("{} ; {} ; {}", claim(q), q.explanation, q.source)
}

fn citation_warnings(register: &Register, q: &Question, checked: Day, today: Day) -> Vec<String> {
    let text = asserted(q);
    let cited = register.cited(&text);
    let mut out = Vec::new();
    for inst in &cited {
        let replaced_too = inst.replaced_by.iter().any(|r| {
            register
                .by_number(r)
                .is_some_and(|r| cited.iter().any(|c| c.number == r.number))
        });
        let replacements = if inst.replaced_by.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = inst
                .replaced_by
                .iter()
                .map(|r| {
                    register
                        .by_number(r)
                        .map_or(r.as_str(), |i| i.title.as_str())
                })
                .collect();
            format!(", được thay bằng {}", names.join(", "))
        };
        match inst.ends {
            Some(end) if end <= checked && !replaced_too => out.push(format!(
                "dẫn {}, văn bản đã hết hiệu lực từ {end}{replacements}, trước ngày kiểm tra \
                 {checked} của ngân hàng; hãy dẫn văn bản đang có hiệu lực, hoặc nêu cả văn bản \
                 thay thế nếu câu hỏi nói về sự thay đổi",
                inst.title
            )),
            Some(end) if end > checked && end <= today && !replaced_too => out.push(format!(
                "dẫn {}, văn bản hết hiệu lực từ {end}{replacements}, sau ngày kiểm tra \
                 {checked} của ngân hàng; hãy kiểm tra lại câu hỏi rồi cập nhật ngày «checked»",
                inst.title
            )),
            _ => {}
        }
        if let Some(start) = inst.in_force.filter(|&s| s > checked) {
            out.push(format!(
                "dẫn {}, văn bản chỉ có hiệu lực từ {start}, sau ngày kiểm tra {checked} của \
                 ngân hàng; đừng trình bày nó như quy định đang áp dụng",
                inst.title
            ));
        }
    }
    out
}

/// The framework whose domain is `q`'s only source for a specific fact, if that is the case.
fn rests_on_a_domain<'r>(register: &'r Register, q: &Question) -> Option<&'r Instrument> {
    let framework = only_a_domain(register, &q.source)?;
    states_a_specific_fact(register, q).then_some(framework)
}

/// The framework a source cites by a domain and nothing finer (no article, clause, annex or
/// component competence), when the source cites nothing else. A source is read as parts
/// between «;»; a part that only continues the list of domains ("miền An toàn") belongs to
/// the framework part before it.
fn only_a_domain<'r>(register: &'r Register, source: &str) -> Option<&'r Instrument> {
    if names_a_part(&fold(source)) {
        return None;
    }
    let mut framework = None;
    let mut domain = false;
    for part in source.split(';') {
        let part = fold(part);
        if part.is_empty() {
            continue;
        }
        let cited = register.cited(&part);
        if let Some(f) = cited.iter().find(|i| i.framework) {
            framework = Some(*f);
            domain |= contains_bounded(&part, "mien");
        } else if starts_with_words(&part, "mien") || starts_with_words(&part, "cac mien") {
            domain = true;
        } else {
            return None;
        }
    }
    framework.filter(|_| domain)
}

/// Whether a folded source names a part of an instrument finer than a domain: an article or
/// clause with its number («Điều 2», «khoản 18»), an annex, or a component competence.
fn names_a_part(folded: &str) -> bool {
    let words: Vec<&str> = folded.split(' ').collect();
    words
        .windows(2)
        .any(|w| matches!(w[0], "dieu" | "khoan") && w[1].starts_with(|c: char| c.is_ascii_digit()))
        || contains_bounded(folded, "phu luc")
        || contains_bounded(folded, "nang luc thanh phan")
}

/// Whether `q` states a fact a competence domain cannot: a number as its answer, or a date, a
/// year or a legal instrument in what it asserts (its text and the options its key marks
/// right). How a pupil should act is the framework's business; when a law took effect is not.
fn states_a_specific_fact(register: &Register, q: &Question) -> bool {
    if q.kind == QuestionKind::Numeric {
        return true;
    }
    // Only the question and its key: an explanation may add a date for context.
    let claim = claim(q);
    let folded = fold(&claim);
    let chars: Vec<char> = folded.chars().collect();
    has_date(&claim)
        || !register.cited(&claim).is_empty()
        || dated_numbers(&chars)
            .iter()
            .any(|c| c.suffix.is_some() || c.kind.is_some())
}

/// A full date (17/4/2023) or a year named as one («năm 2018»).
fn has_date(s: &str) -> bool {
    let plain = text::fold(s);
    let words: Vec<&str> = plain.split(' ').collect();
    if words
        .windows(2)
        .any(|w| w[0] == "nam" && starts_with_year(w[1]) && w[1].len() == 4)
    {
        return true;
    }
    let chars: Vec<char> = s.chars().collect();
    let run = |i: usize| chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    (0..chars.len()).any(|i| {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            return false;
        }
        let d = run(i);
        let m_at = i + d + 1;
        if !(1..=2).contains(&d) || chars.get(i + d) != Some(&'/') || m_at >= chars.len() {
            return false;
        }
        let m = run(m_at);
        let y_at = m_at + m + 1;
        (1..=2).contains(&m)
            && chars.get(m_at + m) == Some(&'/')
            && y_at < chars.len()
            && run(y_at) == 4
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bank::{Level, Topic};
    use crate::domain::question::tests::single;

    const REGISTER: &str = r#"
[[instrument]]
number = "13/2023/NĐ-CP"
title = "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân"
in_force = 2023-07-01
ends = 2026-01-01
replaced_by = ["356/2025/NĐ-CP"]
also = ["Nghị định 13"]
source = "thử"

[[instrument]]
number = "356/2025/NĐ-CP"
title = "Nghị định 356/2025/NĐ-CP hướng dẫn Luật Bảo vệ dữ liệu cá nhân"
in_force = 2026-01-01
source = "thử"

[[instrument]]
number = "24/2018/QH14"
title = "Luật An ninh mạng 24/2018/QH14"
ends = 2026-07-01
replaced_by = ["116/2025/QH15"]
also = ["Luật An ninh mạng 2018"]
source = "thử"

[[instrument]]
number = "116/2025/QH15"
title = "Luật An ninh mạng 116/2025/QH15"
in_force = 2026-07-01
source = "thử"

[[instrument]]
number = "02/2025/TT-BGDĐT"
title = "Thông tư 02/2025/TT-BGDĐT quy định Khung năng lực số cho người học"
in_force = 2025-03-11
framework = true
source = "thử"
"#;

    fn register() -> Register {
        Register::parse(REGISTER).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn numbers(text: &str) -> Vec<String> {
        let register = register();
        register
            .cited(text)
            .iter()
            .map(|i| i.number.clone())
            .collect()
    }

    #[test]
    fn a_citation_is_found_however_it_is_written() {
        let nd13 = vec!["13/2023/NĐ-CP".to_owned()];
        for text in [
            "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân",
            "theo Nghị định số 13/2023/NĐ-CP",
            "Nghị định 13/2023",
            "nghi dinh 13 / 2023 / nd-cp",
            "NĐ 13/2023",
            "13/2023/ND-CP",
            "(13/2023/NĐ‑CP)",
            "Nghị định 13 của Chính phủ",
            "Nghi\u{0323} đi\u{0323}nh 13/2023",
        ] {
            assert_eq!(numbers(text), nd13, "{text}");
        }
    }

    #[test]
    fn near_misses_are_not_citations() {
        for text in [
            "Nghị định 113/2023/NĐ-CP",
            "Thông tư 13/2023/TT-BYT",
            "Luật số 13/2023",
            "ngày 17/4/2023",
            "Nghị định 13/2024/NĐ-CP",
            "Nghị định 130",
            "Luật An ninh mạng 2025",
            "Luật An ninh mạng",
            "Quyết định 505/QĐ-TTg ngày 22/4/2022",
        ] {
            assert!(
                numbers(text).iter().all(|n| n != "13/2023/NĐ-CP"),
                "{text}: {:?}",
                numbers(text)
            );
        }
        assert!(numbers("Nghị định 24/2018/NĐ-CP").is_empty());
        assert!(numbers("Nghị định 24/2018").is_empty());
        assert!(numbers("Nghị quyết 24/2018/QH14").is_empty());
    }

    #[test]
    fn names_without_a_number_count_too() {
        for text in [
            "Luật An ninh mạng 2018",
            "Luật An ninh mạng năm 2018 có 7 chương",
            "LUẬT AN NINH MẠNG NĂM 2018",
            "Luật số 24/2018/QH14",
            "Luật An ninh mạng 24/2018",
        ] {
            assert_eq!(numbers(text), vec!["24/2018/QH14"], "{text}");
        }
    }

    #[test]
    fn a_register_with_mistakes_says_each_one() {
        let bad = r#"
[[instrument]]
number = "13/2023/NĐ-CP"
title = "Về bảo vệ dữ liệu cá nhân"
ends = 2026-01-01
replaced_by = ["356/2025/NĐ-CP"]
source = ""

[[instrument]]
number = "59/2022/NĐ-CP"
title = "Nghị định 59/2022/NĐ-CP"
in_force = 2024-07-01
ends = 2024-07-01
source = "thử"

[[instrument]]
number = "59/2022/NĐ-CP"
title = "Nghị định 59/2022/NĐ-CP"
replaced_by = ["69/2024/NĐ-CP"]
source = "thử"
"#;
        let problems = Register::parse(bad).unwrap_err().join("\n");
        for expected in [
            "13/2023/NĐ-CP: tên «Về bảo vệ dữ liệu cá nhân» phải bắt đầu bằng loại văn bản",
            "13/2023/NĐ-CP: tên «Về bảo vệ dữ liệu cá nhân» cần ghi cả số hiệu",
            "13/2023/NĐ-CP: chưa ghi nguồn",
            "59/2022/NĐ-CP: ngày hết hiệu lực («ends») phải sau ngày có hiệu lực",
            "59/2022/NĐ-CP: có văn bản thay thế nhưng chưa ghi ngày hết hiệu lực",
            "59/2022/NĐ-CP: số hiệu bị lặp",
            "59/2022/NĐ-CP: văn bản thay thế 69/2024/NĐ-CP chưa có bảng [[instrument]] riêng",
        ] {
            assert!(problems.contains(expected), "{expected}\n---\n{problems}");
        }
        assert!(Register::parse("[[instrument]]\nnumber = 1").is_err());
    }

    fn day(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    fn bank(checked: &str, questions: Vec<Question>) -> (String, Bank) {
        (
            "b.toml".into(),
            Bank {
                id: "b".into(),
                title: "B".into(),
                topic: Topic::AnToan,
                levels: vec![Level::Thcs],
                language: "vi".into(),
                checked: checked.into(),
                questions,
            },
        )
    }

    fn question(id: &str, text: &str, explanation: &str, source: &str) -> Question {
        let mut q = single(1, 2);
        q.id = id.into();
        q.text = text.into();
        q.explanation = explanation.into();
        q.source = source.into();
        q
    }

    fn warnings(checked: &str, today: &str, q: Question) -> Vec<String> {
        check(&register(), &[bank(checked, vec![q])], day(today))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn citing_an_instrument_that_had_ended_when_the_bank_was_checked_warns() {
        let q = question(
            "q-1",
            "Văn bản nào quy định về bảo vệ dữ liệu cá nhân?",
            "Nghị định 13/2023/NĐ-CP quy định việc này.",
            "luatvietan.com",
        );
        let w = warnings("2026-12-05", "2026-12-05", q);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with(
                "b.toml [q-1]: dẫn Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân, văn bản \
                 đã hết hiệu lực từ 01/01/2026, được thay bằng Nghị định 356/2025/NĐ-CP hướng dẫn \
                 Luật Bảo vệ dữ liệu cá nhân, trước ngày kiểm tra 05/12/2026 của ngân hàng"
            ),
            "{w:?}"
        );
        // Checked while the decree stood: nothing to say until the day it ended.
        let q = question("q-1", "Hỏi?", "Nghị định 13/2023/NĐ-CP.", "x");
        assert!(warnings("2025-11-01", "2025-12-31", q.clone()).is_empty());
        let stale = warnings("2025-11-01", "2026-01-01", q);
        assert_eq!(stale.len(), 1, "{stale:?}");
        assert!(
            stale[0].contains("sau ngày kiểm tra 01/11/2025"),
            "{stale:?}"
        );
        assert!(stale[0].contains("cập nhật ngày «checked»"), "{stale:?}");
    }

    #[test]
    fn a_question_about_the_change_names_both_and_passes() {
        let q = question(
            "q-2",
            "Từ 01/01/2026, văn bản nào thay Nghị định 13/2023/NĐ-CP?",
            "Nghị định 356/2025/NĐ-CP.",
            "frasersvn.com",
        );
        assert!(warnings("2026-12-05", "2026-12-05", q).is_empty());
    }

    #[test]
    fn a_wrong_option_naming_an_old_decree_asserts_nothing() {
        let mut q = question(
            "q-3",
            "Văn bản nào quy định về bảo vệ dữ liệu cá nhân?",
            "Đó là Luật Bảo vệ dữ liệu cá nhân.",
            "thanhnien.vn",
        );
        q.options = vec![
            "Luật Bảo vệ dữ liệu cá nhân".into(),
            "Nghị định 13/2023/NĐ-CP".into(),
        ];
        assert!(warnings("2026-12-05", "2026-12-05", q.clone()).is_empty());
        // Marked right, the same option is a claim.
        q.key = AnswerKey::Options { ids: vec![2] };
        q.explanation = "Đó là nghị định này.".into();
        assert_eq!(warnings("2026-12-05", "2026-12-05", q).len(), 1);
    }

    #[test]
    fn citing_an_instrument_not_yet_in_force_warns() {
        let q = question(
            "q-4",
            "Luật An ninh mạng 116/2025/QH15 quy định gì?",
            "Vì.",
            "thanhnien.vn",
        );
        let w = warnings("2026-03-01", "2026-03-01", q.clone());
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("chỉ có hiệu lực từ 01/07/2026, sau ngày kiểm tra 01/03/2026"),
            "{w:?}"
        );
        assert!(warnings("2026-07-01", "2026-07-01", q).is_empty());
    }

    fn domain_question(kind: QuestionKind, text: &str, source: &str) -> Question {
        let mut q = question("q-5", text, "Vì.", source);
        q.kind = kind;
        if kind == QuestionKind::Numeric {
            q.options.clear();
            q.key = AnswerKey::Number {
                value: 6.0,
                tolerance: 0.0,
            };
        }
        q
    }

    #[test]
    fn a_domain_is_no_source_for_a_specific_fact() {
        use QuestionKind::{Numeric, Single, TrueFalse};
        let domain = "Thông tư 02/2025/TT-BGDĐT, khung năng lực số — miền An toàn";
        // (kind, text, source, warns)
        let cases = [
            (Numeric, "Khung có bao nhiêu miền?", domain, true),
            (TrueFalse, "Luật An ninh mạng năm 2018 có 43 điều.", domain, true),
            (Single, "Nghị định nào ban hành ngày 17/4/2023?", domain, true),
            (TrueFalse, "Nghị định 59/2022/NĐ-CP vẫn còn hiệu lực.", domain, true),
            (
                TrueFalse,
                "Khung có 6 miền.",
                "Thông tư 02/2025/TT-BGDĐT — miền Khai thác dữ liệu; miền An toàn",
                false,
            ),
            (Single, "Em nên làm gì khi bị bắt nạt trên mạng?", domain, false),
            (Single, "Em lưu bài vào thư mục «Năm học 2025-2026». Đúng không?", domain, false),
            (
                Numeric,
                "Khung có bao nhiêu miền?",
                "Thông tư 02/2025/TT-BGDĐT, Điều 2 khoản 18",
                false,
            ),
            (
                Numeric,
                "Khung có bao nhiêu miền?",
                "Thông tư 02/2025/TT-BGDĐT, Khung năng lực số ban hành kèm theo",
                false,
            ),
            (
                Numeric,
                "Khung có bao nhiêu miền?",
                "Thông tư 02/2025/TT-BGDĐT — miền An toàn, năng lực thành phần 4.1",
                false,
            ),
            (
                Numeric,
                "Khung có bao nhiêu miền?",
                "Khuyến cáo của Công an TP.HCM (dantri.com.vn); Thông tư 02/2025/TT-BGDĐT — miền An toàn",
                false,
            ),
        ];
        for (kind, text, source, warns) in cases {
            let w = warnings(
                "2026-12-05",
                "2026-12-05",
                domain_question(kind, text, source),
            );
            let domain_warnings = w
                .iter()
                .filter(|w| w.contains("nguồn chỉ dẫn một miền"))
                .count();
            assert_eq!(
                domain_warnings,
                usize::from(warns),
                "{text} / {source}: {w:?}"
            );
        }
    }

    #[test]
    fn days_read_and_print_as_writers_expect() {
        assert_eq!(day("2026-07-01").to_string(), "01/07/2026");
        assert_eq!(day("2026-07-01T08:00:00").to_string(), "01/07/2026");
        assert!(day("2026-01-01") < day("2026-07-01"));
        for bad in ["2026-13-01", "2026/07/01", "26-07-01", ""] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
    }
}
