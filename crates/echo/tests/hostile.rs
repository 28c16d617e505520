//! wslab-echo against clients that mean harm or simply misbehave: values out
//! of range, stalled readers, lagging taps, floods from one address, signals.
//! Each test names the rule it holds.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;
use wire::Frame;
use wire::decode::{DecodeOptions, Decoded, Role, decode};
use wire::opcode::OpCode;
use wire::tap::{self, TapEvent, TapItem};
use wslab_echo::{Config, Server};

type Count = Arc<dyn Fn() -> usize + Send + Sync>;

async fn start(
    tweak: impl FnOnce(&mut Config),
) -> (SocketAddr, tokio::sync::watch::Sender<bool>, Count) {
    let mut config = Config::for_tests("127.0.0.1:0".parse().unwrap());
    tweak(&mut config);
    let server = Server::bind(config).await.unwrap();
    let addr = server.local_addr().unwrap();
    let (stop, count) = (server.stopper(), server.open_sockets());
    tokio::spawn(server.serve());
    (addr, stop, count)
}

fn request(addr: SocketAddr, path: &str) -> String {
    request_with(addr, path, "")
}

/// The same request with `extra` header lines (each ending in CRLF).
fn request_with(addr: SocketAddr, path: &str, extra: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
    )
}

/// Sends `text` and reads everything the server answers until it closes (or 5 s).
async fn answer(addr: SocketAddr, text: &[u8]) -> Vec<u8> {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(text).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut out)).await;
    out
}

/// Waits until `count` reaches `n`, for at most `within`.
async fn settles(count: &Count, n: usize, within: Duration) -> bool {
    let end = Instant::now() + within;
    while Instant::now() < end {
        if count() == n {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    count() == n
}

/// Performs a raw handshake, then returns the stream and the bytes after the 101.
async fn raw_open(addr: SocketAddr, path: &str) -> (TcpStream, Vec<u8>) {
    let (tcp, _, rest) = raw_open_with(addr, path, "").await;
    (tcp, rest)
}

/// The same, with `extra` header lines in the request; also returns the 101 head.
async fn raw_open_with(addr: SocketAddr, path: &str, extra: &str) -> (TcpStream, String, Vec<u8>) {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(request_with(addr, path, extra).as_bytes())
        .await
        .unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = tcp.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed during the handshake");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            assert!(
                buf.starts_with(b"HTTP/1.1 101"),
                "{}",
                String::from_utf8_lossy(&buf)
            );
            let rest = buf.split_off(p + 4);
            return (tcp, String::from_utf8_lossy(&buf).into_owned(), rest);
        }
    }
}

/// Reads the server's next frame (a Close, in these tests).
async fn next_frame(tcp: &mut TcpStream, mut buf: Vec<u8>) -> Frame {
    let mut chunk = [0u8; 4096];
    loop {
        if let Ok(Decoded::Frame(f)) = decode(&buf, &DecodeOptions::for_sender(Role::Server)) {
            return f.frame;
        }
        let n = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut chunk))
            .await
            .expect("a frame within 5 s")
            .unwrap();
        assert!(n > 0, "closed without a frame");
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn close_of(frame: &Frame) -> (u16, String) {
    assert_eq!(frame.opcode, OpCode::Close, "{frame:?}");
    let p = wire::close::ClosePayload::parse(&frame.payload).unwrap();
    (p.code.unwrap(), p.reason)
}

#[tokio::test]
async fn query_values_out_of_range_get_a_400_and_the_server_lives_on() {
    let (addr, _stop, count) = start(|c| c.max_connections = 3).await;
    for path in [
        "/echo?ping=18446744073709551615",
        "/echo?close=18446744073709551615",
        "/idle?timeout=99999999999",
        "/echo?ping=1&ping=2",
        "/echo?session=mine",
    ] {
        let text = String::from_utf8(answer(addr, request(addr, path).as_bytes()).await).unwrap();
        assert!(
            text.starts_with("HTTP/1.1 400 Bad Request"),
            "{path}: {text}"
        );
        assert!(text.contains("query parameter"), "{path}: {text}");
    }
    // Nothing leaked: the three slots are free for real clients.
    assert!(
        settles(&count, 0, Duration::from_secs(2)).await,
        "{} sockets",
        count()
    );
    let mut clients = Vec::new();
    for _ in 0..3 {
        let (mut ws, _) = connect_async(format!("ws://{addr}/echo")).await.unwrap();
        ws.send(Message::Text("still here".into())).await.unwrap();
        assert_eq!(
            ws.next().await.unwrap().unwrap(),
            Message::Text("still here".into())
        );
        clients.push(ws);
    }
}

