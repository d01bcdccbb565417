//! Rung chuông vàng's messages: the contract of the stage contest's room with the hall
//! screen, the contestants' phones, the judge's tablet and the audience (`docs/protocol.md`,
//! «Rung chuông vàng»). Every type starts with `bell_`, so a message never reads as the class
//! game's. The shape is the class game's: a `type` tag, a room `seq` on every server message
//! but `error`, strict decoding of what clients send.

use serde::{Deserialize, Serialize};

use crate::domain::bell::{BellError, What};
use crate::domain::{Answer, GameId, OptionId, QuestionKind};

use super::Text;

#[cfg(test)]
mod tests;

/// What the stage's clients send.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum BellClientMsg {
    /// A contestant takes their seat from their phone.
    BellSit {
        v: u32,
        pin: String,
        seat: u16,
        name: String,
    },
    /// A contestant's phone comes back to its seat (after a drop or a reload) with the token
    /// its `bell_welcome` gave.
    BellResume {
        v: u32,
        token: String,
    },
    /// The organizer's screens: the host's console, a judge's tablet, the hall screen.
    BellStage {
        v: u32,
        game: GameId,
        role: StageRole,
        /// The contest's stage key, for a judge's tablet or the hall screen without a session.
        #[serde(default)]
        key: Option<String>,
    },
    /// Someone in the hall follows on their phone (and answers an audience rescue).
    BellAudience {
        v: u32,
        pin: String,
    },
    /// An answer, for whoever this connection is (a contestant or an audience member).
    BellAnswer {
        round: usize,
        answer: Answer,
    },
    /// A judge types the whiteboard of `seat`.
    BellRecord {
        seat: u16,
        round: usize,
        answer: Answer,
    },
    /// A judge (or the host) seats a contestant who has no phone, before the start.
    BellRegister {
        seat: u16,
        name: String,
    },
    /// The host's buttons.
    BellHost {
        act: HostAct,
    },
    BellSkip {
        reason: String,
    },
    BellUndo {
        reason: String,
        #[serde(default)]
        seat: Option<u16>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageRole {
    Host,
    Judge,
    Hall,
}

/// A host button that needs no argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HostAct {
    Start,
    Pause,
    Resume,
    Close,
    Reveal,
    Rescue,
    Next,
    End,
}

/// Parses one text frame of the stage protocol.
pub fn decode_bell(text: &str) -> Result<BellClientMsg, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// A seat and the name on it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeatView<'a> {
    pub seat: u16,
    pub name: &'a str,
}

/// A question as the stage shows it.
#[derive(Debug, Clone, Serialize)]
pub struct BellQuestionView<'a> {
    pub round: usize,
    /// `main`, `tie_break` or `rescue`.
    pub stage: &'static str,
    /// 1-based among the main questions (the tie-break and rescues have none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<usize>,
    pub total: usize,
    pub kind: QuestionKind,
    pub text: &'a str,
    pub options: Vec<&'a str>,
    pub time_limit_ms: u64,
    pub remaining_ms: u64,
}

/// How a contestant's phone should read: «Bạn đã bị loại», «Bạn được cứu»…
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum YouStatus {
    Standing,
    Eliminated,
    Rescued,
    /// The host withdrew the elimination (an undo or a skipped question).
    Reinstated,
    Winner,
}

