//! Question banks: the TOML format of `question-banks/*.toml` (documented in
//! `question-banks/README.md`; `superseded.toml` there is not a bank but the list that
//! [`super::bank_citations`] reads) and the rules every bank must keep. Parsing is pure: the
//! caller reads the file and says whether an image exists.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::question::{
    AnswerKey, OptionId, Points, Question, QuestionKind, TimeLimit, MAX_OPTIONS,
};
use super::text;

/// Longest question text, in characters: what fits a 360-px phone screen above the buttons.
pub const MAX_TEXT_CHARS: usize = 300;
/// Longest option text, in characters.
pub const MAX_OPTION_CHARS: usize = 120;
/// Two questions whose word-pair overlap reaches this share are near-duplicates.
pub const NEAR_DUPLICATE_SIMILARITY: f64 = 0.85;

/// Who a bank is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    TieuHoc,
    Thcs,
    Thpt,
    GiaoVien,
    CongDong,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::TieuHoc,
        Level::Thcs,
        Level::Thpt,
        Level::GiaoVien,
        Level::CongDong,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::TieuHoc => "tieu-hoc",
            Level::Thcs => "thcs",
            Level::Thpt => "thpt",
            Level::GiaoVien => "giao-vien",
            Level::CongDong => "cong-dong",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// What a bank is about: the six domains of Thông tư 02/2025/TT-BGDĐT, plus e-government and
/// digital transformation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Topic {
    KhaiThacDuLieu,
    GiaoTiepHopTac,
    SangTaoNoiDung,
    AnToan,
    GiaiQuyetVanDe,
    TriTueNhanTao,
    ChinhPhuSo,
    ChuyenDoiSo,
}

impl Topic {
    pub const ALL: [Topic; 8] = [
        Topic::KhaiThacDuLieu,
        Topic::GiaoTiepHopTac,
        Topic::SangTaoNoiDung,
        Topic::AnToan,
        Topic::GiaiQuyetVanDe,
        Topic::TriTueNhanTao,
        Topic::ChinhPhuSo,
        Topic::ChuyenDoiSo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::KhaiThacDuLieu => "khai-thac-du-lieu",
            Topic::GiaoTiepHopTac => "giao-tiep-hop-tac",
            Topic::SangTaoNoiDung => "sang-tao-noi-dung",
            Topic::AnToan => "an-toan",
            Topic::GiaiQuyetVanDe => "giai-quyet-van-de",
            Topic::TriTueNhanTao => "tri-tue-nhan-tao",
            Topic::ChinhPhuSo => "chinh-phu-so",
            Topic::ChuyenDoiSo => "chuyen-doi-so",
        }
    }

    pub fn parse(s: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A checked bank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bank {
    pub id: String,
    pub title: String,
    pub topic: Topic,
    pub levels: Vec<Level>,
    pub language: String,
    /// The day the facts were last checked, `YYYY-MM-DD`.
    pub checked: String,
    pub questions: Vec<Question>,
}

/// What a bank is for, which decides what each of its questions must carry.
///
/// An official contest decides prizes on a bank's answer keys, so a dispute must be settled
/// from the question itself: its explanation (why the key is right) and its source (where the
/// fact comes from). A teacher's own class quiz is not disputed that way, and the common
/// Kahoot sheet has neither column, so there both are optional (each still checked when
/// given). A bank becomes official only when an organizer approves it, and approval asks for
/// both ([`official_gaps`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Bundled, or imported by an organizer for review and approval.
    #[default]
    Official,
    /// A teacher's private bank for their own classes.
    Class,
}

impl Purpose {
    /// Whether every question must have an explanation and a source.
    pub fn requires_explanation_and_source(self) -> bool {
        self == Purpose::Official
    }
}

/// Why `bank` may not be approved for official contests: one `(question id, message)` per
/// question without an explanation or a source. Empty when it may.
pub fn official_gaps(bank: &Bank) -> Vec<(String, String)> {
    let mut gaps = Vec::new();
    for q in &bank.questions {
        let mut issues = Vec::new();
        check_explained(Purpose::Official, &q.explanation, &q.source, &mut issues);
        gaps.extend(issues.into_iter().map(|m| (q.id.clone(), m)));
    }
    gaps
}

