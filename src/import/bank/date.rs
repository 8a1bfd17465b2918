//! Dates as banks write them: `20230102`, `2023-01-02 10:00:00`,
//! `2023/01/02  10:00:00`, `2020.9.6 16:59`, `2023-01-02T10:00:00+08:00`,
//! `2023年1月2日`, `02.01.2023`, `02-01-2023`, `01/02/2023` (month first or day
//! first: the profile says, or every row of the file is looked at), `2 Jan 2023`.

use chrono::{NaiveDate, NaiveTime};

/// The order of day and month in dates whose year comes last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Decide from the file: a first number above 12 means day first, a second
    /// one above 12 means month first; otherwise `.` and `-` mean day first and
    /// `/` month first.
    #[default]
    Auto,
    /// Year first (`2023-01-02`); year-last dates still follow the file.
    Ymd,
    /// `01/02/2023` is 2 January (US, Canada).
    Mdy,
    /// `01/02/2023` is 1 February (Europe, Hong Kong, China).
    Dmy,
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Parse a date cell, and the time when the cell holds one.
/// `format` is a profile's own chrono format, tried first.
pub(crate) fn parse_date(text: &str, order: DateOrder, format: Option<&str>) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.is_empty() {
        return None;
    }
    if let Some(fmt) = format {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(t, fmt) {
            return Some((dt.date(), Some(dt.time())));
        }
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Some((d, None));
        }
    }
    let (date_part, time_part) = split_date_time(t);
    let date = parse_date_part(&date_part, order).or_else(|| parse_month_name(t))?;
    Some((date, time_part.as_deref().and_then(parse_time)))
}

/// The date token and what follows it (`T` or spaces separate them).
fn split_date_time(t: &str) -> (String, Option<String>) {
    let mut s: String = t
        .chars()
        .map(|c| match c {
            '年' | '月' => '-',
            '日' | '号' => ' ',
            _ => c,
        })
        .collect();
    // ISO `2023-01-02T10:00`: a `T` between a digit and a digit.
    if let Some(pos) = s.find('T') {
        let before = s.get(..pos).and_then(|b| b.chars().last()).is_some_and(|c| c.is_ascii_digit());
        let after = s.get(pos + 1..).and_then(|a| a.chars().next()).is_some_and(|c| c.is_ascii_digit());
        if before && after {
            s.replace_range(pos..pos + 1, " ");
        }
    }
    let s = s.trim();
    match s.split_once(char::is_whitespace) {
        Some((d, rest)) => (d.to_string(), Some(rest.trim().to_string())),
        None => (s.to_string(), None),
    }
}

fn parse_date_part(d: &str, order: DateOrder) -> Option<NaiveDate> {
    if d.bytes().all(|b| b.is_ascii_digit()) {
        // 20230102, or 20230102103000 (date and time run together).
        if d.len() == 8 || d.len() == 12 || d.len() == 14 {
            return ymd(num(d.get(0..4)?)?, num(d.get(4..6)?)?, num(d.get(6..8)?)?);
        }
        return None;
    }
    let sep = d.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = d.split(['-', '/', '.']).collect();
    let parts: Vec<&str> = match parts.as_slice() {
        [a, b, c, ""] => vec![a, b, c], // 02.01.2023.
        _ => parts,
    };
    let [a, b, c] = parts.as_slice() else { return None };
    if ![a, b, c].iter().all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|x| x.is_ascii_digit())) {
        return None;
    }
    if a.len() == 4 {
        return ymd(num(a)?, num(b)?, num(c)?);
    }
    if a.len() > 2 || b.len() > 2 || !(c.len() == 4 || c.len() == 2) {
        return None;
    }
    let year = match num(c)? {
        y if c.len() == 2 && y < 70 => 2000 + y,
        y if c.len() == 2 => 1900 + y,
        y => y,
    };
    let (x, y) = (num(a)?, num(b)?);
    let day_first = match order {
        DateOrder::Dmy => true,
        DateOrder::Mdy => false,
        DateOrder::Auto | DateOrder::Ymd => x > 12 || (y <= 12 && sep != '/'),
    };
    if day_first { ymd(year, y, x) } else { ymd(year, x, y) }
}

