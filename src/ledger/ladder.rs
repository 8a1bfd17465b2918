//! The collection ladder (分级催收) and the next step for a customer.
//!
//! A ladder is data: levels with the day (relative to the due date) from
//! which they apply, the step and the channel. The default (DESIGN §2):
//!
//! | level | from | step | channel |
//! |---|---|---|---|
//! | 0 | 3 days before due | reminder | email / SMS |
//! | 1 | 1 day before due | confirm by phone | phone |
//! | 2 | 1 day overdue | gentle reminder | phone / email |
//! | 3 | 15 days overdue | formal dunning letter with interest | letter |
//! | 4 | 30 days overdue | stop supply, put on hold, visit | visit |
//! | 5 | 60 days overdue | lawyer's letter | lawyer |
//! | 6 | 90 days overdue | legal action or collection agency | legal |
//!
//! The next step is a pure function of the customer's situation as of a date:
//! - the level due now comes from the days past due of the oldest overdue
//!   (undisputed) balance, or, with nothing overdue, from the next due date;
//! - an overdue balance at or above `escalate_amount`, and a grade-D customer,
//!   each move an overdue step one level further (never past the last);
//! - that level is due if it is higher than the highest level done; the same
//!   level again if it was done more than `repeat_days` ago and is still
//!   unpaid; otherwise nothing;
//! - while a promise to pay is open, nothing until the promised date;
//! - a broken promise moves one level above the last done;
//! - disputed invoices get "resolve dispute" instead of escalation.
//!
//! Only actions of the current episode count: those dated on or after the
//! day the oldest open installment's first level began to apply.
//!
//! Two facts of the customer move these rules:
//! - **Cut-off day** (扎账日): a customer whose books close on day C of each
//!   month pays only what it booked by then, so the pre-due levels (before
//!   the due date: reminder, confirm by phone) of an installment apply
//!   relative to the customer's last cut-off on or before its due date
//!   instead of the due date itself ([`last_cutoff`]; a day past a short
//!   month's end is its last day). Due on the 5th, cut-off the 25th: the
//!   reminder (3 days before) on the 22nd of the month before, and the phone
//!   call on the 24th. The overdue levels still count from the due date.
//! - **Payment plan** (分期还款协议): when the oldest open installment is one
//!   of a plan, the steps done before the plan are carried into it: while
//!   its installments are not yet due, only the pre-due reminders apply;
//!   once one is missed, the plan counts as a broken promise and the next
//!   step is one level above the highest of the steps done before the plan
//!   and since (until a step is logged after the missed due date).

use chrono::{Datelike, Days, NaiveDate};

use super::{LedgerError, Money};

/// One rung of the ladder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Level {
    pub level: u8,
    /// Days past due from which the level applies (negative: before due).
    pub days: i64,
    pub step: String,
    pub step_zh: String,
    pub channel: String,
}

/// The whole ladder and its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ladder {
    pub levels: Vec<Level>,
    pub escalate_amount: Money,
    pub repeat_days: i64,
    /// The level at which supply is stopped and the customer put on hold
    /// (default 4). A number, not found from the step's wording, so that
    /// rewording a step in `config ladder` never moves the hold.
    pub hold_level: u8,
}

impl Default for Ladder {
    fn default() -> Ladder {
        let l = |level, days, step: &str, step_zh: &str, channel: &str| Level {
            level,
            days,
            step: step.into(),
            step_zh: step_zh.into(),
            channel: channel.into(),
        };
        Ladder {
            levels: vec![
                l(0, -3, "reminder", "到期提醒", "email/sms"),
                l(1, -1, "confirm by phone", "电话确认", "phone"),
                l(2, 1, "gentle reminder", "温和催收", "phone/email"),
                l(3, 15, "formal dunning letter with interest", "催款函", "letter"),
                l(4, 30, "stop supply, put on hold, visit", "停止供货", "visit"),
                l(5, 60, "lawyer's letter", "律师函", "lawyer"),
                l(6, 90, "legal action or collection agency", "诉讼/委托催收", "legal"),
            ],
            escalate_amount: Money::from_cents(10_000_000),
            repeat_days: 7,
            hold_level: 4,
        }
    }
}

