//! A participant's contest level.

use crate::domain::bank::Level;

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
    }
}
