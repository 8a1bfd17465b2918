//! Salesperson accountability (业务员, 回款考核) and overdue reasons (逾期原因),
//! against figures worked out by hand.

use crate::common::{TestEnv, rows};

/// Two salespeople, four customers and October 2026 of invoices and payments.
///
/// 张伟 has A and B, 王芳 has C and D; B1 (customer B) is credited to 王芳;
/// D0 was issued before D had a salesperson, so it is credited to nobody.
///
/// | invoice | customer | salesperson | amount | issued | due   | paid in October      |
/// |---------|----------|-------------|--------|--------|-------|----------------------|
/// | A1      | A        | 张伟        | 1,000  | 09-01  | 09-30 | 1,000 on 10-12       |
/// | A2      | A        | 张伟        | 2,000  | 10-05  | 10-20 | 500 on 10-25         |
/// | B1      | B        | 王芳        | 3,000  | 10-01  | 10-31 | 3,000 on 10-31 (+200 unapplied) |
/// | C1      | C        | 王芳        | 4,000  | 09-10  | 10-10 | 2,500 on 10-18       |
/// | C2      | C        | 王芳        | 1,000  | 10-20  | 11-19 | —                    |
/// | D0      | D        | (none)      |   500  | 09-15  | 10-15 | —                    |
/// | D1      | D        | 王芳        | 2,000  | 10-02  | 10-15 | 2,000 on 10-28       |
fn october(env: &TestEnv) {
    for (code, name, sp) in [("A", "Alpha", Some("张伟")), ("B", "Beta", Some("张伟")), ("C", "Gamma", Some("王芳"))]
    {
        let mut args = vec!["-q", "customer", "add", code, name];
        if let Some(sp) = sp {
            args.extend(["--salesperson", sp]);
        }
        env.ok(&args);
    }
    env.ok(&["-q", "customer", "add", "D", "Delta"]);
    env.ok(&["-q", "invoice", "add", "D0", "D", "500", "--date", "2026-09-15", "--due", "2026-10-15"]);
    env.ok(&["-q", "customer", "edit", "D", "--salesperson", "王芳"]);
    for (no, c, amount, date, due) in [
        ("A1", "A", "1000", "2026-09-01", "2026-09-30"),
        ("A2", "A", "2000", "2026-10-05", "2026-10-20"),
        ("C1", "C", "4000", "2026-09-10", "2026-10-10"),
        ("C2", "C", "1000", "2026-10-20", "2026-11-19"),
        ("D1", "D", "2000", "2026-10-02", "2026-10-15"),
    ] {
        env.ok(&["-q", "invoice", "add", no, c, amount, "--date", date, "--due", due]);
    }
    env.ok(&[
        "-q",
        "invoice",
        "add",
        "B1",
        "B",
        "3000",
        "--date",
        "2026-10-01",
        "--due",
        "2026-10-31",
        "--salesperson",
        "王芳",
    ]);
    env.ok(&["-q", "pay", "add", "A", "1000", "--date", "2026-10-12"]);
    env.ok(&["-q", "pay", "add", "A", "500", "--date", "2026-10-25"]);
    env.ok(&["-q", "pay", "add", "B", "3200", "--date", "2026-10-31"]);
    env.ok(&["-q", "pay", "add", "C", "2500", "--date", "2026-10-18"]);
    env.ok(&["-q", "pay", "add", "D", "2000", "--date", "2026-10-28", "--invoice", "D1"]);
}

fn line<'a>(r: &'a serde_json::Value, key: &str, who: serde_json::Value) -> &'a serde_json::Value {
    rows(r).iter().find(|l| l[key] == who).unwrap_or_else(|| panic!("no line {key} = {who} in {r}"))
}

const FIGURES: [&str; 13] = [
    "beginning_ar",
    "invoiced",
    "received",
    "collected",
    "discounts",
    "written_off",
    "fell_due",
    "collected_on_due",
    "ending_ar",
    "ending_current",
    "collection_rate",
    "dso",
    "cei",
];

