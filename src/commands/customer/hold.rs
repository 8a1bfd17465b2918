//! `huikuan customer hold` and `customer release`.

use crate::context::Ctx;
use crate::error::Result;
use crate::store::{customers, events};

/// Put a customer on hold (stop supply): new invoices are refused without --force.
///
/// Example: huikuan customer hold HW --reason "60 days overdue"
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct HoldArgs {
    /// Customer code
    pub code: String,
    /// Why (shown with the customer and in the log)
    #[arg(long)]
    pub reason: Option<String>,
}

/// Lift a hold.
///
/// Example: huikuan customer release HW
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ReleaseArgs {
    /// Customer code
    pub code: String,
}

pub fn run_hold(ctx: &mut Ctx, a: HoldArgs) -> Result<()> {
    set(ctx, &a.code, true, a.reason.as_deref())
}

pub fn run_release(ctx: &mut Ctx, a: ReleaseArgs) -> Result<()> {
    set(ctx, &a.code, false, None)
}

fn set(ctx: &mut Ctx, code: &str, hold: bool, reason: Option<&str>) -> Result<()> {
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let id = customers::require_id(&tx, code)?;
    customers::set_hold(&tx, id, hold, reason, None, ctx.today)?;
    let (cmd, what, what_zh) = if hold {
        ("customer hold", "put on hold", "停止供货")
    } else {
        ("customer release", "released", "恢复供货")
    };
    let summary = format!("{what} {code}{}", reason.map(|r| format!(": {r}")).unwrap_or_default());
    let summary_zh = format!("{code} {what_zh}{}", reason.map(|r| format!("：{r}")).unwrap_or_default());
    events::record(&tx, cmd, &summary, &summary_zh, None)?;
    tx.commit()?;
    if hold {
        ctx.note(
            &format!("{code} is on hold: new invoices are refused"),
            &format!("{code} 已停止供货：新发票将被拒绝"),
        );
    } else {
        ctx.note(&format!("{code} is released"), &format!("{code} 已恢复供货"));
    }
    Ok(())
}
