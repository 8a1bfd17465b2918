//! `huikuan config`: the book's settings.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::interest::parse_rate;
use crate::render::{Cell, Format, Table, write_json};
use crate::store::{self, events};

/// Show or change the book's settings.
///
/// Keys: company (printed on letters), interest_rate (late interest per day:
/// 0.0005 or 0.05%), grace_days (days past due not charged interest).
/// Examples:
///   huikuan config
///   huikuan config set interest_rate 0.03%
///   huikuan config set grace_days 5
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Change a setting
    Set {
        /// company, interest_rate or grace_days
        key: String,
        value: String,
    },
}

#[derive(Serialize)]
struct SettingsJson {
    company: String,
    currency: String,
    interest_rate: String,
    grace_days: i64,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    match a.action {
        None => {
            let tx = book.read()?;
            let s = store::book_settings(&tx)?;
            let j = SettingsJson {
                company: s.company,
                currency: s.currency,
                interest_rate: s.interest_rate.normalize().to_string(),
                grace_days: s.grace_days,
            };
            if ctx.format == Format::Json {
                return write_json(&mut ctx.out, &j);
            }
            let mut t = Table::new(ctx.lang, &[("setting", "设置"), ("value", "值")]);
            t.push(vec![Cell::text("company"), Cell::text(j.company)]);
            t.push(vec![Cell::text("currency"), Cell::text(j.currency)]);
            t.push(vec![Cell::text("interest_rate"), Cell::text(j.interest_rate)]);
            t.push(vec![Cell::text("grace_days"), Cell::Int(j.grace_days)]);
            t.write(&mut ctx.out, ctx.format)
        }
        Some(Action::Set { key, value }) => {
            let stored = match key.as_str() {
                "company" => value.trim().to_string(),
                "interest_rate" => parse_rate(&value)?.to_string(),
                "grace_days" => value
                    .trim()
                    .parse::<u16>()
                    .map_err(|_| {
                        Error::user(
                            format!("grace_days: '{value}' is not a number of days"),
                            format!("grace_days：“{value}”不是天数"),
                        )
                    })?
                    .to_string(),
                _ => {
                    return Err(Error::usage(
                        format!("unknown setting '{key}' (company, interest_rate, grace_days)"),
                        format!("未知设置“{key}”（company、interest_rate、grace_days）"),
                    ));
                }
            };
            let tx = book.write()?;
            store::set_setting(&tx, &key, &stored)?;
            events::record(&tx, "config set", &format!("{key} = {stored}"), None)?;
            tx.commit()?;
            ctx.note(&format!("{key} = {stored}"), &format!("{key} = {stored}"));
            Ok(())
        }
    }
}
