//! The command's surroundings: which book, what "today" is, how to print, in
//! which language, and whether we may ask questions. The only place that
//! reads the clock and the environment.

use std::cell::RefCell;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Stdio};
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::import::csvfile::CsvFile;
use crate::ledger::date::parse_date;
use crate::output::{Format, Lang};
use crate::store::{Book, NewBook};

/// The fewest rows a progress bar is drawn for: fewer take no time.
const PROGRESS_FROM: usize = 1_000;

/// How long a command runs before the spinner shows: a command done sooner
/// shows nothing (and its waiting thread costs nothing; it never delays the
/// exit).
const SPINNER_AFTER: Duration = Duration::from_secs(1);

/// The values of `HUIKUAN_PROGRESS` that turn progress off.
const PROGRESS_OFF: [&str; 5] = ["0", "false", "no", "n", "off"];

/// Where the spinner is in its life.
enum Phase {
    /// Not on the screen: drawn at this moment if the command still runs.
    Armed(Instant),
    /// On the screen, ticking by itself (indicatif's steady tick).
    Shown(indicatif::ProgressBar),
    /// A progress bar has stderr; armed again when it is done.
    Held,
    /// Gone for good: the command printed, asked something, or ended.
    Done,
}

/// What the spinner does once taken off the screen.
#[derive(Clone, Copy)]
enum Then {
    /// Come back if the command still runs a second from now (after a notice).
    Rearm,
    /// Stay away while a progress bar is drawn.
    Hold,
    /// Never come back.
    Stop,
}

/// "working… 3s" on stderr for a command that has run over a second without
/// a progress bar of its own. One waiting thread, detached (never joined);
/// every change of phase, the thread's included, happens under one lock, so
/// once taken off the screen the spinner cannot be redrawn by a late tick.
#[derive(Clone)]
struct Spinner(Arc<(Mutex<Phase>, Condvar)>);

impl Spinner {
    /// Arm the spinner for a command that started at `started`.
    fn start(lang: Lang, started: Instant) -> Spinner {
        let spinner = Spinner(Arc::new((Mutex::new(Phase::Armed(started + SPINNER_AFTER)), Condvar::new())));
        let waiting = spinner.clone();
        let spawned = std::thread::Builder::new().name("spinner".into()).spawn(move || waiting.wait(lang, started));
        if spawned.is_err() {
            *spinner.lock() = Phase::Done;
        }
        spinner
    }

    fn lock(&self) -> MutexGuard<'_, Phase> {
        self.0.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The waiting thread: draw the spinner when it falls due, until done.
    fn wait(&self, lang: Lang, started: Instant) {
        let condvar = &self.0.1;
        let mut phase = self.lock();
        loop {
            phase = match &*phase {
                Phase::Done => return,
                Phase::Armed(due) => match due.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => match condvar.wait_timeout(phase, left) {
                        Ok((phase, _)) => phase,
                        Err(_) => return,
                    },
                    _ => {
                        *phase = Phase::Shown(spinner_bar(lang, started));
                        phase
                    }
                },
                Phase::Shown(_) | Phase::Held => match condvar.wait(phase) {
                    Ok(phase) => phase,
                    Err(_) => return,
                },
            };
        }
    }

    /// Take the spinner off the screen (if it is on it) before something
    /// else is written to the terminal, then do as `then` says.
    fn clear(&self, then: Then) {
        let mut phase = self.lock();
        let next = match (&*phase, then) {
            (Phase::Done, _) => return,
            (Phase::Held, Then::Rearm) => return,
            (_, Then::Stop) => Phase::Done,
            (_, Then::Hold) => Phase::Held,
            (_, Then::Rearm) => Phase::Armed(Instant::now() + SPINNER_AFTER),
        };
        if let Phase::Shown(bar) = std::mem::replace(&mut *phase, next) {
            bar.finish_and_clear();
        }
        self.0.1.notify_all();
    }

    /// A progress bar is done: the spinner may come back a second later.
    fn release(&self) {
        let mut phase = self.lock();
        if let Phase::Held = *phase {
            *phase = Phase::Armed(Instant::now() + SPINNER_AFTER);
            self.0.1.notify_all();
        }
    }
}

