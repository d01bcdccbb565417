//! The example bank of the shipped templates (`question-banks/templates/mau-ngan-hang.*`):
//! one question of each kind, with real facts from `shared/FACTS.md`, so a teacher copies a
//! row that works.

use super::super::bank::{self, Bank};

/// The example bank of the shipped template: one question of each kind, real and checked.
pub fn example() -> Bank {
    bank::parse("template", EXAMPLE, &|_| false).expect("the template example is a good bank")
}

const EXAMPLE: &str = r#"
id = "mau-ngan-hang"
title = "Mẫu ngân hàng câu hỏi"
topic = "an-toan"
levels = ["thcs", "thpt"]
language = "vi"
checked = 2026-11-25

[[questions]]
id = "mau-001"
kind = "single"
text = "Hằng năm, ngày nào là Ngày Chuyển đổi số quốc gia?"
options = ["Ngày 10 tháng 10", "Ngày 1 tháng 1", "Ngày 2 tháng 9", "Ngày 26 tháng 3"]
correct = 1
time_limit = 20
points = "standard"
difficulty = 1
explanation = "Quyết định 505/QĐ-TTg chọn ngày 10/10 hằng năm; 1 và 0 là hai chữ số của hệ nhị phân."
source = "Quyết định 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ"

[[questions]]
id = "mau-002"
kind = "multiple"
text = "Những thông tin nào không bao giờ được đưa cho người lạ, dù họ nói gì?"
options = ["Mã OTP", "Mật khẩu", "Số tài khoản ngân hàng", "Màu sắc em yêu thích"]
correct = [1, 2, 3]
time_limit = 30
points = "standard"
difficulty = 1
explanation = "Kẻ gian dùng OTP, mật khẩu và số tài khoản để chiếm tài khoản và lấy tiền."
source = "Khuyến cáo của Công an TP.HCM (dantri.com.vn)"

[[questions]]
id = "mau-003"
kind = "true_false"
text = "Luật Giao dịch điện tử số 20/2023/QH15 có hiệu lực từ ngày 01/7/2024."
correct = true
time_limit = 15
points = "standard"
difficulty = 2
explanation = "Luật được thông qua ngày 22/6/2023, có hiệu lực từ 01/7/2024 và thay thế luật năm 2005."
source = "Luật Giao dịch điện tử số 20/2023/QH15"

[[questions]]
id = "mau-004"
kind = "ordering"
text = "Sắp xếp các văn bản sau theo thứ tự được thông qua hoặc ban hành, từ sớm nhất đến muộn nhất."
options = [
  "Luật An ninh mạng số 24/2018/QH14",
  "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân",
  "Luật Giao dịch điện tử số 20/2023/QH15",
  "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15",
]
time_limit = 40
points = "double"
difficulty = 3
explanation = "Thông qua 12/6/2018; ban hành 17/4/2023; thông qua 22/6/2023; thông qua 26/6/2025."
source = "Luật 24/2018/QH14; Nghị định 13/2023/NĐ-CP; Luật 20/2023/QH15; Luật 91/2025/QH15"

[[questions]]
id = "mau-005"
kind = "numeric"
text = "Luật An ninh mạng số 24/2018/QH14 có bao nhiêu điều?"
correct = 43
time_limit = 30
points = "none"
difficulty = 3
explanation = "Luật gồm 7 chương, 43 điều, có hiệu lực từ ngày 01/01/2019."
source = "Luật An ninh mạng số 24/2018/QH14 (thuvienphapluat.vn)"
"#;
