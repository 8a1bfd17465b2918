//! `demo --generate`: the benchmark's data generator. Its files are the same
//! for the same seed, and the real import commands take them as they are.

use crate::common::{TODAY, TestEnv, rows};

const FILES: &[&str] = &["customers.csv", "invoices.csv", "payments.csv", "bank.csv", "actions.sh"];

fn generate(env: &TestEnv, dir: &str, seed: &str) -> String {
    env.ok_note(&[
        "demo",
        "--generate",
        dir,
        "--customers",
        "50",
        "--invoices",
        "500",
        "--bank-lines",
        "300",
        "--seed",
        seed,
    ])
}

fn read(env: &TestEnv, dir: &str, file: &str) -> Vec<u8> {
    std::fs::read(env.path().join(dir).join(file)).unwrap_or_else(|e| panic!("{dir}/{file}: {e}"))
}

/// The huikuan commands of actions.sh, as argument lists: lines of the form
/// `"$h" ARGS… --reason 'TEXT'`.
fn actions(script: &str) -> Vec<Vec<String>> {
    script
        .lines()
        .filter_map(|l| l.strip_prefix("\"$h\" "))
        .map(|l| {
            let (args, reason) = l.split_once(" --reason '").expect("every action gives a reason");
            let mut v: Vec<String> = args.split_whitespace().map(str::to_string).collect();
            v.extend(["--reason".to_string(), reason.strip_suffix('\'').expect("closing quote").to_string()]);
            v
        })
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_files_and_another_seed_other_files() {
    let env = TestEnv::new();
    let note = generate(&env, "a", "7");
    assert!(note.contains("50 customers, 500 invoices") && note.contains("300 bank lines"), "{note}");
    generate(&env, "b", "7");
    generate(&env, "c", "8");
    for f in FILES {
        assert_eq!(read(&env, "a", f), read(&env, "b", f), "{f} differs for the same seed");
    }
    for f in ["customers.csv", "invoices.csv", "payments.csv", "bank.csv"] {
        assert_ne!(read(&env, "a", f), read(&env, "c", f), "{f} is the same for another seed");
    }
    // --generate writes files only: no book, and the options need it.
    assert!(!env.db.exists());
    let (code, err) = env.fail(&["demo", "--seed", "7"]);
    assert_eq!(code, 2, "{err}");
}

/// A made-up book past what the generator may hold is refused at the
/// command line, before a directory or a file is made.
#[test]
fn a_book_too_large_to_generate_is_refused_before_anything_is_written() {
    let env = TestEnv::new();
    let dir = env.path().join("huge");
    let dir = dir.to_str().unwrap();
    for (option, value) in [("--invoices", "100000001"), ("--customers", "1000001"), ("--customers", "0")] {
        let (code, err) = env.fail(&["demo", "--generate", dir, option, value]);
        assert_eq!(code, 2, "{option} {value}: {err}");
        assert!(err.contains(option) && err.contains(value), "{option} {value}: {err}");
        assert!(!std::path::Path::new(dir).exists(), "{option} {value}: nothing is written");
    }
}

/// The files of a seed are the benchmark's books: a change to the generator
/// that changes them makes every figure measured before incomparable. These
/// are the SHA-256 of the files the generator wrote when it held the whole
/// made-up book in memory; it now draws the invoices again instead, and must
/// write the same bytes.
#[test]
fn a_seed_writes_the_same_files_byte_for_byte_as_the_generator_always_has() {
    use sha2::{Digest, Sha256};
    let env = TestEnv::new();
    let dir = env.path().join("seed7");
    env.ok_note(&[
        "demo",
        "--generate",
        dir.to_str().unwrap(),
        "--customers",
        "50",
        "--invoices",
        "5000",
        "--bank-lines",
        "300",
        "--seed",
        "7",
    ]);
    let expected = [
        ("customers.csv", "d0126525f2dd1a7109fcaf4f8f6f6e16a77a6b987ad476238125142b262bd16f"),
        ("invoices.csv", "a7397f8fff8085627bb5d8ac83cb2a80c2dfc8c6e8058b40d5db2c4306b7d3cf"),
        ("payments.csv", "47228aca1fbe62d24f0a930760aa948cff3baae6022be8b24b461b1a4494040c"),
        ("bank.csv", "71cb173af761483bca47776061d5f1b4007d700c66572a95596fa4b993eb4937"),
        ("actions.sh", "13402ca1da93205621cf99276863eb522c19e5276320b29318f4c4ae40384ca2"),
    ];
    for (file, sha) in expected {
        let digest = Sha256::digest(read(&env, "seed7", file));
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, sha, "{file} is not what seed 7 always wrote");
    }
}

