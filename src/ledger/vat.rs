//! The VAT facts of an invoice (增值税): what it says besides the amount.
//!
//! The amount of an invoice is what the customer owes, tax included (价税合计).
//! An invoice may also state its net amount (金额, before tax), its tax (税额)
//! and its tax rate (税率). The rules:
//!
//! - **net + tax = amount**, to the cent, whenever both are known. A mismatch
//!   is refused with the three figures; which one is wrong is never guessed.
//!   A net or a tax known alone is at most the amount.
//! - **A rate is one canonical text**: `13%`, `1.5%`, `0%`, `免税` (exempt) or
//!   `不征税` (not taxable). `13%`, `13` and `0.13` are all `13%`. A bare number
//!   of 1 or more is a percentage; below 1 it is a fraction when a hundred
//!   times it is a rate of Chinese VAT ([`KNOWN_PERCENTS`]) and it is not one
//!   itself (`0.13` → `13%`, `0.06` → `6%`), a percentage when only that
//!   reading is such a rate (`0.5` → `0.5%`); anything else (`0.2`: 20 % or
//!   0.2 %?) is refused with both readings, never guessed.
//! - **Tax against net × rate**: a VAT invoice rounds the tax of each item
//!   line to 0.01, so its tax may differ from net × rate by up to 0.005 per
//!   line, and the number of lines is not known here. A difference up to
//!   [`TAX_TOLERANCE_CENTS`] (1.00: two hundred lines) passes; a larger one is a
//!   warning, never a refusal: the tax printed on a VAT invoice is the tax
//!   authority's figure. An exempt or untaxed invoice expects a tax of 0.
//!
//! Worked example: net 10,000.00 at 13 % → tax 1,300.00, amount 11,300.00;
//! a stated tax of 1,299.50 passes (0.50 off), one of 1,200.00 is warned about.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::Money;

/// Tax rates of Chinese VAT, in percent, past and present: a bare number is
/// read against these to tell a fraction (0.13) from a percentage (0.5).
pub const KNOWN_PERCENTS: &[Decimal] = &[
    Decimal::from_parts(0, 0, 0, false, 0),
    Decimal::from_parts(5, 0, 0, false, 1),
    Decimal::from_parts(1, 0, 0, false, 0),
    Decimal::from_parts(15, 0, 0, false, 1),
    Decimal::from_parts(3, 0, 0, false, 0),
    Decimal::from_parts(5, 0, 0, false, 0),
    Decimal::from_parts(6, 0, 0, false, 0),
    Decimal::from_parts(9, 0, 0, false, 0),
    Decimal::from_parts(10, 0, 0, false, 0),
    Decimal::from_parts(11, 0, 0, false, 0),
    Decimal::from_parts(13, 0, 0, false, 0),
    Decimal::from_parts(16, 0, 0, false, 0),
    Decimal::from_parts(17, 0, 0, false, 0),
];

/// How far a stated tax may be from net × rate before it is warned about:
/// 1.00, in cents ([`TAX_TOLERANCE`]).
pub const TAX_TOLERANCE_CENTS: i64 = 100;

/// Why a VAT fact is refused. `Display` is English; [`VatError::zh`] Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VatError {
    #[error("'{0}' is not a tax rate (e.g. 13%, 0.13, 免税 or 不征税)")]
    BadRate(String),
    #[error("tax rate '{text}' is ambiguous: write {fraction}% or {percent}%")]
    AmbiguousRate { text: String, fraction: String, percent: String },
    #[error(
        "net {net} + tax {tax} = {sum}, not the amount {amount} (价税合计, tax included); correct the figure that is wrong"
    )]
    Mismatch { net: Money, tax: Money, sum: Money, amount: Money },
    #[error("{what} {part} is more than the amount {amount} (价税合计, tax included)")]
    OverAmount { what: &'static str, part: Money, amount: Money },
}

