//! The tap protocol of wslab-echo (not part of RFC 6455): what crossed the
//! wire on one connection, passed on to the page that opened it. wslab-echo
//! writes it and the page reads it; both use the types here, so there is one
//! definition.
//!
//! A tap socket carries binary messages only. Each message is a run of items,
//! and every item has the same frame: a tag (1 byte), the length of its body
//! (u32, big-endian), then the body. Integers are big-endian; a string is its
//! length (u32) and its UTF-8 bytes.
//!
//! | tag | item | body |
//! |---|---|---|
//! | 0 | bytes from the client | milliseconds since the connection started (u32), the bytes |
//! | 1 | bytes from the server | the same |
//! | 2 | [`TapEvent::Session`] | the 16-byte session id |
//! | 3 | [`TapEvent::Handshake`] | milliseconds (u32), request (string), response (string) |
//! | 4 | [`TapEvent::Lagged`] | milliseconds (u32), direction (0 client, 1 server), bytes dropped (u64) |
//! | 5 | [`TapEvent::Closed`] | milliseconds (u32) |
//!
//! The raw bytes are passed on as they were; the page splits them into
//! frames with [`crate::decode::Splitter`]. After a `Lagged` event the next
//! bytes of that direction start at a frame boundary, so the page starts a
//! new splitter there.

use std::fmt;
use std::str::FromStr;

use crate::decode::Role;

/// Which way bytes went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the client (the browser) to the server.
    FromClient,
    /// From the server to the client.
    FromServer,
}

impl Direction {
    /// Who sent the bytes: it decides the masking rule they follow.
    pub fn sender(self) -> Role {
        match self {
            Direction::FromClient => Role::Client,
            Direction::FromServer => Role::Server,
        }
    }

    /// `"client → server"` or `"server → client"`, as every page writes it.
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::FromClient => "client → server",
            Direction::FromServer => "server → client",
        }
    }

    fn byte(self) -> u8 {
        match self {
            Direction::FromClient => 0,
            Direction::FromServer => 1,
        }
    }

    fn from_byte(b: u8) -> Option<Direction> {
        match b {
            0 => Some(Direction::FromClient),
            1 => Some(Direction::FromServer),
            _ => None,
        }
    }
}

/// A tap session: 128 random bits that the server issues to the tap socket
/// and that the page then passes to `/echo`. Written as 32 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionId(pub [u8; 16]);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionId({self})")
    }
}

/// Text that is not a session id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a session id is 32 hexadecimal digits")]
pub struct BadSessionId;

impl FromStr for SessionId {
    type Err = BadSessionId;

    fn from_str(s: &str) -> Result<SessionId, BadSessionId> {
        let digits = s.as_bytes();
        if digits.len() != 32 {
            return Err(BadSessionId);
        }
        let mut id = [0u8; 16];
        for (out, pair) in id.iter_mut().zip(digits.chunks_exact(2)) {
            let text = std::str::from_utf8(pair).map_err(|_| BadSessionId)?;
            *out = u8::from_str_radix(text, 16).map_err(|_| BadSessionId)?;
        }
        Ok(SessionId(id))
    }
}

/// Something the server reports about the tapped connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TapEvent {
    /// The first item on a tap socket: the session the server issued. The
    /// page opens `/echo?session=<id>` with it.
    Session(SessionId),
    /// The opening handshake as it crossed the wire, with the values of
    /// `Cookie` and `Authorization` replaced (see [`redact_request`]).
    Handshake {
        /// Milliseconds since the connection started.
        t_ms: u32,
        /// The client's opening request.
        request: String,
        /// The server's answer.
        response: String,
    },
    /// The tap fell behind its byte budget and dropped bytes; the next
    /// bytes of `from` start at a frame boundary.
    Lagged {
        /// Milliseconds since the connection started.
        t_ms: u32,
        /// The direction whose bytes were dropped.
        from: Direction,
        /// How many bytes were dropped.
        dropped: u64,
    },
    /// The tapped connection ended; nothing follows.
    Closed {
        /// Milliseconds since the connection started.
        t_ms: u32,
    },
}

/// One item of a tap message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TapItem {
    /// Bytes as they crossed the wire.
    Bytes {
        /// Which way they went.
        from: Direction,
        /// Milliseconds since the connection started.
        t_ms: u32,
        /// The bytes, exactly as they crossed the wire.
        bytes: Vec<u8>,
    },
    /// An event.
    Event(TapEvent),
}