/// The spinner as drawn: "⠋ working… 3s", the seconds since the command began.
fn spinner_bar(lang: Lang, started: Instant) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    let template = lang.pick("{spinner} working… {secs}s", "{spinner} 处理中… {secs} 秒");
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        let secs = move |_: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{}", started.elapsed().as_secs());
        };
        bar.set_style(style.with_key("secs", secs));
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// Progress (bars and the spinner) is drawn when stderr is a terminal, the
/// command is not `--quiet`, and `HUIKUAN_PROGRESS` does not turn it off.
fn progress_wanted(quiet: bool) -> bool {
    !quiet
        && std::io::stderr().is_terminal()
        && !std::env::var("HUIKUAN_PROGRESS").is_ok_and(|v| PROGRESS_OFF.contains(&v.trim().to_lowercase().as_str()))
}

/// Standard output that writes the UTF-8 byte-order mark before its first
/// byte (`--bom`): Excel on Chinese Windows reads a CSV without it as GBK.
struct BomFirst {
    inner: Box<dyn Write>,
    pending: bool,
}

impl Write for BomFirst {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.pending && !buf.is_empty() {
            self.inner.write_all("\u{feff}".as_bytes())?;
            self.pending = false;
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The pager when neither `HUIKUAN_PAGER` nor `PAGER` is set: `less` that
/// quits when the text fits one screen (F), keeps colours (R) and leaves the
/// text on the screen (X).
const DEFAULT_PAGER: &str = "less -FRX";

/// Where standard output goes once the command writes its first byte.
enum Sink {
    /// Into the pager's input; the pager draws on the terminal.
    Paged { child: Child, input: BufWriter<ChildStdin> },
    /// Straight to standard output.
    Direct(BufWriter<std::io::Stdout>),
}

impl Sink {
    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Paged { input, .. } => input,
            Sink::Direct(w) => w,
        }
    }
}

/// Standard output, paged on a terminal. The pager starts on the first byte
/// written (a command that asks first, or prints nothing, never starts it),
/// and is waited for at the end of the command.
struct Stdout {
    /// The pager's command line, until the first byte; `None` for no pager.
    pager: Option<Vec<String>>,
    sink: Option<Sink>,
    /// Taken off the screen for good before the first byte, a question or
    /// the end of the command.
    spinner: Option<Spinner>,
}

impl Stdout {
    fn open(&mut self) -> &mut dyn Write {
        if self.sink.is_none() {
            self.stop_spinner();
        }
        let pager = &mut self.pager;
        self.sink
            .get_or_insert_with(|| {
                pager
                    .take()
                    .and_then(|argv| start_pager(&argv))
                    .unwrap_or_else(|| Sink::Direct(BufWriter::new(std::io::stdout())))
            })
            .writer()
    }

    /// Flush; close the pager's input and wait until the user has left it.
    /// Whatever is written afterwards goes straight to standard output.
    fn end(&mut self) -> std::io::Result<()> {
        self.stop_spinner();
        self.pager = None;
        match self.sink.take() {
            Some(Sink::Paged { mut child, mut input }) => {
                let flushed = input.flush();
                drop(input);
                let _ = child.wait();
                flushed
            }
            Some(Sink::Direct(mut w)) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Stdout {
    fn stop_spinner(&mut self) {
        if let Some(spinner) = self.spinner.take() {
            spinner.clear(Then::Stop);
        }
    }
}

impl Drop for Stdout {
    /// Never leave a pager behind on the terminal (a panic, an early return).
    fn drop(&mut self) {
        let _ = self.end();
    }
}

/// The handle `ctx.out` writes through (the context keeps another, to end
/// the pager before a prompt and at the end of the command).
struct SharedStdout(Rc<RefCell<Stdout>>);

impl Write for SharedStdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.0.borrow_mut().open().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.0.borrow_mut().sink.as_mut() {
            Some(sink) => sink.writer().flush(),
            None => Ok(()),
        }
    }
}

/// The pager's command line, when standard output is a terminal and paging
/// is not turned off: `$HUIKUAN_PAGER`, else `$PAGER`, else `less -FRX`,
/// split into words as a shell would (quotes, backslashes) but never run by
/// a shell. Empty, `cat` or unparsable: no pager.
fn pager_command(no_pager: bool) -> Option<Vec<String>> {
    if no_pager || !std::io::stdout().is_terminal() {
        return None;
    }
    let text = std::env::var("HUIKUAN_PAGER")
        .or_else(|_| std::env::var("PAGER"))
        .unwrap_or_else(|_| DEFAULT_PAGER.to_string());
    let words = shell_words::split(&text).ok()?;
    if words.is_empty() || words == ["cat"] { None } else { Some(words) }
}

/// Start the pager with a pipe to its input; `None` (write directly) when
/// it cannot be started. Like git: `LESS=FRX` unless the user set `LESS`,
/// and `LV=-c` (lv keeps colours) unless set.
fn start_pager(argv: &[String]) -> Option<Sink> {
    let (program, args) = argv.split_first()?;
    let mut cmd = std::process::Command::new(program);
    cmd.args(args).stdin(Stdio::piped());
    for (var, value) in [("LESS", "FRX"), ("LV", "-c")] {
        if std::env::var_os(var).is_none() {
            cmd.env(var, value);
        }
    }
    let mut child = cmd.spawn().ok()?;
    // Ctrl-C in the pager (less uses it to stop a search) reaches the whole
    // foreground process group: like git, the command does not die of it and
    // leave the pager and the shell fighting over the terminal; it ends when
    // the user quits the pager (a closed pipe) or its output is done.
    // SAFETY: SIG_IGN installs no handler code; the pager, already started,
    // keeps its own dispositions.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_IGN);
        libc::signal(libc::SIGQUIT, libc::SIG_IGN);
    }
    match child.stdin.take() {
        Some(input) => Some(Sink::Paged { child, input: BufWriter::new(input) }),
        None => {
            let _ = child.wait();
            None
        }
    }
}

