//! Load benchmark (not a test): messages per second and round-trip latency
//! for 1, 100 and 1,000 connections, for wslab-echo (plain, and with the tap
//! on) next to tokio-tungstenite's plain echo server, all measured in this run
//! on loopback. `cargo bench -p wslab-echo --bench load`.

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

/// `conns` clients each send `per_conn` 64-byte messages, one at a time, waiting for each echo.
async fn load(
    url_of: impl Fn(usize) -> String,
    conns: usize,
    per_conn: usize,
    tap: Option<String>,
) -> Result {
    // The tap's reader drains everything it is sent, as the page does.
    let _tap = match tap {
        Some(u) => {
            let (mut ws, _) = connect_async(u).await.unwrap();
            Some(tokio::spawn(async move {
                while let Some(Ok(_)) = ws.next().await {}
            }))
        }
        None => None,
    };
    let mut clients = Vec::with_capacity(conns);
    for i in 0..conns {
        clients.push(connect_async(url_of(i)).await.unwrap().0);
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

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let _ = rlimit::increase_nofile_limit(u64::MAX);
        let base = baseline_server().await;
        let ours = wslab_server().await;
        println!(
            "{:<34} {:>6} {:>12} {:>10} {:>10} {:>14}",
            "server", "conns", "msgs/s", "p50", "p99", "vs baseline"
        );
        for (conns, per_conn) in [(1, 3000), (100, 60), (1000, 8)] {
            // Three rounds, interleaved, and the median of each: this 2-core machine is noisy.
            let mut rounds: [Vec<Result>; 3] = [Vec::new(), Vec::new(), Vec::new()];
            for round in 0..ROUNDS {
                rounds[0].push(load(|_| format!("ws://{base}/"), conns, per_conn, None).await);
                rounds[1].push(load(|_| format!("ws://{ours}/echo"), conns, per_conn, None).await);
                rounds[2].push(
                    load(
                        |i| format!("ws://{ours}/echo?session=bench{conns}-{round}-{i}"),
                        conns,
                        per_conn,
                        Some(format!("ws://{ours}/tap?session=bench{conns}-{round}-0")),
                    )
                    .await,
                );
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
