//! A participant's contest level.

use crate::domain::bank::Level;
use crate::storage::Participant;

/// The level a participant plays at: teachers and managers at giáo viên, pupils by grade.
pub fn of(participant: &Participant) -> Option<Level> {
    of_kind(participant.staff, participant.grade)
}

/// The level of a staff member (`staff`) or of a pupil of `grade`.
pub fn of_kind(staff: bool, grade: i64) -> Option<Level> {
    if staff {
        Some(Level::GiaoVien)
    } else {
        of_grade(grade)
    }
}

/// The level of a pupil of `grade` (1–5 tiểu học, 6–9 THCS, 10–12 THPT).
pub fn of_grade(grade: i64) -> Option<Level> {
    match grade {
        1..=5 => Some(Level::TieuHoc),
        6..=9 => Some(Level::Thcs),
        10..=12 => Some(Level::Thpt),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_map_to_levels() {
        assert_eq!(of_grade(1), Some(Level::TieuHoc));
        assert_eq!(of_grade(5), Some(Level::TieuHoc));
        assert_eq!(of_grade(6), Some(Level::Thcs));
        assert_eq!(of_grade(9), Some(Level::Thcs));
        assert_eq!(of_grade(10), Some(Level::Thpt));
        assert_eq!(of_grade(12), Some(Level::Thpt));
        assert_eq!(of_grade(0), None);
        assert_eq!(of_grade(13), None);
        assert_eq!(of_kind(true, 0), Some(Level::GiaoVien));
        assert_eq!(of_kind(false, 0), None);
    }
}
