//! Aging: where each open balance falls, by days past due or by invoice age.
//!
//! - **By due date** (the collection view): `days past due = as_of − due_date`.
//!   Zero or less is *current*; then one bucket per edge: with edges 30, 60, 90
//!   the buckets are current, 1–30, 31–60, 61–90, 91+.
//! - **By invoice date** (账龄, the provisioning view): whole years between the
//!   issue date and the as-of date: ≤1y, 1–2y, 2–3y, 3–4y, 4–5y, >5y. An
//!   invoice issued exactly one year before the as-of date is still ≤1y.
//!
//! Every open installment falls in exactly one bucket, so the buckets always
//! add up to the outstanding balance.

use chrono::{Datelike, NaiveDate};

use super::{LedgerError, Money};

/// Which date an installment is aged by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    Due,
    Invoice,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Due => "due",
            Basis::Invoice => "invoice",
        }
    }
}

/// The bucket edges of an aging by due date: the last day of each overdue
/// bucket but the open-ended last one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Buckets {
    edges: Vec<i64>,
}

impl Default for Buckets {
    fn default() -> Buckets {
        Buckets { edges: vec![30, 60, 90] }
    }
}

impl Buckets {
    /// Parse `30,60,90,180`: positive, strictly increasing whole days.
    pub fn parse(text: &str) -> Result<Buckets, LedgerError> {
        let bad = || LedgerError::BadBuckets(text.to_string());
        let edges: Vec<i64> =
            text.split(',').map(|s| s.trim().parse::<i64>().map_err(|_| bad())).collect::<Result<_, _>>()?;
        let increasing = edges.windows(2).all(|w| w[0] < w[1]);
        if edges.is_empty() || edges.len() > 20 || edges[0] < 1 || !increasing || edges[edges.len() - 1] > 36_500 {
            return Err(bad());
        }
        Ok(Buckets { edges })
    }

    pub fn edges(&self) -> &[i64] {
        &self.edges
    }

