//! `huikuan dun letter`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::commands::files::{self, Written};
use crate::context::{Ctx, config_dir};
use crate::error::{Error, Result};
use crate::ledger::ladder::Ladder;
use crate::mail;
use crate::output::{Format, Lang, visible};
use crate::render::letters::{self, Template, lang_code};
use crate::reports;
use crate::reports::letter::Letter;
use crate::store::customers::{self, Role};
use crate::store::{self, Connection, dunning, events};

/// Write the collection letter for a customer's step, or every letter due today.
///
/// The letter follows the ladder level (--level, else today's step on the
/// worklist): reminder (0–2), formal dunning letter 催款函 (3), final notice
/// before stop of supply (4), and from 5 a lawyer's letter 律师函 written and
/// signed by the law firm set with `config set lawyer_firm` (and
/// lawyer_name, lawyer_contact) — without one, a final notice before legal
/// action in the company's own name. It lists each overdue part with its
/// days, rate and late interest (parts already paid late included: their
/// interest stays owed), the total due now (overdue + interest, as `dun
/// interest`), what is not yet due apart, a pay-by date a week ahead and
/// where to pay (`config set bank`). It goes to the payer contact; --cc
/// ROLE copies the customer's decision, acceptance or payer contacts. The
/// language is --lang when given, else the customer's own (`customer edit
/// --language`), else yours. --format txt (default), md, html, eml (the text and HTML as an e-mail
/// to the addressee, refused when a recipient has no address) or json (the
/// figures). --send e-mails it instead (text and HTML), and logs it only
/// once the server accepted it, with the server's reply. A template in <config dir>/templates/letter.<en|zh>.txt
/// replaces the built-in text. --out DIR writes a file instead of printing;
/// a file is never overwritten. With --all --out DIR, every letter due
/// today is written and logged once: a letter whose file is already there
/// is neither rewritten nor logged again. Examples:
///   huikuan dun letter HY --format html > hy.html
///   huikuan dun letter HY --level 5 --lang zh --cc decision
///   huikuan dun letter HY --format json
///   huikuan dun letter --all --out letters/ --format html
///   huikuan dun letter HY --send --cc decision --dry-run
///   huikuan dun letter --all --send
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Customer code (omit with --all)
    #[arg(required_unless_present = "all")]
    pub customer: Option<String>,
    /// The ladder level of the letter [default: today's step]
    #[arg(long, value_name = "L")]
    pub level: Option<u8>,
    /// Every letter due today (with --out or --send)
    #[arg(long, conflicts_with_all = ["customer", "level"])]
    pub all: bool,
    /// Write files into this folder instead of printing
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Copy the customer's contact in this role: decision, acceptance or payer (repeatable)
    #[arg(long, value_name = "ROLE", value_parser = parse_role)]
    pub cc: Vec<Role>,
    /// E-mail the letter through the book's SMTP server (`config set
    /// smtp_host` …; password in HUIKUAN_SMTP_PASSWORD) and log it as sent
    /// once the server accepted it
    #[arg(long, conflicts_with = "out")]
    pub send: bool,
    /// With --send: show what would be sent, send and log nothing
    #[arg(long, requires = "send")]
    pub dry_run: bool,
}

fn parse_role(s: &str) -> std::result::Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("'{s}' is not a role: decision, acceptance or payer"))
}

/// The templates of the letters, read once per language: the user's file
/// for the language if there is one, else the built-in one.
struct Templates {
    read: HashMap<&'static str, Template>,
    /// When the run's e-mails are dated.
    now: chrono::DateTime<chrono::FixedOffset>,
}

impl Templates {
    fn new(now: chrono::DateTime<chrono::FixedOffset>) -> Templates {
        Templates { read: HashMap::new(), now }
    }

    fn get(&mut self, lang: Lang) -> Result<&Template> {
        let code = lang_code(lang);
        if !self.read.contains_key(code) {
            let custom = config_dir().map(|d| d.join("templates").join(format!("letter.{code}.txt")));
            let t = match custom.filter(|p| p.is_file()) {
                Some(p) => {
                    let text = std::fs::read_to_string(&p)
                        .map_err(|e| Error::user(format!("{}: {e}", p.display()), format!("{}：{e}", p.display())))?;
                    Template::parse(&text, &p.display().to_string())?
                }
                None => Template::built_in(lang),
            };
            self.read.insert(code, t);
        }
        Ok(&self.read[code])
    }

