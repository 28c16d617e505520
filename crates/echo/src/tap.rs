//! The tap: what really crossed the wire on a connection, for the learner who
//! opened it, and nobody else.
//!
//! The page opens `/tap`; the server issues a fresh session (128 bits from
//! the OS) and sends it as the first item. The page then opens
//! `/echo?session=<id>`, which claims the session before its 101 is written,
//! so the tap never misses the handshake. One tap and one echo per session:
//! an unknown, expired or already claimed id is refused. A session that no
//! echo claims in time expires.
//!
//! The echo connection's [`Tee`] copies the raw bytes it reads and writes into
//! the session's buffer, already encoded as `wire::tap` items, but only while
//! the tap is attached. The buffer has a byte budget: a tap that falls behind
//! loses bytes, and the next bytes of that direction start at a frame boundary
//! (found by `wire::decode::Boundaries`) after a `Lagged` event.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, ready};
use std::time::Instant;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use wire::decode::Boundaries;
use wire::tap::{Direction, SessionId, TapEvent, encode_bytes, encode_event};

use crate::ws::Readiness;

/// What a tap holds at most before it drops bytes, by default.
pub const DEFAULT_TAP_BUDGET: usize = 4 << 20;

/// Why `/echo?session=` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimError {
    /// No tap issued this id, or its time to be claimed ran out.
    Unknown,
    /// Another echo connection already claimed it.
    Claimed,
    /// The id carries another instance's number (`--instance`): its tap is
    /// on that instance, and sessions live in the memory of the one that issued them.
    OtherInstance {
        /// The instance the id names.
        issued_by: u16,
        /// This instance.
        here: u16,
    },
}

impl ClaimError {
    /// The reason the server answers with.
    pub fn reason(self) -> String {
        match self {
            ClaimError::Unknown => {
                "no tap issued this session, or it expired: open /tap first and use the id it sends within the claim time".to_owned()
            }
            ClaimError::Claimed => "this session is already tapping another connection".to_owned(),
            ClaimError::OtherInstance { issued_by, here } => format!(
                "this session was issued by wslab-echo instance {issued_by} (its first four hex digits), but this is instance {here}: a tap and its /echo must reach the same instance, so route /echo?session= by those digits (README, Deploying)"
            ),
        }
    }
}

/// The state a tap and its echo connection share.
#[derive(Debug, Default)]
struct Buffered {
    /// Encoded tap items waiting to be sent.
    items: Vec<u8>,
    /// The echo connection claimed the session.
    claimed: bool,
    /// The echo connection ended: after `items`, nothing more comes.
    ended: bool,
    /// The tap socket is gone: stop copying.
    detached: bool,
}

/// One session: a tap socket and (once claimed) an echo connection.
#[derive(Debug)]
pub struct Session {
    state: Mutex<Buffered>,
    ready: Notify,
    budget: usize,
}

impl Session {
    fn lock(&self) -> MutexGuard<'_, Buffered> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes what is buffered, and whether the echo connection ended.
    pub fn take(&self) -> (Vec<u8>, bool) {
        let mut s = self.lock();
        (std::mem::take(&mut s.items), s.ended)
    }

    /// Waits until something is buffered (returns at once if something is).
    pub async fn wait(&self) {
        self.ready.notified().await
    }

    /// Whether an echo connection claimed the session.
    pub fn claimed(&self) -> bool {
        self.lock().claimed
    }

    fn push_event(&self, event: &TapEvent) {
        let mut s = self.lock();
        if !s.detached {
            let first_of_batch = s.items.is_empty();
            encode_event(&mut s.items, event);
            drop(s);
            if first_of_batch {
                self.ready.notify_one();
            }
        }
    }
}

/// Sessions by id.
#[derive(Clone, Default)]
pub struct Taps {
    sessions: Arc<Mutex<HashMap<SessionId, Arc<Session>>>>,
    /// This instance's number (`--instance`), written into the first two
    /// bytes of every id it issues.
    instance: Option<u16>,
}

