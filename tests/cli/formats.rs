//! `--format`: each command offers only the formats it prints (the table in
//! `huikuan::commands::formats`), clap refuses the others with the list —
//! after the subcommand or before it — and no command refuses at run time a
//! format its `--help` offers. The sweep reads the table itself, so a
//! format added there is run here.

use huikuan::commands::formats::OFFERED;
use huikuan::output::Format;

use crate::common::TestEnv;

const STATEMENT: &str = "记账日期,货币,交易金额,联机余额,交易摘要,对手信息,客户摘要\n\
                         2026-11-20,CNY,+1880.00,1880.00,货款,深圳华远电子有限公司,INV\n";

/// The demo book as the test's book (`HUIKUAN_DB`).
fn demo() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["-q", "--db", "book.sqlite", "demo"]);
    env
}

/// The arguments that make the command at `path` run on the demo book (its
/// `i`-th run: what it adds to the book is new each time), after preparing
/// the book for it; `None` for a command this sweep does not know.
fn prepared(env: &TestEnv, path: &str, i: usize) -> Option<Vec<String>> {
    let own = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let n = |prefix: &str| format!("{prefix}-{i}");
    Some(match path {
        "customer list"
        | "invoice list"
        | "pay list"
        | "reconcile list"
        | "reconcile profiles"
        | "dun list"
        | "dun history"
        | "dun interest"
        | "dun charge-interest"
        | "report aging"
        | "report provision"
        | "report summary"
        | "report forecast"
        | "report reasons"
        | "config"
        | "log" => own(&[]),
        "customer show" => own(&["HY"]),
        "customer score" => own(&["--suggest"]),
        "invoice add" => own(&[&n("FA"), "HY", "100", "--date", "2026-11-01"]),
        "invoice show" => own(&["INV-2025001"]),
        "invoice reschedule" => {
            env.ok(&["-q", "invoice", "add", &n("FR"), "HY", "300", "--date", "2026-11-01"]);
            own(&["--yes", &n("FR"), "--from", "2026-11-20", "--split", "3"])
        }
        "pay add" => own(&["HY", "1", "--date", "2026-11-20"]),
        "pay show" => own(&["1"]),
        "pay apply" => {
            // Credit held on a customer of its own, then an invoice for it.
            env.ok(&["-q", "customer", "add", &n("PA"), "Payer"]);
            let paid = env.json(&["-q", "pay", "add", &n("PA"), "50", "--date", "2026-11-02", "--hold-credit"]);
            env.ok(&["-q", "invoice", "add", &n("PAI"), &n("PA"), "30", "--date", "2026-11-20"]);
            own(&[&paid["id"].to_string()])
        }
        "reconcile import" => {
            env.write_file("statement.csv", STATEMENT);
            own(&["statement.csv"])
        }
        "dun letter" => {
            // An e-mail needs its sender.
            env.ok(&["-q", "config", "set", "company_email", "ar@example.com"]);
            own(&["HY", "--level", "3"])
        }
        "dun waive" => {
            // Interest accrued on a year-old invoice, not yet posted.
            env.ok(&["-q", "customer", "add", &n("W"), "Late"]);
            env.ok(&["-q", "invoice", "add", &n("WI"), &n("W"), "10000", "--date", "2025-11-01"]);
            own(&[&n("W"), "--amount", "1", "--reason", "goodwill"])
        }
        "report collection" => own(&["--period", "2026-10"]),
        "report statement" => own(&["HY", "--from", "2026-10-01", "--to", "2026-10-31"]),
        "report confirmations" => own(&["--period", "2026-10"]),
        "export journal" => own(&["--from", "2026-11-01", "--to", "2026-11-30"]),
        "demo" => own(&["--db", &format!("demo-{i}.sqlite")]),
        "close" => own(&["--list"]),
        _ => return None,
    })
}

