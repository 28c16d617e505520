//! `wslab-probe ws://HOST:PORT/PATH [--cases GLOB] [--json FILE] [--html FILE]`:
//! runs the conformance cases against a server, prints one line per case and
//! ends with `probe: N passed, N non-strict, N failed of N cases`. Exits 1
//! when any case failed, 2 when the run could not start.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use conformance::report::Event;
use conformance::run::Timing;
use wslab_probe::{NetConnector, Reach, Target, run_all};

/// Tests a WebSocket server against RFC 6455, case by case, and explains every failure.
#[derive(Parser, Debug)]
#[command(name = "wslab-probe", version, about)]
struct Args {
    /// The server: ws://host:port/path or wss://…
    target: String,
    /// Which cases: ids with * (such as 6.* or 7.3.1), or group names
    /// (handshake, framing, ping-pong, reserved-bits, opcodes,
    /// fragmentation, utf8, closing, masking, limits), comma-separated.
    #[arg(long, default_value = "*")]
    cases: String,
    /// Write the whole report as JSON to this file (the page's /conformance opens it).
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write a self-contained HTML report to this file.
    #[arg(long)]
    html: Option<PathBuf>,
    /// Milliseconds of silence after which the server is taken to have
    /// nothing more to say (50–10000); one second more per 1,000,000 bytes a
    /// case has sent.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(50..=10_000))]
    quiet_ms: u64,
    /// Print every case's detail, passes included.
    #[arg(long, short)]
    verbose: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let cases = match conformance::select(conformance::all(), &args.cases) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("wslab-probe: {e}");
            return ExitCode::from(2);
        }
    };
    let target = match Target::resolve(&args.target, &Reach::Any).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!("wslab-probe: {e}");
            return ExitCode::from(2);
        }
    };
    let shown = target.uri.to_string();
    if let Some(why) = target.uri.browser_refuses() {
        // A browser's rule: this probe is not a browser, so it tests the server anyway.
        println!("note: {why}");
    }
    let mut connector = NetConnector::new(target, None);
    let timing = Timing {
        quiet: Duration::from_millis(args.quiet_ms),
        ..Timing::default()
    };
    let verbose = args.verbose;
    let mut out = std::io::stdout().lock();
    let report = run_all(
        &mut connector,
        &shown,
        &cases,
        &timing,
        |event| match event {
            Event::Started { target, total } => {
                let _ = writeln!(out, "wslab-probe: {total} cases against {target}");
            }
            Event::Case(r) => {
                let _ = writeln!(out, "{:<9} {:<10} {}", r.id, r.verdict.word(), r.title);
                if verbose || !matches!(r.verdict, conformance::Verdict::Pass) {
                    let _ = writeln!(out, "          {}", r.detail);
                }
                if verbose {
                    for line in r.rule_lines() {
                        let _ = writeln!(out, "          {line}");
                    }
                } else if let Some(rule) = r.rule() {
                    let _ = writeln!(out, "          {rule}");
                }
                let _ = out.flush();
            }
            Event::Finished { .. } | Event::Stopped { .. } => {}
        },
    )
    .await;
    let counts = report.counts();
    for (path, text) in [
        (args.json.as_ref(), report.to_json()),
        (args.html.as_ref(), report.to_html()),
    ] {
        if let Some(path) = path
            && let Err(e) = std::fs::write(path, text)
        {
            eprintln!("wslab-probe: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    let _ = writeln!(out, "{}", counts.line());
    if counts.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
