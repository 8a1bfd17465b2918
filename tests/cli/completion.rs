//! Completion from the book: the shell calls `huikuan` back with the line
//! being completed (`COMPLETE=<shell>`, clap_complete's protocol) and gets
//! the book's customer codes and invoice numbers. And the progress bars of
//! the long commands other than imports: on a terminal only, never piped
//! or with `-q`.

use std::process::Output;

use crate::common::TestEnv;

/// A book with three customers and three invoices: INV-1 open (1,000.00
/// due, 400.00 of 1,400.00 paid), INV-2 paid in full, INV-3 void.
fn book() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "深圳华远电子有限公司"]);
    env.ok(&["-q", "customer", "add", "HD", "Hd Logistics"]);
    env.ok(&["-q", "customer", "add", "BH", "Blue Harbor"]);
    env.ok(&["-q", "invoice", "add", "INV-1", "HY", "1400", "--date", "2026-10-01"]);
    env.ok(&["-q", "invoice", "add", "INV-2", "HD", "500", "--date", "2026-10-02"]);
    env.ok(&["-q", "invoice", "add", "INV-3", "BH", "300", "--date", "2026-10-03"]);
    env.ok(&["-q", "pay", "add", "HY", "400", "--invoice", "INV-1"]);
    env.ok(&["-q", "pay", "add", "HD", "500", "--invoice", "INV-2"]);
    env.ok(&["-q", "-y", "invoice", "void", "INV-3"]);
    env
}

/// Run the completer as `shell`'s script does for `words` (the line as
/// typed, `huikuan` first), completing the last word.
fn ask(env: &TestEnv, shell: &str, db: Option<&str>, words: &[&str]) -> Output {
    let mut cmd = env.command(&[]);
    cmd.arg("--").args(words).env("COMPLETE", shell).env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string());
    if let Some(db) = db {
        cmd.env("HUIKUAN_DB", db);
    }
    let out = cmd.output().expect("run huikuan");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "a completion prints no error: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn offered(env: &TestEnv, shell: &str, words: &[&str]) -> String {
    String::from_utf8(ask(env, shell, None, words).stdout).unwrap()
}

#[test]
fn invoice_numbers_complete_from_the_book_open_ones_first_with_customer_and_balance() {
    let env = book();
    // fish shows each candidate's help: the customer, and what is open.
    assert_eq!(
        offered(&env, "fish", &["huikuan", "invoice", "show", "INV-"]),
        "INV-1\tHY · 1,000.00 open\nINV-2\tHD\nINV-3\tBH\n"
    );
    assert_eq!(offered(&env, "bash", &["huikuan", "pay", "add", "HY", "400", "--invoice", "INV-1"]), "INV-1");
    assert_eq!(offered(&env, "bash", &["huikuan", "invoice", "write-off", "X"]), "");
}

#[test]
fn customer_codes_complete_from_the_book_with_their_names() {
    let env = book();
    assert_eq!(
        offered(&env, "fish", &["huikuan", "customer", "show", "H"]),
        "HD\tHd Logistics\nHY\t深圳华远电子有限公司\n"
    );
    // Codes are compared ignoring case, as the book compares them.
    assert_eq!(offered(&env, "bash", &["huikuan", "report", "aging", "--customer", "b"]), "BH");
    // The customer of a new invoice completes; its new number does not.
    assert_eq!(offered(&env, "bash", &["huikuan", "invoice", "add", "INV-9", "H"]), "HD\nHY");
    assert_eq!(offered(&env, "bash", &["huikuan", "pay", "add", "B"]), "BH");
    assert_eq!(offered(&env, "bash", &["huikuan", "invoice", "add", "INV-"]), "");
    assert_eq!(offered(&env, "bash", &["huikuan", "customer", "add", "H"]), "");
}

