//! The command line as a learner's CI runs it: the real binary, a real server.

use std::process::Command;

use conformance::report::Report;
use wslab_echo::{Config, Server};

fn probe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wslab-probe"))
}

/// Starts wslab-echo on `listen` (in this test's runtime); its address.
async fn serve_echo(listen: &str) -> std::net::SocketAddr {
    let server = Server::bind(Config::for_tests(listen.parse().unwrap()))
        .await
        .unwrap();
    let addr = server.local_addr().unwrap();
    tokio::spawn(server.serve());
    addr
}

/// Runs the probe with `args` off the runtime's threads (the server above
/// answers it there); its output.
async fn run_probe(args: Vec<std::ffi::OsString>) -> std::process::Output {
    tokio::task::spawn_blocking(move || probe().args(args).output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_passing_run_ends_with_the_summary_line_and_writes_its_reports() {
    let addr = serve_echo("127.0.0.1:0").await;
    let dir = std::env::temp_dir().join(format!("wslab-probe-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (json, html) = (dir.join("r.json"), dir.join("r.html"));
    let out = run_probe(vec![
        format!("ws://{addr}/echo").into(),
        "--cases".into(),
        // The default quiet window (1 s): this checks verdicts, not speed.
        "3.*,9.*".into(),
        "--json".into(),
        json.into(),
        "--html".into(),
        html.into(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let report = Report::from_json(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap();
    let n = report.results.len();
    assert!(n >= 20);
    assert_eq!(
        stdout.lines().last().unwrap(),
        format!("probe: {n} passed, 0 non-strict, 0 failed of {n} cases")
    );
    assert!(
        stdout.lines().any(|l| l.starts_with("3.1.1     pass")),
        "{stdout}"
    );
    let page = std::fs::read_to_string(dir.join("r.html")).unwrap();
    assert!(
        page.starts_with("<!doctype html>") && page.contains("3.1.1") && !page.contains("<script")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A port browsers refuse (the Fetch standard's bad ports) is no reason for
/// a command-line prober not to test a server there: it runs, with a note.
#[tokio::test(flavor = "multi_thread")]
async fn a_server_on_a_port_browsers_refuse_is_tested_with_a_note() {
    let server = wire::uri::BAD_PORTS
        .iter()
        .filter(|p| **p > 1024)
        .find_map(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).ok())
        .expect("one of the bad-listed ports above 1024 is free");
    let port = server.local_addr().unwrap().port();
    drop(server);
    serve_echo(&format!("127.0.0.1:{port}")).await;
    let out = run_probe(vec![
        format!("ws://127.0.0.1:{port}/echo").into(),
        "--cases".into(),
        "1.1.1".into(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with(&format!(
            "note: port {port} is on the Fetch standard's list of bad ports"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[test]
fn failures_exit_1_and_bad_arguments_exit_2_with_the_reason() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let out = probe()
        .args([&format!("ws://127.0.0.1:{port}/"), "--cases", "3.1.*"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let last = stdout.lines().last().unwrap();
    assert!(
        last.starts_with("probe: 0 passed, 0 non-strict, ") && last.ends_with(" cases"),
        "{last}"
    );
    assert!(stdout.contains("Could not connect"), "{stdout}");

    for (args, says) in [
        (
            vec![
                "ws://127.0.0.1:9/".to_owned(),
                "--cases".into(),
                "99.*".into(),
            ],
            "no case matches",
        ),
        (
            vec!["ftp://example.com/".to_owned()],
            "is not a WebSocket URI",
        ),
        (
            vec![
                "ws://127.0.0.1:9001/".to_owned(),
                "--quiet-ms".into(),
                "0".into(),
            ],
            "quiet-ms",
        ),
    ] {
        let out = probe().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}