impl VatError {
    /// The Chinese text of the error.
    pub fn zh(&self) -> String {
        match self {
            VatError::BadRate(s) => format!("“{s}”不是税率（例如 13%、0.13、免税 或 不征税）"),
            VatError::AmbiguousRate { text, fraction, percent } => {
                format!("税率“{text}”有歧义：请写 {fraction}% 或 {percent}%")
            }
            VatError::Mismatch { net, tax, sum, amount } => {
                format!("不含税金额 {net} + 税额 {tax} = {sum}，与价税合计 {amount} 不符；请更正有误的数字")
            }
            VatError::OverAmount { what, part, amount } => {
                let what = if *what == "net" { "不含税金额" } else { "税额" };
                format!("{what} {part} 大于价税合计 {amount}")
            }
        }
    }
}

/// A tax rate (税率).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaxRate {
    /// A percentage, e.g. 13 for 13 %.
    Percent(Decimal),
    /// 免税: exempt.
    Exempt,
    /// 不征税: outside the scope of VAT.
    NotTaxable,
}

fn known(p: Decimal) -> bool {
    KNOWN_PERCENTS.contains(&p.normalize())
}

impl TaxRate {
    /// Read a rate as typed or exported (see the module doc).
    pub fn parse(text: &str) -> Result<TaxRate, VatError> {
        let t: String =
            text.trim().chars().filter(|c| !c.is_whitespace()).map(|c| if c == '％' { '%' } else { c }).collect();
        let bad = || VatError::BadRate(text.trim().to_string());
        match t.to_lowercase().as_str() {
            "免税" | "exempt" | "taxexempt" => return Ok(TaxRate::Exempt),
            "不征税" | "nottaxable" | "non-taxable" | "nontaxable" => return Ok(TaxRate::NotTaxable),
            _ => {}
        }
        let (num, pct) = match t.strip_suffix('%') {
            Some(n) => (n, true),
            None => (t.as_str(), false),
        };
        if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(bad());
        }
        let x = Decimal::from_str(num).map_err(|_| bad())?;
        let percent = if pct || x >= Decimal::ONE {
            x
        } else if x.is_zero() {
            Decimal::ZERO
        } else {
            let as_fraction = x * Decimal::ONE_HUNDRED;
            match (known(as_fraction), known(x)) {
                (true, false) => as_fraction,
                (false, true) => x,
                _ => {
                    return Err(VatError::AmbiguousRate {
                        text: text.trim().to_string(),
                        fraction: as_fraction.normalize().to_string(),
                        percent: x.normalize().to_string(),
                    });
                }
            }
        };
        if percent > Decimal::ONE_HUNDRED || percent.normalize().scale() > 4 {
            return Err(bad());
        }
        Ok(TaxRate::Percent(percent.normalize()))
    }

    /// The one text a rate is stored and shown as: `13%`, `1.5%`, `免税`, `不征税`.
    pub fn canonical(self) -> String {
        match self {
            TaxRate::Percent(p) => format!("{}%", p.normalize()),
            TaxRate::Exempt => "免税".to_string(),
            TaxRate::NotTaxable => "不征税".to_string(),
        }
    }

    /// The tax on `net` at this rate, rounded once to the cent.
    pub fn tax_on(self, net: Money) -> Money {
        match self {
            TaxRate::Percent(p) => Money::round(net.as_decimal() * p / Decimal::ONE_HUNDRED),
            TaxRate::Exempt | TaxRate::NotTaxable => Money::ZERO,
        }
    }
}

/// Check the net and the tax against the amount (tax included).
pub fn check_split(amount: Money, net: Option<Money>, tax: Option<Money>) -> Result<(), VatError> {
    match (net, tax) {
        (Some(net), Some(tax)) if net + tax != amount => Err(VatError::Mismatch { net, tax, sum: net + tax, amount }),
        (Some(part), None) if part > amount => Err(VatError::OverAmount { what: "net", part, amount }),
        (None, Some(part)) if part > amount => Err(VatError::OverAmount { what: "tax", part, amount }),
        _ => Ok(()),
    }
}

