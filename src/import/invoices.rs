//! The invoice import (`huikuan invoice import`): CSV rows into the book,
//! every bad row named as file:line, all or nothing. Credit control does not
//! refuse imported invoices; unapplied credit is applied to them.
//!
//! Two formats, told apart by the header ([`FORMATS`], the first that fits):
//! - the VAT e-invoice list exported by the tax platform ([`VAT_COLUMNS`],
//!   read by [`super::vat::gather`]): the amount owed is 价税合计, the buyer is
//!   found by name or alias, the rows of one number make one invoice;
//! - the plain format ([`COLUMNS`]): one invoice per row, the customer by code.
//!
//! Either way every invoice is booked by one function, [`Loader::book`].

use crate::store::totals::Headroom;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::vat::{self, Given, Record, Skipped, Warning};
use crate::error::{FirstOf, Result};
use crate::import::csvfile::{Column, CsvFile};
use crate::import::fingerprint::RowPrints;
use crate::ledger::Money;
use crate::ledger::schedule::{DuePlan, build_schedule};
use crate::parse::{date, positive_amount, within_horizon};
use crate::store::aside::{self, Aside};
use crate::store::invoices::{self, Kind, NewInvoice};
use crate::store::{Connection, customers, imported, money, settings};

/// The plain format: number,customer,issue_date,due_date,amount,description
/// (due_date optional: the customer's terms apply), and the optional facts
/// net,tax,tax_rate,vat_number,contract,salesperson, each under its English
/// or Chinese names. `金额` is the amount here (tax included); the net has
/// its own names (不含税金额), so the two never meet.
pub const COLUMNS: &[Column] = &[
    Column {
        key: "number",
        names: &["number", "invoice", "invoice_number", "发票号", "发票号码", "单号"],
        required: true,
    },
    Column { key: "customer", names: &["customer", "customer_code", "客户", "客户代码"], required: true },
    Column { key: "issue_date", names: &["issue_date", "date", "开票日期", "日期"], required: true },
    Column { key: "due_date", names: &["due_date", "due", "到期日", "到期日期"], required: false },
    Column { key: "amount", names: &["amount", "金额"], required: true },
    Column { key: "description", names: &["description", "desc", "摘要", "说明"], required: false },
    Column { key: "net", names: &["net", "net_amount", "不含税金额"], required: false },
    Column { key: "tax", names: &["tax", "tax_amount", "税额"], required: false },
    Column { key: "tax_rate", names: &["tax_rate", "税率"], required: false },
    Column {
        key: "vat_number", names: &["vat_number", "vat_invoice", "增值税发票号码", "税票号码"], required: false
    },
    Column { key: "contract", names: &["contract", "合同", "合同号", "合同编号"], required: false },
    Column { key: "salesperson", names: &["salesperson", "sales", "业务员", "销售员"], required: false },
];

/// The VAT e-invoice list (数电发票/全电发票): recognised by 价税合计,
/// 购买方名称 (or 购方名称) and 开票日期, with 发票号码 or 数电票号码 (checked
/// when read). `金额` is the net here.
pub const VAT_COLUMNS: &[Column] = &[
    Column { key: "amount", names: &["价税合计"], required: true },
    Column { key: "buyer", names: &["购买方名称", "购方名称"], required: true },
    Column { key: "issue_date", names: &["开票日期"], required: true },
    Column { key: "digital_number", names: &["数电票号码", "数电发票号码"], required: false },
    Column { key: "vat_number", names: &["发票号码"], required: false },
    Column { key: "invoice_code", names: &["发票代码"], required: false },
    Column { key: "net", names: &["金额"], required: false },
    Column { key: "tax", names: &["税额"], required: false },
    Column { key: "tax_rate", names: &["税率", "税率/征收率"], required: false },
    Column { key: "status", names: &["发票状态"], required: false },
    Column { key: "positive", names: &["是否正数发票"], required: false },
    Column {
        key: "item", names: &["货物或应税劳务名称", "货物或应税劳务、服务名称", "项目名称"], required: false
    },
];

/// The formats an invoice file may come in, the VAT list first (its header
/// is the more particular).
pub const FORMATS: &[&[Column]] = &[VAT_COLUMNS, COLUMNS];

/// Which format a file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Plain,
    VatList,
}

impl Format {
    /// The format of a file read with [`FORMATS`] (or either one alone).
    pub fn of(csv: &CsvFile) -> Format {
        if csv.has("buyer") { Format::VatList } else { Format::Plain }
    }

