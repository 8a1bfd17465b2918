//! `huikuan config`: the book's settings.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::interest::parse_rate;
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
use crate::store::{self, dunning, events};

use std::io::Write;

/// Show or change the book's settings.
///
/// Keys: company, company_email, company_phone and bank (where customers
/// pay; all printed on letters), interest_rate (late interest per day:
/// 0.0005 or 0.05%), grace_days (days past due not charged interest),
/// escalate_amount (an overdue balance this large goes one level further),
/// repeat_days (a step is repeated after this many days). The collection
/// ladder's levels are changed with `config ladder`. Examples:
///   huikuan config
///   huikuan config set interest_rate 0.03%
///   huikuan config set escalate_amount 200000
///   huikuan config ladder 3 --days 20 --channel "letter/email"
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Change a setting
    Set {
        /// company, interest_rate, grace_days, escalate_amount or repeat_days
        key: String,
        value: String,
    },
    /// Change a level of the collection ladder (levels stay ordered, days increasing)
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

#[derive(Serialize)]
struct SettingsJson {
    company: String,
    company_email: Option<String>,
    company_phone: Option<String>,
    bank: Option<String>,
    currency: String,
    interest_rate: String,
    grace_days: i64,
    escalate_amount: crate::ledger::Money,
    repeat_days: i64,
    ladder: Vec<LevelJson>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    match a.action {
        None => {
            let tx = book.read()?;
            let s = store::book_settings(&tx)?;
            let ladder = dunning::ladder(&tx)?;
            let j = SettingsJson {
                company: s.company,
                company_email: s.company_email,
                company_phone: s.company_phone,
                bank: s.bank,
                currency: s.currency,
                interest_rate: s.interest_rate.normalize().to_string(),
                grace_days: s.grace_days,
                escalate_amount: ladder.escalate_amount,
                repeat_days: ladder.repeat_days,
                ladder: ladder
                    .levels
                    .iter()
                    .map(|l| LevelJson {
                        level: l.level,
                        days: l.days,
                        step: l.step.clone(),
                        step_zh: l.step_zh.clone(),
                        channel: l.channel.clone(),
                    })
                    .collect(),
            };
            if ctx.format == Format::Json {
                return write_json(&mut ctx.out, &j);
            }
            let mut t = Table::new(ctx.lang, &[("setting", "设置"), ("value", "值")]);
            t.push(vec![Cell::text("company"), Cell::text(j.company)]);
            t.push(vec![Cell::text("company_email"), Cell::opt_text(j.company_email.as_deref())]);
            t.push(vec![Cell::text("company_phone"), Cell::opt_text(j.company_phone.as_deref())]);
            t.push(vec![Cell::text("bank"), Cell::opt_text(j.bank.as_deref())]);
            t.push(vec![Cell::text("currency"), Cell::text(j.currency)]);
            t.push(vec![Cell::text("interest_rate"), Cell::text(j.interest_rate)]);
            t.push(vec![Cell::text("grace_days"), Cell::Int(j.grace_days)]);
            t.push(vec![Cell::text("escalate_amount"), Cell::Money(j.escalate_amount)]);
            t.push(vec![Cell::text("repeat_days"), Cell::Int(j.repeat_days)]);
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
            for x in j.ladder {
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
            events::record(&tx, "config ladder", &format!("ladder level {level} changed"), None)?;
            tx.commit()?;
            ctx.note(&format!("ladder level {level} changed"), &format!("催收阶梯第 {level} 级已修改"));
            Ok(())
        }
        Some(Action::Set { key, value }) => {
            if key == "escalate_amount" || key == "repeat_days" {
                let tx = book.write()?;
                let mut ladder = dunning::ladder(&tx)?;
                if key == "escalate_amount" {
                    ladder.escalate_amount = crate::parse::amount_at_least_zero("escalate_amount", &value)?;
                } else {
                    ladder.repeat_days = value.trim().parse().map_err(|_| {
                        Error::user(
                            format!("repeat_days: '{value}' is not a number of days"),
                            format!("repeat_days：“{value}”不是天数"),
                        )
                    })?;
                }
                dunning::set_ladder(&tx, &ladder)?;
                events::record(&tx, "config set", &format!("{key} = {}", value.trim()), None)?;
                tx.commit()?;
                ctx.note(&format!("{key} = {}", value.trim()), &format!("{key} = {}", value.trim()));
                return Ok(());
            }
            let stored = match key.as_str() {
                "company" | "company_email" | "company_phone" | "bank" => value.trim().to_string(),
                "provision_rates" => {
                    crate::ledger::metrics::parse_provision_rates(&value)?;
                    value.trim().to_string()
                }
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
                        format!(
                            "unknown setting '{key}' (company, company_email, company_phone, bank, interest_rate, grace_days, \
                             escalate_amount, repeat_days)"
                        ),
                        format!(
                            "未知设置“{key}”（company、company_email、company_phone、bank、interest_rate、grace_days、\
                             escalate_amount、repeat_days）"
                        ),
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
