//! Amounts as banks write them: `¥1,234.50`, `- $7,971.39`, `+ $1,150.00`,
//! `1.234,56` (decimal comma), `(12.00)`, `12.00-`, `100.00 CR`, `CNY 5`, and the
//! placeholders of an unused side (`-`, `/`, empty). Parsed exactly through
//! [`Money::parse`]; never through a float.

use rust_decimal::Decimal;
use std::str::FromStr;

use crate::ledger::money::Money;

/// Why a cell is not an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AmountError {
    /// `***`, `**.**`, `xx.xx`: the bank hid the figure.
    Masked,
    /// Anything else that is not a number.
    Bad,
}

/// Cells that stand for "nothing on this side".
const PLACEHOLDERS: [&str; 8] = ["-", "--", "—", "–", "/", "n/a", "N/A", "－"];

/// Currency marks removed before or after the number (longest first).
const CURRENCIES: [&str; 17] =
    ["US$", "HK$", "CNY", "RMB", "USD", "EUR", "HKD", "GBP", "JPY", "CHF", "¥", "￥", "$", "€", "£", "元", "圆"];

/// Parse one cell. `Ok(None)`: empty or a placeholder. `decimal_comma`: `,`
/// is the decimal mark and `.`/space/`'` group thousands. `round`: more than
/// two decimals are rounded half away from zero (spreadsheet numbers, which
/// were floats); otherwise they are an error.
pub(crate) fn parse_amount(cell: &str, decimal_comma: bool, round: bool) -> Result<Option<Money>, AmountError> {
    let s = cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if s.is_empty() || PLACEHOLDERS.contains(&s) {
        return Ok(None);
    }
    if is_masked(s) {
        return Err(AmountError::Masked);
    }
    let (negative, digits) = split_sign(s).ok_or(AmountError::Bad)?;
    let canonical = canonical_number(digits, decimal_comma).ok_or(AmountError::Bad)?;
    let text = if negative { format!("-{canonical}") } else { canonical };
    let money = if round {
        let d = Decimal::from_str(&text).map_err(|_| AmountError::Bad)?;
        // Re-parse the rounded value so the book's range check still applies.
        Money::parse(&Money::round(d).plain()).map_err(|_| AmountError::Bad)?
    } else {
        Money::parse(&text).map_err(|_| AmountError::Bad)?
    };
    Ok(Some(money))
}

/// Whether a cell looks like a hidden figure rather than a typo.
fn is_masked(s: &str) -> bool {
    if s.contains(['*', '#']) {
        return true;
    }
    let has_digit = s.chars().any(|c| c.is_ascii_digit());
    !has_digit && s.chars().any(|c| matches!(c, 'x' | 'X')) && s.chars().all(|c| "xXyYzZ,.-+ ".contains(c))
}

/// Remove the sign, currency marks and CR/DR suffixes; return (negative, the
/// bare number). `None` when two signs disagree or nothing numeric is left.
fn split_sign(s: &str) -> Option<(bool, &str)> {
    let mut rest = s;
    let mut negative = false;
    let mut signs = 0;
    if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        rest = inner;
        negative = true;
        signs += 1;
    }
    for _ in 0..6 {
        let before = rest;
        rest = rest.trim();
        let upper_tail = rest.get(rest.len().saturating_sub(2)..).unwrap_or("").to_ascii_uppercase();
        if rest.len() > 2 && (upper_tail == "CR" || upper_tail == "DR") {
            rest = rest.get(..rest.len() - 2).unwrap_or("");
            negative ^= upper_tail == "DR";
            signs += 1;
        }
        if let Some(r) = rest.strip_prefix(['-', '−', '－']) {
            rest = r;
            negative = !negative;
            signs += 1;
        } else if let Some(r) = rest.strip_prefix(['+', '＋']) {
            rest = r;
            signs += 1;
        } else if let Some(r) = rest.strip_suffix(['-', '−']) {
            rest = r;
            negative = !negative;
            signs += 1;
        }
        for cur in CURRENCIES {
            if let Some(r) = rest.strip_prefix(cur) {
                rest = r;
            }
            if let Some(r) = rest.strip_suffix(cur) {
                rest = r;
            }
        }
        if rest == before {
            break;
        }
    }
    if signs > 1 || rest.is_empty() {
        return None;
    }
    Some((negative, rest))
}

/// `1,234.5` → `1234.5`; with `decimal_comma`, `1.234,5` → `1234.5`.
/// Full-width digits are accepted. `None` unless digits and separators only,
/// with at most one decimal mark.
fn canonical_number(s: &str, decimal_comma: bool) -> Option<String> {
    let (decimal, grouping): (char, &[char]) = if decimal_comma {
        (',', &['.', ' ', '\'', '\u{a0}', '\u{202f}'])
    } else {
        ('.', &[',', ' ', '\'', '\u{a0}', '\u{202f}'])
    };
    let mut out = String::with_capacity(s.len());
    let mut seen_decimal = false;
    let mut digits = 0;
    for c in s.chars() {
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32)?,
            '，' => ',',
            '．' => '.',
            _ => c,
        };
        if c.is_ascii_digit() {
            out.push(c);
            digits += 1;
        } else if c == decimal {
            if seen_decimal {
                return None;
            }
            seen_decimal = true;
            out.push('.');
        } else if grouping.contains(&c) {
            if seen_decimal {
                return None;
            }
        } else {
            return None;
        }
    }
    if digits == 0 {
        return None;
    }
    if out.starts_with('.') {
        out.insert(0, '0');
    }
    Some(out)
}

