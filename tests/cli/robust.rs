//! The two reliability promises of the design, tested the hard way:
//! - crash safety: a command killed with SIGKILL at any moment leaves a book
//!   that passes `check` and holds either nothing or all of what it was doing;
//! - concurrency: several processes at once never fail with "locked"/"busy",
//!   readers see consistent snapshots, and the totals reconcile exactly.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{TestEnv, cents, rows};

/// Rows per import file: 10^4 by default, `HUIKUAN_KILL_ROWS` to change it.
/// The figure is 10^5; each import runs 17 times here (with `check`
/// and a dump of the book after every kill), which with the debug binary on
/// a 2-core machine takes minutes per import at 10^5, so the default keeps
/// `cargo test` fast and the full size is run with the release build:
/// `HUIKUAN_KILL_ROWS=100000 cargo test --release --test cli robust::a_command_killed`.
fn rows_per_import() -> usize {
    std::env::var("HUIKUAN_KILL_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

/// Kill points per import; a few more go to `reconcile undo` and `close`.
const IMPORT_KILLS: usize = 15;
const UNDO_KILLS: usize = 6;
const CLOSE_KILLS: usize = 5;

/// The two tests here are timing-sensitive and each loads both cores: they
/// take turns rather than skew each other's measurements (and with the
/// timed tests of `backup`).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

pub(crate) fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

const CUSTOMERS: [&str; 4] = ["HY", "NW", "DF", "XM"];

/// What an operation can have written, counted straight from the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    invoices: i64,
    installments: i64,
    payments: i64,
    allocations: i64,
    live_batches: i64,
    bank_lines: i64,
    open_closes: i64,
}

fn counts(env: &TestEnv) -> Counts {
    let conn = env.connect();
    let n = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}")) };
    Counts {
        invoices: n("SELECT count(*) FROM invoices"),
        installments: n("SELECT count(*) FROM installments"),
        payments: n("SELECT count(*) FROM payments"),
        allocations: n("SELECT count(*) FROM allocations"),
        live_batches: n("SELECT count(*) FROM bank_batches WHERE undone = 0"),
        bank_lines: n("SELECT count(*) FROM bank_lines"),
        open_closes: n("SELECT count(*) FROM closes WHERE reopened_at IS NULL"),
    }
}

fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// A copy of the book as it is now (its WAL folded in first, no process running).
fn snapshot(env: &TestEnv, name: &str) -> PathBuf {
    {
        let conn = env.connect();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).expect("checkpoint");
    }
    let copy = env.path().join(name);
    std::fs::copy(&env.db, &copy).expect("snapshot the book");
    settle(&copy);
    copy
}

/// Put the book back as it was at `snapshot` (no process running).
fn restore(env: &TestEnv, snapshot: &Path) {
    for suffix in ["-wal", "-shm"] {
        let p = sidecar(&env.db, suffix);
        if p.exists() {
            std::fs::remove_file(&p).expect("remove a WAL side file");
        }
    }
    std::fs::copy(snapshot, &env.db).expect("restore the book");
    settle(&env.db);
}

/// Flush a freshly written file to disk now, so that the next run's first
/// fsync does not pay for it and skew its timing.
fn settle(path: &Path) {
    std::fs::File::open(path).and_then(|f| f.sync_all()).expect("sync a file");
}

/// How one operation fared under the kills.
struct Tally {
    kills: usize,
    mid_run: usize,
    nothing: usize,
    all: usize,
    /// Kills that left uncommitted frames in the WAL: the command was stopped
    /// while writing its transaction out (the rest of its transaction lives
    /// in SQLite's page cache until the commit).
    torn: usize,
    inconsistent: usize,
}

