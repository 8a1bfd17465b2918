//! Where a list or report goes when it may be a workbook: `--out FILE`
//! (with `--format xlsx`, a new file, never one that exists) or standard
//! output (never a terminal for a workbook).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::output::Format;
use crate::render::Table;
use crate::render::xlsx::refuse_on_terminal;

/// The `--out` option of a list or report that can print a workbook.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct Out {
    /// With --format xlsx: write the workbook to this new file (never
    /// overwritten); without --out it goes to stdout, if not a terminal
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Refuse `--out` with a format other than xlsx (those go to stdout, where
/// `>` puts them in a file). Call before any work is done.
pub fn check(ctx: &Ctx, out: &Out) -> Result<()> {
    if out.out.is_some() && ctx.format != Format::Xlsx {
        return Err(Error::usage(
            format!("--out is for --format xlsx; --format {} goes to stdout (redirect it with >)", ctx.format.name()),
            format!("--out 仅用于 --format xlsx；--format {} 输出到标准输出（可用 > 重定向）", ctx.format.name()),
        ));
    }
    Ok(())
}

/// Run `write` into where the output goes: the `--out` file (written whole
/// once `write` has succeeded), else standard output — refused on a
/// terminal for a workbook.
pub fn emit(ctx: &mut Ctx, out: &Out, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    check(ctx, out)?;
    let Some(path) = out.out.as_deref() else {
        if ctx.format == Format::Xlsx {
            refuse_on_terminal()?;
        }
        return write(&mut ctx.out);
    };
    let mut buf = Vec::new();
    write(&mut buf)?;
    let path: &Path = &crate::commands::files::create_or_refuse(path, &buf)?;
    let p = path.display();
    ctx.note(&format!("wrote {p}"), &format!("已写入 {p}"));
    Ok(())
}

/// Write a table as `--format` asks, a workbook with `footer` under it, to
/// where [`emit`] sends it.
pub fn table(ctx: &mut Ctx, out: &Out, t: &Table, footer: &[String]) -> Result<()> {
    let format = ctx.format;
    emit(ctx, out, |w| if format == Format::Xlsx { t.write_xlsx(w, footer) } else { t.write(w, format) })
}
