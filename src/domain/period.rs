//! A report's period: whole days of the Vietnamese calendar, first and last included, as the
//! Unix-millisecond range a query compares times with. A report «từ ngày 01/09/2026 đến ngày
//! 31/12/2026» counts what happened on the 31st in Đắk Lắk, up to midnight there.

use serde::Serialize;

use super::sheet::cells::civil_from_days;

const DAY_MS: i64 = 24 * 3600 * 1000;
/// Vietnam is UTC+7 all year (no summer time).
const VIETNAM_OFFSET_MS: i64 = 7 * 3600 * 1000;

/// Days since 1970-01-01 of a civil date (the inverse of `civil_from_days`, from the same
/// algorithm of Howard Hinnant's date library).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A period of whole Vietnamese days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day, as days since 1970-01-01.
    #[serde(skip)]
    pub first: i64,
    /// Last day, included.
    #[serde(skip)]
    pub last: i64,
}

/// Why a period was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a period is two dates YYYY-MM-DD, the first not after the last")]
pub struct PeriodError;

/// `YYYY-MM-DD`, a date that exists.
fn parse_day(text: &str) -> Result<i64, PeriodError> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(PeriodError);
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(PeriodError);
    }
    let num = |s: &str| s.parse::<i64>().map_err(|_| PeriodError);
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    if !(2000..=2100).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(PeriodError);
    }
    let days = days_from_civil(y, m, d);
    // 31 February comes back as 3 March: not a date.
    if civil_from_days(days) != (y, m, d) {
        return Err(PeriodError);
    }
    Ok(days)
}

impl Period {
    pub fn parse(from: &str, to: &str) -> Result<Period, PeriodError> {
        let (first, last) = (parse_day(from)?, parse_day(to)?);
        if first > last || last - first > 3660 {
            return Err(PeriodError);
        }
        Ok(Period { first, last })
    }

    /// The school year that holds the Vietnamese day of `now_ms`: 1 September to 31 August.
    pub fn school_year_of(now_ms: i64) -> Period {
        let today = (now_ms + VIETNAM_OFFSET_MS).div_euclid(DAY_MS);
        let (y, m, _) = civil_from_days(today);
        let start = if m >= 9 { y } else { y - 1 };
        Period {
            first: days_from_civil(start, 9, 1),
            last: days_from_civil(start + 1, 8, 31),
        }
    }

    /// The school year of the Vietnamese day of `now_ms`, up to that day: what a report
    /// shows when no period is chosen.
    pub fn school_year_to_date(now_ms: i64) -> Period {
        Period {
            last: day_of(now_ms),
            ..Period::school_year_of(now_ms)
        }
    }

    /// `[start, end)` in Unix milliseconds.
    pub fn millis(&self) -> (i64, i64) {
        (
            self.first * DAY_MS - VIETNAM_OFFSET_MS,
            (self.last + 1) * DAY_MS - VIETNAM_OFFSET_MS,
        )
    }

    /// The first and last day as `YYYY-MM-DD`.
    pub fn iso(&self) -> (String, String) {
        let f = |d: i64| {
            let (y, m, d) = civil_from_days(d);
            format!("{y:04}-{m:02}-{d:02}")
        };
        (f(self.first), f(self.last))
    }

    /// The first and last day as printed: `dd/mm/yyyy`.
    pub fn printed(&self) -> (String, String) {
        let f = |d: i64| {
            let (y, m, d) = civil_from_days(d);
            format!("{d:02}/{m:02}/{y:04}")
        };
        (f(self.first), f(self.last))
    }
}

/// The Vietnamese day of `ms`, as days since 1970-01-01.
pub fn day_of(ms: i64) -> i64 {
    (ms + VIETNAM_OFFSET_MS).div_euclid(DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_whole_vietnamese_days() {
        let p = Period::parse("2026-09-01", "2026-12-31").unwrap();
        let (start, end) = p.millis();
        // 2026-09-01 00:00 in Vietnam is 2026-08-31 17:00 UTC.
        assert_eq!(start, 1_788_195_600_000);
        assert_eq!(end - start, 122 * DAY_MS);
        assert_eq!(p.iso(), ("2026-09-01".into(), "2026-12-31".into()));
        assert_eq!(p.printed(), ("01/09/2026".into(), "31/12/2026".into()));
        assert_eq!(day_of(start), p.first);
        assert_eq!(day_of(end - 1), p.last);
        assert_eq!(day_of(end), p.last + 1);
    }

    #[test]
    fn a_bad_period_is_refused() {
        let table = [
            ("2026-12-31", "2026-09-01"),
            ("2026-02-30", "2026-03-01"),
            ("2026-9-1", "2026-12-31"),
            ("01/09/2026", "2026-12-31"),
            ("2026-09-01", ""),
            ("1999-09-01", "2026-12-31"),
            ("2026-13-01", "2026-12-31"),
        ];
        for (from, to) in table {
            assert_eq!(Period::parse(from, to), Err(PeriodError), "{from} {to}");
        }
        assert!(
            Period::parse("2024-02-29", "2024-02-29").is_ok(),
            "a leap day"
        );
    }

    #[test]
    fn the_school_year_runs_from_september_to_august() {
        let p = Period::school_year_of(1_796_000_000_000); // 2026-11-30
        assert_eq!(p.iso(), ("2026-09-01".into(), "2027-08-31".into()));
        let p = Period::school_year_of(1_780_000_000_000); // 2026-05-28
        assert_eq!(p.iso(), ("2025-09-01".into(), "2026-08-31".into()));
        let p = Period::school_year_to_date(1_780_000_000_000);
        assert_eq!(
            p.iso(),
            ("2025-09-01".into(), "2026-05-29".into()),
            "05-28 20:26 UTC is the 29th in Vietnam"
        );
        for d in [-1000, 0, 19_000, 20_500, 30_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }
}
