//! The rows of a long table kept between its two passes (measuring the
//! columns, then drawing): up to [`PIECE`] rows in memory, the rest in an
//! unnamed temporary file, so that a table of a million rows is computed
//! once and never held. Without a temporary file (none can be made), the
//! rows are computed again instead.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};

use chrono::NaiveDate;

use super::{Cell, PIECE, RowSource};
use crate::error::Result;
use crate::ledger::Money;

/// Rows as they were made, to be given again in the same order.
pub(super) struct Spool {
    held: Vec<Vec<Cell>>,
    file: Option<BufWriter<File>>,
    /// No temporary file could be made: the source is asked again.
    again: bool,
}

impl Spool {
    pub(super) fn new() -> Spool {
        Spool { held: Vec::new(), file: None, again: false }
    }

    /// Keep one more row.
    pub(super) fn push(&mut self, row: Vec<Cell>) -> Result<()> {
        if self.again {
            return Ok(());
        }
        if let Some(file) = &mut self.file {
            return write_row(file, &row);
        }
        self.held.push(row);
        if self.held.len() > PIECE {
            match tempfile::tempfile() {
                Ok(file) => {
                    let mut file = BufWriter::new(file);
                    for row in self.held.drain(..) {
                        write_row(&mut file, &row)?;
                    }
                    self.file = Some(file);
                }
                Err(_) => {
                    self.held = Vec::new();
                    self.again = true;
                }
            }
        }
        Ok(())
    }

    /// Give every row kept, in order (or ask `source` for them again).
    pub(super) fn replay(self, source: RowSource, f: &mut dyn FnMut(Vec<Cell>) -> Result<()>) -> Result<()> {
        if self.again {
            return source(f);
        }
        let Some(file) = self.file else {
            return self.held.into_iter().try_for_each(f);
        };
        let mut file = file.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        let mut r = BufReader::new(file);
        while let Some(row) = read_row(&mut r)? {
            f(row)?;
        }
        Ok(())
    }
}

fn write_row(w: &mut impl Write, row: &[Cell]) -> Result<()> {
    w.write_all(&u32::try_from(row.len()).unwrap_or(u32::MAX).to_le_bytes())?;
    for cell in row {
        match cell {
            Cell::Text(s) => {
                w.write_all(&[0])?;
                w.write_all(&u64::try_from(s.len()).unwrap_or(u64::MAX).to_le_bytes())?;
                w.write_all(s.as_bytes())?;
            }
            Cell::Money(m) => {
                w.write_all(&[1])?;
                w.write_all(&m.cents().to_le_bytes())?;
            }
            Cell::Int(n) => {
                w.write_all(&[2])?;
                w.write_all(&n.to_le_bytes())?;
            }
            Cell::Date(d) => {
                w.write_all(&[3])?;
                w.write_all(&chrono::Datelike::num_days_from_ce(d).to_le_bytes())?;
            }
            Cell::Empty => w.write_all(&[4])?,
        }
    }
    Ok(())
}

/// The next row written by [`write_row`], or `None` at the end.
fn read_row(r: &mut impl Read) -> Result<Option<Vec<Cell>>> {
    let mut n = [0u8; 4];
    match r.read_exact(&mut n) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let n = u32::from_le_bytes(n) as usize;
    let mut row = Vec::with_capacity(n);
    for _ in 0..n {
        let mut tag = [0u8; 1];
        r.read_exact(&mut tag)?;
        row.push(match tag[0] {
            0 => {
                let len = u64::from_le_bytes(read8(r)?) as usize;
                let mut bytes = vec![0u8; len];
                r.read_exact(&mut bytes)?;
                Cell::Text(String::from_utf8(bytes).map_err(|e| std::io::Error::other(e.to_string()))?)
            }
            1 => Cell::Money(Money::from_cents(i64::from_le_bytes(read8(r)?))),
            2 => Cell::Int(i64::from_le_bytes(read8(r)?)),
            3 => {
                let mut d = [0u8; 4];
                r.read_exact(&mut d)?;
                let days = i32::from_le_bytes(d);
                Cell::Date(
                    NaiveDate::from_num_days_from_ce_opt(days)
                        .ok_or_else(|| std::io::Error::other(format!("a spooled table row has day {days}")))?,
                )
            }
            _ => Cell::Empty,
        });
    }
    Ok(Some(row))
}

fn read8(r: &mut impl Read) -> Result<[u8; 8]> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<Vec<Cell>> {
        (0..n)
            .map(|k| {
                vec![
                    Cell::text(format!("INV-{k} 华宇")),
                    Cell::Money(Money::from_cents(-(k as i64) * 101)),
                    Cell::Int(k as i64),
                    Cell::Date(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap() + chrono::Days::new(k as u64 % 400)),
                    Cell::Empty,
                    Cell::text(""),
                ]
            })
            .collect()
    }

    fn through_spool(made: &[Vec<Cell>]) -> Vec<Vec<Cell>> {
        let mut spool = Spool::new();
        for row in made {
            spool.push(row.clone()).unwrap();
        }
        let mut back = Vec::new();
        let never: RowSource = &|_| panic!("the rows were kept");
        spool
            .replay(never, &mut |row| {
                back.push(row);
                Ok(())
            })
            .unwrap();
        back
    }

    #[test]
    fn a_table_s_rows_come_back_as_they_were_made_held_or_from_a_file() {
        for n in [0, 1, PIECE, PIECE + 1, 3 * PIECE + 7] {
            let made = rows(n);
            assert_eq!(through_spool(&made), made, "{n} rows");
        }
    }

    #[test]
    fn without_a_temporary_file_the_rows_are_made_again() {
        let made = rows(PIECE + 5);
        let mut spool = Spool { again: true, ..Spool::new() };
        for row in &made {
            spool.push(row.clone()).unwrap();
        }
        assert!(spool.held.is_empty() && spool.file.is_none(), "nothing kept");
        let mut back = Vec::new();
        spool
            .replay(&|f| made.iter().try_for_each(|r| f(r.clone())), &mut |row| {
                back.push(row);
                Ok(())
            })
            .unwrap();
        assert_eq!(back, made);
    }
}
