//! wslab-echo against clients that are not wslab's own: tokio-tungstenite,
//! and raw TCP for what a well-behaved client would never send.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;
use wire::Frame;
use wire::decode::{DecodeOptions, Decoded, Role, Split, Splitter, decode};
use wire::opcode::OpCode;
use wire::tap::{self, Direction, SessionId, TapEvent, TapItem};
use wslab_echo::{Config, Server};

/// Starts a server on a free port; returns its address and the stop handle.
async fn start(tweak: impl FnOnce(&mut Config)) -> (SocketAddr, tokio::sync::watch::Sender<bool>) {
    let mut config = Config::for_tests("127.0.0.1:0".parse().unwrap());
    tweak(&mut config);
    let server = Server::bind(config).await.unwrap();
    let addr = server.local_addr().unwrap();
    let stop = server.stopper();
    tokio::spawn(server.serve());
    (addr, stop)
}

fn request(addr: SocketAddr, path: &str, extra: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
    )
}

/// Sends raw bytes after a raw handshake and returns the server's first frame.
async fn raw_exchange(addr: SocketAddr, after_handshake: &[u8]) -> Frame {
    raw_exchange_offering(addr, after_handshake, false).await
}

/// The same; with `deflate` the request offers permessage-deflate as
/// browsers do, and the answer must accept it.
async fn raw_exchange_offering(addr: SocketAddr, after_handshake: &[u8], deflate: bool) -> Frame {
    let (mut tcp, mut rest) = raw_open(addr, deflate).await;
    tcp.write_all(after_handshake).await.unwrap();
    read_frame(&mut tcp, &mut rest).await
}

/// A raw TCP connection after its handshake, with the bytes read past the
/// answer; with `deflate` the request offers permessage-deflate as browsers
/// do, and the answer must accept it.
async fn raw_open(addr: SocketAddr, deflate: bool) -> (TcpStream, Vec<u8>) {
    let offer = deflate.then_some("permessage-deflate; client_max_window_bits");
    let (tcp, rest, answer) = raw_open_offering(addr, offer).await;
    assert_eq!(answer.contains("permessage-deflate"), deflate);
    (tcp, rest)
}

/// A raw TCP connection after its handshake, offering `offer` as
/// `Sec-WebSocket-Extensions`: the bytes read past the answer, and the answer.
async fn raw_open_offering(addr: SocketAddr, offer: Option<&str>) -> (TcpStream, Vec<u8>, String) {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let extra = offer.map_or(String::new(), |o| {
        format!("Sec-WebSocket-Extensions: {o}\r\n")
    });
    tcp.write_all(request(addr, "/echo", &extra).as_bytes())
        .await
        .unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        let n = tcp.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed during the handshake");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
    };
    assert!(
        buf.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&buf)
    );
    let rest = buf.split_off(end);
    (tcp, rest, String::from_utf8_lossy(&buf).into_owned())
}

/// The server's next frame on a raw connection (`rest`: bytes read already);
/// RSV1 is allowed, for connections that agreed on permessage-deflate.
async fn read_frame(tcp: &mut TcpStream, rest: &mut Vec<u8>) -> Frame {
    let mut chunk = [0u8; 4096];
    let options = DecodeOptions {
        deflate: true,
        ..DecodeOptions::for_sender(Role::Server)
    };
    loop {
        if let Ok(Decoded::Frame(f)) = decode(rest, &options) {
            rest.drain(..f.consumed);
            return f.frame;
        }
        let n = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "closed without a frame");
        rest.extend_from_slice(&chunk[..n]);
    }
}

fn close_code(frame: &Frame) -> u16 {
    assert_eq!(frame.opcode, OpCode::Close, "{frame:?}");
    u16::from_be_bytes([frame.payload[0], frame.payload[1]])
}

