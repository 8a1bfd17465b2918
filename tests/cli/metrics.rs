//! Month-end metrics and provision, against figures worked out by hand.

use crate::common::{TestEnv, cents};

fn book(env: &TestEnv) {
    env.ok(&["-q", "customer", "add", "A", "Alpha Ltd"]);
    env.ok(&["-q", "customer", "add", "B", "Beta Ltd"]);
    env.ok(&["-q", "invoice", "add", "A1", "A", "1000", "--date", "2026-09-01", "--due", "2026-09-30"]);
    env.ok(&["-q", "invoice", "add", "A2", "A", "2000", "--date", "2026-10-05", "--due", "2026-10-20"]);
    env.ok(&["-q", "invoice", "add", "A3", "A", "500", "--date", "2026-10-15", "--due", "2026-11-14"]);
    env.ok(&["-q", "pay", "add", "A", "600", "--date", "2026-10-10"]); // A1: 600
    env.ok(&["-q", "pay", "add", "A", "1500", "--date", "2026-10-25"]); // A1: 400, A2: 1,100
    env.ok(&["-q", "invoice", "add", "B1", "B", "10000", "--date", "2024-06-30", "--force"]);
    env.ok(&["-q", "invoice", "add", "B2", "B", "333.33", "--date", "2026-10-01"]); // due 10-31 (30 days)
}

#[test]
fn collection_metrics_equal_the_hand_computed_values() {
    let env = TestEnv::new();
    book(&env);
    let r = env.json(&["report", "collection", "--period", "2026-10"]);
    assert_eq!(r["days"], 31);
    let a = r["customers"].as_array().unwrap().iter().find(|c| c["code"] == "A").unwrap().clone();
    // A: beginning 1,000; sales 2,500; collected 2,100; fell due 2,000 (A2); collected on it 1,100;
    // ending 1,400 (A2 900 + A3 500), of which current 500 (A3).
    assert_eq!(a["beginning_ar"], "1000.00");
    assert_eq!(a["invoiced"], "2500.00");
    assert_eq!(a["collected"], "2100.00");
    assert_eq!(a["fell_due"], "2000.00");
    assert_eq!(a["collected_on_due"], "1100.00");
    assert_eq!(a["ending_ar"], "1400.00");
    assert_eq!(a["collection_rate"], "55.0", "1,100 / 2,000");
    assert_eq!(a["dso"], "17.4", "1,400 / 2,500 × 31 = 17.36");
    assert_eq!(a["cei"], "70.0", "(1,000 + 2,500 − 1,400) / (1,000 + 2,500 − 500) = 2,100 / 3,000");
    // Whole book: beginning 11,000; sales 2,833.33; fell due 2,333.33; ending 11,733.33; current 833.33.
    let t = &r["total"];
    assert_eq!(t["collection_rate"], "47.1", "1,100 / 2,333.33 = 47.14");
    assert_eq!(t["dso"], "128.4", "11,733.33 / 2,833.33 × 31 = 128.38");
    assert_eq!(t["cei"], "16.2", "2,100 / 13,000 = 16.15");
    let table = env.ok(&["report", "collection", "--period", "2026-10"]);
    assert!(table.contains("DSO = ending AR ÷ credit sales × days"), "the formulas are printed: {table}");
}

#[test]
fn provision_equals_the_hand_computed_value() {
    let env = TestEnv::new();
    book(&env);
    let p = env.json(&["report", "provision", "--as-of", "2026-10-31"]);
    // B1 10,000 is 2–3 years old × 30 % = 3,000.00; B2 333.33 × 5 % = 16.67 (16.6665);
    // A2 900 + A3 500 ≤ 1 year × 5 % = 45.00 + 25.00.
    assert_eq!(p["buckets"][0]["balance"], "1733.33");
    assert_eq!(p["buckets"][0]["provision"], "86.67");
    assert_eq!(p["buckets"][2]["balance"], "10000.00");
    assert_eq!(p["buckets"][2]["provision"], "3000.00");
    assert_eq!(p["provision"], "3086.67");
    let b = p["customers"].as_array().unwrap().iter().find(|c| c["code"] == "B").unwrap().clone();
    assert_eq!(b["provision"], "3016.67");
    // Other rates from the book's settings.
    env.ok(&["-q", "config", "set", "provision_rates", "1,10,50,50,80,100"]);
    let p = env.json(&["report", "provision", "--as-of", "2026-10-31"]);
    assert_eq!(p["provision"], "5017.33", "17.33 + 5,000.00");
    let (code, _) = env.fail(&["config", "set", "provision_rates", "50,10"]);
    assert_eq!(code, 1);
}

