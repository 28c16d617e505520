//! One connection: the opening handshake (checked and answered with `wire`),
//! then the echo loop (frames by tungstenite) or the tap, with limits,
//! deadlines and close codes.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;
use tokio::time::{sleep_until, timeout};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tracing::{debug, info};
use wire::endpoint::{EchoOptions, Endpoint, EndpointError};
use wire::handshake::{HeadRead, HeadReader, check_request, respond};
use wire::tap::{Direction, TapEvent, encode_event, redact_request};

use crate::config::Config;
use crate::tap::{TapGuard, TapLink, Taps, Tee};

/// How long the tap gathers bytes before sending them.
const TAP_BATCH: Duration = Duration::from_millis(25);

/// The longest opening request read; longer ones get 431.
const MAX_REQUEST: usize = 16 * 1024;

/// What tungstenite gathers before it writes to the socket.
const WRITE_BATCH: usize = 128 << 10;

/// How long the server waits for the peer's Close after sending its own.
pub const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// What every connection shares.
pub struct Shared {
    /// The configuration.
    pub config: Config,
    /// Every accepted socket, whatever it is doing: handshakes (HTTP and
    /// TLS), echo connections and taps.
    pub sockets: AtomicUsize,
    /// Accepted sockets by client address, for `--max-per-ip`.
    pub per_ip: Mutex<HashMap<IpAddr, usize>>,
    /// Tap sessions.
    pub taps: Taps,
    /// Flips to true on shutdown.
    pub shutdown: watch::Receiver<bool>,
}

/// Sockets beyond `--max-connections` that are still served a handshake, to
/// be told why they are refused (close 1008); past them, sockets are closed
/// at once. The handshake timeout bounds how long they stay.
pub const GRACE: usize = 64;

/// The same band for one address over `--max-per-ip`.
pub const GRACE_PER_IP: usize = 8;

/// What the socket budget says of a newly accepted socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Within every limit.
    Within,
    /// Over a limit: the handshake is answered, then closed with 1008 and this reason.
    Over(&'static str),
    /// Far over: closed at once, without a word.
    Refused,
}

/// Counts one accepted socket, and its address, for as long as it lives: no
/// early return, panic or cancellation can leak the count.
pub struct SocketGuard {
    shared: Arc<Shared>,
    ip: IpAddr,
}

impl SocketGuard {
    /// Counts a new socket from `ip` and says whether it is within the budget.
    pub fn admit(shared: &Arc<Shared>, ip: IpAddr) -> (SocketGuard, Admission) {
        let total = shared.sockets.fetch_add(1, Ordering::SeqCst);
        let from_ip = {
            let mut map = shared.per_ip.lock().unwrap_or_else(|p| p.into_inner());
            let n = map.entry(ip).or_insert(0);
            *n += 1;
            *n
        };
        let guard = SocketGuard {
            shared: shared.clone(),
            ip,
        };
        let max = shared.config.max_connections;
        let per_ip = shared.config.max_per_ip;
        let admission = if total >= max.saturating_add(GRACE)
            || (per_ip > 0 && from_ip > per_ip.saturating_add(GRACE_PER_IP))
        {
            Admission::Refused
        } else if total >= max {
            Admission::Over("too many connections")
        } else if per_ip > 0 && from_ip > per_ip {
            Admission::Over("too many connections from your address")
        } else {
            Admission::Within
        };
        (guard, admission)
    }
}

impl Drop for SocketGuard {
    fn drop(&mut self) {
        self.shared.sockets.fetch_sub(1, Ordering::SeqCst);
        let mut map = self.shared.per_ip.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

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
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
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
    let answer = respond(&check, &protocols);
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

    // The write buffer may hold what is batched plus one whole echoed message
    // (with its header), and no more; tungstenite requires the limit to be above the batch.
    let ws_config = WebSocketConfig::default()
        .max_message_size(Some(cfg.max_message))
        .max_frame_size(Some(cfg.max_frame))
        .write_buffer_size(WRITE_BATCH)
        .max_write_buffer_size(
            WRITE_BATCH
                .saturating_add(cfg.max_message)
                .saturating_add(14),
        );
    let over_limit = match admission {
        Admission::Over(reason) => Some(reason),
        Admission::Within | Admission::Refused => None,
    };
    match endpoint {
        Endpoint::Tap => {
            let ws = WebSocketStream::from_partially_read(
                Tee::new(stream, None),
                leftover,
                Role::Server,
                Some(ws_config),
            )
            .await;
            serve_tap(ws, over_limit, &shared).await;
        }
        Endpoint::Echo(opts) | Endpoint::Idle { echo: opts, .. } => {
            let link = link.map(|mut link| {
                link.handshake(redact_request(&text), answer.text.clone());
                // The bytes already read past the handshake belong to the first frames.
                link.send(Direction::FromClient, &leftover);
                link
            });
            let ws = WebSocketStream::from_partially_read(
                Tee::new(stream, link),
                leftover,
                Role::Server,
                Some(ws_config),
            )
            .await;
            let silence = match endpoint {
                Endpoint::Idle { timeout, .. } => Some(Duration::from_secs(u64::from(timeout))),
                _ => None,
            };
            echo(ws, &opts, silence, over_limit, &shared, started).await;
        }
        Endpoint::LegacyProxy => {}
    }
}

/// The close code and reason for an error tungstenite reports (it reports
/// protocol errors to the caller instead of closing).
fn close_for(err: &WsError, cfg: &Config) -> Option<(CloseCode, &'static str)> {
    match err {
        WsError::Utf8(_) => Some((CloseCode::Invalid, "text message is not valid UTF-8")),
        // tungstenite reports a 64-bit length with its top bit set as too long;
        // RFC 6455 §5.2 makes it a protocol error.
        WsError::Capacity(CapacityError::MessageTooLong { size, .. })
            if (*size as u64) >> 63 == 1 =>
        {
            Some((
                CloseCode::Protocol,
                "the 64-bit payload length has its top bit set",
            ))
        }
        // The frame limit is checked on each header, the message limit on the sum.
        WsError::Capacity(CapacityError::MessageTooLong { max_size, .. })
            if *max_size == cfg.max_frame && cfg.max_frame < cfg.max_message =>
        {
            Some((CloseCode::Size, "frame too big"))
        }
        WsError::Capacity(_) => Some((CloseCode::Size, "message too big")),
        WsError::Protocol(_) => Some((CloseCode::Protocol, "protocol error")),
        _ => None,
    }
}

/// Sends a message within the send deadline; false when it failed or timed out.
async fn send_within<S>(ws: &mut WebSocketStream<S>, msg: Message, deadline: Duration) -> bool
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    matches!(timeout(deadline, ws.send(msg)).await, Ok(Ok(())))
}

