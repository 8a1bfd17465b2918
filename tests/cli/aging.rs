//! The aging report and late interest, checked against an independent model
//! of the rules on a generated book, and the as-of promises.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{Days, NaiveDate};

use crate::common::TestEnv;

/// A small deterministic generator (64-bit LCG), so the book is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cents(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

struct Inv {
    number: String,
    customer: usize,
    issue: NaiveDate,
    due: NaiveDate,
    amount: i64,
    /// (effective date, cents) of each allocation, as the model places them.
    allocs: Vec<(NaiveDate, i64)>,
}

impl Inv {
    fn paid(&self) -> i64 {
        self.allocs.iter().map(|a| a.1).sum()
    }
}

/// The model: the rules of DESIGN §2 written out plainly, day by day, with
/// none of the program's code.
struct Model {
    invoices: Vec<Inv>,
    credit: HashMap<usize, Vec<(NaiveDate, i64)>>,
}

impl Model {
    /// Allocate a payment: to the invoice named, else oldest due first
    /// (ties: issue date, then entry order). The rest is credit.
    fn pay(&mut self, customer: usize, date: NaiveDate, amount: i64, named: Option<usize>) {
        let mut left = amount;
        let mut order: Vec<usize> = match named {
            Some(i) => vec![i],
            None => (0..self.invoices.len()).filter(|i| self.invoices[*i].customer == customer).collect(),
        };
        order.sort_by_key(|i| (self.invoices[*i].due, self.invoices[*i].issue, *i));
        for i in order {
            let inv = &mut self.invoices[i];
            let take = left.min(inv.amount - inv.paid());
            if take > 0 {
                inv.allocs.push((date.max(inv.issue), take));
                left -= take;
            }
        }
        if left > 0 {
            self.credit.entry(customer).or_default().push((date, left));
        }
    }

    fn balance_as_of(inv: &Inv, as_of: NaiveDate) -> i64 {
        inv.amount - inv.allocs.iter().filter(|a| a.0 <= as_of).map(|a| a.1).sum::<i64>()
    }

    /// Buckets current, 1-30, 31-60, 61-90, 91+ as of a date.
    fn aging(&self, as_of: NaiveDate) -> [i64; 5] {
        let mut b = [0i64; 5];
        for inv in self.invoices.iter().filter(|i| i.issue <= as_of) {
            let days = (as_of - inv.due).num_days();
            let k = match days {
                ..=0 => 0,
                1..=30 => 1,
                31..=60 => 2,
                61..=90 => 3,
                _ => 4,
            };
            b[k] += Self::balance_as_of(inv, as_of);
        }
        b
    }

    /// Interest as of a date: for every day after the due date up to the
    /// as-of date, 0.05 % of what was still unpaid at the start of that day,
    /// summed exactly and rounded once per invoice (one installment each).
    fn interest(&self, as_of: NaiveDate) -> i64 {
        let mut total = 0i64;
        // Every part accrues until it is paid (DESIGN §2: interest earned
        // stays owed after the principal is paid), so paid invoices count too.
        for inv in self.invoices.iter().filter(|i| i.issue <= as_of) {
            let mut units: i128 = 0; // cents × 5 / 10,000
            let mut day = inv.due + Days::new(1);
            while day <= as_of {
                let paid_before: i64 = inv.allocs.iter().filter(|a| a.0 < day).map(|a| a.1).sum();
                if paid_before >= inv.amount {
                    break; // paid in full: nothing accrues from here on
                }
                units += i128::from(inv.amount - paid_before) * 5;
                day = day + Days::new(1);
            }
            total += ((units + 5_000) / 10_000) as i64;
        }
        total
    }

    fn unapplied_as_of(&self, as_of: NaiveDate) -> i64 {
        self.credit.values().flatten().filter(|c| c.0 <= as_of).map(|c| c.1).sum()
    }
}

