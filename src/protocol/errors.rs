//! Error codes of the protocol and their Vietnamese texts: the server's message catalogue.
//! The code is the contract (clients switch on it); the text is for people.

use serde::{Deserialize, Serialize};

use crate::domain::game::GameError;
use crate::domain::teams::{AssignError, PickError, PickRefused};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadMessage,
    MessageTooLarge,
    UnsupportedVersion,
    NotJoined,
    AlreadyJoined,
    NotHost,
    GameNotFound,
    InvalidNickname,
    NicknameTaken,
    LobbyLocked,
    GameStarted,
    GameFull,
    GameOver,
    NotStarted,
    NoPlayers,
    WrongPhase,
    QuestionClosed,
    TooLate,
    TooEarly,
    BadAnswer,
    Kicked,
    InvalidToken,
    Unauthorized,
    Forbidden,
    RateLimited,
    ServerBusy,
    InvalidBoard,
    NicknameNotAllowed,
    UnknownPlayer,
    TeamCount,
    TooFewPlayers,
    BadTeamName,
    UnknownTeam,
    TeamFull,
    NoTeams,
    PickClosed,
    SchoolRequired,
    UnknownSchool,
}

impl ErrorCode {
    /// Every code, for the test that holds docs/protocol.md to them.
    pub const ALL: [ErrorCode; 38] = [
        ErrorCode::BadMessage,
        ErrorCode::MessageTooLarge,
        ErrorCode::UnsupportedVersion,
        ErrorCode::NotJoined,
        ErrorCode::AlreadyJoined,
        ErrorCode::NotHost,
        ErrorCode::GameNotFound,
        ErrorCode::InvalidNickname,
        ErrorCode::NicknameTaken,
        ErrorCode::LobbyLocked,
        ErrorCode::GameStarted,
        ErrorCode::GameFull,
        ErrorCode::GameOver,
        ErrorCode::NotStarted,
        ErrorCode::NoPlayers,
        ErrorCode::WrongPhase,
        ErrorCode::QuestionClosed,
        ErrorCode::TooLate,
        ErrorCode::TooEarly,
        ErrorCode::BadAnswer,
        ErrorCode::Kicked,
        ErrorCode::InvalidToken,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::RateLimited,
        ErrorCode::ServerBusy,
        ErrorCode::InvalidBoard,
        ErrorCode::NicknameNotAllowed,
        ErrorCode::UnknownPlayer,
        ErrorCode::TeamCount,
        ErrorCode::TooFewPlayers,
        ErrorCode::BadTeamName,
        ErrorCode::UnknownTeam,
        ErrorCode::TeamFull,
        ErrorCode::NoTeams,
        ErrorCode::PickClosed,
        ErrorCode::SchoolRequired,
        ErrorCode::UnknownSchool,
    ];