/// One thing wrong with a bank, located as precisely as the format allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The bank file (as the caller named it).
    pub file: String,
    /// 1-based line in the file, when known.
    pub line: Option<usize>,
    /// The question's id, when the issue belongs to one question.
    pub question: Option<String>,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(q) = &self.question {
            write!(f, " [{q}]")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBank {
    id: String,
    title: String,
    topic: String,
    levels: Vec<String>,
    language: String,
    checked: toml::value::Datetime,
    #[serde(default)]
    questions: Vec<toml::Spanned<RawQuestion>>,
}

/// One question as written, before any rule is checked. The spreadsheet importer fills it
/// from a row, so imported questions pass exactly the rules a bank file does.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuestion {
    pub(crate) id: String,
    pub(crate) kind: String,
    pub(crate) text: String,
    #[serde(default)]
    pub(crate) image: Option<String>,
    #[serde(default)]
    pub(crate) options: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) correct: Option<toml::Value>,
    #[serde(default)]
    pub(crate) tolerance: Option<f64>,
    pub(crate) time_limit: u32,
    #[serde(default)]
    pub(crate) points: Option<String>,
    pub(crate) difficulty: u8,
    #[serde(default)]
    pub(crate) explanation: String,
    #[serde(default)]
    pub(crate) source: String,
}

/// Parses one bank file of an official bank (see [`parse_for`]): the bundled banks and
/// `hoithi bank check`.
pub fn parse(
    file: &str,
    src: &str,
    image_exists: &dyn Fn(&str) -> bool,
) -> Result<Bank, Vec<Issue>> {
    parse_for(Purpose::Official, file, src, image_exists)
}

