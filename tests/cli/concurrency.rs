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