#[tokio::test]
async fn every_socket_counts_and_is_released_however_it_ends() {
    let (addr, _stop, count) = start(|c| c.max_connections = 2).await;
    // A tap and a half-sent handshake take the two places...
    let (_tap, _) = connect_async(format!("ws://{addr}/tap")).await.unwrap();
    let mut pending = TcpStream::connect(addr).await.unwrap();
    pending.write_all(b"GET /echo HTTP/1.1\r\n").await.unwrap();
    assert!(settles(&count, 2, Duration::from_secs(2)).await);
    // ...so a third is answered, then refused with 1008.
    let (mut third, rest) = raw_open(addr, "/echo").await;
    assert_eq!(
        close_of(&next_frame(&mut third, rest).await),
        (1008, "too many connections".into())
    );
    drop(third);
    drop(pending);
    assert!(
        settles(&count, 1, Duration::from_secs(3)).await,
        "{} sockets",
        count()
    );
}

#[tokio::test]
async fn one_address_can_be_capped() {
    let (addr, _stop, _count) = start(|c| c.max_per_ip = 2).await;
    let _a = connect_async(format!("ws://{addr}/echo")).await.unwrap();
    let _b = connect_async(format!("ws://{addr}/echo")).await.unwrap();
    let (mut c, rest) = raw_open(addr, "/echo").await;
    assert_eq!(
        close_of(&next_frame(&mut c, rest).await),
        (1008, "too many connections from your address".into())
    );
}

#[tokio::test]
async fn a_client_that_stops_reading_loses_its_slot_at_the_send_deadline() {
    let (addr, _stop, count) = start(|c| c.send_timeout = 1).await;
    let (mut tcp, _) = raw_open(addr, "/echo").await;
    // 12 MiB in, never read the echo: the server's send stalls on a full socket.
    let big = Frame::new(OpCode::Binary, vec![7; 12 << 20])
        .masked([1, 2, 3, 4])
        .encode();
    let (mut read_half, mut write_half) = tcp.split();
    let _ = tokio::time::timeout(Duration::from_secs(10), write_half.write_all(&big)).await;
    assert!(
        settles(&count, 0, Duration::from_secs(8)).await,
        "{} sockets still open",
        count()
    );
    let _ = &mut read_half;
}

#[tokio::test]
async fn a_close_the_client_never_answers_ends_at_the_close_deadline() {
    let (addr, _stop, count) = start(|_| {}).await;
    let (mut tcp, rest) = raw_open(addr, "/echo?close=1").await;
    assert_eq!(close_of(&next_frame(&mut tcp, rest).await).0, 1000);
    // No Close back: the server gives up after CLOSE_WAIT, not never.
    assert!(
        settles(&count, 0, wslab_echo::CLOSE_WAIT + Duration::from_secs(2)).await,
        "{} sockets still open",
        count()
    );
}

#[tokio::test]
async fn an_idle_tap_times_out() {
    let (addr, _stop, count) = start(|c| {
        c.idle_timeout = 1;
        c.handshake_timeout = 30;
    })
    .await;
    let (mut tap, _) = connect_async(format!("ws://{addr}/tap")).await.unwrap();
    let _session = tap.next().await.unwrap().unwrap();
    match tokio::time::timeout(Duration::from_secs(5), tap.next())
        .await
        .unwrap()
    {
        Some(Ok(Message::Close(Some(f)))) => assert_eq!(u16::from(f.code), 1001),
        other => panic!("{other:?}"),
    }
    drop(tap);
    assert!(settles(&count, 0, Duration::from_secs(3)).await);
}