/// Write the three import files and the model of what they should produce.
fn generate(env: &TestEnv, customers: usize, invoices: usize, seed: u64) -> Model {
    let mut rng = Rng(seed);
    let mut c_csv = String::from("code,name,terms_days\n");
    for c in 0..customers {
        writeln!(c_csv, "C{c:04},客户 {c} 有限公司,{}", 15 + rng.below(60)).unwrap();
    }
    let start = d("2024-01-01");
    let mut model = Model { invoices: Vec::new(), credit: HashMap::new() };
    let mut i_csv = String::from("number,customer,issue_date,due_date,amount,description\n");
    for n in 0..invoices {
        let customer = rng.below(customers as u64) as usize;
        let issue = start + Days::new(rng.below(1050));
        let due = issue + Days::new(rng.below(91));
        let amount = 10_000 + rng.below(5_000_000) as i64;
        let number = format!("G{n:06}");
        writeln!(i_csv, "{number},C{customer:04},{issue},{due},{},generated", cents(amount)).unwrap();
        model.invoices.push(Inv { number, customer, issue, due, amount, allocs: Vec::new() });
    }
    // Payments in date order: most name their invoice (in full or in part),
    // some are left to oldest-due-first; some land after any as-of date used.
    let mut plan: Vec<(NaiveDate, usize, i64, Option<usize>)> = Vec::new();
    for (i, inv) in model.invoices.iter().enumerate() {
        match rng.below(10) {
            0..=5 => {
                let date = inv.due + Days::new(rng.below(150)) - Days::new(20);
                let part = if rng.below(4) == 0 { inv.amount / 2 } else { inv.amount };
                plan.push((date.max(inv.issue), inv.customer, part, Some(i)));
            }
            6 => {
                let date = inv.issue + Days::new(rng.below(200));
                plan.push((date, inv.customer, 5_000 + rng.below(3_000_000) as i64, None));
            }
            _ => {}
        }
    }
    plan.sort_by_key(|p| p.0);
    let mut p_csv = String::from("date,customer,amount,method,reference,invoice\n");
    for (date, customer, amount, named) in plan {
        // Name the invoice only while it is open in the model: paying a
        // settled invoice by name is refused by design.
        let named = named.filter(|i| model.invoices[*i].paid() < model.invoices[*i].amount);
        let inv = named.map(|i| model.invoices[i].number.clone()).unwrap_or_default();
        writeln!(p_csv, "{date},C{customer:04},{},bank,gen,{inv}", cents(amount)).unwrap();
        model.pay(customer, date, amount, named);
    }
    env.write_file("customers.csv", c_csv);
    env.write_file("invoices.csv", i_csv);
    env.write_file("payments.csv", p_csv);
    model
}

fn money(v: &serde_json::Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("amount as a string, got {v}"));
    let (int, frac) = s.split_once('.').expect("two decimals");
    assert_eq!(frac.len(), 2, "{s}");
    let sign = if int.starts_with('-') { -1 } else { 1 };
    sign * (int.trim_start_matches('-').parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap())
}

#[test]
fn aging_and_interest_equal_an_independent_model_to_the_cent() {
    let env = TestEnv::new();
    let (customers, invoices) = match std::env::var("HUIKUAN_TEST_SCALE").as_deref() {
        Ok("small") => (100, 5_000),
        _ => (1_000, 100_000),
    };
    let model = generate(&env, customers, invoices, 20_261_122);
    env.ok(&["-q", "customer", "import", "customers.csv"]);
    env.ok(&["-q", "invoice", "import", "invoices.csv"]);
    env.ok(&["-q", "pay", "import", "payments.csv"]);
    for as_of in ["2025-06-30", "2026-03-31"] {
        let want = model.aging(d(as_of));
        let r = env.json(&["report", "aging", "--as-of", as_of]);
        let labels = ["current", "1-30", "31-60", "61-90", "91+"];
        for (k, label) in labels.iter().enumerate() {
            assert_eq!(money(&r["totals"][label]), want[k], "bucket {label} as of {as_of}");
        }
        assert_eq!(money(&r["total"]), want.iter().sum::<i64>(), "total as of {as_of}");
        assert_eq!(money(&r["unapplied"]), model.unapplied_as_of(d(as_of)), "unapplied as of {as_of}");
        assert_eq!(r["tie_out"]["balanced"], true);
        let i = env.json(&["dun", "interest", "--as-of", as_of]);
        assert_eq!(money(&i["total"]), model.interest(d(as_of)), "interest as of {as_of}");
    }
}

