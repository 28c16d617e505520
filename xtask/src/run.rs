//! The commands themselves: serve, test, dist.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::install::{self, Needs, Result, command, render, root, step};
use crate::paths;
use crate::signals;
use crate::sizes;

/// A child process that is killed when this value goes away.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Why a command stopped: it refused to start (exit 2: a taken port, say),
/// or something it ran failed (exit 1).
pub enum Failure {
    Refused(String),
    Failed(String),
}

/// `cargo xtask serve`: wslab-echo, then `trunk serve`. Both ports are
/// checked before anything is built; if wslab-echo does not start, Trunk is
/// not started; when either stops, or a stop is asked for, both are stopped.
pub fn serve(args: crate::cli::ServeArgs) -> std::result::Result<(), Failure> {
    use crate::ports::claim;
    let port = claim(args.port, "the app", "--port", "WSLAB_PORT").map_err(Failure::Refused)?;
    let echo_port = claim(
        args.echo_port,
        "wslab-echo",
        "--echo-port",
        "WSLAB_ECHO_PORT",
    )
    .map_err(Failure::Refused)?;
    if port == echo_port {
        return Err(Failure::Refused(format!(
            "the free ports picked for the app and wslab-echo are both {port}; run again"
        )));
    }
    let failed = Failure::Failed;
    install::all(Needs {
        browser: false,
        release_tools: false,
    })
    .map_err(failed)?;
    step("building wslab-echo");
    let echo_bin = paths::build_bin("wslab-echo", &["--release"]).map_err(failed)?;
    let echo_url = format!("ws://127.0.0.1:{echo_port}");
    step(&format!("starting wslab-echo on {echo_url}/echo"));
    signals::catch_stop_requests();
    let mut echo = Guard(
        command(&echo_bin.to_string_lossy())
            .args(["--listen", &format!("127.0.0.1:{echo_port}")])
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| Failure::Failed(format!("cannot start wslab-echo: {e}")))?,
    );
    // Its first line says it listens; anything else (it exited) means it did not start.
    let mut out = BufReader::new(echo.0.stdout.take().expect("piped"));
    let mut first = String::new();
    let _ = out.read_line(&mut first);
    if !first.starts_with("wslab-echo listening") {
        let status = echo.0.wait().map(|s| s.to_string()).unwrap_or_default();
        return Err(Failure::Refused(format!(
            "wslab-echo did not start ({status}; its message is above), so Trunk was not started"
        )));
    }
    print!("{first}");
    std::thread::spawn(move || {
        for line in out.lines().map_while(|l| l.ok()) {
            println!("{line}");
        }
    });
    step(&format!(
        "starting trunk serve on http://127.0.0.1:{port}/ (the pages connect to {echo_url}; Ctrl-C stops both)"
    ));
    // Trunk's reload helper is an inline script, which the app's CSP forbids.
    // WSLAB_ECHO_URL reaches the prerender hook, which tells the pages.
    let mut trunk = Guard(
        command("trunk")
            .args(["serve", "--no-autoreload", "--port", &port.to_string()])
            .env("WSLAB_ECHO_URL", &echo_url)
            .spawn()
            .map_err(|e| {
                Failure::Failed(format!("cannot start trunk: {e} (wslab-echo was stopped)"))
            })?,
    );
    // Until one of the two ends, or a stop is asked for (Ctrl-C, SIGTERM,
    // SIGHUP): then both are stopped, so neither outlives this command.
    loop {
        if signals::requested() {
            stop_both(&mut trunk, &mut echo);
            println!("stopped: trunk and wslab-echo have exited");
            return Ok(());
        }
        if let Ok(Some(status)) = trunk.0.try_wait() {
            stop_both(&mut trunk, &mut echo);
            return if status.success() {
                Ok(())
            } else {
                Err(Failure::Failed(format!(
                    "trunk serve failed ({status}; wslab-echo was stopped)"
                )))
            };
        }
        if let Ok(Some(status)) = echo.0.try_wait() {
            stop_both(&mut trunk, &mut echo);
            return Err(Failure::Failed(format!(
                "wslab-echo exited ({status}; its message is above), so trunk was stopped"
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Asks Trunk and wslab-echo to stop (SIGTERM: wslab-echo closes its
/// connections with 1001), and kills what is still running five seconds
/// later.
fn stop_both(trunk: &mut Guard, echo: &mut Guard) {
    for child in [&mut *trunk, &mut *echo] {
        if let Ok(None) = child.0.try_wait() {
            signals::terminate(child.0.id());
        }
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline
        && [&mut *trunk, &mut *echo]
            .into_iter()
            .any(|c| matches!(c.0.try_wait(), Ok(None)))
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Guard's drop kills and reaps whatever is left.
}

/// `cargo xtask dist`: the optimised build into dist/.
pub fn dist() -> Result {
    install::all(Needs {
        browser: false,
        release_tools: true,
    })?;
    step(
        "trunk build --release into dist/ (cargo profile wasm-release; then wslab-prerender cuts the builds with chunks and writes every page)",
    );
    let dist = root().join("dist");
    install::run(&mut trunk_release(&dist))?;
    precompress(&dist)?;
    step("sizes: every file, and each build's first load");
    sizes::report(&dist)
}

/// Trunk's optimised build, as `cargo xtask dist` ships it, into `dist`
/// (Trunk's post-build hook then cuts the builds with chunks and prerenders
/// every page there). index.html's links name the cargo profile
/// (`data-cargo-profile-release="wasm-release"`).
fn trunk_release(dist: &std::path::Path) -> Command {
    let mut cmd = command("trunk");
    cmd.args(["build", "--release", "--dist"]).arg(dist);
    cmd
}

/// The text assets a static host may serve precompressed (nginx `gzip_static`
/// and `brotli_static`): a `.gz` (gzip -9) and a `.br` (brotli -q 11) beside each.
fn precompress(dist: &std::path::Path) -> Result {
    step("precompressed copies: .gz and .br beside each text asset");
    let entries =
        std::fs::read_dir(dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "js" | "css" | "wasm" | "svg" | "json") {
            continue;
        }
        install::run(command("gzip").args(["-9", "-k", "-f", "-n"]).arg(&path))?;
        install::run(command("brotli").args(["-q", "11", "-k", "-f"]).arg(&path))?;
    }
    Ok(())
}

/// The build the first-load benchmark compares with: main before the labs
/// got builds of their own (issue #27), with every page prerendered and the
/// reader split off already.
const LOAD_BASELINE: &str = "382c9ea";

/// `cargo xtask bench`: the codec benchmarks, the labs in the browser, and
/// first paint and first input next to the baseline build.
pub fn bench() -> Result {
    install::all(Needs {
        browser: true,
        release_tools: true,
    })?;
    step("wire codec next to tungstenite (criterion)");
    install::run(command("cargo").args(["bench", "-p", "wire", "--bench", "codec"]))?;
    step("the labs in headless Chromium (release build; lines starting BENCH)");
    install::run(
        command("cargo")
            .args([
                "test",
                "--release",
                "-p",
                "wslab",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .args(["--test", "bench_web", "--", "--nocapture"])
            .env("CHROMEDRIVER", install::CHROMEDRIVER)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "300"),
    )?;
    first_load()
}

/// Builds this tree and [`LOAD_BASELINE`] (in a git worktree) as released,
/// then measures both in the same run (`benches/first_load.rs`).
fn first_load() -> Result {
    let dir = paths::target_dir()?.join("bench-load");
    let (now, baseline) = (dir.join("now"), dir.join("baseline"));
    step("first load: this tree, release build");
    install::run(&mut trunk_release(&now))?;
    precompress(&now)?;
    let source = dir.join("baseline-src");
    if !source.join("Cargo.toml").is_file() {
        step(&format!(
            "first load: the baseline {LOAD_BASELINE} in a git worktree"
        ));
        install::run(
            command("git")
                .args(["worktree", "add", "--force", "--detach"])
                .arg(&source)
                .arg(LOAD_BASELINE),
        )
        .map_err(|e| format!("{e} (the benchmark needs the repository's history: a full clone)"))?;
    }
    step(&format!(
        "first load: the baseline {LOAD_BASELINE}, release build"
    ));
    // The baseline's index.html does not name the cargo profile yet. It
    // builds into a target folder of its own: cargo names a workspace's
    // artifacts by package, not by path, so the baseline's crates built
    // into this tree's folder would stand for this tree's at its next build.
    install::run(
        trunk_release(&baseline)
            .args(["--cargo-profile", "wasm-release"])
            .current_dir(&source)
            .env("CARGO_TARGET_DIR", dir.join("baseline-target")),
    )?;
    precompress(&baseline)?;
    step("first paint and first input in headless Chromium (lines starting BENCH)");
    install::run(
        command("cargo")
            .args(["bench", "-p", "wslab", "--bench", "first_load"])
            .env(
                "WSLAB_BENCH_SITES",
                format!("baseline={};now={}", baseline.display(), now.display()),
            )
            .env("CHROMEDRIVER", install::CHROMEDRIVER),
    )
}

/// The outcome of one check.
struct Outcome {
    name: &'static str,
    ok: bool,
    passed: u64,
    failed: u64,
}

/// Runs a command, echoing its output and adding up cargo's "test result" lines.
fn check(name: &'static str, cmd: &mut Command) -> Outcome {
    step(&format!("{name}: {}", render(cmd)));
    let mut outcome = Outcome {
        name,
        ok: false,
        passed: 0,
        failed: 0,
    };
    let mut child = match cmd.stdout(Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(e) => {
            eprintln!("cannot start {:?}: {e}", cmd.get_program());
            return outcome;
        }
    };
    if let Some(out) = child.stdout.take() {
        // Bytes, read to the end: a test may print anything, UTF-8 or not.
        let mut out = BufReader::new(out);
        let mut raw = Vec::new();
        while out.read_until(b'\n', &mut raw).is_ok_and(|n| n > 0) {
            let line = String::from_utf8_lossy(&raw);
            let line = line.trim_end_matches(['\n', '\r']);
            println!("{line}");
            if let Some((passed, failed)) = parse_test_result(line) {
                outcome.passed += passed;
                outcome.failed += failed;
            }
            raw.clear();
        }
    }
    outcome.ok = child.wait().map(|s| s.success()).unwrap_or(false);
    outcome
}

/// [`check`] for a stage that runs tests: it fails when no test passed, as
/// when a runner finds nothing to run and still exits 0.
fn tests(name: &'static str, cmd: &mut Command) -> Outcome {
    let mut outcome = check(name, cmd);
    if outcome.ok && outcome.passed == 0 {
        eprintln!("{name}: no test ran");
        outcome.ok = false;
    }
    outcome
}

/// Reads "test result: ok. 12 passed; 0 failed; ..." as (12, 0).
fn parse_test_result(line: &str) -> Option<(u64, u64)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let number_before = |word: &str| -> Option<u64> {
        rest.split(';')
            .find_map(|part| part.trim().strip_suffix(word))
            .and_then(|n| n.trim().rsplit(' ').next()?.parse().ok())
    };
    Some((number_before(" passed")?, number_before(" failed")?))
}

/// `cargo xtask test`: every check, then a summary; fails when anything failed.
pub fn test() -> Result {
    install::one_shot_builds();
    install::all(Needs {
        browser: true,
        release_tools: true,
    })?;
    // Build outputs are found through cargo: CARGO_TARGET_DIR and cargo configs are honoured.
    let dist = paths::target_dir()?.join("e2e-dist");
    let wasm = ["--target", "wasm32-unknown-unknown"];

    let mut outcomes = vec![
        check("fmt", command("cargo").args(["fmt", "--all", "--check"])),
        check(
            "clippy (native)",
            command("cargo").args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        // The library with every build's split points (`components::later`;
        // Cargo.toml's `split-*` features, the only features these crates
        // have), as the builds with chunks compile it; the tests below check
        // it without.
        check(
            "clippy (wasm32)",
            command("cargo")
                .args([
                    "clippy",
                    "-p",
                    "wslab",
                    "-p",
                    "wire",
                    "--lib",
                    "--all-features",
                ])
                .args(wasm)
                .args(["--", "-D", "warnings"]),
        ),
        check(
            "clippy (wasm32 tests)",
            command("cargo")
                .args(["clippy", "-p", "wslab", "--bins", "--tests"])
                .args(wasm)
                .args(["--", "-D", "warnings"]),
        ),
        check(
            "trunk build",
            command("trunk").args(["build", "--dist"]).arg(&dist),
        ),
    ];
    step("build wslab-echo: cargo build -p wslab-echo");
    let echo_bin = paths::build_bin("wslab-echo", &[]);
    if let Err(e) = &echo_bin {
        eprintln!("{e}");
    }
    outcomes.push(Outcome {
        name: "build wslab-echo",
        ok: echo_bin.is_ok(),
        passed: 0,
        failed: 0,
    });
    let built = outcomes.iter().rev().take(2).all(|o| o.ok);
    if let (true, Ok(echo_bin)) = (built, &echo_bin) {
        outcomes.push(tests(
            "native and end-to-end tests",
            command("cargo")
                .args(["test", "--workspace", "--no-fail-fast"])
                .env("WSLAB_DIST", &dist)
                .env("WSLAB_ECHO_BIN", echo_bin)
                .env("WSLAB_AXE", install::axe_script())
                .env("CHROMEDRIVER", install::CHROMEDRIVER),
        ));
    } else {
        eprintln!(
            "skipping the native and end-to-end tests: the app or the echo server did not build"
        );
        outcomes.push(Outcome {
            name: "native and end-to-end tests (not run)",
            ok: false,
            passed: 0,
            failed: 0,
        });
    }
    outcomes.push(tests(
        "browser tests (wasm-bindgen-test, headless Chromium)",
        command("cargo")
            .args(["test", "-p", "wslab"])
            .args(wasm)
            .args(["--test", "web"])
            .env("CHROMEDRIVER", install::CHROMEDRIVER)
            // Room for an unoptimised build on a busy machine: only a real hang runs out.
            .env("WASM_BINDGEN_TEST_TIMEOUT", "900"),
    ));

    // The first-load budget holds for the optimised build, as shipped.
    let budget_dist = paths::target_dir()?.join("budget-dist");
    let mut budget = check(
        "release build (for the first-load budget)",
        &mut trunk_release(&budget_dist),
    );
    let release_built = budget.ok;
    if budget.ok {
        step("first-load budget: sizes of the release build");
        if let Err(e) = sizes::report(&budget_dist) {
            eprintln!("{e}");
            budget.ok = false;
        }
    }
    budget.name = "release build and first-load budget";
    outcomes.push(budget);
    // The shipped build is not the one the tests above ran on: wasm-opt'd,
    // and its scripts and stylesheet minified (`wslab::minify`). The
    // end-to-end tests run on it too.
    if let (true, Ok(echo_bin)) = (release_built, &echo_bin) {
        outcomes.push(tests(
            "end-to-end tests on the release build",
            command("cargo")
                .args(["test", "-p", "wslab", "--test", "e2e"])
                .env("WSLAB_DIST", &budget_dist)
                .env("WSLAB_ECHO_BIN", echo_bin)
                .env("WSLAB_AXE", install::axe_script())
                .env("CHROMEDRIVER", install::CHROMEDRIVER),
        ));
    } else {
        eprintln!("skipping the end-to-end tests on the release build: it did not build");
        outcomes.push(Outcome {
            name: "end-to-end tests on the release build (not run)",
            ok: false,
            passed: 0,
            failed: 0,
        });
    }
    println!("\n==> results");
    for o in &outcomes {
        let counts = if o.passed + o.failed > 0 {
            format!(" ({} passed, {} failed)", o.passed, o.failed)
        } else {
            String::new()
        };
        println!(
            "{:>6}  {}{counts}",
            if o.ok { "ok" } else { "FAILED" },
            o.name
        );
    }
    let passed: u64 = outcomes.iter().map(|o| o.passed).sum();
    // A failed step that reported no failing test (fmt, clippy, a build) counts as one failure.
    let failed: u64 = outcomes
        .iter()
        .map(|o| if o.ok { o.failed } else { o.failed.max(1) })
        .sum();
    println!("summary: {passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} failed"))
    }
}

#[cfg(test)]
mod unit {
    use super::{parse_test_result, tests};
    use std::process::Command;

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script]);
        cmd
    }

    #[test]
    fn a_test_stage_that_runs_no_test_fails() {
        assert!(!tests("nothing", &mut sh("echo 'no tests to run!'")).ok);
        assert!(
            !tests(
                "exit 1",
                &mut sh("echo 'test result: ok. 1 passed; 0 failed;'; exit 1")
            )
            .ok
        );
        let ran = tests(
            "one",
            &mut sh("echo 'test result: ok. 1 passed; 0 failed;'"),
        );
        assert!(ran.ok && ran.passed == 1);
    }

    #[test]
    fn lines_that_are_not_utf8_do_not_stop_the_count() {
        let ran = tests(
            "bytes",
            &mut sh("printf '\\377\\376 not UTF-8\\ntest result: ok. 2 passed; 1 failed;\\n'"),
        );
        assert_eq!((ran.passed, ran.failed), (2, 1));
    }

    #[test]
    fn reads_cargo_test_result_lines() {
        assert_eq!(
            parse_test_result(
                "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s"
            ),
            Some((12, 0))
        );
        assert_eq!(
            parse_test_result("test result: FAILED. 3 passed; 2 failed; 0 ignored"),
            Some((3, 2))
        );
        assert_eq!(parse_test_result("running 3 tests"), None);
    }
}
