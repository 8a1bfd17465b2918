//! `huikuan man`: the manual pages, made from the command tree itself
//! (clap_mangen), so they never drift from `--help`.

use std::io::Write;
use std::path::PathBuf;

use crate::commands::files::{Written, create_new};
use crate::error::{Error, Result};

/// Print the manual page (roff), or write one page per command into a folder.
///
/// Examples:
///   huikuan man | man -l -
///   huikuan man --dir ~/.local/share/man/man1    # then: man huikuan-invoice-add
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Write huikuan.1 and a page per subcommand (huikuan-invoice-add.1 …)
    /// into this folder; a page already there is not overwritten
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run(a: &Args, cmd: clap::Command, quiet: bool) -> Result<()> {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let Some(dir) = &a.dir else {
        let page = render(&cmd)?;
        let mut out = std::io::stdout().lock();
        out.write_all(&page)?;
        out.flush()?;
        return Ok(());
    };
    let mut pages = Vec::new();
    collect(&cmd, &mut pages)?;
    // Every page is made and checked before one is written: a folder that
    // holds any of them already is left as it was.
    if let Some((name, _)) = pages.iter().find(|(name, _)| dir.join(name).exists()) {
        return Err(Error::user(
            format!(
                "{} exists; no page was written (remove the old pages or choose another folder)",
                dir.join(name).display()
            ),
            format!("{} 已存在；未写入任何手册页（请先删除旧的手册页或换一个目录）", dir.join(name).display()),
        ));
    }
    for (name, page) in &pages {
        if let Written::Exists(p) = create_new(dir, name, page)? {
            return Err(Error::user(
                format!("{} appeared while the pages were written; it was left as it was", p.display()),
                format!("写入手册页时 {} 已出现；未覆盖它", p.display()),
            ));
        }
    }
    if !quiet {
        // Written, not `eprintln!`, which panics on a closed stderr.
        let _ = writeln!(std::io::stderr(), "wrote {} manual pages to {}", pages.len(), dir.display());
    }
    Ok(())
}

/// The page of `cmd` and of each of its subcommands, depth first.
fn collect(cmd: &clap::Command, into: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    into.push((man.get_filename(), render(cmd)?));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, into)?;
    }
    Ok(())
}

fn render(cmd: &clap::Command) -> Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    Ok(page)
}
