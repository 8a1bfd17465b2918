//! `huikuan reconcile profiles`.

use serde::Serialize;

use crate::context::{Ctx, config_dir};
use crate::error::Result;
use crate::import::bank;
use crate::output::Format;
use crate::render::{Cell, Table, write_json};

/// List the bank profiles: your own (in <config dir>/profiles/*.toml) first,
/// then the built-in ones. See docs/bank-profiles.md to write one. Example:
///   huikuan reconcile profiles
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {}

#[derive(Serialize)]
struct ProfileJson {
    name: String,
    source: String,
    description: Option<String>,
}

pub fn run(ctx: &mut Ctx, _a: Args) -> Result<()> {
    let dir = config_dir().map(|d| d.join("profiles"));
    let mut rows: Vec<ProfileJson> = super::user_profiles()?
        .into_iter()
        .map(|p| ProfileJson {
            name: p.name,
            source: dir.as_ref().map_or(String::new(), |d| d.display().to_string()),
            description: p.description,
        })
        .collect();
    rows.extend(bank::builtin_profiles().into_iter().map(|p| ProfileJson {
        name: p.name,
        source: "built-in".into(),
        description: p.description,
    }));
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &rows);
    }
    let mut t = Table::new(ctx.lang, &[("profile", "配置"), ("source", "来源"), ("description", "说明")]);
    for r in rows {
        t.push(vec![Cell::text(r.name), Cell::text(r.source), Cell::opt_text(r.description.as_deref())]);
    }
    t.write(&mut ctx.out, ctx.format)
}
