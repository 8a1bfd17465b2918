//! What `reconcile import` and `reconcile list` print: the tables, the
//! summary, and the notices (batch, stated totals, currencies), in both
//! languages. `id` is always the stored line's id (what `reconcile match`
//! takes); `line` the line of the file.

use std::io::Write;

use crate::error::Result;
use crate::import::bank::{Declared, Direction};
use crate::output::{Format, Lang};
use crate::reconcile::{ImportOutcome, LineOutcome, QueuedJson};

use super::Cell;

/// The credits of an import, one row each, with what became of them,
/// drawn from the outcome's lines as they are written (a statement of
/// 100,000 lines is not held a second time as a table).
pub fn write_import(out: &mut dyn Write, format: Format, lang: Lang, o: &ImportOutcome) -> Result<()> {
    const HEADERS: &[(&str, &str)] = &[
        ("id", "编号"),
        ("line", "行"),
        ("date", "日期"),
        ("amount", "金额"),
        ("counterparty", "对方"),
        ("memo", "摘要"),
        ("customer", "客户"),
        ("invoices", "发票"),
        ("rule", "规则"),
        ("conf.", "置信度"),
        ("result", "结果"),
    ];
    super::write_rows(out, format, lang, HEADERS, &|emit| {
        o.lines.each(&mut |l| if l.direction == Direction::Credit { emit(import_row(lang, l)) } else { Ok(()) })
    })
}

fn import_row(lang: Lang, l: &LineOutcome) -> Vec<Cell> {
    let result = if l.duplicate {
        lang.pick("already in book", "已导入").to_string()
    } else if l.refund {
        lang.pick("refund: not a payment", "退款：非客户付款").to_string()
    } else if l.foreign {
        match lang {
            Lang::En => format!("{}: not the book's currency", l.currency),
            Lang::Zh => format!("{}：非账本币种", l.currency),
        }
    } else if l.applied {
        lang.pick("applied", "已核销").to_string()
    } else if l.two_customers {
        lang.pick("queued: fits two customers", "待确认：同时符合两个客户").to_string()
    } else {
        lang.pick("queued", "待确认").to_string()
    };
    let m = l.matched.as_ref();
    vec![
        l.id.map_or(Cell::Empty, Cell::Int),
        Cell::Int(l.line as i64),
        Cell::Date(l.date),
        Cell::Money(l.amount),
        Cell::opt_text(l.counterparty.as_deref()),
        Cell::opt_text(l.memo.as_deref()),
        Cell::opt_text(m.map(|m| m.customer.as_str())),
        Cell::text(m.map(|m| m.invoices.join(" ")).unwrap_or_default()),
        Cell::opt_text(m.map(|m| m.rule)),
        m.map_or(Cell::Empty, |m| Cell::Int(i64::from(m.confidence))),
        Cell::text(result),
    ]
}

pub fn import_summary(lang: Lang, o: &ImportOutcome) -> String {
    let (file, profile, encoding, rows) = (&o.file, &o.profile, &o.encoding, o.rows);
    let header = o.header_line.map_or("-".into(), |h| h.to_string());
    let (credits, credit_total, debits, debit_total) = (o.credits, o.credit_total, o.debits, o.debit_total);
    let (neutral, skipped, duplicates, matched, queued) = (o.neutral, o.skipped, o.duplicates, o.matched, o.queued);
    let refunds = match (lang, o.refunds) {
        (_, 0) => String::new(),
        (Lang::En, n) => format!(", {n} of them refund(s)"),
        (Lang::Zh, n) => format!("，其中退款 {n} 笔"),
    };
    let two = match (lang, o.two_customers) {
        (_, 0) => String::new(),
        (Lang::En, n) => format!(" ({n} fitting two customers: see reconcile list)"),
        (Lang::Zh, n) => format!("（其中 {n} 笔同时符合两个客户，见 reconcile list）"),
    };
    let foreign = match (lang, o.foreign_currency) {
        (_, 0) => String::new(),
        (Lang::En, n) => format!("; {n} not in {}", o.currency),
        (Lang::Zh, n) => format!("；非 {} 币种 {n} 笔", o.currency),
    };
    match lang {
        Lang::En => format!(
            "{}{file}: profile {profile}, {encoding}, header at line {header}; {rows} rows: {credits} credits \
             ({credit_total}){refunds}, {debits} debits ({debit_total}), {neutral} neutral{foreign}; {skipped} \
             skipped, {duplicates} already in the book; {matched} applied, {queued} queued{two}",
            if o.dry_run { "dry run — nothing written — " } else { "" },
        ),
        Lang::Zh => format!(
            "{}{file}：配置 {profile}，{encoding}，表头在第 {header} 行；{rows} 笔交易：收入 {credits} 笔（{credit_total}）{refunds}，\
             支出 {debits} 笔（{debit_total}），不计收支 {neutral} 笔{foreign}；跳过 {skipped} 行，已导入过 {duplicates} 笔；\
             已核销 {matched} 笔，待确认 {queued} 笔{two}",
            if o.dry_run { "试运行——未写入——" } else { "" },
        ),
    }
}

