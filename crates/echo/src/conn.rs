//! One connection: the opening handshake (checked and answered with `wire`),
//! then the echo loop (frames by [`crate::ws`]) or the tap, with limits,
//! deadlines and close codes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{sleep_until, timeout};
use tracing::{debug, info};
use wire::OpCode;
use wire::deflate::DeflatePolicy;
use wire::endpoint::{EchoOptions, Endpoint, EndpointError};
use wire::handshake::{HeadRead, HeadReader, check_request, respond};
use wire::tap::{Direction, TapEvent, encode_event, redact_request};

use crate::shared::{Admission, CLOSE_WAIT, Shared, answer_listener, close_with, within};
use crate::tap::{TapGuard, TapLink, Tee};
use crate::ws::{Failure, Incoming, Limits, Readiness, WebSocket};

/// Close codes the server sends (RFC 6455 §7.4.1).
const NORMAL: u16 = 1000;
const AWAY: u16 = 1001;
const POLICY: u16 = 1008;
const INTERNAL_ERROR: u16 = 1011;

/// How long the tap gathers bytes before sending them.
const TAP_BATCH: Duration = Duration::from_millis(25);

/// The longest opening request read; longer ones get 431.
const MAX_REQUEST: usize = 16 * 1024;

/// How long compression state outlives the last message (permessage-deflate
/// without context takeover): kept while messages flow, gone when quiet.
const SHED_AFTER: Duration = Duration::from_secs(1);

/// Reads the opening request: everything up to the blank line, and any bytes after it.
async fn read_request<S: AsyncRead + Unpin>(
    stream: &mut S,
) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut reader = HeadReader::new(MAX_REQUEST);
    let mut chunk = [0u8; 2048];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        match reader.push(&chunk[..n]) {
            HeadRead::Incomplete => {}
            HeadRead::Complete { head, rest } => return Ok(Some((head, rest))),
            HeadRead::TooLong => return Ok(None),
        }
    }
}

