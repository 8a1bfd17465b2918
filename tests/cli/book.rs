//! The book file: created private on first use, never clobbered, refused when
//! it comes from a newer huikuan or is not a book; and the output language.

use crate::common::{TestEnv, assert_one_error_line};

#[test]
fn first_use_creates_a_private_book_with_one_notice() {
    let env = TestEnv::new();
    assert!(!env.db.exists());
    // A command that records (here: places holds) creates the book; one that
    // only reads never does (see a_reading_command_on_a_missing_path_creates_nothing).
    let out = env.run(&["dun", "list", "--format", "json"]);
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

/// The files beside a book that SQLite or huikuan may write.
const SIDE_FILES: [&str; 4] = ["-wal", "-shm", "-journal", ".lock"];

fn side_files(path: &std::path::Path) -> Vec<String> {
    SIDE_FILES.iter().map(|s| format!("{}{s}", path.display())).filter(|p| std::path::Path::new(p).exists()).collect()
}

/// Every command kind (reading, writing, init) on `name` is refused with one
/// line containing `expected`, and the file keeps every byte, with nothing
/// left beside it.
fn refused_untouched(env: &TestEnv, name: &str, expected: &str) {
    let path = env.path().join(name);
    let before = std::fs::read(&path).unwrap();
    for args in [&["customer", "list"][..], &["customer", "add", "HW", "华为"], &["init"], &["check"]] {
        let all: Vec<&str> = ["--db", name].iter().chain(args).copied().collect();
        let (code, err) = env.fail(&all);
        assert_eq!(code, 1, "{all:?}");
        assert_one_error_line(&err, expected);
        assert!(std::fs::read(&path).unwrap() == before, "huikuan {all:?} changed the bytes of {name}");
        assert_eq!(side_files(&path), Vec::<String>::new(), "huikuan {all:?} left files beside {name}");
    }
}

#[test]
fn each_foreign_file_is_refused_with_its_bytes_unchanged() {
    let env = TestEnv::new();
    // Another program's database, stamped with its own application_id, in WAL mode.
    {
        let conn = rusqlite::Connection::open(env.path().join("photos.db")).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA application_id = 1234;
             CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('cat');",
        )
        .unwrap();
    }
    refused_untouched(
        &env,
        "photos.db",
        "photos.db is not a huikuan book: it is an SQLite database of another program (application_id 0x000004d2); \
         give huikuan its own file with --db",
    );
    // One without an application_id, even with a table named like one of ours.
    {
        let conn = rusqlite::Connection::open(env.path().join("notes.db")).unwrap();
        conn.execute_batch("PRAGMA user_version = 3; CREATE TABLE customers (name TEXT); CREATE TABLE notes (t TEXT);")
            .unwrap();
    }
    refused_untouched(&env, "notes.db", "it is an SQLite database of another program (no huikuan tables)");
    // An SQLite file with no tables at all.
    {
        let conn = rusqlite::Connection::open(env.path().join("blank.db")).unwrap();
        conn.execute_batch("VACUUM").unwrap();
    }
    assert!(std::fs::metadata(env.path().join("blank.db")).unwrap().len() > 0);
    refused_untouched(&env, "blank.db", "blank.db is an empty SQLite database that huikuan did not make");
    // Not SQLite, and empty.
    env.write_file("sheet.xlsx", b"PK\x03\x04 not a database".repeat(100));
    refused_untouched(&env, "sheet.xlsx", "sheet.xlsx is not a huikuan book (not an SQLite database)");
    env.write_file("empty.sqlite", b"");
    refused_untouched(&env, "empty.sqlite", "empty.sqlite is an empty file that huikuan did not create; remove it");
    // A book from a newer huikuan.
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    env.connect().pragma_update(None, "user_version", 999).unwrap();
    std::fs::copy(&env.db, env.path().join("newer.sqlite")).unwrap();
    refused_untouched(&env, "newer.sqlite", "the book was written by a newer huikuan (schema 999;");

    // Names SQLite would take for no file at all.
    for name in [":memory:", "file:book.sqlite", "file:book.sqlite?mode=memory"] {
        for args in [&["customer", "add", "HW", "华为"][..], &["customer", "list"]] {
            let all: Vec<&str> = ["--db", name].iter().chain(args).copied().collect();
            let (code, err) = env.fail(&all);
            assert_eq!(code, 1);
            assert_one_error_line(&err, &format!("'{name}' names no file: huikuan keeps the book in a file"));
        }
    }
    assert!(!env.path().join("book.sqlite?mode=memory").exists() && !env.path().join("file:book.sqlite").exists());
}