#[test]
fn the_month_end_pack_is_one_page_whose_bars_are_proportional_to_the_buckets() {
    let env = TestEnv::new();
    book(&env);
    env.ok(&["-q", "customer", "add", "X", "<script>alert(1)</script>"]);
    env.ok(&["-q", "invoice", "add", "X1", "X", "700", "--date", "2026-07-01", "--due", "2026-07-31"]);
    let path = env.ok(&["report", "pack", "--period", "2026-10", "--out", "packs"]);
    let html = std::fs::read_to_string(env.path().join(path.trim())).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"), "customer data is escaped");
    assert!(!html.contains("src=") && !html.contains("href="), "self-contained: nothing loaded from elsewhere");
    for part in [
        "<svg",
        "class=\"aging\"",
        "class=\"provision\"",
        "class=\"metrics\"",
        "tie-out: buckets",
        "Bank lines not yet matched",
    ] {
        assert!(html.contains(part), "missing {part}");
    }
    let aging = env.json(&["report", "aging", "--as-of", "2026-10-31"]);
    // Every bar: its amount is the bucket's total, its height proportional (max = 200 px).
    let bars: Vec<(String, i64, i64)> = html
        .split("<rect class=\"bar\" ")
        .skip(1)
        .map(|r| {
            let attr =
                |name: &str| r.split(&format!("{name}=\"")).nth(1).unwrap().split('"').next().unwrap().to_string();
            (
                attr("data-bucket"),
                attr("data-amount").replace('.', "").parse().unwrap(),
                attr("height").parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(bars.len(), 5);
    let max = bars.iter().map(|b| b.1).max().unwrap();
    for (label, cents, height) in &bars {
        let want = aging["totals"][label].as_str().unwrap().replace('.', "").parse::<i64>().unwrap();
        assert_eq!(*cents, want, "{label}");
        assert_eq!(*height, cents * 200 / max, "{label}: height proportional to the amount");
    }
    assert!(bars.iter().any(|b| b.2 == 200), "the largest bucket is full height");
    // The same page from report aging --format html.
    let direct = env.ok(&["report", "aging", "--format", "html", "--as-of", "2026-10-31"]);
    assert_eq!(direct, html);
}

#[test]
fn the_summary_fits_on_one_screen_with_the_buckets_as_bars() {
    let env = TestEnv::new();
    book(&env);
    let s = env.json(&["report", "summary", "--as-of", "2026-10-31"]);
    assert_eq!(s["total"], "11733.33");
    assert_eq!(s["overdue"], "10900.00", "B1 10,000 + A2 900");
    assert_eq!(s["overdue_share"], "92.9");
    assert_eq!(s["top_debtors"][0]["code"], "B");
    let text = env.ok(&["report", "summary", "--as-of", "2026-10-31"]);
    assert!(text.lines().count() < 30, "one screen:\n{text}");
    let bars: Vec<usize> =
        text.lines().filter(|l| l.contains('█') || l.ends_with("  ")).map(|l| l.matches('█').count()).collect();
    assert!(bars.contains(&40), "the largest bucket is the longest bar:\n{text}");
}

#[test]
fn the_forecast_applies_each_customers_average_lateness_and_open_promises() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "A", "Alpha Ltd"]);
    env.ok(&["-q", "customer", "add", "B", "Beta Ltd"]);
    // A paid its only earlier invoice 10 days late: average 10 days.
    env.ok(&["-q", "invoice", "add", "H1", "A", "1000", "--date", "2026-09-01", "--due", "2026-09-30"]);
    env.ok(&["-q", "pay", "add", "A", "1000", "--date", "2026-10-10"]);
    // Due 11-25 + 10 days = 12-05: 13 days after 11-22, in the second week.
    env.ok(&["-q", "invoice", "add", "F1", "A", "500", "--date", "2026-11-01", "--due", "2026-11-25"]);
    // B is 12 days overdue on 800 and promised 700 for 11-30 (second week).
    env.ok(&["-q", "invoice", "add", "B1", "B", "800", "--date", "2026-10-11", "--due", "2026-11-10"]);
    env.ok(&["-q", "dun", "promise", "B", "--date", "2026-11-30", "--amount", "700"]);
    let f = env.json(&["report", "forecast", "--weeks", "3"]);
    assert_eq!(f["week_starts"], serde_json::json!(["2026-11-22", "2026-11-29", "2026-12-06"]));
    let get = |c: &str| f["customers"].as_array().unwrap().iter().find(|x| x["code"] == c).unwrap().clone();
    assert_eq!(get("A")["avg_days_late"], "10");
    assert_eq!(get("A")["weeks"], serde_json::json!(["0.00", "500.00", "0.00"]));
    assert_eq!(get("B")["overdue"], "100.00");
    assert_eq!(get("B")["weeks"], serde_json::json!(["0.00", "700.00", "0.00"]));
    assert_eq!(f["weeks"][1], "1200.00");
    assert_eq!(f["overdue"], "100.00");
}