#[test]
fn the_as_of_date_decides_what_counts_and_reports_are_reproducible() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "A", "Alpha Ltd"]);
    env.ok(&["-q", "invoice", "add", "I-1", "A", "1000", "--date", "2026-01-01", "--due", "2026-01-31"]);
    env.ok(&["-q", "invoice", "add", "I-2", "A", "500", "--date", "2026-03-15", "--due", "2026-04-14"]);
    env.ok(&["-q", "pay", "add", "A", "400", "--date", "2026-03-01", "--invoice", "I-1"]);

    let before = env.json(&["report", "aging", "--as-of", "2026-02-28"]);
    // The payment of 2026-03-01 is after the as-of date: it does not reduce the balance.
    assert_eq!(before["total"], "1000.00");
    assert_eq!(before["totals"]["1-30"], "1000.00");
    // I-2 was issued after the as-of date: it is absent.
    assert_eq!(before["tie_out"]["invoiced"], "1000.00");
    let after = env.json(&["report", "aging", "--as-of", "2026-03-20"]);
    assert_eq!(after["total"], "1100.00");
    assert_eq!(after["totals"]["31-60"], "600.00");
    assert_eq!(after["totals"]["current"], "500.00");

    // Back and forth: byte for byte the same, in every format.
    for format in ["table", "csv", "json"] {
        let a = env.ok(&["report", "aging", "--as-of", "2026-02-28", "--format", format]);
        env.ok(&["report", "aging", "--as-of", "2026-03-20", "--format", format]);
        env.ok(&["report", "aging", "--format", format]);
        let b = env.ok(&["report", "aging", "--as-of", "2026-02-28", "--format", format]);
        assert_eq!(a, b, "{format} report changed after other as-of dates were drawn");
    }
}

#[test]
fn credit_applied_to_a_later_invoice_reduces_it_from_its_issue_date() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "A", "Alpha Ltd"]);
    env.ok(&["-q", "pay", "add", "A", "300", "--date", "2026-01-05"]);
    env.ok(&["-q", "invoice", "add", "I-1", "A", "1000", "--date", "2026-02-01", "--due", "2026-03-03"]);
    // Before the invoice existed the 300 was unapplied credit.
    let jan = env.json(&["report", "aging", "--as-of", "2026-01-31"]);
    assert_eq!((jan["total"].as_str(), jan["unapplied"].as_str()), (Some("0.00"), Some("300.00")));
    let feb = env.json(&["report", "aging", "--as-of", "2026-02-01"]);
    assert_eq!((feb["total"].as_str(), feb["unapplied"].as_str()), (Some("700.00"), Some("0.00")));
}

#[test]
fn custom_buckets_and_invoice_date_aging_use_the_contract_labels() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "A", "Alpha Ltd"]);
    env.ok(&["-q", "invoice", "add", "I-1", "A", "100", "--date", "2024-01-10", "--due", "2024-02-09"]);
    env.ok(&["-q", "invoice", "add", "I-2", "A", "200", "--date", "2026-05-01", "--due", "2026-05-31"]);
    let r = env.json(&["report", "aging", "--buckets", "30,60,90,180"]);
    let labels: Vec<&str> = r["buckets"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(labels, ["current", "1-30", "31-60", "61-90", "91-180", "181+"]);
    assert_eq!(r["totals"]["91-180"], "200.00");
    assert_eq!(r["totals"]["181+"], "100.00");
    let r = env.json(&["report", "aging", "--by", "invoice"]);
    assert_eq!(r["by"], "invoice");
    assert_eq!(r["totals"]["<=1y"], "200.00");
    assert_eq!(r["totals"]["2-3y"], "100.00");
    let c = &r["customers"][0];
    assert_eq!((c["code"].as_str(), c["total"].as_str()), (Some("A"), Some("300.00")));
}

