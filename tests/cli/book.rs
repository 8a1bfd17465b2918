//! The book file: created private on first use, never clobbered, refused when
//! it comes from a newer huikuan or is not a book; and the output language.

use crate::common::{TestEnv, assert_one_error_line};

#[test]
fn first_use_creates_a_private_book_with_one_notice() {
    let env = TestEnv::new();
    assert!(!env.db.exists());
    let out = env.run(&["customer", "list", "--format", "json"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        format!("created a new book at {} (currency CNY; see huikuan init)\n", env.db.display()),
        "one notice line on stderr, nothing on stdout but the data"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&env.db).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the book holds customer data: owner only");
    }
    // The second use is silent.
    let out = env.run(&["customer", "list"]);
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[cfg(unix)]
#[test]
fn a_book_in_a_new_directory_is_private_too() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let db = env.path().join("books/2026/ar.sqlite");
    let db_arg = db.display().to_string();
    env.ok(&["--db", &db_arg, "customer", "add", "HW", "华为技术有限公司"]);
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(!env.db.exists(), "--db wins over HUIKUAN_DB");
    for side in ["-wal", "-shm"] {
        let p = std::path::PathBuf::from(format!("{db_arg}{side}"));
        if let Ok(m) = std::fs::metadata(&p) {
            assert_eq!(m.permissions().mode() & 0o077, 0, "{} is readable by others", p.display());
        }
    }
}

#[test]
fn init_names_the_company_and_refuses_an_existing_book() {
    let env = TestEnv::new();
    let err = env.ok_note(&["init", "--company", "上海示例贸易有限公司", "--currency", "usd"]);
    assert_eq!(err, format!("created a new book at {} (USD)\n", env.db.display()));
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&["init"]);
    assert_eq!(code, 1);
    assert_one_error_line(&err, &format!("a book already exists at {}", env.db.display()));
    assert_eq!(env.book_fingerprint(), before);
    let currency: String =
        env.connect().query_row("SELECT value FROM settings WHERE key = 'currency'", [], |r| r.get(0)).unwrap();
    assert_eq!(currency, "USD", "the first init's settings stand");
}

#[test]
fn a_book_from_a_newer_huikuan_is_refused_untouched() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    let newer = huikuan::store::schema::current_version() + 1;
    env.connect().pragma_update(None, "user_version", newer).unwrap();
    let before = env.book_fingerprint();
    for args in [&["customer", "list"][..], &["customer", "add", "ZTE", "中兴"]] {
        let (code, err) = env.fail(args);
        assert_eq!(code, 1);
        assert_one_error_line(
            &err,
            &format!(
                "the book was written by a newer huikuan (schema {newer}; this build knows up to {}); upgrade huikuan",
                newer - 1
            ),
        );
    }
    assert_eq!(env.book_fingerprint(), before);
    let version: i64 = env.connect().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, newer, "the newer book keeps its version");
}

#[test]
fn a_file_that_is_not_a_book_is_refused_untouched() {
    let env = TestEnv::new();
    let text = "this is a spreadsheet, not a book\n".repeat(200);
    std::fs::write(&env.db, &text).unwrap();
    let (code, err) = env.fail(&["customer", "list"]);
    assert_eq!(code, 1);
    assert_one_error_line(&err, "is not a huikuan book");
    assert_eq!(std::fs::read_to_string(&env.db).unwrap(), text);
}

#[test]
fn chinese_output_gives_chinese_headers_and_errors() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司", "--score", "85"]);
    env.ok(&["customer", "hold", "HW"]);
    let table = env.ok(&["--lang", "zh", "customer", "list"]);
    let header = table.lines().nth(1).expect("a header line");
    for word in ["代码", "名称", "等级", "信用额度", "余额", "停止供货"] {
        assert!(header.contains(word), "header lacks {word}: {table}");
    }
    assert!(table.contains("是"), "on hold reads 是: {table}");
    let csv = env.ok(&["--lang", "zh", "customer", "list", "--format", "csv"]);
    assert_eq!(csv.lines().next(), Some("代码,名称,等级,信用额度,余额,停止供货"));
    // JSON keys are a contract and do not change with the language.
    let json = env.ok(&["--lang", "zh", "customer", "list", "--format", "json"]);
    assert!(json.contains("\"credit_limit\""), "{json}");

    let (code, err) = env.fail(&["--lang", "zh", "invoice", "add", "X-1", "NOPE", "5"]);
    assert_eq!(code, 1);
    assert_eq!(err, "错误：没有代码为“NOPE”的客户（见：huikuan customer list）\n");
}

#[test]
fn the_language_comes_from_the_flag_then_huikuan_lang_then_lang() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    let header = |cmd: &mut assert_cmd::Command| {
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().lines().next().unwrap().to_string()
    };
    let args = ["customer", "list", "--format", "csv"];
    let mut zh_env = env.command(&args);
    zh_env.env("HUIKUAN_LANG", "zh");
    assert!(header(&mut zh_env).starts_with("代码"));
    let mut zh_locale = env.command(&args);
    zh_locale.env_remove("HUIKUAN_LANG").env("LANG", "zh_CN.UTF-8");
    assert!(header(&mut zh_locale).starts_with("代码"));
    let mut flag_wins = env.command(&["--lang", "en", "customer", "list", "--format", "csv"]);
    flag_wins.env("HUIKUAN_LANG", "zh");
    assert!(header(&mut flag_wins).starts_with("code"));
}