impl Ladder {
    /// The level at which supply is stopped (停止供货).
    pub fn hold_level(&self) -> u8 {
        self.hold_level
    }

    /// Levels numbered 0, 1, 2 … in order, days strictly increasing, at
    /// least one level before and one after the due date, repeat ≥ 1 day.
    pub fn validate(&self) -> Result<(), LedgerError> {
        let bad = |why: &str| Err(LedgerError::BadLadder(why.to_string()));
        if self.levels.is_empty() {
            return bad("the ladder has no levels");
        }
        for (i, l) in self.levels.iter().enumerate() {
            if usize::from(l.level) != i {
                return bad("levels must be numbered 0, 1, 2 … in order");
            }
            if l.step.trim().is_empty() || l.channel.trim().is_empty() {
                return bad("every level needs a step and a channel");
            }
        }
        if usize::from(self.hold_level) >= self.levels.len() {
            return bad("the hold level must be one of the ladder's levels");
        }
        if !self.levels.windows(2).all(|w| w[0].days < w[1].days) {
            return bad("the days of the levels must increase");
        }
        if !self.levels.iter().any(|l| l.days >= 1) {
            return bad("at least one level must apply after the due date");
        }
        if self.repeat_days < 1 {
            return bad("repeat_days must be at least 1");
        }
        if self.escalate_amount.is_negative() {
            return bad("escalate_amount cannot be negative");
        }
        Ok(())
    }

    pub fn max_level(&self) -> u8 {
        self.levels.last().map_or(0, |l| l.level)
    }

    pub fn get(&self, level: u8) -> Option<&Level> {
        self.levels.get(usize::from(level))
    }

    /// The highest level that applies `days` past due (negative: before), if any.
    fn reached(&self, days: i64, overdue_only: bool) -> Option<u8> {
        self.levels.iter().filter(|l| l.days <= days && (!overdue_only || l.days >= 1)).map(|l| l.level).next_back()
    }

    /// The first day of the episode for an installment due on `due`.
    pub fn episode_start(&self, due: NaiveDate) -> NaiveDate {
        let first = self.levels.first().map_or(0, |l| l.days);
        if first < 0 { due.checked_sub_days(Days::new(first.unsigned_abs())).unwrap_or(due) } else { due }
    }
}

/// The day in the month of `year`/`month` that a cut-off on day `day` falls
/// on: the day itself, or the month's last day when the month is shorter.
fn cutoff_in(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let last = super::date::month_end(first).day();
    NaiveDate::from_ymd_opt(year, month, day.clamp(1, last))
}

/// The customer's last cut-off on or before `due` for a cut-off on day
/// `day` (1–31) of each month: in the due date's month when it falls on or
/// before the due date, else in the month before.
pub fn last_cutoff(due: NaiveDate, day: u32) -> NaiveDate {
    match cutoff_in(due.year(), due.month(), day) {
        Some(c) if c <= due => c,
        _ => {
            let before = super::date::month_end(due.with_day(1).unwrap_or(due).pred_opt().unwrap_or(due));
            cutoff_in(before.year(), before.month(), day).unwrap_or(due)
        }
    }
}

/// "25th", "1st", "22nd": a day of the month in English.
fn ordinal(day: u32) -> String {
    let suffix = match (day % 10, day % 100) {
        (1, n) if n != 11 => "st",
        (2, n) if n != 12 => "nd",
        (3, n) if n != 13 => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

/// Why a reminder came early, in English and Chinese: the customer's books
/// close on day `day`.
pub fn cutoff_reason(day: u32) -> (String, String) {
    (format!("their books close on the {}", ordinal(day)), format!("客户每月 {day} 日扎账"))
}

/// A customer's oldest open installment belongs to a payment plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlanCarry {
    /// The highest step done before the plan was agreed.
    pub level_before: Option<u8>,
}

/// A promise to pay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Promise {
    pub made: NaiveDate,
    pub date: NaiveDate,
    pub amount: Money,
    /// Paid on the customer's account from `made` up to and including `date`.
    pub paid_since: Money,
}

