//! Calendar dates as the user types them. "Today" is always passed in.

use chrono::{Datelike, Months, NaiveDate};

use super::LedgerError;

/// Parse `2026-11-22`, `2026/11/22`, `20261122` or `today` (given).
pub fn parse_date(text: &str, today: NaiveDate) -> Result<NaiveDate, LedgerError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("today") || t == "今天" {
        return Ok(today);
    }
    let bad = || LedgerError::BadDate(t.to_string());
    let parsed = if let Some(d) = iso(t) {
        Ok(d)
    } else if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        NaiveDate::parse_from_str(t, "%Y%m%d")
    } else if t.contains('/') {
        NaiveDate::parse_from_str(t, "%Y/%m/%d")
    } else {
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
    };
    let d = parsed.map_err(|_| bad())?;
    // Four-digit years only: "26-1-1" is a typo, not the first century.
    if !(1900..=9999).contains(&d.year()) {
        return Err(bad());
    }
    Ok(d)
}

/// A date in the book's own spelling, exactly `YYYY-MM-DD` (zero-padded):
/// the stored form, read once per row by every report and import, so it is
/// read digit by digit rather than through a format string. `None` for
/// anything else, including impossible dates.
pub fn iso(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)
}

/// [`iso`]'s inverse: `YYYY-MM-DD` for years 0–9999 (chrono's `%Y-%m-%d`
/// elsewhere, which signs the year).
pub fn iso_text(d: NaiveDate) -> String {
    if let Ok(y) = u32::try_from(d.year())
        && y <= 9999
    {
        // Digit by digit: every imported row writes a date or two.
        let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
        let (m, day) = (d.month(), d.day());
        [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            '-',
            digit(m / 10),
            digit(m),
            '-',
            digit(day / 10),
            digit(day),
        ]
        .into_iter()
        .collect()
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

/// Parse a month `2026-10` (also `2026/10`, `202610`) into its first day.
pub fn parse_month(text: &str) -> Result<NaiveDate, LedgerError> {
    let t = text.trim();
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    let ok_shape = digits.len() == 6 && (t.len() == 6 || t.len() == 7);
    let (y, m) =
        if ok_shape { (digits[..4].parse::<i32>().ok(), digits[4..].parse::<u32>().ok()) } else { (None, None) };
    match (y, m) {
        // The years a date may have (see `parse_date`): `0000-01` is a typo.
        (Some(y @ 1900..=9999), Some(m)) => {
            NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(|| LedgerError::BadMonth(t.to_string()))
        }
        _ => Err(LedgerError::BadMonth(t.to_string())),
    }
}

/// The same day `n` months later, clamped to the month's end (Jan 31 + 1 → Feb 28).
pub fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n)).unwrap_or(NaiveDate::MAX)
}

/// The last day of the month that `d` is in.
pub fn month_end(d: NaiveDate) -> NaiveDate {
    let first = d.with_day(1).unwrap_or(d);
    add_months(first, 1).pred_opt().unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn accepts_the_four_spellings() {
        let today = d(2026, 11, 22);
        assert_eq!(parse_date("2026-11-22", today).unwrap(), today);
        assert_eq!(parse_date("2026/11/22", today).unwrap(), today);
        assert_eq!(parse_date("20261122", today).unwrap(), today);
        assert_eq!(parse_date("today", d(2020, 1, 1)).unwrap(), d(2020, 1, 1));
        assert_eq!(parse_date("2026-1-5", today).unwrap(), d(2026, 1, 5));
    }

    #[test]
    fn rejects_impossible_and_odd_dates() {
        let today = d(2026, 11, 22);
        for bad in ["2026-02-30", "2026-13-01", "22/11/2026", "", "tomorrow", "26-01-01", "2026-11-22x"] {
            assert!(matches!(parse_date(bad, today), Err(LedgerError::BadDate(_))), "{bad}");
        }
    }

    #[test]
    fn the_stored_spelling_reads_and_writes_like_the_format_string() {
        for t in ["2026-11-22", "1900-01-01", "9999-12-31", "2024-02-29", "0001-01-01"] {
            let chrono = NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
            assert_eq!(iso(t), Some(chrono), "{t}");
            assert_eq!(iso_text(chrono), t);
        }
        for t in ["2026-2-29", "2025-02-29", "2026-13-01", "2026-00-10", "2026/11/22", "2026-11-2x", "+2026-11-2", ""] {
            assert_eq!(iso(t), None, "{t}");
        }
        for d in [NaiveDate::MIN, NaiveDate::MAX] {
            assert_eq!(iso_text(d), d.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(add_months(d(2026, 1, 31), 1), d(2026, 2, 28));
        assert_eq!(month_end(d(2024, 2, 10)), d(2024, 2, 29));
        assert_eq!(parse_month("2026-10").unwrap(), d(2026, 10, 1));
        assert!(parse_month("2026-13").is_err());
    }

    #[test]
    fn a_month_before_1900_is_not_a_month() {
        for bad in ["0000-01", "000001", "1899-12", "0001/01"] {
            assert!(matches!(parse_month(bad), Err(LedgerError::BadMonth(_))), "{bad}");
        }
        assert_eq!(parse_month("1900-01").unwrap(), d(1900, 1, 1));
    }
}
