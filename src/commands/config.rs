//! `huikuan config`: the book's settings.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
use crate::store::settings::{self, Shown};
use crate::store::{dunning, events, interest};

use std::io::Write;

/// Show or change the book's settings.
///
/// Keys: company, company_email, company_phone and bank (where customers
/// pay; all printed on letters), interest_rate (late interest per day:
/// 0.0005 or 0.05%), grace_days (days past due not charged interest),
/// escalate_amount (an overdue balance this large goes one level further),
/// repeat_days (a step is repeated after this many days), and the general
/// ledger accounts of export journal: account.receivable, account.advances
/// ({code} stands for the customer's code; added as the last part when
/// absent), account.bank, account.sales, account.interest,
/// account.discounts, account.bad_debts. The collection ladder's levels are
/// changed with `config ladder`. Examples:
///   huikuan config
///   huikuan config set interest_rate 0.03% --from 2026-12-01
///   huikuan config set escalate_amount 200000
///   huikuan config set account.receivable 1122
///   huikuan config ladder 3 --days 20 --channel "letter/email"
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Change a setting
    ///
    /// Examples:
    ///   huikuan config set company "深圳市回款科技有限公司"
    ///   huikuan config set interest_rate 0.03% --from 2026-12-01
    #[command(verbatim_doc_comment, after_long_help = crate::store::settings::keys_help())]
    Set {
        /// company, interest_rate, grace_days, escalate_amount, repeat_days, account.receivable … (huikuan config --help lists them)
        key: String,
        value: String,
        /// interest_rate only: the day the new rate is in force from
        /// [default: today]; the days before keep the rate they had
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
    },
    /// Change a level of the collection ladder (levels stay ordered, days increasing)
    ///
    /// Example:
    ///   huikuan config ladder 3 --days 20 --channel "letter/email"
    #[command(verbatim_doc_comment)]
    Ladder {
        /// The level, 0 to 6
        level: u8,
        /// Days past due from which it applies (negative: before the due date)
        #[arg(long, allow_negative_numbers = true)]
        days: Option<i64>,
        /// The step, in English
        #[arg(long)]
        step: Option<String>,
        /// The step, in Chinese
        #[arg(long)]
        step_zh: Option<String>,
        /// The channel: phone, email, letter, visit …
        #[arg(long)]
        channel: Option<String>,
    },
}

#[derive(Serialize)]
struct LevelJson {
    level: u8,
    days: i64,
    step: String,
    step_zh: String,
    channel: String,
}

/// `config` as JSON: the listed settings in the table's order, then the ladder.
struct SettingsJson {
    settings: Vec<(&'static str, Shown)>,
    ladder: Vec<LevelJson>,
}

impl Serialize for SettingsJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.settings.len() + 1))?;
        for (key, value) in &self.settings {
            m.serialize_entry(key, value)?;
        }
        m.serialize_entry("ladder", &self.ladder)?;
        m.end()
    }
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = if a.action.is_none() { ctx.open_book()? } else { ctx.open_book_to_write()? };
    match a.action {
        None => {
            let tx = book.read()?;
            let s = settings::load(&tx)?;
            let shown = settings::shown(&s);
            if ctx.format == Format::Json {
                let j = SettingsJson {
                    settings: shown,
                    ladder: s
                        .ladder
                        .levels
                        .into_iter()
                        .map(|l| LevelJson {
                            level: l.level,
                            days: l.days,
                            step: l.step,
                            step_zh: l.step_zh,
                            channel: l.channel,
                        })
                        .collect(),
                };
                return write_json(&mut ctx.out, &j);
            }
            let mut t = Table::new(ctx.lang, &[("setting", "设置"), ("value", "值")]);
            for (key, value) in shown {
                let cell = match value {
                    Shown::Text(v) => Cell::text(v),
                    Shown::Missing => Cell::Empty,
                    Shown::Int(n) => Cell::Int(n),
                    Shown::Money(m) => Cell::Money(m),
                };
                t.push(vec![Cell::text(key), cell]);
            }
            t.write(&mut ctx.out, ctx.format)?;
            if ctx.format == Format::Table {
                writeln!(ctx.out)?;
            }
            let mut l = Table::new(
                ctx.lang,
                &[
                    ("level", "级别"),
                    ("from day", "起始天数"),
                    ("step", "措施"),
                    ("step (zh)", "中文措施"),
                    ("channel", "方式"),
                ],
            );
            for x in s.ladder.levels {
                l.push(vec![
                    Cell::Int(i64::from(x.level)),
                    Cell::Int(x.days),
                    Cell::text(x.step),
                    Cell::text(x.step_zh),
                    Cell::text(x.channel),
                ]);
            }
            l.write(&mut ctx.out, ctx.format)
        }
        Some(Action::Ladder { level, days, step, step_zh, channel }) => {
            let tx = book.write()?;
            let mut ladder = dunning::ladder(&tx)?;
            let Some(l) = ladder.levels.get_mut(usize::from(level)) else {
                return Err(Error::user(
                    format!("level {level} is not on the ladder (0 to {})", ladder.max_level()),
                    format!("级别 {level} 不在催收阶梯上（0 至 {}）", ladder.max_level()),
                ));
            };
            if let Some(d) = days {
                l.days = d;
            }
            if let Some(x) = step {
                l.step = x;
            }
            if let Some(x) = step_zh {
                l.step_zh = x;
            }
            if let Some(x) = channel {
                l.channel = x;
            }
            dunning::set_ladder(&tx, &ladder)?;
            let (en, zh) = (format!("ladder level {level} changed"), format!("催收阶梯第 {level} 级已修改"));
            events::record(&tx, "config ladder", &en, &zh, None)?;
            tx.commit()?;
            ctx.note(&format!("ladder level {level} changed"), &format!("催收阶梯第 {level} 级已修改"));
            Ok(())
        }
        Some(Action::Set { key, value, from }) => {
            let Some(def) = settings::settable(&key) else {
                let keys: Vec<&str> = settings::listed_settable_keys().collect();
                return Err(Error::usage(
                    format!("unknown setting '{key}' ({})", keys.join(", ")),
                    format!("未知设置“{key}”（{}）", keys.join("、")),
                ));
            };
            let from = match (&from, def.key) {
                (None, _) => None,
                (Some(d), "interest_rate") => Some(ctx.date("--from", d)?),
                (Some(_), _) => {
                    return Err(Error::usage(
                        format!("--from is for interest_rate only, not {key}"),
                        format!("--from 仅用于 interest_rate，不用于 {key}"),
                    ));
                }
            };
            let tx = book.write()?;
            if def.key == "interest_rate" {
                // Each day is charged at the rate in force that day: the
                // new rate starts at --from and the days before keep theirs.
                let from = from.unwrap_or(ctx.today);
                interest::set_rate(&tx, None, from, Some(crate::ledger::interest::parse_rate(&value)?))?;
            }
            let stored = def.set(&tx, &value)?;
            let said = format!("{key} = {stored}");
            events::record(&tx, "config set", &said, &said, None)?;
            tx.commit()?;
            ctx.note(&format!("{key} = {stored}"), &format!("{key} = {stored}"));
            Ok(())
        }
    }
}