/// When tables are drawn in colour (`--color`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    // (No doc comments here: the flag's own help says what each means, and
    // the values are listed on one line.)
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour, given the terminal and `NO_COLOR`.
    fn wanted(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// A progress bar on stderr, cleared when it goes out of scope (the command
/// finished, or failed and is about to say why); the spinner, if any, keeps
/// away while it is drawn.
pub struct Progress(indicatif::ProgressBar, Option<Spinner>);

impl Progress {
    pub fn inc(&self) {
        self.0.inc(1);
    }

    /// Run `f` (which writes to stderr) with the bar taken off the screen,
    /// so that the next redraw does not overwrite what it wrote.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.0.suspend(f)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
        if let Some(spinner) = &self.1 {
            spinner.release();
        }
    }
}

/// Global options as the command line gave them.
#[derive(Clone, Debug, Default)]
pub struct Globals {
    pub db: Option<PathBuf>,
    pub as_of: Option<String>,
    pub format: Option<Format>,
    pub lang: Option<Lang>,
    pub yes: bool,
    pub quiet: bool,
    /// Start CSV output with a UTF-8 byte-order mark (`--bom`).
    pub bom: bool,
    /// Write standard output directly, never through a pager (`--no-pager`).
    pub no_pager: bool,
    /// When to colour tables (`--color`).
    pub color: ColorChoice,
}

pub struct Ctx {
    pub db: PathBuf,
    /// The book given with `--db`, if any (the demo never writes to
    /// `HUIKUAN_DB` or the default book, which may be real).
    pub db_flag: Option<PathBuf>,
    pub today: NaiveDate,
    pub as_of: NaiveDate,
    pub format: Format,
    pub lang: Lang,
    /// The language given with `--lang` itself, if any (see [`Ctx::lang_flag`]).
    lang_flag: Option<Lang>,
    /// `--yes` / `HUIKUAN_YES=1`: confirmations are answered yes.
    pub yes: bool,
    pub quiet: bool,
    /// Both stdin and stderr are terminals: prompts are allowed.
    pub interactive: bool,
    pub out: Box<dyn Write>,
    /// CSV begins with a UTF-8 byte-order mark (`--bom`): stdout gets it
    /// before its first byte; a command writing a CSV file puts
    /// [`Ctx::bom_prefix`] first.
    pub bom: bool,
    /// Standard output behind `out`: paged on a terminal (see [`Ctx::finish`]).
    stdout: Rc<RefCell<Stdout>>,
    /// Progress may be drawn on stderr (see [`progress_wanted`]).
    progress: bool,
}

