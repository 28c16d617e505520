//! wslab's dev commands, run as `cargo xtask <command>`.
//!
//! Each command first installs what is missing (idempotently, printing each
//! step), so that a fresh Debian machine with only Rust can run it.

mod cli;
mod install;
mod paths;
mod peers;
mod ports;
mod run;
mod signals;
mod sizes;

use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask <command> [options]   (cargo xtask <command> --help: its options)

commands:
  serve   install what is missing, start wslab-echo on 127.0.0.1:9001 and
          `trunk serve` on http://127.0.0.1:8080 (Ctrl-C stops both);
          --port N and --echo-port N pick other ports
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
  conformance-peers
          wslab-probe against popular servers wslab did not write (Python's
          websockets, Node's ws), installed from the registries; prints a table
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match args.first().map(String::as_str) {
        Some("help" | "-h" | "--help") | None => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Some(c) => c,
    };
    let Some(usage) = cli::usage(command) else {
        eprint!("xtask: unknown command {command:?}\n\n{HELP}");
        return ExitCode::from(2);
    };
    let options = &args[1..];
    if options.iter().any(|a| a == "-h" || a == "--help") {
        print!("{usage}");
        return ExitCode::SUCCESS;
    }
    let refuse = |why: String| {
        eprint!("xtask {command}: {why}\n\n{usage}");
        ExitCode::from(2)
    };
    let result = match command {
        "serve" => match cli::ServeArgs::parse(options, |v| std::env::var(v).ok()) {
            Ok(serve) => run::serve(serve),
            Err(why) => return refuse(why),
        },
        "conformance-peers" => match cli::peers_cases(options) {
            Ok(cases) => peers::conformance_peers(&cases).map_err(run::Failure::Failed),
            Err(why) => return refuse(why),
        },
        _ if !options.is_empty() => return refuse(format!("unknown option {:?}", options[0])),
        "test" => run::test().map_err(run::Failure::Failed),
        "dist" => run::dist().map_err(run::Failure::Failed),
        "bench" => run::bench().map_err(run::Failure::Failed),
        _ => install::all(install::Needs::everything()).map_err(run::Failure::Failed),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(run::Failure::Refused(why)) => {
            eprintln!("xtask {command}: {why}");
            ExitCode::from(2)
        }
        Err(run::Failure::Failed(err)) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}
