//! The book's own vocabulary in the output's language: payment methods,
//! collection channels, where an action came from. Stored as English codes
//! (the book and JSON keep them so); a table in Chinese shows the Chinese
//! word. A word the book does not know (a channel typed by the user) is
//! shown as it is.

use crate::output::Lang;

/// (code, Chinese) of every payment method.
const METHODS: [(&str, &str); 6] = [
    ("bank", "银行"),
    ("cash", "现金"),
    ("cheque", "支票"),
    ("alipay", "支付宝"),
    ("wechat", "微信"),
    ("other", "其他"),
];

/// (word, Chinese) of the channels of the collection ladder.
const CHANNELS: [(&str, &str); 8] = [
    ("email", "邮件"),
    ("sms", "短信"),
    ("phone", "电话"),
    ("letter", "函件"),
    ("visit", "上门拜访"),
    ("lawyer", "律师"),
    ("legal", "法律途径"),
    ("other", "其他"),
];

/// (code, Chinese) of where a collection action came from.
const SOURCES: [(&str, &str); 3] = [("manual", "手工记录"), ("letter", "催款函"), ("system", "系统")];

fn pick(table: &[(&str, &'static str)], code: &str, lang: Lang) -> Option<&'static str> {
    match lang {
        Lang::En => None,
        Lang::Zh => table.iter().find(|(c, _)| c.eq_ignore_ascii_case(code.trim())).map(|(_, zh)| *zh),
    }
}

/// A payment method (`bank`, `cheque` …) as the language says it.
pub fn method(code: &str, lang: Lang) -> String {
    pick(&METHODS, code, lang).map_or_else(|| code.to_string(), str::to_string)
}

/// A channel (`phone`, `email/sms` …), each part as the language says it.
pub fn channel(text: &str, lang: Lang) -> String {
    text.split('/').map(|part| pick(&CHANNELS, part, lang).unwrap_or(part)).collect::<Vec<_>>().join("/")
}

/// Where a collection action came from (`manual`, `letter`, `system`).
pub fn source(code: &str, lang: Lang) -> String {
    pick(&SOURCES, code, lang).map_or_else(|| code.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_books_words_are_said_in_chinese_and_kept_in_english() {
        assert_eq!(method("cheque", Lang::Zh), "支票");
        assert_eq!(method("wechat", Lang::Zh), "微信");
        assert_eq!(method("cheque", Lang::En), "cheque");
        assert_eq!(channel("email/sms", Lang::Zh), "邮件/短信");
        assert_eq!(channel("phone/visit", Lang::Zh), "电话/上门拜访");
        // A channel the user typed and the book does not know stays as typed.
        assert_eq!(channel("WeCom/phone", Lang::Zh), "WeCom/电话");
        assert_eq!(source("letter", Lang::Zh), "催款函");
        assert_eq!(source("manual", Lang::En), "manual");
    }
}
