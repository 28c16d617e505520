//! The conformance cases against real servers: wslab-echo passes every one;
//! a deliberately broken server fails exactly the cases that test what it
//! breaks; and `/probe` runs cases for a page, refuses what it must, and
//! stops when the page goes.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use conformance::case::{Expect, Group, Reply};
use conformance::report::{Event, RunRequest, Verdict};
use conformance::run::Timing;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;
use wire::close::ClosePayload;
use wire::decode::{DecodeOptions, Role, Split, Splitter};
use wire::frame::Frame;
use wire::handshake::{HeadRead, HeadReader, check_request, respond};
use wire::opcode::OpCode;
use wslab_echo::{Config, Server};
use wslab_probe::{NetConnector, Reach, Target, run_all};

async fn start_echo(tweak: impl FnOnce(&mut Config)) -> (SocketAddr, Server) {
    let mut config = Config::for_tests("127.0.0.1:0".parse().unwrap());
    tweak(&mut config);
    let server = Server::bind(config).await.unwrap();
    (server.local_addr().unwrap(), server)
}

/// The product's own timing (1 s of quiet): these tests check verdicts,
/// not speed, so a loaded machine must not turn a slow answer into a fail.
fn timing() -> Timing {
    Timing::default()
}

/// Runs `pattern` against `url`; the verdict of every case, by id.
async fn verdicts(url: &str, pattern: &str) -> BTreeMap<String, (Verdict, String)> {
    let cases = conformance::select(conformance::all(), pattern).unwrap();
    let target = Target::resolve(url, &Reach::Any).await.unwrap();
    let mut connector = NetConnector::new(target, None);
    let report = run_all(&mut connector, url, &cases, &timing(), |_| {}).await;
    report
        .results
        .into_iter()
        .map(|r| (r.id, (r.verdict, r.detail)))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn wslab_echo_passes_every_case() {
    let (addr, server) = start_echo(|_| {}).await;
    tokio::spawn(server.serve());
    let all = verdicts(&format!("ws://{addr}/echo"), "*").await;
    assert!(all.len() >= 300, "{} cases", all.len());
    let wrong: Vec<_> = all
        .iter()
        .filter(|(_, (v, _))| !matches!(v, Verdict::Pass | Verdict::Info))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// What the broken server gets wrong.
#[derive(Debug, Clone, Copy, Default)]
struct Faults {
    /// Takes frames with RSV bits and echoes them with the same bits.
    echoes_reserved_bits: bool,
    /// Never checks that text is UTF-8.
    skips_utf8: bool,
    /// Never answers a Ping.
    ignores_pings: bool,
}

/// A small server written for this test, on `wire`'s decoder: right in
/// everything but its faults (and it checks UTF-8 only at a message's end).
async fn broken_server(faults: Faults) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(serve_broken(tcp, faults));
        }
    });
    addr
}

async fn serve_broken(mut tcp: TcpStream, faults: Faults) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut head = HeadReader::new(16 * 1024);
    let (request, rest) = loop {
        let Ok(n) = tcp.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        match head.push(&buf[..n]) {
            HeadRead::Incomplete => {}
            HeadRead::Complete { head, rest } => break (head, rest),
            HeadRead::TooLong => return,
        }
    };
    let answer = respond(&check_request(&request), &[], None);
    if tcp.write_all(answer.text.as_bytes()).await.is_err() || answer.status != 101 {
        return;
    }
    let mut splitter = Splitter::new(DecodeOptions {
        allowed_rsv: if faults.echoes_reserved_bits { 7 } else { 0 },
        ..DecodeOptions::for_sender(Role::Client)
    });
    let mut partial: Option<(OpCode, [bool; 3], Vec<u8>)> = None;
    let mut pending = rest;
    loop {
        let mut out = Vec::new();
        let mut close: Option<Vec<u8>> = None;
        for split in splitter.push(&pending) {
            let frame = match split {
                Split::Error(e) => {
                    close = Some(e.close_code().to_be_bytes().to_vec());
                    break;
                }
                Split::Frame { frame, .. } => frame.frame,
            };
            match frame.opcode {
                OpCode::Ping if !faults.ignores_pings => {
                    out.extend(Frame::new(OpCode::Pong, frame.payload).encode())
                }
                OpCode::Ping | OpCode::Pong => {}
                OpCode::Close => {
                    close = Some(match ClosePayload::parse(&frame.payload) {
                        Ok(p) => p.code.map(|c| c.to_be_bytes().to_vec()).unwrap_or_default(),
                        Err(e) => e.close_code().to_be_bytes().to_vec(),
                    });
                    break;
                }
                OpCode::Text | OpCode::Binary | OpCode::Continuation => {
                    let start = frame.opcode != OpCode::Continuation;
                    match (&mut partial, start) {
                        (None, true) => partial = Some((frame.opcode, frame.rsv, frame.payload)),
                        (Some((_, _, data)), false) => data.extend_from_slice(&frame.payload),
                        _ => {
                            close = Some(1002u16.to_be_bytes().to_vec());
                            break;
                        }
                    }
                    if frame.fin
                        && let Some((opcode, rsv, data)) = partial.take()
                    {
                        if opcode == OpCode::Text
                            && !faults.skips_utf8
                            && std::str::from_utf8(&data).is_err()
                        {
                            close = Some(1007u16.to_be_bytes().to_vec());
                            break;
                        }
                        let mut echo = Frame::new(opcode, data);
                        echo.rsv = rsv;
                        out.extend(echo.encode());
                    }
                }
                OpCode::ReservedData(_) | OpCode::ReservedControl(_) => {}
            }
        }
        if let Some(payload) = &close {
            out.extend(Frame::new(OpCode::Close, payload.clone()).encode());
        }
        if !out.is_empty() && tcp.write_all(&out).await.is_err() {
            return;
        }
        if close.is_some() {
            return;
        }
        match tcp.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => pending = buf[..n].to_vec(),
        }
    }
}

