//! The shape of the crate, checked from its source: the layer rule written
//! in `src/lib.rs` holds, sibling modules never import each other in a
//! circle, SQL stays in the store and the ledger stays pure.
//!
//! The reader is deliberately small: it strips comments and string literals,
//! expands every `use` tree, and collects the inline `crate::`/`super::`/
//! `self::` paths. A path is charged to the deepest module file it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules from the bottom up: each may use only those before
/// it. (Keep in step with the layer rule in `src/lib.rs`.)
const LAYERS: &[&str] = &[
    "ledger",
    "output",
    "store",
    "error",
    "parse",
    "import",
    "reports",
    "reconcile",
    "render",
    "context",
    "mail",
    "commands",
    "cli",
];

type Module = Vec<String>;

struct Source {
    module: Module,
    file: PathBuf,
    /// The text with comments and literals blanked.
    code: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn sources() -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = src_dir();
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let rel = file.strip_prefix(&root).unwrap().with_extension("");
            let mut module: Module = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                module.pop();
            }
            let code = strip(&std::fs::read_to_string(&file).unwrap());
            Source { module, file, code }
        })
        .collect()
}

/// Blank out comments, string and char literals, keeping everything else.
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < c.len() {
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (c.get(i + 1) == Some(&'"') || c.get(i + 1) == Some(&'#'))
            && !ident(c.get(i.wrapping_sub(1)))
        {
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (0..hashes).all(|k| c.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == '\'' && (c.get(i + 1) == Some(&'\\') || c.get(i + 2) == Some(&'\'')) {
            i += 1;
            while i < c.len() && c[i] != '\'' {
                if c[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Sep,
    Open,
    Close,
    Comma,
    Star,
    End,
}

fn tokens(code: &str) -> Vec<Tok> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_alphabetic() || ch == '_' {
            let s = i;
            while i < c.len() && ident(Some(&c[i])) {
                i += 1;
            }
            out.push(Tok::Word(c[s..i].iter().collect()));
            continue;
        }
        match ch {
            ':' if c.get(i + 1) == Some(&':') => {
                out.push(Tok::Sep);
                i += 1;
            }
            '{' => out.push(Tok::Open),
            '}' => out.push(Tok::Close),
            ',' => out.push(Tok::Comma),
            '*' => out.push(Tok::Star),
            ';' => out.push(Tok::End),
            c if c.is_whitespace() => {}
            _ => out.push(Tok::End),
        }
        i += 1;
    }
    out
}

/// Expand a `use` tree starting at `toks[*i]` into full paths.
fn use_tree(toks: &[Tok], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    loop {
        match toks.get(*i) {
            Some(Tok::Word(w)) if w == "as" => {
                *i += 2;
                out.push(path);
                return;
            }
            Some(Tok::Word(w)) => {
                if w != "self" || path.is_empty() {
                    path.push(w.clone());
                }
                *i += 1;
            }
            Some(Tok::Sep) => *i += 1,
            Some(Tok::Star) => {
                *i += 1;
                out.push(path);
                return;
            }
            Some(Tok::Open) => {
                *i += 1;
                loop {
                    match toks.get(*i) {
                        Some(Tok::Close) => {
                            *i += 1;
                            return;
                        }
                        Some(Tok::Comma) => *i += 1,
                        None => return,
                        _ => use_tree(toks, i, path.clone(), out),
                    }
                }
            }
            _ => {
                out.push(path);
                return;
            }
        }
    }
}

/// Every path a source names, relative paths made absolute (`crate` dropped).
fn paths(src: &Source) -> Vec<Vec<String>> {
    let toks = tokens(&src.code);
    let mut raw = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Word(w) if w == "use" => {
                i += 1;
                use_tree(&toks, &mut i, Vec::new(), &mut raw);
            }
            Tok::Word(w) if (w == "crate" || w == "super" || w == "self") && toks.get(i + 1) == Some(&Tok::Sep) => {
                let mut p = vec![w.clone()];
                i += 1;
                while toks.get(i) == Some(&Tok::Sep) {
                    match toks.get(i + 1) {
                        Some(Tok::Word(w)) => p.push(w.clone()),
                        _ => break,
                    }
                    i += 2;
                }
                raw.push(p);
            }
            _ => i += 1,
        }
    }
    let mut out = Vec::new();
    for p in raw {
        let mut abs: Vec<String> = Vec::new();
        let mut rest = p.as_slice();
        match rest.first().map(String::as_str) {
            Some("crate") => rest = &rest[1..],
            Some("super") => {
                abs = src.module.clone();
                while rest.first().map(String::as_str) == Some("super") {
                    abs.pop();
                    rest = &rest[1..];
                }
            }
            Some("self") => {
                abs = src.module.clone();
                rest = &rest[1..];
            }
            _ => continue, // an external crate, std, or a name in scope
        }
        abs.extend(rest.iter().cloned());
        out.push(abs);
    }
    out
}

/// Module-to-module edges: (from, to), each a module file.
fn edges(srcs: &[Source]) -> BTreeSet<(Module, Module)> {
    let known: BTreeSet<&Module> = srcs.iter().map(|s| &s.module).collect();
    let mut out = BTreeSet::new();
    for s in srcs {
        for p in paths(s) {
            let target = (0..=p.len()).rev().map(|n| p[..n].to_vec()).find(|m| known.contains(m));
            if let Some(t) = target
                && t != s.module
            {
                out.insert((s.module.clone(), t));
            }
        }
    }
    out
}

/// An edge seen from the level where the two modules are siblings; none when
/// one contains the other (a parent and its own children may talk freely).
fn lifted(from: &Module, to: &Module) -> Option<(Module, String, String)> {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    if common == from.len() || common == to.len() {
        return None;
    }
    Some((from[..common].to_vec(), from[common].clone(), to[common].clone()))
}

fn show(m: &[String]) -> String {
    if m.is_empty() { "crate".into() } else { m.join("::") }
}

#[test]
fn modules_import_only_from_lower_layers() {
    let srcs = sources();
    let mut bad = Vec::new();
    for (from, to) in edges(&srcs) {
        let Some((parent, a, b)) = lifted(&from, &to) else { continue };
        if !parent.is_empty() {
            continue;
        }
        let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
        match (rank(&a), rank(&b)) {
            (Some(x), Some(y)) if y < x => {}
            (None, _) if a == "main" => {}
            _ => bad.push(format!("{} uses {}", show(&from), show(&to))),
        }
    }
    assert!(bad.is_empty(), "imports against the layer order {LAYERS:?}:\n{}", bad.join("\n"));
}

#[test]
fn sibling_modules_never_import_each_other_in_a_circle() {
    let srcs = sources();
    let mut graph: BTreeMap<Module, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (from, to) in edges(&srcs) {
        if let Some((parent, a, b)) = lifted(&from, &to) {
            graph.entry(parent).or_default().entry(a).or_default().insert(b);
        }
    }
    let mut circles = Vec::new();
    for (parent, g) in &graph {
        // Depth-first search for a back edge, reporting the circle it closes.
        fn visit(
            n: &str,
            g: &BTreeMap<String, BTreeSet<String>>,
            stack: &mut Vec<String>,
            done: &mut BTreeSet<String>,
            found: &mut Vec<Vec<String>>,
        ) {
            if let Some(pos) = stack.iter().position(|s| s == n) {
                found.push(stack[pos..].to_vec());
                return;
            }
            if !done.insert(n.to_string()) {
                return;
            }
            stack.push(n.to_string());
            for m in g.get(n).into_iter().flatten() {
                visit(m, g, stack, done, found);
            }
            stack.pop();
        }
        let mut done = BTreeSet::new();
        let mut found = Vec::new();
        for n in g.keys() {
            visit(n, g, &mut Vec::new(), &mut done, &mut found);
        }
        for c in found {
            circles.push(format!("in {}: {} → {}", show(parent), c.join(" → "), c[0]));
        }
    }
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
}

#[test]
fn the_layer_checker_sees_a_circle_and_a_climb() {
    // The checks above must be able to fail: a made-up pair of files that
    // import each other, one of them from a lower layer.
    let a = Source {
        module: vec!["store".into(), "a".into()],
        file: PathBuf::new(),
        code: strip("use super::{b, Result};\nfn f() { crate::commands::x(); } // crate::cli::y\n"),
    };
    let b = Source {
        module: vec!["store".into(), "b".into()],
        file: PathBuf::new(),
        code: strip("use crate::store::a::{self as other};\nconst S: &str = \"crate::render::z\";"),
    };
    let e = edges(&[
        a,
        b,
        Source { module: vec!["store".into()], file: PathBuf::new(), code: String::new() },
        Source { module: vec!["commands".into()], file: PathBuf::new(), code: String::new() },
        Source { module: vec!["render".into()], file: PathBuf::new(), code: String::new() },
    ]);
    let want: BTreeSet<(Module, Module)> = [
        (vec!["store", "a"], vec!["store"]),
        (vec!["store", "a"], vec!["store", "b"]),
        (vec!["store", "a"], vec!["commands"]),
        (vec!["store", "b"], vec!["store", "a"]),
    ]
    .into_iter()
    .map(|(x, y)| (x.into_iter().map(String::from).collect(), y.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(e, want);
}

/// Files below `dir` (relative to `src/`) whose code matches `bad`.
fn offenders(dir: &str, bad: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for s in sources() {
        if s.module.first().map(String::as_str) != Some(dir) && !dir.is_empty() {
            continue;
        }
        for b in bad {
            if s.code.contains(b) {
                out.push(format!("{}: {b}", s.file.strip_prefix(src_dir()).unwrap().display()));
            }
        }
    }
    out
}

#[test]
fn the_ledger_uses_no_clock_files_database_command_line_or_environment() {
    let bad = offenders(
        "ledger",
        &[
            "std::fs",
            "std::io",
            "std::env",
            "std::time",
            "std::net",
            "std::process",
            "rusqlite",
            "clap",
            "Local::now",
            "Utc::now",
            "SystemTime",
            "env!",
            "println!",
            "eprintln!",
        ],
    );
    assert!(bad.is_empty(), "the ledger must stay pure:\n{}", bad.join("\n"));
}

#[test]
fn only_the_store_speaks_sql() {
    let srcs = sources();
    let mut bad = Vec::new();
    for s in &srcs {
        if s.module.first().map(String::as_str) == Some("store") {
            continue;
        }
        if s.code.contains("rusqlite") {
            bad.push(format!("{}: names rusqlite", s.file.display()));
        }
    }
    // SQL text lives in string literals, which `strip` blanks: look at the raw file.
    for s in &srcs {
        if s.module.first().map(String::as_str) == Some("store") {
            continue;
        }
        let raw = std::fs::read_to_string(&s.file).unwrap();
        for kw in ["SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "PRAGMA "] {
            if raw.contains(kw) {
                bad.push(format!("{}: {kw}", s.file.display()));
            }
        }
    }
    assert!(bad.is_empty(), "SQL outside src/store/:\n{}", bad.join("\n"));
}

#[test]
fn commands_do_no_decimal_arithmetic() {
    let bad = offenders("commands", &["Decimal", "rust_decimal"]);
    assert!(bad.is_empty(), "money arithmetic belongs in the ledger or reports:\n{}", bad.join("\n"));
}
