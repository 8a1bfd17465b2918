//! What the user asked the output to look like: the language of its words
//! and its format. A leaf: it depends on nothing else in the crate, so the
//! error type, the renderers and the command line can all name it.

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

/// How data is printed. Lists and reports take table, csv and json; letters
/// take txt, md, html and eml.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Txt,
    Md,
    Html,
    Eml,
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
        }
    }
}