    /// The letter's file in `format`: an `.eml` is the text and HTML as an
    /// e-mail from the book's sender (`smtp_from`, else the company's
    /// address), dated now.
    fn render(&mut self, conn: &Connection, l: &Letter, format: Format) -> Result<(Vec<u8>, &'static str)> {
        let now = self.now;
        let t = self.get(l.lang)?;
        if format == Format::Eml {
            let settings = store::settings::load(conn)?;
            let from = mail::sender(&settings, store::setting(conn, "smtp_from")?.as_deref())?;
            return Ok((mail::eml(&mail::letter(l, t, from, now)?)?, "eml"));
        }
        let (text, ext) = letters::render(l, t, format)?;
        Ok((text.into_bytes(), ext))
    }
}

/// Log a letter as sent (written to its file, or accepted by the server),
/// with its note in English and Chinese.
fn log_sent(conn: &Connection, ladder: &Ladder, l: &Letter, (note, note_zh): (&str, &str)) -> Result<()> {
    let channel = ladder.get(l.level).map_or("letter", |s| s.channel.as_str());
    dunning::log_action(
        conn,
        &dunning::NewAction {
            customer_id: l.customer_id,
            date: l.date,
            level: l.level,
            channel,
            note: Some(note),
            note_zh: Some(note_zh),
            outcome: None,
            source: "letter",
        },
    )?;
    Ok(())
}

/// E-mail a letter: the message, then (unless a dry run) its delivery;
/// the server's reply, or `None` for a dry run (its description printed).
fn send_one(ctx: &mut Ctx, smtp: &mail::Smtp, t: &Template, l: &Letter, dry_run: bool) -> Result<Option<String>> {
    let msg = mail::letter(l, t, smtp.from.clone(), ctx.now())?;
    if dry_run {
        let shown = mail::describe(&msg, ctx.lang)?;
        ctx.out.write_all(shown.as_bytes())?;
        return Ok(None);
    }
    mail::send(smtp, &msg).map(Some)
}

/// The addresses a letter went to, for its log entry.
fn sent_note(l: &Letter, reply: &str) -> String {
    let to: Vec<String> = l.recipients().filter_map(|r| r.email.clone()).collect();
    format!("{} e-mailed to {}; server: {}", l.kind.slug(), to.join(", "), reply.trim())
}

/// What [`sent_note`] says, in Chinese (for the audit trail).
fn sent_note_zh(l: &Letter, reply: &str) -> String {
    let to: Vec<String> = l.recipients().filter_map(|r| r.email.clone()).collect();
    let title = letters::title(l.kind, Lang::Zh);
    format!("{} 的{title}已发送至 {}；服务器回复：{}", l.customer_code, to.join("、"), reply.trim())
}

/// The letter's language: --lang when given, else the customer's own, else the user's.
fn language(ctx: &Ctx, conn: &Connection, customer_id: i64) -> Result<Lang> {
    Ok(ctx.lang_for(customers::lang_of(conn, customer_id)?))
}

/// The file-name stem of every customer of the book (all of them, so a
/// customer's stem does not change with who gets a letter today).
fn stems(conn: &Connection) -> Result<HashMap<i64, String>> {
    let all = customers::entries(conn)?;
    Ok(files::customer_stems(all.iter().map(|r| (r.id, r.code.as_str()))))
}

fn stem_of(stems: &HashMap<i64, String>, id: i64) -> String {
    stems.get(&id).cloned().unwrap_or_else(|| format!("customer-{id}"))
}