#[test]
fn the_formulas_printed_are_the_ones_in_the_readme() {
    let env = TestEnv::new();
    book(&env);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = env.ok(&["report", "collection", "--period", "2026-10"]);
    let formulas: Vec<&str> = table.lines().filter(|l| l.contains(" = ")).collect();
    assert_eq!(formulas.len(), 5, "{table}");
    for f in formulas {
        assert!(readme.lines().any(|l| l == f), "README lacks the printed formula: {f}");
    }
}

/// DESIGN §2 Metrics on a generated book with interest posted each month:
/// for every month and customer CEI stays within 0–100, and "collected" is
/// the tie-out's change over the month.
#[test]
fn on_a_generated_book_cei_stays_within_0_to_100_and_collected_is_the_tie_outs_change() {
    let env = TestEnv::new();
    env.ok_note(&["demo", "--generate", "gen", "--customers", "40", "--invoices", "600", "--bank-lines", "10"]);
    env.ok(&["-q", "customer", "import", "gen/customers.csv"]);
    env.ok(&["-q", "invoice", "import", "gen/invoices.csv"]);
    env.ok(&["-q", "pay", "import", "gen/payments.csv"]);
    let months = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"];
    for m in months {
        let end = env.json(&["report", "collection", "--period", m])["to"].as_str().unwrap().to_string();
        env.ok(&["-q", "--as-of", &end, "dun", "charge-interest"]);
    }
    let collected_by = |date: &str| cents(&env.json(&["report", "aging", "--as-of", date])["tie_out"]["collected"]);
    let mut cei_seen = 0;
    for m in months {
        let c = env.json(&["report", "collection", "--period", m]);
        let (from, to) = (c["from"].as_str().unwrap(), c["to"].as_str().unwrap());
        let day_before =
            (chrono::NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap() - chrono::Days::new(1)).to_string();
        assert_eq!(cents(&c["total"]["collected"]), collected_by(to) - collected_by(&day_before), "{m}");
        for line in c["customers"].as_array().unwrap().iter().chain([&c["total"]]) {
            // beginning + invoiced − ending = collected + discounts + written off
            let f = |k: &str| cents(&line[k]);
            assert_eq!(
                f("beginning_ar") + f("invoiced") - f("ending_ar"),
                f("collected") + f("discounts") + f("written_off"),
                "{m} {}",
                line["code"]
            );
            if let Some(cei) = line["cei"].as_str() {
                let cei: f64 = cei.parse().unwrap();
                assert!((0.0..=100.0).contains(&cei), "{m} {}: CEI {cei}", line["code"]);
                cei_seen += 1;
            }
        }
    }
    assert!(cei_seen > 100, "the months have customers with a CEI ({cei_seen})");
}
