//! Payers belong to one customer (DESIGN §4): an alias or bank account
//! another customer holds is refused naming the holder, `check` finds the
//! ones an older book shares, and a confirmed match learns the payer's name
//! and account only when asked (`--learn`), since a third party may pay for
//! a customer (代付).

use crate::common::{TestEnv, assert_one_error_line};

/// A statement in the plain Chinese online-banking layout.
fn statement(rows: &[&str]) -> String {
    let mut s = String::from("交易日期,收入金额,支出金额,余额,对方户名,对方账号,摘要\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

/// HY (with an alias and an account), NW and DF; DF owes D-1 8,800.00 and D-2 1,200.00.
fn scene() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&[
        "-q",
        "customer",
        "add",
        "HY",
        "深圳华远电子有限公司",
        "--alias",
        "华远电子",
        "--account",
        "6222020200001234567",
    ]);
    env.ok(&["-q", "customer", "add", "NW", "Northwind Traders Ltd."]);
    env.ok(&["-q", "customer", "add", "DF", "上海东方贸易有限公司"]);
    env.ok(&["-q", "invoice", "add", "D-1", "DF", "8800", "--date", "2026-09-10"]);
    env.ok(&["-q", "invoice", "add", "D-2", "DF", "1200", "--date", "2026-10-10"]);
    env
}

/// Refused with exit 1 and one `error: ` line containing `expected`; the book unchanged.
fn refused(env: &TestEnv, args: &[&str], expected: &str) {
    let before = env.book_fingerprint();
    let (code, err) = env.fail(args);
    assert_eq!(code, 1, "huikuan {}: {err}", args.join(" "));
    assert_one_error_line(&err, expected);
    assert_eq!(env.book_fingerprint(), before, "huikuan {} changed the book", args.join(" "));
}

fn aliases(env: &TestEnv, code: &str) -> Vec<String> {
    let shown = env.json(&["customer", "show", code]);
    shown["aliases"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()
}

fn accounts(env: &TestEnv, code: &str) -> Vec<String> {
    let shown = env.json(&["customer", "show", code]);
    shown["accounts"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()
}

/// The ids of the queued lines, in the order `reconcile list` gives them.
fn queue(env: &TestEnv) -> Vec<String> {
    let q = env.json(&["reconcile", "list"]);
    q.as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap().to_string()).collect()
}

#[test]
fn an_alias_another_customer_holds_is_refused_naming_it_however_it_is_typed() {
    let env = scene();
    let hy = "belongs to customer HY (深圳华远电子有限公司)";
    // The same name after normalisation: width, spaces, punctuation, company suffixes.
    env.ok(&["-q", "customer", "alias", "add", "HY", "Huayuan Co., Ltd."]);
    for typed in
        ["华远电子", " 华远 电子 ", "华远电子有限公司", "华远电子（有限公司）", "ＨＵＡＹＵＡＮ", "huayuan ltd"]
    {
        refused(&env, &["customer", "alias", "add", "NW", typed], &format!("error: alias '{}' {hy}", typed.trim()));
    }
    // Another customer's legal name is theirs too.
    refused(
        &env,
        &["customer", "alias", "add", "NW", "深圳华远电子股份有限公司"],
        &format!("error: alias '深圳华远电子股份有限公司' {hy}"),
    );
    refused(
        &env,
        &["customer", "alias", "add", "HY", "NORTHWIND TRADERS"],
        "error: alias 'NORTHWIND TRADERS' belongs to customer NW (Northwind Traders Ltd.)",
    );
    // A new customer's --alias is held to the same rule, and nothing is added.
    refused(
        &env,
        &["customer", "add", "HY2", "华远电子科技有限公司", "--alias", "华远电子"],
        &format!("error: alias '华远电子' {hy}"),
    );
    assert_eq!(env.fail(&["customer", "show", "HY2"]).0, 1, "HY2 was not created");
    // The holder may add the same name in another form; a different name is anyone's.
    env.ok(&["-q", "customer", "alias", "add", "HY", "华远电子 有限公司"]);
    env.ok(&["-q", "customer", "alias", "add", "NW", "Northwind UK"]);
    assert_eq!(aliases(&env, "HY"), ["华远电子", "Huayuan Co., Ltd.", "华远电子 有限公司"]);
    assert_eq!(aliases(&env, "NW"), ["Northwind UK"]);
}

#[test]
fn customer_import_refuses_an_alias_another_customer_holds_in_the_book_or_earlier_in_the_file() {
    let env = scene();
    env.write_file(
        "customers.csv",
        "code,name,aliases\n\
         GZ,广州华南贸易有限公司,华南贸易\n\
         HY2,华远电子科技有限公司,华远电子;华远科技\n\
         HN,湖南华南机械有限公司,华南贸易有限公司\n",
    );
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&["customer", "import", "customers.csv"]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            "error: customers.csv:3: alias '华远电子' belongs to customer HY (深圳华远电子有限公司)",
            "error: customers.csv:4: alias '华南贸易有限公司' belongs to customer GZ (广州华南贸易有限公司)",
            "error: customers.csv: 2 bad row(s); nothing was imported",
        ]
    );
    assert_eq!(env.book_fingerprint(), before, "all or nothing");
    assert_eq!(env.json(&["customer", "list"]).as_array().unwrap().len(), 3);
}

