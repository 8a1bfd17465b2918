//! The lines of an imported statement, kept until the import is done and
//! its outcome printed (the summary comes first, so they cannot be printed
//! as they are read): the first [`HELD`] in memory, the rest written to an
//! unnamed temporary file, so that a statement of a million lines is never
//! held. Without a temporary file (none can be made) they stay in memory.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

use super::{CandidateJson, LineOutcome};
use crate::error::{Error, Result};
use crate::import::bank::Direction;
use crate::ledger::Money;
use crate::ledger::matching::Rule;

/// How many lines are held in memory before they go to a file.
pub const HELD: usize = 10_000;

/// The lines of an import, in file order.
#[derive(Debug, Default)]
pub struct KeptLines {
    held: Vec<LineOutcome>,
    file: Option<Spilled>,
    len: usize,
    /// No temporary file could be made: the lines stay in memory (and no
    /// other file is tried for every line).
    no_file: bool,
}

#[derive(Debug)]
enum Spilled {
    Writing(BufWriter<File>),
    Written(File),
}

impl KeptLines {
    pub fn new() -> KeptLines {
        KeptLines::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Keep one more line.
    pub fn push(&mut self, line: LineOutcome) -> Result<()> {
        self.len += 1;
        match &mut self.file {
            Some(Spilled::Writing(w)) => return write_line(w, &line),
            Some(Spilled::Written(_)) => return Err(broken("a statement line kept after the last".into())),
            None => {}
        }
        self.held.push(line);
        if self.held.len() < HELD || self.no_file {
            return Ok(());
        }
        let Ok(file) = tempfile::tempfile() else {
            self.no_file = true;
            return Ok(());
        };
        let mut w = BufWriter::new(file);
        for l in self.held.drain(..) {
            write_line(&mut w, &l)?;
        }
        self.held = Vec::new();
        self.file = Some(Spilled::Writing(w));
        Ok(())
    }

    /// Every line is in: the file, if any, is written out to be read.
    pub fn finish(&mut self) -> Result<()> {
        if let Some(Spilled::Writing(w)) = self.file.take() {
            let file = w.into_inner().map_err(|e| e.into_error())?;
            self.file = Some(Spilled::Written(file));
        }
        Ok(())
    }

    /// Give every line kept, in order.
    pub fn each(&self, f: &mut dyn FnMut(&LineOutcome) -> Result<()>) -> Result<()> {
        let mut file = match &self.file {
            None => return self.held.iter().try_for_each(f),
            Some(Spilled::Written(file)) => file,
            Some(Spilled::Writing(_)) => return Err(broken("statement lines read before the last".into())),
        };
        file.rewind()?;
        let mut r = BufReader::new(file);
        while let Some(line) = read_line(&mut r)? {
            f(&line)?;
        }
        Ok(())
    }
}

/// A JSON array of the lines, as if they were a vector.
impl Serialize for KeptLines {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.len))?;
        let mut failed: Option<S::Error> = None;
        let read = self.each(&mut |l| {
            seq.serialize_element(l).map_err(|e| {
                failed = Some(e);
                broken("a statement line could not be written".into())
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        read.map_err(S::Error::custom)?;
        seq.end()
    }
}

/// The rules a kept match can name, by their place here.
const RULES: [Rule; 5] = [Rule::InvoiceRef, Rule::Account, Rule::Name, Rule::FuzzyName, Rule::Manual];

fn write_line(w: &mut impl Write, l: &LineOutcome) -> Result<()> {
    w.write_all(&[1])?;
    put_opt_i64(w, l.id)?;
    put_i64(w, i64::try_from(l.line).unwrap_or(i64::MAX))?;
    w.write_all(&l.date.num_days_from_ce().to_le_bytes())?;
    put_i64(w, l.amount.cents())?;
    let direction = match l.direction {
        Direction::Credit => 0,
        Direction::Debit => 1,
        Direction::Neutral => 2,
    };
    let flags = u8::from(l.refund)
        | u8::from(l.foreign) << 1
        | u8::from(l.duplicate) << 2
        | u8::from(l.applied) << 3
        | u8::from(l.two_customers) << 4;
    w.write_all(&[direction, flags])?;
    for text in [&l.counterparty, &l.account, &l.memo, &l.reference] {
        put_opt_str(w, text.as_deref())?;
    }
    put_opt_i64(w, l.fee.map(Money::cents))?;
    put_str(w, &l.currency)?;
    match &l.matched {
        None => w.write_all(&[0])?,
        Some(m) => {
            let rule = RULES.iter().position(|r| r.as_str() == m.rule).unwrap_or(RULES.len());
            w.write_all(&[1, u8::try_from(rule).unwrap_or(u8::MAX), m.confidence])?;
            put_str(w, &m.customer)?;
            put_i64(w, i64::try_from(m.invoices.len()).unwrap_or(i64::MAX))?;
            for n in &m.invoices {
                put_str(w, n)?;
            }
        }
    }
    Ok(())
}

/// The next line written by [`write_line`], or `None` at the end.
fn read_line(r: &mut impl Read) -> Result<Option<LineOutcome>> {
    let mut tag = [0u8; 1];
    match r.read_exact(&mut tag) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let id = get_opt_i64(r)?;
    let line = u64::try_from(get_i64(r)?).unwrap_or(0);
    let mut days = [0u8; 4];
    r.read_exact(&mut days)?;
    let days = i32::from_le_bytes(days);
    let date = NaiveDate::from_num_days_from_ce_opt(days)
        .ok_or_else(|| broken(format!("a kept statement line has day {days}")))?;
    let amount = Money::from_cents(get_i64(r)?);
    let [direction, flags] = get::<2>(r)?;
    let direction = match direction {
        0 => Direction::Credit,
        1 => Direction::Debit,
        _ => Direction::Neutral,
    };
    let counterparty = get_opt_str(r)?;
    let account = get_opt_str(r)?;
    let memo = get_opt_str(r)?;
    let reference = get_opt_str(r)?;
    let fee = get_opt_i64(r)?.map(Money::from_cents);
    let currency: Arc<str> = get_str(r)?.into();
    let matched = match get::<1>(r)? {
        [0] => None,
        _ => {
            let [rule, confidence] = get::<2>(r)?;
            let rule = RULES.get(usize::from(rule)).map_or("", |r| r.as_str());
            let customer = get_str(r)?;
            let n = usize::try_from(get_i64(r)?).unwrap_or(0);
            let mut invoices = Vec::with_capacity(n.min(64));
            for _ in 0..n {
                invoices.push(get_str(r)?);
            }
            Some(CandidateJson { customer, invoices, rule, confidence })
        }
    };
    Ok(Some(LineOutcome {
        id,
        line,
        date,
        amount,
        direction,
        counterparty,
        account,
        memo,
        reference,
        fee,
        refund: flags & 1 != 0,
        currency,
        foreign: flags & 2 != 0,
        duplicate: flags & 4 != 0,
        applied: flags & 8 != 0,
        two_customers: flags & 16 != 0,
        matched,
    }))
}

/// A kept line that cannot be written or read back: a fault of the
/// machine (the temporary file), never of the statement.
fn broken(what: String) -> Error {
    std::io::Error::other(what).into()
}

fn put_i64(w: &mut impl Write, n: i64) -> Result<()> {
    Ok(w.write_all(&n.to_le_bytes())?)
}

fn put_opt_i64(w: &mut impl Write, n: Option<i64>) -> Result<()> {
    match n {
        None => Ok(w.write_all(&[0])?),
        Some(n) => {
            w.write_all(&[1])?;
            put_i64(w, n)
        }
    }
}

fn put_str(w: &mut impl Write, s: &str) -> Result<()> {
    put_i64(w, i64::try_from(s.len()).unwrap_or(i64::MAX))?;
    Ok(w.write_all(s.as_bytes())?)
}

fn put_opt_str(w: &mut impl Write, s: Option<&str>) -> Result<()> {
    match s {
        None => Ok(w.write_all(&[0])?),
        Some(s) => {
            w.write_all(&[1])?;
            put_str(w, s)
        }
    }
}

fn get<const N: usize>(r: &mut impl Read) -> Result<[u8; N]> {
    let mut b = [0u8; N];
    r.read_exact(&mut b)?;
    Ok(b)
}

fn get_i64(r: &mut impl Read) -> Result<i64> {
    Ok(i64::from_le_bytes(get::<8>(r)?))
}

fn get_opt_i64(r: &mut impl Read) -> Result<Option<i64>> {
    match get::<1>(r)? {
        [0] => Ok(None),
        _ => Ok(Some(get_i64(r)?)),
    }
}

fn get_str(r: &mut impl Read) -> Result<String> {
    let len = usize::try_from(get_i64(r)?).unwrap_or(0);
    let mut bytes = vec![0u8; len];
    r.read_exact(&mut bytes)?;
    String::from_utf8(bytes).map_err(|e| broken(format!("a kept statement line is not UTF-8: {e}")))
}

fn get_opt_str(r: &mut impl Read) -> Result<Option<String>> {
    match get::<1>(r)? {
        [0] => Ok(None),
        _ => Ok(Some(get_str(r)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines with every field used and unused, in each direction.
    fn lines(n: usize) -> Vec<LineOutcome> {
        (0..n)
            .map(|i| {
                let full = i % 2 == 0;
                let text = |s: &str| full.then(|| format!("{s} {i} 货款"));
                LineOutcome {
                    id: full.then_some(i as i64 + 1),
                    line: i as u64 + 2,
                    date: NaiveDate::from_ymd_opt(2026, 1 + (i % 12) as u32, 1 + (i % 28) as u32).unwrap(),
                    amount: Money::from_cents(i as i64 * 101 - 7),
                    direction: [Direction::Credit, Direction::Debit, Direction::Neutral][i % 3],
                    counterparty: text("客户"),
                    account: text("6222"),
                    memo: text("INV"),
                    reference: text("ref"),
                    fee: full.then(|| Money::from_cents(i as i64)),
                    refund: i % 5 == 0,
                    currency: if i % 7 == 0 { "USD".into() } else { "CNY".into() },
                    foreign: i % 7 == 0,
                    duplicate: i % 4 == 1,
                    applied: i % 3 == 0,
                    two_customers: i % 6 == 1,
                    matched: (i % 3 != 2).then(|| CandidateJson {
                        customer: format!("C{i:05}"),
                        invoices: (0..i % 4).map(|k| format!("INV-{i}-{k}")).collect(),
                        rule: RULES[i % RULES.len()].as_str(),
                        confidence: (i % 101) as u8,
                    }),
                }
            })
            .collect()
    }

    fn kept_json(n: usize) -> (String, String) {
        let made = lines(n);
        let expected = serde_json::to_string_pretty(&made).unwrap();
        let mut kept = KeptLines::new();
        for l in lines(n) {
            kept.push(l).unwrap();
        }
        kept.finish().unwrap();
        assert_eq!(kept.len(), n);
        (serde_json::to_string_pretty(&kept).unwrap(), expected)
    }

    #[test]
    fn lines_kept_in_memory_or_in_a_file_come_back_as_they_were() {
        for n in [0, 1, HELD - 1, HELD, HELD + 3] {
            let (kept, expected) = kept_json(n);
            assert!(kept == expected, "{n} lines came back different");
        }
        // `foreign` is not in the JSON: compare it (and the rest) field by field.
        let mut kept = KeptLines::new();
        for l in lines(HELD + 3) {
            kept.push(l).unwrap();
        }
        kept.finish().unwrap();
        let made = lines(HELD + 3);
        let mut i = 0;
        kept.each(&mut |l| {
            let m = &made[i];
            assert_eq!(
                (l.foreign, l.refund, l.duplicate, l.applied, l.two_customers),
                (m.foreign, m.refund, m.duplicate, m.applied, m.two_customers)
            );
            i += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(i, HELD + 3);
    }
}
