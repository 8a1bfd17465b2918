//! The morning worklist: every customer with a collection step due.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::detail::{detail_unnamed, settled_late};
use crate::ledger::Money;
use crate::store::{Connection, Result};

/// One customer on the morning worklist.
#[derive(Clone, Debug)]
pub struct WorkItem {
    pub customer_id: i64,
    pub code: String,
    pub name: String,
    pub decision: crate::ledger::ladder::Decision,
    /// The ladder level of the step (for "resolve dispute", the level the
    /// days alone would give).
    pub level: u8,
    pub overdue: Money,
    pub days_overdue: i64,
    pub interest: Money,
    pub last_action: Option<(NaiveDate, u8)>,
    pub promise: Option<(crate::ledger::ladder::Promise, crate::ledger::ladder::PromiseStatus)>,
    pub on_hold: bool,
    /// The customer's latest overdue reason (逾期原因) as of the date.
    pub overdue_reason: Option<crate::ledger::reason::OverdueReason>,
}

/// The collection worklist as of a date: every customer with a step due.
///
/// Decisions are drawn as of the start of the day: actions logged and holds
/// placed on the as-of date itself show as done (last action) but do not
/// change the list, so running it again the same day gives the same rows.
pub fn worklist(conn: &Connection, as_of: NaiveDate, only: Option<i64>) -> Result<Vec<WorkItem>> {
    use crate::ledger::credit::Grade;
    use crate::ledger::ladder::{Next, PlanCarry, Situation, next_step};
    use crate::store::{customers, dunning, late_interest};

    let ladder = dunning::ladder(conn)?;
    #[derive(Default)]
    struct Acc {
        oldest_due: Option<NaiveDate>,
        /// The oldest due installments are all of a payment plan…
        oldest_all_plan: bool,
        /// …and the plan of the last of them (by id) carries its level:
        /// the same whatever order the installments come in.
        oldest_plan: Option<(i64, PlanCarry)>,
        overdue: Money,
        disputed_overdue: bool,
        interest: Money,
    }
    let plans = crate::store::plans::plan_installments(conn, as_of, only)?;
    let cutoffs = customers::cutoff_days(conn)?;
    let mut acc: HashMap<i64, Acc> = HashMap::new();
    detail_unnamed(conn, as_of, only, |d| {
        let a = acc.entry(d.item.customer_id).or_default();
        a.interest += d.interest_due();
        if d.item.disputed {
            a.disputed_overdue |= d.days_past_due > 0;
        } else {
            let id = d.item.installment_id;
            let plan = plans.get(&id).map(|p| (id, PlanCarry { level_before: p.1 }));
            match a.oldest_due {
                Some(o) if o < d.item.due_date => {}
                Some(o) if o == d.item.due_date => {
                    a.oldest_all_plan &= plan.is_some();
                    a.oldest_plan = a.oldest_plan.into_iter().chain(plan).max_by_key(|p| p.0);
                }
                _ => {
                    a.oldest_all_plan = plan.is_some();
                    a.oldest_plan = plan;
                }
            }
            a.oldest_due = Some(a.oldest_due.map_or(d.item.due_date, |o| o.min(d.item.due_date)));
            if d.days_past_due > 0 {
                a.overdue += d.balance;
            }
        }
        Ok(())
    })?;
    // Interest earned by parts paid late stays owed after they are paid:
    // from the figures the book keeps when they answer for the date, else
    // computed from the history.
    if late_interest::usable(conn, as_of)? {
        let mut less = dunning::interest_posted(conn, as_of)?;
        for (installment, waived) in crate::store::interest::waived(conn, as_of)? {
            *less.entry(installment).or_default() += waived;
        }
        for (customer, owed) in late_interest::owed_by_customer(conn, as_of, only, &less)? {
            if let Some(a) = acc.get_mut(&customer) {
                a.interest += owed;
            }
        }
    } else {
        settled_late(conn, as_of, only, |d| {
            if let Some(a) = acc.get_mut(&d.item.customer_id) {
                a.interest += d.interest_due();
            }
            Ok(())
        })?;
    }
    let actions = dunning::actions_by_customer(conn, as_of)?;
    let holds = dunning::holds(conn)?;
    let reasons = dunning::latest_reasons(conn, as_of, only)?;
    let mut out = Vec::new();
    for c in customers::entries(conn)? {
        let Some(a) = acc.get(&c.id) else { continue };
        let logged = actions.get(&c.id).cloned().unwrap_or_default();
        let promise = dunning::latest_promise(conn, c.id, as_of)?;
        let hold_since = holds.get(&c.id).copied();
        let s = Situation {
            oldest_due: a.oldest_due,
            overdue: a.overdue,
            disputed_overdue: a.disputed_overdue,
            grade_d: c.credit_score.is_some_and(|s| Grade::from_score(s) == Grade::D),
            on_hold: matches!(hold_since, Some(since) if since.is_none_or(|d| d < as_of)),
            actions: logged.iter().copied().filter(|(d, _)| *d < as_of).collect(),
            promise: promise.clone(),
            cutoff_day: cutoffs.get(&c.id).map(|d| u32::from(*d)),
            plan: a.oldest_plan.filter(|_| a.oldest_all_plan).map(|p| p.1),
        };
        let decision = next_step(&s, &ladder, as_of);
        let level = match &decision.next {
            Next::Act { level, .. } => *level,
            Next::ResolveDispute => 2,
            Next::Nothing | Next::Wait { .. } => continue,
        };
        out.push(WorkItem {
            customer_id: c.id,
            code: c.code,
            name: c.name,
            level,
            overdue: a.overdue,
            days_overdue: decision.days.unwrap_or(0).max(0),
            interest: a.interest,
            last_action: logged.last().copied(),
            promise: promise.map(|p| {
                let st = p.status(as_of);
                (p, st)
            }),
            on_hold: hold_since.is_some(),
            overdue_reason: reasons.get(&c.id).copied(),
            decision,
        });
    }
    out.sort_by(|x, y| y.level.cmp(&x.level).then(y.overdue.cmp(&x.overdue)).then(x.code.cmp(&y.code)));
    Ok(out)
}

