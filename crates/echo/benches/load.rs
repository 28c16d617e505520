//! Load benchmark (not a test): messages per second and round-trip latency
//! for 1, 100 and 1,000 connections, for wslab-echo (plain, and with every
//! connection watched by its own tap) next to tokio-tungstenite's plain echo server, all measured in this run
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
