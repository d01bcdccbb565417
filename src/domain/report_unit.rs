//! The unit a report or dashboard is about: the province, a commune or a school, with one
//! grammar in URLs: `province`, `commune/{code}`, `school/{code}`.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum ReportUnit {
    Province,
    Commune(String),
    School(String),
}

/// Why a path is not a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a unit: province, commune/C or school/S")]
pub struct ReportUnitError;

impl FromStr for ReportUnit {
    type Err = ReportUnitError;

    fn from_str(path: &str) -> Result<ReportUnit, ReportUnitError> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let code = |c: &str| {
            (!c.is_empty()
                && c.len() <= 40
                && c.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' || ch == '.'))
            .then(|| c.to_owned())
            .ok_or(ReportUnitError)
        };
        match parts.as_slice() {
            ["province"] => Ok(ReportUnit::Province),
            ["commune", c] => Ok(ReportUnit::Commune(code(c)?)),
            ["school", s] => Ok(ReportUnit::School(code(s)?)),
            _ => Err(ReportUnitError),
        }
    }
}

impl fmt::Display for ReportUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportUnit::Province => f.write_str("province"),
            ReportUnit::Commune(c) => write!(f, "commune/{c}"),
            ReportUnit::School(s) => write!(f, "school/{s}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_round_trip_through_their_one_grammar() {
        for (path, unit) in [
            ("province", ReportUnit::Province),
            ("commune/22015", ReportUnit::Commune("22015".into())),
            ("school/TH1", ReportUnit::School("TH1".into())),
        ] {
            assert_eq!(path.parse::<ReportUnit>(), Ok(unit.clone()));
            assert_eq!(unit.to_string(), path);
        }
        for bad in [
            "",
            "communes",
            "commune/",
            "school/a/b",
            "school/<x>",
            "class/TH1/5A",
        ] {
            assert_eq!(bad.parse::<ReportUnit>(), Err(ReportUnitError), "{bad}");
        }
    }
}
