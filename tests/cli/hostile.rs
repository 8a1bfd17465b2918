//! Hostile input files (DESIGN §7): spreadsheets built to exhaust memory
//! (a far cell, a huge declared dimension, a shared-strings count and a
//! shared-strings bomb, deep XML nesting), `/dev/zero`, a FIFO, a 2 GB
//! sparse file and a directory. Each is refused by every import it could be
//! given to with one `error:` line and exit 1, within 5 s and 300 MB of
//! memory (the peak resident set of the process, measured), writing
//! nothing: no book is created, an existing one is unchanged.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{TestEnv, assert_one_error_line};

const MAX_TIME: Duration = Duration::from_secs(5);
const MAX_PEAK_KB: u64 = 300 * 1024;

/// How one refused run went.
struct Run {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
    peak_kb: u64,
}

/// Run the binary with `args`, timing it and measuring its peak resident
/// set: with `/usr/bin/time -f %M` when there is one, else by polling
/// `VmHWM` in `/proc/<pid>/status` while it runs.
fn measured(env: &TestEnv, args: &[&str]) -> Run {
    let inner = env.spawnable(args);
    let rss_file = env.path().join("peak-rss");
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.env_clear();
        for (k, v) in inner.get_envs() {
            if let Some(v) = v {
                c.env(k, v);
            }
        }
        if let Some(dir) = inner.get_current_dir() {
            c.current_dir(dir);
        }
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(inner.get_program()).args(inner.get_args());
        c
    } else {
        inner
    };
    let started = Instant::now();
    let mut child =
        cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn huikuan");
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut polled_kb = 0;
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(&status_file)
            && let Some(kb) = s.lines().find_map(|l| l.strip_prefix("VmHWM:"))
        {
            polled_kb = polled_kb.max(kb.trim().trim_end_matches("kB").trim().parse().unwrap_or(0));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > MAX_TIME * 4 {
            let _ = child.kill();
            break child.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = started.elapsed();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr).expect("stderr");
    let peak_kb = match std::fs::read_to_string(&rss_file) {
        Ok(s) => s.lines().filter_map(|l| l.trim().parse::<u64>().ok()).next_back().unwrap_or(polled_kb),
        Err(_) => polled_kb,
    };
    let _ = std::fs::remove_file(&rss_file);
    // /usr/bin/time reports the program's exit in its own line on failure.
    let stderr = stderr.lines().filter(|l| !l.starts_with("Command exited")).collect::<Vec<_>>().join("\n");
    Run { code: status.code(), stderr, elapsed, peak_kb }
}

/// `args` is refused with one line holding `expected`, exit 1, within the
/// time and memory bounds, and the book (or its absence) is unchanged.
fn refused_within_bounds(env: &TestEnv, args: &[&str], expected: &str) {
    let had_book = env.db.exists();
    let before = had_book.then(|| env.book_fingerprint());
    let run = measured(env, args);
    let what = format!("huikuan {}", args.join(" "));
    eprintln!("{what}: exit {:?} in {:?}, peak {} KB", run.code, run.elapsed, run.peak_kb);
    assert_eq!(run.code, Some(1), "{what}: {}", run.stderr);
    assert_one_error_line(&run.stderr, expected);
    assert!(run.elapsed < MAX_TIME, "{what} took {:?}", run.elapsed);
    assert!(run.peak_kb < MAX_PEAK_KB, "{what} peaked at {} KB", run.peak_kb);
    assert!(run.peak_kb > 0, "{what}: the peak memory was not measured");
    assert_eq!(env.db.exists(), had_book, "{what} created a book");
    if let Some(before) = before {
        assert_eq!(env.book_fingerprint(), before, "{what} changed the book");
    }
}

fn bad_fixture(env: &TestEnv, name: &str) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad").join(name);
    env.write_file(name, std::fs::read(&src).expect("fixture"));
    name.to_string()
}

