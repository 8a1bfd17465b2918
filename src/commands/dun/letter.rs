//! `huikuan dun letter`.

use std::path::PathBuf;

use crate::context::{Ctx, config_dir};
use crate::error::{Error, Result};
use crate::output::{Format, Lang};
use crate::render::letters;
use crate::reports;
use crate::reports::letter::Letter;
use crate::store::{customers, dunning, events};

/// Write the collection letter for a customer's step, or every letter due today.
///
/// The letter follows the ladder level (--level, else today's step on the
/// worklist): reminder (0–2), formal dunning letter 催款函 (3), final notice
/// before stop of supply (4), lawyer's letter 律师函 (5–6). It lists the
/// overdue installments with days late and late interest to date (equal to
/// `dun interest`), the total due, a pay-by date a week ahead, where to pay
/// (`config set bank`) and what happens next. --format txt (default), md,
/// html or eml (an e-mail to the payer contact); --lang en|zh. A template in
/// <config dir>/templates/letter.<en|zh>.txt replaces the built-in text.
/// With --all --out DIR, every letter due today is written and logged once
/// (running it again the same day logs nothing more). Examples:
///   huikuan dun letter HY --format html > hy.html
///   huikuan dun letter HY --level 5 --lang zh
///   huikuan dun letter --all --out letters/ --format eml
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Customer code (omit with --all)
    #[arg(required_unless_present = "all")]
    pub customer: Option<String>,
    /// The ladder level of the letter [default: today's step]
    #[arg(long, value_name = "L")]
    pub level: Option<u8>,
    /// Every letter due today (needs --out)
    #[arg(long, requires = "out", conflicts_with_all = ["customer", "level"])]
    pub all: bool,
    /// Write files into this folder instead of printing
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The letter in the format asked for, from the user's template for its
/// language if there is one, else the built-in one; with the file extension.
fn render(l: &Letter, format: Format) -> Result<(String, &'static str)> {
    let custom = config_dir().map(|d| d.join("templates").join(format!("letter.{}.txt", lang_code(l.lang))));
    let template = match custom.filter(|p| p.is_file()) {
        Some(p) => std::fs::read_to_string(&p)
            .map_err(|e| Error::user(format!("{}: {e}", p.display()), format!("{}：{e}", p.display())))?,
        None => letters::default_template(l.lang).to_string(),
    };
    letters::render(l, &template, format)
}

fn lang_code(l: Lang) -> &'static str {
    match l {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

fn write_file(dir: &std::path::Path, name: &str, content: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(name);
    std::fs::write(&path, content)?;
    Ok(path)
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    if a.all {
        return run_all(ctx, a.out.as_deref().unwrap_or(std::path::Path::new(".")));
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
    let letter = reports::letter(&tx, id, ctx.as_of, level, ctx.lang)?;
    let (content, ext) = render(&letter, ctx.format)?;
    match &a.out {
        Some(dir) => {
            let path = write_file(dir, &letters::file_name(&letter, ext), &content)?;
            ctx.note(&format!("wrote {}", path.display()), &format!("已写入 {}", path.display()));
        }
        None => ctx.out.write_all(content.as_bytes())?,
    }
    Ok(())
}

fn run_all(ctx: &mut Ctx, dir: &std::path::Path) -> Result<()> {
    if ctx.as_of != ctx.today {
        return Err(Error::usage(
            "dun letter --all writes today's letters; drop --as-of",
            "dun letter --all 只生成今天的函件；请去掉 --as-of",
        ));
    }
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let ladder = dunning::ladder(&tx)?;
    let items = reports::worklist(&tx, ctx.today, None)?;
    let logged_today = dunning::actions_by_customer(&tx, ctx.today)?;
    let mut written = Vec::new();
    let mut logged = 0;
    for w in items.iter().filter(|w| w.acts()) {
        let letter = reports::letter(&tx, w.customer_id, ctx.today, w.level, ctx.lang)?;
        let (content, ext) = render(&letter, ctx.format)?;
        written.push(write_file(dir, &letters::file_name(&letter, ext), &content)?);
        let already =
            logged_today.get(&w.customer_id).is_some_and(|a| a.iter().any(|x| x.0 == ctx.today && x.1 == w.level));
        if !already {
            let channel = ladder.get(w.level).map_or("letter", |l| l.channel.as_str());
            dunning::log_action(
                &tx,
                &dunning::NewAction {
                    customer_id: w.customer_id,
                    date: ctx.today,
                    level: w.level,
                    channel,
                    note: Some(&format!("{} sent", letter.kind.slug())),
                    outcome: None,
                    source: "letter",
                },
            )?;
            logged += 1;
        }
    }
    if logged > 0 {
        events::record(
            &tx,
            "dun letter",
            &format!("{} letters written to {}, {logged} logged", written.len(), dir.display()),
            None,
        )?;
    }
    tx.commit()?;
    for p in &written {
        writeln!(ctx.out, "{}", p.display())?;
    }
    ctx.note(
        &format!("{} letters written to {}; {logged} newly logged", written.len(), dir.display()),
        &format!("已写入 {} 封函件至 {}；新记录 {logged} 条", written.len(), dir.display()),
    );
    Ok(())
}

use std::io::Write;