#[tokio::test]
async fn a_tap_that_falls_behind_reports_the_gap_and_the_frames_after_it_split_cleanly() {
    let (addr, _stop, _count) = start(|c| c.tap_budget = 64 << 10).await;
    let (mut tap, _) = connect_async(format!("ws://{addr}/tap")).await.unwrap();
    let Some(Ok(Message::Binary(first))) = tap.next().await else {
        panic!("no session")
    };
    let items = tap::decode(&first).0;
    let [TapItem::Event(TapEvent::Session(id))] = items.as_slice() else {
        panic!("no session")
    };
    let (mut ws, _) = connect_async(format!("ws://{addr}/echo?session={id}"))
        .await
        .unwrap();
    // 256 KiB each way, four times the tap's budget, while the tap is not read.
    let big = vec![0x42u8; 256 << 10];
    ws.send(Message::Binary(big.clone().into())).await.unwrap();
    assert_eq!(ws.next().await.unwrap().unwrap().len(), big.len());
    ws.send(Message::Text("after the gap".into()))
        .await
        .unwrap();
    assert_eq!(
        ws.next().await.unwrap().unwrap(),
        Message::Text("after the gap".into())
    );
    ws.close(None).await.unwrap();
    let mut lanes = [
        wire::decode::Splitter::new(DecodeOptions::for_sender(Role::Client)),
        wire::decode::Splitter::new(DecodeOptions::for_sender(Role::Server)),
    ];
    let (mut lagged, mut texts) = (0, Vec::new());
    while let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_secs(5), tap.next()).await {
        let Message::Binary(b) = msg else { break };
        let (items, err) = tap::decode(&b);
        assert_eq!(err, None);
        for item in items {
            match item {
                TapItem::Event(TapEvent::Lagged { from, dropped, .. }) => {
                    assert!(dropped > 0);
                    lagged += 1;
                    lanes[usize::from(from == tap::Direction::FromServer)] =
                        wire::decode::Splitter::new(DecodeOptions::for_sender(from.sender()));
                }
                TapItem::Bytes { from, bytes, .. } => {
                    for split in lanes[usize::from(from == tap::Direction::FromServer)].push(&bytes)
                    {
                        match split {
                            wire::decode::Split::Frame { frame, .. } => {
                                if frame.frame.opcode == OpCode::Text {
                                    texts.push(String::from_utf8(frame.frame.payload).unwrap());
                                }
                            }
                            wire::decode::Split::Error(e) => {
                                panic!("split garbage after a gap: {e}")
                            }
                        }
                    }
                }
                TapItem::Event(_) => {}
            }
        }
    }
    assert!(lagged >= 1, "the tap must have fallen behind");
    assert_eq!(
        texts,
        ["after the gap", "after the gap"],
        "both directions recover"
    );
}

#[tokio::test]
async fn a_64_bit_length_with_its_top_bit_set_is_a_protocol_error() {
    let (addr, _stop, _count) = start(|_| {}).await;
    let (mut tcp, rest) = raw_open(addr, "/echo").await;
    let mut frame = vec![0x82, 0xFF];
    frame.extend_from_slice(&(1u64 << 63 | 5).to_be_bytes());
    frame.extend_from_slice(&[1, 2, 3, 4]);
    tcp.write_all(&frame).await.unwrap();
    assert_eq!(close_of(&next_frame(&mut tcp, rest).await).0, 1002);
}

#[tokio::test]
async fn a_frame_over_the_frame_limit_is_called_a_frame() {
    let (addr, _stop, _count) = start(|c| {
        c.max_frame = 1000;
        c.max_message = 100_000;
    })
    .await;
    let (mut tcp, rest) = raw_open(addr, "/echo").await;
    tcp.write_all(
        &Frame::new(OpCode::Binary, vec![0; 2000])
            .masked([1, 2, 3, 4])
            .encode(),
    )
    .await
    .unwrap();
    assert_eq!(
        close_of(&next_frame(&mut tcp, rest).await),
        (
            1009,
            "a frame of 2000 bytes is over this server's frame limit of 1000 bytes".into()
        )
    );
}

#[tokio::test]
async fn requests_with_bare_lf_work_and_garbage_gets_a_short_answer() {
    let (addr, _stop, _count) = start(|_| {}).await;
    // Answered at once, not after the 10-second handshake timeout.
    let lf = request(addr, "/echo").replace("\r\n", "\n");
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(lf.as_bytes()).await.unwrap();
    let mut head = [0u8; 12];
    tokio::time::timeout(Duration::from_secs(3), tcp.read_exact(&mut head))
        .await
        .expect("answered before the handshake timeout")
        .unwrap();
    assert_eq!(&head, b"HTTP/1.1 101");
    let mut garbage = b"GET /echo HTTP/1.1\r\n".to_vec();
    for i in 0..500 {
        garbage.extend_from_slice(format!("x{i} y\r\n").as_bytes());
    }
    garbage.extend_from_slice(b"\r\n");
    let text = answer(addr, &garbage).await;
    assert!(
        text.starts_with(b"HTTP/1.1 400"),
        "{}",
        String::from_utf8_lossy(&text)
    );
    assert!(text.len() < 4096, "{} bytes", text.len());
}

