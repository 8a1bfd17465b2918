//! `huikuan completions`: shell completion scripts, and the dynamic
//! completion behind `COMPLETE=bash huikuan` that offers the book's own
//! customer codes and invoice numbers.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::PathBuf;

use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use crate::error::Result;
use crate::store::complete;

/// Print a completion script for your shell.
///
/// The script printed here completes commands and options. To complete
/// customer codes and invoice numbers from the book as well, let huikuan
/// answer the shell itself (the script it prints calls back into huikuan
/// at each Tab, reading the book given by --db on the line, else
/// $HUIKUAN_DB, else the default book; it never creates or changes one):
///   bash:  echo 'source <(COMPLETE=bash huikuan)' >> ~/.bashrc
///   zsh:   echo 'source <(COMPLETE=zsh huikuan)' >> ~/.zshrc
///   fish:  echo 'COMPLETE=fish huikuan | source' >> ~/.config/fish/config.fish
///
/// Example (bash, commands and options only):
///   huikuan completions bash > ~/.local/share/bash-completion/completions/huikuan
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The script is built in memory, then written: clap_complete panics on a
/// write error, and a reader that goes away (`| head -1`) is not one.
pub fn run(a: &Args, cmd: &mut clap::Command) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(a.shell, cmd, "huikuan", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}

/// The most candidates offered at one Tab: more is a list nobody reads.
const MOST: usize = 100;

/// When the shell asks for completions (`COMPLETE` is set), answer and
/// exit; otherwise return at once and the command runs. `tree` builds the
/// command tree the parser uses.
pub fn answer_the_shell(tree: fn() -> clap::Command) {
    if std::env::var_os("COMPLETE").is_none_or(|v| v.is_empty()) {
        return;
    }
    let book = book_on_line(std::env::args_os());
    clap_complete::CompleteEnv::with_factory(move || with_book_values(tree(), &book)).complete();
}

/// What an argument completes to from the book.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Customer,
    Invoice,
}

/// Which book value the argument `id` of the command at `path` (names from
/// the top, e.g. `["invoice", "show"]`) takes, if any. The arguments that
/// name a new code or number (`customer add`, `invoice add`) complete to
/// nothing: they take one the book does not hold yet.
fn kind_of(path: &[&str], id: &str) -> Option<Kind> {
    match (path, id) {
        (_, "customer") => Some(Kind::Customer),
        (["customer", "add"], "code") => None,
        (["customer", ..], "code") => Some(Kind::Customer),
        (_, "invoice") => Some(Kind::Invoice),
        (["invoice", "add"], "number") => None,
        (["invoice", ..], "number") => Some(Kind::Invoice),
        _ => None,
    }
}

/// The command tree with a book completer on every argument that takes a
/// customer code or an invoice number.
fn with_book_values(cmd: clap::Command, book: &Option<PathBuf>) -> clap::Command {
    fn walk(cmd: clap::Command, path: &mut Vec<String>, book: &Option<PathBuf>) -> clap::Command {
        let names: Vec<&str> = path.iter().map(String::as_str).collect();
        let kinds: Vec<(String, Option<Kind>)> =
            cmd.get_arguments().map(|a| (a.get_id().to_string(), kind_of(&names, a.get_id().as_str()))).collect();
        let mut cmd = cmd;
        if kinds.iter().any(|(_, k)| k.is_some()) {
            // `mut_arg` moves the argument to the end of the list, and a
            // positional's place is its place in the list: every argument
            // is taken in turn so that they keep their order.
            for (id, kind) in kinds {
                let book = book.clone();
                cmd = cmd.mut_arg(id, |a| match kind {
                    Some(kind) => {
                        a.add(ArgValueCompleter::new(move |typed: &OsStr| candidates(kind, book.as_deref(), typed)))
                    }
                    None => a,
                });
            }
        }
        let subs: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
        for name in subs {
            path.push(name.clone());
            cmd = cmd.mut_subcommand(&name, |s| walk(s, path, book));
            path.pop();
        }
        cmd
    }
    walk(cmd, &mut Vec::new(), book)
}