    pub fn name(self) -> (&'static str, &'static str) {
        match self {
            Format::Plain => ("invoice file", "发票文件"),
            Format::VatList => ("VAT e-invoice list", "增值税发票清单"),
        }
    }
}

/// What an import loaded.
#[derive(Debug)]
pub struct Loaded {
    pub format: Format,
    /// Invoices booked.
    pub count: usize,
    /// Invoices (rows of the plain format) skipped because the book already
    /// holds them: importing a file again adds nothing.
    pub skipped: usize,
    /// Rows they were read from (a VAT item export has several per invoice).
    pub rows: usize,
    /// What the invoices owe, tax included (价税合计).
    pub total: Money,
    /// The tax the invoices state.
    pub tax: Money,
    pub credit_applied: Money,
    /// Voided rows of a VAT list, left out.
    pub voided: FirstOf<Skipped>,
    /// Taxes further from net × rate than rounding allows, by file:line.
    pub warnings: FirstOf<Warning>,
}

/// Books the invoices of one import.
struct Loader<'a> {
    tx: &'a Connection,
    today: NaiveDate,
    horizon: u32,
    /// Customer code → (id, terms): looked up once per customer.
    known: HashMap<String, (i64, u32)>,
    /// The fingerprints of what is booked, and what the book holds already.
    prints: RowPrints,
    /// The book's total invoiced, kept within the amount limit.
    headroom: Headroom,
    /// The customers with unapplied credit, read once (an invoice import
    /// adds none): the others' invoices need not look for any.
    credit: HashSet<i64>,
    /// The last day of the book's closed periods, read once.
    closed_through: Option<NaiveDate>,
    /// The kept balances, brought up to date in batches (the bulk path).
    bulk: crate::store::balances::Bulk,
    loaded: Loaded,
}

impl Loader<'_> {
    /// Read one row of the plain format.
    fn plain_row(&mut self, csv: &CsvFile, row: &super::csvfile::Row) -> Result<Record> {
        let code = csv.require(row, "customer")?;
        let (customer_id, terms) = match self.known.get(code) {
            Some(k) => *k,
            None => {
                let k = customers::terms_of(self.tx, code)?;
                self.known.insert(code.to_string(), k);
                k
            }
        };
        let issue = date("issue_date", csv.require(row, "issue_date")?, self.today)?;
        within_horizon("issue_date", issue, self.today, self.horizon)?;
        let plan = match csv.get(row, "due_date") {
            Some(d) => DuePlan::On(date("due_date", d, self.today)?),
            None => DuePlan::Terms(terms),
        };
        let amount = positive_amount("amount", csv.require(row, "amount")?)?;
        let given = Given {
            net: csv.get(row, "net"),
            tax: csv.get(row, "tax"),
            tax_rate: csv.get(row, "tax_rate"),
            vat_number: csv.get(row, "vat_number"),
            contract: csv.get(row, "contract"),
            salesperson: csv.get(row, "salesperson"),
        };
        let (facts, warning) = vat::read(amount, &given, &vat::PLAIN_COLUMNS)?;
        if let Some(w) = warning {
            self.loaded.warnings.push(w.at(&csv.file, row.line));
        }
        Ok(Record {
            line: row.line,
            number: csv.require(row, "number")?.to_string(),
            customer_id,
            issue,
            plan,
            amount,
            description: csv.get(row, "description").map(str::to_string),
            facts,
        })
    }

    /// Book one invoice read from the file, fingerprinted `print`.
    fn book(&mut self, rec: &Record, print: &str) -> Result<()> {
        let schedule = build_schedule(rec.issue, rec.amount, &rec.plan)?;
        let new = NewInvoice {
            number: &rec.number,
            customer_id: rec.customer_id,
            issue_date: rec.issue,
            amount: rec.amount,
            description: rec.description.as_deref(),
            kind: Kind::Sale,
            discount: None,
            schedule: &schedule,
            import_print: Some(print),
        };
        let apply_credit = self.credit.contains(&rec.customer_id);
        let made = invoices::create_in(self.tx, &new, &rec.facts, apply_credit, self.closed_through, true);
        let (id, applied) = match made {
            Ok(made) => made,
            Err(e) if self.prints.already(self.tx, &e, print)? => return Ok(()),
            Err(e) => return Err(self.prints.refused(self.tx, e)),
        };
        // Within the limit, or the import is refused here (nothing is kept).
        self.headroom.add(rec.amount)?;
        // The fingerprint went in with the invoice.
        self.prints.kept(id);
        let l = &mut self.loaded;
        l.count += 1;
        l.total += rec.amount;
        l.tax += rec.facts.tax.unwrap_or(Money::ZERO);
        l.credit_applied += applied;
        self.bulk.row(self.tx)?;
        Ok(())
    }
}

