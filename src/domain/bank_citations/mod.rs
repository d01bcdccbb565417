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

use super::bank::Bank;
use super::question::{AnswerKey, Question, QuestionKind};
use super::text;

mod matching;
mod register;

pub use matching::fold;
use matching::{contains_bounded, dated_numbers, starts_with_words, starts_with_year};
pub use register::{Instrument, Register};

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
mod tests;
