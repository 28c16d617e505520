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

fn timing() -> Timing {
    Timing {
        quiet: Duration::from_millis(300),
        ..Timing::default()
    }
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

/// A client that echoes, but sends its frames unmasked (and reads only
/// small unfragmented messages): it breaks §5.1's MUST on every answer.
async fn unmasked_client(url: String) {
    let addr = url
        .trim_start_matches("ws://")
        .trim_end_matches("/runCase")
        .to_owned();
    let Ok(mut tcp) = TcpStream::connect(&addr).await else {
        return;
    };
    let key = wire::handshake::generate_key([7; 16]);
    let request = format!(
        "GET /runCase HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    if tcp.write_all(request.as_bytes()).await.is_err() {
        return;
    }
    let mut reader = HeadReader::new(16 * 1024);
    let mut buf = vec![0u8; 1 << 16];
    let mut rest = loop {
        let Ok(n) = tcp.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        if let HeadRead::Complete { rest, .. } = reader.push(&buf[..n]) {
            break rest;
        }
    };
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