#[test]
fn the_generated_files_import_through_the_real_commands_and_the_book_checks() {
    let env = TestEnv::new();
    generate(&env, "gen", "3");
    let text = |f: &str| String::from_utf8(read(&env, "gen", f)).expect("UTF-8");
    let (invoices, payments) = (text("invoices.csv"), text("payments.csv"));
    assert_eq!(text("customers.csv").lines().count(), 51);
    assert_eq!(invoices.lines().count(), 501);
    assert_eq!(text("bank.csv").lines().count(), 301);
    // Both ways of setting a due date, payments with and without an invoice,
    // and payments after the as-of date (today here), in date order.
    let due = |l: &&str| l.split(',').nth(3).is_some_and(|d| !d.is_empty());
    assert!(invoices.lines().skip(1).any(|l| due(&l)) && invoices.lines().skip(1).any(|l| !due(&l)));
    let dates: Vec<&str> = payments.lines().skip(1).map(|l| &l[..10]).collect();
    assert!(dates.is_sorted(), "payments are in date order");
    assert!(dates.iter().any(|d| *d > TODAY), "some payments come after the as-of date");
    assert!(payments.lines().skip(1).any(|l| l.ends_with(',')) && payments.lines().skip(1).any(|l| !l.ends_with(',')));

    env.ok(&["-q", "customer", "import", "gen/customers.csv"]);
    env.ok(&["-q", "invoice", "import", "gen/invoices.csv"]);
    env.ok(&["-q", "pay", "import", "gen/payments.csv"]);
    let script = text("actions.sh");
    let commands = actions(&script);
    for what in ["invoice dispute", "customer hold"] {
        assert!(commands.iter().any(|c| c.join(" ").contains(what)), "no {what} in:\n{script}");
    }
    for c in &commands {
        let args: Vec<&str> = c.iter().map(String::as_str).collect();
        env.ok(&args);
    }
    assert!(env.ok_note(&["check"]).starts_with("ok:"));
    assert_eq!(rows(&env.json(&["customer", "list"])).len(), 50);
    assert!(!rows(&env.json(&["invoice", "list", "--status", "disputed"])).is_empty());
    assert!(!rows(&env.json(&["customer", "list", "--on-hold"])).is_empty());
    let aging = env.ok(&["report", "aging"]);
    let tie = aging.lines().find(|l| l.starts_with("tie-out:")).expect("a tie-out line");
    assert!(tie.ends_with('✓'), "{tie}");

    // The statement is read by a built-in profile, has credits and debits,
    // and its credits pay open invoices by number and by name.
    let r = env.json(&["reconcile", "import", "gen/bank.csv", "--auto"]);
    assert_eq!(r["profile"], "generic-cn-bank");
    assert_eq!(r["rows"], 300);
    assert!(r["debits"].as_u64() > Some(0) && r["queued"].as_u64() > Some(0), "{}", r["debits"]);
    assert!(r["balance_breaks"].as_array().is_some_and(Vec::is_empty), "the running balance adds up");
    let rule = |name: &str| rows(&r["lines"]).iter().any(|l| l["applied"] == true && l["match"]["rule"] == name);
    assert!(rule("invoice-ref") && rule("name"), "matched by invoice number and by name");
    assert!(env.ok_note(&["check"]).starts_with("ok:"));
}
