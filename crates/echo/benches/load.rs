//! Load benchmark (not a test), everything measured in this run on loopback
//! next to tokio-tungstenite's plain echo loop:
//!
//! 1. Idle: 10,000 connections that finish the handshake and stay silent, each
//!    server in its own process (the release `wslab-echo` binary, and this
//!    bench re-run as the baseline server): memory per connection (RSS
//!    before and after) and accepts per second.
//! 2. Active: messages per second and round-trip latency for 1, 100 and 1,000
//!    connections, for wslab-echo plain and with every connection watched by
//!    its own tap.
//!
//! `cargo bench -p wslab-echo --bench load` (`-- idle` or `-- active` for one part).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{accept_async, connect_async};
use wslab_echo::{Config, Server};

/// tokio-tungstenite's echo example, reduced to its loop: the baseline.
async fn baseline_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(ws) = accept_async(stream).await else {
                    return;
                };
                let (write, read) = ws.split();
                let _ = read
                    .try_filter(|m| futures_util::future::ready(m.is_text() || m.is_binary()))
                    .forward(write)
                    .await;
            });
        }
    });
    addr
}

async fn wslab_server() -> SocketAddr {
    let server = Server::bind(Config::for_tests("127.0.0.1:0".parse().unwrap()))
        .await
        .unwrap();
    let addr = server.local_addr().unwrap();
    tokio::spawn(server.serve());
    addr
}

/// Rounds per configuration.
const ROUNDS: usize = 3;

/// The round with the median throughput.
fn median(mut rounds: Vec<Result>) -> Result {
    rounds.sort_by(|a, b| a.msgs_per_sec.total_cmp(&b.msgs_per_sec));
    rounds.swap_remove(rounds.len() / 2)
}

struct Result {
    msgs_per_sec: f64,
    p50: Duration,
    p99: Duration,
}

/// Opens a tap at `server`, reads the session it issues, and drains the tap
/// in the background as the page does.
async fn tapped_url(server: std::net::SocketAddr) -> (String, tokio::task::JoinHandle<()>) {
    let (mut tap, _) = connect_async(format!("ws://{server}/tap")).await.unwrap();
    let Some(Ok(Message::Binary(first))) = tap.next().await else {
        panic!("no session from the tap")
    };
    let session = match wire::tap::decode(&first).0.as_slice() {
        [wire::tap::TapItem::Event(wire::tap::TapEvent::Session(id))] => *id,
        other => panic!("{other:?}"),
    };
    let drain = tokio::spawn(async move { while let Some(Ok(_)) = tap.next().await {} });
    (format!("ws://{server}/echo?session={session}"), drain)
}

