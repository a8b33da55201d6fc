//! The `sahel-watch` binary: parses arguments, sets up logging, runs one subcommand and maps
//! its outcome to an exit status (0 ok, 1 failure, 2 usage or configuration).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // A closed pipe (`sahel-watch query | head`) ends the process quietly, as for other tools.
    #[cfg(unix)]
    // SAFETY: setting a signal disposition to its default before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    cli::main()
}
