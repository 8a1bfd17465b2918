//! The sealed test environment: a temp dir holding the book, the binary run
//! with a cleared environment, and helpers to read what it printed and what
//! is in the book.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use tempfile::TempDir;

/// "Today" in every test, so due dates and defaults are reproducible.
pub const TODAY: &str = "2026-11-22";

/// The tables that must exist and that the fingerprint always covers.
const CONTENT_TABLES: &[&str] = &[
    "customers",
    "customer_aliases",
    "customer_accounts",
    "contacts",
    "invoices",
    "installments",
    "payments",
    "allocations",
];

/// Tables that change on every run or describe the book rather than its
/// content: the audit trail and the settings.
const NOT_CONTENT: &[&str] = &["events", "settings"];

/// One test's world: a temp dir with the book in it, used as the working
/// directory, `HOME` and data dirs of every run.
pub struct TestEnv {
    dir: TempDir,
    pub db: PathBuf,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("book.sqlite");
        TestEnv { dir, db }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The environment every run gets, after the inherited one is cleared.
    fn vars(&self) -> Vec<(&'static str, String)> {
        let home = self.dir.path().join("home");
        vec![
            ("HUIKUAN_DB", self.db.display().to_string()),
            ("HUIKUAN_TODAY", TODAY.to_string()),
            ("HUIKUAN_LANG", "en".to_string()),
            ("NO_COLOR", "1".to_string()),
            // No pager on a pseudo-terminal unless a test asks for one.
            ("HUIKUAN_PAGER", String::new()),
            ("RUST_BACKTRACE", "1".to_string()),
            ("HOME", home.display().to_string()),
            ("XDG_DATA_HOME", home.join("data").display().to_string()),
            ("XDG_CONFIG_HOME", home.join("config").display().to_string()),
        ]
    }

    /// The binary with the sealed environment, not yet run. `env_clear` drops
    /// whatever the developer's shell has (HUIKUAN_YES, LANG, LC_ALL, …).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("huikuan").expect("the huikuan binary");
        cmd.env_clear().current_dir(self.dir.path()).args(args);
        for (k, v) in self.vars() {
            cmd.env(k, v);
        }
        cmd
    }

    /// The same as [`TestEnv::command`] as a `std::process::Command`, for
    /// tests that spawn the process and talk to it while it runs.
    pub fn spawnable(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("huikuan"));
        cmd.env_clear().current_dir(self.dir.path()).args(args);
        for (k, v) in self.vars() {
            cmd.env(k, v);
        }
        cmd
    }

    /// `huikuan args` under a pseudo-terminal (`script`, from util-linux)
    /// `cols` columns wide, with the sealed environment and the caller's
    /// PATH (for `script` and `stty`); not yet run. Its stdout is what the
    /// terminal showed: the program's stdout and stderr together.
    pub fn on_terminal(&self, cols: u16, args: &[&str]) -> std::process::Command {
        let bin = assert_cmd::cargo::cargo_bin("huikuan");
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let line = format!("stty cols {cols} rows 500; exec {} {}", bin.display(), quoted.join(" "));
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &line, "/dev/null"])
            .env_clear()
            .current_dir(self.dir.path())
            .stdin(std::process::Stdio::null());
        for (k, v) in self.vars() {
            cmd.env(k, v);
        }
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        // A terminal says what it is: without TERM no progress bar is drawn.
        cmd.env("TERM", "xterm");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run huikuan")
    }

    /// Run, insist on success, return stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "huikuan {} failed ({:?}):\n{}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_panic(&out.stderr);
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    /// Run, insist on success, return stderr (the notes a command leaves).
    pub fn ok_note(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "huikuan {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stderr).expect("stderr is UTF-8")
    }

    /// Run, insist on failure, return the exit code and stderr. Nothing may
    /// be printed on stdout when a command fails.
    pub fn fail(&self, args: &[&str]) -> (i32, String) {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "huikuan {} should have failed, printed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
        assert_no_panic(&out.stderr);
        assert!(
            out.stdout.is_empty(),
            "huikuan {} failed but printed on stdout:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
        let code = out.status.code().expect("exited, not killed");
        (code, String::from_utf8(out.stderr).expect("stderr is UTF-8"))
    }

    /// Run with `--format json` appended and parse stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("huikuan {}: not JSON ({e}):\n{out}", all.join(" ")))
    }

    /// Write a file into the temp dir; returns its path.
    pub fn write_file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).expect("write test file");
        p
    }

    /// Copy `tests/fixtures/<name>` into the temp dir (the working directory
    /// of every run), so messages name it as plain `<name>`.
    pub fn fixture(&self, name: &str) -> String {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        let bytes = std::fs::read(&src).unwrap_or_else(|e| panic!("fixture {}: {e}", src.display()));
        self.write_file(name, bytes);
        name.to_string()
    }

    /// A deterministic dump of every content table (everything but the audit
    /// trail and the settings), its rows sorted. Equal fingerprints
    /// before and after a failed command prove it wrote nothing.
    pub fn book_fingerprint(&self) -> String {
        let conn =
            Connection::open_with_flags(&self.db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open the book read-only");
        let mut tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("list tables");
        for t in CONTENT_TABLES {
            assert!(tables.iter().any(|x| x == t), "the book has no table {t}");
        }
        tables.retain(|t| !NOT_CONTENT.contains(&t.as_str()));
        let mut dump = String::new();
        for t in &tables {
            dump.push_str(&format!("[{t}]\n"));
            // Rows sorted as text: a WITHOUT ROWID table has no rowid to order by.
            let mut lines = Vec::new();
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).expect("select");
            let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
            let mut rows = stmt.query([]).expect("query");
            while let Some(row) = rows.next().expect("row") {
                let cells: Vec<String> = (0..names.len())
                    .map(|i| {
                        let v = match row.get_ref(i).expect("cell") {
                            ValueRef::Null => "NULL".to_string(),
                            ValueRef::Integer(n) => n.to_string(),
                            ValueRef::Real(f) => format!("{f:?}"),
                            ValueRef::Text(s) => format!("{:?}", String::from_utf8_lossy(s)),
                            ValueRef::Blob(b) => format!("blob{b:?}"),
                        };
                        format!("{}={v}", names[i])
                    })
                    .collect();
                lines.push(cells.join(" "));
            }
            lines.sort();
            for l in lines {
                dump.push_str(&l);
                dump.push('\n');
            }
        }
        dump
    }

    /// A raw connection to the book, for tests that set the scene directly.
    pub fn connect(&self) -> Connection {
        Connection::open(&self.db).expect("open the book")
    }
}