/// The batch an import made and how to take it back (English, Chinese).
pub fn batch_notice(batch: i64) -> (String, String) {
    (
        format!("batch {batch} — undo with huikuan reconcile undo {batch}"),
        format!("批次 {batch} —— 撤销请用 huikuan reconcile undo {batch}"),
    )
}

/// "✓ totals agree with the file's" (English, Chinese).
pub fn declared_agrees(d: &Declared) -> (String, String) {
    let (en, zh) = stated(d);
    (format!("✓ totals agree with the file's ({en})"), format!("✓ 合计与文件所列一致（{zh}）"))
}

/// The warning when the file's stated totals and its lines differ, naming
/// each figure that differs (English, Chinese).
pub fn declared_differs(file: &str, d: &Declared) -> (String, String) {
    let r = d.read;
    let mut en: Vec<String> = Vec::new();
    let mut zh: Vec<String> = Vec::new();
    let mut count = |side_en: &str, side_zh: &str, stated: Option<u64>, read: u64| {
        if let Some(s) = stated.filter(|s| *s != read) {
            en.push(format!("{s} {side_en} stated, {read} read"));
            zh.push(format!("{side_zh}笔数：文件 {s}，读到 {read}"));
        }
    };
    count("credits", "收入", d.credits, r.credits);
    count("debits", "支出", d.debits, r.debits);
    let mut money = |side_en: &str, side_zh: &str, stated: Option<crate::ledger::Money>, read: crate::ledger::Money| {
        if let Some(s) = stated.filter(|s| *s != read) {
            let (diff, more) = if read > s { (read - s, true) } else { (s - read, false) };
            let (more_en, more_zh) = if more { ("more", "多") } else { ("less", "少") };
            en.push(format!("{side_en} {s} stated, {read} read ({diff} {more_en})"));
            zh.push(format!("{side_zh}合计：文件 {s}，读到 {read}（{more_zh} {diff}）"));
        }
    };
    money("credit total", "收入", d.credit_total, r.credit_total);
    money("debit total", "支出", d.debit_total, r.debit_total);
    (
        format!("warning: {file}: the lines do not add up to the totals the file states: {}", en.join("; ")),
        format!("警告：{file}：明细与文件所列合计不符：{}", zh.join("；")),
    )
}

/// What the file states, in words.
fn stated(d: &Declared) -> (String, String) {
    let mut en: Vec<String> = Vec::new();
    let mut zh: Vec<String> = Vec::new();
    let mut side = |side_en: &str, side_zh: &str, n: Option<u64>, total: Option<crate::ledger::Money>| match (n, total)
    {
        (Some(n), Some(t)) => {
            en.push(format!("{n} {side_en} {t}"));
            zh.push(format!("{side_zh} {n} 笔 {t}"));
        }
        (Some(n), None) => {
            en.push(format!("{n} {side_en}"));
            zh.push(format!("{side_zh} {n} 笔"));
        }
        (None, Some(t)) => {
            en.push(format!("{side_en} {t}"));
            zh.push(format!("{side_zh} {t}"));
        }
        (None, None) => {}
    };
    side("credits", "收入", d.credits, d.credit_total);
    side("debits", "支出", d.debits, d.debit_total);
    (en.join(", "), zh.join("，"))
}

/// Why some lines were kept out of matching (English, Chinese).
pub fn foreign_notice(o: &ImportOutcome) -> (String, String) {
    let (n, book) = (o.foreign_currency, &o.currency);
    let which = o.foreign_codes.join(", ");
    (
        format!(
            "{n} line(s) in {which}, not the book's currency {book}: listed, never matched or posted; record them \
             with huikuan pay add once converted"
        ),
        format!("{n} 笔为 {which}，非账本币种 {book}：仅列出，不匹配、不入账；折算后可用 huikuan pay add 登记"),
    )
}

/// The queue's columns (`reconcile list`).
pub const LIST_HEADERS: [(&str, &str); 9] = [
    ("id", "编号"),
    ("batch", "批次"),
    ("line", "行"),
    ("date", "日期"),
    ("amount", "金额"),
    ("counterparty", "对方"),
    ("account", "账号"),
    ("memo", "摘要"),
    ("candidates", "候选客户"),
];

/// One queued line as a row of [`LIST_HEADERS`].
pub fn list_row(l: &QueuedJson) -> Vec<Cell> {
    let cands: Vec<String> = l
        .candidates
        .iter()
        .map(|c| {
            let inv = if c.invoices.is_empty() { String::new() } else { format!(" {}", c.invoices.join(",")) };
            format!("{}{inv} ({} {})", c.customer, c.rule, c.confidence)
        })
        .collect();
    vec![
        Cell::Int(l.id),
        Cell::Int(l.batch),
        Cell::Int(l.line as i64),
        Cell::Date(l.date),
        Cell::Money(l.amount),
        Cell::opt_text(l.counterparty.as_deref()),
        Cell::opt_text(l.account.as_deref()),
        Cell::opt_text(l.memo.as_deref()),
        Cell::text(cands.join("; ")),
    ]
}
