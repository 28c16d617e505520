//! wslab's dev commands, run as `cargo xtask <command>`.
//!
//! Each command first installs what is missing (idempotently, printing each
//! step), so that a fresh Debian machine with only Rust can run it.

mod install;
mod paths;
mod run;
mod sizes;

use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask <command>

commands:
  serve   install what is missing, start wslab-echo on 127.0.0.1:9001 and
          `trunk serve` on http://127.0.0.1:8080 (Ctrl-C stops both)
  test    install what is missing and run every check: fmt, clippy (native and
          wasm32), native tests, browser tests in headless Chromium, end-to-end tests
  dist    the optimised release build into dist/, ready for any static host: both
          builds, every page prerendered, .gz and .br copies; prints each file's
          size and each build's first load, and fails over the 150 kB budget
  bench   benchmarks: wire's codec next to tungstenite (criterion), the labs'
          update time in headless Chromium (Performance API, release build), and
          first paint and first input of /, /frames and /live next to the
          baseline build (a git worktree of the commit before prerendering)
  setup   only install what is missing
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => run::serve(),
        Some("test") => run::test(),
        Some("dist") => run::dist(),
        Some("bench") => run::bench(),
        Some("setup") => install::all(install::Needs::everything()),
        Some("help" | "-h" | "--help") | None => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprint!("xtask: unknown command {other:?}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}