#[test]
fn a_reading_command_on_a_missing_path_creates_nothing() {
    let env = TestEnv::new();
    env.write_file("bank.csv", "日期,金额,对方户名,摘要\n2026-11-01,100.00,华为,货款\n");
    let missing = env.path().join("typo/2026/book.sqlite");
    let db = missing.display().to_string();
    let reads: [&[&str]; 8] = [
        &["customer", "list"],
        &["invoice", "list"],
        &["report", "aging"],
        &["check"],
        &["log"],
        &["config"],
        &["backup", "copy.sqlite"],
        &["reconcile", "import", "bank.csv", "--dry-run"],
    ];
    for args in reads {
        let all: Vec<&str> = ["--db", &db].iter().chain(args).copied().collect();
        let (code, err) = env.fail(&all);
        assert_eq!(code, 1, "{all:?}");
        assert_one_error_line(
            &err,
            &format!("no book at {db}; create one with huikuan init, or give your book with --db PATH (or HUIKUAN_DB)"),
        );
        assert!(!env.path().join("typo").exists(), "huikuan {all:?} created folders");
        assert!(!env.path().join("copy.sqlite").exists());
    }
    // Through HUIKUAN_DB too, in Chinese.
    let (code, err) = env.fail(&["--lang", "zh", "report", "aging"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!(
            "错误：{} 没有账本；请用 huikuan init 新建，或用 --db PATH（或 HUIKUAN_DB）指定你的账本\n",
            env.db.display()
        )
    );
    assert!(!env.db.exists());
    // A command that records creates it, folders included.
    env.ok(&["--db", &db, "-q", "customer", "add", "HW", "华为技术有限公司"]);
    assert_eq!(env.json(&["--db", &db, "customer", "list"])[0]["code"], "HW");
}

#[test]
fn every_new_book_carries_the_application_id_and_old_ones_get_it() {
    let app_id = |path: &std::path::Path| -> i32 {
        rusqlite::Connection::open(path).unwrap().query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap()
    };
    let ours = huikuan::store::schema::APPLICATION_ID;
    assert_eq!(ours.to_be_bytes(), *b"HKAR");
    let env = TestEnv::new();
    env.ok(&["init", "--company", "X"]);
    assert_eq!(app_id(&env.db), ours);
    assert_eq!(&std::fs::read(&env.db).unwrap()[68..72], b"HKAR", "the header shows it at offset 68");
    // A book of the current schema written before the stamp: stamped on open.
    env.connect().pragma_update(None, "application_id", 0).unwrap();
    env.ok(&["customer", "list"]);
    assert_eq!(app_id(&env.db), ours);
    // An old book: upgraded and stamped at once.
    let old = TestEnv::new();
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/books/v1.sqlite"), &old.db).unwrap();
    assert_eq!(app_id(&old.db), 0);
    old.ok(&["report", "aging"]);
    assert_eq!(app_id(&old.db), ours);
    assert_eq!(side_files(&old.db).iter().filter(|p| p.ends_with(".lock")).count(), 0, "the lock file is removed");
}

#[cfg(unix)]
#[test]
fn a_dangling_link_and_a_read_only_folder_get_one_clear_line() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    std::os::unix::fs::symlink("gone/book.sqlite", env.path().join("link.sqlite")).unwrap();
    for args in [&["customer", "list"][..], &["customer", "add", "HW", "华为"], &["init"]] {
        let all: Vec<&str> = ["--db", "link.sqlite"].iter().chain(args).copied().collect();
        let (code, err) = env.fail(&all);
        assert_eq!(code, 1);
        assert_one_error_line(
            &err,
            "link.sqlite is a symbolic link to gone/book.sqlite, which does not exist; fix the link, or give the \
             book's own path with --db",
        );
        assert!(!env.path().join("gone").exists());
    }

    let ro = env.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    env.ok(&["--db", "ro/book.sqlite", "-q", "customer", "add", "HW", "华为技术有限公司"]);
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root writes anywhere: the folder is read-only only for other users.
    if std::fs::write(ro.join("probe"), "x").is_ok() {
        let _ = std::fs::remove_file(ro.join("probe"));
        eprintln!("running as root: the read-only folder case is not exercised");
    } else {
        for (db, args) in
            [("ro/new.sqlite", &["customer", "add", "HW", "华为"][..]), ("ro/book.sqlite", &["customer", "list"])]
        {
            let all: Vec<&str> = ["--db", db].iter().chain(args).copied().collect();
            let (code, err) = env.fail(&all);
            assert_eq!(code, 1, "{all:?}");
            assert_one_error_line(&err, "the folder ro is read-only: huikuan writes beside the book");
        }
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_new_book_appears_complete_and_a_killed_creators_leftovers_go() {
    let env = TestEnv::new();
    // What a creator killed while building leaves: a temporary book beside
    // the path, never a file at the path itself.
    let leftover = env.write_file(".book.sqlite.new-999999", b"half a book");
    env.write_file(".book.sqlite.new-999999-journal", b"");
    env.ok(&["-q", "customer", "add", "HW", "华为技术有限公司"]);
    assert!(!leftover.exists(), "the next creator removes it");
    let names: Vec<String> =
        std::fs::read_dir(env.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.starts_with(".book.sqlite") || n.ends_with(".lock")), "{names:?}");
    // A file whose name only looks like a URI is a plain file when written as a path.
    env.ok(&["--db", "./file:book.sqlite", "-q", "customer", "add", "HW", "华为技术有限公司"]);
    assert!(env.path().join("file:book.sqlite").exists());
}