/// Sends a Close frame, then waits (up to [`CLOSE_WAIT`]) for the peer's
/// Close, so that the client sees a clean closing handshake, not a reset.
async fn close_with<S>(
    ws: &mut WebSocketStream<S>,
    code: CloseCode,
    reason: &'static str,
    deadline: Duration,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let close = Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }));
    if !send_within(ws, close, deadline).await {
        return;
    }
    let _ = timeout(CLOSE_WAIT, async {
        while let Some(Ok(m)) = ws.next().await {
            if m.is_close() {
                break;
            }
        }
    })
    .await;
}

/// The echo loop: every text and binary message goes back unchanged.
async fn echo<S>(
    mut ws: WebSocketStream<S>,
    opts: &EchoOptions,
    silence: Option<Duration>,
    over_limit: Option<&'static str>,
    shared: &Shared,
    started: Instant,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let send_deadline = shared.config.send_timeout();
    if let Some(reason) = over_limit {
        close_with(&mut ws, CloseCode::Policy, reason, send_deadline).await;
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
            msg = ws.next() => match msg {
                None => return,
                Some(Ok(m @ (Message::Text(_) | Message::Binary(_)))) => {
                    last_traffic = tokio::time::Instant::now();
                    if !send_within(&mut ws, m, send_deadline).await {
                        debug!("send deadline passed: the client stopped reading");
                        return;
                    }
                }
                Some(Ok(Message::Close(_))) => {
                    // tungstenite has queued the answering Close; flushing sends it.
                    let _ = timeout(send_deadline, ws.flush()).await;
                    return;
                }
                Some(Ok(_)) => last_traffic = tokio::time::Instant::now(),
                Some(Err(e)) => {
                    if let Some((code, reason)) = close_for(&e, &shared.config) {
                        close_with(&mut ws, code, reason, send_deadline).await;
                    }
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
                if !send_within(&mut ws, Message::Ping(Bytes::copy_from_slice(&stamp)), send_deadline).await {
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
                close_with(&mut ws, CloseCode::Away, "idle timeout", send_deadline).await;
                return;
            },
            _ = async { sleep_until(close_at.unwrap_or(now)).await }, if close_at.is_some() => {
                // The server closes first: the browser answers the Close by itself.
                close_with(&mut ws, CloseCode::Normal, "the server is done", send_deadline).await;
                return;
            },
            _ = shutdown.changed() => {
                // The server waits CLOSE_WAIT for everyone; a blocked client is cut then.
                close_with(&mut ws, CloseCode::Away, "server shutting down", CLOSE_WAIT).await;
                return;
            },
        }
    }
}

/// A tap socket: issues a session, then passes on what the echo connection
/// that claims it reads and writes, in binary messages of `wire::tap` items.
async fn serve_tap<S>(mut ws: WebSocketStream<S>, over_limit: Option<&'static str>, shared: &Shared)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let cfg = &shared.config;
    let send_deadline = cfg.send_timeout();
    if let Some(reason) = over_limit {
        close_with(&mut ws, CloseCode::Policy, reason, send_deadline).await;
        return;
    }
    let (id, guard): (_, TapGuard) = match shared.taps.issue(cfg.tap_budget) {
        Ok(issued) => issued,
        Err(e) => {
            info!(error = %e, "no randomness for a session id");
            close_with(
                &mut ws,
                CloseCode::Error,
                "cannot issue a session",
                send_deadline,
            )
            .await;
            return;
        }
    };
    let mut first = Vec::new();
    encode_event(&mut first, &TapEvent::Session(id));
    if !send_within(&mut ws, Message::Binary(first.into()), send_deadline).await {
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
                    if !send_within(&mut ws, Message::Binary(items.into()), send_deadline).await {
                        return;
                    }
                }
                if ended {
                    break (CloseCode::Normal, "the tapped connection ended");
                }
            },
            _ = sleep_until(claim_by), if !claimed => {
                break (CloseCode::Policy, "no /echo claimed this session in time");
            },
            _ = sleep_until(last_traffic + idle) => break (CloseCode::Away, "idle timeout"),
            msg = ws.next() => match msg {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            _ = shutdown.changed() => break (CloseCode::Away, "server shutting down"),
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
