//! Which `--format` each command prints, in one table, and the command line
//! narrowed to it.
//!
//! `--format` is a global option (it may come before the subcommand), but no
//! command prints all ten formats. [`narrow`] gives every command its own
//! `--format` with the same id, offering only what the command prints, so
//! clap refuses the others with the list and `--help`, the manual pages and
//! the completions show only those. (clap gives a global option to a
//! subcommand only when the subcommand has none of that id; a value given
//! anywhere on the line still reaches `GlobalArgs.format`.) A value given
//! before the subcommand was parsed with the full list: [`check`] refuses it
//! afterwards, with the same error as after the subcommand.
//!
//! The table was read off each command's code: how it draws its output, not
//! what its help said. Where a value cannot arrive any more, the runtime
//! refusal it used to meet is gone (a defensive one stays where a match must
//! name every format: `render::not_offered`).

use std::ffi::OsStr;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Arg, ArgMatches, Command, ValueEnum};

use crate::output::Format::{self, *};

/// One table, and in the same command CSV, JSON or an Excel workbook of it.
const ROWS: &[Format] = &[Table, Csv, Json, Xlsx];
/// A record with its lines, a report drawn as more than one table or with
/// a summary under it: table, CSV, JSON, but no workbook.
const NO_SHEET: &[Format] = &[Table, Csv, Json];
/// Letters: text (the default), Markdown, HTML, an e-mail, or the figures.
const LETTER: &[Format] = &[Txt, Md, Html, Eml, Json];
/// Customer statements: as letters, but never an e-mail.
const STATEMENT: &[Format] = &[Txt, Md, Html, Json];
/// Journals for the general ledger; csv is the voucher list.
const JOURNAL: &[Format] = &[Hledger, Beancount, Csv];
/// Commands that print no list or report (talk on stderr, or files).
const NONE: &[Format] = &[];

/// Every command that runs, by its path under `huikuan`, with the formats it
/// prints, the default first. (A test walks the command tree: a command
/// missing here fails it.)
pub const OFFERED: &[(&str, &[Format])] = &[
    ("init", NONE),
    ("customer add", NONE),
    ("customer list", ROWS),
    // The card and its open invoices: two tables.
    ("customer show", NO_SHEET),
    ("customer edit", NONE),
    ("customer alias add", NONE),
    ("customer alias rm", NONE),
    ("customer account add", NONE),
    ("customer account rm", NONE),
    ("customer hold", NONE),
    ("customer release", NONE),
    ("customer score", ROWS),
    ("customer confirm", NONE),
    ("customer import", NONE),
    // Prints the invoice as `invoice show` does.
    ("invoice add", NO_SHEET),
    ("invoice list", ROWS),
    ("invoice show", NO_SHEET),
    ("invoice void", NONE),
    ("invoice dispute", NONE),
    ("invoice undispute", NONE),
    ("invoice write-off", NONE),
    ("invoice reschedule", NO_SHEET),
    ("invoice import", NONE),
    // Prints the payment as `pay show` does.
    ("pay add", NO_SHEET),
    ("pay list", ROWS),
    ("pay show", NO_SHEET),
    ("pay void", NONE),
    ("pay apply", NO_SHEET),
    ("pay import", NONE),
    // The credits, then the summary.
    ("reconcile import", NO_SHEET),
    ("reconcile list", ROWS),
    ("reconcile match", NONE),
    ("reconcile ignore", NONE),
    ("reconcile undo", NONE),
    ("reconcile profiles", ROWS),
    ("dun list", ROWS),
    ("dun log", NONE),
    ("dun history", ROWS),
    ("dun promise", NONE),
    ("dun letter", LETTER),
    ("dun interest", ROWS),
    ("dun charge-interest", ROWS),
    // The waivers made: no JSON shape of its own.
    ("dun waive", &[Table, Csv, Xlsx]),
    // html: the month-end page (the plain aging only).
    ("report aging", &[Table, Csv, Json, Xlsx, Html]),
    ("report collection", ROWS),
    ("report provision", ROWS),
    ("report pack", NONE),
    ("report statement", STATEMENT),
    ("report confirmations", ROWS),
    // A screen of text, or its figures.
    ("report summary", &[Table, Json]),
    ("report forecast", ROWS),
    // Subtotals under each reason and the tie to the aging.
    ("report reasons", ROWS),
    ("export journal", JOURNAL),
    // The aging and the worklist, one after the other.
    ("demo", &[Table]),
    ("check", NONE),
    ("backup", NONE),
    // What `close --list` prints.
    ("close", ROWS),
    // The settings and the ladder: two tables.
    ("config", NO_SHEET),
    ("config set", NONE),
    ("config ladder", NONE),
    ("log", ROWS),
    ("completions", NONE),
    ("man", NONE),
];

