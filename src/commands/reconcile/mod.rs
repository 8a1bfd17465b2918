//! `huikuan reconcile …`: bank statement import and matching.

pub mod ignore;
pub mod import;
pub mod list;
pub mod matching;
pub mod profiles;
pub mod undo;

use crate::context::{Ctx, config_dir};
use crate::error::{Error, Result};
use crate::import::bank::{self, BankError, Profile};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Import(import::Args),
    List(list::Args),
    Match(matching::Args),
    Ignore(ignore::Args),
    Undo(undo::Args),
    Profiles(profiles::Args),
}

pub fn run(ctx: &mut Ctx, c: Command) -> Result<()> {
    match c {
        Command::Import(a) => import::run(ctx, a),
        Command::List(a) => list::run(ctx, a),
        Command::Match(a) => matching::run(ctx, a),
        Command::Ignore(a) => ignore::run(ctx, a),
        Command::Undo(a) => undo::run(ctx, a),
        Command::Profiles(a) => profiles::run(ctx, a),
    }
}

impl From<BankError> for Error {
    fn from(e: BankError) -> Error {
        Error::user(e.to_string(), e.zh())
    }
}

/// The user's own profiles: `<config dir>/profiles/*.toml`.
pub fn user_profiles() -> Result<Vec<Profile>> {
    match config_dir() {
        Some(dir) => Ok(bank::load_user_profiles(&dir.join("profiles"))?),
        None => Ok(Vec::new()),
    }
}

/// `--profile NAME|FILE`: a profile file, or a profile by name.
pub fn resolve_profile(text: &str, user: &[Profile]) -> Result<Profile> {
    let path = std::path::Path::new(text);
    if path.is_file() {
        return Ok(bank::load_profile(path)?);
    }
    user.iter().cloned().chain(bank::builtin_profiles()).find(|p| p.name.eq_ignore_ascii_case(text)).ok_or_else(|| {
        Error::user(
            format!("--profile: no profile or file named '{text}' (see huikuan reconcile profiles)"),
            format!("--profile：没有名为“{text}”的配置或文件（见 huikuan reconcile profiles）"),
        )
    })
}
