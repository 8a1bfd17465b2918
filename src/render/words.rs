//! The book's own vocabulary in the output's language: payment methods,
//! collection channels, where an action came from, the names of the
//! commands in the audit trail. Stored as English codes
//! (the book and JSON keep them so); a table in Chinese shows the Chinese
//! word. A word the book does not know (a channel typed by the user) is
//! shown as it is.

use crate::output::Lang;

/// (code, Chinese) of every payment method.
const METHODS: [(&str, &str); 7] = [
    ("bank", "银行"),
    ("cash", "现金"),
    ("cheque", "支票"),
    ("alipay", "支付宝"),
    ("wechat", "微信"),
    ("acceptance", "承兑汇票"),
    ("other", "其他"),
];

/// The methods whose English word is not their code.
const METHODS_EN: [(&str, &str); 1] = [("acceptance", "acceptance bill")];

/// (command, Chinese name) of every command that writes to the audit trail.
const COMMANDS: [(&str, &str); 40] = [
    ("init", "新建账簿"),
    ("demo", "示例账簿"),
    ("backup", "备份"),
    ("customer add", "添加客户"),
    ("customer edit", "修改客户"),
    ("customer import", "导入客户"),
    ("customer hold", "停止供货"),
    ("customer release", "恢复供货"),
    ("customer account add", "添加客户账号"),
    ("customer account rm", "删除客户账号"),
    ("customer alias add", "添加客户别名"),
    ("customer alias rm", "删除客户别名"),
    ("customer score", "客户评分"),
    ("customer confirm", "询证函回函"),
    ("invoice add", "开具发票"),
    ("invoice import", "导入发票"),
    ("invoice void", "作废发票"),
    ("invoice dispute", "发票争议"),
    ("invoice undispute", "解除争议"),
    ("invoice write-off", "核销坏账"),
    ("invoice reschedule", "分期还款"),
    ("pay add", "登记收款"),
    ("pay import", "导入收款"),
    ("pay apply", "核销收款"),
    ("pay void", "作废收款"),
    ("dun list", "催收清单"),
    ("dun log", "记录催收"),
    ("dun promise", "付款承诺"),
    ("dun letter", "催款函"),
    ("dun waive", "减免利息"),
    ("dun charge-interest", "计收逾期利息"),
    ("report statement", "对账单"),
    ("close", "结账"),
    ("close --reopen", "重开账期"),
    ("config set", "修改设置"),
    ("config ladder", "修改催收阶梯"),
    ("reconcile import", "导入银行流水"),
    ("reconcile match", "确认匹配"),
    ("reconcile ignore", "忽略流水"),
    ("reconcile undo", "撤销导入"),
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
    let en = || METHODS_EN.iter().find(|(c, _)| c.eq_ignore_ascii_case(code.trim())).map(|(_, en)| *en);
    match lang {
        Lang::En => en().map_or_else(|| code.to_string(), str::to_string),
        Lang::Zh => pick(&METHODS, code, lang).map_or_else(|| code.to_string(), str::to_string),
    }
}

/// A command of the audit trail (`pay add` …) as the language says it; a
/// command the table does not know is shown as it is.
pub fn command(name: &str, lang: Lang) -> String {
    pick(&COMMANDS, name, lang).map_or_else(|| name.to_string(), str::to_string)
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
        assert_eq!(method("acceptance", Lang::Zh), "承兑汇票");
        assert_eq!(method("acceptance", Lang::En), "acceptance bill");
        assert_eq!(command("pay add", Lang::Zh), "登记收款");
        assert_eq!(command("reconcile undo", Lang::Zh), "撤销导入");
        assert_eq!(command("pay add", Lang::En), "pay add");
        // A command the table does not know (a hand-made event) stays as written.
        assert_eq!(command("test", Lang::Zh), "test");
    }
}