/// Why a tap message could not be read to its end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TapError {
    /// The message ends inside an item.
    #[error("byte {offset}: the tap message ends inside an item")]
    Truncated {
        /// Where the unfinished item starts.
        offset: usize,
    },
    /// A tag this version does not know (a newer server?).
    #[error("byte {offset}: unknown tap item {tag} (is the server newer than this page?)")]
    UnknownTag {
        /// Where the item starts.
        offset: usize,
        /// The tag.
        tag: u8,
    },
    /// An item whose body does not have the form its tag promises.
    #[error("byte {offset}: a tap item of kind {tag} is malformed")]
    Malformed {
        /// Where the item starts.
        offset: usize,
        /// The tag.
        tag: u8,
    },
}

/// The most bytes one item carries: its length is a u32.
pub const MAX_ITEM: usize = u32::MAX as usize;

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let s = &s.as_bytes()[..s.len().min(MAX_ITEM / 4)];
    put_u32(out, u32::try_from(s.len()).unwrap_or(u32::MAX));
    out.extend_from_slice(s);
}

/// Appends raw bytes that went `from` one side, at `t_ms`. Bytes beyond
/// [`MAX_ITEM`] less the time field are left out (the echo server never
/// passes on so many at once).
pub fn encode_bytes(out: &mut Vec<u8>, from: Direction, t_ms: u32, bytes: &[u8]) {
    let bytes = &bytes[..bytes.len().min(MAX_ITEM - 4)];
    out.push(from.byte());
    put_u32(out, u32::try_from(bytes.len() + 4).unwrap_or(u32::MAX));
    put_u32(out, t_ms);
    out.extend_from_slice(bytes);
}

/// Appends an event.
pub fn encode_event(out: &mut Vec<u8>, event: &TapEvent) {
    let mut body = Vec::new();
    let tag = match event {
        TapEvent::Session(id) => {
            body.extend_from_slice(&id.0);
            2
        }
        TapEvent::Handshake {
            t_ms,
            request,
            response,
        } => {
            put_u32(&mut body, *t_ms);
            put_str(&mut body, request);
            put_str(&mut body, response);
            3
        }
        TapEvent::Lagged {
            t_ms,
            from,
            dropped,
        } => {
            put_u32(&mut body, *t_ms);
            body.push(from.byte());
            body.extend_from_slice(&dropped.to_be_bytes());
            4
        }
        TapEvent::Closed { t_ms } => {
            put_u32(&mut body, *t_ms);
            5
        }
    };
    out.push(tag);
    put_u32(out, u32::try_from(body.len()).unwrap_or(u32::MAX));
    out.extend_from_slice(&body);
}

/// Reads fields from an item's body.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_be_bytes)
    }

    fn string(&mut self) -> Option<String> {
        let len = usize::try_from(self.u32()?).ok()?;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }
}

fn parse_item(tag: u8, body: &[u8]) -> Option<TapItem> {
    let mut f = Fields(body);
    let item = match tag {
        0 | 1 => TapItem::Bytes {
            from: Direction::from_byte(tag)?,
            t_ms: f.u32()?,
            bytes: std::mem::take(&mut f.0).to_vec(),
        },
        2 => TapItem::Event(TapEvent::Session(SessionId(f.take(16)?.try_into().ok()?))),
        3 => TapItem::Event(TapEvent::Handshake {
            t_ms: f.u32()?,
            request: f.string()?,
            response: f.string()?,
        }),
        4 => TapItem::Event(TapEvent::Lagged {
            t_ms: f.u32()?,
            from: Direction::from_byte(f.take(1)?[0])?,
            dropped: u64::from_be_bytes(f.take(8)?.try_into().ok()?),
        }),
        5 => TapItem::Event(TapEvent::Closed { t_ms: f.u32()? }),
        _ => return None,
    };
    f.0.is_empty().then_some(item)
}

/// Reads every item of a tap message. Items before a problem are returned
/// with it, so that a page can show what it could read.
pub fn decode(mut data: &[u8]) -> (Vec<TapItem>, Option<TapError>) {
    let mut items = Vec::new();
    let mut offset = 0;
    while let [tag, l0, l1, l2, l3, rest @ ..] = data {
        let len = u32::from_be_bytes([*l0, *l1, *l2, *l3]) as usize;
        let Some(body) = rest.get(..len) else {
            return (items, Some(TapError::Truncated { offset }));
        };
        if *tag > 5 {
            return (items, Some(TapError::UnknownTag { offset, tag: *tag }));
        }
        match parse_item(*tag, body) {
            Some(item) => items.push(item),
            None => return (items, Some(TapError::Malformed { offset, tag: *tag })),
        }
        offset += 5 + len;
        data = &rest[len..];
    }
    let error = (!data.is_empty()).then_some(TapError::Truncated { offset });
    (items, error)
}