/// No Rust panic or backtrace ever reaches the user.
pub fn assert_no_panic(stderr: &[u8]) {
    let s = String::from_utf8_lossy(stderr);
    assert!(!s.contains("panicked") && !s.to_lowercase().contains("backtrace"), "a panic reached the user:\n{s}");
}

/// Exactly one line, `error: …`, containing `expected`.
pub fn assert_one_error_line(stderr: &str, expected: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected exactly one line on stderr, got:\n{stderr}");
    assert!(lines[0].starts_with("error: "), "the line should start with 'error: ': {stderr}");
    assert!(lines[0].contains(expected), "expected {expected:?} in: {stderr}");
}

/// A JSON amount in integer cents. The contract: a string with exactly two
/// decimals, no grouping ("1234.50"), never a JSON number.
pub fn cents(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("an amount must be a JSON string, got {v}"));
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or_else(|| panic!("amount {s:?} has no decimal point"));
    assert!(
        !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.len() == 2
            && frac.bytes().all(|b| b.is_ascii_digit()),
        "amount {s:?} is not plain decimal text with two places"
    );
    let n: i64 = format!("{int}{frac}").parse().expect("digits");
    if s.starts_with('-') { -n } else { n }
}

/// The rows of a JSON array.
pub fn rows(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("expected a JSON array, got {v}"))
}

/// The one row of a JSON array whose `key` equals `value`.
pub fn row<'a>(v: &'a Value, key: &str, value: &str) -> &'a Value {
    let found: Vec<&Value> = rows(v).iter().filter(|r| r[key] == value).collect();
    assert_eq!(found.len(), 1, "expected one row with {key} = {value} in {v}");
    found[0]
}

/// The money adds up, everywhere in the book, as the user can see it:
/// - each payment: its allocations plus its unapplied remainder make the payment;
/// - each invoice: its installments make the amount and the balance;
/// - each customer: open invoice balances minus unapplied credit make the balance.
pub fn assert_money_adds_up(env: &TestEnv) {
    let customers = env.json(&["customer", "list"]);
    let invoices = env.json(&["invoice", "list"]);
    let payments = env.json(&["pay", "list"]);
    for p in rows(&payments) {
        let id = p["id"].as_i64().expect("payment id");
        let shown = env.json(&["pay", "show", &id.to_string()]);
        let allocated: i64 = rows(&shown["allocations"]).iter().map(|a| cents(&a["amount"])).sum();
        if p["void"] == true {
            assert_eq!((allocated, cents(&shown["unapplied"])), (0, 0), "a void payment keeps nothing: {shown}");
        } else {
            assert_eq!(
                allocated + cents(&shown["unapplied"]),
                cents(&shown["amount"]),
                "allocations + unapplied = amount for payment {shown}"
            );
        }
        assert_eq!(shown["unapplied"], p["unapplied"], "pay list and pay show agree");
    }
    for inv in rows(&invoices) {
        let number = inv["number"].as_str().expect("invoice number");
        let shown = env.json(&["invoice", "show", number]);
        let parts = rows(&shown["installments"]);
        // What a payment plan moved is in its installments again: counted once.
        let amount: i64 = parts.iter().map(|i| cents(&i["amount"]) - i.get("moved").map_or(0, cents)).sum();
        let balance: i64 = parts.iter().map(|i| cents(&i["balance"])).sum();
        assert_eq!(amount, cents(&shown["amount"]), "installments make the amount: {shown}");
        assert_eq!(balance, cents(&shown["balance"]), "installments make the balance: {shown}");
        assert_eq!(shown["balance"], inv["balance"], "invoice list and show agree");
        for i in parts {
            let b = cents(&i["balance"]);
            assert!(b >= 0 && b <= cents(&i["amount"]), "0 ≤ balance ≤ amount: {shown}");
        }
    }
    for c in rows(&customers) {
        let code = c["code"].as_str().expect("customer code");
        let open: i64 = rows(&invoices).iter().filter(|i| i["customer"] == code).map(|i| cents(&i["balance"])).sum();
        let credit: i64 = rows(&payments)
            .iter()
            .filter(|p| p["customer"] == code && p["void"] == false)
            .map(|p| cents(&p["unapplied"]))
            .sum();
        assert_eq!(
            open - credit,
            cents(&c["balance"]),
            "customer {code}: invoice balances − unapplied credit = balance"
        );
    }
}

/// GBK bytes of a text (what a Chinese spreadsheet saves as "CSV").
pub fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable, "the text has characters GBK cannot hold");
    bytes.into_owned()
}