    /// How many buckets: current, one per edge, and the open-ended last.
    pub fn len(&self) -> usize {
        self.edges.len() + 2
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// Machine labels: `current`, `1-30`, `31-60`, `61-90`, `91+`.
    pub fn labels(&self) -> Vec<String> {
        let mut out = vec!["current".to_string()];
        let mut from = 1;
        for e in &self.edges {
            out.push(format!("{from}-{e}"));
            from = e + 1;
        }
        out.push(format!("{from}+"));
        out
    }

    /// The bucket of an installment `days` past due.
    pub fn index(&self, days_past_due: i64) -> usize {
        if days_past_due <= 0 {
            return 0;
        }
        1 + self.edges.iter().take_while(|e| days_past_due > **e).count()
    }
}

/// Labels of the aging by invoice date.
pub const INVOICE_AGE_LABELS: [&str; 6] = ["<=1y", "1-2y", "2-3y", "3-4y", "4-5y", ">5y"];
/// The same in Chinese.
pub const INVOICE_AGE_LABELS_ZH: [&str; 6] = ["1年以内", "1-2年", "2-3年", "3-4年", "4-5年", "5年以上"];

/// Whole years from `issue` to `as_of`, counted on the calendar (an
/// anniversary completes a year the day after it), capped at 5 (the `>5y` bucket).
pub fn invoice_age_index(issue: NaiveDate, as_of: NaiveDate) -> usize {
    if as_of <= issue {
        return 0;
    }
    let mut years = as_of.year() - issue.year();
    // Not yet past this year's anniversary: one year fewer.
    if (as_of.month(), as_of.day()) <= (issue.month(), issue.day()) {
        years -= 1;
    }
    years.clamp(0, 5) as usize
}

/// Days past due at the as-of date (negative: not yet due).
pub fn days_past_due(due: NaiveDate, as_of: NaiveDate) -> i64 {
    (as_of - due).num_days()
}

/// How a report ages: basis plus, for the due-date basis, the edges.
#[derive(Clone, Debug)]
pub struct AgingRule {
    pub basis: Basis,
    pub buckets: Buckets,
}

impl AgingRule {
    pub fn len(&self) -> usize {
        match self.basis {
            Basis::Due => self.buckets.len(),
            Basis::Invoice => INVOICE_AGE_LABELS.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn labels(&self) -> Vec<String> {
        match self.basis {
            Basis::Due => self.buckets.labels(),
            Basis::Invoice => INVOICE_AGE_LABELS.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Dates that decide the bucket without arithmetic on each row: an
    /// installment's bucket is the number of thresholds its date (due date or
    /// issue date, per the basis) is strictly before. This lets a database
    /// bucket millions of rows with plain comparisons, and agrees with
    /// [`AgingRule::index`] for every date (a property test says so).
    pub fn thresholds(&self, as_of: NaiveDate) -> Vec<NaiveDate> {
        match self.basis {
            // days past due > e  ⇔  due < as_of − e
            Basis::Due => std::iter::once(0)
                .chain(self.buckets.edges.iter().copied())
                .map(|e| as_of.checked_sub_days(chrono::Days::new(e as u64)).unwrap_or(NaiveDate::MIN))
                .collect(),
            // age ≥ k years  ⇔  issue < the first date d with d + k years ≥ as_of
            Basis::Invoice => (1..=5)
                .map(|k| {
                    let plus = |d: NaiveDate| super::date::add_months(d, 12 * k);
                    let mut t = as_of.checked_sub_months(chrono::Months::new(12 * k)).unwrap_or(NaiveDate::MIN);
                    while plus(t) < as_of {
                        t = t.succ_opt().unwrap_or(t);
                    }
                    while let Some(p) = t.pred_opt().filter(|p| plus(*p) >= as_of) {
                        t = p;
                    }
                    t
                })
                .collect(),
        }
    }

    /// The date a row is aged by under this rule.
    pub fn key_date(&self, due: NaiveDate, issue: NaiveDate) -> NaiveDate {
        match self.basis {
            Basis::Due => due,
            Basis::Invoice => issue,
        }
    }

    /// The bucket an installment falls in at `as_of`.
    pub fn index(&self, due: NaiveDate, issue: NaiveDate, as_of: NaiveDate) -> usize {
        match self.basis {
            Basis::Due => self.buckets.index(days_past_due(due, as_of)),
            Basis::Invoice => invoice_age_index(issue, as_of),
        }
    }
}

/// An open installment's balance as of the report date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenItem {
    /// The customer's position in the report's customer list.
    pub customer: usize,
    pub due_date: NaiveDate,
    pub issue_date: NaiveDate,
    pub balance: Money,
}

/// Bucket totals per customer, indexed `[customer][bucket]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    pub cells: Vec<Vec<Money>>,
}

impl Grid {
    pub fn new(customers: usize, buckets: usize) -> Grid {
        Grid { cells: vec![vec![Money::ZERO; buckets]; customers] }
    }

    pub fn add(&mut self, customer: usize, bucket: usize, amount: Money) {
        self.cells[customer][bucket] += amount;
    }

    /// Column totals.
    pub fn totals(&self) -> Vec<Money> {
        let n = self.cells.first().map_or(0, Vec::len);
        (0..n).map(|b| self.cells.iter().map(|row| row[b]).sum()).collect()
    }

    pub fn row_total(&self, customer: usize) -> Money {
        self.cells[customer].iter().copied().sum()
    }
}

/// Age open items into a grid: each item goes into exactly one bucket.
pub fn age_items<'a>(
    items: impl IntoIterator<Item = &'a OpenItem>,
    rule: &AgingRule,
    as_of: NaiveDate,
    customers: usize,
) -> Grid {
    let mut grid = Grid::new(customers, rule.len());
    for it in items {
        grid.add(it.customer, rule.index(it.due_date, it.issue_date, as_of), it.balance);
    }
    grid
}

/// The tie-out every aging report ends with: the buckets add up to the
/// outstanding balance, which is what was invoiced less what was collected
/// and written off, all as of the date. Each figure is computed on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TieOut {
    pub buckets: Money,
    pub invoiced: Money,
    pub collected: Money,
    /// Early-payment discounts allowed. `None` only in a report stored at a
    /// close made before discounts were applied, reprinted as it was.
    pub discounts: Option<Money>,
    pub written_off: Money,
}

impl TieOut {
    pub fn outstanding(&self) -> Money {
        self.invoiced - self.collected - self.discounts.unwrap_or_default() - self.written_off
    }