#[test]
fn completion_reads_the_book_named_by_db_on_the_line() {
    let env = book();
    let moved = env.path().join("other.sqlite");
    std::fs::rename(&env.db, &moved).unwrap();
    let moved = moved.to_str().unwrap();
    let words = ["huikuan", "--db", moved, "dun", "waive", "HY", "--invoice", "INV-"];
    let missing = env.path().join("missing.sqlite");
    let out = ask(&env, "bash", Some(missing.to_str().unwrap()), &words);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "INV-1\nINV-2\nINV-3");
    assert!(!missing.exists());
}

#[test]
fn without_a_book_completion_offers_nothing_and_creates_nothing() {
    let env = TestEnv::new();
    let out = ask(&env, "bash", None, &["huikuan", "customer", "show", "H"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "");
    assert!(!env.db.exists(), "no book made by a Tab");
    // A book completed from is left as it was: no -wal or -shm beside it.
    let env = book();
    let bytes = std::fs::read(&env.db).unwrap();
    assert_eq!(offered(&env, "bash", &["huikuan", "invoice", "void", "INV-"]), "INV-1\nINV-2\nINV-3");
    assert!(std::fs::read(&env.db).unwrap() == bytes, "the book is not written");
    let mut beside: Vec<String> = std::fs::read_dir(env.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("book.sqlite"))
        .collect();
    beside.sort();
    assert_eq!(beside, ["book.sqlite"]);
}

#[test]
fn complete_env_prints_the_registration_script_and_completions_the_static_one() {
    let env = TestEnv::new();
    let registration = env.command(&[]).env("COMPLETE", "bash").output().unwrap();
    let script = String::from_utf8(registration.stdout).unwrap();
    assert!(script.contains("_CLAP_COMPLETE_INDEX"), "{script}");
    assert!(script.contains("complete -o nospace -o bashdefault -F _clap_complete_huikuan huikuan"), "{script}");
    let fixed = env.ok(&["completions", "bash"]);
    assert!(fixed.contains("_huikuan()"), "{fixed}");
    assert!(!fixed.contains("_CLAP_COMPLETE_INDEX"));
}

/// `args` run under a pseudo-terminal (`script`), 100 columns: what the
/// terminal showed, stdout and stderr together.
fn on_terminal(env: &TestEnv, args: &[&str]) -> String {
    let script = env.on_terminal(100, args).output().expect("script (util-linux) runs");
    assert!(script.status.success(), "{}", String::from_utf8_lossy(&script.stderr));
    String::from_utf8(script.stdout).expect("UTF-8")
}

/// A book of 1,200 invoices of one customer (1,200 installments: enough
/// rows for a bar).
fn big_book() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "Hy Co"]);
    let mut csv = String::from("number,customer,issue_date,amount\n");
    for i in 0..1_200 {
        csv.push_str(&format!("INV-{i},HY,2026-10-{:02},{}.00\n", i % 28 + 1, 100 + i));
    }
    env.write_file("invoices.csv", &csv);
    env.ok(&["-q", "invoice", "import", "invoices.csv"]);
    env
}

#[test]
fn check_draws_a_bar_of_its_checks_on_a_terminal_and_none_piped_or_quiet() {
    let env = big_book();
    let piped = env.run(&["check"]);
    let said = String::from_utf8(piped.stderr).unwrap();
    assert!(piped.status.success(), "{said}");
    // 27 checks: integrity, foreign keys, 20 probes (six of them the kept
    // balances and copies), aliases, accounts, kept interest, audit trail, closed
    // months; one step of the bar each.
    assert_eq!(said, "ok: 27 checks passed\n", "piped: no bar");
    let shown = on_terminal(&env, &["check"]);
    assert!(shown.contains("1/27 checks"), "a bar counting the checks: {shown}");
    assert!(shown.contains("ok: 27 checks passed"), "{shown}");
    let quiet = on_terminal(&env, &["-q", "check"]);
    assert!(!quiet.contains("checks"), "-q draws no bar: {quiet}");
    // A small book: no bar.
    let small = book();
    let shown = on_terminal(&small, &["check"]);
    assert_eq!(shown.trim(), "ok: 27 checks passed", "no bar on a small book");
}