impl YouStatus {
    /// The words on the phone.
    pub fn text(self) -> &'static str {
        match self {
            YouStatus::Standing => "Bạn vẫn đang thi.",
            YouStatus::Eliminated => "Bạn đã bị loại",
            YouStatus::Rescued => "Bạn được cứu",
            YouStatus::Reinstated => "Ban tổ chức đã hủy lượt loại: bạn thi tiếp.",
            YouStatus::Winner => "Bạn rung chuông vàng!",
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BellMsg<'a> {
    BellWelcome {
        v: u32,
        seq: u64,
        role: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        you: Option<SeatView<'a>>,
        /// A contestant's standing now, so a phone that comes back shows it at once.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<YouStatus>,
        /// To the phone that has just taken its seat: what `bell_resume` takes to come back.
        #[serde(skip_serializing_if = "Option::is_none")]
        token: Option<String>,
        title: &'a str,
        phase: &'static str,
        standing: usize,
        contestants: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        question: Option<BellQuestionView<'a>>,
    },
    /// To the stage screens: contestants who took a seat since the last one (coalesced, at
    /// most four a second, so a hall filling up costs the screens a few messages a second).
    BellSeated {
        seq: u64,
        seats: Vec<SeatView<'a>>,
        contestants: usize,
    },
    BellQuestion {
        seq: u64,
        #[serde(flatten)]
        question: BellQuestionView<'a>,
        standing: usize,
    },
    BellPaused {
        seq: u64,
        round: usize,
        remaining_ms: u64,
    },
    BellResumed {
        seq: u64,
        round: usize,
        remaining_ms: u64,
    },
    /// Time is up: boards up.
    BellClosed {
        seq: u64,
        round: usize,
    },
    BellReveal {
        seq: u64,
        round: usize,
        correct: &'a [OptionId],
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<f64>,
        explanation: &'a str,
        eliminated: usize,
        standing: usize,
        spared_all_wrong: bool,
    },
    BellDecided {
        seq: u64,
        round: usize,
        value: Option<f64>,
        winners: Vec<SeatView<'a>>,
    },
    /// Contestants back on stage (a rescue, an undo, a skip).
    BellBack {
        seq: u64,
        seats: Vec<u16>,
        why: &'static str,
        standing: usize,
    },
    BellSkipped {
        seq: u64,
        round: usize,
    },
    /// To one contestant: how they stand now.
    BellYou {
        seq: u64,
        status: YouStatus,
        text: &'static str,
    },
    /// To whoever answered: the answer is taken (`counted`: false for one given for fun).
    BellReceipt {
        seq: u64,
        round: usize,
        counted: bool,
    },
    BellEnd {
        seq: u64,
        winners: Vec<SeatView<'a>>,
    },
    /// To the host's and judges' screens: an act for the log.
    BellAct {
        seq: u64,
        at_ms: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        round: Option<usize>,
        #[serde(flatten)]
        what: &'a What,
    },
    Error {
        code: BellErrorCode,
        message: &'static str,
    },
}

/// Serializes a stage message once.
pub fn encode_bell(msg: &BellMsg<'_>) -> Text {
    Text::from(serde_json::to_string(msg).expect("stage messages always serialize"))
}

/// Why a stage client's message was refused: a code and its Vietnamese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BellErrorCode {
    BadMessage,
    NotHost,
    NotJudge,
    NotStarted,
    AlreadyStarted,
    GameOver,
    SeatTaken,
    BadSeat,
    InvalidName,
    StageFull,
    NoContestants,
    UnknownSeat,
    RoundNotOpen,
    TooLate,
    Paused,
    BadAnswer,
    Eliminated,
    NotEliminated,
    AudienceOnly,
    ContestantsOnly,
    AnsweredByPhone,
    StillOpen,
    NothingToUndo,
    NotEliminatedHere,
    NoRescueLeft,
    NobodyToRescue,
    NoRescueQuestion,
    ReasonRequired,
    WrongPhase,
    ServerBusy,
    InvalidToken,
    AlreadyJoined,
    NotJoined,
    GameNotFound,
    Unauthorized,
    Forbidden,
    UnsupportedVersion,
}

impl BellErrorCode {
    /// Every code, for the test that holds the document to them.
    pub const ALL: [BellErrorCode; 37] = [
        BellErrorCode::BadMessage,
        BellErrorCode::NotHost,
        BellErrorCode::NotJudge,
        BellErrorCode::NotStarted,
        BellErrorCode::AlreadyStarted,
        BellErrorCode::GameOver,
        BellErrorCode::SeatTaken,
        BellErrorCode::BadSeat,
        BellErrorCode::InvalidName,
        BellErrorCode::StageFull,
        BellErrorCode::NoContestants,
        BellErrorCode::UnknownSeat,
        BellErrorCode::RoundNotOpen,
        BellErrorCode::TooLate,
        BellErrorCode::Paused,
        BellErrorCode::BadAnswer,
        BellErrorCode::Eliminated,
        BellErrorCode::NotEliminated,
        BellErrorCode::AudienceOnly,
        BellErrorCode::ContestantsOnly,
        BellErrorCode::AnsweredByPhone,
        BellErrorCode::StillOpen,
        BellErrorCode::NothingToUndo,
        BellErrorCode::NotEliminatedHere,
        BellErrorCode::NoRescueLeft,
        BellErrorCode::NobodyToRescue,
        BellErrorCode::NoRescueQuestion,
        BellErrorCode::ReasonRequired,
        BellErrorCode::WrongPhase,
        BellErrorCode::ServerBusy,
        BellErrorCode::InvalidToken,
        BellErrorCode::AlreadyJoined,
        BellErrorCode::NotJoined,
        BellErrorCode::GameNotFound,
        BellErrorCode::Unauthorized,
        BellErrorCode::Forbidden,
        BellErrorCode::UnsupportedVersion,
    ];