#[test]
fn hostile_spreadsheets_are_refused_before_they_are_allocated() {
    let env = TestEnv::new();
    // (file, why a bank statement is refused, why an import is): the
    // customer, invoice and payment imports read a workbook a cell at a
    // time, within their own budget (see import::bank::budget).
    for (name, held, streamed) in [
        // A1 and XFD1048576: calamine allocated the 17 billion cells between (512 GB).
        (
            "far-cell.xlsx",
            "its sheets span 17179869184 cells (at most 2097152)",
            "its sheets span 17179869184 cells (at most 67108864)",
        ),
        (
            "huge-dimension.xlsx",
            "a sheet declares 17179869184 cells (at most 2097152)",
            "a sheet declares 17179869184 cells (at most 67108864)",
        ),
        // uniqueCount="1000000000": calamine reserved 24 GB for the strings.
        (
            "string-count.xlsx",
            "it declares 1000000000 shared strings (at most 2097152)",
            "it declares 1000000000 shared strings (at most 2097152)",
        ),
        // 2 MB expanding to 2 GiB of shared strings.
        (
            "string-bomb.xlsx",
            "part xl/sharedStrings.xml expands to more than 256 MiB",
            "part xl/sharedStrings.xml holds a tag or text longer than 1 MiB",
        ),
        // 100,000 nested elements in a cell.
        (
            "deep-nesting.xlsx",
            "part xl/worksheets/sheet1.xml nests elements more than 256 deep",
            "part xl/worksheets/sheet1.xml nests elements more than 256 deep",
        ),
    ] {
        let file = bad_fixture(&env, name);
        let refused = |reason| format!("error: {file}: the XLSX workbook is too large to read safely: {reason}");
        refused_within_bounds(&env, &["reconcile", "import", &file], &refused(held));
        for what in ["customer", "invoice", "pay"] {
            refused_within_bounds(&env, &[what, "import", &file], &refused(streamed));
        }
    }
}

#[test]
fn special_and_oversized_files_are_refused_without_being_read() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HY", "华远电子"]);
    let fifo = env.path().join("pipe.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
    // A 2 GB file of holes: no disk used.
    let sparse = env.path().join("sparse.csv");
    std::fs::File::create(&sparse).and_then(|f| f.set_len(2 << 30)).expect("a sparse file");
    let mut cases = vec![
        ("/dev/zero".to_string(), "is a device, not a regular file".to_string()),
        ("sparse.csv".into(), "the file is larger than the input limit of 1024 MB".into()),
        (".".into(), "is a directory, not a regular file".into()),
    ];
    if made {
        cases.push(("pipe.csv".into(), "is a FIFO (named pipe), not a regular file".into()));
    }
    for (file, reason) in &cases {
        for command in ["reconcile", "invoice", "customer", "pay"] {
            refused_within_bounds(&env, &[command, "import", file], &format!("error: {file}: {reason}"));
        }
    }
}

#[test]
fn a_missing_book_is_not_created_by_a_refused_file() {
    let env = TestEnv::new();
    refused_within_bounds(&env, &["invoice", "import", "/dev/zero"], "is a device");
    let file = bad_fixture(&env, "far-cell.xlsx");
    refused_within_bounds(&env, &["reconcile", "import", &file], "too large to read safely");
}

#[test]
fn the_book_setting_max_input_mb_sets_the_limit() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HY", "华远电子"]);
    let mut csv = String::from("number,customer,issue_date,amount\n");
    for i in 0..40_000 {
        csv.push_str(&format!("INV-{i:06},HY,2026-10-01,100.00\n"));
    }
    assert!(csv.len() > 1 << 20);
    env.write_file("invoices.csv", &csv);
    env.ok(&["config", "set", "max_input_mb", "1"]);
    refused_within_bounds(&env, &["invoice", "import", "invoices.csv"], "larger than the input limit of 1 MB");
    refused_within_bounds(&env, &["reconcile", "import", "invoices.csv"], "larger than the input limit of 1 MB");
    env.ok(&["config", "set", "max_input_mb", "2"]);
    env.ok(&["invoice", "import", "invoices.csv"]);
}
