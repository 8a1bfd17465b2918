//! Two writers at once wait for each other rather than fail.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::TestEnv;

#[test]
fn a_writer_waits_for_a_held_lock_instead_of_failing() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    env.ok(&["invoice", "add", "I-1", "HW", "100", "--date", "2026-11-01"]);

    const HOLD: Duration = Duration::from_millis(1500);
    let (locked, is_locked) = mpsc::channel();
    let db = env.db.clone();
    // Another process in the middle of a long write: it holds the write lock.
    let holder = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(db).expect("open the book");
        conn.execute_batch(
            "BEGIN IMMEDIATE;
             INSERT INTO settings (key, value) VALUES ('test.lock', 'held');",
        )
        .expect("take the write lock");
        locked.send(()).expect("signal");
        std::thread::sleep(HOLD);
        let released = Instant::now();
        conn.execute_batch("COMMIT").expect("release the lock");
        released
    });
    is_locked.recv().expect("the lock is held");

    let started = Instant::now();
    let out = env
        .spawnable(&["pay", "add", "HW", "60", "--date", "2026-11-02", "--format", "json"])
        .output()
        .expect("run huikuan");
    let finished = Instant::now();
    let released = holder.join().expect("the lock holder");

    assert!(out.status.success(), "the writer must wait, not fail: {}", String::from_utf8_lossy(&out.stderr));
    assert!(
        finished >= released,
        "the payment cannot be written while the lock is held (took {:?})",
        finished - started
    );
    let pay: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(pay["allocations"][0]["amount"], "60.00");
    assert_eq!(env.json(&["invoice", "show", "I-1"])["balance"], "40.00");
}

/// Rounds of the races below: 25 by default (a few seconds each in a debug
/// build), `HUIKUAN_RACE_ROUNDS=100` for the full run.
fn race_rounds() -> usize {
    std::env::var("HUIKUAN_RACE_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(25)
}

/// Start every command at once on the environment's book; return each one's
/// output, in order.
fn all_at_once(env: &TestEnv, commands: &[Vec<String>]) -> Vec<std::process::Output> {
    let children: Vec<std::process::Child> = commands
        .iter()
        .map(|c| {
            let args: Vec<&str> = c.iter().map(String::as_str).collect();
            env.spawnable(&args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn huikuan")
        })
        .collect();
    children.into_iter().map(|c| c.wait_with_output().expect("wait for huikuan")).collect()
}

fn failures(commands: &[Vec<String>], outs: &[std::process::Output], round: usize) -> Vec<String> {
    commands
        .iter()
        .zip(outs)
        .filter(|(_, o)| !o.status.success())
        .map(|(c, o)| format!("round {round}: huikuan {}: {}", c.join(" "), String::from_utf8_lossy(&o.stderr).trim()))
        .collect()
}

#[test]
fn six_processes_creating_one_new_book_all_succeed() {
    let started = Instant::now();
    let rounds = race_rounds();
    let mut failed = Vec::new();
    for round in 0..rounds {
        let env = TestEnv::new();
        let commands: Vec<Vec<String>> = (1..=6)
            .map(|i| {
                let mut c: Vec<String> =
                    ["customer", "add", &format!("C{i}"), &format!("客户 {i}")].iter().map(|s| s.to_string()).collect();
                if i % 3 == 0 {
                    c.extend(["--terms".to_string(), "45".to_string()]);
                }
                c
            })
            .collect();
        let outs = all_at_once(&env, &commands);
        failed.extend(failures(&commands, &outs, round));
        let created = outs.iter().filter(|o| String::from_utf8_lossy(&o.stderr).contains("created a new book")).count();
        assert_eq!(created, 1, "round {round}: exactly one process creates the book");
        let codes: Vec<String> = crate::common::rows(&env.json(&["customer", "list"]))
            .iter()
            .map(|c| c["code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes, ["C1", "C2", "C3", "C4", "C5", "C6"], "round {round}: every change is in the book");
        let dir: Vec<String> = std::fs::read_dir(env.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".book.sqlite") || n.ends_with(".lock"))
            .collect();
        assert!(dir.is_empty(), "round {round}: left beside the book: {dir:?}");
    }
    assert!(failed.is_empty(), "{} of {} processes failed:\n{}", failed.len(), rounds * 6, failed.join("\n"));
    eprintln!("{rounds} rounds of 6 processes creating one book: {:?}", started.elapsed());
}

#[test]
fn six_processes_opening_an_old_book_upgrade_it_once() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/books/v1.sqlite");
    // The schema of the same book upgraded by one process alone.
    let alone = TestEnv::new();
    std::fs::copy(fixture, &alone.db).unwrap();
    alone.ok(&["customer", "list"]);
    let schema_of = |env: &TestEnv| -> (String, i64, i32) {
        let conn = env.connect();
        let objects: Vec<String> = conn
            .prepare("SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master ORDER BY 1")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let v = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        let id = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
        (objects.join("\n"), v, id)
    };
    let upgraded = schema_of(&alone);
    assert_eq!(upgraded.1, huikuan::store::schema::current_version());
    assert_eq!(upgraded.2, huikuan::store::schema::APPLICATION_ID);

    let started = Instant::now();
    let rounds = race_rounds();
    let mut failed = Vec::new();
    for round in 0..rounds {
        let env = TestEnv::new();
        std::fs::copy(fixture, &env.db).unwrap();
        let commands: Vec<Vec<String>> = [
            "customer add N1 新客户一",
            "customer list",
            "customer add N2 新客户二",
            "report aging",
            "pay add HY 10 --date 2026-11-20",
            "invoice list",
        ]
        .iter()
        .map(|c| c.split(' ').map(str::to_string).collect())
        .collect();
        let outs = all_at_once(&env, &commands);
        failed.extend(failures(&commands, &outs, round));
        assert_eq!(schema_of(&env), upgraded, "round {round}: upgraded once, as one process alone does");
        let note = env.ok_note(&["check"]);
        assert!(note.starts_with("ok: "), "round {round}: check: {note}");
        let customers = env.json(&["customer", "list"]);
        for code in ["N1", "N2"] {
            crate::common::row(&customers, "code", code);
        }
    }
    assert!(failed.is_empty(), "{} of {} processes failed:\n{}", failed.len(), rounds * 6, failed.join("\n"));
    eprintln!("{rounds} rounds of 6 processes upgrading one book: {:?}", started.elapsed());
}
