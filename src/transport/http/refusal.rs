//! The HTTP API's catalogue of refusals: each with its code (the contract, listed in
//! docs/protocol.md), its status and its Vietnamese text, in one place — as
//! `protocol::ErrorCode` is for the socket. Handlers say *what* was wrong
//! (`Refusal::UnknownBank { bank }`); the words live here.

use crate::domain::result_order::ResultKey;
use axum::http::StatusCode;

/// Why a request was refused, with what the message needs to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    // --- the input (422) ---
    InvalidContext,
    /// Results or a publication under a live game's context.
    GameContext,
    InvalidScope,
    /// A live game's board has only its players.
    GameScope,
    InvalidTitle,
    UnknownBank {
        bank: String,
    },
    UnknownQuestion {
        bank: String,
        id: String,
    },
    InvalidQuestions {
        max: usize,
    },
    /// A question typed in the quiz editor that is not one: every reason, in one sentence.
    InvalidQuestion(String),
    /// A quiz edit that keeps a question the quiz does not have (1-based).
    UnknownQuizItem {
        number: usize,
    },
    /// A teacher's own class bank holds this many questions already.
    TooManyOwnQuestions {
        cap: i64,
    },
    /// An uploaded image that is no PNG or JPEG, or does not decode.
    UnreadableImage,
    /// An image with more pixels than the server decodes (in millions).
    ImageTooLarge {
        megapixels: u64,
    },
    /// An account has uploaded this many images already.
    TooManyImages {
        cap: usize,
    },
    InvalidMaxPlayers {
        max: u32,
    },
    /// A class name that is empty or too long.
    InvalidClass,
    InvalidAutoAdvance,
    /// A reading time outside what a game allows, in milliseconds.
    InvalidReadingTime {
        min: u64,
        max: u64,
    },
    InvalidPart,
    BankExists {
        id: String,
    },
    /// Approval of a bank with questions that have no explanation or no source: `questions`
    /// of them, the first being `first`.
    ExplanationsMissing {
        questions: usize,
        first: String,
    },
    InvalidUsername,
    InvalidDisplayName,
    WeakPassword,
    UsernameTaken,
    InvalidUnit(UnitProblem),
    InvalidResult {
        student: String,
        what: &'static str,
        max: i64,
    },
    UnknownStudent {
        code: String,
    },
    /// Results posted into a contest round, whose results come from its attempts alone.
    ContestRound,
    InvalidRankingTitle {
        max: usize,
    },
    ReasonRequired,
    ReasonTooLong {
        max: usize,
    },
    NoResults,
    PublishConflict,
    /// A closed round whose standings are still being recorded again (contest::closing).
    StandingsPending,
    /// A sheet past one of the import caps: the reason, already in Vietnamese.
    SheetTooLarge(String),
    /// A bank file that is not a spreadsheet at all: the reason, already in Vietnamese.
    UnreadableFile(String),
    // --- the contest ---
    InvalidContest,
    ContestExists,
    /// A Rung chuông vàng that cannot be opened as asked: what is wrong, in one sentence.
    InvalidBell(String),
    /// A round's settings refused: the reason, in Vietnamese ([`round_problem`]).
    InvalidRound(String),
    RoundExists,
    BadCard,
    /// An account that takes no part in the contest (an organizer, an officer, a teacher of
    /// no school).
    NotAParticipant,
    NotYourLevel,
    RoundNotOpen,
    RoundClosed,
    AttemptsUsed {
        cap: u16,
    },
    AttemptsTodayUsed {
        cap: u16,
    },
    AttemptSubmitted,
    TimeOver,
    InvalidAnswer,
    InvalidPrediction {
        max: i64,
    },
    InvalidAwards,
    // --- certificates and reports ---
    /// A verification code no certificate has (404).
    UnknownCertificate,
    /// A report's period that does not read as two dates, the first not after the last.
    InvalidPeriod,
    // --- capacity (413, 408, 429, 503) ---
    FileTooLarge {
        mib: usize,
    },
    UploadTimeout {
        seconds: u64,
    },
    TooManyGames {
        cap: u32,
    },
    ServerFull,
    NoFreePin,
    /// Too many password checks waiting.
    HashesBusy,
    /// Every import turn is taken.
    ImportsBusy,
    /// Two requests changed one attempt at once, again and again.
    AttemptBusy,
}

