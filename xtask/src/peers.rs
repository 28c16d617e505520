//! `cargo xtask conformance-peers`: wslab-probe against popular WebSocket
//! servers wslab did not write, installed from the package registries into
//! the target folder: Python's `websockets` and Node's `ws`, each a plain echo
//! server with compression off. Prints every case that is not a pass and a
//! table of the verdicts. Not part of `cargo xtask test`: it installs from
//! the network.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::install::{Result, command, render, run, step};
use crate::paths::{build_bin, target_dir};

/// The versions installed (pinned, so the table means the same next time).
const WEBSOCKETS: &str = "websockets==15.0.1";
const WS: &str = "ws@8.18.0";

/// An echo server on `websockets`' asyncio API: every message back, as it came.
const PYTHON_ECHO: &str = r#"import asyncio, sys
from websockets.asyncio.server import serve

async def echo(ws):
    async for message in ws:
        await ws.send(message)

async def main():
    async with serve(echo, "127.0.0.1", int(sys.argv[1]), compression=None, max_size=None):
        await asyncio.get_running_loop().create_future()

asyncio.run(main())
"#;

/// An echo server on `ws`, as its README writes one.
const NODE_ECHO: &str = r#"const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2]), perMessageDeflate: false, maxPayload: 0 });
wss.on('connection', (ws) => {
  ws.on('error', console.error);
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
"#;

/// One server under test.
struct Peer {
    name: &'static str,
    /// Starts it on a port.
    start: Box<dyn Fn(u16) -> Command>,
}

/// The verdicts of one run: counts, and every case that is not a pass.
#[derive(Default)]
struct Tally {
    pass: usize,
    non_strict: usize,
    fail: usize,
    info: usize,
    others: Vec<String>,
}

impl Tally {
    /// Reads wslab-probe's case lines: `<id> <verdict> <title>`, the detail indented below.
    fn read(out: &str) -> Tally {
        let mut t = Tally::default();
        let mut lines = out.lines().peekable();
        while let Some(line) = lines.next() {
            let mut words = line.split_whitespace();
            let (Some(id), Some(verdict)) = (words.next(), words.next()) else {
                continue;
            };
            if !id.chars().next().is_some_and(|c| c.is_ascii_digit()) || !id.contains('.') {
                continue;
            }
            match verdict {
                "pass" => t.pass += 1,
                "non-strict" => t.non_strict += 1,
                "fail" => t.fail += 1,
                "info" => t.info += 1,
                _ => continue,
            }
            if verdict != "pass" {
                let detail = lines
                    .peek()
                    .filter(|l| l.starts_with("          "))
                    .map(|l| l.trim().to_owned())
                    .unwrap_or_default();
                t.others.push(format!("{line}\n      {detail}"));
            }
        }
        t
    }
}

fn free_port() -> Result<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Waits until something listens on `port` (10 s at most).
fn wait_for(port: u16, server: &mut Child) -> Result {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = server.try_wait() {
            return Err(format!("the server exited before listening ({status})"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("nothing listens on port {port} after 10 s"))
}

/// Installs both servers into `dir` (idempotent) and returns them.
fn install(dir: &Path) -> Result<Vec<Peer>> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let venv = dir.join("venv");
    if !venv.join("bin/python").exists() {
        step("a Python virtual environment for websockets");
        run(command("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    step(&format!("{WEBSOCKETS} from PyPI"));
    run(Command::new(venv.join("bin/pip")).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        WEBSOCKETS,
    ]))?;
    step(&format!("{WS} from the npm registry"));
    let node = dir.join("node");
    run(command("npm")
        .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
        .arg(&node)
        .arg(WS))?;
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text).map_err(|e| format!("cannot write {name}: {e}"))
    };
    write("echo.py", PYTHON_ECHO)?;
    write("echo.js", NODE_ECHO)?;
    let (python, py_script) = (venv.join("bin/python"), dir.join("echo.py"));
    let (node_modules, js_script) = (node.join("node_modules"), dir.join("echo.js"));
    Ok(vec![
        Peer {
            name: "Python websockets 15.0.1",
            start: Box::new(move |port| {
                let mut c = Command::new(&python);
                c.arg(&py_script).arg(port.to_string());
                c
            }),
        },
        Peer {
            name: "Node ws 8.18.0",
            start: Box::new(move |port| {
                let mut c = command("node");
                c.env("NODE_PATH", &node_modules)
                    .arg(&js_script)
                    .arg(port.to_string());
                c
            }),
        },
    ])
}

/// Runs the probe against each peer and prints what it found.
pub fn conformance_peers(cases: &str) -> Result {
    let dir = target_dir()?.join("conformance-peers");
    let peers = install(&dir)?;
    step("building wslab-probe");
    let probe = build_bin("wslab-probe", &["--release"])?;
    let mut table = Vec::new();
    for peer in &peers {
        let port = free_port()?;
        let mut start = (peer.start)(port);
        step(&format!("{}: {}", peer.name, render(&start)));
        let mut server = start
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", peer.name))?;
        let outcome = wait_for(port, &mut server).and_then(|()| {
            Command::new(&probe)
                .args(["--cases", cases])
                .arg(format!("ws://127.0.0.1:{port}/"))
                .output()
                .map_err(|e| format!("cannot run wslab-probe: {e}"))
        });
        let _ = server.kill();
        let _ = server.wait();
        let out = outcome?;
        let tally = Tally::read(&String::from_utf8_lossy(&out.stdout));
        for line in &tally.others {
            println!("{line}");
        }
        table.push((peer.name, tally));
    }
    println!("\n| server | pass | non-strict | fail | info |\n|---|---|---|---|---|");
    for (name, t) in &table {
        println!(
            "| {name} | {} | {} | {} | {} |",
            t.pass, t.non_strict, t.fail, t.info
        );
    }
    if table
        .iter()
        .all(|(_, t)| t.pass + t.non_strict + t.fail + t.info == 0)
    {
        return Err("the probe reported no case for any server".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probes_lines_are_tallied() {
        let out = "wslab-probe: 3 cases against ws://x/\n\
                   1.1.1     pass       A request\n\
                   2.1.1     fail       Something\n          \
                   The server did this.\n\
                   3.1.1     info       Other\n          \
                   Allowed.\n\
                   probe: 1 passed, 0 non-strict, 1 failed of 3 cases\n";
        let t = Tally::read(out);
        assert_eq!((t.pass, t.non_strict, t.fail, t.info), (1, 0, 1, 1));
        assert_eq!(t.others.len(), 2);
        assert!(
            t.others[0].contains("The server did this."),
            "{:?}",
            t.others
        );
    }
}
