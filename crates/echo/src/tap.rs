//! The tap: what really crossed the wire on a connection, for the learner to see.
//!
//! A connection opened with `/echo?session=ID` passes a copy of the raw bytes
//! it reads and writes to the session's channel, but only while a
//! `/tap?session=ID` socket listens. The tap socket sends them on as they
//! were, in batches; the receiver splits them into frames with
//! `wire::decode::Splitter` (the page does; so does the test that proves the
//! split agrees with tungstenite). The handshake, which happens before frames,
//! is sent as a JSON text message. `/echo` itself stays a pure echo.
//!
//! Binary tap messages use the record format of `wire::tap`.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Instant;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::broadcast;

/// Which way bytes went, seen from the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Client to server.
    In,
    /// Server to client.
    Out,
}

/// What a tap subscriber receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TapEvent {
    /// A JSON event (the handshake, the end of the connection).
    Json(String),
    /// Raw bytes that went one way.
    Chunk {
        /// Which way.
        dir: Dir,
        /// Milliseconds since the connection started.
        t_ms: u32,
        /// The bytes.
        bytes: Vec<u8>,
    },
}

/// Sessions and their subscribers.
#[derive(Clone, Default)]
pub struct Taps {
    sessions: Arc<Mutex<HashMap<String, broadcast::Sender<TapEvent>>>>,
}

impl Taps {
    /// The channel of a session, made on first use.
    pub fn channel(&self, session: &str) -> broadcast::Sender<TapEvent> {
        let mut map = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(session.to_owned())
            .or_insert_with(|| broadcast::channel(8192).0)
            .clone()
    }

    /// Forgets a session nobody listens to any more.
    pub fn release(&self, session: &str) {
        let mut map = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if map.get(session).is_some_and(|s| s.receiver_count() == 0) {
            map.remove(session);
        }
    }
}

/// Where a tapped connection's bytes go.
pub struct TapLink {
    events: broadcast::Sender<TapEvent>,
    started: Instant,
}

impl TapLink {
    /// A link to a session's channel, timing from `started`.
    pub fn new(events: broadcast::Sender<TapEvent>, started: Instant) -> Self {
        TapLink { events, started }
    }

    /// Passes bytes on, if anybody listens.
    pub fn send(&self, dir: Dir, bytes: &[u8]) {
        if self.events.receiver_count() > 0 && !bytes.is_empty() {
            let t_ms = u32::try_from(self.started.elapsed().as_millis()).unwrap_or(u32::MAX);
            let _ = self.events.send(TapEvent::Chunk {
                dir,
                t_ms,
                bytes: bytes.to_vec(),
            });
        }
    }
}

impl Drop for TapLink {
    fn drop(&mut self) {
        let t_ms = self.started.elapsed().as_millis();
        let _ = self.events.send(TapEvent::Json(format!(
            "{{\"type\":\"closed\",\"t_ms\":{t_ms}}}"
        )));
    }
}

/// A stream that passes a copy of what it reads and writes to a tap link.
pub struct Tee<S> {
    inner: S,
    tap: Option<TapLink>,
}

impl<S> Tee<S> {
    /// Wraps `inner`; with `tap` None, nothing is copied.
    pub fn new(inner: S, tap: Option<TapLink>) -> Self {
        Tee { inner, tap }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tee<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        if let Some(tap) = &self.tap {
            tap.send(Dir::In, &buf.filled()[before..]);
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tee<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let n = ready!(Pin::new(&mut self.inner).poll_write(cx, data))?;
        if let Some(tap) = &self.tap {
            tap.send(Dir::Out, &data[..n]);
        }
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
