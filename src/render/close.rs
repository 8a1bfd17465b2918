//! `close --list`: the closed months as a table, CSV or JSON.

use std::io::Write;

use serde::Serialize;

use super::{Cell, Table, write_json};
use crate::error::Result;
use crate::output::{Format, Lang};
use crate::store::close::Close;

#[derive(Serialize)]
struct CloseJson<'a> {
    period: &'a str,
    through: chrono::NaiveDate,
    closed_at: &'a str,
    reopened_at: Option<&'a str>,
    reason: Option<&'a str>,
}

/// Every close, oldest first, with when and why it was reopened.
pub fn write_list(out: &mut dyn Write, lang: Lang, format: Format, closes: &[Close]) -> Result<()> {
    if format == Format::Json {
        let rows: Vec<CloseJson> = closes
            .iter()
            .map(|c| CloseJson {
                period: &c.period,
                through: c.through,
                closed_at: &c.closed_at,
                reopened_at: c.reopened_at.as_deref(),
                reason: c.reason.as_deref(),
            })
            .collect();
        return write_json(out, &rows);
    }
    let mut t = Table::new(
        lang,
        &[
            ("period", "期间"),
            ("through", "锁定至"),
            ("closed at (UTC)", "结账时间 (UTC)"),
            ("reopened", "重开"),
            ("reason", "原因"),
        ],
    );
    for c in closes {
        t.push(vec![
            Cell::text(&c.period),
            Cell::Date(c.through),
            Cell::text(&c.closed_at),
            Cell::opt_text(c.reopened_at.as_deref()),
            Cell::opt_text(c.reason.as_deref()),
        ]);
    }
    t.write(out, format)
}
