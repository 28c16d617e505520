//! The xtask binary as a person runs it: help, unknown options, taken ports.

use std::net::TcpListener;
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env_remove("WSLAB_PORT")
        .env_remove("WSLAB_ECHO_PORT")
        .output()
        .unwrap()
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn every_command_answers_help_and_refuses_unknown_options() {
    for command in ["serve", "test", "dist", "bench", "setup"] {
        for help in ["--help", "-h"] {
            let out = xtask(&[command, help]);
            assert_eq!(out.status.code(), Some(0), "{command} {help}");
            assert!(
                text(&out.stdout).starts_with(&format!("usage: cargo xtask {command}")),
                "{command} {help}: {}",
                text(&out.stdout)
            );
        }
        let out = xtask(&[command, "--frobnicate"]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = text(&out.stderr);
        assert!(
            err.contains("unknown option \"--frobnicate\"") && err.contains("usage: cargo xtask"),
            "{command}: {err}"
        );
        assert!(text(&out.stdout).is_empty(), "{command}: nothing ran");
    }
    let out = xtask(&["deploy"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown command \"deploy\""));
}

/// Taken ports stop `serve` before anything is built or started: which
/// port, held by what, the flag that picks another, exit 2.
#[test]
fn serve_names_a_taken_port_and_starts_nothing() {
    let app = TcpListener::bind("127.0.0.1:0").unwrap();
    let echo = TcpListener::bind("127.0.0.1:0").unwrap();
    let (app_port, echo_port) = (
        app.local_addr().unwrap().port(),
        echo.local_addr().unwrap().port(),
    );
    let me = format!("(pid {})", std::process::id());
    let out = xtask(&[
        "serve",
        "--port",
        &app_port.to_string(),
        "--echo-port",
        &echo_port.to_string(),
    ]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("port {app_port} (the app) is already in use by "))
            && err.contains(&me),
        "{err}"
    );
    assert!(
        err.contains("--port N") && !err.contains("panicked"),
        "{err}"
    );
    assert!(text(&out.stdout).is_empty(), "nothing was built or started");
    drop(app);
    // Port 0 for the app: the port just freed is in the ephemeral range, and
    // another test's outgoing connection may take it before this line runs.
    let out = xtask(&[
        "serve",
        "--port",
        "0",
        "--echo-port",
        &echo_port.to_string(),
    ]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "port {echo_port} (wslab-echo) is already in use by "
        )) && err.contains("--echo-port N"),
        "{err}"
    );
    // The defaults, 8080 and 9001, held by this test where they are free here
    // (held by something else, they are taken all the same).
    let _held: Vec<_> = [8080, 9001]
        .iter()
        .filter_map(|p| TcpListener::bind(("127.0.0.1", *p)).ok())
        .collect();
    let out = xtask(&["serve"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("port 8080 (the app) is already in use"),
        "{err}"
    );
    assert!(text(&out.stdout).is_empty());
}