fn missing_cc(l: &Letter) -> Option<(String, String)> {
    let roles: Vec<&str> = l.missing_cc.iter().map(|r| r.as_str()).collect();
    if roles.is_empty() {
        return None;
    }
    let code = visible(&l.customer_code);
    let role = roles[0];
    Some((
        format!(
            "{code} has no {} contact to copy (--cc); add one: huikuan customer edit {code} --contact {role}:NAME:PHONE:EMAIL",
            roles.join(", ")
        ),
        format!(
            "{code} 没有可抄送（--cc）的 {} 联系人；请先添加：huikuan customer edit {code} --contact {role}:姓名:电话:邮箱",
            roles.join("、")
        ),
    ))
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    if a.all {
        if a.send {
            return send_all(ctx, &a.cc, a.dry_run);
        }
        let Some(dir) = a.out.as_deref() else {
            return Err(Error::usage(
                "dun letter --all writes into a folder or e-mails: give --out DIR or --send",
                "dun letter --all 需写入文件夹或发送邮件：请给出 --out DIR 或 --send",
            ));
        };
        return run_all(ctx, dir, &a.cc);
    }
    let code = a.customer.as_deref().unwrap_or_default();
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let id = customers::require_id(&tx, code)?;
    let ladder = dunning::ladder(&tx)?;
    let level = match a.level {
        Some(l) => {
            ladder.get(l).ok_or_else(|| {
                Error::user(
                    format!("--level: {l} is not on the ladder (0 to {})", ladder.max_level()),
                    format!("--level：{l} 不在催收阶梯上（0 至 {}）", ladder.max_level()),
                )
            })?;
            l
        }
        None => reports::worklist::due_level(&tx, ctx.as_of, id)?.ok_or_else(|| {
            Error::user(
                format!("no collection step is due for {code} on {}; give --level", ctx.as_of),
                format!("{code} 在 {} 没有待办催收；请给出 --level", ctx.as_of),
            )
        })?,
    };
    let lang = language(ctx, &tx, id)?;
    let letter = reports::letter(&tx, id, ctx.as_of, level, lang, &a.cc)?;
    if let Some((en, zh)) = missing_cc(&letter) {
        return Err(Error::user(en, zh));
    }
    let mut templates = Templates::new(ctx.now());
    if a.send {
        drop(tx);
        return send_single(ctx, &mut book, &mut templates, &letter, &ladder, a.dry_run);
    }
    let (content, ext) = templates.render(&tx, &letter, ctx.format)?;
    match &a.out {
        Some(dir) => {
            let name = letters::file_name(&letter, &stem_of(&stems(&tx)?, id), ext);
            match files::create_new(dir, &name, &content)? {
                Written::New(path) => {
                    ctx.note(&format!("wrote {}", path.display()), &format!("已写入 {}", path.display()))
                }
                Written::Exists(path) => {
                    return Err(Error::user(
                        format!(
                            "{} exists; it is not overwritten (remove it, or give another --out folder)",
                            path.display()
                        ),
                        format!("{} 已存在，不会覆盖（请先删除它，或换一个 --out 文件夹）", path.display()),
                    ));
                }
            }
        }
        None => ctx.out.write_all(&content)?,
    }
    Ok(())
}

/// `dun letter CODE --send`: e-mail the letter and log it once accepted.
fn send_single(
    ctx: &mut Ctx,
    book: &mut crate::store::Book,
    templates: &mut Templates,
    letter: &Letter,
    ladder: &Ladder,
    dry_run: bool,
) -> Result<()> {
    let tx = book.write()?;
    let smtp = mail::Smtp::from_book(&tx, ctx.smtp_password())?;
    let t = templates.get(letter.lang)?;
    let Some(reply) = send_one(ctx, &smtp, t, letter, dry_run)? else {
        ctx.note("dry run: nothing sent, nothing logged", "试运行：未发送，未记录");
        return Ok(());
    };
    let note = sent_note(letter, &reply);
    log_sent(&tx, ladder, letter, (&note, &sent_note_zh(letter, &reply)))?;
    let (en, zh) =
        (format!("{} for {}: {note}", letter.kind.slug(), letter.customer_code), sent_note_zh(letter, &reply));
    events::record(&tx, "dun letter", &en, &zh, None)?;
    tx.commit()?;
    ctx.note(&format!("sent: {note}"), &format!("已发送：{note}"));
    Ok(())
}

/// Files written by a run, removed again unless the run commits: a letter
/// is on disk only if it is logged (or was before).
struct NewFiles(Vec<PathBuf>);

