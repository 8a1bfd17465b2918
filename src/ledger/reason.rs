//! Why an amount is overdue (逾期原因, DESIGN §2 Collection facts).
//!
//! A reason is given with a collection action, a promise or a dispute. A
//! customer's reason on a date is its **latest**: the newest dated among
//! those given on or before the date (on one day: a dispute's over a
//! promise's over an action's, then the one recorded last). A customer with
//! none has no reason ("unknown", 未说明).

use chrono::NaiveDate;

/// The reason an amount is overdue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OverdueReason {
    /// 客户资金困难: the customer is short of cash.
    CashFlow,
    /// 产品/质量异议: the customer objects to the goods or their quality.
    Quality,
    /// 资料/发票不全: papers or the invoice are missing or wrong.
    Documents,
    /// 内部沟通: a breakdown of communication on our side.
    Internal,
    /// 恶意拖欠: the customer can pay and will not.
    Wilful,
    /// 其他: anything else.
    Other,
}

impl OverdueReason {
    /// Every reason, in the order reports list them.
    pub const ALL: [OverdueReason; 6] = [
        OverdueReason::CashFlow,
        OverdueReason::Quality,
        OverdueReason::Documents,
        OverdueReason::Internal,
        OverdueReason::Wilful,
        OverdueReason::Other,
    ];

    /// The code stored in the book and typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            OverdueReason::CashFlow => "cash-flow",
            OverdueReason::Quality => "quality",
            OverdueReason::Documents => "documents",
            OverdueReason::Internal => "internal",
            OverdueReason::Wilful => "wilful",
            OverdueReason::Other => "other",
        }
    }

    /// The English name shown in reports.
    pub fn en(self) -> &'static str {
        match self {
            OverdueReason::CashFlow => "customer short of cash",
            OverdueReason::Quality => "product/quality objection",
            OverdueReason::Documents => "documents/invoice incomplete",
            OverdueReason::Internal => "internal communication",
            OverdueReason::Wilful => "wilful non-payment",
            OverdueReason::Other => "other",
        }
    }

    /// The Chinese name (DESIGN §2).
    pub fn zh(self) -> &'static str {
        match self {
            OverdueReason::CashFlow => "客户资金困难",
            OverdueReason::Quality => "产品/质量异议",
            OverdueReason::Documents => "资料/发票不全",
            OverdueReason::Internal => "内部沟通",
            OverdueReason::Wilful => "恶意拖欠",
            OverdueReason::Other => "其他",
        }
    }

    /// Parse a code (`cash-flow`, any case, `_` for `-`) or a Chinese name.
    pub fn parse(text: &str) -> Option<OverdueReason> {
        let t = text.trim();
        let code = t.to_ascii_lowercase().replace('_', "-");
        OverdueReason::ALL.into_iter().find(|r| r.as_str() == code || r.zh() == t)
    }
}

/// A reason given on a date, with its rank among those of the same day
/// (higher wins) and its row order (later wins).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Given {
    pub date: NaiveDate,
    pub rank: u8,
    pub order: i64,
    pub reason: OverdueReason,
}

/// The latest reason given on or before `as_of`, if any.
pub fn latest(given: &[Given], as_of: NaiveDate) -> Option<OverdueReason> {
    given.iter().filter(|g| g.date <= as_of).max_by_key(|g| (g.date, g.rank, g.order)).map(|g| g.reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    #[test]
    fn every_reason_parses_from_its_code_and_its_chinese_name() {
        for r in OverdueReason::ALL {
            assert_eq!(OverdueReason::parse(r.as_str()), Some(r));
            assert_eq!(OverdueReason::parse(r.zh()), Some(r));
        }
        assert_eq!(OverdueReason::parse(" Cash_Flow "), Some(OverdueReason::CashFlow));
        assert_eq!(OverdueReason::parse("money"), None);
        assert_eq!(OverdueReason::parse(""), None);
    }

    #[test]
    fn the_latest_reason_is_the_newest_dated_on_or_before_the_date() {
        let g = |day, rank, order, reason| Given { date: d(day), rank, order, reason };
        let given = [
            g(5, 0, 1, OverdueReason::CashFlow),
            g(10, 0, 2, OverdueReason::Documents),
            g(10, 2, 1, OverdueReason::Quality),
            g(20, 0, 3, OverdueReason::Wilful),
        ];
        assert_eq!(latest(&given, d(4)), None);
        assert_eq!(latest(&given, d(9)), Some(OverdueReason::CashFlow));
        assert_eq!(latest(&given, d(10)), Some(OverdueReason::Quality), "a dispute outranks an action on its day");
        assert_eq!(latest(&given, d(31)), Some(OverdueReason::Wilful));
    }
}
