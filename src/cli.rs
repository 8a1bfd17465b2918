//! The command line: global flags, the command tree, dispatch. Nothing else.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::commands;
use crate::context::{ColorChoice, Ctx, Globals, language};
use crate::error::{Kind, Result};
use crate::output::{Format, Lang, visible};

/// Accounts receivable for the one accountant who owns them.
///
/// Customers, invoices and payments in one local book; aging, late interest
/// and the collection worklist computed exactly, as of any date.
#[derive(Debug, Parser)]
#[command(name = "huikuan", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The options every command takes, listed under their own heading in each
/// command's help.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The book file [default: $HUIKUAN_DB, else <data dir>/book.sqlite]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Draw reports as of this date (2026-11-22, 2026/11/22, 20261122, today)
    #[arg(long, global = true, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Output format: each command's --help lists the ones it prints (lists
    /// and reports: table, csv, json, xlsx; letters and statements: txt, md,
    /// html, eml; export journal: hledger, beancount, csv)
    #[arg(long, global = true, value_enum, value_name = "FORMAT", hide_possible_values = true)]
    pub format: Option<Format>,
    /// Language of output [default: $HUIKUAN_LANG, else from $LANG]
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    /// Answer yes to confirmations (also HUIKUAN_YES=1)
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Say nothing on stderr but warnings and errors
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// With --format csv: begin with a UTF-8 byte-order mark, so Excel on
    /// Chinese Windows opens the file as UTF-8, not as GBK
    #[arg(long, global = true)]
    pub bom: bool,
    /// Never page: write straight to the terminal [default: on a terminal,
    /// output goes through $HUIKUAN_PAGER, else $PAGER, else less -FRX]
    #[arg(long, global = true)]
    pub no_pager: bool,
    /// Colour in tables: negative amounts red, overdue figures yellow;
    /// auto: when stdout is a terminal and NO_COLOR is unset or empty
    /// [default: auto]
    #[arg(long, global = true, value_enum, value_name = "WHEN", alias = "colour")]
    pub color: Option<ColorChoice>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(commands::init::Args),
    /// Customers, their aliases, accounts, contacts and credit
    #[command(subcommand)]
    Customer(commands::customer::Command),
    /// Invoices and their installments
    #[command(subcommand)]
    Invoice(commands::invoice::Command),
    /// Payments and their allocation to invoices
    #[command(subcommand)]
    Pay(commands::pay::Command),
    /// Bank statements: import, match, review
    #[command(subcommand)]
    Reconcile(commands::reconcile::Command),
    /// Collection: the worklist, actions, promises, late interest
    #[command(subcommand)]
    Dun(commands::dun::Command),
    /// Reports: aging, statements, collection, forecast, provision, summary, the month-end pack
    #[command(subcommand)]
    Report(commands::report::Command),
    /// Exports: the period's entries for the general ledger
    #[command(subcommand)]
    Export(commands::export::Command),
    Demo(commands::demo::Args),
    Check(commands::check::Args),
    Backup(commands::backup::Args),
    Close(commands::close::Args),
    Config(commands::config::Args),
    Log(commands::log::Args),
    Completions(commands::completions::Args),
    Man(commands::man::Args),
}