/// Why a unit does not fit the account being created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitProblem {
    OrganizerHasNone,
    NoSuchCommune,
    CommuneRequired,
    NoSuchSchool,
    SchoolRequired,
}

/// When a server with every import turn taken asks to be tried again: an import takes
/// seconds (docs/performance.md).
const IMPORTS_RETRY_MS: u64 = 10_000;
/// When to save an attempt again after losing races to the participant's other device.
const ATTEMPT_RETRY_MS: u64 = 1_000;
/// When a server with every game or PIN taken asks to be tried again: games end over minutes.
const FULL_RETRY_MS: u64 = 60_000;

impl Refusal {
    pub fn status(&self) -> StatusCode {
        use Refusal::*;
        match self {
            FileTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            UploadTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            TooManyGames { .. } => StatusCode::TOO_MANY_REQUESTS,
            ServerFull | NoFreePin | HashesBusy | ImportsBusy | AttemptBusy => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            BadCard => StatusCode::UNAUTHORIZED,
            NotYourLevel | NotAParticipant => StatusCode::FORBIDDEN,
            UnknownCertificate => StatusCode::NOT_FOUND,
            ContestRound
            | RoundNotOpen
            | RoundClosed
            | AttemptsUsed { .. }
            | AttemptsTodayUsed { .. }
            | AttemptSubmitted
            | StandingsPending
            | TimeOver => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn code(&self) -> &'static str {
        use Refusal::*;
        match self {
            InvalidContext | GameContext => "invalid_context",
            InvalidScope | GameScope => "invalid_scope",
            InvalidTitle => "invalid_title",
            UnknownBank { .. } => "unknown_bank",
            UnknownQuestion { .. } => "unknown_question",
            InvalidQuestions { .. } => "invalid_questions",
            InvalidQuestion(_) => "invalid_question",
            UnknownQuizItem { .. } => "unknown_question",
            TooManyOwnQuestions { .. } => "too_many_questions",
            UnreadableImage => "unreadable_image",
            ImageTooLarge { .. } => "image_too_large",
            TooManyImages { .. } => "too_many_images",
            InvalidMaxPlayers { .. } | InvalidAutoAdvance | InvalidReadingTime { .. } => {
                "invalid_settings"
            }
            InvalidPart => "invalid_part",
            InvalidClass => "invalid_class",
            BankExists { .. } => "bank_exists",
            ExplanationsMissing { .. } => "explanations_missing",
            InvalidUsername => "invalid_username",
            InvalidDisplayName => "invalid_display_name",
            WeakPassword => "weak_password",
            UsernameTaken => "username_taken",
            InvalidUnit(_) => "invalid_unit",
            InvalidResult { .. } => "invalid_result",
            UnknownStudent { .. } => "unknown_student",
            ContestRound => "contest_round",
            InvalidRankingTitle { .. } => "invalid_ranking_title",
            ReasonRequired => "reason_required",
            ReasonTooLong { .. } => "reason_too_long",
            NoResults => "no_results",
            PublishConflict => "publish_conflict",
            StandingsPending => "standings_pending",
            SheetTooLarge(_) => "sheet_too_large",
            UnreadableFile(_) => "unreadable_file",
            FileTooLarge { .. } => "file_too_large",
            UploadTimeout { .. } => "upload_timeout",
            TooManyGames { .. } => "too_many_games",
            ServerFull => "server_full",
            NoFreePin => "no_free_pin",
            HashesBusy | ImportsBusy | AttemptBusy => "server_busy",
            InvalidContest => "invalid_contest",
            ContestExists => "contest_exists",
            InvalidBell(_) => "invalid_bell",
            InvalidRound(_) => "invalid_round",
            RoundExists => "round_exists",
            BadCard => "bad_card",
            NotYourLevel => "not_your_level",
            NotAParticipant => "not_a_participant",
            RoundNotOpen => "round_not_open",
            RoundClosed => "round_closed",
            AttemptsUsed { .. } => "attempts_used",
            AttemptsTodayUsed { .. } => "attempts_today_used",
            AttemptSubmitted => "attempt_submitted",
            TimeOver => "time_over",
            InvalidAnswer => "invalid_answer",
            InvalidPrediction { .. } => "invalid_prediction",
            InvalidAwards => "invalid_awards",
            UnknownCertificate => "unknown_certificate",
            InvalidPeriod => "invalid_period",
        }
    }

    /// What the person reads.
    pub fn message(&self) -> String {
        use Refusal::*;
        match self {
            InvalidContext => "Mã đợt xếp hạng chỉ gồm chữ thường, số và dấu -.".into(),
            GameContext => "Mã «game-…» dành cho bảng xếp hạng của trò chơi trực tiếp.".into(),
            InvalidScope => "Không có bảng xếp hạng này.".into(),
            GameScope => "Bảng xếp hạng của trò chơi chỉ có phần «players».".into(),
            InvalidTitle => "Tên bộ câu hỏi phải có từ 1 đến 120 ký tự.".into(),
            UnknownBank { bank } => format!("Không có ngân hàng câu hỏi «{bank}»."),
            UnknownQuestion { bank, id } => format!("Không có câu hỏi «{id}» trong «{bank}»."),
            InvalidQuestions { max } => format!("Bộ câu hỏi cần từ 1 đến {max} câu hỏi."),
            InvalidQuestion(reasons) => format!("Câu hỏi chưa hợp lệ: {reasons}."),
            UnknownQuizItem { number } => format!("Bộ câu hỏi không có câu thứ {number}."),
            TooManyOwnQuestions { cap } => format!(
                "Ngân hàng riêng của bạn đã có {cap} câu hỏi, mức tối đa. Hãy xoá bớt câu không dùng."
            ),
            UnreadableImage => {
                "Không đọc được hình ảnh. Hãy dùng ảnh PNG hoặc JPEG.".into()
            }
            ImageTooLarge { megapixels } => format!(
                "Hình ảnh lớn hơn {megapixels} triệu điểm ảnh. Hãy thu nhỏ ảnh rồi tải lại."
            ),
            TooManyImages { cap } => format!(
                "Bạn đã tải lên {cap} hình ảnh, mức tối đa cho một tài khoản."
            ),
            InvalidMaxPlayers { max } => format!("Số người chơi tối đa phải từ 1 đến {max}."),
            InvalidClass => "Tên lớp phải có từ 1 đến 40 ký tự.".into(),
            InvalidAutoAdvance => "Thời gian tự chuyển phải từ 5 đến 60 giây.".into(),
            InvalidReadingTime { min, max } => format!(
                "Thời gian đọc câu hỏi phải từ {} đến {} giây.",
                min / 1000,
                max / 1000
            ),
            InvalidPart => "Chỉ có phần «players», «questions» hoặc «answers».".into(),
            BankExists { id } => format!(
                "Đã có ngân hàng câu hỏi mang mã «{id}» (ngân hàng gốc hoặc của người khác). \
                 Hãy đặt mã khác cho ngân hàng tải lên."
            ),
            ExplanationsMissing { questions, first } => format!(
                "Chưa duyệt được: {questions} câu hỏi chưa có giải thích hoặc nguồn (câu đầu \
                 tiên: «{first}»). Ngân hàng dùng trong hội thi chính thức cần cả hai cho mọi \
                 câu; hãy bổ sung rồi tải lên lại."
            ),
            InvalidUsername => {
                "Tên đăng nhập dài 3–40 ký tự, chỉ gồm chữ không dấu, số và . _ -".into()
            }
            InvalidDisplayName => "Họ tên phải có từ 1 đến 80 ký tự.".into(),
            WeakPassword => "Mật khẩu phải có ít nhất 8 ký tự.".into(),
            UsernameTaken => "Tên đăng nhập này đã có người dùng.".into(),
            InvalidUnit(problem) => match problem {
                UnitProblem::OrganizerHasNone => {
                    "Tài khoản Ban tổ chức không gắn với xã/phường hay trường nào."
                }
                UnitProblem::NoSuchCommune => "Không có xã/phường với mã này.",
                UnitProblem::CommuneRequired => "Cần chọn xã/phường cho cán bộ xã/phường.",
                UnitProblem::NoSuchSchool => "Không có trường với mã này.",
                UnitProblem::SchoolRequired => "Cần chọn trường cho quản trị trường.",
            }
            .into(),
            InvalidResult { student, what, max } => {
                format!("Kết quả của học sinh «{student}»: {what} phải từ 0 đến {max}.")
            }
            UnknownStudent { code } => format!("Không có học sinh mã «{code}»."),
            ContestRound => "Đây là một đợt thi trực tuyến: kết quả của đợt chỉ đến từ bài thi \
                             của thí sinh, không nhập tay được."
                .into(),
            InvalidRankingTitle { max } => format!("Tiêu đề cần từ 1 đến {max} ký tự."),
            ReasonRequired => "Bản công bố lại (đính chính) phải ghi rõ lý do.".into(),
            ReasonTooLong { max } => format!("Lý do dài tối đa {max} ký tự."),
            NoResults => "Đợt này chưa có kết quả nào để công bố.".into(),
            PublishConflict => {
                "Một người khác vừa công bố đợt này. Hãy tải lại danh sách phiên bản.".into()
            }
            StandingsPending => "Đợt thi vừa đóng: máy chủ đang ghi lại thứ hạng của mọi thí sinh. \
                Hãy công bố khi trang quản lý báo đã xong."
                .into(),
            SheetTooLarge(reason) | UnreadableFile(reason) => reason.clone(),
            FileTooLarge { mib } => format!(
                "Tệp lớn hơn {mib} MiB, mức tối đa cho loại tệp này. Hãy chia thành nhiều tệp nhỏ hơn."
            ),
            UploadTimeout { seconds } => format!(
                "Tệp chưa gửi xong sau {seconds} giây. Hãy thử lại khi mạng ổn định hơn."
            ),
            TooManyGames { cap } => format!(
                "Bạn đang mở {cap} trò chơi, mức tối đa cho một tài khoản. Hãy kết thúc trò chơi \
                 cũ rồi mở trò chơi mới."
            ),
            ServerFull => "Máy chủ đang có quá nhiều trò chơi mở. Hãy thử lại sau ít phút.".into(),
            NoFreePin => "Máy chủ đã hết mã PIN trống. Hãy thử lại sau ít phút.".into(),
            HashesBusy => "Máy chủ đang bận. Hãy thử lại sau giây lát.".into(),
            ImportsBusy => "Máy chủ đang nhập các tệp khác. Hãy thử lại sau ít phút.".into(),
            AttemptBusy => "Bài thi đang được lưu từ một thiết bị khác. Hãy thử lại.".into(),
            InvalidContest => {
                "Mã cuộc thi chỉ gồm chữ thường không dấu, số và dấu - (tối đa 60 ký tự); tên \
                 cuộc thi từ 1 đến 200 ký tự."
                    .into()
            }
            ContestExists => "Đã có cuộc thi với mã này.".into(),
            InvalidBell(what) => format!("Chưa mở được Rung chuông vàng: {what}."),
            InvalidRound(reason) => reason.clone(),
            RoundExists => "Đã có đợt thi với mã này.".into(),
            BadCard => "Sai mã học sinh hoặc mã bí mật trên thẻ dự thi.".into(),
            NotYourLevel => "Đợt thi này không dành cho cấp học của bạn.".into(),
            NotAParticipant => "Chỉ học sinh (bằng thẻ dự thi), giáo viên và cán bộ quản lý \
                                của một trường mới dự thi được."
                .into(),
            RoundNotOpen => "Đợt thi chưa mở. Hãy quay lại khi đến giờ thi.".into(),
            RoundClosed => "Đợt thi đã kết thúc.".into(),
            AttemptsUsed { cap } => format!("Bạn đã dùng hết {cap} lượt thi của đợt này."),
            AttemptsTodayUsed { cap } => format!(
                "Bạn đã dùng hết {cap} lượt thi của hôm nay. Hãy quay lại vào ngày mai."
            ),
            AttemptSubmitted => "Bài thi đã nộp; không sửa được nữa.".into(),
            TimeOver => "Đã hết giờ làm bài; máy chủ đã nộp bài của bạn.".into(),
            InvalidAnswer => "Câu trả lời không hợp lệ với câu hỏi này.".into(),
            InvalidPrediction { max } => {
                format!("Số dự đoán phải là số nguyên từ 0 đến {max}.")
            }
            InvalidAwards => "Số giải mỗi cấp từ 1 đến 500; ngưỡng tỉ lệ viết dạng \
                              300:800,1000:600,*:400 (sĩ số tối đa : phần nghìn)."
                .into(),
            InvalidPeriod => "Khoảng thời gian cần hai ngày dạng YYYY-MM-DD (từ ngày, đến ngày), \
                              ngày đầu không sau ngày cuối, cách nhau không quá 10 năm."
                .into(),
            UnknownCertificate => "Không có giấy chứng nhận nào mang mã này. Hãy kiểm tra lại \
                                   mã in ở góc dưới giấy (10 ký tự, ví dụ ABCDE-FGHJK)."
                .into(),
        }
    }

    /// When to try again, for a refusal that passes.
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            Refusal::HashesBusy => Some(crate::transport::hashing::RETRY_AFTER_MS),
            Refusal::ImportsBusy => Some(IMPORTS_RETRY_MS),
            Refusal::ServerFull | Refusal::NoFreePin => Some(FULL_RETRY_MS),
            Refusal::AttemptBusy => Some(ATTEMPT_RETRY_MS),
            _ => None,
        }
    }
}

