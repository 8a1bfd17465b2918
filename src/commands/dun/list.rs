//! `huikuan dun list`: the morning worklist.

use crate::commands::sheet;
use crate::context::Ctx;
use crate::error::Result;
use crate::store::{customers, dunning, events};
use crate::{render, reports};

/// Who to chase today, and how: one line per customer with a step due.
///
/// Sorted by urgency (level, then amount), with the upcoming reminders
/// (levels 0–1) after the overdue work. Running it when a customer first
/// reaches the stop-supply level (4) puts the customer on hold; running it
/// again the same day changes nothing. Examples:
///   huikuan dun list
///   huikuan dun list --level 3 --format csv
///   huikuan dun list --as-of 2026-12-01 --customer HY
///   huikuan dun list --salesperson 张伟
///   huikuan dun list --format xlsx --out worklist.xlsx
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only this customer
    #[arg(long, value_name = "CODE")]
    pub customer: Option<String>,
    /// Only steps at this level or higher
    #[arg(long, value_name = "N")]
    pub level: Option<u8>,
    /// Only the customers of this salesperson (业务员)
    #[arg(long, value_name = "NAME")]
    pub salesperson: Option<String>,
    #[command(flatten)]
    pub out: crate::commands::sheet::Out,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    sheet::check(ctx, &a.out)?;
    let mut book = ctx.open_book_to_write()?;
    let (items, ladder) = {
        let tx = book.read()?;
        let only = a.customer.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
        let mut items = reports::worklist(&tx, ctx.as_of, only)?;
        if let Some(name) = &a.salesperson {
            let ids = customers::ids_of_salesperson(&tx, &customers::require_salesperson(&tx, name)?)?;
            items.retain(|w| ids.contains(&w.customer_id));
        }
        (items, dunning::ladder(&tx)?)
    };
    // Stop supply: the first time a customer reaches the hold level (today).
    let to_hold = reports::worklist::newly_at_hold(&items, &ladder);
    if !to_hold.is_empty() && ctx.as_of == ctx.today {
        let tx = book.write()?;
        for w in &to_hold {
            let reason = format!("collection level {} on {}", w.level, ctx.today);
            let reason_zh = format!("{} 达到第 {} 级催收", ctx.today, w.level);
            customers::set_hold(&tx, w.customer_id, true, Some(&reason), Some(&reason_zh), ctx.today)?;
            let zh = format!("{} 停止供货：{} 达到第 {} 级催收", w.code, ctx.today, w.level);
            events::record(&tx, "dun list", &format!("put {} on hold: {reason}", w.code), &zh, None)?;
            ctx.note(
                &format!("{} is now on hold (stop supply): new invoices are refused", w.code),
                &format!("{} 已停止供货：新发票将被拒绝", w.code),
            );
        }
        tx.commit()?;
    }
    let (as_of, lang, format) = (ctx.as_of, ctx.lang, ctx.format);
    sheet::emit(ctx, &a.out, |w| render::worklist::write(w, &items, &ladder, a.level, as_of, lang, format))
}