/// Parses one bank file by the rules of `purpose`. `file` names it in issues; `image_exists`
/// answers whether an image named by a question is present beside the bank. Every problem
/// found is reported, not just the first, so a writer fixes a file in one pass.
pub fn parse_for(
    purpose: Purpose,
    file: &str,
    src: &str,
    image_exists: &dyn Fn(&str) -> bool,
) -> Result<Bank, Vec<Issue>> {
    let raw: RawBank = match toml::from_str(src) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.span().map(|s| line_of(src, s.start));
            return Err(vec![Issue {
                file: file.into(),
                line,
                question: None,
                message: e.message().to_owned(),
            }]);
        }
    };
    let mut issues = Vec::new();
    let mut bank_issue = |message: String| {
        issues.push(Issue {
            file: file.into(),
            line: None,
            question: None,
            message,
        });
    };
    if !is_slug(&raw.id) {
        bank_issue(format!(
            "mã ngân hàng {:?} chỉ được gồm chữ thường không dấu, chữ số và dấu -",
            raw.id
        ));
    }
    let topic = Topic::parse(&raw.topic);
    if topic.is_none() {
        bank_issue(format!("chủ đề {:?} không hợp lệ", raw.topic));
    }
    let mut levels = Vec::new();
    for l in &raw.levels {
        match Level::parse(l) {
            Some(level) => levels.push(level),
            None => bank_issue(format!("cấp học {l:?} không hợp lệ")),
        }
    }
    if raw.levels.is_empty() {
        bank_issue("ngân hàng cần ít nhất một cấp học".into());
    }
    if raw.title.trim().is_empty() {
        bank_issue("ngân hàng chưa có tên".into());
    } else if !text::is_normalized(&raw.title) {
        bank_issue("tên ngân hàng chưa ở dạng Unicode dựng sẵn (NFC)".into());
    }
    if raw.questions.is_empty() {
        bank_issue("ngân hàng chưa có câu hỏi nào".into());
    }

    let mut questions = Vec::with_capacity(raw.questions.len());
    let mut ids: HashMap<String, usize> = HashMap::new();
    for spanned in raw.questions {
        let line = line_of(src, spanned.span().start);
        let raw_q = spanned.into_inner();
        let qid = Some(raw_q.id.clone());
        let mut q_issues = Vec::new();
        let question = parse_question(&raw.id, raw_q, purpose, image_exists, &mut q_issues);
        for message in q_issues {
            issues.push(Issue {
                file: file.into(),
                line: Some(line),
                question: qid.clone(),
                message,
            });
        }
        if let Ok(q) = question {
            if let Some(first) = ids.insert(q.id.clone(), line) {
                issues.push(Issue {
                    file: file.into(),
                    line: Some(line),
                    question: Some(q.id.clone()),
                    message: format!("mã câu hỏi bị trùng (lần đầu ở dòng {first})"),
                });
            }
            questions.push(q);
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    Ok(Bank {
        id: raw.id,
        title: raw.title,
        topic: topic.expect("checked above"),
        levels,
        language: raw.language,
        checked: raw.checked.to_string(),
        questions,
    })
}

/// Builds one question by the rules of `purpose`, pushing every problem onto `issues`.
/// Returns the question only when it is playable; an `Err(())` still carries its issues
/// through `issues`.
pub(crate) fn parse_question(
    bank: &str,
    raw: RawQuestion,
    purpose: Purpose,
    image_exists: &dyn Fn(&str) -> bool,
    issues: &mut Vec<String>,
) -> Result<Question, ()> {
    let kind = match raw.kind.as_str() {
        "single" => Some(QuestionKind::Single),
        "multiple" => Some(QuestionKind::Multiple),
        "true_false" => Some(QuestionKind::TrueFalse),
        "ordering" => Some(QuestionKind::Ordering),
        "numeric" => Some(QuestionKind::Numeric),
        other => {
            issues.push(format!(
                "loại câu {other:?} không hợp lệ: hãy dùng «single», «multiple», «true_false», \
                 «ordering» hoặc «numeric»"
            ));
            None
        }
    };
    if !is_slug(&raw.id) {
        issues.push(format!(
            "mã câu hỏi {:?} chỉ được gồm chữ thường không dấu, chữ số và dấu -",
            raw.id
        ));
    }
    check_text("câu hỏi («text»)", &raw.text, MAX_TEXT_CHARS, issues);
    check_explained(purpose, &raw.explanation, &raw.source, issues);
    let time_limit = TimeLimit::from_secs(raw.time_limit)
        .map_err(|e| issues.push(e))
        .ok();
    let points = match raw.points.as_deref() {
        None | Some("standard") => Some(Points::Standard),
        Some("none") => Some(Points::None),
        Some("double") => Some(Points::Double),
        Some(other) => {
            issues.push(format!(
                "điểm («points») phải là «none», «standard» hoặc «double» (đang ghi {other:?})"
            ));
            None
        }
    };
    if !(1..=3).contains(&raw.difficulty) {
        issues.push(format!(
            "độ khó («difficulty») phải là 1, 2 hoặc 3 (đang ghi {})",
            raw.difficulty
        ));
    }
    if let Some(image) = &raw.image {
        if image.contains("..") || image.starts_with('/') || !image_exists(image) {
            issues.push(format!(
                "không có hình ảnh {image:?} trong thư mục images/ cạnh ngân hàng"
            ));
        }
    }

    let options = raw.options.unwrap_or_default();
    for (i, o) in options.iter().enumerate() {
        check_text(&format!("phương án {}", i + 1), o, MAX_OPTION_CHARS, issues);
    }
    let mut folded = BTreeSet::new();
    for o in &options {
        if !folded.insert(text::same_key(o)) {
            issues.push(format!("phương án {o:?} trùng với một phương án khác"));
        }
    }

    let key = kind
        .and_then(|kind| answer_key(kind, &options, raw.correct.as_ref(), raw.tolerance, issues));
    let options = if kind == Some(QuestionKind::TrueFalse) {
        vec!["Đúng".to_owned(), "Sai".to_owned()]
    } else {
        options
    };
    match (kind, key, time_limit, points, issues.is_empty()) {
        (Some(kind), Some(key), Some(time_limit), Some(points), true) => Ok(Question {
            id: raw.id,
            bank: bank.to_owned(),
            kind,
            text: raw.text,
            image: raw.image,
            options,
            key,
            time_limit,
            points,
            difficulty: raw.difficulty,
            explanation: raw.explanation,
            source: raw.source,
        }),
        _ => Err(()),
    }
}

/// Reads `correct` (and `tolerance`) as the kind requires; see the table in the README.
fn answer_key(
    kind: QuestionKind,
    options: &[String],
    correct: Option<&toml::Value>,
    tolerance: Option<f64>,
    issues: &mut Vec<String>,
) -> Option<AnswerKey> {
    let n = options.len();
    let name = kind.as_str();
    let needs_options = matches!(
        kind,
        QuestionKind::Single | QuestionKind::Multiple | QuestionKind::Ordering
    );
    if needs_options && !(2..=MAX_OPTIONS).contains(&n) {
        issues.push(format!(
            "câu «{name}» cần từ 2 đến {MAX_OPTIONS} phương án, đang có {n}"
        ));
        return None;
    }
    if !needs_options && n > 0 {
        issues.push(format!(
            "câu «{name}» không dùng phương án: hãy để trống các phương án"
        ));
        return None;
    }
    if tolerance.is_some() && kind != QuestionKind::Numeric {
        issues.push("chỉ câu «numeric» mới có sai số cho phép («tolerance»)".into());
    }
    let option_id = |v: &toml::Value| -> Option<OptionId> {
        let i = v.as_integer()?;
        (1..=n as i64).contains(&i).then_some(i as OptionId)
    };
    match kind {
        QuestionKind::Single => match correct.and_then(option_id) {
            Some(id) => Some(AnswerKey::Options { ids: vec![id] }),
            None => {
                issues.push(format!(
                    "câu «single» cần đúng một đáp án đúng, là số thứ tự phương án từ 1 đến {n}"
                ));
                None
            }
        },
        QuestionKind::Multiple => {
            let list = correct.and_then(|v| v.as_array());
            let ids: Option<BTreeSet<OptionId>> =
                list.and_then(|l| l.iter().map(option_id).collect());
            match (list, ids) {
                (Some(list), Some(ids)) if !ids.is_empty() && ids.len() == list.len() => {
                    Some(AnswerKey::Options {
                        ids: ids.into_iter().collect(),
                    })
                }
                _ => {
                    issues.push(format!(
                        "câu «multiple» cần một danh sách đáp án đúng gồm các số thứ tự \
                         phương án khác nhau, từ 1 đến {n}"
                    ));
                    None
                }
            }
        }
        QuestionKind::TrueFalse => match correct.and_then(|v| v.as_bool()) {
            Some(true) => Some(AnswerKey::Options { ids: vec![1] }),
            Some(false) => Some(AnswerKey::Options { ids: vec![2] }),
            None => {
                issues.push(
                    "câu «true_false» cần đáp án đúng («correct»): «true» hoặc «false» \
                     (trong bảng tính: «Đúng» hoặc «Sai»)"
                        .into(),
                );
                None
            }
        },
        QuestionKind::Ordering => {
            if correct.is_some() {
                issues.push(
                    "câu «ordering» không ghi đáp án đúng («correct»): hãy ghi các phương án \
                     theo đúng thứ tự"
                        .into(),
                );
                return None;
            }
            Some(AnswerKey::Order {
                ids: (1..=n as OptionId).collect(),
            })
        }
        QuestionKind::Numeric => {
            let value =
                correct.and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)));
            let tolerance = tolerance.unwrap_or(0.0);
            match value {
                Some(value) if value.is_finite() && tolerance.is_finite() && tolerance >= 0.0 => {
                    Some(AnswerKey::Number { value, tolerance })
                }
                _ => {
                    issues.push(
                        "câu «numeric» cần đáp án đúng («correct») là một số và sai số cho \
                         phép («tolerance») từ 0 trở lên"
                            .into(),
                    );
                    None
                }
            }
        }
    }
}