/// The language from `--lang`, else `HUIKUAN_LANG`, else `LANG`.
pub fn language(flag: Option<Lang>) -> Lang {
    if let Some(l) = flag {
        return l;
    }
    for var in ["HUIKUAN_LANG", "LC_ALL", "LANG"] {
        if let Ok(v) = std::env::var(var)
            && !v.is_empty()
        {
            return Lang::from_locale(&v);
        }
    }
    Lang::En
}

/// The variable the mail server's password is read from (never stored).
pub const SMTP_PASSWORD_VAR: &str = "HUIKUAN_SMTP_PASSWORD";

/// The local date, or `HUIKUAN_TODAY` when set.
fn today() -> Result<NaiveDate> {
    let local = chrono::Local::now().date_naive();
    match std::env::var("HUIKUAN_TODAY") {
        Ok(v) if !v.trim().is_empty() => parse_date(&v, local)
            .map_err(|e| Error::user(format!("HUIKUAN_TODAY: {e}"), format!("HUIKUAN_TODAY：{}", e.zh()))),
        _ => Ok(local),
    }
}

/// The default book: `<data dir>/book.sqlite`.
fn default_book() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "huikuan").map(|d| d.data_dir().join("book.sqlite")).ok_or_else(|| {
        Error::user(
            "cannot find a data directory for the book; pass --db PATH or set HUIKUAN_DB",
            "找不到存放账本的数据目录；请使用 --db PATH 或设置 HUIKUAN_DB",
        )
    })
}

/// The data directory (the default book and the demo book live there).
pub fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "huikuan").map(|d| d.data_dir().to_path_buf())
}

/// The configuration directory (user templates, bank profiles).
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "huikuan").map(|d| d.config_dir().to_path_buf())
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes" | "y"))
}

impl Ctx {
    pub fn new(g: &Globals) -> Result<Ctx> {
        let started = Instant::now();
        let lang = language(g.lang);
        let today = today()?;
        let as_of = match &g.as_of {
            Some(s) => parse_date(s, today)
                .map_err(|e| Error::user(format!("--as-of: {e}"), format!("--as-of：{}", e.zh())))?,
            None => today,
        };
        let db = match &g.db {
            Some(p) => p.clone(),
            None => match std::env::var_os("HUIKUAN_DB") {
                Some(p) if !p.is_empty() => PathBuf::from(p),
                _ => default_book()?,
            },
        };
        crate::render::set_colour(g.color.wanted());
        let stdout = Rc::new(RefCell::new(Stdout { pager: pager_command(g.no_pager), sink: None, spinner: None }));
        let mut ctx = Ctx {
            db,
            db_flag: g.db.clone(),
            today,
            as_of,
            format: g.format.unwrap_or(Format::Table),
            lang,
            lang_flag: g.lang,
            yes: g.yes || env_flag("HUIKUAN_YES"),
            quiet: g.quiet,
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            out: Box::new(SharedStdout(Rc::clone(&stdout))),
            bom: false,
            stdout,
            progress: progress_wanted(g.quiet),
        };
        if g.bom {
            if ctx.format != Format::Csv {
                return Err(Error::usage(
                    "--bom is for --format csv (it marks the file as UTF-8 for Excel)",
                    "--bom 仅用于 --format csv（为 Excel 标明 UTF-8 编码）",
                ));
            }
            ctx.bom = true;
            ctx.out = Box::new(BomFirst { inner: ctx.out, pending: true });
        }
        // Last, so that a command refused above never draws it.
        if ctx.progress {
            ctx.stdout.borrow_mut().spinner = Some(Spinner::start(lang, started));
        }
        Ok(ctx)
    }

    /// The end of the command: flush its output, close the pager's input and
    /// wait for the user to leave the pager, so that an error line printed
    /// next is seen on the terminal, not lost inside the pager. A pager the
    /// user quit early is a closed pipe ([`crate::error::Kind::BrokenPipe`]).
    pub fn finish(&mut self) -> Result<()> {
        let flushed = self.out.flush();
        let ended = self.stdout.borrow_mut().end();
        flushed?;
        ended?;
        Ok(())
    }

    /// End the pager and take the spinner off before asking something on
    /// the terminal (they would fight over it); output after the question is
    /// not paged. (`out` itself holds nothing back: the buffer is in the sink
    /// ended.) Every prompt calls it first.
    pub fn before_asking(&self) {
        let _ = self.stdout.borrow_mut().end();
    }