    pub fn message(self) -> &'static str {
        match self {
            BellErrorCode::BadMessage => "Tin nhắn không hợp lệ.",
            BellErrorCode::NotHost => "Chỉ người dẫn chương trình mới làm được việc này.",
            BellErrorCode::NotJudge => "Chỉ trọng tài mới ghi được đáp án trên bảng.",
            BellErrorCode::NotStarted => "Cuộc thi chưa bắt đầu.",
            BellErrorCode::AlreadyStarted => "Cuộc thi đã bắt đầu, không nhận thêm thí sinh.",
            BellErrorCode::GameOver => "Cuộc thi đã kết thúc.",
            BellErrorCode::SeatTaken => "Số báo danh này đã có thí sinh ngồi.",
            BellErrorCode::BadSeat => "Số báo danh phải từ 1 đến 999.",
            BellErrorCode::InvalidName => {
                "Tên phải có từ 1 đến 20 ký tự nhìn thấy được, không có ký tự ẩn."
            }
            BellErrorCode::StageFull => "Sân khấu đã đủ thí sinh.",
            BellErrorCode::NoContestants => "Chưa có thí sinh nào vào chỗ.",
            BellErrorCode::UnknownSeat => "Không có thí sinh ở số báo danh này.",
            BellErrorCode::RoundNotOpen => "Câu hỏi này không mở.",
            BellErrorCode::TooLate => "Đã hết giờ trả lời câu hỏi này.",
            BellErrorCode::Paused => "Cuộc thi đang tạm dừng. Hãy chờ ban tổ chức.",
            BellErrorCode::BadAnswer => "Câu trả lời không hợp lệ.",
            BellErrorCode::Eliminated => "Bạn đã bị loại nên không trả lời được nữa.",
            BellErrorCode::NotEliminated => "Câu cứu trợ chỉ dành cho thí sinh đã bị loại.",
            BellErrorCode::AudienceOnly => "Câu cứu trợ này dành cho khán giả.",
            BellErrorCode::ContestantsOnly => "Câu hỏi này dành cho thí sinh.",
            BellErrorCode::AnsweredByPhone => {
                "Thí sinh này đã trả lời trên điện thoại; câu trả lời đó được giữ."
            }
            BellErrorCode::StillOpen => "Câu hỏi vẫn đang mở. Hãy hết giờ trước.",
            BellErrorCode::NothingToUndo => "Không có lượt loại nào để hủy.",
            BellErrorCode::NotEliminatedHere => "Thí sinh này không bị loại ở câu hỏi vừa rồi.",
            BellErrorCode::NoRescueLeft => "Đã dùng hết lượt cứu trợ theo thể lệ.",
            BellErrorCode::NobodyToRescue => "Không có thí sinh nào bị loại để cứu.",
            BellErrorCode::NoRescueQuestion => "Bộ câu hỏi không còn câu cứu trợ.",
            BellErrorCode::ReasonRequired => {
                "Hãy ghi lý do (1 đến 200 ký tự): lý do được lưu vào biên bản."
            }
            BellErrorCode::WrongPhase => "Không thể làm việc này lúc này.",
            BellErrorCode::ServerBusy => {
                "Máy chủ đang bận, chưa lưu được câu trả lời của bạn nên chưa được tính. Hãy gửi lại."
            }
            BellErrorCode::InvalidToken => {
                "Không nhận ra điện thoại này ở số báo danh đó. Hãy báo trọng tài."
            }
            BellErrorCode::AlreadyJoined => "Kết nối này đã vào cuộc thi rồi.",
            BellErrorCode::NotJoined => "Hãy vào cuộc thi trước (mã PIN và số báo danh).",
            BellErrorCode::GameNotFound => "Không tìm thấy cuộc thi. Hãy kiểm tra mã PIN.",
            BellErrorCode::Unauthorized => "Hãy đăng nhập bằng tài khoản của ban tổ chức.",
            BellErrorCode::Forbidden => "Tài khoản này không điều hành cuộc thi này.",
            BellErrorCode::UnsupportedVersion => "Trang đã cũ. Hãy tải lại trang để tiếp tục.",
        }
    }

    pub fn msg(self) -> BellMsg<'static> {
        BellMsg::Error {
            code: self,
            message: self.message(),
        }
    }
}

impl From<BellError> for BellErrorCode {
    fn from(e: BellError) -> BellErrorCode {
        match e {
            BellError::NotStarted => BellErrorCode::NotStarted,
            BellError::AlreadyStarted => BellErrorCode::AlreadyStarted,
            BellError::GameOver => BellErrorCode::GameOver,
            BellError::SeatTaken => BellErrorCode::SeatTaken,
            BellError::Full => BellErrorCode::StageFull,
            BellError::NoContestants => BellErrorCode::NoContestants,
            BellError::UnknownSeat => BellErrorCode::UnknownSeat,
            BellError::RoundNotOpen => BellErrorCode::RoundNotOpen,
            BellError::TooLate => BellErrorCode::TooLate,
            BellError::Paused => BellErrorCode::Paused,
            BellError::BadAnswer(_) => BellErrorCode::BadAnswer,
            BellError::Eliminated => BellErrorCode::Eliminated,
            BellError::NotEliminated => BellErrorCode::NotEliminated,
            BellError::AudienceOnly => BellErrorCode::AudienceOnly,
            BellError::ContestantsOnly => BellErrorCode::ContestantsOnly,
            BellError::AnsweredByPhone => BellErrorCode::AnsweredByPhone,
            BellError::StillOpen => BellErrorCode::StillOpen,
            BellError::NothingToUndo => BellErrorCode::NothingToUndo,
            BellError::NotEliminatedHere => BellErrorCode::NotEliminatedHere,
            BellError::NoRescueLeft => BellErrorCode::NoRescueLeft,
            BellError::NobodyToRescue => BellErrorCode::NobodyToRescue,
            BellError::NoRescueQuestion => BellErrorCode::NoRescueQuestion,
            BellError::WrongPhase => BellErrorCode::WrongPhase,
        }
    }
}
