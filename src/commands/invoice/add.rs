//! `huikuan invoice add`.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::import::vat::{self, Given};
use crate::ledger::credit::{CreditRefusal, credit_check};
use crate::ledger::schedule::build_schedule;
use crate::parse::{self, positive_amount};
use crate::store::invoices::{self, Kind, NewInvoice};
use crate::store::totals::Headroom;
use crate::store::{customers, events, settings};

/// Record an invoice.
///
/// Due in one installment after the customer's terms unless --due, --terms,
/// --split or --installment say otherwise. Credit control refuses an invoice
/// for a customer on hold, graded D, or pushed over its credit limit, unless
/// --force (recorded in the log). Unapplied credit of the customer is applied
/// to the new invoice unless --no-credit. AMOUNT is what the customer owes,
/// tax included (价税合计); --net and --tax, when both given, must add up to
/// it. The salesperson is the customer's unless --salesperson. Examples:
///   huikuan invoice add INV-1001 HW 120000 --date 2026-11-01 --desc "服务器"
///   huikuan invoice add INV-1002 HW 30000 --split 3
///   huikuan invoice add INV-1003 HW 10000 --installment 2026-12-31:4000 --installment 2027-01-31:6000
///   huikuan invoice add INV-1004 HW 11300 --net 10000 --tax 1300 --tax-rate 13% --vat-number 26442000000012345678
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Invoice number (unique)
    pub number: String,
    /// Customer code
    pub customer: String,
    /// Amount owed, tax included (价税合计), e.g. 12000 or 12,000.50
    #[arg(allow_negative_numbers = true)]
    pub amount: String,
    /// Issue date [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Due date of a single installment
    #[arg(long, value_name = "DATE", conflicts_with = "terms")]
    pub due: Option<String>,
    /// Net days after the issue date [default: the customer's terms]
    #[arg(long, value_name = "DAYS")]
    pub terms: Option<u32>,
    /// An installment DATE:AMOUNT (repeatable; they must add up to the amount)
    #[arg(long, value_name = "DATE:AMOUNT")]
    pub installment: Vec<String>,
    /// N equal monthly installments, the first on the due date; remainder cents on the last
    #[arg(long, value_name = "N")]
    pub split: Option<u32>,
    /// Early-payment discount PERCENT/DAYS, e.g. 2/10
    #[arg(long, value_name = "P/D")]
    pub discount: Option<String>,
    /// Description
    #[arg(long)]
    pub desc: Option<String>,
    /// Net of tax (金额); with --tax it must add up to AMOUNT
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    pub net: Option<String>,
    /// The tax (税额)
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    pub tax: Option<String>,
    /// Tax rate (税率): 13%, 13, 0.13, 免税 (exempt) or 不征税 (not taxable)
    #[arg(long, value_name = "RATE")]
    pub tax_rate: Option<String>,
    /// The VAT invoice's own number (发票号码 / 数电票号码)
    #[arg(long, value_name = "NO")]
    pub vat_number: Option<String>,
    /// Contract number (合同号)
    #[arg(long, value_name = "NO")]
    pub contract: Option<String>,
    /// Salesperson (业务员) [default: the customer's]
    #[arg(long, value_name = "NAME")]
    pub salesperson: Option<String>,
    /// Issue even if credit control refuses (recorded in the log)
    #[arg(long)]
    pub force: bool,
    /// Do not apply the customer's unapplied credit to this invoice
    #[arg(long)]
    pub no_credit: bool,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let amount = positive_amount("AMOUNT", &a.amount)?;
    let issue = match &a.date {
        Some(d) => ctx.date("--date", d)?,
        None => ctx.today,
    };
    let due = a.due.as_deref().map(|d| ctx.date("--due", d)).transpose()?;
    let installments = a.installment.iter().map(|i| super::parse_installment(ctx, i)).collect::<Result<Vec<_>>>()?;
    let discount = a.discount.as_deref().map(crate::parse::discount).transpose()?;
    let given = Given {
        net: a.net.as_deref(),
        tax: a.tax.as_deref(),
        tax_rate: a.tax_rate.as_deref(),
        vat_number: a.vat_number.as_deref(),
        contract: a.contract.as_deref(),
        salesperson: a.salesperson.as_deref(),
    };
    let (facts, tax_warning) = vat::read(amount, &given, &vat::OPTIONS)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    parse::within_horizon("--date", issue, ctx.today, settings::horizon_years(&tx)?)?;
    if let Some(t) = a.terms {
        customers::validate_terms(t)?;
    }
    let customer = customers::get(&tx, &a.customer)?;
    let plan = super::due_plan(installments, a.split, due, a.terms, customer.terms_days, issue)?;
    let schedule = build_schedule(issue, amount, &plan)?;
    let refusals = credit_check(&customers::credit_facts(&tx, &customer)?, amount);
    let reasons: Vec<(String, String)> = refusals.iter().map(describe).collect();
    if !refusals.is_empty() && !a.force {
        let en: Vec<&str> = reasons.iter().map(|r| r.0.as_str()).collect();
        let zh: Vec<&str> = reasons.iter().map(|r| r.1.as_str()).collect();
        return Err(Error::user(
            format!(
                "credit control refuses invoice {} for {}: {} (use --force to issue anyway)",
                a.number,
                customer.code,
                en.join("; ")
            ),
            format!(
                "信用控制拒绝为 {} 开具发票 {}：{}（如仍要开具请加 --force）",
                customer.code,
                a.number,
                zh.join("；")
            ),
        ));
    }
    let new = NewInvoice {
        number: a.number.trim(),
        customer_id: customer.id,
        issue_date: issue,
        amount,
        description: a.desc.as_deref(),
        kind: Kind::Sale,
        discount,
        schedule: &schedule,
        import_print: None,
    };
    Headroom::invoices(&tx)?.add(amount)?;
    let (_, applied) = invoices::create_with(&tx, &new, &facts, !a.no_credit)?;
    let mut summary = format!("invoice {} for {} of {amount}", new.number, customer.code);
    let mut summary_zh = format!("发票 {}，客户 {}，金额 {amount}", new.number, customer.code);
    if !refusals.is_empty() {
        let en: Vec<&str> = reasons.iter().map(|r| r.0.as_str()).collect();
        let zh: Vec<&str> = reasons.iter().map(|r| r.1.as_str()).collect();
        summary.push_str(&format!(" — FORCED past credit control: {}", en.join("; ")));
        summary_zh.push_str(&format!("——强制越过信用控制：{}", zh.join("；")));
    }
    if applied.is_positive() {
        summary.push_str(&format!("; credit applied {applied}"));
        summary_zh.push_str(&format!("；核销预收 {applied}"));
    }
    events::record(&tx, "invoice add", &summary, &summary_zh, None)?;
    tx.commit()?;
    if !refusals.is_empty() {
        let en: Vec<&str> = reasons.iter().map(|r| r.0.as_str()).collect();
        let zh: Vec<&str> = reasons.iter().map(|r| r.1.as_str()).collect();
        ctx.warn(
            &format!("warning: issued past credit control (--force, logged): {}", en.join("; ")),
            &format!("警告：已越过信用控制开具（--force，已记录）：{}", zh.join("；")),
        );
    }
    if let Some(w) = tax_warning {
        ctx.warn(&format!("warning: {}", w.en), &format!("警告：{}", w.zh));
    }
    if applied.is_positive() {
        ctx.note(
            &format!("applied {applied} of unapplied credit to {}", new.number),
            &format!("已将未核销预收 {applied} 核销至 {}", new.number),
        );
    }
    let number = new.number.to_string();
    super::show::print(ctx, &book.conn, &number)
}

/// A refusal in English and Chinese.
fn describe(r: &CreditRefusal) -> (String, String) {
    match r {
        CreditRefusal::OnHold => ("customer is on hold".into(), "客户已停止供货".into()),
        CreditRefusal::GradeD { score } => (
            format!("credit grade D (score {score}): prepayment only"),
            format!("信用等级 D（评分 {score}）：仅限预付"),
        ),
        CreditRefusal::OverLimit { limit, exposure_after } => (
            format!("balance would be {exposure_after}, over the credit limit {limit}"),
            format!("余额将达 {exposure_after}，超过信用额度 {limit}"),
        ),
    }
}