/// A ranking key's name, in Vietnamese.
pub fn key_name(key: ResultKey) -> &'static str {
    match key {
        ResultKey::Score => "điểm",
        ResultKey::Time => "thời gian (ms)",
        ResultKey::Distance => "độ lệch dự đoán",
        ResultKey::Attempts => "số lượt",
        ResultKey::Submitted => "thời điểm nộp",
    }
}

/// A refused round's reason, in Vietnamese.
pub fn round_problem(refusal: &crate::contest::rounds::RoundRefusal) -> String {
    use crate::contest::rounds::RoundRefusal as R;
    use crate::domain::contest::RulesError;
    use crate::domain::result_order::OrderError;
    match refusal {
        R::NoContest => "Không có cuộc thi này.".into(),
        R::BadContext => "Mã đợt thi chỉ gồm chữ thường không dấu, số và dấu - (tối đa 60 ký tự), \
                          không bắt đầu bằng «game-»."
            .into(),
        R::ContextTaken => "Đã có đợt thi với mã này.".into(),
        R::BadTitle => "Tên đợt thi cần từ 1 đến 200 ký tự.".into(),
        R::BadLevel(l) if l.is_empty() => "Cần chọn ít nhất một cấp.".into(),
        R::BadLevel(l) => {
            format!("Không có cấp «{l}». Các cấp: tieu-hoc, thcs, thpt, giao-vien.")
        }
        R::BadBank(b) => format!("Ngân hàng câu hỏi «{b}» không có hoặc chưa được duyệt."),
        R::TooFewQuestions { level, have, need } => format!(
            "Cấp {level} chỉ có {have} câu hỏi đã duyệt để bốc thăm; mỗi lượt thi cần {need} câu."
        ),
        R::Rules(RulesError::Window) => "Thời gian đóng đợt thi phải sau thời gian mở.".into(),
        R::Rules(RulesError::Questions) => "Mỗi lượt thi có từ 1 đến 50 câu hỏi.".into(),
        R::Rules(RulesError::TimeLimit) => "Thời gian làm bài từ 60 đến 7200 giây.".into(),
        R::Rules(RulesError::Attempts) => "Số lượt thi phải từ 1 trở lên, và số lượt mỗi ngày \
                                           không quá số lượt của cả đợt."
            .into(),
        R::Rules(RulesError::Prediction) => "Câu hỏi dự đoán cần từ 1 đến 300 ký tự.".into(),
        R::Rules(RulesError::Order(OrderError::Empty)) => {
            "Thứ tự xếp hạng cần ít nhất một tiêu chí.".into()
        }
        R::Rules(RulesError::Order(OrderError::Repeated(key))) => format!(
            "Tiêu chí «{}» có hai lần trong thứ tự xếp hạng.",
            key_name(*key)
        ),
        R::Storage(_) => "Máy chủ gặp lỗi khi lưu đợt thi.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = include_str!("../../../docs/protocol.md");

    /// One of each refusal; does not compile when a refusal is added without one here.
    fn every() -> Vec<Refusal> {
        use Refusal::*;
        let all = vec![
            InvalidContext,
            GameContext,
            InvalidScope,
            GameScope,
            InvalidTitle,
            UnknownBank { bank: "b".into() },
            UnknownQuestion {
                bank: "b".into(),
                id: "q".into(),
            },
            InvalidQuestions { max: 100 },
            InvalidQuestion("câu hỏi («text») đang để trống".into()),
            UnknownQuizItem { number: 3 },
            TooManyOwnQuestions { cap: 2000 },
            UnreadableImage,
            ImageTooLarge { megapixels: 24 },
            TooManyImages { cap: 500 },
            InvalidMaxPlayers { max: 50_000 },
            InvalidClass,
            InvalidAutoAdvance,
            InvalidReadingTime {
                min: 1_000,
                max: 30_000,
            },
            InvalidPart,
            BankExists { id: "b".into() },
            ExplanationsMissing {
                questions: 2,
                first: "b-001".into(),
            },
            InvalidUsername,
            InvalidDisplayName,
            WeakPassword,
            UsernameTaken,
            InvalidUnit(UnitProblem::NoSuchSchool),
            InvalidResult {
                student: "HS1".into(),
                what: "điểm",
                max: 7,
            },
            UnknownStudent { code: "HS1".into() },
            InvalidRankingTitle { max: 200 },
            ReasonRequired,
            ReasonTooLong { max: 1000 },
            NoResults,
            PublishConflict,
            StandingsPending,
            SheetTooLarge("tệp có quá nhiều dòng".into()),
            UnreadableFile("không đọc được tệp".into()),
            FileTooLarge { mib: 4 },
            UploadTimeout { seconds: 120 },
            TooManyGames { cap: 20 },
            ServerFull,
            NoFreePin,
            HashesBusy,
            ImportsBusy,
            AttemptBusy,
            InvalidContest,
            ContestExists,
            InvalidBell("cần ít nhất một câu hỏi".into()),
            InvalidRound("Cần chọn ít nhất một cấp.".into()),
            RoundExists,
            BadCard,
            NotAParticipant,
            NotYourLevel,
            RoundNotOpen,
            RoundClosed,
            AttemptsUsed { cap: 3 },
            AttemptsTodayUsed { cap: 1 },
            AttemptSubmitted,
            TimeOver,
            InvalidAnswer,
            InvalidPrediction { max: 10_000_000 },
            InvalidAwards,
            ContestRound,
            UnknownCertificate,
            InvalidPeriod,
        ];
        for r in &all {
            match r {
                InvalidContext
                | GameContext
                | InvalidScope
                | GameScope
                | InvalidTitle
                | UnknownBank { .. }
                | UnknownQuestion { .. }
                | InvalidQuestions { .. }
                | InvalidQuestion(_)
                | UnknownQuizItem { .. }
                | TooManyOwnQuestions { .. }
                | UnreadableImage
                | ImageTooLarge { .. }
                | TooManyImages { .. }
                | InvalidMaxPlayers { .. }
                | InvalidClass
                | InvalidAutoAdvance
                | InvalidReadingTime { .. }
                | InvalidPart
                | BankExists { .. }
                | ExplanationsMissing { .. }
                | InvalidUsername
                | InvalidDisplayName
                | WeakPassword
                | UsernameTaken
                | InvalidUnit(_)
                | InvalidResult { .. }
                | UnknownStudent { .. }
                | ContestRound
                | InvalidRankingTitle { .. }
                | ReasonRequired
                | ReasonTooLong { .. }
                | NoResults
                | PublishConflict
                | StandingsPending
                | SheetTooLarge(_)
                | UnreadableFile(_)
                | FileTooLarge { .. }
                | UploadTimeout { .. }
                | TooManyGames { .. }
                | ServerFull
                | NoFreePin
                | HashesBusy
                | ImportsBusy
                | AttemptBusy
                | InvalidContest
                | ContestExists
                | InvalidBell(_)
                | InvalidRound(_)
                | RoundExists
                | BadCard
                | NotAParticipant
                | NotYourLevel
                | RoundNotOpen
                | RoundClosed
                | AttemptsUsed { .. }
                | AttemptsTodayUsed { .. }
                | AttemptSubmitted
                | TimeOver
                | InvalidAnswer
                | InvalidPrediction { .. }
                | InvalidAwards
                | UnknownCertificate
                | InvalidPeriod => {}
            }
        }
        all
    }

    #[test]
    fn every_refusal_is_documented_with_a_vietnamese_message() {
        for r in every() {
            let code = r.code();
            assert!(
                DOC.contains(&format!("`{code}`")),
                "{code} is not in docs/protocol.md"
            );
            let message = r.message();
            // Vietnamese words carry marks: at least one letter beyond ASCII.
            assert!(
                message.chars().any(|c| c.is_alphabetic() && !c.is_ascii()),
                "{code}: {message}"
            );
            let busy = matches!(r.status().as_u16(), 503);
            assert_eq!(busy, r.retry_after_ms().is_some(), "{code}: when to retry");
        }
    }
}
