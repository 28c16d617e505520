//! What every connection shares, and the pieces both the echo connections
//! (`conn`) and conformance runs (`lab`) use: the socket budget and its
//! guard, and the helpers that send with a deadline and close cleanly.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;
use tokio::time::timeout;
use wire::OpCode;

use crate::config::Config;
use crate::tap::Taps;
use crate::ws::{Failure, Incoming, Readiness, WebSocket};

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
    /// Conformance runs going on (`/probe`).
    pub probe_runs: AtomicUsize,
    /// The client lab's results, by agent.
    pub client_runs: crate::client_lab::ClientRuns,
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

/// Whether a send finished within `deadline`.
pub async fn within(deadline: Duration, send: impl Future<Output = std::io::Result<()>>) -> bool {
    matches!(timeout(deadline, send).await, Ok(Ok(())))
}

/// Sends a Close frame, then waits (up to [`CLOSE_WAIT`]) for the peer's
/// Close, so that the client sees a clean closing handshake, not a reset.
/// When the frame that failed was itself the peer's Close, both Closes have
/// now crossed: the TCP connection closes at once (RFC 6455 §7.1.1, §5.5.1).
pub async fn close_with<S>(ws: &mut WebSocket<S>, code: u16, reason: &str, deadline: Duration)
where
    S: AsyncRead + AsyncWrite + Readiness + Unpin,
{
    if !within(deadline, ws.send_close(code, reason)).await || ws.peer_closed() {
        return;
    }
    let _ = timeout(CLOSE_WAIT, async {
        while let Ok(m) = ws.next().await {
            if let Incoming::Close(_) = m {
                break;
            }
        }
    })
    .await;
}

/// Answers what the page sends on a socket where only the server talks (the
/// tap, a conformance run): Pings get Pongs, other messages are ignored, a
/// Close is answered. False when the connection is over.
pub async fn answer_listener<S>(
    ws: &mut WebSocket<S>,
    incoming: Result<Incoming, Failure>,
    deadline: Duration,
) -> bool
where
    S: AsyncRead + AsyncWrite + Readiness + Unpin,
{
    match incoming {
        Ok(Incoming::Close(_)) => {
            let _ = within(deadline, ws.send_back(OpCode::Close)).await;
            false
        }
        Ok(Incoming::Ping) => within(deadline, ws.send_back(OpCode::Pong)).await,
        Ok(_) => true,
        Err(Failure::Protocol { code, reason }) => {
            close_with(ws, code, &reason, deadline).await;
            false
        }
        Err(Failure::Io(_)) => false,
    }
}
