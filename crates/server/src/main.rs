//! `skydir`: set a private umask, parse the command line and run the command. Exit codes: 0
//! success, 1 failure (with the reason on stderr), 2 bad usage (from clap).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Nothing skydir creates is for other users: the data directory holds keys and personal
    // data. Writers also set their files' modes themselves (so in-process servers, as in
    // tests, keep the rule too); this covers anything they miss, such as SQLite's own files.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let cli = skydir::cli::Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("skydir: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(skydir::commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("skydir: {e:#}");
            ExitCode::FAILURE
        }
    }
}
