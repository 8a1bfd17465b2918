//! Exact money: a [`Money`] is a `rust_decimal::Decimal` held at exactly two
//! decimal places. In the database it is stored as integer minor units (fen,
//! cents), which is what [`Money::cents`] and [`Money::from_cents`] convert to
//! and from without any loss.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use super::LedgerError;

/// The largest amount the book accepts on one line: one trillion (10^12) in
/// the book's currency. Sums of many such amounts still fit comfortably in
/// the `i64` minor units SQLite stores.
pub const MAX_AMOUNT_CENTS: i64 = 100_000_000_000_000;

/// An exact amount of money with two decimal places.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Money from integer minor units (cents / fen).
    pub fn from_cents(cents: i64) -> Money {
        Money(Decimal::new(cents, 2))
    }

    /// Integer minor units, as stored in the database.
    pub fn cents(self) -> i64 {
        // The invariant (scale 2, |value| within i64 cents) makes this exact.
        (self.0 * Decimal::ONE_HUNDRED).trunc().to_i64().expect("Money stays within i64 minor units")
    }

    /// Round a decimal to cents, half away from zero (the book's only rounding rule).
    pub fn round(d: Decimal) -> Money {
        let mut r = d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        r.rescale(2);
        Money(r)
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn is_positive(self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn min(self, other: Money) -> Money {
        if self <= other { self } else { other }
    }

    pub fn max(self, other: Money) -> Money {
        if self >= other { self } else { other }
    }

    /// Parse an amount the user typed or a file holds: `1234.5`, `1,234.50`,
    /// `¥1,234.50`, `CNY 12`. At most two decimals; never negative or zero
    /// when `positive` is asked for; at most [`MAX_AMOUNT_CENTS`].
    pub fn parse(text: &str) -> Result<Money, LedgerError> {
        let bad = || LedgerError::BadAmount(text.trim().to_string());
        let mut s: String = text.trim().chars().filter(|c| *c != '_').collect();
        for prefix in ["CNY", "RMB", "USD", "EUR", "¥", "￥", "$", "€"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.trim_start().to_string();
            }
        }
        // A comma is a thousands separator or nothing: `49,99` may be 49.99
        // (a European decimal comma) or 4,999; never guess (DESIGN §2).
        if s.contains(',') {
            if !commas_group_thousands(&s) {
                return Err(LedgerError::CommaAmount(text.trim().to_string()));
            }
            s.retain(|c| c != ',');
        }
        if s.is_empty() || s.contains(['e', 'E']) {
            return Err(bad());
        }
        let d = Decimal::from_str(&s).map_err(|_| {
            // Only a well-formed number can be too large; `1.2.3`, `5-` or
            // `--5` are simply not amounts.
            if well_formed(&s) { LedgerError::AmountTooLarge(text.trim().to_string()) } else { bad() }
        })?;
        if d.normalize().scale() > 2 {
            return Err(LedgerError::TooManyDecimals(text.trim().to_string()));
        }
        // Bounded before rescaling: a figure near Decimal's limit has no room
        // for two more places, and multiplying it to cents would overflow.
        if d.abs() > Decimal::new(MAX_AMOUNT_CENTS, 2) {
            return Err(LedgerError::AmountTooLarge(text.trim().to_string()));
        }
        let mut d = d;
        d.rescale(2);
        Ok(Money(d))
    }

    /// An amount the program wrote itself (JSON, a snapshot stored at close):
    /// plain decimal text with at most two places, read back exactly however
    /// large (within the `i64` minor units of the book), never refused for
    /// the input limit, which is for what users type.
    pub fn parse_stored(text: &str) -> Result<Money, LedgerError> {
        let bad = || LedgerError::BadAmount(text.trim().to_string());
        let d = Decimal::from_str(text.trim()).map_err(|_| bad())?;
        if d.normalize().scale() > 2 || d.abs() > Decimal::new(i64::MAX, 2) {
            return Err(bad());
        }
        let mut d = d;
        d.rescale(2);
        Ok(Money(d))
    }

    /// Like [`Money::parse`], but the amount must be greater than zero.
    pub fn parse_positive(text: &str) -> Result<Money, LedgerError> {
        let m = Money::parse(text)?;
        if !m.is_positive() {
            return Err(LedgerError::NotPositive(text.trim().to_string()));
        }
        Ok(m)
    }

    /// Plain decimal text with two places and no separators: `-1234.50`.
    /// This is what CSV and JSON carry.
    pub fn plain(self) -> String {
        self.with_plain(str::to_string)
    }

    /// `f` of [`Money::plain`]'s text, made without an allocation when the
    /// amount is in whole cents, as every amount is: the decimal's own
    /// formatting costs several times as much, and reports write millions
    /// of amounts. Anything else (a negative zero included) keeps the
    /// decimal's text.
    pub fn with_plain<R>(self, f: impl FnOnce(&str) -> R) -> R {
        let d = self.0;
        if d.scale() == 2
            && !(d.is_zero() && d.is_sign_negative())
            && let Ok(cents) = i64::try_from(d.mantissa())
        {
            // Digits from the right: two decimals, the point, at least one
            // whole digit, the sign. i64 has at most 19 digits.
            let mut buf = [0u8; 24];
            let mut at = buf.len();
            let mut n = cents.unsigned_abs();
            let mut put = |b: u8| {
                at -= 1;
                buf[at] = b;
            };
            for _ in 0..2 {
                put(b'0' + (n % 10) as u8);
                n /= 10;
            }
            put(b'.');
            loop {
                put(b'0' + (n % 10) as u8);
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            if cents < 0 {
                put(b'-');
            }
            // Only ASCII digits, a point and a sign were written.
            return f(std::str::from_utf8(&buf[at..]).unwrap_or_default());
        }
        f(&format!("{d:.2}"))
    }

    /// Display text with thousands separators: `-1,234.50`.
    pub fn grouped(self) -> String {
        let plain = self.plain();
        let (sign, digits) = match plain.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", plain.as_str()),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
        let mut out = String::with_capacity(plain.len() + int.len() / 3);
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        format!("{sign}{out}.{frac}")
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

/// Whether every comma in an amount separates groups of three digits in its
/// integer part: `1,234`, `12,000.50`, `-1,234,567.89`; not `49,99`,
/// `1,2,3`, `1234,567` or `1.234,5`.
fn commas_group_thousands(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if frac.contains(',') {
        return false;
    }
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    let digits = |g: &str| g.chars().all(|c| c.is_ascii_digit());
    (1..=3).contains(&first.len()) && digits(first) && groups.all(|g| g.len() == 3 && digits(g))
}

/// A sign, digits and at most one decimal point: a number, whatever its size.
fn well_formed(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    !int.is_empty() && int.chars().all(|c| c.is_ascii_digit()) && frac.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The plain text written from whole cents is the decimal's own
        /// text, for amounts as they come and as arithmetic leaves them.
        #[test]
        fn plain_text_is_the_decimals_text(a in any::<i64>(), b in -10_i64.pow(15)..10_i64.pow(15), scale in 0_u32..5) {
            let (x, y) = (Money::from_cents(a / 2), Money::from_cents(b));
            for m in [x, y, x + y, x - y, y - y, -y, Money(Decimal::new(b, scale)), Money::round(Decimal::new(a, scale + 2))] {
                prop_assert_eq!(m.plain(), format!("{:.2}", m.0));
            }
        }
    }

    #[test]
    fn a_comma_separates_thousands_or_the_amount_is_refused() {
        for (text, cents) in
            [("1,234", 123_400), ("12,000.50", 1_200_050), ("-1,234,567.89", -123_456_789), ("¥1,234.50", 123_450)]
        {
            assert_eq!(Money::parse(text), Ok(Money::from_cents(cents)), "{text}");
        }
        for text in ["49,99", "12,34", "1,2,3", "1234,567", "1.234,5", ",123", "1,", "12,3456.00"] {
            assert_eq!(Money::parse(text), Err(LedgerError::CommaAmount(text.to_string())), "{text}");
        }
    }

    #[test]
    fn malformed_numbers_are_bad_amounts_not_too_large() {
        for text in ["1.2.3", "5-", "--5", "5..0", "+-5", "5.-0"] {
            assert_eq!(Money::parse(text), Err(LedgerError::BadAmount(text.to_string())), "{text}");
        }
        let big = "9".repeat(30);
        assert_eq!(Money::parse(&big), Err(LedgerError::AmountTooLarge(big.clone())));
    }

    #[test]
    fn parses_common_spellings_exactly() {
        assert_eq!(Money::parse("1234.5").unwrap().cents(), 123_450);
        assert_eq!(Money::parse(" 1,234.50 ").unwrap().cents(), 123_450);
        assert_eq!(Money::parse("¥12").unwrap().cents(), 1_200);
        assert_eq!(Money::parse("CNY 0.07").unwrap().cents(), 7);
        assert_eq!(Money::parse("-3.10").unwrap().cents(), -310);
        assert_eq!(Money::parse("0.1").unwrap() + Money::parse("0.2").unwrap(), Money::parse("0.3").unwrap());
    }

    #[test]
    fn rejects_bad_amounts() {
        assert!(matches!(Money::parse("abc"), Err(LedgerError::BadAmount(_))));
        assert!(matches!(Money::parse(""), Err(LedgerError::BadAmount(_))));
        assert!(matches!(Money::parse("1e5"), Err(LedgerError::BadAmount(_))));
        assert!(matches!(Money::parse("1.234"), Err(LedgerError::TooManyDecimals(_))));
        assert!(matches!(Money::parse("1000000000001"), Err(LedgerError::AmountTooLarge(_))));
        assert!(matches!(Money::parse("99999999999999999999999999999999999"), Err(LedgerError::AmountTooLarge(_))));
        // Found by fuzzing (tests/fixtures/fuzz/date_money/money-28-digits): it panicked.
        assert!(matches!(Money::parse("1000001000000000000000000000"), Err(LedgerError::AmountTooLarge(_))));
        assert!(matches!(Money::parse("-79228162514264337593543950335"), Err(LedgerError::AmountTooLarge(_))));
        assert!(matches!(Money::parse_positive("0"), Err(LedgerError::NotPositive(_))));
        assert!(matches!(Money::parse_positive("-5"), Err(LedgerError::NotPositive(_))));
    }

    #[test]
    fn trailing_zeros_are_not_extra_decimals() {
        assert_eq!(Money::parse("5.000").unwrap().cents(), 500);
    }

    #[test]
    fn formats_with_and_without_grouping() {
        let m = Money::from_cents(-123_456_789);
        assert_eq!(m.plain(), "-1234567.89");
        assert_eq!(m.grouped(), "-1,234,567.89");
        assert_eq!(Money::from_cents(5).grouped(), "0.05");
        assert_eq!(Money::from_cents(100_000).grouped(), "1,000.00");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(Money::round(Decimal::new(125, 3)).cents(), 13);
        assert_eq!(Money::round(Decimal::new(-125, 3)).cents(), -13);
        assert_eq!(Money::round(Decimal::new(124, 3)).cents(), 12);
    }
}
