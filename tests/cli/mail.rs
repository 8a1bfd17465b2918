//! E-mail delivered to a real SMTP server on 127.0.0.1 (mailin-embedded,
//! started by each test on a free port) and read back as it arrived: the
//! addresses, the encoded subject and names, both parts and the server's
//! reply; a recipient the server refuses is an error. The settings come from
//! a book set up through the binary (`config set smtp_*`).

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset};
use huikuan::mail::{self, Mailbox, Message, Smtp, Tls};
use mailin_embedded::{Handler, Response, Server, response};

use crate::common::TestEnv;

/// What reached the server: the envelope and the message's bytes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Arrived {
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

/// The server's side of one connection: refuses `refused`, keeps what arrives.
#[derive(Clone)]
struct Inbox {
    refused: &'static str,
    arrived: Arc<Mutex<Vec<Arrived>>>,
    current: Arrived,
}

/// The reply the test server gives to an accepted message.
const QUEUED: &str = "2.0.0 Ok: queued as 4F2A9C01";

impl Handler for Inbox {
    fn rcpt(&mut self, to: &str) -> Response {
        if to.eq_ignore_ascii_case(self.refused) { response::NO_MAILBOX } else { response::OK }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Arrived { from: from.to_string(), to: to.to_vec(), data: Vec::new() };
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.arrived.lock().unwrap().push(std::mem::take(&mut self.current));
        Response::custom(250, QUEUED.to_string())
    }
}

/// A server listening on a free loopback port, refusing mail to `refused`:
/// its port and what it received. It runs until the test process ends.
pub(crate) fn server(refused: &'static str) -> (u16, Arc<Mutex<Vec<Arrived>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().unwrap().port();
    let arrived = Arc::new(Mutex::new(Vec::new()));
    let mut s = Server::new(Inbox { refused, arrived: arrived.clone(), current: Arrived::default() });
    s.with_name("mail.test").with_num_threads(2).with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = s.serve();
    });
    (port, arrived)
}

/// A book whose settings point at the server on `port`, set through the binary.
fn book(port: u16) -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["init", "--company", "上海示例贸易有限公司"]);
    env.ok(&["config", "set", "smtp_host", "127.0.0.1"]);
    env.ok(&["config", "set", "smtp_port", &port.to_string()]);
    env.ok(&["config", "set", "smtp_tls", "none"]);
    env.ok(&["config", "set", "smtp_from", "上海示例 应收组 <ar@example.com>"]);
    env
}

fn smtp(env: &TestEnv) -> Smtp {
    Smtp::from_book(&env.connect(), None).expect("the SMTP settings")
}

fn date() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-23T09:30:00+08:00").unwrap()
}

fn letter(from: Mailbox, to: &str) -> Message {
    Message {
        from,
        to: vec![Mailbox::new("王芳", to)],
        cc: vec![Mailbox::new("李总（决策人）", "li@example.com")],
        subject: "催款函：贵司逾期账款合计 23,170.00 元".into(),
        text: "王芳您好：\n截至 2026-11-23，应付合计 23,170.00 元。\n".into(),
        html: Some("<p>截至 2026-11-23，应付合计 <b>23,170.00</b> 元。</p>".into()),
        date: date(),
    }
}

#[test]
fn a_letter_arrives_with_its_addresses_cjk_subject_both_parts_and_the_reply_is_returned() {
    let (port, arrived) = server("nobody@example.com");
    let env = book(port);
    let smtp = smtp(&env);
    assert_eq!((smtp.host.as_str(), smtp.port, smtp.tls), ("127.0.0.1", port, Tls::None));
    assert_eq!(smtp.from, Mailbox::new("上海示例 应收组", "ar@example.com"));

    let reply = mail::send(&smtp, &letter(smtp.from.clone(), "wang@example.com")).unwrap();
    assert_eq!(reply, format!("250 {QUEUED}"));

    let got = arrived.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].from, "ar@example.com");
    assert_eq!(got[0].to, ["wang@example.com", "li@example.com"]);
    let m = mail_parser::MessageParser::default().parse(&got[0].data).expect("the message as it arrived");
    let from = m.from().unwrap().first().unwrap();
    assert_eq!((from.name(), from.address()), (Some("上海示例 应收组"), Some("ar@example.com")));
    let to = m.to().unwrap().first().unwrap();
    assert_eq!((to.name(), to.address()), (Some("王芳"), Some("wang@example.com")));
    let cc = m.cc().unwrap().first().unwrap();
    assert_eq!((cc.name(), cc.address()), (Some("李总（决策人）"), Some("li@example.com")));
    assert_eq!(m.subject(), Some("催款函：贵司逾期账款合计 23,170.00 元"));
    assert_eq!(m.body_text(0).unwrap().replace("\r\n", "\n"), "王芳您好：\n截至 2026-11-23，应付合计 23,170.00 元。\n");
    assert_eq!(m.body_html(0).unwrap(), "<p>截至 2026-11-23，应付合计 <b>23,170.00</b> 元。</p>");
    assert_eq!(m.date().unwrap().to_rfc3339(), "2026-11-23T01:30:00Z");
    let head = String::from_utf8_lossy(&got[0].data).split("\r\n\r\n").next().unwrap().to_string();
    assert!(head.lines().all(|l| l.len() <= 78 && l.is_ascii()), "{head}");
}

