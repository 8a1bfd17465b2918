//! `huikuan customer list | head -1`: a reader that goes away early is not an error.

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use crate::common::TestEnv;

#[test]
fn a_closed_stdout_pipe_ends_the_command_quietly_with_success() {
    let env = TestEnv::new();
    let mut csv = String::from("code,name,credit_limit\n");
    for i in 0..5_000 {
        csv.push_str(&format!("C{i:05},客户 {i} 有限公司,{i}000\n"));
    }
    env.write_file("many.csv", csv);
    env.ok(&["customer", "import", "many.csv"]);

    // Each format writes differently (one big table, CSV rows, streamed JSON).
    for format in ["table", "csv", "json"] {
        let mut child = env
            .spawnable(&["customer", "list", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn huikuan");
        let mut first = String::new();
        {
            let mut out = BufReader::new(child.stdout.take().expect("stdout"));
            out.read_line(&mut first).expect("read one line");
            // Dropping the reader closes our end of the pipe, like `head -1`.
        }
        let mut err = String::new();
        child.stderr.take().expect("stderr").read_to_string(&mut err).expect("read stderr");
        let status = child.wait().expect("wait");
        assert!(!first.is_empty(), "{format}: the first line arrived");
        assert!(status.success(), "{format}: a closed pipe is not a failure, got {status}; stderr: {err}");
        assert!(
            !err.contains("error") && !err.contains("panicked") && !err.contains("错误"),
            "{format}: nothing to say about a closed pipe, got: {err}"
        );
    }
}

/// Run `args` with stdout closed before it writes a byte (`| true`): it must
/// end with success and say nothing on stderr.
pub fn quiet_when_stdout_is_closed(env: &TestEnv, args: &[&str]) {
    let mut child = env.spawnable(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn huikuan");
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut err).expect("read stderr");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "huikuan {}: a closed pipe is not a failure; stderr: {err}", args.join(" "));
    assert!(err.is_empty(), "huikuan {}: nothing to say about a closed pipe, got: {err}", args.join(" "));
}

#[test]
fn every_list_and_report_ends_quietly_when_the_reader_is_gone() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "深圳华远电子有限公司", "--alias", "华远电子"]);
    env.ok(&["-q", "invoice", "add", "INV-1", "HY", "12000", "--date", "2026-08-01"]);
    env.ok(&["-q", "pay", "add", "HY", "2000", "--date", "2026-10-01"]);
    env.write_file(
        "nov.csv",
        "交易日期,收入金额,支出金额,余额,对方户名,对方账号,摘要\n2026-11-03,250.00,,250.00,张三,6217000000000001,转账\n",
    );
    env.ok(&["-q", "reconcile", "import", "nov.csv"]);
    env.ok(&["-q", "close", "2026-09"]);
    let lists: &[&[&str]] = &[
        &["customer", "list"],
        &["customer", "show", "HY"],
        &["customer", "score", "--suggest"],
        &["invoice", "list"],
        &["invoice", "show", "INV-1"],
        &["pay", "list"],
        &["pay", "show", "1"],
        &["reconcile", "list"],
        &["reconcile", "profiles"],
        &["dun", "list"],
        &["dun", "history"],
        &["dun", "interest"],
        &["dun", "letter", "HY"],
        &["report", "aging"],
        &["report", "aging", "--detail"],
        &["report", "collection", "--from", "2026-10-01", "--to", "2026-10-31"],
        &["report", "provision"],
        &["report", "statement", "HY", "--from", "2026-08-01", "--to", "2026-11-22"],
        &["report", "summary"],
        &["report", "forecast"],
        &["check"],
        &["close", "--list"],
        &["config"],
        &["log"],
        &["--help"],
        &["--version"],
    ];
    for args in lists {
        if args[0].starts_with("--") {
            quiet_when_stdout_is_closed(&env, args);
            continue;
        }
        // `check` prints no list: it takes no --format.
        if args[0] == "check" {
            quiet_when_stdout_is_closed(&env, &["-q", "check"]);
            continue;
        }
        // Letters and statements are text only; the summary has no CSV.
        let formats: &[&str] = match (args[0], args.get(1).copied()) {
            ("dun", Some("letter")) | ("report", Some("statement")) => &["table"],
            ("report", Some("summary")) => &["table", "json"],
            _ => &["table", "csv", "json"],
        };
        for format in formats {
            // -q: dun list may put a customer on hold, with a notice.
            let all = [&["-q"][..], args, &["--format", format]].concat();
            quiet_when_stdout_is_closed(&env, &all);
        }
    }
}

#[test]
fn a_notice_to_a_closed_stderr_does_not_panic() {
    let env = TestEnv::new();
    // `huikuan customer add … 2>&1 | true`: both streams into a pipe whose reader is gone.
    let mut child = env
        .spawnable(&["customer", "add", "HY", "Huayuan"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn huikuan");
    drop(child.stderr.take());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "the customer is added and the notice dropped, got {status}");
    assert_eq!(env.json(&["customer", "list"]).as_array().map(Vec::len), Some(1));
}