/// `conns` clients each send `per_conn` 64-byte messages, one at a time,
/// waiting for each echo. With `tapped`, every connection has its own tap.
async fn load(
    url: String,
    conns: usize,
    per_conn: usize,
    tapped: Option<std::net::SocketAddr>,
) -> Result {
    let mut clients = Vec::with_capacity(conns);
    let mut taps = Vec::new();
    for _ in 0..conns {
        let url = match tapped {
            Some(server) => {
                let (u, drain) = tapped_url(server).await;
                taps.push(drain);
                u
            }
            None => url.clone(),
        };
        clients.push(connect_async(url).await.unwrap().0);
    }
    let start = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|mut ws| {
            tokio::spawn(async move {
                let payload = "x".repeat(64);
                let mut rtts = Vec::with_capacity(per_conn);
                for _ in 0..per_conn {
                    let t = Instant::now();
                    ws.send(Message::Text(payload.clone().into()))
                        .await
                        .unwrap();
                    loop {
                        match ws.next().await {
                            Some(Ok(Message::Text(_))) => break,
                            Some(Ok(_)) => continue,
                            other => panic!("{other:?}"),
                        }
                    }
                    rtts.push(t.elapsed());
                }
                let _ = ws.close(None).await;
                rtts
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = start.elapsed();
    all.sort();
    Result {
        msgs_per_sec: all.len() as f64 / elapsed.as_secs_f64(),
        p50: all[all.len() / 2],
        p99: all[all.len() * 99 / 100],
    }
}

use futures_util::TryStreamExt as _;

/// How many idle connections part 1 opens.
const IDLE: usize = 10_000;

/// Set in the child process that plays the baseline server.
const ROLE: &str = "WSLAB_BENCH_BASELINE_SERVER";

/// A server process, killed on drop.
struct ServerProcess {
    child: std::process::Child,
    addr: SocketAddr,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServerProcess {
    /// Starts `cmd`, which prints a line ending in its `ws://ADDR/…` first.
    fn start(mut cmd: std::process::Command) -> Self {
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().expect("piped")),
            &mut line,
        )
        .expect("the server prints its address");
        let addr = line
            .split("ws://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|a| a.trim().parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        ServerProcess { child, addr }
    }

    /// Resident memory in KiB, from /proc.
    fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
            .unwrap_or(0)
    }
}

/// Opens `n` connections to `url`, keeps them silent, and reports the
/// server's memory per connection and the accept rate.
async fn idle(name: &str, server: &ServerProcess, url: &str, n: usize) -> (f64, f64) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = server.rss_kib();
    let start = Instant::now();
    let mut open = Vec::with_capacity(n);
    for _ in 0..n {
        open.push(connect_async(url).await.expect("connects").0);
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = server.rss_kib();
    let per_conn = after.saturating_sub(before) as f64 / n as f64;
    println!(
        "{name:<34} {n:>6} idle: {per_conn:>7.1} KiB/connection (RSS {before} → {after} KiB), {rate:>7.0} accepts/s"
    );
    drop(open);
    (per_conn, rate)
}

async fn idle_part() {
    let baseline = ServerProcess::start({
        let mut cmd = std::process::Command::new(std::env::current_exe().expect("own path"));
        cmd.env(ROLE, "1");
        cmd
    });
    let ours = ServerProcess::start({
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_wslab-echo"));
        cmd.args([
            "--listen",
            "127.0.0.1:0",
            "--no-tls",
            "--max-connections",
            "20000",
        ]);
        cmd
    });
    let (b_mem, b_rate) = idle(
        "tokio-tungstenite echo (baseline)",
        &baseline,
        &format!("ws://{}/", baseline.addr),
        IDLE,
    )
    .await;
    let (w_mem, w_rate) = idle(
        "wslab-echo",
        &ours,
        &format!("ws://{}/echo", ours.addr),
        IDLE,
    )
    .await;
    println!(
        "{:<34} {IDLE:>6} idle: memory per connection {:.2}x the baseline's, accept rate {:.2}x",
        "wslab-echo / baseline",
        w_mem / b_mem,
        w_rate / b_rate
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    if std::env::var_os(ROLE).is_some() {
        // The child process of part 1: the baseline server, alone in its process.
        rt.block_on(async {
            let addr = baseline_server().await;
            println!("baseline listening on ws://{addr}/");
            std::future::pending::<()>().await;
        });
        return;
    }
    let only = std::env::args()
        .skip(1)
        .find(|a| a == "idle" || a == "active");
    if only.as_deref() != Some("active") {
        rt.block_on(idle_part());
    }
    if only.as_deref() == Some("idle") {
        return;
    }
    rt.block_on(async {
        let base = baseline_server().await;
        let ours = wslab_server().await;
        println!(
            "{:<34} {:>6} {:>12} {:>10} {:>10} {:>14}",
            "server", "conns", "msgs/s", "p50", "p99", "vs baseline"
        );
        for (conns, per_conn) in [(1, 3000), (100, 60), (1000, 8)] {
            // Three rounds, interleaved, and the median of each: this 2-core machine is noisy.
            let mut rounds: [Vec<Result>; 3] = [Vec::new(), Vec::new(), Vec::new()];
            for _ in 0..ROUNDS {
                rounds[0].push(load(format!("ws://{base}/"), conns, per_conn, None).await);
                rounds[1].push(load(format!("ws://{ours}/echo"), conns, per_conn, None).await);
                rounds[2].push(load(String::new(), conns, per_conn, Some(ours)).await);
            }
            let [b, w, t] = rounds.map(median);
            for (name, r) in [
                ("tokio-tungstenite echo (baseline)", &b),
                ("wslab-echo", &w),
                ("wslab-echo, tap on", &t),
            ] {
                println!(
                    "{name:<34} {conns:>6} {:>12.0} {:>10.2?} {:>10.2?} {:>13.2}x",
                    r.msgs_per_sec,
                    r.p50,
                    r.p99,
                    r.msgs_per_sec / b.msgs_per_sec
                );
            }
            println!(
                "{:<34} {conns:>6} tap on / tap off: {:.2}x",
                "",
                t.msgs_per_sec / w.msgs_per_sec
            );
        }
    });
}