/// The tax net × rate would give, when the stated tax is further from it
/// than [`TAX_TOLERANCE_CENTS`]; `None` when it is close enough.
pub fn tax_off(net: Money, tax: Money, rate: TaxRate) -> Option<Money> {
    let expected = rate.tax_on(net);
    let diff = if tax > expected { tax - expected } else { expected - tax };
    (diff > Money::from_cents(TAX_TOLERANCE_CENTS)).then_some(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn rate(s: &str) -> String {
        TaxRate::parse(s).map(TaxRate::canonical).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn a_rate_is_read_as_one_canonical_text_whichever_way_it_is_written() {
        for (typed, stored) in [
            ("13%", "13%"),
            ("13", "13%"),
            ("0.13", "13%"),
            ("13.00%", "13%"),
            (" 13 ％", "13%"),
            ("0.06", "6%"),
            ("0.09", "9%"),
            ("1", "1%"),
            ("0.01", "1%"),
            ("1.5", "1.5%"),
            ("0.015", "1.5%"),
            ("0.5", "0.5%"),
            ("0", "0%"),
            ("0%", "0%"),
            ("20%", "20%"),
            ("免税", "免税"),
            ("exempt", "免税"),
            ("不征税", "不征税"),
        ] {
            assert_eq!(rate(typed), stored, "{typed}");
        }
    }

    #[test]
    fn a_rate_that_reads_two_ways_or_none_is_refused() {
        assert_eq!(rate("0.2"), "error: tax rate '0.2' is ambiguous: write 20% or 0.2%");
        for bad in ["-13%", "13%%", "abc", "", "101%", "1e2", "0.00001%"] {
            assert!(rate(bad).starts_with("error: "), "{bad}: {}", rate(bad));
        }
    }

    #[test]
    fn net_plus_tax_must_make_the_amount_and_the_refusal_names_all_three() {
        assert_eq!(check_split(m("11300"), Some(m("10000")), Some(m("1300"))), Ok(()));
        assert_eq!(check_split(m("11300"), None, None), Ok(()));
        assert_eq!(check_split(m("11300"), Some(m("10000")), None), Ok(()));
        let e = check_split(m("11300"), Some(m("10000")), Some(m("1200"))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "net 10,000.00 + tax 1,200.00 = 11,200.00, not the amount 11,300.00 (价税合计, tax included); \
             correct the figure that is wrong"
        );
        assert_eq!(
            e.zh(),
            "不含税金额 10,000.00 + 税额 1,200.00 = 11,200.00，与价税合计 11,300.00 不符；请更正有误的数字"
        );
        let e = check_split(m("100"), Some(m("113")), None).unwrap_err();
        assert_eq!(e.to_string(), "net 113.00 is more than the amount 100.00 (价税合计, tax included)");
    }

    #[test]
    fn a_tax_within_one_yuan_of_net_times_rate_passes_the_worked_example() {
        let r = TaxRate::parse("13%").unwrap();
        assert_eq!(r.tax_on(m("10000")), m("1300"));
        assert_eq!(tax_off(m("10000"), m("1300"), r), None);
        assert_eq!(tax_off(m("10000"), m("1299.50"), r), None);
        assert_eq!(tax_off(m("10000"), m("1301.00"), r), None, "exactly the tolerance passes");
        assert_eq!(tax_off(m("10000"), m("1301.01"), r), Some(m("1300")));
        assert_eq!(tax_off(m("10000"), m("1200"), r), Some(m("1300")));
        assert_eq!(tax_off(m("10000"), m("5"), TaxRate::Exempt), Some(Money::ZERO));
        assert_eq!(TaxRate::parse("1.5%").unwrap().tax_on(m("333.33")), m("5.00"), "4.99995 rounds half up");
    }
}