/// The opening request with the values of `Cookie` and `Authorization`
/// (and `Proxy-Authorization`) replaced by `<redacted>`: a tap shows the
/// request's shape, never the learner's credentials.
pub fn redact_request(request: &str) -> String {
    let mut out = String::with_capacity(request.len());
    for line in request.split_inclusive('\n') {
        let secret = line.split_once(':').is_some_and(|(name, _)| {
            ["cookie", "authorization", "proxy-authorization"]
                .iter()
                .any(|s| name.trim().eq_ignore_ascii_case(s))
        });
        match line.split_once(':') {
            Some((name, value)) if secret => {
                let ending = &value[value.trim_end_matches(['\r', '\n']).len()..];
                out.push_str(name);
                out.push_str(": <redacted>");
                out.push_str(ending);
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_items() -> Vec<TapItem> {
        vec![
            TapItem::Event(TapEvent::Session(SessionId([7; 16]))),
            TapItem::Event(TapEvent::Handshake {
                t_ms: 0,
                request: "GET /echo HTTP/1.1\r\n\r\n".into(),
                response: "HTTP/1.1 101 Switching Protocols\r\n\r\n".into(),
            }),
            TapItem::Bytes {
                from: Direction::FromClient,
                t_ms: 7,
                bytes: b"abc".to_vec(),
            },
            TapItem::Bytes {
                from: Direction::FromServer,
                t_ms: 70_000,
                bytes: vec![],
            },
            TapItem::Event(TapEvent::Lagged {
                t_ms: 9,
                from: Direction::FromServer,
                dropped: 1 << 40,
            }),
            TapItem::Event(TapEvent::Closed { t_ms: 12 }),
        ]
    }

    fn encode_all(items: &[TapItem]) -> Vec<u8> {
        let mut out = Vec::new();
        for item in items {
            match item {
                TapItem::Bytes { from, t_ms, bytes } => encode_bytes(&mut out, *from, *t_ms, bytes),
                TapItem::Event(e) => encode_event(&mut out, e),
            }
        }
        out
    }

    #[test]
    fn items_round_trip_in_order() {
        let items = all_items();
        assert_eq!(decode(&encode_all(&items)), (items, None));
    }

    #[test]
    fn a_problem_keeps_the_items_before_it() {
        let items = all_items();
        let msg = encode_all(&items);
        let (read, err) = decode(&msg[..msg.len() - 1]);
        assert_eq!(read, items[..5]);
        assert!(matches!(err, Some(TapError::Truncated { .. })));
        let mut newer = encode_all(&items[..1]);
        newer.extend_from_slice(&[9, 0, 0, 0, 0]);
        assert_eq!(
            decode(&newer),
            (
                items[..1].to_vec(),
                Some(TapError::UnknownTag { offset: 21, tag: 9 })
            )
        );
        assert_eq!(
            decode(&[5, 0, 0, 0, 1, 0]),
            (vec![], Some(TapError::Malformed { offset: 0, tag: 5 }))
        );
        assert_eq!(
            decode(&[1, 2, 3]).1,
            Some(TapError::Truncated { offset: 0 })
        );
    }

    #[test]
    fn session_ids_are_32_hex_digits() {
        let id = SessionId([0xab; 16]);
        assert_eq!(id.to_string(), "ab".repeat(16));
        assert_eq!(id.to_string().parse(), Ok(id));
        for bad in ["", "ab", &"g".repeat(32), &"a".repeat(33), &"é".repeat(16)] {
            assert_eq!(bad.parse::<SessionId>(), Err(BadSessionId), "{bad}");
        }
    }

    #[test]
    fn credentials_are_redacted_and_nothing_else_changes() {
        let req = "GET /echo HTTP/1.1\r\nHost: a\r\nCookie: sid=secret\r\nauthorization : Basic eDp5\r\nX-Cookie: kept\r\n\r\n";
        assert_eq!(
            redact_request(req),
            "GET /echo HTTP/1.1\r\nHost: a\r\nCookie: <redacted>\r\nauthorization : <redacted>\r\nX-Cookie: kept\r\n\r\n"
        );
        assert_eq!(
            redact_request("Cookie: x\nHost: b\n"),
            "Cookie: <redacted>\nHost: b\n"
        );
    }
}
