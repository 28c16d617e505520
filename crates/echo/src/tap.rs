//! The tap: what really crossed the wire on a connection, for the learner to see.
//!
//! A connection opened with `/echo?session=ID` copies the raw bytes it reads
//! and writes into a channel; a task splits them into frames with `wire`'s
//! decoder and publishes one JSON event per frame to every `/tap?session=ID`
//! socket, which sends them in batches, as JSON arrays. `/echo` itself stays
//! a pure echo: nothing is added to its stream.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Instant;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{broadcast, mpsc};
use wire::decode::{DecodeOptions, Decoded, Role, decode};
use wire::hex::to_hex;
use wire::opcode::OpCode;

/// Bytes of a frame or payload shown in an event; longer ones are cut (and say so).
const SHOWN: usize = 4096;

/// Which way bytes went, seen from the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Client to server.
    In,
    /// Server to client.
    Out,
}

/// Sessions and their subscribers.
#[derive(Clone, Default)]
pub struct Taps {
    sessions: Arc<Mutex<HashMap<String, broadcast::Sender<String>>>>,
}

impl Taps {
    /// The channel of a session, made on first use.
    pub fn channel(&self, session: &str) -> broadcast::Sender<String> {
        let mut map = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(session.to_owned())
            .or_insert_with(|| broadcast::channel(4096).0)
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

/// A stream that copies what it reads and writes to a tap channel.
pub struct Tee<S> {
    inner: S,
    tap: Option<mpsc::UnboundedSender<(Dir, Vec<u8>)>>,
}

impl<S> Tee<S> {
    /// Wraps `inner`; with `tap` None, nothing is copied.
    pub fn new(inner: S, tap: Option<mpsc::UnboundedSender<(Dir, Vec<u8>)>>) -> Self {
        Tee { inner, tap }
    }

    fn copy(&self, dir: Dir, bytes: &[u8]) {
        if let Some(tap) = &self.tap
            && !bytes.is_empty()
        {
            let _ = tap.send((dir, bytes.to_vec()));
        }
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
        let new = &buf.filled()[before..];
        self.copy(Dir::In, new);
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
        self.copy(Dir::Out, &data[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Splits one direction's bytes into frames.
struct Splitter {
    buf: Vec<u8>,
    opts: DecodeOptions,
    failed: bool,
}

impl Splitter {
    fn new(dir: Dir) -> Self {
        let sender = if dir == Dir::In {
            Role::Client
        } else {
            Role::Server
        };
        Splitter {
            buf: Vec::new(),
            opts: DecodeOptions {
                sender: Some(sender),
                max_payload: u64::MAX,
                ..DecodeOptions::default()
            },
            failed: false,
        }
    }

    /// Takes bytes without reporting the frames they complete.
    fn skip(&mut self, bytes: &[u8]) {
        if self.failed {
            return;
        }
        self.buf.extend_from_slice(bytes);
        let mut at = 0;
        while let Ok(Decoded::Frame(f)) = decode(&self.buf[at..], &self.opts) {
            at += f.consumed;
        }
        self.buf.drain(..at);
    }

    /// Takes bytes; returns an event for each whole frame (or the error that stopped it).
    fn push(&mut self, bytes: &[u8], dir: Dir, t_ms: u128) -> Vec<Value> {
        if self.failed {
            return Vec::new();
        }
        self.buf.extend_from_slice(bytes);
        let mut events = Vec::new();
        let mut at = 0;
        loop {
            match decode(&self.buf[at..], &self.opts) {
                Ok(Decoded::Frame(f)) => {
                    let raw = &self.buf[at..at + f.consumed];
                    events.push(frame_event(dir, t_ms, raw, &f));
                    at += f.consumed;
                }
                Ok(Decoded::Incomplete { .. }) => break,
                Err(e) => {
                    events.push(json!({ "type": "error", "dir": dir_name(dir), "t_ms": t_ms, "message": e.to_string(), "close_code": e.close_code() }));
                    self.failed = true;
                    break;
                }
            }
        }
        self.buf.drain(..at);
        events
    }
}

fn dir_name(dir: Dir) -> &'static str {
    match dir {
        Dir::In => "in",
        Dir::Out => "out",
    }
}

fn frame_event(dir: Dir, t_ms: u128, raw: &[u8], f: &wire::decode::DecodedFrame) -> Value {
    let h = &f.header;
    let payload = &f.frame.payload;
    let text = match h.opcode {
        OpCode::Text | OpCode::Continuation | OpCode::Close => {
            std::str::from_utf8(&payload[..payload.len().min(SHOWN)]).ok()
        }
        _ => None,
    };
    json!({
        "type": "frame",
        "dir": dir_name(dir),
        "t_ms": t_ms,
        "fin": h.fin,
        "rsv": [h.rsv[0], h.rsv[1], h.rsv[2]],
        "opcode": h.opcode.value(),
        "opcode_name": h.opcode.name(),
        "mask": h.mask.map(|k| to_hex(&k)),
        "length_form": h.length_form.name(),
        "header_len": h.encoded_len(),
        "frame_len": raw.len(),
        "raw_hex": to_hex(&raw[..raw.len().min(SHOWN)]),
        "payload_len": payload.len(),
        "payload_hex": to_hex(&payload[..payload.len().min(SHOWN)]),
        "text": text,
        "cut": raw.len() > SHOWN,
    })
}

/// Starts the task that turns a connection's copied bytes into events.
/// The handshake (request and response text) is published first by the caller.
pub fn spawn_splitter(
    events: broadcast::Sender<String>,
    started: Instant,
) -> mpsc::UnboundedSender<(Dir, Vec<u8>)> {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Dir, Vec<u8>)>();
    tokio::spawn(async move {
        let mut inbound = Splitter::new(Dir::In);
        let mut outbound = Splitter::new(Dir::Out);
        while let Some((dir, bytes)) = rx.recv().await {
            if events.receiver_count() == 0 {
                // Nobody watches: keep the split in step but build no events.
                let splitter = if dir == Dir::In {
                    &mut inbound
                } else {
                    &mut outbound
                };
                splitter.skip(&bytes);
                continue;
            }
            let t_ms = started.elapsed().as_millis();
            let splitter = if dir == Dir::In {
                &mut inbound
            } else {
                &mut outbound
            };
            for event in splitter.push(&bytes, dir, t_ms) {
                let _ = events.send(event.to_string());
            }
        }
        let _ = events
            .send(json!({ "type": "closed", "t_ms": started.elapsed().as_millis() }).to_string());
    });
    tx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitter_handles_frames_cut_anywhere() {
        let frames: Vec<u8> = [
            wire::Frame::new(OpCode::Text, b"Hello".to_vec())
                .masked([1, 2, 3, 4])
                .encode(),
            wire::Frame::new(OpCode::Binary, vec![7; 300])
                .masked([9, 9, 9, 9])
                .encode(),
        ]
        .concat();
        for cut in 0..frames.len() {
            let mut s = Splitter::new(Dir::In);
            let mut events = s.push(&frames[..cut], Dir::In, 0);
            events.extend(s.push(&frames[cut..], Dir::In, 0));
            assert_eq!(events.len(), 2, "cut at {cut}");
            assert_eq!(events[0]["text"], "Hello");
            assert_eq!(events[1]["payload_len"], 300);
        }
    }

    #[test]
    fn an_unmasked_client_frame_is_reported_and_stops_the_split() {
        let mut s = Splitter::new(Dir::In);
        let events = s.push(
            &wire::Frame::new(OpCode::Text, b"x".to_vec()).encode(),
            Dir::In,
            0,
        );
        assert_eq!(events[0]["type"], "error");
        assert_eq!(events[0]["close_code"], 1002);
        assert!(s.push(b"more", Dir::In, 0).is_empty());
    }
}
