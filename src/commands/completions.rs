//! `huikuan completions`: shell completion scripts.

use crate::error::Result;

/// Print a completion script for your shell.
///
/// Example (bash):
///   huikuan completions bash > ~/.local/share/bash-completion/completions/huikuan
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(a: &Args, cmd: &mut clap::Command) -> Result<()> {
    let mut out = std::io::stdout().lock();
    clap_complete::generate(a.shell, cmd, "huikuan", &mut out);
    Ok(())
}