/// Guess the decimal mark of a file from its amount cells: a cell ending in a
/// separator and one or two digits votes for that separator; a cell holding
/// both marks votes for the last one. `true` means decimal comma.
pub(crate) fn guess_decimal_comma<'a>(cells: impl Iterator<Item = &'a str>) -> bool {
    let (mut comma, mut dot) = (0usize, 0usize);
    // A few thousand cells settle it; a big file need not be read twice.
    for cell in cells.filter(|c| !c.is_empty()).take(5000) {
        let t: String = cell.chars().filter(|c| c.is_ascii_digit() || *c == ',' || *c == '.').collect();
        let last_comma = t.rfind(',');
        let last_dot = t.rfind('.');
        match (last_comma, last_dot) {
            (Some(c), Some(d)) => {
                if c > d {
                    comma += 1;
                } else {
                    dot += 1;
                }
            }
            (Some(c), None) => {
                let tail = t.len() - c - 1;
                if (1..=2).contains(&tail) && t.matches(',').count() == 1 {
                    comma += 1;
                }
            }
            (None, Some(d)) => {
                let tail = t.len() - d - 1;
                if t.matches('.').count() > 1 {
                    comma += 1;
                } else if (1..=2).contains(&tail) {
                    dot += 1;
                }
            }
            (None, None) => {}
        }
    }
    comma > dot
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cents(s: &str, comma: bool) -> i64 {
        parse_amount(s, comma, false).unwrap().unwrap().cents()
    }

    #[test]
    fn reads_the_spellings_seen_in_real_exports() {
        assert_eq!(cents("¥20.00", false), 2000);
        assert_eq!(cents("￥742.00", false), 74200);
        assert_eq!(cents("1,234.56", false), 123456);
        assert_eq!(cents("- $7,971.39", false), -797139);
        assert_eq!(cents("-$7,971.39", false), -797139);
        assert_eq!(cents("$-7,971.39", false), -797139);
        assert_eq!(cents("+ $1,150.00", false), 115000);
        assert_eq!(cents("+12", false), 1200);
        assert_eq!(cents("CNY 12.5", false), 1250);
        assert_eq!(cents("EUR 3", false), 300);
        assert_eq!(cents("12.00 元", false), 1200);
        assert_eq!(cents("(12.00)", false), -1200);
        assert_eq!(cents("12.00-", false), -1200);
        assert_eq!(cents("100.00 CR", false), 10000);
        assert_eq!(cents("100.00 DR", false), -10000);
        assert_eq!(cents("  13.40\t", false), 1340);
        assert_eq!(cents("\u{3000}5\u{3000}", false), 500);
        assert_eq!(cents("０.５", false), 50);
    }

    #[test]
    fn decimal_comma() {
        assert_eq!(cents("-5,50", true), -550);
        assert_eq!(cents("155,5", true), 15550);
        assert_eq!(cents("1.234,56", true), 123456);
        assert_eq!(cents("+1.234", true), 123400);
        assert_eq!(cents("1 234,56 €", true), 123456);
    }

    #[test]
    fn placeholders_are_nothing() {
        for p in ["", " ", "-", "--", "/", "\t", "—"] {
            assert_eq!(parse_amount(p, false, false), Ok(None), "{p:?}");
        }
        assert_eq!(parse_amount("0.0", false, false).unwrap().unwrap().cents(), 0);
    }

    #[test]
    fn masked_and_bad_amounts_are_told_apart() {
        for m in ["***", "**.**", "1,2**.00", "xx.xx", "xx,yyyy.zz"] {
            assert_eq!(parse_amount(m, false, false), Err(AmountError::Masked), "{m}");
        }
        for b in ["abc", "1.2.3", "--5", "+-5", "1e5", "12.345", "5 apples", "1,23.4,5"] {
            assert_eq!(parse_amount(b, false, false), Err(AmountError::Bad), "{b}");
        }
    }

    #[test]
    fn spreadsheet_floats_round_to_cents() {
        assert_eq!(parse_amount("2176.9100000000003", false, true).unwrap().unwrap().cents(), 217691);
        assert_eq!(parse_amount("0.125", false, true).unwrap().unwrap().cents(), 13);
        assert_eq!(parse_amount("1e400", false, true), Err(AmountError::Bad));
    }

    #[test]
    fn decimal_mark_is_guessed_from_the_cells() {
        assert!(guess_decimal_comma(["-5,50", "155,5", "1.234,00"].into_iter()));
        assert!(!guess_decimal_comma(["$3.00", "$20,000.00", "1,234"].into_iter()));
        assert!(!guess_decimal_comma(std::iter::empty()));
    }
}