/// Whether a case waits for a Pong.
fn expects_pong(expect: &Expect) -> bool {
    let has = |r: &[Reply]| r.iter().any(|r| matches!(r, Reply::Pong(_)));
    match expect {
        Expect::Pongs(_) => true,
        Expect::Answers { replies, .. } => has(replies),
        Expect::Fails { before, .. } | Expect::Closes { before, .. } => has(before),
        Expect::Handshake(_) | Expect::Either(_) => false,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_server_fails_the_cases_of_its_faults_and_only_those() {
    // The groups the faults touch, and the closing group as a control; the
    // big messages are left out to keep the test short.
    let pattern = "ping-pong,reserved-bits,fragmentation,utf8,closing,masking";
    let baseline = verdicts(
        &format!("ws://{}/", broken_server(Faults::default()).await),
        pattern,
    )
    .await;
    let failed_at_baseline: Vec<_> = baseline
        .iter()
        .filter(|(_, (v, _))| *v == Verdict::Fail)
        .collect();
    assert!(
        failed_at_baseline.is_empty(),
        "the test server without faults: {failed_at_baseline:#?}"
    );

    let cases = conformance::select(conformance::all(), pattern).unwrap();
    let expect: BTreeMap<String, conformance::cases::Body> =
        cases.iter().map(|c| (c.id.clone(), (c.body)())).collect();
    let title = |id: &str| {
        cases
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.title.clone())
            .unwrap_or_default()
    };
    type ShouldFail<'a> = Box<dyn Fn(&str) -> bool + 'a>;
    let faults: [(Faults, ShouldFail); 3] = [
        (
            Faults {
                echoes_reserved_bits: true,
                ..Faults::default()
            },
            Box::new(|id: &str| id.starts_with(&format!("{}.", Group::ReservedBits.number()))),
        ),
        (
            Faults {
                skips_utf8: true,
                ..Faults::default()
            },
            Box::new(|id: &str| {
                let t = title(id);
                t.starts_with("Invalid") || t.starts_with("Fail fast")
            }),
        ),
        (
            Faults {
                ignores_pings: true,
                ..Faults::default()
            },
            Box::new(|id: &str| expects_pong(&expect[id].expect)),
        ),
    ];
    for (fault, should_fail) in faults {
        let got = verdicts(&format!("ws://{}/", broken_server(fault).await), pattern).await;
        let failed: Vec<&String> = got
            .iter()
            .filter(|(_, (v, _))| *v == Verdict::Fail)
            .map(|(id, _)| id)
            .collect();
        let wanted: Vec<&String> = got.keys().filter(|id| should_fail(id)).collect();
        assert!(wanted.len() >= 5, "{fault:?}: {wanted:?}");
        assert_eq!(failed, wanted, "{fault:?}");
        for id in failed {
            let detail = &got[id].1;
            assert!(!detail.is_empty(), "{id} explains its failure");
        }
    }
}

#[tokio::test]
async fn unreachable_silent_and_non_websocket_targets_end_with_clear_verdicts() {
    // Nothing listens: every case says so, and the run gives up after three.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let all = verdicts(&format!("ws://127.0.0.1:{port}/"), "1.*,3.*").await;
    assert!(all.values().all(|(v, _)| *v == Verdict::Fail));
    let first = &all.values().next().unwrap().1;
    assert!(
        first.contains("Could not connect") && first.contains("refused"),
        "{first}"
    );
    assert!(all.values().last().unwrap().1.starts_with("Not run:"));

    // A plain web server: no 101.
    let web = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let web_addr = web.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = web.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = tcp.read(&mut buf).await;
                let _ = tcp
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
                    .await;
            });
        }
    });
    let all = verdicts(&format!("ws://{web_addr}/"), "3.1.1").await;
    let (v, why) = &all["3.1.1"];
    assert_eq!(*v, Verdict::Fail);
    assert!(why.contains("status 200"), "{why}");

    // A server that accepts and never answers: a deadline, then the reason.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = silent.accept().await {
            held.push(tcp);
        }
    });
    let started = std::time::Instant::now();
    let all = verdicts(&format!("ws://{silent_addr}/"), "3.1.1").await;
    assert!(
        all["3.1.1"].1.contains("no answer to the opening request"),
        "{:?}",
        all["3.1.1"]
    );
    assert!(started.elapsed() < Duration::from_secs(10));

    // wss:// to a server whose certificate no browser trusts (wslab-echo's own).
    let (_, server) = start_echo(|c| {
        c.no_tls = false;
        c.tls_listen = "127.0.0.1:0".parse().unwrap();
    })
    .await;
    let tls = server.tls_addr().unwrap();
    tokio::spawn(server.serve());
    let all = verdicts(&format!("wss://localhost:{}/echo", tls.port()), "3.1.1").await;
    let (v, why) = &all["3.1.1"];
    assert_eq!(*v, Verdict::Fail);
    assert!(why.contains("certificate"), "{why}");
}

