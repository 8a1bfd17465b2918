//! `huikuan customer confirm`.

use crate::context::Ctx;
use crate::error::{Error, Result, about, echo};
use crate::ledger::Money;
use crate::ledger::date::parse_month;
use crate::store::confirmations::{self, Reply};
use crate::store::{customers, events};

/// Record the customer's reply to a balance confirmation (询证函).
///
/// The slip of the month must have been sent: a statement to the month's
/// last day written with report statement --out records it. --agreed: the
/// customer confirmed the balance. --differs AMOUNT: the balance in the
/// customer's own books, with the book's sign (positive, the customer says
/// it owes us; negative, it says we owe it: --differs=-500). --date is the
/// day the reply came back (default today; not before the slip was sent).
/// A reply already recorded is replaced only after confirmation (--yes).
/// The reply is logged. Examples:
///   huikuan customer confirm HY --period 2026-10 --agreed
///   huikuan customer confirm HY --period 2026-10 --differs 11,500.00 --note "INV-7 not received"
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("reply").required(true).args(["agreed", "differs"])))]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Customer code
    pub code: String,
    /// The month the slip confirmed, e.g. 2026-10
    #[arg(long, value_name = "YYYY-MM")]
    pub period: String,
    /// The customer agrees with the balance stated
    #[arg(long)]
    pub agreed: bool,
    /// The balance in the customer's books, when it differs
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub differs: Option<String>,
    /// What the customer wrote (e.g. the items it disputes)
    #[arg(long)]
    pub note: Option<String>,
    /// The day the reply came back [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

fn describe(reply: &Reply) -> String {
    match reply {
        Reply::Agreed => "agreed".into(),
        Reply::Differs(m) => format!("differs: their balance {}", m.grouped()),
    }
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let period = parse_month(&a.period)?.format("%Y-%m").to_string();
    let date = match &a.date {
        Some(d) => ctx.date("--date", d)?,
        None => ctx.today,
    };
    if date > ctx.today {
        return Err(Error::user(
            format!("--date {date} is after today ({}); record a reply once it has come back", ctx.today),
            format!("--date {date} 晚于今天（{}）；请在收到回函后再记录", ctx.today),
        ));
    }
    let reply = match &a.differs {
        Some(t) => Reply::Differs(Money::parse(t).map_err(|e| about("--differs", &e))?),
        None => Reply::Agreed,
    };
    let mut book = ctx.open_book()?;
    let tx = book.write()?;
    let id = customers::require_id(&tx, &a.code)?;
    let (code, _) = echo(&a.code);
    let Some(sent) = confirmations::get(&tx, id, &period)? else {
        return Err(Error::user(
            format!(
                "no confirmation was sent to {code} for {period}; write its statement to the month's last day with --out first (huikuan report statement {code} --from … --to … --out DIR)"
            ),
            format!(
                "{period} 未向 {code} 发出询证函；请先用 --out 写出截至月末的对账单（huikuan report statement {code} --from … --to … --out DIR）"
            ),
        ));
    };
    if let Reply::Differs(theirs) = reply
        && theirs == sent.balance
    {
        let b = sent.balance.grouped();
        return Err(Error::user(
            format!("--differs {b} is the balance the slip stated; record the reply with --agreed"),
            format!("--differs {b} 与询证函所列余额相同；请用 --agreed 记录"),
        ));
    }
    if let Some(on) = sent.sent
        && date < on
    {
        return Err(Error::user(
            format!("--date {date} is before the slip was sent ({on}); give the day the reply came back"),
            format!("--date {date} 早于询证函发出日（{on}）；请填写收到回函的日期"),
        ));
    }
    if let Some((on, old)) = &sent.replied {
        let what = describe(old);
        ctx.confirm(
            &format!("{code} {period}: replace the reply recorded on {on} ({what})?"),
            &format!("{code} {period}：替换 {on} 记录的回函（{what}）？"),
        )?;
    }
    let note = a.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    confirmations::record_reply(&tx, id, &period, date, &reply, note)?;
    let detail = serde_json::json!({
        "customer": a.code,
        "period": period,
        "replied": date.to_string(),
        "balance": sent.balance.plain(),
        "agreed": reply == Reply::Agreed,
        "their_balance": match &reply { Reply::Differs(m) => Some(m.plain()), Reply::Agreed => None },
        "note": note,
    });
    let summary = format!("confirmation of {} for {period} replied {date}: {}", a.code, describe(&reply));
    let reply_zh = match &reply {
        Reply::Agreed => "相符".to_string(),
        Reply::Differs(m) => format!("不符，对方余额 {}", m.grouped()),
    };
    let summary_zh = format!("{} {period} 询证函于 {date} 回函：{reply_zh}", a.code);
    events::record(&tx, "customer confirm", &summary, &summary_zh, Some(&detail))?;
    tx.commit()?;
    let b = sent.balance.grouped();
    match reply {
        Reply::Agreed => ctx.note(
            &format!("{code} {period}: agreed, balance {b} (replied {date})"),
            &format!("{code} {period}：回函相符，余额 {b}（{date} 回函）"),
        ),
        Reply::Differs(theirs) => {
            let (t, diff) = (theirs.grouped(), (theirs - sent.balance).grouped());
            ctx.note(
                &format!(
                    "{code} {period}: differs — balance stated {b}, theirs {t}, difference {diff} (replied {date})"
                ),
                &format!("{code} {period}：回函不符——函证余额 {b}，对方余额 {t}，差额 {diff}（{date} 回函）"),
            );
        }
    }
    Ok(())
}