#[test]
fn collection_by_salesperson_equals_the_hand_worked_rate_dso_and_cei_of_each() {
    let env = TestEnv::new();
    october(&env);
    let r = env.json(&["report", "collection", "--period", "2026-10", "--by", "salesperson"]);
    let sp = |who: serde_json::Value| {
        let wanted = r["salespeople"].clone();
        let l = wanted.as_array().unwrap().iter().find(|l| l["salesperson"] == who).cloned();
        l.unwrap_or_else(|| panic!("no salesperson {who} in {r}"))
    };
    let get = |l: &serde_json::Value| FIGURES.map(|k| l[k].as_str().map(str::to_string).unwrap_or_default());
    // 张伟 (A1, A2; B's 200 unapplied): beginning A1 1,000; invoiced A2 2,000;
    // received 1,000 + 500 + 200 = 1,700; collected 1,500; fell due A2 2,000,
    // of it collected 500; ending A2 1,500, nothing current.
    //   回款率 = 500 ÷ 2,000 = 25.0 %; DSO = 1,500 ÷ 2,000 × 31 = 23.25 → 23.3;
    //   CEI = (1,000 + 2,000 − 1,500) ÷ (1,000 + 2,000 − 0) = 50.0 %.
    assert_eq!(
        get(&sp("张伟".into())),
        [
            "1000.00", "2000.00", "1700.00", "1500.00", "0.00", "0.00", "2000.00", "500.00", "1500.00", "0.00", "25.0",
            "23.3", "50.0"
        ]
    );
    // 王芳 (B1, C1, C2, D1): beginning C1 4,000; invoiced 3,000 + 1,000 + 2,000
    // = 6,000; received and collected 3,000 + 2,500 + 2,000 = 7,500; fell due
    // B1 3,000 + C1 4,000 + D1 2,000 = 9,000, of it collected 7,500; ending
    // C1 1,500 + C2 1,000 = 2,500, current C2 1,000.
    //   回款率 = 7,500 ÷ 9,000 = 83.3 %; DSO = 2,500 ÷ 6,000 × 31 = 12.92 → 12.9;
    //   CEI = (4,000 + 6,000 − 2,500) ÷ (4,000 + 6,000 − 1,000) = 7,500 ÷ 9,000 = 83.3 %.
    assert_eq!(
        get(&sp("王芳".into())),
        [
            "4000.00", "6000.00", "7500.00", "7500.00", "0.00", "0.00", "9000.00", "7500.00", "2500.00", "1000.00",
            "83.3", "12.9", "83.3"
        ]
    );
    // Nobody's (D0): 500 fell due, nothing collected; no sales, so no DSO;
    //   CEI = (500 − 500) ÷ 500 = 0.0 %.
    assert_eq!(
        get(&sp(serde_json::Value::Null)),
        ["500.00", "0.00", "0.00", "0.00", "0.00", "0.00", "500.00", "0.00", "500.00", "0.00", "0.0", "", "0.0"]
    );
    // The total: 回款率 = 8,000 ÷ 11,500 = 69.6 %; DSO = 4,500 ÷ 8,000 × 31 = 17.4375 → 17.4;
    //   CEI = (5,500 + 8,000 − 4,500) ÷ (5,500 + 8,000 − 1,000) = 9,000 ÷ 12,500 = 72.0 %.
    let total = get(&r["total"]);
    assert_eq!(
        total,
        [
            "5500.00", "8000.00", "9200.00", "9000.00", "0.00", "0.00", "11500.00", "8000.00", "4500.00", "1000.00",
            "69.6", "17.4", "72.0"
        ]
    );
    // The same total as the report by customer; one salesperson alone is its line.
    let by_customer = env.json(&["report", "collection", "--period", "2026-10"]);
    assert_eq!(get(&by_customer["total"]), total);
    let only = env.json(&["report", "collection", "--period", "2026-10", "--salesperson", "王芳"]);
    assert_eq!(get(&only["total"]), get(&sp("王芳".into())));
    // By customer for 王芳: B's line holds B1 only (B's own unapplied 200 is 张伟's).
    assert_eq!(line(&only["customers"], "code", "B".into())["received"], "3000.00");
    let table = env.ok(&["--lang", "zh", "report", "collection", "--period", "2026-10", "--by", "salesperson"]);
    assert!(table.contains("（未指定）") && table.contains("业务员"), "{table}");
}

#[test]
fn aging_by_salesperson_subtotals_add_up_to_the_total() {
    let env = TestEnv::new();
    october(&env);
    let r = env.json(&["report", "aging", "--as-of", "2026-10-31", "--by-salesperson"]);
    let group =
        |name: &str| r["salespeople"].as_array().unwrap().iter().find(|g| g["salesperson"] == name).cloned().unwrap();
    // 张伟: A2 1,500 is 11 days late; B owes nothing and holds 200 of credit.
    let zw = group("张伟");
    assert_eq!(zw["customers"], serde_json::json!(["A", "B"]));
    assert_eq!((zw["totals"]["current"].as_str(), zw["totals"]["1-30"].as_str()), (Some("0.00"), Some("1500.00")));
    assert_eq!((zw["total"].as_str(), zw["unapplied"].as_str()), (Some("1500.00"), Some("200.00")));
    // 王芳: C1 1,500 (21 days) + D0 500 (16 days) late, C2 1,000 current.
    let wf = group("王芳");
    assert_eq!(wf["customers"], serde_json::json!(["C", "D"]));
    assert_eq!((wf["totals"]["current"].as_str(), wf["totals"]["1-30"].as_str()), (Some("1000.00"), Some("2000.00")));
    assert_eq!(wf["total"], "3000.00");
    // 1,500 + 3,000 = 4,500, the report's total and its tie-out.
    assert_eq!(r["total"], "4500.00");
    assert_eq!(r["tie_out"]["balanced"], true);
    let table = env.ok(&["report", "aging", "--as-of", "2026-10-31", "--by-salesperson"]);
    assert!(table.contains("SUBTOTAL"), "{table}");
    // One salesperson's customers, with a tie-out of their own: invoiced A1 + A2
    // + B1 = 6,000 − collected 1,500 + 3,000 = 1,500.
    let one = env.json(&["report", "aging", "--as-of", "2026-10-31", "--salesperson", "张伟"]);
    assert_eq!(one["total"], "1500.00");
    assert_eq!(
        (one["tie_out"]["invoiced"].as_str(), one["tie_out"]["balanced"].as_bool()),
        (Some("6000.00"), Some(true))
    );
    let codes: Vec<&str> = rows(&one["customers"]).iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["A", "B"]);
}