impl Drop for NewFiles {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn todays_only(ctx: &Ctx) -> Result<()> {
    if ctx.as_of != ctx.today {
        return Err(Error::usage(
            "dun letter --all writes today's letters; drop --as-of",
            "dun letter --all 只生成今天的函件；请去掉 --as-of",
        ));
    }
    Ok(())
}

/// `dun letter --all --send`: e-mail every letter due today that has not
/// gone today; each is logged once the server accepted it. A letter that
/// cannot go (no address, refused) is named and left unlogged, and the
/// command fails at the end, after logging those that went.
fn send_all(ctx: &mut Ctx, cc: &[Role], dry_run: bool) -> Result<()> {
    todays_only(ctx)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let smtp = mail::Smtp::from_book(&tx, ctx.smtp_password())?;
    let ladder = dunning::ladder(&tx)?;
    let items = reports::worklist(&tx, ctx.today, None)?;
    let logged_today = dunning::actions_by_customer(&tx, ctx.today)?;
    let mut templates = Templates::new(ctx.now());
    let (mut sent, mut already, mut failed) = (0, 0, Vec::new());
    for w in items.iter().filter(|w| w.acts()) {
        if logged_today.get(&w.customer_id).is_some_and(|a| a.iter().any(|x| x.0 == ctx.today && x.1 == w.level)) {
            already += 1;
            continue;
        }
        let lang = language(ctx, &tx, w.customer_id)?;
        let letter = reports::letter(&tx, w.customer_id, ctx.today, w.level, lang, cc)?;
        if let Some((en, zh)) = missing_cc(&letter) {
            ctx.warn(&format!("{en}; its letter has no copy"), &format!("{zh}；该函件不抄送"));
        }
        let t = templates.get(lang)?;
        match send_one(ctx, &smtp, t, &letter, dry_run) {
            Ok(Some(reply)) => {
                log_sent(&tx, &ladder, &letter, (&sent_note(&letter, &reply), &sent_note_zh(&letter, &reply)))?;
                sent += 1;
            }
            Ok(None) => {}
            Err(e) => {
                ctx.warn(
                    &format!("{}: not sent: {e}", letter.customer_code),
                    &format!("{}：未发送：{e}", letter.customer_code),
                );
                failed.push(letter.customer_code.clone());
            }
        }
    }
    if dry_run {
        ctx.note("dry run: nothing sent, nothing logged", "试运行：未发送，未记录");
        return Ok(());
    }
    if sent > 0 {
        events::record(&tx, "dun letter", &format!("{sent} letters e-mailed"), &format!("已发送 {sent} 封函件"), None)?;
    }
    tx.commit()?;
    ctx.note(
        &format!("{sent} letters e-mailed and logged; {already} already logged today (not sent again)"),
        &format!("已发送并记录 {sent} 封函件；{already} 封今天已记录（未重复发送）"),
    );
    if !failed.is_empty() {
        let n = failed.len();
        let who = failed.iter().map(|c| visible(c)).collect::<Vec<_>>().join(", ");
        return Err(Error::user(
            format!("{n} letter(s) not sent (nothing logged for them): {who}"),
            format!("{n} 封函件未发送（未记录）：{who}"),
        ));
    }
    Ok(())
}

fn run_all(ctx: &mut Ctx, dir: &Path, cc: &[Role]) -> Result<()> {
    todays_only(ctx)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let ladder = dunning::ladder(&tx)?;
    let items = reports::worklist(&tx, ctx.today, None)?;
    let logged_today = dunning::actions_by_customer(&tx, ctx.today)?;
    let stems = stems(&tx)?;
    let mut templates = Templates::new(ctx.now());
    let mut written = NewFiles(Vec::new());
    let mut already = 0;
    let mut logged = 0;
    for w in items.iter().filter(|w| w.acts()) {
        let lang = language(ctx, &tx, w.customer_id)?;
        let letter = reports::letter(&tx, w.customer_id, ctx.today, w.level, lang, cc)?;
        if let Some((en, zh)) = missing_cc(&letter) {
            ctx.warn(&format!("{en}; its letter has no copy"), &format!("{zh}；该函件不抄送"));
        }
        let (content, ext) = templates.render(&tx, &letter, ctx.format)?;
        let name = letters::file_name(&letter, &stem_of(&stems, w.customer_id), ext);
        match files::create_new(dir, &name, &content)? {
            Written::New(path) => written.0.push(path),
            Written::Exists(_) => {
                // Written by an earlier run: neither rewritten nor logged again.
                already += 1;
                continue;
            }
        }
        let logged_before =
            logged_today.get(&w.customer_id).is_some_and(|a| a.iter().any(|x| x.0 == ctx.today && x.1 == w.level));
        if !logged_before {
            let zh = format!("{}已发出", letters::title(letter.kind, Lang::Zh));
            log_sent(&tx, &ladder, &letter, (&format!("{} sent", letter.kind.slug()), &zh))?;
            logged += 1;
        }
    }
    let count = written.0.len();
    if logged > 0 {
        events::record(
            &tx,
            "dun letter",
            &format!("{count} letters written to {}, {logged} logged", dir.display()),
            &format!("{count} 封函件已写入 {}，记录 {logged} 封", dir.display()),
            None,
        )?;
    }
    tx.commit()?;
    let paths = std::mem::take(&mut written.0);
    for p in &paths {
        writeln!(ctx.out, "{}", p.display())?;
    }
    let d = dir.display();
    if count == 0 && already > 0 {
        ctx.note(
            &format!(
                "nothing new: the {already} letters due today are already in {d} (not rewritten, not logged again)"
            ),
            &format!("没有新函件：今天应发的 {already} 封函件已在 {d} 中（未重写，未重复记录）"),
        );
    } else {
        ctx.note(
            &format!("{count} letters written to {d}; {logged} newly logged; {already} already there (not rewritten)"),
            &format!("已写入 {count} 封函件至 {d}；新记录 {logged} 条；{already} 封已存在（未重写）"),
        );
    }
    Ok(())
}