    /// What a CSV file written by the command begins with: the byte-order
    /// mark with `--bom`, else nothing.
    pub fn bom_prefix(&self) -> &'static [u8] {
        if self.bom { "\u{feff}".as_bytes() } else { b"" }
    }

    /// The language `--lang` gave on the command line, if it was given:
    /// documents for a customer with a language of its own use that one
    /// unless the user asked for another here.
    pub fn lang_flag(&self) -> Option<Lang> {
        self.lang_flag
    }

    /// The language of a document for a customer whose own language is
    /// `own`: `--lang` when given, else the customer's own, else the user's.
    pub fn lang_for(&self, own: Option<Lang>) -> Lang {
        self.lang_flag.or(own).unwrap_or(self.lang)
    }

    /// This moment, in local time: the `Date` of an e-mail made now.
    pub fn now(&self) -> chrono::DateTime<chrono::FixedOffset> {
        chrono::Local::now().fixed_offset()
    }

    /// The mail server's password from [`SMTP_PASSWORD_VAR`], if set and
    /// not empty.
    pub fn smtp_password(&self) -> Option<String> {
        std::env::var(SMTP_PASSWORD_VAR).ok().filter(|p| !p.is_empty())
    }

    /// Pick the text for the user's language.
    pub fn t<'a>(&self, en: &'a str, zh: &'a str) -> &'a str {
        self.lang.pick(en, zh)
    }

    /// A notice on stderr (silenced by `--quiet`).
    pub fn note(&self, en: &str, zh: &str) {
        if !self.quiet {
            self.warn(en, zh);
        }
    }

    /// A progress bar on stderr for a command going through `len` rows
    /// (rows done, rate, time left), when stderr is a terminal, the command
    /// is not `--quiet`, `HUIKUAN_PROGRESS` is not 0 and there are enough
    /// rows to take a while; else
    /// `None`, and nothing is drawn (never into a pipe or a file).
    pub fn progress(&self, len: usize) -> Option<Progress> {
        self.progress_of(len, len, ("rows", "行"))
    }

    /// [`Ctx::progress`] for a command going through `len` steps counted in
    /// `unit` (English, Chinese), whose time grows with `rows` (a bar of the
    /// dozen checks of `check` is worth drawing on a book of a million
    /// rows, not on one of ten).
    pub fn progress_of(&self, len: usize, rows: usize, unit: (&str, &str)) -> Option<Progress> {
        if !self.progress || rows < PROGRESS_FROM {
            return None;
        }
        let spinner = self.stdout.borrow().spinner.clone();
        if let Some(s) = &spinner {
            s.clear(Then::Hold);
        }
        let bar = indicatif::ProgressBar::new(len as u64);
        let template = match self.lang {
            Lang::En => format!("{{bar:30}} {{human_pos}}/{{human_len}} {}  {{rate}}/s  {{eta}} left", unit.0),
            Lang::Zh => {
                format!("{{bar:30}} {{human_pos}}/{{human_len}} {}  {{rate}} {}/秒  剩余 {{eta}}", unit.1, unit.1)
            }
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
            // Whole rows a second (indicatif's own rate has four decimals).
            let rate = |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}", s.per_sec());
            };
            bar.set_style(style.with_key("rate", rate));
        }
        Some(Progress(bar, spinner))
    }

    /// [`Ctx::progress`] for an import going through the rows of `csv`.
    pub fn track(&self, csv: &mut CsvFile) -> Option<Progress> {
        let progress = self.progress(csv.len())?;
        let bar = progress.0.clone();
        csv.on_progress(move |done| bar.set_position(done));
        Some(progress)
    }

    /// A warning on stderr (never silenced).
    /// (Written, not `eprintln!`, which panics when stderr is a closed pipe;
    /// names it echoes shown with their terminal controls escaped.)
    pub fn warn(&self, en: &str, zh: &str) {
        if let Some(spinner) = &self.stdout.borrow().spinner {
            spinner.clear(Then::Rearm);
        }
        let _ = writeln!(std::io::stderr(), "{}", crate::output::visible_lines(self.t(en, zh)));
    }

    /// Open the book for a command that only reads: a missing book is an
    /// error naming the path and the fix, never a new empty book.
    pub fn open_book(&self) -> Result<Book> {
        Ok(Book::open(&self.db)?)
    }

    /// Open the book for a command that records something, creating it on
    /// first use with a one-line notice.
    pub fn open_book_to_write(&self) -> Result<Book> {
        let (book, created) = Book::open_or_create(&self.db, &NewBook { company: "", currency: "CNY" })?;
        if created {
            let p = self.db.display();
            self.note(
                &format!("created a new book at {p} (currency CNY; see huikuan init)"),
                &format!("已在 {p} 新建账本（币种 CNY；见 huikuan init）"),
            );
        }
        Ok(book)
    }

    /// Parse a date option, naming the option in the error.
    pub fn date(&self, option: &str, text: &str) -> Result<NaiveDate> {
        crate::parse::date(option, text, self.today)
    }

    /// Ask to go ahead with a destructive or doubtful step. `--yes` answers
    /// yes; on a terminal the user is asked; otherwise the step is refused.
    pub fn confirm(&self, en: &str, zh: &str) -> Result<()> {
        if self.yes {
            return Ok(());
        }
        if !self.interactive {
            return Err(Error::user(
                format!("{en} — needs confirmation: run it on a terminal, or pass --yes"),
                format!("{zh} —— 需要确认：请在终端运行，或加 --yes"),
            ));
        }
        self.before_asking();
        let ok = dialoguer::Confirm::new()
            .with_prompt(self.t(en, zh))
            .default(false)
            .interact()
            .map_err(|e| Error::user(format!("no answer: {e}"), format!("未获得回答：{e}")))?;
        if ok { Ok(()) } else { Err(Error::user("cancelled", "已取消")) }
    }

    /// Ask for a line of text on the terminal (empty answer allowed when `optional`).
    pub fn prompt(&self, en: &str, zh: &str, optional: bool) -> Result<String> {
        self.before_asking();
        dialoguer::Input::<String>::new()
            .with_prompt(self.t(en, zh))
            .allow_empty(optional)
            .interact_text()
            .map_err(|e| Error::user(format!("no answer: {e}"), format!("未获得回答：{e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase(s: &Spinner) -> &'static str {
        match *s.lock() {
            Phase::Armed(_) => "armed",
            Phase::Shown(_) => "shown",
            Phase::Held => "held",
            Phase::Done => "done",
        }
    }

    /// Wait (at most two seconds) until the spinner is in `want`.
    fn until(s: &Spinner, want: &str) {
        let end = Instant::now() + Duration::from_secs(2);
        while phase(s) != want && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(phase(s), want);
    }

    #[test]
    fn the_spinner_waits_a_second_and_once_stopped_never_comes_back_and_its_thread_ends() {
        // A command started now: nothing is drawn within the second.
        let fresh = Spinner::start(Lang::En, Instant::now());
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(phase(&fresh), "armed");
        fresh.clear(Then::Stop);
        assert_eq!(phase(&fresh), "done");

        // One started two seconds ago is drawn at once (stderr is no
        // terminal here: indicatif draws nothing, the phase tells).
        let late = Spinner::start(Lang::Zh, Instant::now() - Duration::from_secs(2));
        until(&late, "shown");
        late.clear(Then::Stop);
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(phase(&late), "done");
        // The waiting threads have ended: each dropped its handle.
        for s in [&fresh, &late] {
            let end = Instant::now() + Duration::from_secs(2);
            while Arc::strong_count(&s.0) > 1 && Instant::now() < end {
                std::thread::sleep(Duration::from_millis(10));
            }
            assert_eq!(Arc::strong_count(&s.0), 1);
        }
    }

    #[test]
    fn a_progress_bar_holds_the_spinner_off_and_a_notice_only_postpones_it() {
        let s = Spinner::start(Lang::En, Instant::now() - Duration::from_secs(2));
        until(&s, "shown");
        // A notice clears it; it may come back a second later.
        s.clear(Then::Rearm);
        assert_eq!(phase(&s), "armed");
        until(&s, "shown");
        // A bar takes over; a notice printed meanwhile does not bring it back.
        s.clear(Then::Hold);
        s.clear(Then::Rearm);
        std::thread::sleep(Duration::from_millis(1200));
        assert_eq!(phase(&s), "held");
        // The bar is done: armed again, shown a second later.
        s.release();
        assert_eq!(phase(&s), "armed");
        until(&s, "shown");
        s.clear(Then::Stop);
        s.release();
        assert_eq!(phase(&s), "done");
    }
}
