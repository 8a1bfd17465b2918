//! What the user asked the output to look like: the language of its words
//! and its format. A leaf: it depends on nothing else in the crate, so the
//! error type, the renderers and the command line can all name it.

use std::borrow::Cow;

/// The language of headers, messages and letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// Pick the text for this language.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// From a locale such as `zh_CN.UTF-8`: Chinese for `zh*`, else English.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("zh") { Lang::Zh } else { Lang::En }
    }
}

/// How data is printed. Lists and reports take table, csv, json and xlsx; letters
/// take txt, md, html and eml; `export journal` hledger, beancount and csv.
/// What each command takes is the table in `commands::formats`; `Table` is
/// also what no `--format` means, each command's default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Txt,
    Md,
    Html,
    Eml,
    Hledger,
    Beancount,
    // An Excel workbook (no doc comment: clap would list every value with its help).
    Xlsx,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Txt => "txt",
            Format::Md => "md",
            Format::Html => "html",
            Format::Eml => "eml",
            Format::Hledger => "hledger",
            Format::Beancount => "beancount",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Characters a terminal acts on rather than shows: C0 controls (TAB, CR and
/// LF included), DEL, C1 controls, and the bidirectional controls that
/// reorder what follows them (U+061C, U+200E, U+200F, U+202A–U+202E,
/// U+2066–U+2069).
pub fn is_terminal_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{61c}' | '\u{200e}' | '\u{200f}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that print as nothing: the byte-order mark, zero-width space,
/// joiners and the word joiner (U+FEFF, U+200B–U+200D, U+2060–U+2064), the
/// soft hyphen (U+00AD).
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// Text from outside (a name, a memo, a note) as a terminal may print it:
/// each [terminal control](is_terminal_control) written as its Rust escape,
/// `\u{1b}`; everything else unchanged.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape_where(text, |c, _| is_terminal_control(c))
}

/// The same for a document (a letter, a statement, a screen of text): its
/// line breaks (LF, CR LF) and tabs stay, every other terminal control is
/// escaped.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape_where(text, |c, next| {
        is_terminal_control(c) && !(c == '\n' || c == '\t' || (c == '\r' && next == Some('\n')))
    })
}

/// `text` with each character for which `escape(char, next char)` holds
/// written as `\u{…}`.
pub fn escape_where(text: &str, escape: impl Fn(char, Option<char>) -> bool) -> Cow<'_, str> {
    let mut out = String::new();
    let mut changed = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if escape(c, chars.peek().copied()) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
            changed = true;
        } else {
            out.push(c);
        }
    }
    if changed { Cow::Owned(out) } else { Cow::Borrowed(text) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_escaped_and_other_text_is_kept() {
        assert_eq!(
            visible("华远\u{1b}[31m\u{7}\r\n\t\u{9b}\u{202e}x"),
            "华远\\u{1b}[31m\\u{7}\\u{d}\\u{a}\\u{9}\\u{9b}\\u{202e}x"
        );
        assert!(matches!(visible("深圳华远 Ltd. — 100%"), Cow::Borrowed(_)));
        assert_eq!(visible_lines("a\u{1b}]0;x\u{7}\nb\r\n\tc\rd\r"), "a\\u{1b}]0;x\\u{7}\nb\r\n\tc\\u{d}d\\u{d}");
        assert_eq!(visible("zero\u{200b}width"), "zero\u{200b}width", "invisible but harmless: kept in tables");
        assert!(is_invisible('\u{feff}') && is_invisible('\u{200d}') && !is_invisible('a'));
    }
}