/// The formats the command at `path` ("report aging") prints.
pub fn offered(path: &str) -> Option<&'static [Format]> {
    OFFERED.iter().find(|(p, _)| *p == path).map(|(_, f)| *f)
}

/// Whether a command runs by itself (a leaf, or `config` without an action),
/// rather than only naming a group of subcommands.
pub fn runs(cmd: &Command) -> bool {
    !cmd.has_subcommands() || !cmd.is_subcommand_required_set()
}

/// The command tree with each command's `--format` narrowed to what it
/// prints (see the module doc). Call before the tree is built.
pub fn narrow(cmd: Command) -> Command {
    let Some(global) = cmd.get_arguments().find(|a| a.get_id() == "format").cloned() else {
        return cmd;
    };
    walk(cmd, "", &global)
}

fn walk(mut cmd: Command, path: &str, global: &Arg) -> Command {
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        let path = if path.is_empty() { name.clone() } else { format!("{path} {name}") };
        cmd = cmd.mut_subcommand(&name, |sub| {
            let own = match offered(&path) {
                // A group: its subcommands say what they print.
                _ if !runs(&sub) => global.clone().global(false).hide(true),
                Some([]) => global.clone().global(false).hide(true).value_parser(NoFormat),
                Some(formats) => global
                    .clone()
                    .global(false)
                    .hide_possible_values(false)
                    .help(format!("Output format [default: {}]", formats[0].name()))
                    .value_parser(only(formats)),
                // Not in the table (a test fails): left as it was.
                None => return walk(sub, &path, global),
            };
            walk(sub.arg(own), &path, global)
        });
    }
    cmd
}

/// The value parser offering `formats`. `table` is also taken where it is
/// not listed, unshown: it is what no `--format` means inside, and letters,
/// statements and journals have always read it as their default.
fn only(formats: &'static [Format]) -> impl TypedValueParser<Value = Format> {
    let mut values: Vec<PossibleValue> = formats.iter().map(|f| PossibleValue::new(f.name())).collect();
    if !formats.contains(&Table) {
        values.push(PossibleValue::new(Table.name()).hide(true));
    }
    PossibleValuesParser::new(values).try_map(|s| Format::from_str(&s, false))
}

/// The `--format` of a command that prints no list or report: any value is
/// refused.
#[derive(Clone)]
struct NoFormat;

impl TypedValueParser for NoFormat {
    type Value = Format;

    fn parse_ref(&self, cmd: &Command, _arg: Option<&Arg>, _value: &OsStr) -> Result<Format, clap::Error> {
        Err(takes_no_format(cmd))
    }
}

fn takes_no_format(cmd: &Command) -> clap::Error {
    let name = cmd.get_bin_name().unwrap_or(cmd.get_name());
    clap::Error::raw(ErrorKind::ArgumentConflict, format!("{name} prints no list or report: it takes no --format\n"))
        .with_cmd(cmd)
}

/// Refuse a `--format` given before the subcommand that the subcommand does
/// not print, with the error clap gives after it. `cmd` is the tree the
/// line was parsed with.
pub fn check(cmd: &Command, m: &ArgMatches) -> Result<(), clap::Error> {
    let (mut cmd, mut m, mut path) = (cmd, m, String::new());
    while let Some((name, sub)) = m.subcommand() {
        let Some(c) = cmd.find_subcommand(name) else { return Ok(()) };
        path = if path.is_empty() { name.to_string() } else { format!("{path} {name}") };
        (cmd, m) = (c, sub);
    }
    let Ok(Some(given)) = m.try_get_one::<Format>("format") else { return Ok(()) };
    let (Some(formats), Some(arg)) = (offered(&path), cmd.get_arguments().find(|a| a.get_id() == "format")) else {
        return Ok(());
    };
    if formats.is_empty() {
        return Err(takes_no_format(cmd));
    }
    only(formats).parse_ref(cmd, Some(arg), OsStr::new(given.name())).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_each_command_once_and_each_of_its_formats_once() {
        for (path, formats) in OFFERED {
            let names: std::collections::BTreeSet<&str> = formats.iter().map(|f| f.name()).collect();
            assert_eq!(names.len(), formats.len(), "{path} lists a format twice");
            assert_eq!(OFFERED.iter().filter(|(p, _)| p == path).count(), 1, "{path} twice");
        }
        assert_eq!(offered("report aging"), Some(&[Table, Csv, Json, Xlsx, Html][..]));
        // The default (what the help shows) comes first.
        assert_eq!(offered("dun letter").map(|f| f[0]), Some(Txt));
        assert_eq!(offered("export journal").map(|f| f[0]), Some(Hledger));
        assert_eq!(offered("backup"), Some(&[][..]));
        assert_eq!(offered("no such command"), None);
    }
}