#[test]
fn aging_csv_is_one_header_row_of_plain_amounts_without_formulas() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "EVIL", "=HYPERLINK(\"http://x\",\"y\")"]);
    env.ok(&["-q", "customer", "add", "NORM", "普通客户有限公司"]);
    env.ok(&["-q", "invoice", "add", "I-1", "EVIL", "1234567.89", "--date", "2026-01-01"]);
    env.ok(&["-q", "invoice", "add", "I-2", "NORM", "10", "--date", "2026-11-01"]);
    let out = env.run(&["report", "aging", "--format", "csv"]);
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.get(0), Some("code"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "two customers and the totals row:\n{csv}");
    for row in &rows {
        assert_eq!(row.len(), headers.len());
        for cell in row.iter().skip(2) {
            assert!(
                cell.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-') && cell.contains('.'),
                "not a plain decimal: {cell:?}"
            );
        }
        assert!(!row[1].starts_with(['=', '+', '-', '@']), "formula-looking cell {:?}", &row[1]);
    }
    assert!(csv.contains("1234567.89"), "{csv}");
    // The tie-out is on stderr, not in the file.
    assert!(String::from_utf8_lossy(&out.stderr).contains("tie-out"));
}

#[test]
fn the_demo_prints_an_aging_report_that_ties_out_in_both_languages() {
    let env = TestEnv::new();
    let db = env.path().join("demo.sqlite");
    let db = db.to_str().unwrap();
    let out = env.ok(&["--db", db, "demo"]);
    assert!(out.contains("Aging by due date as of 2026-11-22"), "{out}");
    let tie = out.lines().find(|l| l.starts_with("tie-out:")).expect("a tie-out line");
    assert!(tie.ends_with('✓'), "{tie}");
    assert!(out.contains("深圳华远电子有限公司") && out.contains("Northwind Traders Ltd."));
    // A second demo into the same file is refused: it never overwrites a book.
    let (code, err) = env.fail(&["--db", db, "demo"]);
    assert_eq!(code, 1, "{err}");

    let db_zh = env.path().join("demo-zh.sqlite");
    let zh = env.ok(&["--db", db_zh.to_str().unwrap(), "demo", "--lang", "zh"]);
    assert!(zh.contains("应收账款账龄") && zh.contains("未到期") && zh.contains("核对："), "{zh}");
    assert!(zh.contains("催收工作清单"), "{zh}");
    // Today's worklist follows the aging report.
    assert!(out.contains("Collection worklist for 2026-11-22"), "{out}");
    // The demo has a disputed invoice and a customer on hold (MH, by the demo;
    // the worklist holds the others that reached the stop-supply level).
    let held = env.json(&["--db", db, "customer", "list", "--on-hold"]);
    assert!(held.as_array().unwrap().iter().any(|c| c["code"] == "MH"), "{held:#}");
    let disputed = env.json(&["--db", db, "invoice", "list", "--status", "disputed"]);
    assert_eq!(disputed.as_array().unwrap().len(), 1);
}

#[test]
fn interest_follows_the_design_worked_example() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "A", "Alpha Ltd"]);
    env.ok(&["-q", "invoice", "add", "I-1", "A", "10000", "--date", "2026-01-01", "--due", "2026-01-31"]);
    env.ok(&["-q", "pay", "add", "A", "4000", "--date", "2026-02-10"]);
    let i = env.json(&["dun", "interest", "--as-of", "2026-03-02"]);
    assert_eq!(i["total"], "110.00");
    assert_eq!(i["rate_per_day"], "0.0005");
    assert_eq!(i["customers"][0]["invoices"][0]["number"], "I-1");
    assert_eq!(i["customers"][0]["invoices"][0]["interest"], "110.00");
    let detail = env.ok(&["dun", "interest", "--as-of", "2026-03-02", "--detail"]);
    assert!(detail.contains("4,000.00") && detail.contains("6,000.00"), "{detail}");
    // A customer rate overrides the book's from its day on: 0.1 % from the
    // due date doubles it; from today it changes nothing of the past.
    env.ok(&["-q", "customer", "edit", "A", "--interest-rate", "0.1%"]);
    assert_eq!(env.json(&["dun", "interest", "--as-of", "2026-03-02"])["total"], "110.00");
    env.ok(&["-q", "customer", "edit", "A", "--interest-rate", "0.1%", "--from", "2026-01-01"]);
    assert_eq!(env.json(&["dun", "interest", "--as-of", "2026-03-02"])["total"], "220.00");
    // Grace days are not charged: 5 days off each part = 4,000 × 5 + 6,000 × 25 → 10 + 75 at 0.05 %.
    env.ok(&["-q", "customer", "edit", "A", "--interest-rate", "none", "--from", "2026-01-01"]);
    env.ok(&["-q", "config", "set", "grace_days", "5"]);
    assert_eq!(env.json(&["dun", "interest", "--as-of", "2026-03-02"])["total"], "85.00");
}

