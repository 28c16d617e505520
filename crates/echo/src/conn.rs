//! One connection: the opening handshake (checked and answered with `wire`),
//! then the echo loop (frames by tungstenite), with limits and close codes.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tracing::{debug, info};
use wire::handshake::{check_request, respond};

use crate::config::Config;
use crate::tap::{Dir, TapEvent, TapLink, Taps, Tee};
use wire::tap::encode_record;

/// How long the tap gathers events before sending them.
const TAP_BATCH: Duration = Duration::from_millis(25);

/// The longest opening request read; longer ones get 431.
const MAX_REQUEST: usize = 16 * 1024;

/// What every connection shares.
pub struct Shared {
    /// The configuration.
    pub config: Config,
    /// Open WebSocket connections.
    pub open: AtomicUsize,
    /// Tap sessions.
    pub taps: Taps,
    /// Flips to true on shutdown.
    pub shutdown: watch::Receiver<bool>,
}

/// Which endpoint a request asked for.
enum Endpoint {
    Echo,
    Idle(u64),
    LegacyProxy,
    Tap(String),
    Unknown(String),
}

fn query_pairs(target: &str) -> (String, HashMap<String, String>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let pairs = query
        .split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    (path.to_owned(), pairs)
}

/// Reads the opening request: everything up to the blank line, and any bytes after it.
async fn read_request<S: AsyncRead + Unpin>(
    stream: &mut S,
) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4) {
            let rest = buf.split_off(end);
            return Ok(Some((String::from_utf8_lossy(&buf).into_owned(), rest)));
        }
        if buf.len() > MAX_REQUEST {
            return Ok(None);
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn plain_response<S: AsyncWrite + Unpin>(
    stream: &mut S,
    status: &str,
    extra: &str,
    body: &str,
) {
    let text = format!(
        "HTTP/1.1 {status}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(text.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Serves one accepted connection (plain TCP or TLS) to the end.
pub async fn handle<S>(mut stream: S, peer: SocketAddr, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let cfg = &shared.config;
    let request =
        match tokio::time::timeout(cfg.handshake_timeout(), read_request(&mut stream)).await {
            Err(_) => {
                debug!(%peer, "handshake timed out");
                return;
            }
            Ok(Err(_)) => return,
            Ok(Ok(None)) => {
                plain_response(
                    &mut stream,
                    "431 Request Header Fields Too Large",
                    "",
                    "the opening request is too long\n",
                )
                .await;
                return;
            }
            Ok(Ok(Some(r))) => r,
        };
    let (text, leftover) = request;
    let check = check_request(&text);
    let (path, query) = query_pairs(&check.request.target);
    let endpoint = match path.as_str() {
        "/echo" => Endpoint::Echo,
        "/idle" => Endpoint::Idle(
            query
                .get("timeout")
                .and_then(|t| t.parse().ok())
                .unwrap_or(5)
                .clamp(1, 3600),
        ),
        "/legacy-proxy" => Endpoint::LegacyProxy,
        "/tap" => Endpoint::Tap(query.get("session").cloned().unwrap_or_default()),
        other => Endpoint::Unknown(other.to_owned()),
    };
    if let Endpoint::LegacyProxy = endpoint {
        // An old proxy that does not know Upgrade: it answers with an ordinary page.
        let body = "<html><body>Welcome to the corporate proxy. (Upgrade: websocket? Never heard of it.)</body></html>\n";
        let text = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(text.as_bytes()).await;
        let _ = stream.shutdown().await;
        return;
    }
    if let Endpoint::Unknown(p) = &endpoint {
        plain_response(
            &mut stream,
            "404 Not Found",
            "",
            &format!("no WebSocket endpoint at {p}; try /echo\n"),
        )
        .await;
        return;
    }
    if let Some(origin) = &check.request.origin
        && !cfg.origin_allowed(origin)
    {
        info!(%peer, %origin, "refused origin");
        plain_response(
            &mut stream,
            "403 Forbidden",
            "",
            &format!("pages from {origin} may not connect here\n"),
        )
        .await;
        return;
    }
    let protocols: Vec<&str> = cfg.protocols.iter().map(String::as_str).collect();
    let answer = respond(&check, &protocols);
    if answer.status != 101 {
        let _ = stream.write_all(answer.text.as_bytes()).await;
        let _ = stream.shutdown().await;
        return;
    }
    if stream.write_all(answer.text.as_bytes()).await.is_err() {
        return;
    }

    let ws_config = WebSocketConfig::default()
        .max_message_size(Some(cfg.max_message))
        .max_frame_size(Some(cfg.max_frame));
    match endpoint {
        Endpoint::Tap(session) => {
            let ws = WebSocketStream::from_partially_read(
                Tee::new(stream, None),
                leftover,
                Role::Server,
                Some(ws_config),
            )
            .await;
            serve_tap(ws, session, shared.clone()).await;
        }
        Endpoint::Echo | Endpoint::Idle(_) => {
            let started = Instant::now();
            let session = query.get("session").filter(|s| !s.is_empty()).cloned();
            let tap = session.as_ref().map(|s| {
                let events = shared.taps.channel(s);
                let accept = wire::handshake::accept_key(check.request.key.as_deref().unwrap_or_default());
                let handshake = json!({
                    "type": "handshake", "peer": peer.to_string(), "request": text, "response": answer.text,
                    "accept": accept, "t_ms": 0,
                });
                let _ = events.send(TapEvent::Json(handshake.to_string()));
                TapLink::new(events, started)
            });
            // The bytes already read past the handshake belong to the first frames.
            if let Some(tap) = &tap {
                tap.send(Dir::In, &leftover);
            }
            let ws = WebSocketStream::from_partially_read(
                Tee::new(stream, tap),
                leftover,
                Role::Server,
                Some(ws_config),
            )
            .await;
            let ping = query
                .get("ping")
                .and_then(|p| p.parse::<u64>().ok())
                .filter(|p| *p > 0);
            let close_after = query
                .get("close")
                .and_then(|p| p.parse::<u64>().ok())
                .map(Duration::from_secs);
            let silence = match endpoint {
                Endpoint::Idle(secs) => Some(Duration::from_secs(secs)),
                _ => None,
            };
            let over_limit = shared.open.fetch_add(1, Ordering::SeqCst) >= cfg.max_connections;
            echo(
                ws,
                Timers {
                    ping,
                    silence,
                    close_after,
                },
                over_limit,
                &shared,
                started,
            )
            .await;
            shared.open.fetch_sub(1, Ordering::SeqCst);
            if let Some(s) = session {
                shared.taps.release(&s);
            }
        }
        Endpoint::LegacyProxy | Endpoint::Unknown(_) => {}
    }
}

/// The close code and reason for an error tungstenite reports (it reports
/// protocol errors to the caller instead of closing).
fn close_for(err: &WsError) -> Option<(CloseCode, &'static str)> {
    match err {
        WsError::Utf8(_) => Some((CloseCode::Invalid, "text message is not valid UTF-8")),
        WsError::Capacity(CapacityError::MessageTooLong { .. }) => {
            Some((CloseCode::Size, "message too big"))
        }
        WsError::Capacity(_) => Some((CloseCode::Size, "frame too big")),
        WsError::Protocol(_) => Some((CloseCode::Protocol, "protocol error")),
        _ => None,
    }
}

async fn close_with<S>(ws: &mut WebSocketStream<S>, code: CloseCode, reason: &'static str)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let _ = ws
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
    let _ = ws.flush().await;
}

/// What the echo loop does on its own: ping every N seconds, drop the
/// connection after a silence (the idle demo), close first after a while.
struct Timers {
    ping: Option<u64>,
    silence: Option<Duration>,
    close_after: Option<Duration>,
}

/// The echo loop: every text and binary message goes back unchanged.
async fn echo<S>(
    mut ws: WebSocketStream<S>,
    timers: Timers,
    over_limit: bool,
    shared: &Shared,
    started: Instant,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let Timers {
        ping,
        silence,
        close_after,
    } = timers;
    let close_at = close_after.map(|d| tokio::time::Instant::now() + d);
    if over_limit {
        close_with(&mut ws, CloseCode::Policy, "too many connections").await;
        return;
    }
    let mut shutdown = shared.shutdown.clone();
    let idle = shared.config.idle_timeout();
    let mut pinger = ping.map(|secs| {
        tokio::time::interval_at(
            tokio::time::Instant::now() + Duration::from_secs(secs),
            Duration::from_secs(secs),
        )
    });
    let mut last_traffic = tokio::time::Instant::now();
    loop {
        // The idle endpoint plays a proxy that drops connections silent for too long, in either direction.
        let quiet_for = silence.unwrap_or(idle);
        let deadline = last_traffic + quiet_for;
        tokio::select! {
            msg = ws.next() => match msg {
                None => return,
                Some(Ok(m @ (Message::Text(_) | Message::Binary(_)))) => {
                    last_traffic = tokio::time::Instant::now();
                    if ws.send(m).await.is_err() {
                        return;
                    }
                }
                Some(Ok(Message::Close(_))) => {
                    // tungstenite has queued the answering Close; flushing sends it.
                    let _ = ws.flush().await;
                    return;
                }
                Some(Ok(_)) => last_traffic = tokio::time::Instant::now(),
                Some(Err(e)) => {
                    if let Some((code, reason)) = close_for(&e) {
                        close_with(&mut ws, code, reason).await;
                    }
                    debug!(error = %e, "connection ended");
                    return;
                }
            },
            _ = async { pinger.as_mut().unwrap().tick().await }, if pinger.is_some() => {
                let stamp = (started.elapsed().as_millis() as u64).to_be_bytes();
                if ws.send(Message::Ping(Bytes::copy_from_slice(&stamp))).await.is_err() {
                    return;
                }
                if silence.is_some() {
                    last_traffic = tokio::time::Instant::now();
                }
            },
            _ = tokio::time::sleep_until(deadline) => {
                if silence.is_some() {
                    // A proxy just cuts the TCP connection: no Close frame.
                    return;
                }
                close_with(&mut ws, CloseCode::Away, "idle timeout").await;
                return;
            },
            _ = async { tokio::time::sleep_until(close_at.unwrap()).await }, if close_at.is_some() => {
                // The server closes first: the browser answers the Close by itself.
                close_with(&mut ws, CloseCode::Normal, "the server is done").await;
                while let Some(Ok(m)) = ws.next().await {
                    if m.is_close() {
                        break;
                    }
                }
                return;
            },
            _ = shutdown.changed() => {
                close_with(&mut ws, CloseCode::Away, "server shutting down").await;
                return;
            },
        }
    }
}

/// A tap socket: forwards a session's events as JSON text messages.
async fn serve_tap<S>(mut ws: WebSocketStream<S>, session: String, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    if session.is_empty() {
        close_with(&mut ws, CloseCode::Policy, "tap needs ?session=ID").await;
        return;
    }
    let mut events = shared.taps.channel(&session).subscribe();
    let mut shutdown = shared.shutdown.clone();
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(first) => {
                    // Events go out in batches at most every 25 ms: a busy connection then
                    // costs the tap one message per batch, not one per frame. Raw chunks
                    // travel together in one binary message; JSON events as text.
                    tokio::time::sleep(TAP_BATCH).await;
                    let mut texts = Vec::new();
                    let mut chunks = Vec::new();
                    let mut next = Some(first);
                    while let Some(event) = next.take() {
                        match event {
                            TapEvent::Json(t) => texts.push(t),
                            TapEvent::Chunk { dir, t_ms, bytes } => encode_record(&mut chunks, dir == Dir::In, t_ms, &bytes),
                        }
                        if chunks.len() < (1 << 20) {
                            next = events.try_recv().ok();
                        }
                    }
                    // The handshake comes before the frames, the end after them.
                    let (end, start): (Vec<String>, Vec<String>) = texts.into_iter().partition(|t| t.contains("\"closed\""));
                    for t in start {
                        if ws.send(Message::Text(t.into())).await.is_err() { return finish(&shared, &session) }
                    }
                    if !chunks.is_empty() && ws.send(Message::Binary(chunks.into())).await.is_err() {
                        return finish(&shared, &session);
                    }
                    for t in end {
                        if ws.send(Message::Text(t.into())).await.is_err() { return finish(&shared, &session) }
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    let note = json!({ "type": "lagged", "missed": n }).to_string();
                    if ws.send(Message::Text(note.into())).await.is_err() { break }
                }
                Err(_) => break,
            },
            msg = ws.next() => match msg {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            _ = shutdown.changed() => {
                close_with(&mut ws, CloseCode::Away, "server shutting down").await;
                break;
            },
        }
    }
    drop(events);
    finish(&shared, &session);
}

fn finish(shared: &Shared, session: &str) {
    shared.taps.release(session);
}
