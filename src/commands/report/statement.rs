//! `huikuan report statement`.

use std::io::Write;
use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::render::statement::{file_name, render};
use crate::{reports, store};

/// A customer statement (对账单) with a balance-confirmation slip (询证函).
///
/// The opening balance, every invoice, payment, write-off and interest
/// invoice of the period with a running balance, the closing balance and its
/// aging, and a slip for the customer to sign or note differences. The
/// balance is what was invoiced less what was received and written off, so
/// unapplied credit is already netted in it. --format txt (default), md or
/// html; --lang en|zh. With --all --out DIR, one file per customer with a
/// balance or any transaction in the period. Examples:
///   huikuan report statement HY --from 2026-10-01 --to 2026-10-31
///   huikuan report statement --all --from 2026-10-01 --to 2026-10-31 --out statements/ --format html
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Customer code (omit with --all)
    #[arg(required_unless_present = "all")]
    pub customer: Option<String>,
    /// First day of the period
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// Last day of the period
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// Every customer with a balance or activity (needs --out)
    #[arg(long, requires = "out", conflicts_with = "customer")]
    pub all: bool,
    /// Write files into this folder instead of printing
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let from = ctx.date("--from", &a.from)?;
    let to = ctx.date("--to", &a.to)?;
    if to < from {
        return Err(Error::user(format!("--to {to} is before --from {from}"), format!("--to {to} 早于 --from {from}")));
    }
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let ids: Vec<i64> = match &a.customer {
        Some(code) => vec![store::customers::require_id(&tx, code)?],
        None => store::customers::list(&tx)?.into_iter().map(|c| c.id).collect(),
    };
    for id in ids {
        let s = reports::statement::statement(&tx, id, from, to)?;
        if a.all && s.is_quiet() {
            continue;
        }
        let (content, ext) = render(ctx.lang, &s, ctx.format)?;
        match &a.out {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                let path = dir.join(file_name(&s, ext));
                std::fs::write(&path, content)?;
                writeln!(ctx.out, "{}", path.display())?;
            }
            None => ctx.out.write_all(content.as_bytes())?,
        }
    }
    Ok(())
}