#[test]
fn a_sixty_character_chinese_subject_and_a_long_name_arrive_whole_in_header_lines_of_at_most_78() {
    let (port, arrived) = server("nobody@example.com");
    let env = book(port);
    let smtp = smtp(&env);
    let subject: String = "关于贵司逾期应收账款的最后催告函请于七日内付清".chars().cycle().take(60).collect();
    let name = "上海浦东新区某某国际贸易有限公司财务部付款专员王芳女士";
    let mut m = letter(smtp.from.clone(), "wang@example.com");
    m.subject = subject.clone();
    m.to[0].name = name.into();
    mail::send(&smtp, &m).unwrap();
    let got = arrived.lock().unwrap().clone();
    let head = String::from_utf8_lossy(&got[0].data).split("\r\n\r\n").next().unwrap().to_string();
    let long: Vec<&str> = head.split("\r\n").filter(|l| l.len() > 78).collect();
    assert!(long.is_empty(), "header lines over 78 characters: {long:?}");
    assert!(head.matches("=?utf-8?b?").count() >= 6, "the subject and name as several encoded words:\n{head}");
    let p = mail_parser::MessageParser::default().parse(&got[0].data).unwrap();
    assert_eq!(p.subject(), Some(subject.as_str()));
    assert_eq!(p.to().unwrap().first().unwrap().name(), Some(name));
}

#[test]
fn a_recipient_the_server_refuses_is_an_error_and_nothing_arrives() {
    let (port, arrived) = server("wang@example.com");
    let env = book(port);
    let smtp = smtp(&env);
    let e = mail::send(&smtp, &letter(smtp.from.clone(), "wang@example.com")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "the mail server 127.0.0.1:{port} refused the message: permanent error (550): Mailbox unavailable; \
             nothing was sent"
        )
    );
    assert_eq!(
        e.text(huikuan::output::Lang::Zh),
        format!("邮件服务器 127.0.0.1:{port} 拒收该邮件：permanent error (550): Mailbox unavailable；未发送任何邮件")
    );
    assert!(arrived.lock().unwrap().is_empty());
}

#[test]
fn a_server_that_is_not_there_is_an_error_naming_it() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let env = book(port);
    let smtp = smtp(&env);
    let e = mail::send(&smtp, &letter(smtp.from.clone(), "wang@example.com")).unwrap_err();
    let text = e.to_string();
    assert!(text.starts_with(&format!("cannot send through the mail server 127.0.0.1:{port}: ")), "{text}");
    assert!(text.ends_with("; nothing was sent") && !text.contains('\n'), "{text}");
}

#[test]
fn a_recipient_without_an_address_is_refused_before_the_server_is_asked() {
    let (port, arrived) = server("nobody@example.com");
    let env = book(port);
    let smtp = smtp(&env);
    let e = mail::send(&smtp, &letter(smtp.from.clone(), "")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "王芳 has no e-mail address; add it with huikuan customer edit CODE --contact payer:王芳:PHONE:EMAIL"
    );
    assert!(arrived.lock().unwrap().is_empty());
}

#[test]
fn the_smtp_settings_default_their_port_by_tls_and_want_a_password_for_a_login() {
    let env = TestEnv::new();
    env.ok(&["init", "--company", "Example Co."]);
    let e = Smtp::from_book(&env.connect(), None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "e-mail is not set up: set the mail server with huikuan config set smtp_host smtp.example.com"
    );
    env.ok(&["config", "set", "smtp_host", "smtp.example.com"]);
    env.ok(&["config", "set", "company_email", "ar@example.com"]);
    let s = Smtp::from_book(&env.connect(), None).unwrap();
    assert_eq!((s.port, s.tls, s.from.clone()), (587, Tls::StartTls, Mailbox::new("Example Co.", "ar@example.com")));
    env.ok(&["config", "set", "smtp_tls", "TLS"]);
    assert_eq!(Smtp::from_book(&env.connect(), None).unwrap().port, 465);
    env.ok(&["config", "set", "smtp_tls", "none"]);
    assert_eq!(Smtp::from_book(&env.connect(), None).unwrap().port, 25);
    env.ok(&["config", "set", "smtp_user", "ar@example.com"]);
    let e = Smtp::from_book(&env.connect(), None).unwrap_err();
    assert!(e.to_string().starts_with("smtp_user is set but HUIKUAN_SMTP_PASSWORD is not"), "{e}");
    let s = Smtp::from_book(&env.connect(), Some("s3cret".into())).unwrap();
    assert_eq!(s.user.as_deref(), Some("ar@example.com"));
    assert!(!format!("{s:?}").contains("s3cret"), "the password is never printed");
}