/// Whether `out` is in `format` at a glance, never a table in its place:
/// JSON parses as one document, a workbook is a zip, HTML is a page, and
/// the text formats draw no table.
fn looks_like(format: Format, out: &[u8]) -> bool {
    let text = String::from_utf8_lossy(out);
    match format {
        Format::Table => true,
        Format::Json => serde_json::from_slice::<serde_json::Value>(out).is_ok(),
        Format::Xlsx => out.starts_with(b"PK\x03\x04"),
        Format::Html => text.contains("<html") && !text.contains('┆'),
        _ => !text.contains('┆'),
    }
}

#[test]
fn every_command_prints_every_format_its_help_offers() {
    let env = demo();
    let (mut runs, mut failed) = (0, Vec::new());
    for (path, formats) in OFFERED {
        if formats.is_empty() {
            continue;
        }
        for (i, format) in formats.iter().enumerate() {
            let args = prepared(&env, path, i).unwrap_or_else(|| panic!("the sweep knows no arguments for {path}"));
            let mut all: Vec<&str> = path.split(' ').collect();
            all.extend(args.iter().map(String::as_str));
            all.extend(["--format", format.name()]);
            let out = env.run(&all);
            if !out.status.success() || out.stdout.is_empty() || !looks_like(*format, &out.stdout) {
                let err = String::from_utf8_lossy(&out.stderr);
                failed.push(format!(
                    "huikuan {}: exit {:?}, {} bytes out: {err}",
                    all.join(" "),
                    out.status.code(),
                    out.stdout.len()
                ));
            }
            runs += 1;
        }
    }
    assert!(failed.is_empty(), "{} of {runs} runs failed:\n{}", failed.len(), failed.join("\n"));
    // Every command and format of the table ran.
    assert_eq!(runs, OFFERED.iter().map(|(_, f)| f.len()).sum::<usize>());
    assert!(runs >= 110, "only {runs} runs");
}

/// Refused by clap: exit 2, the value named, the command's own list shown,
/// nothing else printed, the book unchanged.
pub fn refused_by_clap(env: &TestEnv, args: &[&str], value: &str, offered: &str) {
    let before = env.book_fingerprint();
    let (code, err) = env.fail(args);
    assert_eq!(code, 2, "huikuan {}: {err}", args.join(" "));
    let mut lines = err.lines();
    assert_eq!(lines.next(), Some(format!("error: invalid value '{value}' for '--format <FORMAT>'").as_str()), "{err}");
    assert_eq!(lines.next().map(str::trim), Some(format!("[possible values: {offered}]").as_str()), "{err}");
    assert_eq!(env.book_fingerprint(), before, "huikuan {} changed the book", args.join(" "));
}

#[test]
fn a_format_the_command_does_not_print_is_refused_with_its_list() {
    let env = demo();
    refused_by_clap(&env, &["customer", "list", "--format", "eml"], "eml", "table, csv, json, xlsx");
    // `dun list --format md` once printed a table in its place.
    refused_by_clap(&env, &["dun", "list", "--format", "md"], "md", "table, csv, json, xlsx");
    refused_by_clap(&env, &["invoice", "show", "INV-2025001", "--format", "xlsx"], "xlsx", "table, csv, json");
    refused_by_clap(&env, &["dun", "letter", "HY", "--format", "csv"], "csv", "txt, md, html, eml, json");
    refused_by_clap(&env, &["report", "summary", "--format", "csv"], "csv", "table, json");
    refused_by_clap(
        &env,
        &["export", "journal", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "json"],
        "json",
        "hledger, beancount, csv",
    );
    // A write is refused before it writes: no payment 1000.00 from HY.
    refused_by_clap(&env, &["pay", "add", "HY", "1000", "--format", "xlsx"], "xlsx", "table, csv, json");
    // The waivers have no JSON of their own: once a table in its place.
    refused_by_clap(&env, &["dun", "waive", "MH", "--reason", "x", "--format", "json"], "json", "table, csv, xlsx");
}