/// Writes a whole HTTP answer and closes, within the send deadline.
async fn answer_and_close<S: AsyncWrite + Unpin>(stream: &mut S, text: &str, deadline: Duration) {
    let _ = timeout(deadline, async {
        stream.write_all(text.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}

fn plain_response(status: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Serves one accepted connection (plain TCP or TLS) to the end.
pub async fn handle<S>(mut stream: S, peer: SocketAddr, shared: Arc<Shared>, admission: Admission)
where
    S: AsyncRead + AsyncWrite + Readiness + Unpin + Send + 'static,
{
    let cfg = &shared.config;
    let send_deadline = cfg.send_timeout();
    let request = match timeout(cfg.handshake_timeout(), read_request(&mut stream)).await {
        Err(_) => {
            debug!(%peer, "handshake timed out");
            return;
        }
        Ok(Err(_)) => return,
        Ok(Ok(None)) => {
            let text = plain_response(
                "431 Request Header Fields Too Large",
                "the opening request is too long\n",
            );
            answer_and_close(&mut stream, &text, send_deadline).await;
            return;
        }
        Ok(Ok(Some(r))) => r,
    };
    let (text, leftover) = request;
    let check = check_request(&text);
    let endpoint = match Endpoint::parse(&check.request.target) {
        Ok(e) => e,
        Err(e) => {
            let status = match e {
                EndpointError::NotFound(_) => "404 Not Found",
                EndpointError::BadValue { .. } | EndpointError::Repeated(_) => "400 Bad Request",
            };
            let text = plain_response(status, &format!("{e}\n"));
            answer_and_close(&mut stream, &text, send_deadline).await;
            return;
        }
    };
    if let Endpoint::LegacyProxy = endpoint {
        // An old proxy that does not know Upgrade: it answers with an ordinary page.
        let body = "<html><body>Welcome to the corporate proxy. (Upgrade: websocket? Never heard of it.)</body></html>\n";
        let text = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        answer_and_close(&mut stream, &text, send_deadline).await;
        return;
    }
    if let Some(origin) = &check.request.origin
        && !cfg.origin_allowed(origin)
    {
        info!(%peer, %origin, "refused origin");
        let text = plain_response(
            "403 Forbidden",
            &format!("pages from {origin} may not connect here\n"),
        );
        answer_and_close(&mut stream, &text, send_deadline).await;
        return;
    }
    let protocols: Vec<&str> = cfg.protocols.iter().map(String::as_str).collect();
    // permessage-deflate (RFC 7692), unless the flag or `?deflate=0` turns it off; taps stay plain.
    let deflate = match endpoint.echo_options() {
        Some(o) if !cfg.no_deflate && !o.no_deflate => Some(DeflatePolicy {
            no_context_takeover: !cfg.deflate_takeover,
        }),
        _ => None,
    };
    // The client lab answers as a plain server: no subprotocol, no extension,
    // so that every RSV bit its cases set is one no extension defines.
    let lab = matches!(endpoint, Endpoint::ClientLab(_));
    let answer = if lab {
        respond(&check, &[], None)
    } else {
        respond(&check, &protocols, deflate.as_ref())
    };
    if answer.status != 101 {
        answer_and_close(&mut stream, &answer.text, send_deadline).await;
        return;
    }
    // The tap is attached before the 101 goes out, so it never misses the handshake.
    let started = Instant::now();
    let link = match endpoint.echo_options().and_then(|o| o.session) {
        None => None,
        Some(id) => match shared.taps.claim(&id) {
            Ok(session) => Some(TapLink::new(session, started)),
            Err(e) => {
                let text = plain_response("400 Bad Request", &format!("{}\n", e.reason()));
                answer_and_close(&mut stream, &text, send_deadline).await;
                return;
            }
        },
    };
    match timeout(send_deadline, stream.write_all(answer.text.as_bytes())).await {
        Ok(Ok(())) => {}
        _ => return,
    }

    let limits = Limits {
        max_frame: cfg.max_frame,
        max_message: cfg.max_message,
    };
    let over_limit = match admission {
        Admission::Over(reason) => Some(reason),
        Admission::Within | Admission::Refused => None,
    };
    match endpoint {
        Endpoint::Tap => {
            let ws = WebSocket::new(Tee::new(stream, None), leftover, limits, None);
            serve_tap(ws, over_limit, &shared).await;
        }
        Endpoint::Echo(opts) | Endpoint::Idle { echo: opts, .. } => {
            let link = link.map(|mut link| {
                link.handshake(redact_request(&text), answer.text.clone());
                // The bytes already read past the handshake belong to the first frames.
                link.send(Direction::FromClient, &leftover);
                link
            });
            let ws = WebSocket::new(Tee::new(stream, link), leftover, limits, answer.deflate);
            let silence = match endpoint {
                Endpoint::Idle { timeout, .. } => Some(Duration::from_secs(u64::from(timeout))),
                _ => None,
            };
            echo(ws, &opts, silence, over_limit, &shared, started).await;
        }
        Endpoint::Probe => {
            // The page's request is small; answers are the server's own.
            let limits = Limits {
                max_frame: crate::lab::MAX_REQUEST,
                max_message: crate::lab::MAX_REQUEST,
            };
            let ws = WebSocket::new(stream, leftover, limits, None);
            crate::lab::serve(ws, over_limit, shared.clone()).await;
        }
        Endpoint::ClientLab(request) => {
            if let Some(reason) = over_limit {
                let mut ws = WebSocket::new(stream, leftover, limits, None);
                crate::shared::close_with(&mut ws, 1008, reason, send_deadline).await;
                return;
            }
            crate::client_lab::serve(request, stream, leftover, &shared).await;
        }
        Endpoint::LegacyProxy => {}
    }
}

/// The echo loop: every text and binary message goes back unchanged.
async fn echo<S>(
    mut ws: WebSocket<S>,
    opts: &EchoOptions,
    silence: Option<Duration>,
    over_limit: Option<&'static str>,
    shared: &Shared,
    started: Instant,
) where
    S: AsyncRead + AsyncWrite + Readiness + Unpin,
{
    let send_deadline = shared.config.send_timeout();
    if let Some(reason) = over_limit {
        close_with(&mut ws, POLICY, reason, send_deadline).await;
        return;
    }
    let secs = |s: u32| Duration::from_secs(u64::from(s));
    let now = tokio::time::Instant::now();
    // Every interval is at most an hour (wire::endpoint) or a checked flag, so these sums hold.
    let close_at = opts.close.map(|s| now + secs(s));
    let mut shutdown = shared.shutdown.clone();
    let idle = shared.config.idle_timeout();
    let mut pinger = opts
        .ping
        .map(|s| tokio::time::interval_at(now + secs(s), secs(s)));
    let mut last_traffic = now;
    loop {
        // The idle endpoint plays a proxy that drops connections silent for too long, in either direction.
        let deadline = last_traffic + silence.unwrap_or(idle);
        tokio::select! {
            incoming = ws.next() => match incoming {
                Ok(Incoming::Message { text, .. }) => {
                    last_traffic = tokio::time::Instant::now();
                    let opcode = if text { OpCode::Text } else { OpCode::Binary };
                    if !within(send_deadline, ws.send_back(opcode)).await {
                        debug!("send deadline passed: the client stopped reading");
                        return;
                    }
                }
                Ok(Incoming::Ping) => {
                    last_traffic = tokio::time::Instant::now();
                    if !within(send_deadline, ws.send_back(OpCode::Pong)).await {
                        return;
                    }
                }
                Ok(Incoming::Pong) => last_traffic = tokio::time::Instant::now(),
                Ok(Incoming::Close(_)) => {
                    // The answering Close carries the client's code and reason back.
                    let _ = within(send_deadline, ws.send_back(OpCode::Close)).await;
                    return;
                }
                Err(Failure::Protocol { code, reason }) => {
                    debug!(code, %reason, "failing the connection");
                    close_with(&mut ws, code, &reason, send_deadline).await;
                    return;
                }
                Err(Failure::Io(e)) => {
                    debug!(error = %e, "connection ended");
                    return;
                }
            },
            () = async {
                match pinger.as_mut() {
                    Some(p) => { p.tick().await; }
                    None => std::future::pending().await,
                }
            }, if pinger.is_some() => {
                let stamp = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX).to_be_bytes();
                if !within(send_deadline, ws.send(OpCode::Ping, &stamp)).await {
                    return;
                }
                if silence.is_some() {
                    last_traffic = tokio::time::Instant::now();
                }
            },
            _ = sleep_until(deadline) => {
                if silence.is_some() {
                    // A proxy just cuts the TCP connection: no Close frame.
                    return;
                }
                close_with(&mut ws, AWAY, "idle timeout", send_deadline).await;
                return;
            },
            _ = async { sleep_until(close_at.unwrap_or(now)).await }, if close_at.is_some() => {
                // The server closes first: the browser answers the Close by itself.
                close_with(&mut ws, NORMAL, "the server is done", send_deadline).await;
                return;
            },
            _ = sleep_until(last_traffic + SHED_AFTER), if ws.holds_codecs() => ws.shed(),
            _ = shutdown.changed() => {
                // The server waits CLOSE_WAIT for everyone; a blocked client is cut then.
                close_with(&mut ws, AWAY, "server shutting down", CLOSE_WAIT).await;
                return;
            },
        }
    }
}

/// A tap socket: issues a session, then passes on what the echo connection
/// that claims it reads and writes, in binary messages of `wire::tap` items.
async fn serve_tap<S>(mut ws: WebSocket<S>, over_limit: Option<&'static str>, shared: &Shared)
where
    S: AsyncRead + AsyncWrite + Readiness + Unpin,
{
    let cfg = &shared.config;
    let send_deadline = cfg.send_timeout();
    if let Some(reason) = over_limit {
        close_with(&mut ws, POLICY, reason, send_deadline).await;
        return;
    }
    let (id, guard): (_, TapGuard) = match shared.taps.issue(cfg.tap_budget) {
        Ok(issued) => issued,
        Err(e) => {
            info!(error = %e, "no randomness for a session id");
            close_with(
                &mut ws,
                INTERNAL_ERROR,
                "cannot issue a session",
                send_deadline,
            )
            .await;
            return;
        }
    };
    let mut first = Vec::new();
    encode_event(&mut first, &TapEvent::Session(id));
    if !within(send_deadline, ws.send(OpCode::Binary, &first)).await {
        return;
    }
    let claim_by = tokio::time::Instant::now() + cfg.handshake_timeout();
    let idle = cfg.idle_timeout();
    let mut last_traffic = tokio::time::Instant::now();
    let mut shutdown = shared.shutdown.clone();
    let session = guard.session();
    let (code, reason) = loop {
        let claimed = session.claimed();
        tokio::select! {
            () = session.wait() => {
                // Bytes go out in batches at most every 25 ms: a busy connection then
                // costs the tap one message per batch, not one per frame.
                tokio::time::sleep(TAP_BATCH).await;
                let (items, ended) = session.take();
                if !items.is_empty() {
                    last_traffic = tokio::time::Instant::now();
                    if !within(send_deadline, ws.send(OpCode::Binary, &items)).await {
                        return;
                    }
                }
                if ended {
                    break (NORMAL, "the tapped connection ended");
                }
            },
            _ = sleep_until(claim_by), if !claimed => {
                break (POLICY, "no /echo claimed this session in time");
            },
            _ = sleep_until(last_traffic + idle) => break (AWAY, "idle timeout"),
            incoming = ws.next() => if !answer_listener(&mut ws, incoming, send_deadline).await {
                return;
            },
            _ = shutdown.changed() => break (AWAY, "server shutting down"),
        }
    };
    // The session is gone before the closing handshake starts: nothing can claim it any more.
    drop(guard);
    let deadline = if *shared.shutdown.borrow() {
        CLOSE_WAIT
    } else {
        send_deadline
    };
    close_with(&mut ws, code, reason, deadline).await;
}
