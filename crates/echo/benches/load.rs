//! Load benchmark (not a test). Everything is measured in this run, on
//! loopback, each server alone in its own process, next to tokio-tungstenite's
//! plain echo loop (this bench re-run as a server) and, when
//! `WSLAB_BENCH_PREVIOUS` names another `wslab-echo` binary (an older build),
//! next to that one too.
//!
//! 1. `idle`: 10,000 connections that finish the handshake and stay silent:
//!    memory per connection (server RSS before and after) and accepts per
//!    second; for wslab-echo also tapped (each connection with its tap: the
//!    live page's two sockets), with `?session=` (its tap gone) and over wss://. Then one of the idle connections echoes a 16 MiB message, and
//!    the server's RSS is read again once it is idle.
//! 2. `active`: messages per second and round-trip latency for 64-byte and
//!    64 KiB messages at 1, 100 and 1,000 connections; for wslab-echo also
//!    with every connection watched by its own tap.
//!
//! 3. `deflate`: the same, with soketto clients offering permessage-deflate,
//!    the server accepting it or declining it (`?deflate=0`).
//!
//! `cargo bench -p wslab-echo --bench load` (`-- idle`, `-- active` or `-- deflate` for one part).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt, TryStreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{accept_async, client_async};

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

/// Rounds per configuration.
const ROUNDS: usize = 3;

/// How many idle connections part 1 opens.
const IDLE: usize = 10_000;

/// Set in the child process that plays the baseline server.
const ROLE: &str = "WSLAB_BENCH_BASELINE_SERVER";

/// An older `wslab-echo` binary to compare with.
const PREVIOUS: &str = "WSLAB_BENCH_PREVIOUS";

/// Any byte stream a client runs over: TCP or TLS.
trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

type Client = tokio_tungstenite::WebSocketStream<Box<dyn Io>>;

/// A client connection to `url` over `stream`.
async fn handshake(url: String, stream: Box<dyn Io>) -> Client {
    client_async(url, stream).await.expect("handshake").0
}

/// A client connection over plain TCP.
async fn connect(addr: SocketAddr, path: &str) -> Client {
    let tcp = TcpStream::connect(addr).await.expect("connects");
    handshake(format!("ws://{addr}{path}"), Box::new(tcp)).await
}

/// A server process, killed on drop.
struct ServerProcess {
    name: &'static str,
    child: std::process::Child,
    /// The ws:// address, and the wss:// one if it listens there.
    addr: SocketAddr,
    tls: Option<SocketAddr>,
    /// The path of its echo endpoint.
    path: &'static str,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServerProcess {
    /// The baseline: this bench, re-run as a server.
    fn baseline() -> Self {
        let mut cmd = std::process::Command::new(std::env::current_exe().expect("own path"));
        cmd.env(ROLE, "1");
        Self::start("tokio-tungstenite echo (baseline)", cmd, "/", false)
    }

    /// A `wslab-echo` binary, with wss:// when `tls`.
    fn wslab(name: &'static str, binary: &std::path::Path, tls: bool) -> Self {
        let mut cmd = std::process::Command::new(binary);
        cmd.args(["--listen", "127.0.0.1:0", "--max-connections", "30000"]);
        if tls {
            cmd.args(["--tls-listen", "127.0.0.1:0"]);
        } else {
            cmd.arg("--no-tls");
        }
        Self::start(name, cmd, "/echo", tls)
    }