/// Insert every invoice of the file; all or nothing (the caller commits).
/// The plain format is booked row by row as it is read; a VAT list is read
/// and put aside first (the rows of one number make one invoice), then
/// booked invoice by invoice ([`vat::gather`]). Either way each invoice goes through [`Loader::book`].
pub fn load(tx: &Connection, csv: &CsvFile, today: NaiveDate) -> Result<Loaded> {
    let format = Format::of(csv);
    let mut l = Loader {
        tx,
        today,
        horizon: settings::horizon_years(tx)?,
        known: HashMap::new(),
        prints: RowPrints::new(tx, imported::Kind::Invoice, today)?,
        headroom: Headroom::invoices(tx)?,
        credit: money::customers_with_auto_credit(tx)?,
        closed_through: crate::store::locked_through(tx)?,
        bulk: crate::store::balances::Bulk::start(tx)?,
        loaded: Loaded {
            format,
            count: 0,
            skipped: 0,
            rows: 0,
            total: Money::ZERO,
            tax: Money::ZERO,
            credit_applied: Money::ZERO,
            voided: FirstOf::default(),
            warnings: FirstOf::default(),
        },
    };
    // The bulk path: for a file as large as half the book, the indexes the
    // import only writes are built again at the end (see store::aside).
    let aside = if aside::worth_it(tx, csv.len())? { Some(Aside::set_aside(tx, aside::INVOICE_IMPORT)?) } else { None };
    match format {
        Format::Plain => {
            l.loaded.rows = csv.each_row(|row| {
                let print = l.prints.check(csv, row);
                let rec = l.plain_row(csv, row)?;
                l.book(&rec, &print)
            })?;
        }
        Format::VatList => {
            // One invoice of the list (its rows summed) is one record.
            let horizon = l.horizon;
            let g = vat::gather(tx, csv, today, horizon, |rec| {
                let print = l.prints.check_text(&rec.fingerprint_text());
                l.book(rec, &print)
            })?;
            l.loaded.rows = g.rows;
            l.loaded.voided = g.skipped;
            l.loaded.warnings = g.warnings;
        }
    }
    l.prints.finish(tx)?;
    l.bulk.finish(tx)?;
    if let Some(aside) = aside {
        aside.rebuild(tx)?;
    }
    l.loaded.skipped = l.prints.skipped;
    Ok(l.loaded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::test_book::{TODAY, with};
    use crate::store::Book;

    /// A book with one customer on 30 days' terms.
    fn book() -> Book {
        with("code,name,terms_days\nACME,Acme Ltd.,30\n", "number,customer,issue_date,amount\n")
    }

    fn file(text: &str) -> CsvFile {
        CsvFile::parse("invoices.csv", text.as_bytes(), COLUMNS).unwrap()
    }

    #[test]
    fn invoices_are_due_by_the_customers_terms_unless_a_due_date_is_given() {
        let mut book = book();
        let tx = book.conn.transaction().unwrap();
        let csv = file(
            "number,customer,issue_date,due_date,amount\nI-1,ACME,2026-10-01,,100\nI-2,ACME,2026-10-01,2026-10-15,50.5\n",
        );
        let l = load(&tx, &csv, TODAY).unwrap();
        assert_eq!((l.count, l.total, l.credit_applied), (2, Money::from_cents(15_050), Money::ZERO));
        assert_eq!(l.format, Format::Plain);
        assert_eq!(invoices::get(&tx, "I-1").unwrap().installments[0].due_date.to_string(), "2026-10-31");
        assert_eq!(invoices::get(&tx, "I-2").unwrap().installments[0].due_date.to_string(), "2026-10-15");
    }

    fn vat_list(text: &str) -> CsvFile {
        CsvFile::parse_one_of("list.csv", text.as_bytes(), FORMATS).unwrap()
    }

    #[test]
    fn a_vat_list_books_jia_shui_he_ji_and_sums_the_item_rows_of_one_number() {
        let mut book =
            with("code,name,terms_days,aliases\nACME,Acme Ltd.,30,艾克美\n", "number,customer,issue_date,amount\n");
        let tx = book.conn.transaction().unwrap();
        let csv = vat_list(
            "发票号码,数电票号码,购买方名称,开票日期,货物或应税劳务名称,金额,税率,税额,价税合计,发票状态\n\
             00000001,26440000000000000001,ACME LTD,2026-10-08 14:22:05,服务器,\"10,000.00\",13%,\"1,300.00\",\"11,300.00\",正常\n\
             00000002,,艾克美,2026-10-09,运维,100.00,0.06,6.00,106.00,\n\
             00000002,,艾克美,2026-10-09,耗材,200.00,免税,***,200.00,\n\
             00000003,,艾克美,2026-10-09,服务器,100.00,13%,13.00,113.00,已作废\n",
        );
        assert_eq!(Format::of(&csv), Format::VatList);
        let l = load(&tx, &csv, TODAY).unwrap();
        assert_eq!((l.count, l.rows, l.total, l.tax), (2, 3, Money::from_cents(1_160_600), Money::from_cents(130_600)));
        assert_eq!(l.voided.shown, [Skipped { line: 5, number: "00000003".into(), amount: "113.00".into() }]);
        let one = invoices::get(&tx, "26440000000000000001").unwrap();
        assert_eq!(one.amount, Money::from_cents(1_130_000), "价税合计, not 金额");
        assert_eq!(one.installments[0].due_date.to_string(), "2026-11-07");
        assert_eq!(one.facts.vat_number.as_deref(), Some("26440000000000000001"));
        let two = invoices::get(&tx, "00000002").unwrap();
        assert_eq!(
            (two.amount, two.facts.net, two.facts.tax),
            (Money::from_cents(30_600), Some(Money::from_cents(30_000)), Some(Money::from_cents(600)))
        );
        assert_eq!(two.facts.tax_rate.as_deref(), Some("6%,免税"));
        assert_eq!(two.description.as_deref(), Some("运维、耗材"));
        assert!(invoices::get(&tx, "00000003").is_err(), "a voided row is not booked");
    }

    #[test]
    fn the_sample_vat_list_imports_against_the_sample_customers() {
        let mut book = with(include_str!("../../examples/customers.csv"), "number,customer,issue_date,amount\n");
        let tx = book.conn.transaction().unwrap();
        let csv = CsvFile::parse_one_of("vat-invoices.csv", include_bytes!("../../examples/vat-invoices.csv"), FORMATS)
            .unwrap();
        let l = load(&tx, &csv, TODAY).unwrap();
        assert_eq!((l.count, l.rows, l.total, l.tax), (2, 3, Money::from_cents(2_020_000), Money::from_cents(220_000)));
        assert_eq!(l.voided.count, 1, "the voided row");
        assert!(l.warnings.is_empty());
        assert_eq!(invoices::get(&tx, "26442000000088880002").unwrap().customer, "DF", "found by its alias");
    }

    #[test]
    fn a_second_import_skips_what_the_book_holds_and_refuses_a_changed_number() {
        let mut book = book();
        let tx = book.conn.transaction().unwrap();
        let first = load(&tx, &file("number,customer,issue_date,amount\nI-1,ACME,2026-10-01,100\n"), TODAY).unwrap();
        assert_eq!((first.count, first.skipped), (1, 0));
        let csv = file("number,customer,issue_date,amount\nI-1,ACME,2026/10/1,100.00\nI-2,ACME,2026-10-02,5\n");
        let again = load(&tx, &csv, TODAY).unwrap();
        assert_eq!((again.count, again.skipped, again.total), (1, 1, Money::from_cents(500)));
        let csv = file("number,customer,issue_date,amount\nI-3,ACME,2026-10-01,1\nI-1,ACME,2026-10-01,101\n");
        let e = load(&tx, &csv, TODAY).unwrap_err().to_string();
        assert!(e.contains("invoices.csv:3: invoice 'I-1' is already in the book with other content"), "{e}");
        let csv = file("number,customer,issue_date,amount\nI-4,ACME,2026-10-01,1\nI-4,ACME,2026-10-01,1\n");
        let e = load(&tx, &csv, TODAY).unwrap_err().to_string();
        assert!(e.contains("invoices.csv:3: invoice number 'I-4' already exists"), "{e}");
    }

    #[test]
    fn a_bad_row_is_named_by_file_and_line_and_nothing_is_written() {
        let mut book = book();
        let csv = file(
            "number,customer,issue_date,amount\nI-1,ACME,2026-10-01,100\nI-2,NOBODY,2026-10-01,100\nI-3,ACME,2026-10-01,-5\n",
        );
        let tx = book.conn.transaction().unwrap();
        let e = load(&tx, &csv, TODAY).unwrap_err().to_string();
        drop(tx);
        assert!(e.contains("invoices.csv:3: no customer with code 'NOBODY'"), "{e}");
        assert!(e.contains("invoices.csv:4: amount"), "{e}");
        assert!(invoices::get(&book.conn, "I-1").is_err(), "the good row is rolled back with the rest");
    }
}