async fn probe_events(addr: SocketAddr, request: &str) -> Vec<Event> {
    let (mut ws, _) = connect_async(format!("ws://{addr}/probe")).await.unwrap();
    ws.send(Message::text(request)).await.unwrap();
    let mut events = Vec::new();
    while let Ok(Some(Ok(m))) = tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
        if let Message::Text(t) = m {
            events.push(serde_json::from_str::<Event>(&t).unwrap());
        }
    }
    events
}

#[tokio::test(flavor = "multi_thread")]
async fn the_probe_endpoint_streams_a_run_and_refuses_what_it_must() {
    let (addr, server) = start_echo(|_| {}).await;
    let sockets = server.open_sockets();
    tokio::spawn(server.serve());
    let request = |target: &str, cases: &str| {
        serde_json::to_string(&RunRequest {
            target: target.into(),
            cases: cases.into(),
        })
        .unwrap()
    };
    let events = probe_events(addr, &request(&format!("ws://{addr}/echo"), "ping-pong")).await;
    let Some(Event::Started { total, .. }) = events.first() else {
        panic!("{events:?}")
    };
    assert!(*total >= 10);
    assert!(matches!(events.last(), Some(Event::Finished { .. })));
    let cases: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Case(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(cases.len(), *total, "a verdict for every case");
    assert!(
        cases.iter().all(|r| r.verdict == Verdict::Pass),
        "{cases:#?}"
    );

    for (req, says) in [
        (request("ws://192.0.2.1/", "*"), "not a loopback address"),
        (
            request(&format!("ws://{addr}/echo"), "99.*"),
            "no case matches",
        ),
        (request("not a uri", "*"), "is not a WebSocket URI"),
        ("{\"target\": 1}".to_owned(), "must be JSON"),
    ] {
        let events = probe_events(addr, &req).await;
        match events.as_slice() {
            [Event::Stopped { reason }] => assert!(reason.contains(says), "{reason}"),
            other => panic!("{req}: {other:?}"),
        }
    }

    // Closing the page's socket stops the run: no socket stays open.
    let (mut ws, _) = connect_async(format!("ws://{addr}/probe")).await.unwrap();
    ws.send(Message::text(request(
        &format!("ws://{addr}/echo"),
        "limits",
    )))
    .await
    .unwrap();
    let first = ws.next().await.unwrap().unwrap();
    assert!(first.to_text().unwrap().contains("started"));
    ws.close(None).await.unwrap();
    drop(ws);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while sockets() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "{} sockets still open after the page left",
            sockets()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn more_hosts_are_allowed_only_by_the_flag_and_runs_are_capped() {
    let (addr, server) = start_echo(|c| c.max_probe_runs = 1).await;
    tokio::spawn(server.serve());
    let slow = serde_json::to_string(&RunRequest {
        target: format!("ws://{addr}/echo"),
        cases: "limits".into(),
    })
    .unwrap();
    let (mut first, _) = connect_async(format!("ws://{addr}/probe")).await.unwrap();
    first.send(Message::text(slow.clone())).await.unwrap();
    let _started = first.next().await;
    let events = probe_events(addr, &slow).await;
    assert!(
        matches!(events.as_slice(), [Event::Stopped { reason }] if reason.contains("at once")),
        "{events:?}"
    );
    drop(first);

    let reach = Reach::LoopbackAnd(vec!["example.test".into()]);
    assert!(
        Target::resolve("ws://127.0.0.1:5555/", &reach)
            .await
            .is_ok()
    );
    let err = Target::resolve("ws://192.0.2.7:80/", &Reach::LoopbackAnd(Vec::new()))
        .await
        .unwrap_err();
    assert!(err.contains("--probe-allow"), "{err}");
    assert!(
        Target::resolve(
            "ws://192.0.2.7:80/",
            &Reach::LoopbackAnd(vec!["192.0.2.7".into()])
        )
        .await
        .is_ok()
    );
    assert!(
        Target::resolve("ws://192.0.2.7:80/", &Reach::LoopbackAnd(vec!["*".into()]))
            .await
            .is_ok()
    );
}