/// `2 Jan 2023`, `02-Jan-2023`, `Jan 2, 2023`, `January 2 2023`.
fn parse_month_name(t: &str) -> Option<NaiveDate> {
    let lower = t.to_ascii_lowercase();
    let tokens: Vec<&str> =
        lower.split(|c: char| c.is_whitespace() || c == '-' || c == ',').filter(|s| !s.is_empty()).collect();
    let month_of = |s: &str| MONTHS.iter().position(|m| s.len() >= 3 && s.starts_with(m)).map(|i| i as u32 + 1);
    let year_of = |s: &str| num(s).filter(|_| s.len() == 4);
    match tokens.as_slice() {
        [d, m, y, ..] if month_of(m).is_some() => ymd(year_of(y)?, month_of(m)?, num(d)?),
        [m, d, y, ..] if month_of(m).is_some() => ymd(year_of(y)?, month_of(m)?, num(d)?),
        _ => None,
    }
}

/// `10:46:49`, `16:59`, `10:46:49 PDT`, `10:00:00+08:00`, `10:46:49.123`.
pub(crate) fn parse_time(t: &str) -> Option<NaiveTime> {
    let token: String = t.trim().chars().take_while(|c| c.is_ascii_digit() || *c == ':').collect();
    let nums: Vec<u32> = token.split(':').map(num).collect::<Option<Vec<u32>>>()?;
    match nums.as_slice() {
        [h, m] => NaiveTime::from_hms_opt(*h, *m, 0),
        [h, m, s] => NaiveTime::from_hms_opt(*h, *m, *s),
        _ => None,
    }
}

/// A spreadsheet date serial (days since 1899-12-30) left as a plain number
/// by a sheet whose date format was not recognised: `45292` or `45292.75`.
/// Only 1955–2119 are accepted, so an amount is not taken for a date.
pub(crate) fn excel_serial(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let int = t.split_once('.').map_or(t, |(i, f)| if f.bytes().all(|b| b.is_ascii_digit()) { i } else { "" });
    let days = i64::from(num(int)?);
    if !(20_000..=80_000).contains(&days) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(days))
}

/// Whether a cell was meant to be a date (so failing to read it is an error,
/// not a footer): it starts with a digit and is mostly digits.
pub(crate) fn looks_like_date(text: &str) -> bool {
    let t = text.trim();
    let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
    let others = t.chars().filter(|c| !c.is_ascii_digit() && !c.is_whitespace()).count();
    t.chars().next().is_some_and(|c| c.is_ascii_digit()) && digits >= 4 && digits >= others
}

/// Decide day-first or month-first from every year-last date of a file.
pub(crate) fn resolve_order<'a>(cells: impl Iterator<Item = &'a str>) -> DateOrder {
    let mut votes = OrderVotes::default();
    cells.for_each(|c| votes.add(c));
    votes.finish()
}

/// What a file's date cells say about their order, one cell at a time
/// (see [`resolve_order`]).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct OrderVotes {
    day_first: bool,
    month_first: bool,
    slash: usize,
    other: usize,
}

impl OrderVotes {
    pub(crate) fn add(&mut self, cell: &str) {
        let (d, _) = split_date_time(cell.trim());
        let mut parts = d.split(['-', '/', '.']);
        let (Some(a), Some(b), Some(c)) = (parts.next(), parts.next(), parts.next()) else { return };
        if a.len() > 2 || !(c.len() == 4 || c.len() == 2) {
            return;
        }
        let (Some(x), Some(y)) = (num(a), num(b)) else { return };
        if x > 12 {
            self.day_first = true;
        }
        if y > 12 {
            self.month_first = true;
        }
        if d.contains('/') {
            self.slash += 1;
        } else {
            self.other += 1;
        }
    }

