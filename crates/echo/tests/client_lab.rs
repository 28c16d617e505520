//! The client lab's cases against a client wslab did not write:
//! tokio-tungstenite driven as its own Autobahn client example drives the
//! fuzzingserver (echo every text and binary message; the library answers
//! Pings and Closes). The server side is `conformance::run::run_client_case`
//! over a real TCP connection, after an opening handshake answered by
//! `wire::handshake`. And a client that does not mask fails every case.

use std::time::Duration;

use conformance::Verdict;
use conformance::cases::Case;
use conformance::run::{Keys, Recv, Timing, Transport, run_client_case};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wire::handshake::{HeadRead, HeadReader, check_request, respond};

struct Tcp(TcpStream);

impl Transport for Tcp {
    async fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.0.write_all(bytes).await.map_err(|e| e.to_string())
    }
    async fn recv(&mut self, buf: &mut [u8], wait: Duration) -> Result<Recv, String> {
        match tokio::time::timeout(wait, self.0.read(buf)).await {
            Err(_) => Ok(Recv::Quiet),
            Ok(Ok(0)) => Ok(Recv::Closed),
            Ok(Ok(n)) => Ok(Recv::Data(n)),
            Ok(Err(e)) => Err(e.to_string()),
        }
    }
}

struct Counter(u8);

impl Keys for Counter {
    fn random(&mut self, out: &mut [u8]) {
        for b in out {
            self.0 = self.0.wrapping_mul(31).wrapping_add(7);
            *b = self.0;
        }
    }
}

/// The product's own timing (1 s of quiet): the test checks verdicts, not
/// speed, so a loaded machine must not turn a slow answer into a non-strict.
fn timing() -> Timing {
    Timing::default()
}

/// wslab-echo's part: answer the opening request, then run the case.
async fn serve_case(listener: TcpListener, case: Case) -> conformance::CaseResult {
    let (mut tcp, _) = listener.accept().await.unwrap();
    let mut reader = HeadReader::new(16 * 1024);
    let mut buf = vec![0u8; 4096];
    let (head, rest) = loop {
        let n = tcp.read(&mut buf).await.unwrap();
        assert!(n > 0, "the client sent no request");
        if let HeadRead::Complete { head, rest } = reader.push(&buf[..n]) {
            break (head, rest);
        }
    };
    let check = check_request(&head);
    let answer = respond(&check, &[], None);
    tcp.write_all(answer.text.as_bytes()).await.unwrap();
    run_client_case(Tcp(tcp), &rest, &mut Counter(1), &case, &timing()).await
}

/// tokio-tungstenite's Autobahn client loop.
async fn tungstenite_client(url: String) {
    let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url).await else {
        return;
    };
    while let Some(Ok(msg)) = ws.next().await {
        if (msg.is_text() || msg.is_binary()) && ws.send(msg).await.is_err() {
            return;
        }
    }
}

async fn run_with<F, Fut>(cases: Vec<Case>, client: F) -> Vec<conformance::CaseResult>
where
    F: Fn(String) -> Fut + Send + Sync + Copy + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut results = Vec::new();
    for chunk in cases.chunks(16) {
        let mut tasks = Vec::new();
        for case in chunk.iter().cloned() {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("ws://{}/runCase", listener.local_addr().unwrap());
            let server = tokio::spawn(serve_case(listener, case));
            tokio::spawn(client(url));
            tasks.push(server);
        }
        for t in tasks {
            results.push(t.await.unwrap());
        }
    }
    results
}

