//! `huikuan man`: the manual page on stdout, or one page per command in a
//! folder, made from the same command tree as `--help`.

use crate::common::TestEnv;

#[test]
fn man_prints_a_roff_page_that_begins_with_its_title() {
    let env = TestEnv::new();
    let page = env.ok(&["man"]);
    let th = page.lines().find(|l| l.starts_with(".TH")).expect("a .TH line");
    assert!(th.starts_with(".TH huikuan 1"), "{th}");
    assert!(page.contains("invoice") && page.contains("export"), "the commands are listed");
}

#[test]
fn man_dir_writes_a_page_for_every_command_with_its_options() {
    let env = TestEnv::new();
    let out = env.run(&["man", "--dir", "pages"]);
    assert!(out.status.success());
    let dir = env.path().join("pages");
    let add = std::fs::read_to_string(dir.join("huikuan-invoice-add.1")).expect("invoice add has a page");
    assert!(add.starts_with(".ie") || add.contains(".TH huikuan-invoice-add 1"), "{add}");
    assert!(add.contains("salesperson"), "its options are on its page");
    assert!(dir.join("huikuan-export-journal.1").exists() && dir.join("huikuan-report-aging.1").exists());
    let pages = std::fs::read_dir(&dir).unwrap().count();
    let said = String::from_utf8(out.stderr).unwrap();
    assert_eq!(said.trim(), format!("wrote {pages} manual pages to pages"));
    assert!(pages > 50, "{pages}");
}

/// `--help` is the long text with an example; `-h` the one-line summary.
#[test]
fn help_shows_an_example_and_dash_h_stays_short() {
    let env = TestEnv::new();
    for cmd in [&["invoice", "add"][..], &["report", "aging"], &["reconcile", "import"], &["dun", "letter"]] {
        let mut long = cmd.to_vec();
        long.push("--help");
        let help = env.ok(&long);
        let example = format!("  huikuan {} ", cmd.join(" "));
        assert!(
            help.lines().any(|l| l.starts_with(&example)),
            "{}: no example line '{example}…':\n{help}",
            cmd.join(" ")
        );
        assert!(help.contains("Global options:"), "the global options under their own heading");
        let mut short = cmd.to_vec();
        short.push("-h");
        let brief = env.ok(&short);
        assert!(!brief.lines().any(|l| l.starts_with(&example)), "{}: -h stays short:\n{brief}", cmd.join(" "));
        assert!(brief.lines().count() < help.lines().count());
    }
    // `config set --help` lists every key it changes, with its default.
    let keys = env.ok(&["config", "set", "--help"]);
    for key in ["company", "interest_rate", "grace_days", "account.receivable", "smtp_host", "max_input_mb"] {
        assert!(keys.lines().any(|l| l.trim_start().starts_with(key)), "config set --help names {key}:\n{keys}");
    }
    assert!(keys.contains("interest_rate [default: 0.0005]"), "{keys}");
}
