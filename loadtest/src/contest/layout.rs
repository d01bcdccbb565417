//! The contest's roster, made up for the run: `N` pupils spread evenly over schools, the
//! schools over a few communes, each school's pupils in classes of 30 from grade 1 to 5 (all
//! tiểu học), so that every one of a pupil's four boards (province, commune, school, class)
//! holds many and each board of a kind holds about as many as the others. Pure: the same
//! arguments always make the same roster, and a second run updates the same students.

use std::collections::BTreeMap;

/// Pupils of a class.
pub const CLASS_SIZE: usize = 30;

/// The code of pupil `i`; apart from the other scenarios' `LT…` students.
pub fn pupil_code(i: usize) -> String {
    format!("LC{i:06}")
}

/// The code of school `s`.
pub fn school_code(s: usize) -> String {
    format!("LTC{s:03}")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pupil {
    pub code: String,
    /// The school's index (and so its source address).
    pub school: usize,
    pub class: String,
    pub grade: u8,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub participants: usize,
    /// Each school's commune code, by school index.
    pub communes: Vec<String>,
}

impl Layout {
    /// `participants` over `schools` schools, school `s` in commune `communes[s % len]`.
    pub fn new(participants: usize, schools: usize, communes: &[String]) -> Layout {
        assert!(!communes.is_empty(), "a layout needs a commune");
        let schools = schools.clamp(1, participants.max(1));
        Layout {
            participants,
            communes: (0..schools)
                .map(|s| communes[s % communes.len()].clone())
                .collect(),
        }
    }

    pub fn schools(&self) -> usize {
        self.communes.len()
    }

    /// Pupil `i`: schools take pupils in turn, and within a school, classes fill up in order
    /// (1A, 2A … 5A, 1B …).
    pub fn pupil(&self, i: usize) -> Pupil {
        let school = i % self.schools();
        let (class, grade) = class_of((i / self.schools()) / CLASS_SIZE);
        Pupil {
            code: pupil_code(i),
            school,
            class,
            grade,
        }
    }

    /// Pupils of each school.
    pub fn enrolment(&self, school: usize) -> usize {
        let n = self.schools();
        self.participants / n + usize::from(school < self.participants % n)
    }

    /// The schools sheet of the import.
    pub fn schools_csv(&self) -> String {
        let mut csv = String::from("code,name,levels,commune,enrolment\n");
        for (s, commune) in self.communes.iter().enumerate() {
            csv.push_str(&format!(
                "{},Trường Tiểu học Kiểm thử {s},tieu-hoc,{commune},{}\n",
                school_code(s),
                self.enrolment(s)
            ));
        }
        csv
    }

    /// The students sheet of the import.
    pub fn students_csv(&self) -> String {
        let mut csv = String::from("code,full_name,class,grade,school,consent\n");
        for i in 0..self.participants {
            let p = self.pupil(i);
            csv.push_str(&format!(
                "{},Học Sinh Thi {i},{},{},{},\n",
                p.code,
                p.class,
                p.grade,
                school_code(p.school)
            ));
        }
        csv
    }

    /// Every class with its pupils: (school code, class) → pupils.
    pub fn classes(&self) -> BTreeMap<(String, String), usize> {
        let mut classes = BTreeMap::new();
        for i in 0..self.participants {
            let p = self.pupil(i);
            *classes.entry((school_code(p.school), p.class)).or_default() += 1;
        }
        classes
    }
}

/// The `c`-th class of a school and its grade: 1A, 2A, 3A, 4A, 5A, 1B, …, 5Z, 1A1, …
fn class_of(c: usize) -> (String, u8) {
    let grade = 1 + (c % 5) as u8;
    let k = c / 5;
    let letter = (b'A' + (k % 26) as u8) as char;
    let name = match k / 26 {
        0 => format!("{grade}{letter}"),
        round => format!("{grade}{letter}{round}"),
    };
    (name, grade)
}

/// Expected board totals from the pupils who submitted, by class (`SCHOOL/CLASS` → count):
/// the province's, each commune's (by code) and each school's (by code).
pub struct Totals {
    pub province: u64,
    pub communes: BTreeMap<String, u64>,
    pub schools: BTreeMap<String, u64>,
}

impl Layout {
    pub fn totals(&self, by_class: &BTreeMap<String, u64>) -> Totals {
        let mut totals = Totals {
            province: 0,
            communes: self.communes.iter().map(|c| (c.clone(), 0)).collect(),
            schools: (0..self.schools()).map(|s| (school_code(s), 0)).collect(),
        };
        for (key, &n) in by_class {
            let school = key.split('/').next().unwrap_or_default();
            totals.province += n;
            *totals.schools.entry(school.to_owned()).or_default() += n;
            let commune = (0..self.schools())
                .find(|&s| school_code(s) == school)
                .map(|s| self.communes[s].clone());
            if let Some(commune) = commune {
                *totals.communes.entry(commune).or_default() += n;
            }
        }
        totals
    }
}

/// The tally key of a pupil's class.
pub fn class_key(school: &str, class: &str) -> String {
    format!("{school}/{class}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn communes() -> Vec<String> {
        vec!["22015".into(), "22045".into(), "22060".into()]
    }

    #[test]
    fn ten_thousand_pupils_fill_25_schools_evenly_in_classes_of_30() {
        let layout = Layout::new(10_000, 25, &communes());
        assert_eq!(layout.schools(), 25);
        assert!((0..25).all(|s| layout.enrolment(s) == 400));
        let classes = layout.classes();
        // 400 pupils a school: 13 full classes and one of 10.
        assert_eq!(classes.len(), 25 * 14);
        assert!(classes.values().all(|&n| n == CLASS_SIZE || n == 10));
        assert_eq!(classes.values().sum::<usize>(), 10_000);
        let p = layout.pupil(26);
        assert_eq!(
            (p.code.as_str(), p.school, p.class.as_str()),
            ("LC000026", 1, "1A")
        );
        // The 31st pupil of school 0 opens its second class, in grade 2.
        let p = layout.pupil(30 * 25);
        assert_eq!((p.school, p.class.as_str(), p.grade), (0, "2A", 2));
    }

    #[test]
    fn schools_go_round_the_communes_and_the_sheets_hold_everyone() {
        let layout = Layout::new(7, 3, &communes());
        assert_eq!(layout.communes, communes());
        assert_eq!((layout.enrolment(0), layout.enrolment(2)), (3, 2));
        let schools = layout.schools_csv();
        assert_eq!(schools.lines().count(), 4);
        assert!(schools.contains("LTC002,Trường Tiểu học Kiểm thử 2,tieu-hoc,22060,2\n"));
        let students = layout.students_csv();
        assert_eq!(students.lines().count(), 8);
        assert!(students.contains("LC000004,Học Sinh Thi 4,1A,1,LTC001,\n"));
        // More schools than pupils: a school each.
        assert_eq!(Layout::new(2, 5, &communes()).schools(), 2);
    }

    #[test]
    fn classes_run_through_five_grades_then_the_alphabet_then_again() {
        assert_eq!(class_of(0), ("1A".into(), 1));
        assert_eq!(class_of(4), ("5A".into(), 5));
        assert_eq!(class_of(5), ("1B".into(), 1));
        assert_eq!(class_of(5 * 26 - 1), ("5Z".into(), 5));
        assert_eq!(class_of(5 * 26), ("1A1".into(), 1));
    }

    #[test]
    fn expected_totals_add_classes_up_to_schools_communes_and_the_province() {
        let layout = Layout::new(10, 4, &communes());
        let by_class = BTreeMap::from([
            (class_key("LTC000", "1A"), 3),
            (class_key("LTC003", "1A"), 2),
            (class_key("LTC001", "1A"), 1),
        ]);
        let t = layout.totals(&by_class);
        assert_eq!(t.province, 6);
        assert_eq!(t.schools["LTC000"], 3);
        assert_eq!(t.schools["LTC002"], 0);
        // Schools 0 and 3 share the first commune.
        assert_eq!(t.communes["22015"], 5);
        assert_eq!(t.communes["22045"], 1);
        assert_eq!(t.communes["22060"], 0);
    }
}