#[tokio::test(flavor = "multi_thread")]
async fn tokio_tungstenite_as_a_client_breaks_no_must() {
    let cases = conformance::cases::client::all();
    let results = run_with(cases, tungstenite_client).await;
    let fails: Vec<String> = results
        .iter()
        .filter(|r| r.verdict == Verdict::Fail)
        .map(|r| format!("{} {}: {}", r.id, r.title, r.detail))
        .collect();
    let passes = results
        .iter()
        .filter(|r| r.verdict == Verdict::Pass)
        .count();
    assert!(
        fails.is_empty(),
        "{} fails:\n{}",
        fails.len(),
        fails.join("\n")
    );
    let others: Vec<String> = results
        .iter()
        .filter(|r| r.verdict != Verdict::Pass)
        .map(|r| format!("{} {:?} {}: {}", r.id, r.verdict, r.title, r.detail))
        .collect();
    // Its example loop stops at the first error without a Close frame (the
    // library reports the error; the loop drops the connection): each such
    // case is non-strict (§7.1.7's SHOULD), never a fail.
    let explained = |r: &&conformance::CaseResult| {
        r.verdict == Verdict::Pass
            || r.verdict == Verdict::Info
            || r.detail
                .contains("dropped the TCP connection without a Close frame")
            || r.id == "8.3.12"
    };
    let lines = others_all(&results);
    let unexplained: Vec<&String> = results
        .iter()
        .zip(&lines)
        .filter(|(r, _)| !explained(r))
        .map(|(_, line)| line)
        .collect();
    assert!(
        unexplained.is_empty(),
        "{unexplained:#?}\n{}",
        others.join("\n")
    );
    assert!(passes >= 150, "{passes} of {} pass", results.len());
}

fn others_all(results: &[conformance::CaseResult]) -> Vec<String> {
    results
        .iter()
        .map(|r| format!("{} {:?} {}: {}", r.id, r.verdict, r.title, r.detail))
        .collect()
}

