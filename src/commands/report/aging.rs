//! `huikuan report aging`.

use std::io::Write;

use crate::commands::sheet;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::aging::{AgingRule, Basis, Buckets};
use crate::output::Format;
use crate::render::{self, write_json};
use crate::reports;
use crate::store::{self, customers};

/// The aging report: open balances by customer and by how late, as of a date.
///
/// By days past due (default edges 30, 60, 90) or by invoice date (账龄:
/// ≤1y … >5y, for provisioning). Only invoices issued, and payments and
/// write-offs dated, on or before --as-of count. Ends with the tie-out:
/// buckets = outstanding = invoiced − collected − written off. Examples:
///   huikuan report aging --as-of 2026-10-31
///   huikuan report aging --buckets 30,60,90,180 --format csv > aging.csv
///   huikuan report aging --by invoice --lang zh
///   huikuan report aging --detail --customer HW
///   huikuan report aging --by-salesperson
///   huikuan report aging --salesperson 张伟
///   huikuan report aging --format xlsx --out aging.xlsx
/// Customers go under the salesperson of the customer (not of each
/// invoice: `report collection --by salesperson` credits invoices).
#[derive(Debug, Default, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Age by due date (collection) or by invoice date (provisioning)
    #[arg(long, value_enum, default_value = "due")]
    pub by: ByArg,
    /// Bucket edges in days past due, e.g. 30,60,90,180
    #[arg(long, value_name = "DAYS,…")]
    pub buckets: Option<String>,
    /// One line per open installment, with days past due and interest
    #[arg(long)]
    pub detail: bool,
    /// Only this customer
    #[arg(long, value_name = "CODE")]
    pub customer: Option<String>,
    /// Customers grouped under their salesperson (业务员), with subtotals
    #[arg(long, conflicts_with = "detail")]
    pub by_salesperson: bool,
    /// Only the customers of this salesperson
    #[arg(long, value_name = "NAME", conflicts_with = "customer")]
    pub salesperson: Option<String>,
    #[command(flatten)]
    pub out: sheet::Out,
}

#[derive(Clone, Copy, Debug, Default, clap::ValueEnum)]
pub enum ByArg {
    #[default]
    Due,
    Invoice,
}

impl Args {
    /// The aging rule the options ask for.
    fn rule(&self) -> Result<AgingRule> {
        let basis = match self.by {
            ByArg::Due => Basis::Due,
            ByArg::Invoice => Basis::Invoice,
        };
        if self.buckets.is_some() && basis == Basis::Invoice {
            return Err(Error::usage(
                "--buckets applies to --by due only (aging by invoice date has fixed yearly buckets)",
                "--buckets 仅适用于 --by due（按开票日账龄的分段固定为年）",
            ));
        }
        let buckets = match &self.buckets {
            Some(b) => Buckets::parse(b)
                .map_err(|e| Error::user(format!("--buckets: {e}"), format!("--buckets：{}", e.zh())))?,
            None => Buckets::default(),
        };
        Ok(AgingRule { basis, buckets })
    }

    /// The plain month-end aging: by due date, default buckets, every
    /// customer. Only it is reprinted from a close and printed as the pack.
    fn is_month_end(&self, rule: &AgingRule) -> bool {
        rule.basis == Basis::Due && self.buckets.is_none() && self.customer.is_none() && self.salesperson.is_none()
    }
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let rule = a.rule()?;
    sheet::check(ctx, &a.out)?;
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    // The settlements dated after the as-of date are sorted by installment
    // (months of them for a past date), and the detail's million open
    // installments by customer: the sorts go to temporary files, with a
    // smaller page cache. Measured on the 10^7 bench book, that is faster
    // too (as of a date five months back: 2.4 s, 182 MB → 2.2 s, 52 MB).
    store::sort_in_files(&tx)?;
    let only = a.customer.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
    let salesperson = a.salesperson.as_deref().map(|n| customers::require_salesperson(&tx, n)).transpose()?;
    if ctx.format == Format::Html && (a.by_salesperson || a.detail || !a.is_month_end(&rule)) {
        return Err(Error::usage(
            "--format html is the month-end page, the plain aging: not with --by invoice, --buckets, --detail, \
             --customer, --salesperson or --by-salesperson",
            "--format html 为月末报表页，即不分组的账龄表：不与 --by invoice、--buckets、--detail、--customer、\
             --salesperson 或 --by-salesperson 同用",
        ));
    }
    // A closed month-end is reprinted from the aging stored at close.
    let stored = if a.is_month_end(&rule) && !a.detail { reports::close::closed_aging(&tx, ctx.as_of)? } else { None };
    let report = match (stored, &salesperson) {
        (Some(r), _) => r,
        (None, Some(name)) => reports::aging::aging_report_of_salesperson(&tx, &rule, ctx.as_of, name)?,
        (None, None) => reports::aging_report(&tx, &rule, ctx.as_of, only)?,
    };
    let lang = ctx.lang;
    if a.by_salesperson {
        let groups = reports::aging::by_salesperson(&tx, &report)?;
        let table = render::aging::grouped_table(lang, &report, &groups);
        return match ctx.format {
            Format::Json => write_json(&mut ctx.out, &reports::aging::grouped_json(&report, &groups)),
            Format::Csv => {
                table.write_csv(&mut ctx.out)?;
                let line = render::aging::tie_out_line(lang, &report.tie);
                ctx.note(&line, &line);
                Ok(())
            }
            Format::Table => render::aging::write_titled(&mut ctx.out, lang, &report, &table),
            Format::Xlsx => sheet::table(ctx, &a.out, &table, &render::aging::footer(lang, &report)),
            other => Err(crate::render::not_offered(other)),
        };
    }
    if a.detail {
        // A million open installments are streamed, never held: their
        // sort goes to temporary files (above) and each line is written as
        // it comes.
        let as_of = report.as_of;
        let lines = |f: &mut dyn FnMut(_) -> Result<()>| reports::aging::each_detail_line(&tx, &rule, as_of, only, f);
        if ctx.format == Format::Json {
            return render::aging::write_detail_json(&mut ctx.out, &report, &lines);
        }
        if ctx.format == Format::Xlsx {
            let table = render::aging::detail_table(lang, &report, &lines)?;
            return sheet::table(ctx, &a.out, &table, &render::aging::footer(lang, &report));
        }
        render::aging::write_detail(&mut ctx.out, ctx.format, lang, &report, &lines)?;
        let line = render::aging::tie_out_line(lang, &report.tie);
        if ctx.format == Format::Table {
            writeln!(ctx.out, "{line}")?;
        } else {
            ctx.note(&line, &line);
        }
        return Ok(());
    }
    match ctx.format {
        Format::Json => write_json(&mut ctx.out, &reports::aging::to_json(&report)),
        Format::Csv => {
            render::aging::summary_table(lang, &report).write_csv(&mut ctx.out)?;
            // The tie-out is talk, not data: stderr keeps the CSV clean.
            let line = render::aging::tie_out_line(lang, &report.tie);
            ctx.note(&line, &line);
            Ok(())
        }
        Format::Table => render::aging::write_table(&mut ctx.out, lang, &report),
        Format::Xlsx => {
            let table = render::aging::summary_table(lang, &report);
            sheet::table(ctx, &a.out, &table, &render::aging::footer(lang, &report))
        }
        Format::Html if a.is_month_end(&rule) => {
            let page = render::pack::html(ctx.lang, &reports::pack::pack(&tx, ctx.as_of)?);
            ctx.out.write_all(page.as_bytes())?;
            Ok(())
        }
        other => Err(crate::render::not_offered(other)),
    }
}