    pub(crate) fn finish(self) -> DateOrder {
        match (self.day_first, self.month_first) {
            (true, false) => DateOrder::Dmy,
            (false, true) => DateOrder::Mdy,
            (false, false) if self.slash > self.other => DateOrder::Mdy,
            (false, false) if self.other > 0 => DateOrder::Dmy,
            _ => DateOrder::Auto,
        }
    }
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(1900..=2999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn date(s: &str, order: DateOrder) -> Option<NaiveDate> {
        parse_date(s, order, None).map(|(d, _)| d)
    }

    #[test]
    fn reads_every_spelling_seen_in_real_exports() {
        let a = DateOrder::Auto;
        assert_eq!(date("20250101", a), Some(d(2025, 1, 1)));
        assert_eq!(date("2023-02-12 21:32:14 ", a), Some(d(2023, 2, 12)));
        assert_eq!(date("2023/02/12  21:32:14", a), Some(d(2023, 2, 12)));
        assert_eq!(date("2020.9.6 16:59", a), Some(d(2020, 9, 6)));
        assert_eq!(date("28.12.2018", a), Some(d(2018, 12, 28)));
        assert_eq!(date("28-12-2018", a), Some(d(2018, 12, 28)));
        assert_eq!(date("07/30/2021", a), Some(d(2021, 7, 30)));
        assert_eq!(date("30/07/2021", a), Some(d(2021, 7, 30)));
        assert_eq!(date("2023-01-02T10:00:00+08:00", a), Some(d(2023, 1, 2)));
        assert_eq!(date("2023年1月2日", a), Some(d(2023, 1, 2)));
        assert_eq!(date("2 Jan 2023", a), Some(d(2023, 1, 2)));
        assert_eq!(date("02-Jan-2023", a), Some(d(2023, 1, 2)));
        assert_eq!(date("Jan 2, 2023", a), Some(d(2023, 1, 2)));
        assert_eq!(date("2023-05-02     \t", a), Some(d(2023, 5, 2)));
        assert_eq!(date("6/4/16", DateOrder::Mdy), Some(d(2016, 6, 4)));
    }

    #[test]
    fn the_order_decides_ambiguous_dates() {
        assert_eq!(date("06/04/2016", DateOrder::Mdy), Some(d(2016, 6, 4)));
        assert_eq!(date("06/04/2016", DateOrder::Dmy), Some(d(2016, 4, 6)));
        // An impossible reading is not silently swapped.
        assert_eq!(date("13/04/2016", DateOrder::Mdy), None);
    }

    #[test]
    fn times_come_along() {
        let (_, t) = parse_date("2023-08-30 20:46:40", DateOrder::Auto, None).unwrap();
        assert_eq!(t, NaiveTime::from_hms_opt(20, 46, 40));
        assert_eq!(parse_time("16:59"), NaiveTime::from_hms_opt(16, 59, 0));
        assert_eq!(parse_time("10:46:49 PDT"), NaiveTime::from_hms_opt(10, 46, 49));
        assert_eq!(parse_time("noon"), None);
    }

    #[test]
    fn a_profile_format_is_tried_first() {
        assert_eq!(parse_date("2023|01|02", DateOrder::Auto, Some("%Y|%m|%d")).map(|x| x.0), Some(d(2023, 1, 2)));
    }

    #[test]
    fn non_dates_are_refused() {
        for bad in ["", "人民币合计", "2023-02-30", "2023-13-01", "12345", "Posted Transactions", "1.2", "99/99/9999"]
        {
            assert_eq!(date(bad, DateOrder::Auto), None, "{bad}");
        }
        assert!(looks_like_date("2023-13-45"));
        assert!(!looks_like_date("人民币合计"));
        assert!(!looks_like_date("共21笔记录"));
    }

    #[test]
    fn spreadsheet_serials() {
        assert_eq!(excel_serial("45292"), Some(d(2024, 1, 1)));
        assert_eq!(excel_serial("45292.75"), Some(d(2024, 1, 1)));
        assert_eq!(excel_serial("1234.56"), None);
        assert_eq!(excel_serial("20240101"), None);
    }

    #[test]
    fn the_file_decides_the_order() {
        assert_eq!(resolve_order(["01/02/2020", "01/13/2020"].into_iter()), DateOrder::Mdy);
        assert_eq!(resolve_order(["01/02/2020", "13/01/2020"].into_iter()), DateOrder::Dmy);
        assert_eq!(resolve_order(["01/02/2020"].into_iter()), DateOrder::Mdy);
        assert_eq!(resolve_order(["01.02.2020"].into_iter()), DateOrder::Dmy);
        assert_eq!(resolve_order(["2020-01-02"].into_iter()), DateOrder::Auto);
    }
}