/// Where a promise stands at a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromiseStatus {
    Open,
    Kept,
    Broken,
}

impl PromiseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PromiseStatus::Open => "open",
            PromiseStatus::Kept => "kept",
            PromiseStatus::Broken => "broken",
        }
    }
}

impl Promise {
    /// Kept once the promised amount came in by the date; broken when the
    /// date passed without it; open until then.
    pub fn status(&self, as_of: NaiveDate) -> PromiseStatus {
        if self.paid_since >= self.amount {
            PromiseStatus::Kept
        } else if as_of > self.date {
            PromiseStatus::Broken
        } else {
            PromiseStatus::Open
        }
    }
}

/// Everything the next step depends on, as of a date.
#[derive(Clone, Debug, Default)]
pub struct Situation {
    /// Due date of the oldest open, undisputed installment (overdue or not).
    pub oldest_due: Option<NaiveDate>,
    /// Undisputed balance past due at the as-of date.
    pub overdue: Money,
    /// A disputed invoice has a balance past due.
    pub disputed_overdue: bool,
    pub grade_d: bool,
    pub on_hold: bool,
    /// Actions logged: (date, level).
    pub actions: Vec<(NaiveDate, u8)>,
    /// The latest promise to pay, if any.
    pub promise: Option<Promise>,
    /// The customer's cut-off day (扎账日, 1–31), if known.
    pub cutoff_day: Option<u32>,
    /// Set when the oldest open installment is one of a payment plan.
    pub plan: Option<PlanCarry>,
}

/// What to do about a customer today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Nothing due today.
    Nothing,
    /// Take the step at this level.
    Act { level: u8, repeat: bool },
    /// A promise is open: wait until its date.
    Wait { until: NaiveDate },
    /// Only disputed balances are overdue: resolve the dispute.
    ResolveDispute,
}

/// One reason for a step, said in English or Chinese (the worklist's
/// `reason`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    OnlyDisputedOverdue,
    DisputedOverdue,
    DaysOverdue(i64),
    OverEscalateAmount,
    GradeD,
    DueToday,
    DueIn(i64),
    /// Their books close on this day of the month.
    CutOff(u32),
    DisputeNeedsResolving,
    PromiseOpen {
        amount: Money,
        by: NaiveDate,
    },
    PromiseBroken(NaiveDate),
    PlanMissed(NaiveDate),
    DoneStillUnpaid {
        level: u8,
        on: NaiveDate,
    },
    Repeat,
}

impl Why {
    pub fn en(&self) -> String {
        match self {
            Why::OnlyDisputedOverdue => "only disputed invoices are overdue".into(),
            Why::DisputedOverdue => "disputed invoice overdue".into(),
            Why::DaysOverdue(d) => format!("{d} days overdue"),
            Why::OverEscalateAmount => "amount over escalate_amount".into(),
            Why::GradeD => "credit grade D".into(),
            Why::DueToday => "due today".into(),
            Why::DueIn(d) => format!("due in {d} days"),
            Why::CutOff(day) => cutoff_reason(*day).0,
            Why::DisputeNeedsResolving => "a disputed invoice needs resolving".into(),
            Why::PromiseOpen { amount, by } => format!("promise to pay {amount} by {by}"),
            Why::PromiseBroken(date) => format!("promise of {date} broken"),
            Why::PlanMissed(due) => format!("payment plan installment of {due} missed"),
            Why::DoneStillUnpaid { level, on } => format!("level {level} done on {on}, still unpaid"),
            Why::Repeat => "repeat".into(),
        }
    }

    pub fn zh(&self) -> String {
        match self {
            Why::OnlyDisputedOverdue => "仅有争议发票逾期".into(),
            Why::DisputedOverdue => "争议发票逾期".into(),
            Why::DaysOverdue(d) => format!("逾期 {d} 天"),
            Why::OverEscalateAmount => "逾期金额超过升级金额".into(),
            Why::GradeD => "信用等级 D".into(),
            Why::DueToday => "今天到期".into(),
            Why::DueIn(d) => format!("{d} 天后到期"),
            Why::CutOff(day) => cutoff_reason(*day).1,
            Why::DisputeNeedsResolving => "有争议发票待解决".into(),
            Why::PromiseOpen { amount, by } => format!("承诺 {by} 前付款 {amount}"),
            Why::PromiseBroken(date) => format!("{date} 的付款承诺未兑现"),
            Why::PlanMissed(due) => format!("{due} 的分期款未按期支付"),
            Why::DoneStillUnpaid { level, on } => format!("{on} 已执行第 {level} 级，仍未付款"),
            Why::Repeat => "重复".into(),
        }
    }
}