#[test]
fn an_account_another_customer_holds_is_refused_naming_it() {
    let env = scene();
    let taken = "error: bank account '6222020200001234567' already belongs to customer HY (深圳华远电子有限公司)";
    refused(&env, &["customer", "account", "add", "NW", "6222 0202 0000 1234 567"], taken);
    refused(&env, &["customer", "add", "HY2", "华远电子科技有限公司", "--account", "6222020200001234567"], taken);
    // The holder adding it again is a no-op; another account is anyone's.
    env.ok(&["-q", "customer", "account", "add", "HY", "6222 0202 0000 1234 567"]);
    env.ok(&["-q", "customer", "account", "add", "NW", "6228 4812 3456 7890"]);
    assert_eq!(accounts(&env, "HY"), ["6222020200001234567"]);
    assert_eq!(accounts(&env, "NW"), ["6228481234567890"]);
}

#[test]
fn check_finds_an_alias_and_an_account_two_customers_hold_in_an_existing_book() {
    let env = scene();
    assert!(env.ok_note(&["check"]).starts_with("ok: "));
    // Written before they were refused (or by hand): NW answers to HY's alias
    // in full-width with a suffix, DF to HY's legal name, and NW holds HY's
    // account written with spaces.
    let conn = env.connect();
    let nw: i64 = conn.query_row("SELECT id FROM customers WHERE code = 'NW'", [], |r| r.get(0)).unwrap();
    let df: i64 = conn.query_row("SELECT id FROM customers WHERE code = 'DF'", [], |r| r.get(0)).unwrap();
    conn.execute("INSERT INTO customer_aliases (customer_id, alias) VALUES (?1, '华远电子有限公司')", [nw]).unwrap();
    conn.execute("INSERT INTO customer_aliases (customer_id, alias) VALUES (?1, '深圳 华远电子')", [df]).unwrap();
    conn.execute("INSERT INTO customer_accounts (customer_id, account) VALUES (?1, '6222 0202 0000 1234 567')", [nw])
        .unwrap();
    drop(conn);
    let (code, err) = env.fail(&["check"]);
    assert_eq!(code, 1, "{err}");
    let hy = "HY (深圳华远电子有限公司)";
    let problems: Vec<&str> = err
        .lines()
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .filter(|l| l.contains("held by more than one customer"))
        .collect();
    assert_eq!(
        problems,
        [
            format!("alias '华远电子': held by more than one customer, {hy} and NW (Northwind Traders Ltd.)"),
            format!("alias '深圳 华远电子': held by more than one customer, DF (上海东方贸易有限公司) and {hy}"),
            format!(
                "bank account 6222020200001234567: held by more than one customer, {hy} and NW (Northwind Traders Ltd.)"
            ),
        ]
    );
    assert!(err.lines().last().unwrap().ends_with("3 problem(s) found"), "{err}");
}

#[test]
fn a_match_without_learn_learns_nothing_and_the_payers_next_statement_stays_queued() {
    let env = scene();
    env.write_file(
        "nov.csv",
        statement(&["2026-11-08,8800.00,,100.00,东方贸易（上海）有限责任公司,6228481234567890,货款"]),
    );
    env.ok(&["-q", "reconcile", "import", "nov.csv", "--auto"]);
    let q = queue(&env);
    assert_eq!(q.len(), 1, "a similar name is only a candidate");
    let note = env.ok_note(&["reconcile", "match", &q[0], "--customer", "DF"]);
    assert!(note.contains("8,800.00 from DF (D-1) recorded as payment"), "{note}");
    assert!(note.contains("not learned: the payer's name/account (add --learn to remember them for DF)"), "{note}");
    assert_eq!(env.json(&["invoice", "show", "D-1"])["balance"], "0.00");
    assert!(aliases(&env, "DF").is_empty() && accounts(&env, "DF").is_empty(), "nothing was learned");
    // Next month the same payer is still a stranger: it waits for a person.
    env.write_file(
        "dec.csv",
        statement(&["2026-12-02,1200.00,,1300.00,东方贸易（上海）有限责任公司,6228481234567890,货款"]),
    );
    let dec = env.json(&["reconcile", "import", "dec.csv", "--auto"]);
    assert_eq!((dec["matched"].as_u64(), dec["queued"].as_u64()), (Some(0), Some(1)), "{dec:#}");
    assert_eq!(env.json(&["invoice", "show", "D-2"])["balance"], "1200.00");
}