    /// Starts `cmd`, which prints its `ws://ADDR/…` line first (and its
    /// `wss://` line next, when `tls`).
    fn start(
        name: &'static str,
        mut cmd: std::process::Command,
        path: &'static str,
        tls: bool,
    ) -> Self {
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut out = std::io::BufReader::new(child.stdout.take().expect("piped"));
        let mut read_addr = |scheme: &str| -> SocketAddr {
            let mut line = String::new();
            std::io::BufRead::read_line(&mut out, &mut line)
                .expect("the server prints its address");
            line.split(scheme)
                .nth(1)
                .and_then(|r| r.split('/').next())
                .and_then(|a| a.trim().parse().ok())
                .unwrap_or_else(|| panic!("unexpected line {line:?}"))
        };
        let addr = read_addr("ws://");
        let tls = tls.then(|| read_addr("wss://"));
        ServerProcess {
            name,
            child,
            addr,
            tls,
            path,
        }
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

/// How a bench client reaches an echo endpoint.
#[derive(Clone, Copy, PartialEq)]
enum Way {
    Plain,
    /// Through `/tap` first: `?session=`, with the tap drained in the
    /// background (`Watched`) or closed once the echo claimed it (`Detached`).
    Watched,
    Detached,
    Tls,
}

/// A TLS verifier that accepts any certificate: wslab-echo's is self-signed.
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        Ok(rustls::client::danger::HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn tls_connector() -> tokio_rustls::TlsConnector {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

/// Opens one client connection to `server` the given way; the returned task
/// drains its tap, if it has one.
async fn open(
    server: &ServerProcess,
    way: Way,
    tls: &tokio_rustls::TlsConnector,
) -> (Client, Option<tokio::task::JoinHandle<()>>) {
    match way {
        Way::Plain => (connect(server.addr, server.path).await, None),
        Way::Tls => {
            let addr = server.tls.expect("listens for wss://");
            let tcp = TcpStream::connect(addr).await.expect("connects");
            let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
            let stream = tls.connect(name, tcp).await.expect("TLS handshake");
            let url = format!("wss://localhost:{}/echo", addr.port());
            (handshake(url, Box::new(stream)).await, None)
        }
        Way::Watched | Way::Detached => {
            let mut tap = connect(server.addr, "/tap").await;
            let Some(Ok(Message::Binary(first))) = tap.next().await else {
                panic!("no session from the tap")
            };
            let session = match wire::tap::decode(&first).0.as_slice() {
                [wire::tap::TapItem::Event(wire::tap::TapEvent::Session(id))] => *id,
                other => panic!("{other:?}"),
            };
            let ws = connect(server.addr, &format!("/echo?session={session}")).await;
            if way == Way::Detached {
                drop(tap);
                return (ws, None);
            }
            let drain = tokio::spawn(async move { while let Some(Ok(_)) = tap.next().await {} });
            (ws, Some(drain))
        }
    }
}

/// What one idle measurement found.
struct Idle {
    kib_per_conn: f64,
    accepts_per_sec: f64,
}

/// Opens `n` connections the given way and keeps them silent; reports the
/// server's memory per connection and the accept rate. The connections stay
/// open in `open` for the caller.
async fn idle(
    server: &ServerProcess,
    way: Way,
    n: usize,
    open: &mut Vec<Client>,
    taps: &mut Vec<tokio::task::JoinHandle<()>>,
) -> Idle {
    let tls = tls_connector();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = server.rss_kib();
    let start = Instant::now();
    for _ in 0..n {
        let (ws, tap) = self::open(server, way, &tls).await;
        open.push(ws);
        taps.extend(tap);
    }
    // A tapped connection is two sockets: each counts.
    let sockets = if way == Way::Watched { 2 * n } else { n };
    let rate = sockets as f64 / start.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = server.rss_kib();
    let per_conn = after.saturating_sub(before) as f64 / sockets as f64;
    let how = match way {
        Way::Plain => "",
        Way::Watched => ", tapped",
        Way::Detached => ", ?session= (tap gone)",
        Way::Tls => ", wss://",
    };
    println!(
        "{:<48} {sockets:>6} idle: {per_conn:>7.1} KiB/connection (RSS {before} → {after} KiB), {rate:>7.0} accepts/s",
        format!("{}{how}", server.name)
    );
    Idle {
        kib_per_conn: per_conn,
        accepts_per_sec: rate,
    }
}

/// One of `open` echoes a 16 MiB message; the server's RSS is read before,
/// and again once it has been idle for a second.
async fn after_big_message(server: &ServerProcess, open: &mut [Client]) {
    let before = server.rss_kib();
    let ws = open.first_mut().expect("a connection");
    let big = vec![0x5a_u8; 16 << 20];
    ws.send(Message::Binary(big.clone().into())).await.unwrap();
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) => {
                assert_eq!(b.len(), big.len());
                break;
            }
            Some(Ok(_)) => continue,
            other => panic!("{other:?}"),
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = server.rss_kib();
    println!(
        "{:<48} after echoing one 16 MiB message and a second idle: RSS {before} → {after} KiB ({:+} KiB)",
        server.name,
        after as i64 - before as i64
    );
}

async fn idle_part(previous: Option<&std::path::Path>) {
    let ours_bin = std::path::Path::new(env!("CARGO_BIN_EXE_wslab-echo"));
    let baseline = {
        let server = ServerProcess::baseline();
        let mut open = Vec::new();
        let r = idle(&server, Way::Plain, IDLE, &mut open, &mut Vec::new()).await;
        after_big_message(&server, &mut open).await;
        r
    };
    let mut rows = Vec::new();
    if let Some(prev) = previous {
        let server = ServerProcess::wslab("wslab-echo (previous build)", prev, false);
        let mut open = Vec::new();
        let r = idle(&server, Way::Plain, IDLE, &mut open, &mut Vec::new()).await;
        rows.push(("previous build", r));
        after_big_message(&server, &mut open).await;
    }
    for way in [Way::Plain, Way::Watched, Way::Detached, Way::Tls] {
        let server = ServerProcess::wslab("wslab-echo", ours_bin, way == Way::Tls);
        let mut open = Vec::new();
        let mut taps = Vec::new();
        // The file limit here is 20,000: a tapped connection needs two.
        let n = if way == Way::Watched { IDLE / 2 } else { IDLE };
        let r = idle(&server, way, n, &mut open, &mut taps).await;
        if way == Way::Plain {
            after_big_message(&server, &mut open).await;
        }
        rows.push((
            match way {
                Way::Plain => "wslab-echo",
                Way::Watched => "wslab-echo, tapped (two sockets)",
                Way::Detached => "wslab-echo, ?session=",
                Way::Tls => "wslab-echo, wss://",
            },
            r,
        ));
    }
    for (name, r) in rows {
        println!(
            "{:<48} idle: memory per connection {:.2}x the baseline's, accept rate {:.2}x",
            format!("{name} / baseline"),
            r.kib_per_conn / baseline.kib_per_conn,
            r.accepts_per_sec / baseline.accepts_per_sec
        );
    }
}

/// Throughput and latency of one run.
struct Run {
    msgs_per_sec: f64,
    p50: Duration,
    p99: Duration,
}

impl Run {
    /// Waits for the clients' round-trip times and sums them up, from `start`.
    async fn of(tasks: Vec<tokio::task::JoinHandle<Vec<Duration>>>, start: Instant) -> Run {
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let elapsed = start.elapsed();
        all.sort();
        Run {
            msgs_per_sec: all.len() as f64 / elapsed.as_secs_f64(),
            p50: all[all.len() / 2],
            p99: all[all.len() * 99 / 100],
        }
    }
}

/// The round with the median throughput.
fn median(mut rounds: Vec<Run>) -> Run {
    rounds.sort_by(|a, b| a.msgs_per_sec.total_cmp(&b.msgs_per_sec));
    rounds.swap_remove(rounds.len() / 2)
}

/// `conns` clients each send `per_conn` binary messages of `size` bytes, one
/// at a time, waiting for each echo.
async fn load(server: &ServerProcess, way: Way, conns: usize, per_conn: usize, size: usize) -> Run {
    let tls = tls_connector();
    let mut clients = Vec::with_capacity(conns);
    let mut taps = Vec::new();
    for _ in 0..conns {
        let (ws, tap) = open(server, way, &tls).await;
        clients.push(ws);
        taps.extend(tap);
    }
    let start = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|mut ws| {
            tokio::spawn(async move {
                let payload = tokio_tungstenite::tungstenite::Bytes::from(vec![0x78; size]);
                let mut rtts = Vec::with_capacity(per_conn);
                for _ in 0..per_conn {
                    let t = Instant::now();
                    ws.send(Message::Binary(payload.clone())).await.unwrap();
                    loop {
                        match ws.next().await {
                            Some(Ok(Message::Binary(_))) => break,
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
    Run::of(tasks, start).await
}

/// Like [`load`], with soketto clients that offer permessage-deflate: the
/// server accepts (`deflate`) or declines (`?deflate=0`). The payload is
/// text-like, so that it compresses as real messages do.
async fn load_deflate(
    server: &ServerProcess,
    deflate: bool,
    conns: usize,
    per_conn: usize,
    size: usize,
) -> Run {
    use tokio_util::compat::TokioAsyncReadCompatExt;
    let mut clients = Vec::with_capacity(conns);
    for _ in 0..conns {
        let tcp = TcpStream::connect(server.addr).await.unwrap();
        // soketto writes a frame's header and payload separately: without this, Nagle's
        // algorithm holds the payload back until the server's delayed ACK (40 ms).
        tcp.set_nodelay(true).unwrap();
        let host = server.addr.to_string();
        let path = if deflate { "/echo" } else { "/echo?deflate=0" };
        let mut client = soketto::handshake::Client::new(tcp.compat(), &host, path);
        client.add_extension(Box::new(soketto::extension::deflate::Deflate::new(
            soketto::Mode::Client,
        )));
        match client.handshake().await.unwrap() {
            soketto::handshake::ServerResponse::Accepted { .. } => {
                clients.push(client.into_builder().finish())
            }
            other => panic!("{other:?}"),
        }
    }
    let text: Vec<u8> = b"{\"user\":\"learner\",\"text\":\"hello, wslab\",\"seq\":1} "
        .iter()
        .copied()
        .cycle()
        .take(size)
        .collect();
    let start = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|(mut sender, mut receiver)| {
            let text = text.clone();
            tokio::spawn(async move {
                let mut rtts = Vec::with_capacity(per_conn);
                let mut echo = Vec::new();
                for _ in 0..per_conn {
                    let t = Instant::now();
                    sender.send_binary(&text).await.unwrap();
                    sender.flush().await.unwrap();
                    echo.clear();
                    receiver.receive_data(&mut echo).await.unwrap();
                    assert_eq!(echo.len(), text.len());
                    rtts.push(t.elapsed());
                }
                let _ = sender.close().await;
                rtts
            })
        })
        .collect();
    Run::of(tasks, start).await
}

/// permessage-deflate's cost: the same soketto clients, the server
/// accepting the extension or declining it, in the same run.
async fn deflate_part() {
    let ours_bin = std::path::Path::new(env!("CARGO_BIN_EXE_wslab-echo"));
    let server = ServerProcess::wslab("wslab-echo", ours_bin, false);
    println!(
        "{:<40} {:>6} {:>6} {:>10} {:>10} {:>10} {:>14}",
        "soketto clients", "size", "conns", "msgs/s", "p50", "p99", "vs declined"
    );
    for (size, plan) in [
        (64, [(1, 2000), (100, 40), (1000, 5)]),
        (64 << 10, [(1, 500), (100, 10), (1000, 2)]),
    ] {
        for (conns, per_conn) in plan {
            let mut off = Vec::new();
            let mut on = Vec::new();
            for _ in 0..ROUNDS {
                off.push(load_deflate(&server, false, conns, per_conn, size).await);
                on.push(load_deflate(&server, true, conns, per_conn, size).await);
            }
            let (off, on) = (median(off), median(on));
            for (name, r) in [("declined (?deflate=0)", &off), ("permessage-deflate", &on)] {
                println!(
                    "{name:<40} {size:>6} {conns:>6} {:>10.0} {:>10.2?} {:>10.2?} {:>13.2}x",
                    r.msgs_per_sec,
                    r.p50,
                    r.p99,
                    r.msgs_per_sec / off.msgs_per_sec
                );
            }
        }
    }
}

async fn active_part(previous: Option<&std::path::Path>) {
    let ours_bin = std::path::Path::new(env!("CARGO_BIN_EXE_wslab-echo"));
    let mut servers = vec![(ServerProcess::baseline(), Way::Plain, "")];
    if let Some(prev) = previous {
        servers.push((
            ServerProcess::wslab("wslab-echo (previous build)", prev, false),
            Way::Plain,
            "",
        ));
    }
    servers.push((
        ServerProcess::wslab("wslab-echo", ours_bin, false),
        Way::Plain,
        "",
    ));
    servers.push((
        ServerProcess::wslab("wslab-echo", ours_bin, false),
        Way::Watched,
        ", tap on",
    ));
    println!(
        "{:<40} {:>6} {:>6} {:>10} {:>10} {:>10} {:>9} {:>9}",
        "server", "size", "conns", "msgs/s", "p50", "p99", "vs base", "vs prev"
    );
    for (size, plan) in [
        (64, [(1, 3000), (100, 60), (1000, 8)]),
        (64 << 10, [(1, 1000), (100, 20), (1000, 3)]),
    ] {
        for (conns, per_conn) in plan {
            // Rounds interleaved, and the median of each: this 2-core machine is noisy.
            let mut rounds: Vec<Vec<Run>> = servers.iter().map(|_| Vec::new()).collect();
            for _ in 0..ROUNDS {
                for (i, (server, way, _)) in servers.iter().enumerate() {
                    rounds[i].push(load(server, *way, conns, per_conn, size).await);
                }
            }
            let results: Vec<Run> = rounds.into_iter().map(median).collect();
            let base = results[0].msgs_per_sec;
            let prev = previous.map(|_| results[1].msgs_per_sec);
            for ((server, _, how), r) in servers.iter().zip(&results) {
                let vs_prev = prev.map_or(String::new(), |p| format!("{:.2}x", r.msgs_per_sec / p));
                println!(
                    "{:<40} {size:>6} {conns:>6} {:>10.0} {:>10.2?} {:>10.2?} {:>8.2}x {vs_prev:>9}",
                    format!("{}{how}", server.name),
                    r.msgs_per_sec,
                    r.p50,
                    r.p99,
                    r.msgs_per_sec / base,
                );
            }
        }
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    if std::env::var_os(ROLE).is_some() {
        // A child process: the baseline server, alone in its process.
        rt.block_on(async {
            let addr = baseline_server().await;
            println!("baseline listening on ws://{addr}/");
            std::future::pending::<()>().await;
        });
        return;
    }
    let previous = std::env::var_os(PREVIOUS).map(std::path::PathBuf::from);
    let only = std::env::args()
        .skip(1)
        .find(|a| a == "idle" || a == "active" || a == "deflate");
    let run = |part: &str| only.is_none() || only.as_deref() == Some(part);
    if run("idle") {
        rt.block_on(idle_part(previous.as_deref()));
    }
    if run("active") {
        rt.block_on(active_part(previous.as_deref()));
    }
    if run("deflate") {
        rt.block_on(deflate_part());
    }
}