impl Taps {
    fn map(&self) -> MutexGuard<'_, HashMap<SessionId, Arc<Session>>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The sessions of one instance; with `instance`, every id starts with
    /// that number (two bytes, four hex digits), so a load balancer can route
    /// a session's `/echo` to the instance whose `/tap` issued it.
    pub fn new(instance: Option<u16>) -> Taps {
        Taps {
            instance,
            ..Taps::default()
        }
    }

    /// Issues a new session for a tap socket, with a byte budget. The id is
    /// 128 bits from the operating system's random source (112 when the
    /// first two are the instance's number).
    pub fn issue(&self, budget: usize) -> io::Result<(SessionId, TapGuard)> {
        let mut id = [0u8; 16];
        getrandom::fill(&mut id).map_err(io::Error::other)?;
        if let Some(n) = self.instance {
            id[..2].copy_from_slice(&n.to_be_bytes());
        }
        let id = SessionId(id);
        let session = Arc::new(Session {
            state: Mutex::new(Buffered::default()),
            ready: Notify::new(),
            budget,
        });
        self.map().insert(id, session.clone());
        Ok((
            id,
            TapGuard {
                taps: self.clone(),
                id,
                session,
            },
        ))
    }

    /// Claims a session for an echo connection.
    pub fn claim(&self, id: &SessionId) -> Result<Arc<Session>, ClaimError> {
        let found = self.map().get(id).cloned();
        let session = found.ok_or_else(|| {
            let issued_by = u16::from_be_bytes([id.0[0], id.0[1]]);
            match self.instance {
                Some(here) if here != issued_by => ClaimError::OtherInstance { issued_by, here },
                _ => ClaimError::Unknown,
            }
        })?;
        let mut s = session.lock();
        if s.claimed {
            return Err(ClaimError::Claimed);
        }
        s.claimed = true;
        drop(s);
        Ok(session)
    }

    /// How many sessions exist (for tests of the clean-up).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.map().len()
    }
}

/// Held by the tap socket: dropping it forgets the session and tells the
/// echo connection to stop copying, whatever way the tap ends.
pub struct TapGuard {
    taps: Taps,
    id: SessionId,
    session: Arc<Session>,
}

impl TapGuard {
    /// The session.
    pub fn session(&self) -> &Session {
        &self.session
    }
}

impl Drop for TapGuard {
    fn drop(&mut self) {
        self.taps.map().remove(&self.id);
        let mut s = self.session.lock();
        s.detached = true;
        s.items = Vec::new();
    }
}

/// Per direction: where frames start, and how much was dropped since the
/// tap fell behind.
#[derive(Default)]
struct Lane {
    boundaries: Boundaries,
    dropped: u64,
}

/// The echo connection's end of a session.
pub struct TapLink {
    session: Arc<Session>,
    started: Instant,
    lanes: [Lane; 2],
}

impl TapLink {
    /// A link to a claimed session, timing from `started`.
    pub fn new(session: Arc<Session>, started: Instant) -> Self {
        TapLink {
            session,
            started,
            lanes: Default::default(),
        }
    }

    fn t_ms(&self) -> u32 {
        u32::try_from(self.started.elapsed().as_millis()).unwrap_or(u32::MAX)
    }

    /// Reports the handshake (the request already redacted).
    pub fn handshake(&self, request: String, response: String) {
        self.session.push_event(&TapEvent::Handshake {
            t_ms: self.t_ms(),
            request,
            response,
        });
    }

