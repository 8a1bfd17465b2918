//! A command still running after a second shows a spinner ("working… 3s")
//! on the terminal's stderr, taken off before its output; never into a
//! pipe, with `--quiet`, or with `HUIKUAN_PROGRESS=0`. Run under a real
//! pseudo-terminal with `script`.

use crate::common::TestEnv;

/// Invoices in the book: enough for `report aging --detail` to take over a
/// second before its first byte in a debug build (about 1.5 s: the report
/// is computed and its table measured before the first rows are drawn),
/// few enough to import in a few. (90,000 were enough until the import
/// took the bulk path: its indexes, built whole, read faster, 0.86 s.)
const INVOICES: usize = 150_000;

/// A book of made-up customers and `INVOICES` open invoices (the demo's
/// generator, no payments imported).
fn slow_book(env: &TestEnv) {
    let n = INVOICES.to_string();
    env.ok(&["-q", "demo", "--generate", "big", "--customers", "200", "--invoices", &n, "--bank-lines", "10"]);
    env.ok(&["-q", "customer", "import", "big/customers.csv"]);
    env.ok(&["-q", "invoice", "import", "big/invoices.csv"]);
}

/// `args` run on a 300-column terminal with the extra `vars`: everything
/// the terminal showed (stdout and stderr together, as the user sees them).
fn on_terminal(env: &TestEnv, vars: &[(&str, &str)], args: &[&str]) -> String {
    let out = env.on_terminal(300, args).envs(vars.iter().copied()).output().expect("script (util-linux) runs");
    let shown = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(out.status.success(), "{shown}");
    // The terminal turns each "\n" into "\r\n".
    shown.replace("\r\n", "\n")
}

const DETAIL: [&str; 3] = ["report", "aging", "--detail"];

/// The detail report as printed into a pipe: nothing on stderr, the whole
/// report on stdout, ending with its tie-out.
fn piped_detail(env: &TestEnv) -> String {
    let piped = env.run(&DETAIL);
    assert!(piped.status.success());
    assert_eq!(String::from_utf8_lossy(&piped.stderr), "", "nothing on stderr in a pipe");
    let report = String::from_utf8(piped.stdout).unwrap();
    // One line per invoice, all open (no payments were imported).
    let rows = report.lines().filter(|l| l.starts_with("│ INV-")).count();
    assert_eq!(rows, INVOICES, "{}", &report[..report.len().min(2000)]);
    assert!(report.contains("collected 0.00"), "{}", &report[report.len().saturating_sub(1000)..]);
    report
}

#[test]
fn a_command_running_over_a_second_shows_a_spinner_on_a_terminal_then_its_output_intact() {
    let env = TestEnv::new();
    slow_book(&env);
    let report = piped_detail(&env);

    let shown = on_terminal(&env, &[], &DETAIL);
    let (spun, printed) = shown.rsplit_once("\u{1b}[2K").expect("the spinner was drawn and cleared");
    assert!(spun.contains("working… 1s"), "{}", &spun[..spun.len().min(2000)]);
    // Cleared before the first byte of output: the report follows whole,
    // byte for byte as in the pipe, and nothing is drawn after it.
    assert_eq!(printed, report);

    let env_zh = ["--lang", "zh", "report", "aging", "--detail"];
    let shown = on_terminal(&env, &[], &env_zh);
    let (spun, _) = shown.rsplit_once("\u{1b}[2K").expect("the spinner was drawn and cleared");
    assert!(spun.contains("处理中… 1 秒"), "{}", &spun[..spun.len().min(2000)]);
}

#[test]
fn the_spinner_is_never_shown_piped_quiet_or_with_huikuan_progress_0() {
    let env = TestEnv::new();
    slow_book(&env);
    // Piped: stderr is empty (checked in `piped_detail`).
    let report = piped_detail(&env);

    let quiet = on_terminal(&env, &[], &["-q", "report", "aging", "--detail"]);
    let off = on_terminal(&env, &[("HUIKUAN_PROGRESS", "0")], &DETAIL);
    for (what, shown) in [("--quiet", quiet), ("HUIKUAN_PROGRESS=0", off)] {
        assert!(!shown.contains("working") && !shown.contains('\u{1b}'), "{what}: {}", &shown[..shown.len().min(2000)]);
        assert_eq!(shown, report, "{what}");
    }
}