/// A hand-written client's opening handshake to `url` (a `/runCase`
/// address): the connection and the bytes that came after the 101's head.
async fn raw_open(url: &str, key: u8) -> Option<(TcpStream, Vec<u8>)> {
    let addr = url
        .trim_start_matches("ws://")
        .trim_end_matches("/runCase")
        .to_owned();
    let mut tcp = TcpStream::connect(&addr).await.ok()?;
    let key = wire::handshake::generate_key([key; 16]);
    let request = format!(
        "GET /runCase HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).await.ok()?;
    let mut reader = HeadReader::new(16 * 1024);
    let mut buf = vec![0u8; 4096];
    loop {
        let n = tcp.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        if let HeadRead::Complete { rest, .. } = reader.push(&buf[..n]) {
            return Some((tcp, rest));
        }
    }
}

/// A client that echoes, but sends its frames unmasked (and reads only
/// small unfragmented messages): it breaks §5.1's MUST on every answer.
async fn unmasked_client(url: String) {
    let Some((mut tcp, mut rest)) = raw_open(&url, 7).await else {
        return;
    };
    let mut buf = vec![0u8; 1 << 16];
    loop {
        // Answer every whole small frame with the same frame, unmasked.
        while rest.len() >= 2
            && (rest[1] & 0x7f) < 126
            && rest.len() >= 2 + usize::from(rest[1] & 0x7f)
        {
            let n = 2 + usize::from(rest[1] & 0x7f);
            let frame: Vec<u8> = rest.drain(..n).collect();
            if tcp.write_all(&frame).await.is_err() {
                return;
            }
        }
        match tcp.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => rest.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_does_not_mask_fails_every_answer() {
    let cases: Vec<Case> = conformance::select(conformance::cases::client::all(), "3.1.*").unwrap();
    let results = run_with(cases, unmasked_client).await;
    for r in &results {
        assert_eq!(
            r.verdict,
            Verdict::Fail,
            "{} {}: {}",
            r.id,
            r.title,
            r.detail
        );
        assert!(r.detail.contains("mask"), "{}: {}", r.id, r.detail);
    }
}

/// The Autobahn fuzzingserver's client driver, as tokio-tungstenite's own
/// example writes it: the case count, every case with an echo loop, then
/// `updateReports`. Unchanged but for the address: wslab-echo is the server.
async fn autobahn_driver(base: &str, agent: &str) -> u32 {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("{base}/getCaseCount"))
        .await
        .unwrap();
    let count: u32 = match ws.next().await {
        Some(Ok(msg)) => msg.to_text().unwrap().parse().unwrap(),
        other => panic!("no case count: {other:?}"),
    };
    drop(ws);
    for case in 1..=count {
        tungstenite_client(format!("{base}/runCase?case={case}&agent={agent}")).await;
    }
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("{base}/updateReports?agent={agent}"))
            .await
            .unwrap();
    while let Some(Ok(_)) = ws.next().await {}
    count
}

async fn status(base: &str, case: u32, agent: &str) -> String {
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("{base}/getCaseStatus?case={case}&agent={agent}"))
            .await
            .unwrap();
    let text = match ws.next().await {
        Some(Ok(msg)) => msg.to_text().unwrap().to_owned(),
        other => panic!("no status: {other:?}"),
    };
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["behavior"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_autobahn_client_driver_runs_unchanged_against_wslab_echo() {
    let config = wslab_echo::Config::for_tests("127.0.0.1:0".parse().unwrap());
    let server = wslab_echo::Server::bind(config).await.unwrap();
    let base = format!("ws://{}", server.local_addr().unwrap());
    tokio::spawn(server.serve());
    let count = autobahn_driver(&base, "tokio-tungstenite").await;
    assert_eq!(count as usize, conformance::cases::client::all().len());
    let mut seen = std::collections::BTreeMap::new();
    for case in 1..=count {
        *seen
            .entry(status(&base, case, "tokio-tungstenite").await)
            .or_insert(0) += 1;
    }
    assert!(
        !seen.contains_key("FAILED") && !seen.contains_key("NOT RUN"),
        "{seen:?}"
    );
    assert!(seen.get("OK").copied().unwrap_or(0) >= 150, "{seen:?}");
    // Another agent's name sees none of it.
    assert_eq!(status(&base, 1, "someone-else").await, "NOT RUN");
    // The case's description, by number.
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("{base}/getCaseInfo?case=1"))
        .await
        .unwrap();
    let info: serde_json::Value =
        serde_json::from_str(ws.next().await.unwrap().unwrap().to_text().unwrap()).unwrap();
    assert_eq!(info["id"], conformance::cases::client::all()[0].id.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_clients_get_a_verdict_or_a_refusal_at_bounded_cost() {
    let config = wslab_echo::Config::for_tests("127.0.0.1:0".parse().unwrap());
    let server = wslab_echo::Server::bind(config).await.unwrap();
    let addr = server.local_addr().unwrap();
    let base = format!("ws://{addr}");
    tokio::spawn(server.serve());

    // A 10 KB agent name: refused with 400, naming the parameter and its range.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let key = wire::handshake::generate_key([3; 16]);
    let request = format!(
        "GET /runCase?case=1&agent={} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n",
        "a".repeat(10_000)
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 400") && answer.contains("agent") && answer.contains("64"),
        "{answer}"
    );

    // A client that opens the case and then says nothing: a fail, in seconds.
    let started = std::time::Instant::now();
    let (ws, _) = tokio_tungstenite::connect_async(format!("{base}/runCase?case=1&agent=mute"))
        .await
        .unwrap();
    let mut verdict = String::new();
    while started.elapsed() < Duration::from_secs(40) {
        verdict = status(&base, 1, "mute").await;
        if verdict != "NOT RUN" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop(ws);
    assert_eq!(verdict, "FAILED");
    assert!(
        started.elapsed() < Duration::from_secs(35),
        "{:?}",
        started.elapsed()
    );

    // A case that does not exist: closed with a reason that says how many there are.
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("{base}/runCase?case=9999&agent=x"))
        .await
        .unwrap();
    match ws.next().await {
        Some(Ok(tokio_tungstenite::tungstenite::Message::Close(Some(frame)))) => {
            assert!(frame.reason.contains("there are"), "{frame:?}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_watches_one_agents_run_and_no_other() {
    let config = wslab_echo::Config::for_tests("127.0.0.1:0".parse().unwrap());
    let server = wslab_echo::Server::bind(config).await.unwrap();
    let base = format!("ws://{}", server.local_addr().unwrap());
    tokio::spawn(server.serve());
    let (mut mine, _) =
        tokio_tungstenite::connect_async(format!("{base}/client-lab/watch?agent=watched"))
            .await
            .unwrap();
    let (mut theirs, _) =
        tokio_tungstenite::connect_async(format!("{base}/client-lab/watch?agent=someone"))
            .await
            .unwrap();
    tungstenite_client(format!("{base}/runCase?case=1&agent=watched")).await;
    let event = tokio::time::timeout(Duration::from_secs(10), mine.next())
        .await
        .expect("the watch hears of the case")
        .unwrap()
        .unwrap();
    let event: conformance::Event = serde_json::from_str(event.to_text().unwrap()).unwrap();
    match event {
        conformance::Event::Case(r) => {
            assert_eq!(r.id, conformance::cases::client::all()[0].id);
            assert_eq!(r.verdict, Verdict::Pass, "{}", r.detail);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        tokio::time::timeout(Duration::from_millis(500), theirs.next())
            .await
            .is_err(),
        "another agent's watch hears nothing"
    );
    // A watch opened later gets the results so far.
    let (mut late, _) =
        tokio_tungstenite::connect_async(format!("{base}/client-lab/watch?agent=watched"))
            .await
            .unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), late.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        first.to_text().unwrap().contains("\"event\":\"case\""),
        "{first}"
    );
}

/// A client with two faults: it accepts masked frames from the server, and it
/// never checks the UTF-8 of a message (text is echoed as bytes; `wire`'s
/// decoder still refuses a Close whose reason is not UTF-8).
/// Otherwise it does what the lab asks: echoes messages, answers Pings, fails
/// with 1002 on a frame the decoder refuses, answers a Close with 1000.
async fn lenient_client(url: String) {
    use wire::decode::{DecodeOptions, Split, Splitter};
    use wire::frame::Frame;
    use wire::opcode::OpCode;
    let Some((mut tcp, mut bytes)) = raw_open(&url, 5).await else {
        return;
    };
    let mut buf = vec![0u8; 1 << 16];
    // `sender: None`: the masking rule is not applied (the first fault).
    let mut splitter = Splitter::new(DecodeOptions::default());
    let mut message: Option<(OpCode, Vec<u8>)> = None;
    let send = |f: Frame| f.masked([9, 8, 7, 6]).encode();
    loop {
        for split in splitter.push(&bytes) {
            let frame = match split {
                Split::Frame { frame, .. } => frame.frame,
                Split::Error(_) => {
                    let close = Frame::new(OpCode::Close, 1002u16.to_be_bytes().to_vec());
                    let _ = tcp.write_all(&send(close)).await;
                    return;
                }
            };
            let out = match frame.opcode {
                OpCode::Text | OpCode::Binary if message.is_some() => {
                    let close = Frame::new(OpCode::Close, 1002u16.to_be_bytes().to_vec());
                    let _ = tcp.write_all(&send(close)).await;
                    return;
                }
                OpCode::Text | OpCode::Binary if frame.fin => {
                    Some(Frame::new(frame.opcode, frame.payload))
                }
                OpCode::Text | OpCode::Binary => {
                    message = Some((frame.opcode, frame.payload));
                    None
                }
                OpCode::Continuation => match message.as_mut() {
                    Some((_, so_far)) => {
                        so_far.extend_from_slice(&frame.payload);
                        if frame.fin {
                            message.take().map(|(op, p)| Frame::new(op, p))
                        } else {
                            None
                        }
                    }
                    None => {
                        let close = Frame::new(OpCode::Close, 1002u16.to_be_bytes().to_vec());
                        let _ = tcp.write_all(&send(close)).await;
                        return;
                    }
                },
                OpCode::Ping => Some(Frame::new(OpCode::Pong, frame.payload)),
                OpCode::Close => {
                    let close = Frame::new(OpCode::Close, 1000u16.to_be_bytes().to_vec());
                    let _ = tcp.write_all(&send(close)).await;
                    return;
                }
                _ => None,
            };
            // Text goes back as bytes, valid UTF-8 or not (the second fault).
            if let Some(out) = out
                && tcp.write_all(&send(out)).await.is_err()
            {
                return;
            }
        }
        match tcp.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => bytes = buf[..n].to_vec(),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_with_two_faults_fails_exactly_their_cases() {
    let cases = conformance::cases::client::all();
    let results = run_with(cases, lenient_client).await;
    let fault = |r: &conformance::CaseResult| {
        r.group == conformance::case::Group::Masking
            || (r.group == conformance::case::Group::Utf8 && !r.title.starts_with("Valid"))
    };
    let wrong: Vec<String> = results
        .iter()
        .filter(|r| (r.verdict == Verdict::Fail) != fault(r))
        .map(|r| format!("{} {:?} {}: {}", r.id, r.verdict, r.title, r.detail))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
