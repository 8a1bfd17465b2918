use std::process::ExitCode;

fn main() -> ExitCode {
    // The shell asking for completions (`COMPLETE=bash huikuan ...`) is
    // answered before anything else and the process exits. The tree is the
    // parser's own, each command offering only its formats.
    huikuan::commands::completions::answer_the_shell(huikuan::cli::command);
    huikuan::cli::main()
}