/// Run `args` once to completion (timed), then kill it at `points` delays
/// spread from 0 to just past that duration. After each kill: `check` passes
/// and the book holds nothing of the operation (every content row as
/// before) or all of it. Ends with the operation run to completion on the
/// book the last kill left; returns the counts before and after it.
fn kill_at_every_moment(
    env: &TestEnv,
    label: &str,
    args: &[&str],
    points: usize,
    tally: &mut Tally,
) -> (Counts, Counts) {
    let pristine = snapshot(env, &format!("{label}.pristine"));
    let before = counts(env);
    let before_content = env.book_fingerprint();

    // Its typical duration, measured once, run exactly as in the kills below
    // (on a restored copy too).
    restore(env, &pristine);
    let spawn = || {
        env.spawnable(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn huikuan")
    };
    let started = Instant::now();
    let status = spawn().wait().expect("run huikuan");
    let took = started.elapsed();
    assert!(status.success(), "{label} failed uninterrupted: {status}");
    let after = counts(env);
    assert_ne!(before, after, "{label} must change the book");
    restore(env, &pristine);
    assert_eq!(counts(env), before, "{label}: restored");

    let horizon = took.mul_f64(1.15);
    let mid_run_before = tally.mid_run;
    let mut inconsistent = Vec::new();
    // Spread from 0 to just past the end; the last kill lands mid-run again,
    // so that the final run below starts on a book a kill left behind.
    let delays: Vec<Duration> =
        (0..points - 1).map(|i| horizon.mul_f64(i as f64 / (points - 2) as f64)).chain([took / 2]).collect();
    for delay in delays {
        let mut child = spawn();
        std::thread::sleep(delay);
        // `None`: still running when the signal was sent (give or take the
        // instant between the poll and the kill).
        let finished = child.try_wait().expect("poll the child");
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("reap the child");
        tally.kills += 1;
        match finished {
            Some(st) => assert!(st.success(), "{label}: finished on its own but failed ({st})"),
            None => tally.mid_run += 1,
        }

        let wal = std::fs::metadata(sidecar(&env.db, "-wal")).map(|m| m.len()).unwrap_or(0);
        let check = env.run(&["check"]);
        let now = counts(env);
        let consistent = check.status.success()
            && if now == before {
                tally.nothing += 1;
                if wal > 0 {
                    tally.torn += 1;
                }
                env.book_fingerprint() == before_content
            } else if now == after {
                tally.all += 1;
                true
            } else {
                false
            };
        if !consistent {
            tally.inconsistent += 1;
            inconsistent.push(format!(
                "{label} killed after {delay:?} ({status}): check {:?} {}\n  before {before:?}\n  now    {now:?}\n  after  {after:?}",
                check.status.code(),
                String::from_utf8_lossy(&check.stdout),
            ));
        }
        if now != before {
            restore(env, &pristine);
        }
    }
    eprintln!(
        "{label}: runs in {took:?}; {points} kills over 0..{horizon:?}, {} mid-run, {} inconsistent",
        tally.mid_run - mid_run_before,
        inconsistent.len()
    );
    assert!(inconsistent.is_empty(), "books left half-written:\n{}", inconsistent.join("\n"));

    // The operation still works on the book the kills left behind (a book
    // that got all of it was put back as it was before).
    assert_eq!(counts(env), before);
    let out = env.run(args);
    assert!(out.status.success(), "{label} after the kills: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(counts(env), after, "{label} after the kills writes all of it");
    env.ok(&["check"]);
    (before, after)
}

fn invoices_csv() -> String {
    let mut s = String::from("number,customer,issue_date,due_date,amount,description\n");
    for i in 0..rows_per_import() {
        let c = CUSTOMERS[i % CUSTOMERS.len()];
        s.push_str(&format!(
            "K-{i:06},{c},2026-{:02}-{:02},,{}.{:02},货物 {i}\n",
            1 + i % 10,
            1 + i % 28,
            100 + i % 900,
            i % 100
        ));
    }
    s
}

fn payments_csv() -> String {
    let mut s = String::from("date,customer,amount,method,reference,invoice\n");
    for i in 0..rows_per_import() {
        let c = CUSTOMERS[i % CUSTOMERS.len()];
        s.push_str(&format!("2026-11-{:02},{c},{}.00,bank,R-{i},\n", 1 + i % 20, 1 + i % 50));
    }
    s
}

fn statement_csv() -> String {
    let mut s = String::from("交易日期,收入金额,支出金额,余额,对方户名,对方账号,摘要\n");
    let mut balance = 0u64;
    for i in 0..rows_per_import() {
        let amount = 100 + i as u64;
        balance += amount;
        s.push_str(&format!(
            "2026-11-{:02},{amount}.00,,{balance}.00,某某商贸{i}号,62220000{i:08},货款 {i}\n",
            1 + i % 20
        ));
    }
    s
}

#[test]
fn a_command_killed_at_any_moment_leaves_nothing_or_all_of_it() {
    let _turn = one_at_a_time();
    let env = TestEnv::new();
    for (code, name) in
        CUSTOMERS.iter().zip(["深圳华远电子有限公司", "Northwind Traders Ltd.", "上海东方贸易有限公司", "小米"])
    {
        env.ok(&["-q", "customer", "add", code, name]);
    }
    env.ok(&["-q", "invoice", "add", "SEED-1", "HY", "5000", "--date", "2026-08-01"]);
    env.write_file("invoices.csv", invoices_csv());
    env.write_file("payments.csv", payments_csv());
    env.write_file("statement.csv", statement_csv());
    for f in ["invoices.csv", "payments.csv", "statement.csv"] {
        settle(&env.path().join(f));
    }
    let n = rows_per_import() as i64;
    let mut tally = Tally { kills: 0, mid_run: 0, nothing: 0, all: 0, torn: 0, inconsistent: 0 };
    let started = Instant::now();

    let (b, a) = kill_at_every_moment(
        &env,
        "invoice import",
        &["-q", "invoice", "import", "invoices.csv"],
        IMPORT_KILLS,
        &mut tally,
    );
    assert_eq!(a.invoices, b.invoices + n, "every row of the file became an invoice");

    let (b, a) =
        kill_at_every_moment(&env, "pay import", &["-q", "pay", "import", "payments.csv"], IMPORT_KILLS, &mut tally);
    assert_eq!(a.payments, b.payments + n, "every row of the file became a payment");
    assert!(a.allocations > b.allocations, "the payments went to the open invoices");

    let (b, a) = kill_at_every_moment(
        &env,
        "reconcile import",
        &["-q", "reconcile", "import", "statement.csv", "--format", "json"],
        IMPORT_KILLS,
        &mut tally,
    );
    assert_eq!(a.bank_lines, b.bank_lines + n, "every statement line is in the book");
    assert_eq!(a.live_batches, b.live_batches + 1, "as one batch");

    let batch: i64 = env.connect().query_row("SELECT max(id) FROM bank_batches", [], |r| r.get(0)).expect("the batch");
    let batch = batch.to_string();
    let (b, a) = kill_at_every_moment(
        &env,
        "reconcile undo",
        &["-q", "reconcile", "undo", &batch, "--yes"],
        UNDO_KILLS,
        &mut tally,
    );
    assert_eq!((b.live_batches - 1, b.bank_lines - n), (a.live_batches, a.bank_lines), "undo removes the batch");

    let (b, a) = kill_at_every_moment(&env, "close", &["-q", "close", "2026-10"], CLOSE_KILLS, &mut tally);
    assert_eq!(a.open_closes, b.open_closes + 1, "the month is closed");

    eprintln!(
        "crash safety: {} kill points ({} mid-run, {} after the command ended), {} books with nothing ({} of them \
         with a half-written transaction in the WAL), {} with all, {} inconsistent books; {n} rows per import; {:?}",
        tally.kills,
        tally.mid_run,
        tally.kills - tally.mid_run,
        tally.nothing,
        tally.torn,
        tally.all,
        tally.inconsistent,
        started.elapsed()
    );
    assert!(tally.kills >= 50, "at least 50 kill points");
    assert_eq!(tally.inconsistent, 0);
    // Most land mid-run (41-50 of 56 on a 2-core machine); a busy CI runner slows
    // the runs unevenly, so only insist that a good share did.
    assert!(tally.mid_run >= tally.kills / 3, "too few kills landed while the command ran: {}", tally.mid_run);
}

/// One run of the binary during the stampede: did it go through cleanly?
fn clean(label: &str, out: &std::process::Output, problems: &mut Vec<String>) -> bool {
    let err = String::from_utf8_lossy(&out.stderr);
    let lower = err.to_lowercase();
    if !out.status.success() || lower.contains("locked") || lower.contains("busy") || lower.contains("panicked") {
        problems.push(format!("{label}: {:?} {err}", out.status.code()));
        return false;
    }
    true
}

#[test]
fn many_processes_at_once_neither_fail_nor_see_half_a_change() {
    let _turn = one_at_a_time();
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "深圳华远电子有限公司"]);
    env.ok(&["-q", "customer", "add", "NW", "Northwind Traders Ltd."]);
    env.ok(&["-q", "invoice", "add", "SEED-1", "HY", "100000", "--date", "2026-09-01"]);
    const IMPORT_FILES: usize = 20;
    const IMPORT_ROWS: usize = 50;
    for k in 0..IMPORT_FILES {
        let mut s = String::from("number,customer,issue_date,due_date,amount,description\n");
        for j in 0..IMPORT_ROWS {
            s.push_str(&format!("M-{k:02}-{j:03},NW,2026-11-02,,3.00,imported\n"));
        }
        env.write_file(&format!("batch-{k:02}.csv"), s);
    }

    const PROCESSES: usize = 6;
    const RUN_FOR: Duration = Duration::from_secs(4);
    let started = Instant::now();
    let deadline = started + RUN_FOR;
    let env = &env;
    type Runs<'a> = Vec<(&'a str, Vec<String>)>;
    let (results, problems): (Runs, Vec<Vec<String>>) = std::thread::scope(|s| {
        let workers: Vec<_> = (0..PROCESSES)
            .map(|w| {
                s.spawn(move || {
                    let mut done = Vec::new();
                    let mut problems = Vec::new();
                    let mut i = 0;
                    let role = match w {
                        0 | 1 => "pay add",
                        2 => "invoice add",
                        3 => "report aging",
                        4 => "customer list",
                        _ => "invoice import",
                    };
                    while Instant::now() < deadline {
                        i += 1;
                        match role {
                            "pay add" => {
                                let r = format!("P{w}-{i}");
                                let args = ["-q", "pay", "add", "HY", "1.00", "--date", "2026-11-10", "--ref", &r];
                                if clean(role, &env.run(&args), &mut problems) {
                                    done.push(r);
                                }
                            }
                            "invoice add" => {
                                let num = format!("W-{i:04}");
                                let args = ["-q", "invoice", "add", &num, "NW", "10.00", "--date", "2026-11-01"];
                                if clean(role, &env.run(&args), &mut problems) {
                                    done.push(num);
                                }
                            }
                            "report aging" => {
                                let out = env.run(&["report", "aging", "--format", "json"]);
                                if clean(role, &out, &mut problems) {
                                    let r: Value = serde_json::from_slice(&out.stdout).expect("aging JSON");
                                    if r["tie_out"]["balanced"] != true {
                                        problems
                                            .push(format!("an aging read mid-run does not tie out: {}", r["tie_out"]));
                                    }
                                    done.push(r["tie_out"].to_string());
                                }
                            }
                            "customer list" => {
                                let out = env.run(&["customer", "list", "--format", "json"]);
                                if clean(role, &out, &mut problems) {
                                    let r: Value = serde_json::from_slice(&out.stdout).expect("customer JSON");
                                    if rows(&r).len() != 2 {
                                        problems.push(format!("customer list mid-run: {r}"));
                                    }
                                    done.push(String::new());
                                }
                            }
                            _ => {
                                if i > IMPORT_FILES {
                                    break;
                                }
                                let f = format!("batch-{:02}.csv", i - 1);
                                if clean(role, &env.run(&["-q", "invoice", "import", &f]), &mut problems) {
                                    done.push(f);
                                }
                                std::thread::sleep(Duration::from_millis(100));
                            }
                        }
                    }
                    ((role, done), problems)
                })
            })
            .collect();
        workers.into_iter().map(|h| h.join().expect("a worker")).unzip()
    });
    let elapsed = started.elapsed();
    let problems: Vec<String> = problems.into_iter().flatten().collect();
    let done = |role: &str| -> Vec<String> {
        results.iter().filter(|(r, _)| *r == role).flat_map(|(_, d)| d.iter().cloned()).collect()
    };
    let paid = done("pay add");
    let invoiced = done("invoice add");
    let agings = done("report aging");
    let lists = done("customer list");
    let imported = done("invoice import");
    let runs = paid.len() + invoiced.len() + agings.len() + lists.len() + imported.len();
    eprintln!(
        "concurrency: {PROCESSES} processes for {elapsed:?}: {runs} clean runs ({} pay add, {} invoice add, \
         {} aging reports, {} customer lists, {} imports of {IMPORT_ROWS}); {} problems",
        paid.len(),
        invoiced.len(),
        agings.len(),
        lists.len(),
        imported.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "runs that failed or saw a lock:\n{}", problems.join("\n"));
    assert!(
        !paid.is_empty() && !invoiced.is_empty() && !agings.is_empty() && !lists.is_empty() && !imported.is_empty(),
        "every kind of process got through at least once"
    );

    // Every successful `pay add` is there, once, and nothing else.
    let pays = env.json(&["pay", "list"]);
    let refs: BTreeSet<String> =
        rows(&pays).iter().map(|p| p["reference"].as_str().expect("a reference").to_string()).collect();
    assert_eq!(rows(&pays).len(), paid.len(), "one payment per successful pay add");
    assert_eq!(refs, paid.iter().cloned().collect::<BTreeSet<_>>(), "the payments are exactly the ones added");
    let paid_cents: i64 = rows(&pays).iter().map(|p| cents(&p["amount"])).sum();
    assert_eq!(paid_cents, paid.len() as i64 * 100, "sum of payments = successful adds × 1.00");

    // Every invoice added or imported is there.
    let invoices = env.json(&["invoice", "list"]);
    let expected_invoices = 1 + invoiced.len() + imported.len() * IMPORT_ROWS;
    assert_eq!(rows(&invoices).len(), expected_invoices);
    let invoiced_cents = 10_000_000 + invoiced.len() as i64 * 10_00 + (imported.len() * IMPORT_ROWS) as i64 * 3_00;
    let open: i64 = rows(&invoices).iter().map(|i| cents(&i["balance"])).sum();
    assert_eq!(open, invoiced_cents - paid_cents, "open balances = invoiced − paid");

    let aging = env.json(&["report", "aging"]);
    assert_eq!(aging["tie_out"]["balanced"], true, "{}", aging["tie_out"]);
    assert_eq!(cents(&aging["tie_out"]["invoiced"]), invoiced_cents, "{}", aging["tie_out"]);
    assert_eq!(cents(&aging["tie_out"]["collected"]), paid_cents, "{}", aging["tie_out"]);
    assert_eq!(cents(&aging["total"]), invoiced_cents - paid_cents, "aging total");
    env.ok(&["check"]);
    eprintln!(
        "concurrency totals: {} payments = {:.2}, {} invoices = {:.2}, outstanding {:.2}",
        paid.len(),
        paid_cents as f64 / 100.0,
        expected_invoices,
        invoiced_cents as f64 / 100.0,
        (invoiced_cents - paid_cents) as f64 / 100.0
    );
}