    /// What the person sees, in Vietnamese.
    pub fn message(self) -> &'static str {
        match self {
            ErrorCode::BadMessage => "Tin nhắn không hợp lệ.",
            ErrorCode::MessageTooLarge => "Tin nhắn quá lớn.",
            ErrorCode::UnsupportedVersion => {
                "Phiên bản ứng dụng không còn được hỗ trợ. Hãy tải lại trang."
            }
            ErrorCode::NotJoined => "Bạn chưa vào phòng chơi.",
            ErrorCode::AlreadyJoined => "Bạn đã ở trong phòng chơi.",
            ErrorCode::NotHost => "Chỉ người tổ chức mới làm được việc này.",
            ErrorCode::GameNotFound => "Không tìm thấy phòng chơi với mã PIN này.",
            ErrorCode::InvalidNickname => {
                "Biệt danh phải có từ 1 đến 20 ký tự nhìn thấy được, không có ký tự ẩn."
            }
            ErrorCode::NicknameTaken => "Biệt danh này đã có người dùng. Hãy chọn biệt danh khác.",
            ErrorCode::LobbyLocked => "Phòng chơi đã khóa, không nhận thêm người chơi.",
            ErrorCode::GameStarted => "Trò chơi đã bắt đầu và không cho vào muộn.",
            ErrorCode::GameFull => "Phòng chơi đã đủ người.",
            ErrorCode::GameOver => "Trò chơi đã kết thúc.",
            ErrorCode::NotStarted => "Trò chơi chưa bắt đầu.",
            ErrorCode::NoPlayers => "Chưa có người chơi nào vào phòng.",
            ErrorCode::WrongPhase => "Không thể làm việc này lúc này.",
            ErrorCode::QuestionClosed => "Câu hỏi này đã đóng.",
            ErrorCode::TooLate => "Đã hết giờ trả lời câu hỏi này.",
            ErrorCode::TooEarly => {
                "Chưa đến lúc trả lời: hãy đọc kỹ câu hỏi, các đáp án sẽ mở sau ít giây."
            }
            ErrorCode::BadAnswer => "Câu trả lời không hợp lệ.",
            ErrorCode::Kicked => "Bạn đã bị mời ra khỏi phòng chơi.",
            ErrorCode::InvalidToken => "Phiên chơi không còn hiệu lực. Hãy vào lại bằng mã PIN.",
            ErrorCode::Unauthorized => "Bạn cần đăng nhập.",
            ErrorCode::Forbidden => "Bạn không có quyền với phòng chơi này.",
            ErrorCode::RateLimited => "Bạn thao tác quá nhanh. Hãy thử lại sau giây lát.",
            ErrorCode::ServerBusy => "Máy chủ đang bận. Hãy thử lại sau giây lát.",
            ErrorCode::InvalidBoard => "Không có bảng xếp hạng này.",
            ErrorCode::NicknameNotAllowed => {
                "Biệt danh này không phù hợp. Hãy chọn biệt danh khác."
            }
            ErrorCode::UnknownPlayer => "Không có người chơi này trong phòng.",
            ErrorCode::TeamCount => {
                "Cần từ 2 đến 20 đội (chia theo lớp: cần người chơi của ít nhất 2 lớp)."
            }
            ErrorCode::TooFewPlayers => "Số người chơi ít hơn số đội.",
            ErrorCode::BadTeamName => {
                "Tên đội phải có từ 1 đến 30 ký tự, không có ký tự ẩn và không trùng nhau."
            }
            ErrorCode::UnknownTeam => "Không có đội này.",
            ErrorCode::TeamFull => "Đội này đã đủ người. Hãy chọn đội khác.",
            ErrorCode::NoTeams => "Trò chơi này không chơi theo đội.",
            ErrorCode::PickClosed => "Lúc này không thể tự chọn đội.",
            ErrorCode::SchoolRequired => "Đây là cuộc thi của tỉnh: hãy chọn trường của bạn.",
            ErrorCode::UnknownSchool => "Không tìm thấy trường này trong danh sách của tỉnh.",
        }
    }
}

impl From<AssignError> for ErrorCode {
    fn from(e: AssignError) -> ErrorCode {
        match e {
            AssignError::TeamCount => ErrorCode::TeamCount,
            AssignError::TooFewPlayers => ErrorCode::TooFewPlayers,
            AssignError::BadName(_) => ErrorCode::BadTeamName,
        }
    }
}

impl From<PickError> for ErrorCode {
    fn from(e: PickError) -> ErrorCode {
        match e {
            PickError::UnknownTeam => ErrorCode::UnknownTeam,
            PickError::TeamFull => ErrorCode::TeamFull,
        }
    }
}

impl From<PickRefused> for ErrorCode {
    fn from(e: PickRefused) -> ErrorCode {
        match e {
            PickRefused::Closed => ErrorCode::PickClosed,
            PickRefused::Pick(e) => e.into(),
        }
    }
}

impl From<GameError> for ErrorCode {
    fn from(e: GameError) -> ErrorCode {
        match e {
            GameError::NotStarted => ErrorCode::NotStarted,
            GameError::AlreadyStarted => ErrorCode::GameStarted,
            GameError::GameOver => ErrorCode::GameOver,
            GameError::LobbyLocked => ErrorCode::LobbyLocked,
            GameError::GameFull => ErrorCode::GameFull,
            GameError::NicknameTaken => ErrorCode::NicknameTaken,
            GameError::NoPlayers => ErrorCode::NoPlayers,
            GameError::UnknownPlayer => ErrorCode::UnknownPlayer,
            GameError::Kicked => ErrorCode::Kicked,
            GameError::QuestionClosed => ErrorCode::QuestionClosed,
            GameError::TooLate => ErrorCode::TooLate,
            GameError::TooEarly => ErrorCode::TooEarly,
            GameError::BadAnswer(_) => ErrorCode::BadAnswer,
            GameError::WrongPhase => ErrorCode::WrongPhase,
        }
    }
}
