//! `huikuan customer alias add|rm`.

use crate::context::Ctx;
use crate::error::Result;
use crate::store::{customers, events};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a name the customer appears under on bank statements
    ///
    /// Example: huikuan customer alias add HW "华为技术"
    Add(Args),
    /// Remove an alias
    ///
    /// Example: huikuan customer alias rm HW "华为技术"
    Rm(Args),
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Customer code
    pub code: String,
    /// The name as it appears on statements
    pub alias: String,
}

pub fn run(ctx: &mut Ctx, c: Command) -> Result<()> {
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let (en, zh) = match &c {
        Command::Add(a) => {
            let id = customers::require_id(&tx, &a.code)?;
            customers::add_alias(&tx, id, &a.alias)?;
            let zh = format!("{} 的别名“{}”", a.code, a.alias);
            events::record(&tx, "customer alias add", &format!("alias '{}' for {}", a.alias, a.code), &zh, None)?;
            (format!("added alias '{}' to {}", a.alias, a.code), format!("已为 {} 添加别名“{}”", a.code, a.alias))
        }
        Command::Rm(a) => {
            let id = customers::require_id(&tx, &a.code)?;
            customers::remove_alias(&tx, id, &a.code, &a.alias)?;
            let (en, zh) =
                (format!("removed alias '{}' of {}", a.alias, a.code), format!("删除 {} 的别名“{}”", a.code, a.alias));
            events::record(&tx, "customer alias rm", &en, &zh, None)?;
            (format!("removed alias '{}' from {}", a.alias, a.code), format!("已删除 {} 的别名“{}”", a.code, a.alias))
        }
    };
    tx.commit()?;
    ctx.note(&en, &zh);
    Ok(())
}
