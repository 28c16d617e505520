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
//! 3. `deflate`: the same with text messages and soketto clients offering
//!    permessage-deflate, the server accepting it or declining it
//!    (`?deflate=0`), next to an independent server that compresses too:
//!    Node's `ws` (installed from npm into the target folder by this bench,
//!    when `node` and `npm` are there), with the bytes one echo takes on the
//!    wire; the memory a connection holds with `--deflate-takeover` after a
//!    compressed message; and zlib's levels 1–9 on text and JSON (ratio,
//!    speed), which chose `wire::deflate::LEVEL`.
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
        Self::wslab_with(name, binary, tls, &[])
    }

    /// The same, with more flags.
    fn wslab_with(name: &'static str, binary: &std::path::Path, tls: bool, flags: &[&str]) -> Self {
        let mut cmd = std::process::Command::new(binary);
        cmd.args(["--listen", "127.0.0.1:0", "--max-connections", "30000"]);
        cmd.args(flags);
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

/// Like [`load`], with soketto clients that offer permessage-deflate on
/// `path` (wslab-echo declines it on `/echo?deflate=0`). The messages are
/// JSON text, so that they compress as real messages do.
async fn load_deflate(
    server: &ServerProcess,
    path: &str,
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
    let text = String::from_utf8(json_text(size)).unwrap();
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
                    sender.send_text(&text).await.unwrap();
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

/// Node's `ws` echo server with permessage-deflate, as a peer: every message
/// compressed (threshold 0), no context takeover either way, as wslab-echo
/// answers by default.
const NODE_WS_SERVER: &str = r#"
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({
  host: '127.0.0.1', port: 0, maxPayload: 16 * 1024 * 1024,
  perMessageDeflate: { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true },
});
wss.on('listening', () => console.log(`ws listening on ws://127.0.0.1:${wss.address().port}/`));
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
"#;

impl ServerProcess {
    /// Node's `ws` (npm), installed into the target folder on first use;
    /// None, with the reason printed, where node or npm is missing or the
    /// install fails.
    fn node_ws() -> Option<Self> {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-peers/node-ws");
        std::fs::create_dir_all(&dir).ok()?;
        if !dir.join("node_modules/ws/package.json").exists() {
            let ok = std::process::Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&dir)
                .arg("ws@8")
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                println!("(Node's ws left out: `npm install ws@8` failed or npm is missing)");
                return None;
            }
        }
        let script = dir.join("server.js");
        std::fs::write(&script, NODE_WS_SERVER).ok()?;
        if std::process::Command::new("node")
            .arg("--version")
            .output()
            .is_err()
        {
            println!("(Node's ws left out: node is missing)");
            return None;
        }
        let mut cmd = std::process::Command::new("node");
        cmd.arg(&script).current_dir(&dir);
        Some(Self::start(
            "Node ws 8 (perMessageDeflate)",
            cmd,
            "/",
            false,
        ))
    }
}

/// The bytes one echo of `message` takes on the wire (its frame's payload),
/// through a raw connection that offers permessage-deflate as Chromium does.
async fn echo_bytes_on_the_wire(server: &ServerProcess, message: &[u8]) -> usize {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n",
        server.path, server.addr
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        let n = tcp.read(&mut chunk).await.unwrap();
        assert!(n > 0);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
    };
    let mut rest = buf.split_off(end);
    let mut frame = wire::Frame::new(
        wire::opcode::OpCode::Text,
        wire::deflate::Compressor::new(false).compress(message),
    )
    .masked([1, 2, 3, 4]);
    frame.rsv[0] = true;
    tcp.write_all(&frame.encode()).await.unwrap();
    let options = wire::decode::DecodeOptions {
        deflate: true,
        ..wire::decode::DecodeOptions::for_sender(wire::decode::Role::Server)
    };
    loop {
        if let Ok(wire::decode::Decoded::Frame(f)) = wire::decode::decode(&rest, &options) {
            return f.frame.payload.len();
        }
        let n = tcp.read(&mut chunk).await.unwrap();
        assert!(n > 0);
        rest.extend_from_slice(&chunk[..n]);
    }
}

/// `size` bytes of JSON-like text, as a chat or a feed sends.
fn json_text(size: usize) -> Vec<u8> {
    b"{\"user\":\"learner\",\"text\":\"hello, wslab\",\"seq\":1} "
        .iter()
        .copied()
        .cycle()
        .take(size)
        .collect()
}

/// Prose: the README itself, repeated to `size`.
fn prose(size: usize) -> Vec<u8> {
    include_bytes!("../../../README.md")
        .iter()
        .copied()
        .cycle()
        .take(size)
        .collect()
}

/// zlib's levels on text and JSON messages: the ratio (compressed / raw)
/// and the speed, each message compressed on its own with a sync flush, as
/// wslab-echo does without context takeover.
fn levels_table() {
    use flate2::{Compress, Compression, FlushCompress};
    println!(
        "{:<8} {:>6} {:>8} {:>10} {:>10} {:>10} {:>10}",
        "level", "size", "", "JSON ratio", "JSON MB/s", "text ratio", "text MB/s"
    );
    for size in [66, 1024, 64 << 10] {
        let inputs = [json_text(size), prose(size)];
        for level in 1..=9 {
            let mut cells = Vec::new();
            for input in &inputs {
                let rounds = (4 << 20) / size.max(1) + 1;
                let mut out = Vec::with_capacity(size * 2 + 64);
                let mut compressed = 0;
                let start = Instant::now();
                for _ in 0..rounds {
                    let mut c = Compress::new_with_window_bits(Compression::new(level), false, 15);
                    out.clear();
                    c.compress_vec(input, &mut out, FlushCompress::Sync)
                        .unwrap();
                    compressed = out.len() - 4;
                }
                let mb_s = (rounds * size) as f64 / start.elapsed().as_secs_f64() / 1e6;
                cells.push((compressed as f64 / size as f64, mb_s));
            }
            println!(
                "{:<8} {size:>6} {:>8} {:>10.3} {:>10.1} {:>10.3} {:>10.1}",
                format!(
                    "{level}{}",
                    if level == wire::deflate::LEVEL {
                        " (used)"
                    } else {
                        ""
                    }
                ),
                "",
                cells[0].0,
                cells[0].1,
                cells[1].0,
                cells[1].1
            );
        }
    }
}

