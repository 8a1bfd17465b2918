use std::process::ExitCode;

fn main() -> ExitCode {
    huikuan::cli::main()
}
