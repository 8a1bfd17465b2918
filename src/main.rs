use std::process::ExitCode;

use clap::CommandFactory;

fn main() -> ExitCode {
    // The shell asking for completions (`COMPLETE=bash huikuan ...`) is
    // answered before anything else and the process exits.
    huikuan::commands::completions::answer_the_shell(huikuan::cli::Cli::command);
    huikuan::cli::main()
}