/// The real binary, started with `args`.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary; returns it and the addresses of its first `lines` lines (ws, then wss).
fn spawn(shell_prefix: &str, args: &str, lines: usize) -> (Process, Vec<SocketAddr>) {
    let bin = env!("CARGO_BIN_EXE_wslab-echo");
    let mut child = Command::new("sh")
        .args([
            "-c",
            &format!("{shell_prefix} exec '{bin}' --listen 127.0.0.1:0 {args}"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut addrs = Vec::new();
    for _ in 0..lines {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut out, &mut line).unwrap();
        let addr = line
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("{line:?}"))
            .parse()
            .unwrap();
        addrs.push(addr);
    }
    (Process(child), addrs)
}

#[tokio::test]
async fn sigterm_closes_every_client_with_1001_and_then_exits() {
    let (mut process, addrs) = spawn("", "--no-tls", 1);
    let addr = addrs[0];
    let (mut ws, _) = connect_async(format!("ws://{addr}/echo")).await.unwrap();
    let pid = process.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    match tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .unwrap()
    {
        Some(Ok(Message::Close(Some(f)))) => assert_eq!(u16::from(f.code), 1001),
        other => panic!("{other:?}"),
    }
    // tungstenite answers the Close; the server then exits on its own, cleanly.
    let _ = ws.next().await;
    let end = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(s) = process.0.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < end, "still running after SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status}");
}

/// CPU seconds a process has used (utime + stime from /proc).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

#[tokio::test]
async fn out_of_file_descriptors_both_accept_loops_back_off_instead_of_spinning() {
    // 40 descriptors: a few for the runtime, the rest soon taken by clients.
    let (mut process, addrs) = spawn(
        "ulimit -Sn 40 && ulimit -Hn 40 &&",
        "--tls-listen 127.0.0.1:0",
        2,
    );
    let started = std::time::Instant::now();
    for target in [addrs[1], addrs[0]] {
        let mut held = Vec::new();
        for _ in 0..60 {
            if let Ok(Ok(s)) =
                tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(target)).await
            {
                held.push(s);
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let pid = process.0.id();
        let before = cpu_seconds(pid);
        tokio::time::sleep(Duration::from_secs(2)).await;
        let used = cpu_seconds(pid) - before;
        // A spinning loop takes the whole 2 s; backing off takes next to nothing.
        // Half of it leaves room for a machine busy with other work.
        assert!(
            used < 1.0,
            "{target}: the server used {used} s of CPU in 2 s while out of descriptors"
        );
        drop(held);
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    // Once descriptors are free again, it serves.
    let (mut ws, _) = connect_async(format!("ws://{}/echo", addrs[0]))
        .await
        .unwrap();
    ws.send(Message::Text("back".into())).await.unwrap();
    assert_eq!(
        ws.next().await.unwrap().unwrap(),
        Message::Text("back".into())
    );
    drop(ws);
    // And it said so a few times, not thousands: each of the two accept loops
    // at most once a second of the time the process ran, however long that was.
    let _ = process.0.kill();
    let span = started.elapsed();
    let mut log = String::new();
    std::io::Read::read_to_string(&mut process.0.stderr.take().unwrap(), &mut log).unwrap();
    let warnings = log.matches("accept failed").count();
    let most = 2 * (span.as_secs() as usize + 1);
    assert!(
        (1..=most).contains(&warnings),
        "{warnings} warnings in {span:?} (at most {most}):\n{log}"
    );
}

/// A deflate bomb: a few kilobytes that inflate past the message limit end
/// with 1009, not with the server's memory.
#[tokio::test]
async fn a_deflate_bomb_gets_1009() {
    let (addr, _stop, _count) = start(|c| c.max_message = 1 << 20).await;
    let (mut tcp, head, rest) = raw_open_with(
        addr,
        "/echo",
        "Sec-WebSocket-Extensions: permessage-deflate\r\n",
    )
    .await;
    assert!(head.contains("permessage-deflate"));
    let bomb = wire::deflate::Compressor::new(false).compress(&vec![0u8; 64 << 20]);
    assert!(bomb.len() < 100_000);
    let mut frame = Frame::new(OpCode::Binary, bomb).masked([1, 2, 3, 4]);
    frame.rsv[0] = true;
    tcp.write_all(&frame.encode()).await.unwrap();
    let (code, reason) = close_of(&next_frame(&mut tcp, rest).await);
    assert_eq!(code, 1009, "{reason}");
    assert!(reason.contains("inflates to more than"), "{reason}");
}