/// The explanation and the source: required for `purpose` when it says so, and, when given,
/// in NFC like every text.
fn check_explained(purpose: Purpose, explanation: &str, source: &str, issues: &mut Vec<String>) {
    for (what, s) in [
        ("giải thích («explanation»)", explanation),
        ("nguồn («source»)", source),
    ] {
        if purpose.requires_explanation_and_source() || !s.trim().is_empty() {
            check_text(what, s, usize::MAX, issues);
        }
    }
}

fn check_text(what: &str, s: &str, max_chars: usize, issues: &mut Vec<String>) {
    if s.trim().is_empty() {
        issues.push(format!("{what} đang để trống"));
    } else if !text::is_normalized(s) {
        issues.push(format!("{what} chưa ở dạng Unicode dựng sẵn (NFC)"));
    } else if text::char_len(s) > max_chars {
        issues.push(format!(
            "{what} dài {} ký tự, nhiều hơn {max_chars} ký tự vừa màn hình điện thoại",
            text::char_len(s)
        ));
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn line_of(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Rules that span banks: ids unique across banks, no duplicate or near-duplicate question
/// text anywhere. `banks` pairs each bank with the file it came from.
pub fn check_across(banks: &[(String, Bank)]) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut bank_ids: HashMap<&str, &str> = HashMap::new();
    let mut question_ids: HashMap<&str, &str> = HashMap::new();
    for (file, bank) in banks {
        if let Some(other) = bank_ids.insert(&bank.id, file) {
            issues.push(Issue {
                file: file.clone(),
                line: None,
                question: None,
                message: format!("mã ngân hàng {:?} đã được dùng ở {other}", bank.id),
            });
        }
        for q in &bank.questions {
            if let Some(other) = question_ids.insert(&q.id, file) {
                if other != file {
                    issues.push(Issue {
                        file: file.clone(),
                        line: None,
                        question: Some(q.id.clone()),
                        message: format!("mã câu hỏi đã được dùng trong {other}"),
                    });
                }
            }
        }
    }
    issues.extend(near_duplicates(banks));
    issues
}

/// Questions whose texts read the same: equal after folding, or sharing at least
/// [`NEAR_DUPLICATE_SIMILARITY`] of their word pairs.
fn near_duplicates(banks: &[(String, Bank)]) -> Vec<Issue> {
    struct Entry<'a> {
        file: &'a str,
        id: &'a str,
        pairs: BTreeSet<(String, String)>,
        fold: String,
    }
    let entries: Vec<Entry> = banks
        .iter()
        .flat_map(|(file, bank)| {
            bank.questions.iter().map(move |q| {
                let fold = text::fold(&q.text);
                let words: Vec<&str> = fold.split(' ').collect();
                let pairs = words
                    .windows(2)
                    .map(|w| (w[0].to_owned(), w[1].to_owned()))
                    .collect();
                Entry {
                    file,
                    id: &q.id,
                    pairs,
                    fold: fold.clone(),
                }
            })
        })
        .collect();
    let mut issues = Vec::new();
    for (i, a) in entries.iter().enumerate() {
        for b in &entries[i + 1..] {
            let same = a.fold == b.fold;
            let similar = !same && {
                let common = a.pairs.intersection(&b.pairs).count();
                let union = a.pairs.len() + b.pairs.len() - common;
                union > 0 && common as f64 / union as f64 >= NEAR_DUPLICATE_SIMILARITY
            };
            if same || similar {
                issues.push(Issue {
                    file: b.file.to_owned(),
                    line: None,
                    question: Some(b.id.to_owned()),
                    message: format!(
                        "nội dung câu hỏi {} câu {} trong {}",
                        if same {
                            "trùng với"
                        } else {
                            "gần giống"
                        },
                        a.id,
                        a.file
                    ),
                });
            }
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "test-bank"
title = "Thử"
topic = "an-toan"
levels = ["tieu-hoc"]
language = "vi"
checked = 2026-11-25

[[questions]]
id = "t-001"
kind = "single"
text = "Một người lạ nhắn tin xin mã OTP của mẹ em. Em nên làm gì?"
options = ["Đọc mã cho họ", "Không đưa và báo cho mẹ"]
correct = 2
time_limit = 20
difficulty = 1
explanation = "OTP là bí mật."
source = "Công an TP.HCM (dantri.com.vn)"

[[questions]]
id = "t-002"
kind = "true_false"
text = "Mật khẩu nên chia sẻ với bạn thân."
correct = false
time_limit = 10
points = "double"
difficulty = 1
explanation = "Không chia sẻ mật khẩu với ai."
source = "Công an TP.HCM (dantri.com.vn)"
"#;

    fn no_images(_: &str) -> bool {
        false
    }

    #[test]
    fn parses_a_good_bank() {
        let bank = parse("good.toml", GOOD, &no_images).unwrap();
        assert_eq!(bank.questions.len(), 2);
        assert_eq!(bank.questions[0].key, AnswerKey::Options { ids: vec![2] });
        assert_eq!(bank.questions[1].options, vec!["Đúng", "Sai"]);
        assert_eq!(bank.questions[1].key, AnswerKey::Options { ids: vec![2] });
        assert_eq!(bank.questions[1].points, Points::Double);
        assert_eq!(bank.checked, "2026-11-25");
    }

    fn issues_of(src: &str) -> Vec<String> {
        parse("bad.toml", src, &no_images)
            .unwrap_err()
            .iter()
            .map(|i| i.to_string())
            .collect()
    }

    #[test]
    fn reports_line_and_id_of_a_bad_question() {
        let src = GOOD.replace("correct = 2", "correct = 5");
        let issues = issues_of(&src);
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert!(
            issues[0].starts_with("bad.toml:9 [t-001]: câu «single» cần đúng một đáp án đúng"),
            "{issues:?}"
        );
    }

    #[test]
    fn reports_every_problem_of_a_question() {
        let src = GOOD
            .replace("explanation = \"OTP là bí mật.\"", "explanation = \"\"")
            .replace("\"Đọc mã cho họ\"", "\"Không đưa và báo cho mẹ\"")
            .replace("time_limit = 20", "time_limit = 2");
        let issues = issues_of(&src).join("\n");
        assert!(
            issues.contains("giải thích («explanation») đang để trống"),
            "{issues}"
        );
        assert!(issues.contains("trùng với một phương án khác"), "{issues}");
        assert!(
            issues.contains("thời gian trả lời («time_limit») phải từ 5 đến 240 giây"),
            "{issues}"
        );
    }

    #[test]
    fn rejects_decomposed_text_and_missing_images() {
        let src = GOOD
            .replace("Thử", "Thu\u{309}")
            .replace("id = \"t-002\"", "id = \"t-002\"\nimage = \"otp.png\"");
        let issues = issues_of(&src).join("\n");
        assert!(
            issues.contains("tên ngân hàng chưa ở dạng Unicode dựng sẵn (NFC)"),
            "{issues}"
        );
        assert!(
            issues.contains("không có hình ảnh \"otp.png\" trong thư mục images/"),
            "{issues}"
        );
    }

    #[test]
    fn syntax_errors_carry_a_line() {
        let issues = parse("x.toml", "id = \"a\"\ntitle = ", &no_images).unwrap_err();
        assert_eq!(issues[0].line, Some(2));
    }

    #[test]
    fn duplicate_ids_and_texts_across_banks() {
        let a = parse("a.toml", GOOD, &no_images).unwrap();
        let mut b = a.clone();
        b.id = "other".into();
        b.questions[0].text = "Một người lạ nhắn tin xin mã OTP của mẹ em, em nên làm gì?".into();
        b.questions[1].id = "t-003".into();
        b.questions[1].text = "Khác hẳn".into();
        let issues: Vec<String> = check_across(&[("a.toml".into(), a), ("b.toml".into(), b)])
            .iter()
            .map(|i| i.to_string())
            .collect();
        let all = issues.join("\n");
        assert!(
            all.contains("b.toml [t-001]: mã câu hỏi đã được dùng trong a.toml"),
            "{all}"
        );
        assert!(
            all.contains("b.toml [t-001]: nội dung câu hỏi trùng với câu t-001 trong a.toml"),
            "{all}"
        );
        assert!(!all.contains("t-003"), "{all}");
    }
}
