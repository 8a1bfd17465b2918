//! `huikuan backup`.

use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::store::{backup, events};

/// Copy the book to a new file with SQLite's online backup.
///
/// The copy is consistent even while another huikuan is writing, is
/// created readable by you alone (0600), and is checked before it is
/// reported. Example:
///   huikuan backup ~/backups/book-2026-11-30.sqlite
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup file (must not exist)
    pub path: PathBuf,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let shown = a.path.display().to_string();
    if a.path.exists() {
        return Err(Error::user(
            format!("{shown} exists; a backup never overwrites a file"),
            format!("{shown} 已存在；备份不会覆盖文件"),
        ));
    }
    let mut book = ctx.open_book()?;
    if let Some(dir) = a.path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(&a.path)?;
    if let Err(e) = backup::backup_to(&book, &a.path) {
        let _ = std::fs::remove_file(&a.path);
        return Err(e.into());
    }
    let tx = book.write()?;
    events::record(&tx, "backup", &format!("backup written to {shown}"), None)?;
    tx.commit()?;
    ctx.note(&format!("backup written to {shown}"), &format!("已备份至 {shown}"));
    Ok(())
}