/// The aging and the open-item queries read only what is open now and what
/// was settled after the as-of date; the reference reads the whole history.
/// On a book with part payments, credit, payments long after the as-of
/// dates, write-offs, a void invoice and a dispute, they agree exactly for
/// every as-of date, basis, bucket set and customer filter.
#[test]
fn the_fast_aging_path_equals_the_whole_history_scan_for_every_as_of_date() {
    use huikuan::ledger::aging::{AgingRule, Basis, Buckets};
    use huikuan::store::aging::{aging, aging_by_scan};
    use huikuan::store::open_items::{open_installments, open_installments_by_scan};

    let env = TestEnv::new();
    let model = generate(&env, 40, 2_000, 7);
    env.ok(&["-q", "customer", "import", "customers.csv"]);
    env.ok(&["-q", "invoice", "import", "invoices.csv"]);
    env.ok(&["-q", "pay", "import", "payments.csv"]);
    // Write-offs dated before and after some as-of dates, a void and a dispute.
    let open: Vec<&Inv> = model.invoices.iter().filter(|i| i.paid() == 0).collect();
    assert!(open.len() > 10, "the generated book leaves invoices open");
    let off = |inv: &Inv, days: u64, amount: Option<&str>| {
        let date = (inv.issue + Days::new(days)).to_string();
        let mut args = vec!["-q", "-y", "invoice", "write-off", &inv.number, "--date", &date, "--reason", "test"];
        if let Some(a) = amount {
            args.extend(["--amount", a]);
        }
        env.ok(&args);
    };
    off(open[0], 400, None);
    off(open[1], 10, Some("1.00"));
    off(open[2], 90, Some("50.00"));
    env.ok(&["-q", "-y", "invoice", "void", &open[3].number]);
    env.ok(&["-q", "invoice", "dispute", &open[4].number]);

    let mut book = huikuan::store::Book::open(&env.db).unwrap();
    let tx = book.read().unwrap();
    let rules = [
        AgingRule { basis: Basis::Due, buckets: Buckets::default() },
        AgingRule { basis: Basis::Invoice, buckets: Buckets::default() },
        AgingRule { basis: Basis::Due, buckets: Buckets::parse("15,45,120,365").unwrap() },
    ];
    let some_customer = Some(huikuan::store::customers::require_id(&tx, "C0003").unwrap());
    let mut as_of = d("2023-12-01");
    let mut compared = 0;
    while as_of <= d("2027-06-30") {
        for rule in &rules {
            for only in [None, some_customer] {
                let fast = aging(&tx, rule, as_of, only).unwrap();
                let scan = aging_by_scan(&tx, rule, as_of, only).unwrap();
                assert_eq!(fast, scan, "aging as of {as_of}, {:?}, customer {only:?}", rule.basis);
                compared += 1;
            }
        }
        for only in [None, some_customer] {
            let (mut fast, mut scan) = (Vec::new(), Vec::new());
            open_installments(&tx, as_of, only, |i| {
                fast.push(i);
                Ok::<(), huikuan::store::StoreError>(())
            })
            .unwrap();
            open_installments_by_scan(&tx, as_of, only, |i| {
                scan.push(i);
                Ok(())
            })
            .unwrap();
            assert_eq!(fast, scan, "open items as of {as_of}, customer {only:?}");
        }
        as_of = as_of + Days::new(23);
    }
    assert!(compared > 300, "compared {compared} reports");
}