/// Parse the command line, run the command, print any error as one line per
/// problem in the user's language, and return the exit code.
pub fn main() -> ExitCode {
    let cli = match parse(std::env::args_os()) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let lang = language(cli.global.lang);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind == Kind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let prefix = lang.pick("error: ", "错误：");
            let mut err = std::io::stderr().lock();
            // An error may echo text from outside (a name, a cell): shown
            // with its terminal controls escaped, like a table.
            for line in e.text(lang).lines() {
                let _ = writeln!(err, "{prefix}{}", visible(line));
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// The command tree, each command's `--format` narrowed to the formats it
/// prints (`commands::formats`): what parses the line, and what the help,
/// the manual pages and the completions are made from.
pub fn command() -> clap::Command {
    commands::formats::narrow(Cli::command())
}

/// Parse a command line (the program's name first) with [`command`].
pub fn parse<I, T>(args: I) -> std::result::Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut cmd = command();
    let mut matches = cmd.try_get_matches_from_mut(args)?;
    commands::formats::check(&cmd, &matches)?;
    Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut cmd))
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let g = cli.global;
    let globals = Globals {
        db: g.db,
        as_of: g.as_of,
        format: g.format,
        lang: g.lang,
        yes: g.yes,
        quiet: g.quiet,
        bom: g.bom,
        no_pager: g.no_pager,
        color: g.color.unwrap_or_default(),
    };
    if let Command::Completions(args) = &cli.command {
        return commands::completions::run(args, &mut command());
    }
    if let Command::Man(args) = &cli.command {
        return commands::man::run(args, command(), g.quiet);
    }
    let mut ctx = Ctx::new(&globals)?;
    let result = match cli.command {
        Command::Init(a) => commands::init::run(&mut ctx, a),
        Command::Customer(c) => commands::customer::run(&mut ctx, c),
        Command::Invoice(c) => commands::invoice::run(&mut ctx, c),
        Command::Pay(c) => commands::pay::run(&mut ctx, c),
        Command::Reconcile(c) => commands::reconcile::run(&mut ctx, c),
        Command::Dun(c) => commands::dun::run(&mut ctx, c),
        Command::Report(c) => commands::report::run(&mut ctx, c),
        Command::Export(c) => commands::export::run(&mut ctx, c),
        Command::Demo(a) => commands::demo::run(&mut ctx, a),
        Command::Check(a) => commands::check::run(&mut ctx, a),
        Command::Backup(a) => commands::backup::run(&mut ctx, a),
        Command::Close(a) => commands::close::run(&mut ctx, a),
        Command::Config(a) => commands::config::run(&mut ctx, a),
        Command::Log(a) => commands::log::run(&mut ctx, a),
        Command::Completions(_) | Command::Man(_) => unreachable!("handled above"),
    };
    // The output so far is flushed and the pager waited for even when the
    // command failed: its error line comes after, on the terminal.
    let finished = ctx.finish();
    result?;
    finished
}

#[cfg(test)]
mod tests {
    /// Every command's `--help`, in one reviewed snapshot: a change to any
    /// help text shows in the diff of `src/snapshots/`.
    #[test]
    fn the_help_of_every_command_is_as_reviewed() {
        fn walk(cmd: &mut clap::Command, path: &str, out: &mut String) {
            let name = if path.is_empty() { cmd.get_name().to_string() } else { format!("{path} {}", cmd.get_name()) };
            out.push_str(&format!("===== {name} --help\n{}\n", cmd.render_long_help()));
            for sub in cmd.get_subcommands_mut().filter(|s| s.get_name() != "help") {
                walk(sub, &name, out);
            }
        }
        let mut cmd = super::command().term_width(100);
        cmd.build();
        let mut out = String::new();
        walk(&mut cmd, "", &mut out);
        insta::assert_snapshot!("help_tree", out);
    }

    /// The table of formats and the command tree name the same commands:
    /// a new command cannot be added without saying what it prints.
    #[test]
    fn every_command_that_runs_says_which_formats_it_prints() {
        use crate::commands::formats::{OFFERED, runs};
        fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
            for sub in cmd.get_subcommands() {
                let path =
                    if path.is_empty() { sub.get_name().to_string() } else { format!("{path} {}", sub.get_name()) };
                if runs(sub) {
                    out.push(path.clone());
                }
                walk(sub, &path, out);
            }
        }
        let mut commands = Vec::new();
        walk(&super::command(), "", &mut commands);
        let mut listed: Vec<String> = OFFERED.iter().map(|(p, _)| p.to_string()).collect();
        assert!(commands.contains(&"config".to_string()) && commands.contains(&"config set".to_string()));
        commands.sort();
        listed.sort();
        assert_eq!(commands, listed, "commands in the tree, commands in commands::formats::OFFERED");
    }

    #[test]
    fn the_command_tree_is_consistent() {
        super::command().debug_assert();
    }
}