/// The candidates for what was typed; none when there is no book or it
/// cannot be read (a completion never prints an error).
fn candidates(kind: Kind, book: Option<&std::path::Path>, typed: &OsStr) -> Vec<CompletionCandidate> {
    let (Some(path), Some(typed)) = (book, typed.to_str()) else {
        return Vec::new();
    };
    if !path.is_file() {
        return Vec::new();
    }
    let Ok(conn) = complete::open_read_only(path) else {
        return Vec::new();
    };
    match kind {
        Kind::Customer => complete::customers(&conn, typed, MOST)
            .unwrap_or_default()
            .into_iter()
            .map(|c| CompletionCandidate::new(c.code).help(Some(c.name.into())))
            .collect(),
        Kind::Invoice => complete::invoices(&conn, typed, MOST)
            .unwrap_or_default()
            .into_iter()
            .map(|v| {
                let help = match v.open {
                    Some(due) => format!("{} · {} open", v.customer, due.grouped()),
                    None => v.customer,
                };
                CompletionCandidate::new(v.number).help(Some(help.into()))
            })
            .collect(),
    }
}

/// The book the line being completed names (`--db PATH` or `--db=PATH`),
/// else `HUIKUAN_DB`, else the default book; as `Ctx` finds it.
fn book_on_line(args: impl Iterator<Item = OsString>) -> Option<PathBuf> {
    let args: Vec<OsString> = args.collect();
    let mut named = None;
    for (i, arg) in args.iter().enumerate() {
        let Some(text) = arg.to_str() else { continue };
        if text == "--db" {
            named = args.get(i + 1).map(PathBuf::from);
        } else if let Some(p) = text.strip_prefix("--db=") {
            named = Some(PathBuf::from(p));
        }
    }
    if let Some(p) = named.filter(|p| !p.as_os_str().is_empty()) {
        return Some(tilde(p));
    }
    match std::env::var_os("HUIKUAN_DB") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => crate::context::data_dir().map(|d| d.join("book.sqlite")),
    }
}

/// `~/x` as the shell would have made it had the line been run (the words
/// handed to the completer are as typed).
fn tilde(p: PathBuf) -> PathBuf {
    match (p.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_naming_a_book_value_complete_but_new_codes_and_numbers_do_not() {
        assert_eq!(kind_of(&["invoice", "show"], "number"), Some(Kind::Invoice));
        assert_eq!(kind_of(&["invoice", "add"], "number"), None);
        assert_eq!(kind_of(&["invoice", "add"], "customer"), Some(Kind::Customer));
        assert_eq!(kind_of(&["customer", "show"], "code"), Some(Kind::Customer));
        assert_eq!(kind_of(&["customer", "add"], "code"), None);
        assert_eq!(kind_of(&["pay", "add"], "invoice"), Some(Kind::Invoice));
        assert_eq!(kind_of(&["report", "aging"], "as_of"), None);
    }

    #[test]
    fn positionals_keep_their_places_when_completers_are_attached() {
        use clap::{Arg, Command};
        let add = Command::new("add").arg(Arg::new("customer")).arg(Arg::new("amount").allow_negative_numbers(true));
        let mut cmd = with_book_values(Command::new("huikuan").subcommand(Command::new("pay").subcommand(add)), &None);
        cmd.build();
        let pay = cmd.find_subcommand("pay").and_then(|c| c.find_subcommand("add")).unwrap();
        let places: Vec<(String, Option<usize>, bool)> = pay
            .get_positionals()
            .map(|a| (a.get_id().to_string(), a.get_index(), a.get::<ArgValueCompleter>().is_some()))
            .collect();
        assert_eq!(places, [("customer".to_string(), Some(1), true), ("amount".to_string(), Some(2), false)]);
    }

    #[test]
    fn the_book_is_the_one_named_on_the_line_last() {
        let line = ["huikuan", "--", "huikuan", "--db", "a.sqlite", "invoice", "--db=b.sqlite", "show", ""];
        let book = book_on_line(line.iter().map(OsString::from));
        assert_eq!(book, Some(PathBuf::from("b.sqlite")));
    }
}