#[test]
fn a_match_with_learn_teaches_the_payer_and_the_next_statement_matches_by_itself() {
    let env = scene();
    env.write_file(
        "nov.csv",
        statement(&["2026-11-08,8800.00,,100.00,东方贸易（上海）有限责任公司,6228 4812 3456 7890,货款"]),
    );
    env.ok(&["-q", "reconcile", "import", "nov.csv", "--auto"]);
    let q = queue(&env);
    let note = env.ok_note(&["reconcile", "match", &q[0], "--customer", "DF", "--learn"]);
    assert!(note.contains("DF learned alias '东方贸易（上海）有限责任公司', account 6228481234567890"), "{note}");
    assert!(!note.contains("not learned"), "{note}");
    assert_eq!(aliases(&env, "DF"), ["东方贸易（上海）有限责任公司"]);
    assert_eq!(accounts(&env, "DF"), ["6228481234567890"]);
    env.write_file(
        "dec.csv",
        statement(&["2026-12-02,1200.00,,1300.00,东方贸易（上海）有限责任公司,6228481234567890,货款"]),
    );
    let dec = env.json(&["reconcile", "import", "dec.csv", "--auto"]);
    assert_eq!((dec["matched"].as_u64(), dec["queued"].as_u64()), (Some(1), Some(0)), "{dec:#}");
    assert_eq!(dec["lines"][0]["match"]["customer"], "DF");
    assert_eq!(dec["lines"][0]["match"]["rule"], "account");
    assert_eq!(env.json(&["invoice", "show", "D-2"])["balance"], "0.00");
    // Learning what the customer already answers to says nothing more.
    env.write_file(
        "jan.csv",
        statement(&["2027-01-05,50.00,,1350.00,东方贸易（上海）有限责任公司,6228481234567890,x"]),
    );
    env.ok(&["-q", "reconcile", "import", "jan.csv"]);
    let note = env.ok_note(&["reconcile", "match", &queue(&env)[0], "--customer", "DF", "--learn"]);
    assert!(!note.contains("learned"), "{note}");
}

#[test]
fn learning_a_name_or_account_another_customer_holds_refuses_the_whole_match() {
    let env = scene();
    // NW's legal name and HY's account pay for DF (代付).
    env.write_file(
        "nov.csv",
        statement(&[
            "2026-11-08,8800.00,,8800.00,Northwind Traders Ltd.,6228481234567890,for DF",
            "2026-11-09,1200.00,,10000.00,某代付公司,6222020200001234567,for DF",
        ]),
    );
    env.ok(&["-q", "reconcile", "import", "nov.csv"]);
    let q = queue(&env);
    assert_eq!(q.len(), 2);
    refused(
        &env,
        &["reconcile", "match", &q[0], "--customer", "DF", "--learn"],
        &format!(
            "error: alias 'Northwind Traders Ltd.' belongs to customer NW (Northwind Traders Ltd.); line {} was not matched: one customer may pay for another, so match it without --learn",
            q[0]
        ),
    );
    refused(
        &env,
        &["reconcile", "match", &q[1], "--invoice", "D-2", "--learn"],
        &format!(
            "error: bank account '6222020200001234567' already belongs to customer HY (深圳华远电子有限公司); line {} was not matched",
            q[1]
        ),
    );
    assert_eq!(queue(&env), q, "both lines still wait");
    // Without --learn the third party's payments are recorded for DF.
    for (id, who) in [(&q[0], "--customer"), (&q[1], "--invoice")] {
        let named = if who == "--customer" { "DF" } else { "D-2" };
        let note = env.ok_note(&["reconcile", "match", id, who, named]);
        assert!(note.contains("not learned: the payer's name/account (add --learn to remember them for DF)"), "{note}");
    }
    assert_eq!(env.json(&["invoice", "show", "D-1"])["balance"], "0.00");
    assert_eq!(env.json(&["invoice", "show", "D-2"])["balance"], "0.00");
    assert!(aliases(&env, "DF").is_empty() && accounts(&env, "DF").is_empty());
    assert_eq!(accounts(&env, "HY"), ["6222020200001234567"]);
}