#[test]
fn the_salesperson_filter_of_each_list_keeps_only_that_salespersons_rows() {
    let env = TestEnv::new();
    october(&env);
    let codes = |v: serde_json::Value, key: &str| -> Vec<String> {
        rows(&v).iter().map(|r| r[key].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(codes(env.json(&["customer", "list", "--salesperson", "张伟"]), "code"), ["A", "B"]);
    // By the invoice's salesperson: B1 is 王芳's, D0 nobody's.
    assert_eq!(codes(env.json(&["invoice", "list", "--salesperson", "王芳"]), "number"), ["C1", "B1", "D1", "C2"]);
    // As of 10-31: A is 11 days late (张伟); C and D 21 and 16 days (王芳).
    let list = |sp: &str| codes(env.json(&["dun", "list", "--as-of", "2026-10-31", "--salesperson", sp]), "customer");
    assert_eq!(list("张伟"), ["A"]);
    let mut wf = list("王芳");
    wf.sort();
    assert_eq!(wf, ["C", "D"]);
    let (code, err) = env.fail(&["invoice", "list", "--salesperson", "张三"]);
    assert_eq!(code, 1);
    assert!(err.contains("no customer or invoice has salesperson '张三'"), "{err}");
}

#[test]
fn overdue_money_by_reason_equals_the_overdue_balances_and_aging_overdue() {
    let env = TestEnv::new();
    october(&env);
    // As of 10-31 overdue: A2 1,500 (A), C1 1,500 (C), D0 500 (D); C2 is current.
    for (date, reason) in [("2026-10-22", "documents"), ("2026-10-29", "cash-flow")] {
        let call = ["dun", "log", "A", "--step", "2", "--channel", "phone"];
        env.ok(&[&["-q"][..], &call, &["--date", date, "--reason", reason]].concat());
    }
    env.ok(&[
        "-q",
        "invoice",
        "dispute",
        "C1",
        "--reason",
        "2 units broken",
        "--cause",
        "quality",
        "--date",
        "2026-10-20",
    ]);
    let promise = env
        .command(&["-q", "dun", "promise", "D", "--date", "2026-11-10", "--amount", "500", "--reason", "内部沟通"])
        .env("HUIKUAN_TODAY", "2026-10-30")
        .output()
        .unwrap();
    assert!(promise.status.success(), "{}", String::from_utf8_lossy(&promise.stderr));
    let r = env.json(&["report", "reasons", "--as-of", "2026-10-31"]);
    let by: Vec<(String, String, u64)> = rows(&r["reasons"])
        .iter()
        .map(|x| {
            (
                x["reason"].as_str().unwrap().into(),
                x["overdue"].as_str().unwrap().into(),
                x["installments"].as_u64().unwrap(),
            )
        })
        .collect();
    // A's latest is cash-flow (10-29 over 10-22); C1's dispute is quality; D's promise internal.
    assert_eq!(
        by,
        [
            ("cash-flow".into(), "1500.00".into(), 1),
            ("quality".into(), "1500.00".into(), 1),
            ("internal".into(), "500.00".into(), 1)
        ]
    );
    // 1,500 + 1,500 + 500 = 3,500 = aging's 1-30 bucket, everything past due.
    assert_eq!(r["total"]["overdue"], "3500.00");
    assert_eq!((r["aging_overdue"].as_str(), r["ties"].as_bool()), (Some("3500.00"), Some(true)));
    let aging = env.json(&["report", "aging", "--as-of", "2026-10-31"]);
    assert_eq!(aging["totals"]["1-30"], "3500.00");
    // Before any reason was given (10-19), all of it is unknown: C1 1,500
    // (4,000 less 2,500 on 10-18), D0 500 and D1 2,000 = 4,000.00.
    let early = env.json(&["report", "reasons", "--as-of", "2026-10-19"]);
    assert_eq!(rows(&early["reasons"]).len(), 1);
    assert_eq!(
        (early["reasons"][0]["reason"].as_str(), early["total"]["overdue"].as_str()),
        (Some("unknown"), Some("4000.00"))
    );
    // The latest reason shows in the worklist and on the customer card.
    // (A was called on 10-29 and D promised: only C's step is due.)
    let list = env.json(&["dun", "list", "--as-of", "2026-10-31"]);
    assert_eq!(line(&list, "customer", "C".into())["overdue_reason"], "quality");
    let card = env.ok(&["--lang", "zh", "customer", "show", "A", "--as-of", "2026-10-31"]);
    assert!(card.contains("逾期原因") && card.contains("客户资金困难"), "{card}");
    let zh = env.ok(&["--lang", "zh", "report", "reasons", "--as-of", "2026-10-31"]);
    assert!(zh.contains("产品/质量异议") && zh.contains("逾期合计 3,500.00 = 账龄表逾期"), "{zh}");
}
