//! `huikuan completions`: shell completion scripts.

use std::io::Write;

use crate::error::Result;

/// Print a completion script for your shell.
///
/// Example (bash):
///   huikuan completions bash > ~/.local/share/bash-completion/completions/huikuan
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The script is built in memory, then written: clap_complete panics on a
/// write error, and a reader that goes away (`| head -1`) is not one.
pub fn run(a: &Args, cmd: &mut clap::Command) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(a.shell, cmd, "huikuan", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}