#[test]
fn a_format_given_before_the_subcommand_is_held_to_the_same_list() {
    let env = demo();
    refused_by_clap(&env, &["--format", "eml", "customer", "list"], "eml", "table, csv, json, xlsx");
    refused_by_clap(&env, &["dun", "--format", "md", "list"], "md", "table, csv, json, xlsx");
    refused_by_clap(&env, &["--format", "table", "report", "summary", "--format", "csv"], "csv", "table, json");
    // One the command prints works from there, as after it.
    let before = env.ok(&["--format", "csv", "customer", "list"]);
    assert_eq!(before, env.ok(&["customer", "list", "--format", "csv"]));
    assert_eq!(before.lines().next(), Some("code,name,grade,credit limit,balance,on hold"));
    // The last one given wins, as for any option.
    let json = env.ok(&["--format", "eml", "customer", "list", "--format", "json"]);
    assert!(json.starts_with("[\n"), "{json}");
}

#[test]
fn a_command_that_prints_no_list_takes_no_format() {
    let env = demo();
    let cases: [(&[&str], &str); 3] = [
        (&["init", "--format", "json"], "init"),
        (&["--format", "json", "backup", "copy.sqlite"], "backup"),
        (&["config", "set", "grace_days", "3", "--format", "csv"], "config set"),
    ];
    for (args, name) in cases {
        let before = env.book_fingerprint();
        let (code, err) = env.fail(args);
        assert_eq!(code, 2, "{err}");
        assert_eq!(err.trim_end(), format!("error: huikuan {name} prints no list or report: it takes no --format"));
        assert_eq!(env.book_fingerprint(), before, "huikuan {name} changed the book");
    }
    assert!(!env.path().join("copy.sqlite").exists(), "no backup was made");
    assert!(!env.ok(&["backup", "--help"]).contains("--format <FORMAT>"), "its help offers none");
}

#[test]
fn each_command_help_lists_only_its_formats_and_the_default() {
    let env = TestEnv::new();
    let help = |args: &[&str]| {
        let h = env.ok(args);
        let at = h.find("--format <FORMAT>").unwrap_or_else(|| panic!("{args:?} shows no --format"));
        h[at..].lines().take(4).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
    };
    assert_eq!(
        help(&["customer", "list", "--help"]),
        "--format <FORMAT> Output format [default: table] [possible values: table, csv, json, xlsx]"
    );
    assert_eq!(
        help(&["dun", "letter", "--help"]),
        "--format <FORMAT> Output format [default: txt] [possible values: txt, md, html, eml, json]"
    );
    assert_eq!(
        help(&["export", "journal", "--help"]),
        "--format <FORMAT> Output format [default: hledger] [possible values: hledger, beancount, csv]"
    );
    assert!(help(&["report", "aging", "--help"]).ends_with("[possible values: table, csv, json, xlsx, html]"));
    // A group prints nothing itself: its subcommands say what they print.
    assert!(!env.ok(&["dun", "--help"]).contains("--format <FORMAT>"));
}

#[test]
fn completions_and_manual_pages_offer_each_command_its_own_formats() {
    let env = TestEnv::new();
    let bash = env.ok(&["completions", "bash"]);
    // The completion of `dun letter --format`, and of `customer list --format`.
    assert!(bash.contains("\"txt md html eml json\""), "the letter formats in the bash script");
    assert!(bash.contains("\"table csv json xlsx\""), "the list formats in the bash script");
    env.ok(&["-q", "man", "--dir", "man1"]);
    let page = |name: &str| std::fs::read_to_string(env.path().join("man1").join(name)).unwrap();
    let letter = page("huikuan-dun-letter.1");
    let at = letter.find("\\fB\\-\\-format\\fR \\fI<FORMAT>\\fR\nOutput format [default: txt]").expect("its --format");
    let block = &letter[at..at + letter[at..].find("\n.RE").expect("the end of its values")];
    // Its lines of text: the help, then one per value.
    let text: Vec<&str> = block.lines().filter(|l| !l.is_empty() && !l.starts_with(['.', '\\'])).collect();
    assert_eq!(text, ["Output format [default: txt]", "txt", "md", "html", "eml", "json"]);
    assert!(!page("huikuan-backup.1").contains("\\fI<FORMAT>"), "backup's page offers no --format");
}