async fn http_status(addr: SocketAddr, text: &str) -> String {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(text.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn echoes_text_and_binary_to_a_tungstenite_client() {
    let (addr, _stop) = start(|_| {}).await;
    let (mut ws, response) = connect_async(format!("ws://{addr}/echo")).await.unwrap();
    assert_eq!(response.status(), 101);
    ws.send(Message::Text("héllo".into())).await.unwrap();
    assert_eq!(
        ws.next().await.unwrap().unwrap(),
        Message::Text("héllo".into())
    );
    ws.send(Message::Binary(vec![0, 1, 2, 255].into()))
        .await
        .unwrap();
    assert_eq!(
        ws.next().await.unwrap().unwrap(),
        Message::Binary(vec![0, 1, 2, 255].into())
    );
    ws.close(None).await.unwrap();
}

/// A client frame with RSV1 set (a compressed message, if the payload is DEFLATE data).
fn compressed(opcode: OpCode, fin: bool, payload: Vec<u8>) -> Vec<u8> {
    let mut f = Frame::new(opcode, payload).masked([1, 2, 3, 4]);
    f.rsv[0] = true;
    f.fin = fin;
    f.encode()
}

/// Every protocol error gets its close code, with permessage-deflate agreed or not.
#[tokio::test]
async fn protocol_errors_get_their_close_codes() {
    let (addr, _stop) = start(|c| c.max_message = 1024).await;
    for deflate in [false, true] {
        let exchange = |bytes: Vec<u8>| async move {
            close_code(&raw_exchange_offering(addr, &bytes, deflate).await)
        };
        // An unmasked client frame: 1002.
        assert_eq!(
            exchange(Frame::new(OpCode::Text, b"hi".to_vec()).encode()).await,
            1002
        );
        // Invalid UTF-8 in a text message: 1007.
        let bad = Frame::new(OpCode::Text, vec![0xff, 0xfe])
            .masked([1, 2, 3, 4])
            .encode();
        assert_eq!(exchange(bad).await, 1007);
        // A message over the limit: 1009.
        let big = Frame::new(OpCode::Binary, vec![0; 2048])
            .masked([1, 2, 3, 4])
            .encode();
        assert_eq!(exchange(big).await, 1009);
        // A reserved opcode: 1002.
        let reserved = Frame::new(OpCode::ReservedData(3), vec![])
            .masked([1, 2, 3, 4])
            .encode();
        assert_eq!(exchange(reserved).await, 1002);
        // RSV1 on a control frame: never allowed (RFC 7692 §6), and the reason says so
        // (with the extension; without it, RSV1 is simply undefined, RFC 6455 §5.2).
        let answer =
            raw_exchange_offering(addr, &compressed(OpCode::Ping, true, vec![]), deflate).await;
        assert_eq!(close_code(&answer), 1002);
        let reason = String::from_utf8_lossy(&answer.payload);
        let rule = if deflate {
            "(RFC 7692 §6)"
        } else {
            "(RFC 6455 §5.2)"
        };
        assert!(reason.contains(rule), "{reason}");
        let hello = wire::deflate::Compressor::new(false).compress(b"Hello");
        if !deflate {
            // RSV1 without the extension: 1002 (RFC 6455 §5.2).
            assert_eq!(exchange(compressed(OpCode::Text, true, hello)).await, 1002);
            continue;
        }
        // With it: RSV1 on a continuation frame is a protocol error (RFC 7692 §6) ...
        let mut cont = compressed(OpCode::Text, false, hello.clone());
        cont.extend(compressed(OpCode::Continuation, true, vec![]));
        assert_eq!(exchange(cont).await, 1002);
        // ... bytes that are not DEFLATE data too, invalid UTF-8 once inflated is 1007,
        // and a message that inflates past the limit is 1009.
        assert_eq!(
            exchange(compressed(OpCode::Text, true, vec![0xff; 8])).await,
            1002
        );
        let not_utf8 = wire::deflate::Compressor::new(false).compress(&[0xc3, 0x28]);
        assert_eq!(
            exchange(compressed(OpCode::Text, true, not_utf8)).await,
            1007
        );
        let zeros = wire::deflate::Compressor::new(false).compress(&[0; 4096]);
        assert_eq!(
            exchange(compressed(OpCode::Binary, true, zeros)).await,
            1009
        );
    }
}

/// A Close that is itself the broken frame is answered with the server's
/// Close, and then the TCP connection closes at once: both Closes have
/// crossed, so there is nothing left to wait for (RFC 6455 §7.1.1, §5.5.1).
#[tokio::test]
async fn a_broken_close_is_answered_and_the_connection_closed_at_once() {
    let (addr, _stop) = start(|_| {}).await;
    let close = |payload: &[u8]| {
        Frame::new(OpCode::Close, payload.to_vec())
            .masked([9, 8, 7, 6])
            .encode()
    };
    let mut too_long = Frame::new(OpCode::Close, vec![0x03, 0xe8]).masked([1, 1, 1, 1]);
    too_long.fin = false;
    for (what, bytes, code) in [
        ("a code no one may send", close(&999u16.to_be_bytes()), 1002),
        ("a 1-byte payload", close(&[0x03]), 1002),
        (
            "a reason that is not UTF-8",
            close(&[0x03, 0xe8, 0xff]),
            1007,
        ),
        ("a fragmented Close", too_long.encode(), 1002),
        ("a valid Close", close(&[0x03, 0xe8]), 1000),
    ] {
        let (mut tcp, mut rest) = raw_open(addr, false).await;
        tcp.write_all(&bytes).await.unwrap();
        let answer = read_frame(&mut tcp, &mut rest).await;
        let answered = std::time::Instant::now();
        assert_eq!(close_code(&answer), code, "{what}");
        let mut chunk = [0u8; 64];
        let eof = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match tcp.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
        assert!(eof.is_ok(), "{what}: the connection stays open");
        let waited = answered.elapsed();
        assert!(
            waited < Duration::from_millis(100),
            "{what}: the TCP connection closed {waited:?} after the answering Close"
        );
    }
}

/// Compressed messages of every size around a power of two up to 1 MiB,
/// whole and in 256-byte frames, come back byte for byte (the server
/// inflates them, echoes compressed where that is smaller, plain otherwise).
#[tokio::test]
async fn compressed_messages_at_every_boundary_size_come_back_whole() {
    use wire::deflate::{Compressor, InflateStep, MessageInflater};
    let (addr, _stop) = start(|_| {}).await;
    let (mut tcp, mut rest) = raw_open(addr, true).await;
    let mut inflater = MessageInflater::new(false, 1 << 25);
    for k in 0..=20 {
        for n in [(1usize << k) - 1, 1 << k, (1 << k) + 1] {
            // Half smooth, half noise: stored, fixed and dynamic blocks alike.
            let message: Vec<u8> = (0..n)
                .map(|i| {
                    if (i / 4096) % 2 == 0 {
                        (i / 7 % 13) as u8
                    } else {
                        (i.wrapping_mul(2_654_435_761) >> 11) as u8
                    }
                })
                .collect();
            let packed = Compressor::new(false).compress(&message);
            for fragmented in [false, true] {
                let pieces: Vec<&[u8]> = if fragmented {
                    packed.chunks(256).collect()
                } else {
                    vec![&packed]
                };
                let last = pieces.len() - 1;
                let mut bytes = Vec::new();
                for (i, piece) in pieces.iter().enumerate() {
                    let op = if i == 0 {
                        OpCode::Binary
                    } else {
                        OpCode::Continuation
                    };
                    let mut f = Frame::new(op, piece.to_vec()).masked([3, 1, 4, 1]);
                    f.rsv[0] = i == 0;
                    f.fin = i == last;
                    bytes.extend(f.encode());
                }
                tcp.write_all(&bytes).await.unwrap();
                let echo = read_frame(&mut tcp, &mut rest).await;
                assert!(echo.fin, "{n} bytes: the echo is one frame");
                let body = match inflater.push(&echo) {
                    InflateStep::Done(m) => m.message.unwrap(),
                    InflateStep::Plain => echo.payload,
                    InflateStep::Gathering => unreachable!(),
                };
                assert_eq!(body.len(), n, "{n} bytes, fragmented: {fragmented}");
                assert!(
                    body == message,
                    "{n} bytes, fragmented: {fragmented}: the bytes differ"
                );
            }
        }
    }
}

/// `--deflate-takeover`: a client that allows context takeover gets it, so a
/// repeated message comes back as a back-reference; a message sent
/// uncompressed (it would not shrink) is forgotten by the server's window
/// too, since the client's window never saw it.
#[tokio::test]
async fn the_takeover_flag_keeps_windows_and_loses_nothing() {
    let (addr, _stop) = start(|c| c.deflate_takeover = true).await;
    let (mut tcp, mut rest, answer) =
        raw_open_offering(addr, Some("permessage-deflate; client_max_window_bits")).await;
    assert!(
        answer.contains("Sec-WebSocket-Extensions: permessage-deflate\r\n"),
        "{answer}"
    );
    let mut ours = wire::deflate::Compressor::new(true);
    let mut theirs = wire::deflate::Decompressor::new(true);
    let text = b"the same words, again and again and again; ".repeat(30);
    let random: Vec<u8> = (0..200u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut sizes = Vec::new();
    for message in [&text, &text, &random, &random, &text] {
        tcp.write_all(&compressed(OpCode::Binary, true, ours.compress(message)))
            .await
            .unwrap();
        let echo = read_frame(&mut tcp, &mut rest).await;
        sizes.push(echo.payload.len());
        let body = if echo.rsv[0] {
            theirs.decompress(&echo.payload, 1 << 20).unwrap()
        } else {
            echo.payload
        };
        assert_eq!(&body, message);
    }
    assert!(
        sizes[1] < sizes[0] / 2,
        "a repeat is a back-reference: {sizes:?}"
    );
    assert_eq!(
        sizes[3],
        random.len(),
        "the repeat of an unsent window is not compressed"
    );
}

/// `--no-deflate`: the offer is declined, and RSV1 is then a protocol error.
#[tokio::test]
async fn the_no_deflate_flag_declines_the_extension() {
    let (addr, _stop) = start(|c| c.no_deflate = true).await;
    let frame = raw_exchange(
        addr,
        &compressed(
            OpCode::Text,
            true,
            vec![0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00],
        ),
    )
    .await;
    assert_eq!(close_code(&frame), 1002);
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let offer = "Sec-WebSocket-Extensions: permessage-deflate\r\n";
    tcp.write_all(request(addr, "/echo", offer).as_bytes())
        .await
        .unwrap();
    let mut answer = vec![0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(
        answer.starts_with("HTTP/1.1 101") && !answer.contains("Extensions"),
        "{answer}"
    );
}

#[tokio::test]
async fn bad_handshakes_get_http_errors() {
    let (addr, _stop) = start(|_| {}).await;
    let no_key =
        request(addr, "/echo", "").replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "");
    assert!(
        http_status(addr, &no_key)
            .await
            .starts_with("HTTP/1.1 400 Bad Request")
    );
    let v8 = request(addr, "/echo", "").replace("Version: 13", "Version: 8");
    let answer = http_status(addr, &v8).await;
    assert!(
        answer.starts_with("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n"),
        "{answer}"
    );
    let evil = request(addr, "/echo", "Origin: https://evil.example\r\n");
    assert!(
        http_status(addr, &evil)
            .await
            .starts_with("HTTP/1.1 403 Forbidden")
    );
    let page = request(addr, "/echo", "Origin: http://127.0.0.1:8080\r\n");
    assert!(http_status(addr, &page).await.starts_with("HTTP/1.1 101"));
    assert!(
        http_status(addr, &request(addr, "/nowhere", ""))
            .await
            .starts_with("HTTP/1.1 404")
    );
    let proxy = http_status(addr, &request(addr, "/legacy-proxy", "")).await;
    assert!(proxy.starts_with("HTTP/1.1 200 OK"), "{proxy}");
}

#[tokio::test]
async fn a_client_that_never_finishes_its_handshake_is_dropped() {
    let (addr, _stop) = start(|c| c.handshake_timeout = 1).await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET /echo HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf))
        .await
        .expect("dropped within the timeout")
        .unwrap_or(0);
    assert_eq!(n, 0, "the server closed the connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_connections_echo_without_loss() {
    // Both ends live in this process: 2,000 descriptors and more, past the
    // usual soft limit of 1,024 (the binary raises its own limit at start).
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap();
    assert!(
        limit >= 2_100,
        "this test needs 2,100 open files; the hard limit is {limit}"
    );
    let (addr, _stop) = start(|_| {}).await;
    let mut clients = Vec::new();
    for _ in 0..1000 {
        clients.push(connect_async(format!("ws://{addr}/echo")).await.unwrap().0);
    }
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, mut ws)| {
            tokio::spawn(async move {
                for j in 0..5 {
                    let text = format!("client {i} message {j}");
                    ws.send(Message::Text(text.clone().into())).await.unwrap();
                    assert_eq!(
                        ws.next().await.unwrap().unwrap(),
                        Message::Text(text.into())
                    );
                }
                ws.close(None).await.ok();
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test]
async fn shutdown_closes_clients_with_1001() {
    let (addr, stop) = start(|_| {}).await;
    let (mut ws, _) = connect_async(format!("ws://{addr}/echo")).await.unwrap();
    stop.send(true).unwrap();
    match tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .unwrap()
    {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1001),
        other => panic!("{other:?}"),
    }
}

type Client =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a tap and reads the session the server issues.
async fn open_tap(addr: SocketAddr) -> (Client, SessionId) {
    let (mut tap, _) = connect_async(format!("ws://{addr}/tap")).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), tap.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let Message::Binary(b) = first else {
        panic!("{first:?}")
    };
    match tap::decode(&b) {
        (items, None) => match items.as_slice() {
            [TapItem::Event(TapEvent::Session(id))] => (tap, *id),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

/// Reads tap items until `done` says enough, or the tap ends.
async fn read_tap(tap: &mut Client, mut done: impl FnMut(&[TapItem]) -> bool) -> Vec<TapItem> {
    let mut all = Vec::new();
    while !done(&all) {
        match tokio::time::timeout(Duration::from_secs(5), tap.next()).await {
            Ok(Some(Ok(Message::Binary(b)))) => {
                let (items, err) = tap::decode(&b);
                assert_eq!(err, None);
                all.extend(items);
            }
            Ok(Some(Ok(Message::Close(_))) | None) => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    all
}

#[tokio::test]
async fn the_tap_agrees_with_tungstenite_on_every_message() {
    let (addr, _stop) = start(|_| {}).await;
    let (mut tap, session) = open_tap(addr).await;
    let (mut ws, _) = connect_async(format!("ws://{addr}/echo?session={session}"))
        .await
        .unwrap();
    let sent = ["one", "two, a bit longer", &"x".repeat(300)];
    for s in sent {
        ws.send(Message::Text(s.to_owned().into())).await.unwrap();
        assert_eq!(
            ws.next().await.unwrap().unwrap(),
            Message::Text(s.to_owned().into())
        );
    }
    // The tap sends raw bytes; split them with wire, as the page does.
    let expected_bytes: usize = sent
        .iter()
        .map(|s| {
            let f = Frame::new(OpCode::Text, s.as_bytes().to_vec());
            f.clone().masked([0; 4]).encode().len() + f.encode().len()
        })
        .sum();
    let mut inbound = Vec::new();
    let mut outbound = Vec::new();
    let mut split_in = Splitter::new(DecodeOptions::for_sender(Role::Client));
    let mut split_out = Splitter::new(DecodeOptions::for_sender(Role::Server));
    let items = read_tap(&mut tap, |items| {
        items
            .iter()
            .filter(|i| matches!(i, TapItem::Bytes { .. }))
            .map(|i| match i {
                TapItem::Bytes { bytes, .. } => bytes.len(),
                _ => 0,
            })
            .sum::<usize>()
            >= expected_bytes
    })
    .await;
    let Some(TapItem::Event(TapEvent::Handshake {
        request, response, ..
    })) = items.first()
    else {
        panic!("the handshake comes first: {items:?}")
    };
    assert!(request.starts_with(&format!("GET /echo?session={session} HTTP/1.1")));
    let key = wire::handshake::check_request(request).request.key.unwrap();
    assert!(response.contains(&wire::handshake::accept_key(&key)));
    for item in &items[1..] {
        let TapItem::Bytes { from, bytes, .. } = item else {
            panic!("{item:?}")
        };
        let (splitter, out) = match from {
            Direction::FromClient => (&mut split_in, &mut inbound),
            Direction::FromServer => (&mut split_out, &mut outbound),
        };
        for split in splitter.push(bytes) {
            let Split::Frame { frame, .. } = split else {
                panic!("{split:?}")
            };
            assert_eq!(
                frame.header.mask.is_some(),
                *from == Direction::FromClient,
                "clients mask, servers do not"
            );
            out.push(String::from_utf8(frame.frame.payload).unwrap());
        }
    }
    assert_eq!(inbound, sent);
    assert_eq!(outbound, sent);
    ws.close(None).await.unwrap();
    let rest = read_tap(&mut tap, |_| false).await;
    assert!(
        rest.iter()
            .any(|i| matches!(i, TapItem::Event(TapEvent::Closed { .. }))),
        "{rest:?}"
    );
}

/// Two instances behind one load balancer (`--instance`): each issues
/// sessions that start with its number, and refuses the other's, naming both,
/// while its own sessions are claimed as usual.
#[tokio::test]
async fn two_instances_refuse_each_others_sessions_with_the_reason() {
    let (first, _stop1) = start(|c| c.instance = Some(1)).await;
    let (second, _stop2) = start(|c| c.instance = Some(0x2a)).await;
    let (_tap1, session1) = open_tap(first).await;
    let (_tap2, session2) = open_tap(second).await;
    assert!(session1.to_string().starts_with("0001"), "{session1}");
    assert!(session2.to_string().starts_with("002a"), "{session2}");
    let refused = http_status(
        second,
        &request(second, &format!("/echo?session={session1}"), ""),
    )
    .await;
    assert!(refused.starts_with("HTTP/1.1 400"), "{refused}");
    assert!(
        refused.contains("issued by wslab-echo instance 1")
            && refused.contains("this is instance 42"),
        "{refused}"
    );
    // Each instance still serves its own.
    let (_ws, response) = connect_async(format!("ws://{first}/echo?session={session1}"))
        .await
        .unwrap();
    assert_eq!(response.status(), 101);
    // Without --instance, an unknown session is only unknown.
    let (plain, _stop3) = start(|_| {}).await;
    let unknown = http_status(
        plain,
        &request(plain, &format!("/echo?session={session2}"), ""),
    )
    .await;
    assert!(unknown.contains("no tap issued this session"), "{unknown}");
}

#[tokio::test]
async fn a_tap_session_is_issued_by_the_server_and_serves_one_connection() {
    let (addr, _stop) = start(|_| {}).await;
    let (mut tap, session) = open_tap(addr).await;
    let (_other_tap, other) = open_tap(addr).await;
    assert_ne!(session, other, "every tap gets its own session");
    // A session nobody issued, a malformed one, and a second claim are refused before the 101.
    let unknown = http_status(
        addr,
        &request(addr, &format!("/echo?session={}", "0".repeat(32)), ""),
    )
    .await;
    assert!(
        unknown.starts_with("HTTP/1.1 400") && unknown.contains("no tap issued this session"),
        "{unknown}"
    );
    let chosen = http_status(addr, &request(addr, "/echo?session=t1", "")).await;
    assert!(
        chosen.starts_with("HTTP/1.1 400") && chosen.contains("32 hexadecimal digits"),
        "{chosen}"
    );
    let secret = "Cookie: sid=s3cret\r\nAuthorization: Bearer t0ken\r\n";
    let (mut ws, _) = {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.write_all(request(addr, &format!("/echo?session={session}"), secret).as_bytes())
            .await
            .unwrap();
        let mut head = [0u8; 12];
        tcp.read_exact(&mut head).await.unwrap();
        assert_eq!(&head, b"HTTP/1.1 101");
        (tcp, ())
    };
    let second = http_status(
        addr,
        &request(addr, &format!("/echo?session={session}"), ""),
    )
    .await;
    assert!(
        second.starts_with("HTTP/1.1 400") && second.contains("already tapping"),
        "{second}"
    );
    // What the tap shows of the request: its shape, not the credentials.
    let items = read_tap(&mut tap, |items| !items.is_empty()).await;
    let Some(TapItem::Event(TapEvent::Handshake { request, .. })) = items.first() else {
        panic!("{items:?}")
    };
    assert!(request.contains("Cookie: <redacted>\r\nAuthorization: <redacted>\r\n"));
    assert!(!request.contains("s3cret") && !request.contains("t0ken"));
    ws.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_session_not_claimed_in_time_expires() {
    let (addr, _stop) = start(|c| c.handshake_timeout = 1).await;
    let (mut tap, session) = open_tap(addr).await;
    match tokio::time::timeout(Duration::from_secs(5), tap.next())
        .await
        .unwrap()
    {
        Some(Ok(Message::Close(Some(f)))) => {
            assert_eq!(u16::from(f.code), 1008);
            assert!(f.reason.contains("in time"), "{}", f.reason);
        }
        other => panic!("{other:?}"),
    }
    let late = http_status(
        addr,
        &request(addr, &format!("/echo?session={session}"), ""),
    )
    .await;
    assert!(late.starts_with("HTTP/1.1 400"), "{late}");
}

#[tokio::test]
async fn the_idle_endpoint_drops_silent_connections_unless_pings_keep_them_alive() {
    let (addr, _stop) = start(|_| {}).await;
    let (mut silent, _) = connect_async(format!("ws://{addr}/idle?timeout=1"))
        .await
        .unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(4), silent.next())
        .await
        .unwrap();
    assert!(
        matches!(ended, None | Some(Err(_))),
        "dropped without a Close frame: {ended:?}"
    );

    let (mut kept, _) = connect_async(format!("ws://{addr}/idle?timeout=2&ping=1"))
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(4);
    let mut pings = 0;
    while tokio::time::Instant::now() < deadline {
        match tokio::time::timeout_at(deadline, kept.next()).await {
            Ok(Some(Ok(Message::Ping(_)))) => pings += 1,
            Ok(other) => panic!("the connection should live: {other:?}"),
            Err(_) => break,
        }
    }
    assert!(pings >= 2, "{pings} pings");
    kept.send(Message::Text("still here".into())).await.unwrap();
}

#[tokio::test]
async fn a_twelve_mebibyte_message_is_echoed_whole() {
    let (addr, _stop) = start(|_| {}).await;
    let (mut tap, session) = open_tap(addr).await;
    let (mut ws, _) = connect_async(format!("ws://{addr}/echo?session={session}"))
        .await
        .unwrap();
    let drain = tokio::spawn(async move { while let Some(Ok(_)) = tap.next().await {} });
    let big = vec![0x5a; 12 << 20];
    ws.send(Message::Binary(big.clone().into())).await.unwrap();
    match tokio::time::timeout(Duration::from_secs(20), ws.next())
        .await
        .unwrap()
    {
        Some(Ok(Message::Binary(b))) => assert_eq!(b.len(), big.len()),
        other => panic!("{other:?}"),
    }
    drain.abort();
}

#[tokio::test]
async fn a_fragmented_message_is_echoed_whole() {
    let (addr, _stop) = start(|_| {}).await;
    let first = Frame {
        fin: false,
        ..Frame::new(OpCode::Binary, vec![1; 70_000])
    }
    .masked([1, 2, 3, 4])
    .encode();
    let middle = Frame {
        fin: false,
        ..Frame::new(OpCode::Continuation, vec![2; 67])
    }
    .masked([5, 6, 7, 8])
    .encode();
    let last = Frame::new(OpCode::Continuation, vec![3; 70_000])
        .masked([9, 9, 9, 9])
        .encode();
    let echoed = raw_exchange(addr, &[first, middle, last].concat()).await;
    assert_eq!(echoed.opcode, OpCode::Binary);
    assert_eq!(echoed.payload.len(), 140_067);
}

/// Splits tapped bytes from one side into frames (RSV1 allowed: permessage-deflate).
fn tapped_frames(items: &[TapItem], side: Direction) -> Vec<wire::decode::DecodedFrame> {
    let sender = match side {
        Direction::FromClient => Role::Client,
        Direction::FromServer => Role::Server,
    };
    let mut splitter = Splitter::new(DecodeOptions {
        deflate: true,
        ..DecodeOptions::for_sender(sender)
    });
    let mut out = Vec::new();
    for item in items {
        if let TapItem::Bytes { from, bytes, .. } = item
            && *from == side
        {
            for split in splitter.push(bytes) {
                match split {
                    Split::Frame { frame, .. } => out.push(frame),
                    other => panic!("{other:?}"),
                }
            }
        }
    }
    out
}

/// soketto, a client with permessage-deflate, through a tap: both sides'
/// frames are compressed on the wire (RSV1), and the echo comes back whole.
/// With `?deflate=0` the server declines and nothing is compressed.
#[tokio::test]
async fn a_permessage_deflate_client_gets_compressed_echoes() {
    use tokio_util::compat::TokioAsyncReadCompatExt;
    let (addr, _stop) = start(|_| {}).await;
    for decline in [false, true] {
        let (mut tap, session) = open_tap(addr).await;
        let tcp = TcpStream::connect(addr).await.unwrap();
        let path = format!(
            "/echo?session={session}{}",
            if decline { "&deflate=0" } else { "" }
        );
        let host = addr.to_string();
        let mut client = soketto::handshake::Client::new(tcp.compat(), &host, &path);
        client.add_extension(Box::new(soketto::extension::deflate::Deflate::new(
            soketto::Mode::Client,
        )));
        let (mut sender, mut receiver) = match client.handshake().await.unwrap() {
            soketto::handshake::ServerResponse::Accepted { .. } => client.into_builder().finish(),
            other => panic!("{other:?}"),
        };
        let text = "compress me, compress me, compress me, compress me!".repeat(20);
        sender.send_text(&text).await.unwrap();
        sender.flush().await.unwrap();
        let mut echoed = Vec::new();
        let data = receiver.receive_data(&mut echoed).await.unwrap();
        assert!(data.is_text());
        assert_eq!(String::from_utf8(echoed).unwrap(), text);
        let items = read_tap(&mut tap, |items| {
            !tapped_frames(items, Direction::FromServer).is_empty()
        })
        .await;
        let Some(TapItem::Event(TapEvent::Handshake { response, .. })) = items.first() else {
            panic!("{items:?}")
        };
        let client_frame = &tapped_frames(&items, Direction::FromClient)[0];
        let server_frame = &tapped_frames(&items, Direction::FromServer)[0];
        if decline {
            assert!(!response.contains("Sec-WebSocket-Extensions"), "{response}");
            assert!(!client_frame.header.rsv[0] && !server_frame.header.rsv[0]);
        } else {
            assert!(
                response.contains(
                    "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n"
                ),
                "{response}"
            );
            for frame in [client_frame, server_frame] {
                assert!(frame.header.rsv[0], "RSV1 marks a compressed message");
                assert!(frame.frame.payload.len() < text.len() / 4);
                let inflated = wire::deflate::Decompressor::new(false)
                    .decompress(&frame.frame.payload, 1 << 20)
                    .unwrap();
                assert_eq!(inflated, text.as_bytes());
            }
        }
    }
}