/// The customers the worklist puts on hold (stop supply): those whose step
/// is a first action at the ladder's hold level or above, not on hold yet.
pub fn newly_at_hold<'a>(items: &'a [WorkItem], ladder: &crate::ledger::ladder::Ladder) -> Vec<&'a WorkItem> {
    use crate::ledger::ladder::Next;
    let stop = ladder.hold_level();
    items
        .iter()
        .filter(|w| matches!(w.decision.next, Next::Act { level, repeat: false } if level >= stop) && !w.on_hold)
        .collect()
}

impl WorkItem {
    /// Whether the step is an action on the ladder (not "resolve dispute").
    pub fn acts(&self) -> bool {
        matches!(self.decision.next, crate::ledger::ladder::Next::Act { .. })
    }
}

/// The ladder level of a customer's step due on a date, if the step is an
/// action on the ladder.
pub fn due_level(conn: &Connection, as_of: NaiveDate, customer_id: i64) -> Result<Option<u8>> {
    Ok(worklist(conn, as_of, Some(customer_id))?.into_iter().find(WorkItem::acts).map(|w| w.level))
}

/// What a customer has overdue on a date, disputed invoices left out: the
/// amount a promise to pay covers when none is given.
pub fn undisputed_overdue(conn: &Connection, as_of: NaiveDate, customer_id: i64) -> Result<Money> {
    let mut overdue = Money::ZERO;
    detail_unnamed(conn, as_of, Some(customer_id), |d| {
        if d.days_past_due > 0 && !d.item.disputed {
            overdue += d.balance;
        }
        Ok(())
    })?;
    Ok(overdue)
}