/// The next step with the reasons that led to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub next: Next,
    /// Days past due of the oldest overdue balance (negative: days until due).
    pub days: Option<i64>,
    pub reasons: Vec<Why>,
    /// The cut-off day that brought a pre-due step forward, if one did (its
    /// reason in both languages: [`cutoff_reason`]).
    pub cutoff: Option<u32>,
}

/// Decide the next collection step (the rules are in the module docs).
pub fn next_step(s: &Situation, ladder: &Ladder, as_of: NaiveDate) -> Decision {
    let mut reasons = Vec::new();
    let Some(due) = s.oldest_due else {
        let next = if s.disputed_overdue { Next::ResolveDispute } else { Next::Nothing };
        if s.disputed_overdue {
            reasons.push(Why::OnlyDisputedOverdue);
        }
        return Decision { next, days: None, reasons, cutoff: None };
    };
    let days = (as_of - due).num_days();
    let overdue = days >= 1 && s.overdue.is_positive();
    // The pre-due levels count from the customer's last cut-off on or
    // before the due date; so does the episode, so that a reminder sent
    // early still counts as sent.
    let anchor = s.cutoff_day.map_or(due, |c| last_cutoff(due, c));
    let cutoff = s.cutoff_day.filter(|_| anchor < due && !overdue);
    let start = ladder.episode_start(anchor);
    let episode: Vec<(NaiveDate, u8)> = s.actions.iter().copied().filter(|(d, _)| *d >= start && *d <= as_of).collect();
    let mut done = episode.iter().map(|a| a.1).max();
    if s.on_hold && overdue {
        // A customer on hold has had supply stopped: level 4 is done.
        done = done.max(Some(ladder.hold_level()));
    }
    let last_at = |level: u8| episode.iter().filter(|a| a.1 == level).map(|a| a.0).max();

    let ladder_days = if cutoff.is_some() { (as_of - anchor).num_days().min(0) } else { days };
    let Some(mut level) = ladder.reached(ladder_days, overdue) else {
        if s.disputed_overdue {
            reasons.push(Why::DisputedOverdue);
            return Decision { next: Next::ResolveDispute, days: Some(days), reasons, cutoff };
        }
        return Decision { next: Next::Nothing, days: Some(days), reasons, cutoff };
    };
    if overdue {
        reasons.push(Why::DaysOverdue(days));
        let max = ladder.max_level();
        if s.overdue >= ladder.escalate_amount && level < max {
            level += 1;
            reasons.push(Why::OverEscalateAmount);
        }
        if s.grade_d && level < max {
            level += 1;
            reasons.push(Why::GradeD);
        }
    } else {
        reasons.push(if days == 0 { Why::DueToday } else { Why::DueIn(-days) });
        if let Some(c) = cutoff {
            reasons.push(Why::CutOff(c));
        }
    }
    if s.disputed_overdue {
        reasons.push(Why::DisputeNeedsResolving);
    }

    if let Some(p) = &s.promise
        && p.made >= start
    {
        match p.status(as_of) {
            PromiseStatus::Open => {
                reasons.push(Why::PromiseOpen { amount: p.amount, by: p.date });
                return Decision { next: Next::Wait { until: p.date }, days: Some(days), reasons, cutoff };
            }
            PromiseStatus::Broken if !episode.iter().any(|a| a.0 > p.date) => {
                let above = done.map_or(level, |d| (d + 1).min(ladder.max_level()));
                level = level.max(above);
                reasons.push(Why::PromiseBroken(p.date));
                return Decision { next: Next::Act { level, repeat: false }, days: Some(days), reasons, cutoff };
            }
            _ => {}
        }
    }

    // A missed plan installment is a broken promise: one level above the
    // steps done before the plan and since, until a step is logged.
    if let Some(plan) = s.plan
        && overdue
    {
        done = done.max(plan.level_before);
        if !episode.iter().any(|a| a.0 > due) {
            let above = done.map_or(level, |d| (d + 1).min(ladder.max_level()));
            level = level.max(above);
            reasons.push(Why::PlanMissed(due));
            return Decision { next: Next::Act { level, repeat: false }, days: Some(days), reasons, cutoff };
        }
    }

    match done {
        Some(d) if d >= level => match last_at(d) {
            // Repeat a logged step once it is stale; a level reached only by
            // the hold has nothing to repeat.
            Some(when) if (as_of - when).num_days() > ladder.repeat_days && overdue => {
                reasons.push(Why::DoneStillUnpaid { level: d, on: when });
                Decision { next: Next::Act { level: d, repeat: true }, days: Some(days), reasons, cutoff }
            }
            _ => Decision { next: Next::Nothing, days: Some(days), reasons, cutoff },
        },
        _ => Decision { next: Next::Act { level, repeat: false }, days: Some(days), reasons, cutoff },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    const DUE: (u32, u32) = (3, 31);

    fn due() -> NaiveDate {
        d(DUE.0, DUE.1)
    }

    fn situation(overdue_cents: i64) -> Situation {
        Situation { oldest_due: Some(due()), overdue: Money::from_cents(overdue_cents), ..Situation::default() }
    }

    fn at(days_after_due: i64) -> NaiveDate {
        if days_after_due >= 0 {
            due() + Days::new(days_after_due as u64)
        } else {
            due() - Days::new(days_after_due.unsigned_abs())
        }
    }

    fn next(s: &Situation, days_after_due: i64) -> Next {
        next_step(s, &Ladder::default(), at(days_after_due)).next
    }

    fn act(level: u8) -> Next {
        Next::Act { level, repeat: false }
    }

    #[test]
    fn the_default_ladder_is_valid_and_bad_ladders_are_refused() {
        assert!(Ladder::default().validate().is_ok());
        let mut l = Ladder::default();
        l.levels[3].days = 1;
        assert!(l.validate().is_err(), "days must increase");
        let mut l = Ladder::default();
        l.levels.swap(1, 2);
        assert!(l.validate().is_err(), "levels in order");
        let l = Ladder { repeat_days: 0, ..Ladder::default() };
        assert!(l.validate().is_err());
        let l = Ladder { hold_level: 7, ..Ladder::default() };
        assert!(l.validate().is_err(), "the hold is one of the levels");
    }

    #[test]
    fn rewording_a_step_never_moves_the_hold() {
        let mut l = Ladder::default();
        for level in &mut l.levels {
            level.step = level.step.replace("hold", "pause");
        }
        l.levels[2].step = "hold the line".into();
        assert_eq!(l.hold_level(), 4);
        assert!(l.validate().is_ok());
    }

    #[test]
    fn nothing_before_the_reminder_window() {
        assert_eq!(next(&situation(0), -10), Next::Nothing);
        assert_eq!(next(&situation(0), -4), Next::Nothing);
    }

    #[test]
    fn reminder_three_days_before_and_phone_one_day_before_due() {
        assert_eq!(next(&situation(0), -3), act(0));
        assert_eq!(next(&situation(0), -2), act(0));
        assert_eq!(next(&situation(0), -1), act(1));
        assert_eq!(next(&situation(0), 0), act(1));
    }

    #[test]
    fn days_late_pick_levels_two_to_six() {
        for (days, level) in [(1, 2), (5, 2), (15, 3), (20, 3), (30, 4), (45, 4), (60, 5), (75, 5), (90, 6), (100, 6)] {
            assert_eq!(next(&situation(100_000), days), act(level), "{days} days late");
        }
    }

    #[test]
    fn a_large_amount_and_a_grade_d_customer_each_go_one_further_capped_at_six() {
        let big = situation(10_000_000);
        assert_eq!(next(&big, 5), act(3));
        let mut d_grade = situation(100_000);
        d_grade.grade_d = true;
        assert_eq!(next(&d_grade, 5), act(3));
        let mut both = situation(20_000_000);
        both.grade_d = true;
        assert_eq!(next(&both, 5), act(4));
        assert_eq!(next(&both, 75), act(6), "5 + 2 is capped at 6");
        let r = next_step(&both, &Ladder::default(), at(5));
        assert!(r.reasons.contains(&Why::OverEscalateAmount) && r.reasons.contains(&Why::GradeD));
    }

    #[test]
    fn a_level_done_is_not_repeated_until_repeat_days_pass() {
        let mut s = situation(100_000);
        s.actions = vec![(at(5), 2)];
        assert_eq!(next(&s, 5), Next::Nothing, "done today");
        assert_eq!(next(&s, 12), Next::Nothing, "7 days later: not yet");
        assert_eq!(next(&s, 13), Next::Act { level: 2, repeat: true }, "8 days later and unpaid");
        assert_eq!(next(&s, 15), act(3), "a higher level is due");
    }

    #[test]
    fn actions_of_an_earlier_episode_do_not_count() {
        let mut s = situation(100_000);
        s.actions = vec![(at(-40), 3)];
        assert_eq!(next(&s, 1), act(2));
    }

    #[test]
    fn an_open_promise_means_waiting_until_its_date() {
        let mut s = situation(100_000);
        s.actions = vec![(at(16), 3)];
        s.promise =
            Some(Promise { made: at(17), date: at(25), amount: Money::from_cents(100_000), paid_since: Money::ZERO });
        assert_eq!(next(&s, 20), Next::Wait { until: at(25) });
        assert_eq!(next(&s, 25), Next::Wait { until: at(25) });
    }

    #[test]
    fn a_broken_promise_moves_one_level_above_the_last_done() {
        let mut s = situation(100_000);
        s.actions = vec![(at(16), 3)];
        s.promise =
            Some(Promise { made: at(17), date: at(20), amount: Money::from_cents(100_000), paid_since: Money::ZERO });
        assert_eq!(next(&s, 21), act(4));
        // Once that step is logged, the ladder goes on as usual.
        s.actions.push((at(21), 4));
        assert_eq!(next(&s, 22), Next::Nothing);
    }

    #[test]
    fn a_kept_promise_stops_nothing_else() {
        let p = Promise {
            made: d(1, 1),
            date: d(1, 10),
            amount: Money::from_cents(500),
            paid_since: Money::from_cents(500),
        };
        assert_eq!(p.status(d(1, 20)), PromiseStatus::Kept);
        let p = Promise { paid_since: Money::from_cents(499), ..p };
        assert_eq!(p.status(d(1, 10)), PromiseStatus::Open);
        assert_eq!(p.status(d(1, 11)), PromiseStatus::Broken);
    }

    #[test]
    fn disputed_invoices_get_resolve_dispute_instead_of_escalation() {
        let s = Situation { oldest_due: None, disputed_overdue: true, ..Situation::default() };
        assert_eq!(next_step(&s, &Ladder::default(), d(6, 1)).next, Next::ResolveDispute);
        // Undisputed balances go on along the ladder; the dispute is mentioned.
        let mut both = situation(100_000);
        both.disputed_overdue = true;
        let r = next_step(&both, &Ladder::default(), at(20));
        assert_eq!(r.next, act(3));
        assert!(r.reasons.iter().any(|x| x.en().contains("disputed")));
    }

    #[test]
    fn a_customer_on_hold_is_not_asked_to_stop_supply_again() {
        let mut s = situation(100_000);
        s.on_hold = true;
        assert_eq!(next(&s, 35), Next::Nothing);
        assert_eq!(next(&s, 60), act(5));
    }

    fn ymd(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_last_cut_off_on_or_before_a_due_date() {
        // Due on the 5th, books close on the 25th: the 25th of the month before.
        assert_eq!(last_cutoff(ymd(2026, 12, 5), 25), ymd(2026, 11, 25));
        assert_eq!(last_cutoff(ymd(2027, 1, 5), 25), ymd(2026, 12, 25), "across a year end");
        // Due on the cut-off day itself: that day; just after it: that day too.
        assert_eq!(last_cutoff(ymd(2026, 11, 25), 25), ymd(2026, 11, 25));
        assert_eq!(last_cutoff(ymd(2026, 11, 26), 25), ymd(2026, 11, 25));
        // Cut-off 31 in February is its last day, in common and leap years.
        assert_eq!(last_cutoff(ymd(2026, 3, 5), 31), ymd(2026, 2, 28));
        assert_eq!(last_cutoff(ymd(2028, 3, 5), 31), ymd(2028, 2, 29));
        assert_eq!(last_cutoff(ymd(2026, 2, 28), 31), ymd(2026, 2, 28), "due on February's last day");
        assert_eq!(last_cutoff(ymd(2026, 2, 27), 30), ymd(2026, 1, 30));
        assert_eq!(last_cutoff(ymd(2026, 5, 1), 1), ymd(2026, 5, 1));
    }

    #[test]
    fn a_cut_off_day_brings_the_pre_due_steps_before_the_customers_books_close() {
        let due = ymd(2026, 12, 5);
        let s = Situation { oldest_due: Some(due), cutoff_day: Some(25), ..Situation::default() };
        let at = |m, day| next_step(&s, &Ladder::default(), ymd(2026, m, day));
        assert_eq!(at(11, 21).next, Next::Nothing, "the day before the moved reminder");
        let r = at(11, 22);
        assert_eq!(r.next, act(0), "3 days before the 25th");
        assert_eq!(r.cutoff, Some(25));
        assert!(r.reasons.iter().any(|x| x.en() == "their books close on the 25th"), "{:?}", r.reasons);
        assert_eq!(at(11, 24).next, act(1), "the day before the books close");
        assert_eq!(at(12, 3).next, act(1), "not done yet: the phone call still stands");
        // Steps taken early count: nothing more until it falls due.
        let done = Situation { actions: vec![(ymd(2026, 11, 22), 0), (ymd(2026, 11, 24), 1)], ..s.clone() };
        assert_eq!(next_step(&done, &Ladder::default(), ymd(2026, 12, 4)).next, Next::Nothing);
        // Overdue levels still count from the due date.
        let late = Situation { overdue: Money::from_cents(100_000), ..done };
        let r = next_step(&late, &Ladder::default(), ymd(2026, 12, 6));
        assert_eq!((r.next, r.cutoff), (act(2), None));
        // Due on the cut-off day: nothing moves.
        let on = Situation { oldest_due: Some(ymd(2026, 11, 25)), cutoff_day: Some(25), ..Situation::default() };
        let r = next_step(&on, &Ladder::default(), ymd(2026, 11, 22));
        assert_eq!((r.next, r.cutoff), (act(0), None));
        assert_eq!(next_step(&on, &Ladder::default(), ymd(2026, 11, 21)).next, Next::Nothing);
    }

    #[test]
    fn a_missed_plan_installment_goes_one_level_above_the_step_done_before_the_plan() {
        let plan = Some(PlanCarry { level_before: Some(4) });
        // Before it falls due: only the pre-due reminders.
        let s = Situation { oldest_due: Some(due()), plan, ..Situation::default() };
        assert_eq!(next(&s, -3), act(0));
        assert_eq!(next(&s, -1), act(1));
        // Missed (one day late, 10,000.00): level 5, not the gentle reminder.
        let s = Situation { overdue: Money::from_cents(1_000_000), ..s };
        let r = next_step(&s, &Ladder::default(), at(1));
        assert_eq!(r.next, act(5));
        assert!(r.reasons.iter().any(|x| x.en().contains("payment plan")), "{:?}", r.reasons);
        // Once that step is logged the ladder goes on as usual from it.
        let logged = Situation { actions: vec![(at(-1), 1), (at(1), 5)], ..s.clone() };
        assert_eq!(next(&logged, 2), Next::Nothing);
        assert_eq!(next(&logged, 9), Next::Act { level: 5, repeat: true });
        // A plan agreed before any step: missing it is the usual level.
        let fresh = Situation { plan: Some(PlanCarry::default()), ..s };
        assert_eq!(next(&fresh, 1), act(2));
    }
}