/// A book on the server at `port` with customer HY (its own language
/// Chinese): payer 王芳 and decision maker 李总 with addresses, one invoice
/// of 10,000.00 overdue since 2026-10-31 (as of 2026-11-22: 22 days, 110.00
/// of interest).
fn debtor(port: u16) -> TestEnv {
    let env = book(port);
    env.ok(&["-q", "customer", "add", "HY", "深圳华远电子有限公司"]);
    env.ok(&[
        "-q",
        "customer",
        "edit",
        "HY",
        "--language",
        "zh",
        "--contact",
        "payer:王芳:13800000000:wang@example.com",
        "--contact",
        "decision:李总:13900000000:li@example.com",
    ]);
    env.ok(&["-q", "invoice", "add", "INV-1", "HY", "10000", "--date", "2026-10-01", "--due", "2026-10-31"]);
    env
}

/// The letters logged for HY (the collection log as JSON).
fn logged(env: &TestEnv) -> Vec<serde_json::Value> {
    env.json(&["dun", "history", "HY"]).as_array().cloned().unwrap_or_default()
}

#[test]
fn dun_letter_send_delivers_to_the_payer_copies_the_decision_maker_in_the_customers_language_and_logs_the_reply() {
    let (port, arrived) = server("nobody@example.com");
    let env = debtor(port);
    let out = env.run(&["dun", "letter", "HY", "--level", "3", "--send", "--cc", "decision"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got = arrived.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, ["wang@example.com", "li@example.com"]);
    let m = mail_parser::MessageParser::default().parse(&got[0].data).unwrap();
    assert_eq!(m.to().unwrap().first().unwrap().address(), Some("wang@example.com"));
    assert_eq!(m.cc().unwrap().first().unwrap().name(), Some("李总"));
    let subject = m.subject().unwrap().to_string();
    assert!(subject.contains("催款函"), "the customer's language: {subject}");
    let text = m.body_text(0).unwrap().to_string();
    // 10,000.00 overdue + 22 days × 5.00 of interest.
    assert!(text.contains("10,110.00"), "the total due in the body:\n{text}");
    assert!(m.body_html(0).unwrap().contains("10,110.00"));
    let log = logged(&env);
    let note = log.iter().filter_map(|a| a["note"].as_str()).find(|n| n.contains("e-mailed")).unwrap_or_else(|| {
        panic!("the letter is logged as e-mailed: {log:#?}");
    });
    assert!(note.contains("wang@example.com, li@example.com") && note.contains(QUEUED), "{note}");
}

#[test]
fn a_letter_the_server_refuses_is_not_logged_and_a_dry_run_sends_and_logs_nothing() {
    let (port, arrived) = server("wang@example.com");
    let env = debtor(port);
    let before = logged(&env).len();
    let (code, err) = env.fail(&["dun", "letter", "HY", "--level", "3", "--send"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
    assert_eq!(logged(&env).len(), before, "a refused letter is not logged");
    assert!(arrived.lock().unwrap().is_empty());
    let out = env.ok(&["dun", "letter", "HY", "--level", "3", "--send", "--dry-run", "--cc", "decision"]);
    assert!(out.contains("To: 王芳 <wang@example.com>") && out.contains("Cc: 李总 <li@example.com>"), "{out}");
    assert_eq!(logged(&env).len(), before, "a dry run logs nothing");
    assert!(arrived.lock().unwrap().is_empty(), "a dry run sends nothing");
}

#[test]
fn an_eml_letter_to_a_customer_without_an_address_is_refused_with_the_fix() {
    let env = TestEnv::new();
    env.ok(&["-q", "init", "--company", "上海示例贸易有限公司"]);
    env.ok(&["-q", "config", "set", "company_email", "ar@example.com"]);
    env.ok(&["-q", "customer", "add", "XM", "Xiamen Star Trading"]);
    env.ok(&["-q", "customer", "edit", "XM", "--contact", "payer:Lin:0592-1234567"]);
    env.ok(&["-q", "invoice", "add", "INV-9", "XM", "500", "--date", "2026-10-01", "--due", "2026-10-31"]);
    let (code, err) = env.fail(&["dun", "letter", "XM", "--level", "3", "--format", "eml"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Lin (XM) has no e-mail address to send the letter to; add it with huikuan customer edit XM --contact payer:NAME:PHONE:EMAIL"),
        "{err}"
    );
    env.ok(&["-q", "customer", "edit", "XM", "--contact", "payer:Lin:0592-1234567:lin@example.com"]);
    let eml = env.ok(&["dun", "letter", "XM", "--level", "3", "--format", "eml"]);
    let m = mail_parser::MessageParser::default().parse(eml.as_bytes()).unwrap();
    assert_eq!(m.to().unwrap().first().unwrap().address(), Some("lin@example.com"));
    assert_eq!(m.from().unwrap().first().unwrap().address(), Some("ar@example.com"));
    assert!(m.body_html(0).is_some() && m.body_text(0).unwrap().contains("500.00"));
}