/// Server memory per connection after each connection echoed one
/// compressed 1 KiB message and went quiet, with context takeover accepted
/// (`--deflate-takeover`: both windows kept) and without (the default).
async fn takeover_memory() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const N: usize = 1000;
    let ours_bin = std::path::Path::new(env!("CARGO_BIN_EXE_wslab-echo"));
    for (name, flags) in [
        ("wslab-echo (default: no context takeover)", &[][..]),
        ("wslab-echo --deflate-takeover", &["--deflate-takeover"][..]),
    ] {
        let server = ServerProcess::wslab_with(name, ours_bin, false, flags);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let before = server.rss_kib();
        let mut open = Vec::with_capacity(N);
        let message = json_text(1024);
        for _ in 0..N {
            let mut tcp = TcpStream::connect(server.addr).await.unwrap();
            let head = format!(
                "GET /echo HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n",
                server.addr
            );
            tcp.write_all(head.as_bytes()).await.unwrap();
            let mut frame = wire::Frame::new(
                wire::opcode::OpCode::Text,
                wire::deflate::Compressor::new(false).compress(&message),
            )
            .masked([1, 2, 3, 4]);
            frame.rsv[0] = true;
            tcp.write_all(&frame.encode()).await.unwrap();
            // The answer and the echo: read until the echo's payload is in.
            let mut got = Vec::new();
            let mut chunk = [0u8; 4096];
            while !got.windows(4).any(|w| w == b"\r\n\r\n") || got.len() < 160 {
                let n = tcp.read(&mut chunk).await.unwrap();
                assert!(n > 0);
                got.extend_from_slice(&chunk[..n]);
            }
            open.push(tcp);
        }
        // Longer than the second after which codec state that need not survive is dropped.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = server.rss_kib();
        println!(
            "{name:<48} {N} connections, each after one compressed message, idle: {:>7.1} KiB/connection",
            after.saturating_sub(before) as f64 / N as f64
        );
    }
}

/// permessage-deflate's cost: the same soketto clients, the server
/// accepting the extension or declining it, and Node's `ws` compressing
/// too, in the same run.
async fn deflate_part() {
    let ours_bin = std::path::Path::new(env!("CARGO_BIN_EXE_wslab-echo"));
    let server = ServerProcess::wslab("wslab-echo", ours_bin, false);
    let peer = ServerProcess::node_ws();
    for (what, make) in [("JSON", json_text as fn(usize) -> Vec<u8>), ("text", prose)] {
        for size in [66, 1024, 64 << 10] {
            let message = make(size);
            let ours = echo_bytes_on_the_wire(&server, &message).await;
            let theirs = match &peer {
                Some(p) => format!(
                    "{}: {} bytes",
                    p.name,
                    echo_bytes_on_the_wire(p, &message).await
                ),
                None => String::new(),
            };
            println!(
                "one echo of {size} bytes of {what} on the wire: wslab-echo {ours} bytes; {theirs}"
            );
        }
    }
    println!(
        "{:<40} {:>6} {:>6} {:>10} {:>10} {:>10} {:>12} {:>10}",
        "soketto clients, text", "size", "conns", "msgs/s", "p50", "p99", "vs declined", "vs ws"
    );
    for (size, plan) in [
        (64, [(1, 2000), (100, 40), (1000, 5)]),
        (64 << 10, [(1, 500), (100, 10), (1000, 2)]),
    ] {
        for (conns, per_conn) in plan {
            let mut off = Vec::new();
            let mut on = Vec::new();
            let mut ws = Vec::new();
            for _ in 0..ROUNDS {
                off.push(load_deflate(&server, "/echo?deflate=0", conns, per_conn, size).await);
                on.push(load_deflate(&server, "/echo", conns, per_conn, size).await);
                if let Some(p) = &peer {
                    ws.push(load_deflate(p, "/", conns, per_conn, size).await);
                }
            }
            let (off, on) = (median(off), median(on));
            let ws = (!ws.is_empty()).then(|| median(ws));
            let mut rows = vec![
                ("wslab-echo, declined (?deflate=0)", &off),
                ("wslab-echo, permessage-deflate", &on),
            ];
            if let Some(w) = &ws {
                rows.push(("Node ws, permessage-deflate", w));
            }
            for (name, r) in rows {
                let vs_ws = ws.as_ref().map_or(String::new(), |w| {
                    format!("{:.2}x", r.msgs_per_sec / w.msgs_per_sec)
                });
                println!(
                    "{name:<40} {size:>6} {conns:>6} {:>10.0} {:>10.2?} {:>10.2?} {:>11.2}x {vs_ws:>10}",
                    r.msgs_per_sec,
                    r.p50,
                    r.p99,
                    r.msgs_per_sec / off.msgs_per_sec
                );
            }
        }
    }
    takeover_memory().await;
    levels_table();
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