    pub fn balanced(&self) -> bool {
        self.buckets == self.outstanding()
    }
}

/// One customer's line in the aging report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgingLine {
    pub code: String,
    pub name: String,
    pub cells: Vec<Money>,
    pub total: Money,
    pub unapplied: Money,
}

/// The aging report: lines sorted by total, largest first (then by code),
/// customers with neither a balance nor credit left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgingReport {
    pub as_of: NaiveDate,
    pub basis: Basis,
    pub labels: Vec<String>,
    pub lines: Vec<AgingLine>,
    pub totals: Vec<Money>,
    pub total: Money,
    pub unapplied: Money,
    pub tie: TieOut,
}

impl AgingReport {
    /// Assemble the report from per-customer figures (`names` in grid order).
    pub fn build(
        as_of: NaiveDate,
        rule: &AgingRule,
        names: Vec<(String, String)>,
        grid: &Grid,
        unapplied: &[Money],
        tie: TieOut,
    ) -> AgingReport {
        let mut lines: Vec<AgingLine> = names
            .into_iter()
            .enumerate()
            .map(|(i, (code, name))| AgingLine {
                code,
                name,
                cells: grid.cells[i].clone(),
                total: grid.row_total(i),
                unapplied: unapplied.get(i).copied().unwrap_or_default(),
            })
            .filter(|l| !l.total.is_zero() || !l.unapplied.is_zero() || l.cells.iter().any(|c| !c.is_zero()))
            .collect();
        lines.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.code.cmp(&b.code)));
        let totals = grid.totals();
        AgingReport {
            as_of,
            basis: rule.basis,
            labels: rule.labels(),
            total: totals.iter().copied().sum(),
            unapplied: unapplied.iter().copied().sum(),
            totals,
            lines,
            tie,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn default_buckets_have_the_design_labels() {
        assert_eq!(Buckets::default().labels(), ["current", "1-30", "31-60", "61-90", "91+"]);
        assert_eq!(
            Buckets::parse("30,60,90,180").unwrap().labels(),
            ["current", "1-30", "31-60", "61-90", "91-180", "181+"]
        );
    }

    #[test]
    fn bucket_edges_are_inclusive() {
        let b = Buckets::default();
        let cases = [(-5, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (5000, 4)];
        for (days, want) in cases {
            assert_eq!(b.index(days), want, "{days} days");
        }
    }

    #[test]
    fn bad_bucket_lists_are_refused() {
        for bad in ["", "0,30", "30,30", "60,30", "a,b", "30,-1"] {
            assert!(Buckets::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn thresholds_handle_leap_days() {
        let rule = AgingRule { basis: Basis::Invoice, buckets: Buckets::default() };
        for as_of in [d(2025, 2, 28), d(2025, 3, 1), d(2024, 2, 29), d(2028, 2, 29)] {
            for off in 0..3000u64 {
                let date = d(2018, 1, 1) + chrono::Days::new(off);
                let n = rule.thresholds(as_of).iter().filter(|t| date < **t).count();
                assert_eq!(n, invoice_age_index(date, as_of), "{date} as of {as_of}");
            }
        }
    }

    #[test]
    fn invoice_age_counts_calendar_years() {
        let as_of = d(2026, 10, 31);
        assert_eq!(invoice_age_index(d(2026, 10, 31), as_of), 0);
        assert_eq!(invoice_age_index(d(2025, 10, 31), as_of), 0, "exactly one year is still <=1y");
        assert_eq!(invoice_age_index(d(2025, 10, 30), as_of), 1);
        assert_eq!(invoice_age_index(d(2021, 11, 1), as_of), 4);
        assert_eq!(invoice_age_index(d(2021, 10, 30), as_of), 5);
        assert_eq!(invoice_age_index(d(2001, 1, 1), as_of), 5);
        assert_eq!(invoice_age_index(d(2024, 2, 29), d(2025, 2, 28)), 0);
        assert_eq!(invoice_age_index(d(2024, 2, 29), d(2025, 3, 1)), 1);
    }

    #[test]
    fn tie_out_balances_only_when_figures_agree() {
        let t = TieOut {
            buckets: Money::from_cents(700),
            invoiced: Money::from_cents(1_000),
            collected: Money::from_cents(150),
            discounts: Some(Money::from_cents(50)),
            written_off: Money::from_cents(100),
        };
        assert!(t.balanced());
        assert!(!TieOut { discounts: None, ..t }.balanced(), "the discounts are part of it");
        assert!(!TieOut { buckets: Money::from_cents(701), ..t }.balanced());
    }

    fn items() -> impl Strategy<Value = Vec<OpenItem>> {
        prop::collection::vec((0usize..4, 0i64..4000, 0i64..400, 1i64..10_000_000), 0..40).prop_map(|v| {
            v.into_iter()
                .map(|(c, issue_off, terms, cents)| {
                    let issue = d(2020, 1, 1) + chrono::Days::new(issue_off as u64);
                    OpenItem {
                        customer: c,
                        issue_date: issue,
                        due_date: issue + chrono::Days::new(terms as u64),
                        balance: Money::from_cents(cents),
                    }
                })
                .collect()
        })
    }

    fn rules() -> impl Strategy<Value = AgingRule> {
        prop_oneof![
            Just(AgingRule { basis: Basis::Due, buckets: Buckets::default() }),
            Just(AgingRule { basis: Basis::Due, buckets: Buckets::parse("15,45,120,365").unwrap() }),
            Just(AgingRule { basis: Basis::Invoice, buckets: Buckets::default() }),
        ]
    }

    proptest! {
        #[test]
        fn buckets_partition_the_balance(items in items(), rule in rules(), as_of_off in 0u64..5000) {
            let as_of = d(2020, 1, 1) + chrono::Days::new(as_of_off);
            let grid = age_items(&items, &rule, as_of, 4);
            let total: Money = items.iter().map(|i| i.balance).sum();
            prop_assert_eq!(grid.totals().into_iter().sum::<Money>(), total);
            for c in 0..4 {
                let mine: Money = items.iter().filter(|i| i.customer == c).map(|i| i.balance).sum();
                prop_assert_eq!(grid.row_total(c), mine);
            }
        }

        #[test]
        fn thresholds_agree_with_the_bucket_rule(rule in rules(), as_of_off in 0u64..6000, date_off in 0u64..6000) {
            let as_of = d(2018, 1, 1) + chrono::Days::new(as_of_off);
            let date = d(2018, 1, 1) + chrono::Days::new(date_off);
            let by_thresholds = rule.thresholds(as_of).iter().filter(|t| date < **t).count();
            prop_assert_eq!(by_thresholds, rule.index(date, date, as_of));
        }

        #[test]
        fn a_later_as_of_never_makes_an_item_younger(due_off in 0i64..4000, a in 0i64..4000, b in 0i64..4000) {
            let due = d(2020, 1, 1) + chrono::Days::new(due_off as u64);
            let (early, late) = (a.min(b), a.max(b));
            let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
            let at = |off: i64| d(2020, 1, 1) + chrono::Days::new(off as u64);
            prop_assert!(rule.index(due, due, at(early)) <= rule.index(due, due, at(late)));
            prop_assert!(invoice_age_index(due, at(early)) <= invoice_age_index(due, at(late)));
        }
    }
}
