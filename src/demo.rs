//! A demo province for load tests and demonstrations: about 1,400 schools over the 102 real
//! communes and 700,000 students with generated names — plausible Vietnamese names that belong
//! to nobody; every code starts with `DEMO` and every school is called «Trường Demo …», so demo
//! data can never be mistaken for a real roster. Deterministic for a given seed.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::domain::bank::Level;
use crate::domain::roster::{display_name, School, Student};
use crate::storage::demo_activity::{DemoAttempt, DemoGame};
use crate::storage::ResultRow;

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Thu", "Quốc", "Gia", "Bảo", "Hoài",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Huy", "Khánh",
    "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngân", "Nhi", "Phúc", "Quân", "Sơn", "Tâm",
    "Thảo", "Trang", "Trung", "Tú", "Uyên", "Vy",
];

/// A generated roster.
pub struct Province {
    pub schools: Vec<School>,
    pub students: Vec<Student>,
}

/// About `students` students in `schools` schools spread over `communes`.
pub fn province(communes: &[String], schools: usize, students: usize, seed: u64) -> Province {
    let mut rng = StdRng::seed_from_u64(seed);
    let per_school = (students / schools.max(1)).max(1);
    let mut out = Province {
        schools: Vec::with_capacity(schools),
        students: Vec::with_capacity(students),
    };
    for i in 0..schools {
        let (level, grades, prefix) = match i % 20 {
            0..=10 => (Level::TieuHoc, 1..=5, "Tiểu học"),
            11..=16 => (Level::Thcs, 6..=9, "THCS"),
            _ => (Level::Thpt, 10..=12, "THPT"),
        };
        let code = format!("DEMO{i:04}");
        // The last school takes the remainder, so the total is exactly `students`.
        let size = if i + 1 == schools {
            students - out.students.len()
        } else {
            per_school
        };
        let commune = communes[i % communes.len().max(1)].clone();
        let grade_count = grades.clone().count();
        for s in 0..size {
            let grade = *grades.start() + (s % grade_count) as i64;
            let class = format!("{grade}A{}", 1 + s / (35 * grade_count));
            let full_name = format!(
                "{} {} {}",
                FAMILY[rng.random_range(0..FAMILY.len())],
                MIDDLE[rng.random_range(0..MIDDLE.len())],
                GIVEN[rng.random_range(0..GIVEN.len())]
            );
            out.students.push(Student {
                code: format!("DEMO{i:04}{s:05}"),
                display_name: display_name(&full_name),
                full_name,
                class_name: class,
                grade,
                school: code.clone(),
                consent_public: false,
            });
        }
        // Declared enrolment is a little above the roster: not every student is imported.
        let enrolment = (size as f64 * rng.random_range(1.0..1.1)) as i64;
        out.schools.push(School {
            name: format!("Trường Demo {prefix} số {i}"),
            code,
            levels: vec![level],
            commune,
            enrolment,
        });
    }
    out
}

/// Results of a demo round: `share` of the students took part, scores out of 10 questions.
pub fn results(students: &[Student], share: f64, seed: u64, now_ms: i64) -> Vec<ResultRow> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::new();
    for s in students {
        if !rng.random_bool(share.clamp(0.0, 1.0)) {
            continue;
        }
        out.push(ResultRow {
            student: s.code.clone(),
            score: rng.random_range(0..=10),
            time_ms: rng.random_range(60_000..=600_000),
            distance: rng.random_range(0..=50_000),
            attempts: rng.random_range(1..=7),
            submitted_at: now_ms - rng.random_range(0..7 * 24 * 3600 * 1000),
        });
    }
    out
}

/// Live games of the demo schools: three schools in four held some (one to six each, in the
/// 90 days before `now_ms`), each with 12 to 38 players, so the dashboard shows schools both
/// above and under the plan's target.
pub fn games(schools: &[School], seed: u64, now_ms: i64) -> Vec<DemoGame> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::new();
    for s in schools {
        if !rng.random_bool(0.75) {
            continue;
        }
        for _ in 0..rng.random_range(1..=6) {
            out.push(DemoGame {
                school: s.code.clone(),
                created_at: now_ms - rng.random_range(0..90 * 24 * 3600 * 1000_i64),
                players: rng.random_range(12..=38),
            });
        }
    }
    out
}

/// One submitted attempt behind each demo result: started its time before it was submitted,
/// ten points a right answer.
pub fn attempts(students: &[Student], results: &[ResultRow]) -> Vec<DemoAttempt> {
    let grades: std::collections::HashMap<&str, i64> = students
        .iter()
        .map(|s| (s.code.as_str(), s.grade))
        .collect();
    results
        .iter()
        .map(|r| {
            let level = match grades.get(r.student.as_str()) {
                Some(1..=5) => Level::TieuHoc,
                Some(6..=9) => Level::Thcs,
                _ => Level::Thpt,
            };
            DemoAttempt {
                student: r.student.clone(),
                level: level.as_str().to_owned(),
                started_at: r.submitted_at - r.time_ms,
                time_ms: r.time_ms,
                score: r.score * 10,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demo_province_has_the_requested_size_and_clearly_fake_codes() {
        let communes: Vec<String> = (0..102).map(|i| format!("C{i}")).collect();
        let p = province(&communes, 14, 7003, 1);
        assert_eq!(p.schools.len(), 14);
        assert_eq!(p.students.len(), 7003);
        assert!(p.students.iter().all(|s| s.code.starts_with("DEMO")));
        assert!(p.schools.iter().all(|s| s.name.starts_with("Trường Demo")));
        let again = province(&communes, 14, 7003, 1);
        assert_eq!(
            p.students[100], again.students[100],
            "deterministic for a seed"
        );
        let r = results(&p.students, 0.5, 2, 0);
        assert!((3000..4000).contains(&r.len()), "{}", r.len());
        let g = games(&p.schools, 3, 100 * 24 * 3600 * 1000);
        let hosts: std::collections::HashSet<&str> = g.iter().map(|g| g.school.as_str()).collect();
        assert!(
            !g.is_empty() && hosts.len() < 14,
            "some schools held games, not all: {}",
            hosts.len()
        );
        let a = attempts(&p.students, &r);
        assert_eq!(a.len(), r.len());
        assert!(a
            .iter()
            .zip(&r)
            .all(|(a, r)| a.started_at + a.time_ms == r.submitted_at));
    }
}