    /// Passes bytes on within the budget. Over it, the bytes are dropped and
    /// counted; copying starts again at the first frame boundary once half
    /// the budget is free, after a `Lagged` event.
    pub fn send(&mut self, from: Direction, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let t_ms = self.t_ms();
        let lane = &mut self.lanes[usize::from(from == Direction::FromServer)];
        let first_frame = lane.boundaries.push(bytes);
        let mut s = self.session.lock();
        if s.detached {
            return;
        }
        let budget = self.session.budget;
        // The tap is woken once per batch: by the item that finds the buffer empty.
        let first_of_batch = s.items.is_empty();
        if lane.dropped > 0 {
            match first_frame {
                Some(k) if s.items.len() + (bytes.len() - k) <= budget / 2 => {
                    encode_event(
                        &mut s.items,
                        &TapEvent::Lagged {
                            t_ms,
                            from,
                            dropped: lane.dropped + k as u64,
                        },
                    );
                    lane.dropped = 0;
                    encode_bytes(&mut s.items, from, t_ms, &bytes[k..]);
                }
                _ => {
                    lane.dropped = lane.dropped.saturating_add(bytes.len() as u64);
                    return;
                }
            }
        } else if s.items.len().saturating_add(bytes.len()) > budget {
            lane.dropped = bytes.len() as u64;
            return;
        } else {
            encode_bytes(&mut s.items, from, t_ms, bytes);
        }
        drop(s);
        if first_of_batch {
            self.session.ready.notify_one();
        }
    }
}

impl Drop for TapLink {
    fn drop(&mut self) {
        let t_ms = self.t_ms();
        self.session.push_event(&TapEvent::Closed { t_ms });
        self.session.lock().ended = true;
        self.session.ready.notify_one();
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

impl<S: Readiness> Readiness for Tee<S> {
    const SIGNALS: bool = S::SIGNALS;

    fn poll_read_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.poll_read_ready(cx)
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
        if let Some(tap) = &mut self.tap {
            tap.send(Direction::FromClient, &buf.filled()[before..]);
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
        if let Some(tap) = &mut self.tap {
            tap.send(Direction::FromServer, &data[..n]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use wire::tap::{TapItem, decode};

    fn frame(n: usize) -> Vec<u8> {
        wire::Frame::new(wire::OpCode::Binary, vec![1; n])
            .masked([9, 9, 9, 9])
            .encode()
    }

    #[test]
    fn a_tap_that_falls_behind_drops_bytes_and_starts_again_at_a_frame() {
        let taps = Taps::default();
        let (id, guard) = taps.issue(1000).unwrap();
        let mut link = TapLink::new(taps.claim(&id).unwrap(), Instant::now());
        let first = frame(600);
        link.send(Direction::FromClient, &first);
        // Over the budget: dropped, even the start of the next frame.
        link.send(Direction::FromClient, &first);
        let big = frame(300);
        link.send(Direction::FromClient, &big[..10]);
        assert_eq!(guard.session().take().0.len(), 5 + 4 + first.len());
        // Mid-frame: still dropped; then a whole frame fits and is passed on.
        link.send(Direction::FromClient, &big[10..]);
        let next = frame(5);
        link.send(Direction::FromClient, &next);
        let (items, _) = decode(&guard.session().take().0);
        assert_eq!(
            items,
            [
                TapItem::Event(TapEvent::Lagged {
                    t_ms: items.first().map_or(0, |i| match i {
                        TapItem::Event(TapEvent::Lagged { t_ms, .. }) => *t_ms,
                        _ => 0,
                    }),
                    from: Direction::FromClient,
                    dropped: (first.len() + big.len()) as u64,
                }),
                TapItem::Bytes {
                    from: Direction::FromClient,
                    t_ms: match &items[1] {
                        TapItem::Bytes { t_ms, .. } => *t_ms,
                        _ => 0,
                    },
                    bytes: next,
                },
            ]
        );
    }

    #[test]
    fn sessions_are_claimed_once_and_forgotten_with_their_tap() {
        let taps = Taps::default();
        let (id, guard) = taps.issue(DEFAULT_TAP_BUDGET).unwrap();
        let (other, _g2) = taps.issue(DEFAULT_TAP_BUDGET).unwrap();
        assert_ne!(id, other);
        assert!(taps.claim(&id).is_ok());
        assert_eq!(taps.claim(&id).err(), Some(ClaimError::Claimed));
        assert_eq!(
            taps.claim(&SessionId([0; 16])).err(),
            Some(ClaimError::Unknown)
        );
        drop(guard);
        assert_eq!(taps.claim(&id).err(), Some(ClaimError::Unknown));
        assert_eq!(taps.len(), 1);
    }
}
