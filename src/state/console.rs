//! The live console's state: the connection's life, the message log with
//! round-trip times, and what the echo server's tap reported. A pure reducer;
//! the socket lives in `services::socket`.

use std::collections::VecDeque;
use std::rc::Rc;

use serde_json::{Value, json};
use yew::prelude::*;

use wire::decode::{DecodeOptions, DecodedFrame, Role, Split, Splitter};
use wire::frame::FrameHeader;
use wire::hex::to_hex;
use wire::opcode::OpCode;

/// A message's content.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    /// Text.
    Text(String),
    /// Bytes (shared: a large message is not copied on every state change).
    Binary(Rc<Vec<u8>>),
}

impl Payload {
    /// Its size in bytes (UTF-8 for text).
    pub fn len(&self) -> usize {
        match self {
            Payload::Text(t) => t.len(),
            Payload::Binary(b) => b.len(),
        }
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// "text" or "binary".
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Text(_) => "text",
            Payload::Binary(_) => "binary",
        }
    }

    /// The frame size on the wire as one frame: masked when a client sends it.
    pub fn frame_size(&self, from_client: bool) -> usize {
        let op = if matches!(self, Payload::Text(_)) {
            OpCode::Text
        } else {
            OpCode::Binary
        };
        let key = from_client.then_some([0; 4]);
        FrameHeader::new(true, [false; 3], op, key, self.len() as u64).encoded_len() + self.len()
    }
}

/// Which way a message went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// From this page.
    Sent,
    /// From the server.
    Received,
}

/// One line of the message log.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Which way.
    pub dir: Dir,
    /// What.
    pub payload: Payload,
    /// When (ms since the connection was started).
    pub at: f64,
    /// For an echo: the time since the matching message was sent.
    pub rtt: Option<f64>,
    /// A message the server sent unasked (a greeting, a notice).
    pub unrequested: bool,
}

/// The console's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Console {
    /// When the connection was started (epoch ms).
    pub started: f64,
    /// readyState as last seen; None before any connection.
    pub ready: Option<u16>,
    /// Transitions: (ms since start, text).
    pub transitions: Vec<(f64, String)>,
    /// The message log.
    pub log: Vec<Entry>,
    /// Sent messages waiting for their echo.
    pending: VecDeque<(Payload, f64)>,
    /// The close event, once it came: code, reason, wasClean.
    pub closed: Option<(u16, String, bool)>,
    /// Whether the error event fired.
    pub errored: bool,
    /// An exception the browser threw (constructor, send, close).
    pub exception: Option<String>,
    /// The server's JSON tap events (the handshake, the end), in order.
    pub wire: Vec<Value>,
    /// Frames the tap's raw bytes split into, in order of arrival.
    pub frames: Vec<WireFrame>,
    /// Where the split stopped at a broken rule, per direction.
    pub wire_errors: Vec<String>,
    /// The largest bufferedAmount seen while sending, and the current one.
    pub buffered: (u32, u32),
    /// Subprotocol and extensions the server chose.
    pub negotiated: (String, String),
}

/// A frame as it crossed the wire, reported by wslab-echo's tap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireFrame {
    /// From the browser to the server.
    pub inbound: bool,
    /// Milliseconds since the connection started.
    pub t_ms: u32,
    /// The frame's bytes exactly as they were on the wire.
    pub raw: Rc<Vec<u8>>,
    /// The frame, decoded (and unmasked) by `wire`.
    pub decoded: Rc<DecodedFrame>,
}

/// The two directions of a tapped connection, split into frames by `wire`.
#[derive(Debug)]
pub struct TapSplitters {
    from_client: Splitter,
    from_server: Splitter,
}

impl Default for TapSplitters {
    fn default() -> Self {
        TapSplitters {
            from_client: Splitter::new(DecodeOptions::from(Role::Client)),
            from_server: Splitter::new(DecodeOptions::from(Role::Server)),
        }
    }
}

impl TapSplitters {
    /// Takes raw bytes the tap passed on; returns the frames they completed
    /// and, where a rule was broken, what stopped the split.
    pub fn take(
        &mut self,
        from_client: bool,
        t_ms: u32,
        bytes: &[u8],
    ) -> (Vec<WireFrame>, Vec<String>) {
        let splitter = if from_client {
            &mut self.from_client
        } else {
            &mut self.from_server
        };
        let mut frames = Vec::new();
        let mut errors = Vec::new();
        for item in splitter.push(bytes) {
            match item {
                Split::Frame { raw, frame } => frames.push(WireFrame {
                    inbound: from_client,
                    t_ms,
                    raw: Rc::new(raw),
                    decoded: Rc::new(frame),
                }),
                Split::Error(e) => errors.push(format!(
                    "{}: {e}",
                    if from_client {
                        "browser → server"
                    } else {
                        "server → browser"
                    }
                )),
            }
        }
        (frames, errors)
    }
}

/// What can happen.
pub enum ConsoleAction {
    /// A new connection is starting at this epoch time.
    Connecting(f64),
    /// The constructor threw.
    Threw(String),
    /// open fired: the chosen subprotocol and extensions.
    Opened(f64, String, String),
    /// This page sent a message.
    Sent(Payload, f64),
    /// A message arrived.
    Received(Payload, f64),
    /// error fired.
    Error(f64),
    /// close() was called.
    Closing(f64),
    /// close fired.
    Closed {
        code: u16,
        reason: String,
        clean: bool,
        at: f64,
    },
    /// A call threw (send, close).
    Exception(String),
    /// The tap reported an event.
    Tap(Value),
    /// Frames split from the tap's bytes, and any rule that stopped the split.
    TapFrames(Vec<WireFrame>, Vec<String>),
    /// bufferedAmount now.
    Buffered(u32),
    /// Forget the log.
    Clear,
}

fn state_name(n: u16) -> &'static str {
    match n {
        0 => "CONNECTING",
        1 => "OPEN",
        2 => "CLOSING",
        _ => "CLOSED",
    }
}

impl Console {
    fn go(&mut self, to: u16, at: f64, why: &str) {
        let from = self.ready.map(state_name).unwrap_or("—");
        self.transitions.push((
            at - self.started,
            format!("{from} → {} ({why})", state_name(to)),
        ));
        self.ready = Some(to);
    }

    /// The log as JSON, for export.
    pub fn export(&self) -> String {
        let entries: Vec<Value> = self
            .log
            .iter()
            .map(|e| {
                let content = match &e.payload {
                    Payload::Text(t) => json!({ "text": t }),
                    Payload::Binary(b) => json!({ "hex": to_hex(b) }),
                };
                json!({
                    "direction": if e.dir == Dir::Sent { "sent" } else { "received" },
                    "type": e.payload.kind(),
                    "bytes": e.payload.len(),
                    "frame_bytes": e.payload.frame_size(e.dir == Dir::Sent),
                    "at_ms": e.at,
                    "rtt_ms": e.rtt,
                    "unrequested": e.unrequested,
                    "content": content,
                })
            })
            .collect();
        let transitions: Vec<Value> = self
            .transitions
            .iter()
            .map(|(t, s)| json!({ "at_ms": t, "what": s }))
            .collect();
        serde_json::to_string_pretty(&json!({
            "transitions": transitions,
            "messages": entries,
            "close": self.closed.as_ref().map(|(c, r, w)| json!({ "code": c, "reason": r, "wasClean": w })),
            "wire": self.wire,
            "frames": self.frames.iter().map(|f| json!({
                "direction": if f.inbound { "browser → server" } else { "server → browser" },
                "at_ms": f.t_ms,
                "bytes": to_hex(f.raw.as_slice()),
            })).collect::<Vec<Value>>(),
        }))
        .unwrap_or_default()
    }
}

impl Reducible for Console {
    type Action = ConsoleAction;

    fn reduce(self: Rc<Self>, action: ConsoleAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            ConsoleAction::Connecting(at) => {
                s = Console {
                    started: at,
                    ..Console::default()
                };
                s.go(0, at, "new WebSocket(url)");
            }
            ConsoleAction::Threw(e) => s.exception = Some(e),
            ConsoleAction::Opened(at, protocol, extensions) => {
                s.go(1, at, "open: the server answered 101");
                s.negotiated = (protocol, extensions);
            }
            ConsoleAction::Sent(p, at) => {
                s.pending.push_back((p.clone(), at));
                s.log.push(Entry {
                    dir: Dir::Sent,
                    payload: p,
                    at: at - s.started,
                    rtt: None,
                    unrequested: false,
                });
            }
            ConsoleAction::Received(p, at) => {
                // An echo answers the oldest message still waiting; anything else came unasked.
                let echo = s.pending.front().is_some_and(|(sent, _)| *sent == p);
                let rtt = if echo {
                    s.pending.pop_front().map(|(_, t)| at - t)
                } else {
                    None
                };
                s.log.push(Entry {
                    dir: Dir::Received,
                    payload: p,
                    at: at - s.started,
                    rtt,
                    unrequested: !echo,
                });
            }
            ConsoleAction::Error(at) => {
                s.errored = true;
                s.transitions.push((
                    at - s.started,
                    "error event (the browser gives no reason)".into(),
                ));
            }
            ConsoleAction::Closing(at) => s.go(2, at, "close() called: Close frame sent"),
            ConsoleAction::Closed {
                code,
                reason,
                clean,
                at,
            } => {
                s.go(3, at, &format!("close event: code {code}"));
                s.closed = Some((code, reason, clean));
            }
            ConsoleAction::Exception(e) => s.exception = Some(e),
            ConsoleAction::Tap(v) => s.wire.push(v),
            ConsoleAction::TapFrames(frames, errors) => {
                s.frames.extend(frames);
                s.wire_errors.extend(errors);
            }
            ConsoleAction::Buffered(n) => s.buffered = (s.buffered.0.max(n), n),
            ConsoleAction::Clear => {
                s.log.clear();
                s.pending.clear();
                s.frames.clear();
            }
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(actions: Vec<ConsoleAction>) -> Rc<Console> {
        actions
            .into_iter()
            .fold(Rc::new(Console::default()), |s, a| s.reduce(a))
    }

    #[test]
    fn echoes_get_round_trip_times_and_greetings_are_labelled() {
        let s = run(vec![
            ConsoleAction::Connecting(1000.0),
            ConsoleAction::Opened(1010.0, String::new(), String::new()),
            ConsoleAction::Received(Payload::Text("Request served by abc".into()), 1011.0),
            ConsoleAction::Sent(Payload::Text("hi".into()), 1020.0),
            ConsoleAction::Received(Payload::Text("hi".into()), 1025.0),
        ]);
        assert!(s.log[0].unrequested);
        assert_eq!(s.log[2].rtt, Some(5.0));
        assert!(!s.log[2].unrequested);
        assert_eq!(s.ready, Some(1));
    }

    #[test]
    fn failed_connection_goes_from_connecting_to_closed_with_1006() {
        let s = run(vec![
            ConsoleAction::Connecting(0.0),
            ConsoleAction::Error(5.0),
            ConsoleAction::Closed {
                code: 1006,
                reason: String::new(),
                clean: false,
                at: 6.0,
            },
        ]);
        assert!(s.errored);
        assert_eq!(s.closed, Some((1006, String::new(), false)));
        assert_eq!(
            s.transitions.last().unwrap().1,
            "CONNECTING → CLOSED (close event: code 1006)"
        );
        assert!(s.export().contains("\"code\": 1006"));
    }

    #[test]
    fn tapped_bytes_are_split_into_frames_in_any_pieces() {
        let hello = wire::Frame::new(OpCode::Text, b"Hello".to_vec())
            .masked([1, 2, 3, 4])
            .encode();
        let mut split = TapSplitters::default();
        let (none, _) = split.take(true, 1, &hello[..3]);
        assert!(none.is_empty());
        let (first, _) = split.take(true, 2, &hello[3..]);
        let (second, _) = split.take(
            false,
            3,
            &wire::Frame::new(OpCode::Text, b"Hello".to_vec()).encode(),
        );
        let s = run(vec![
            ConsoleAction::Connecting(0.0),
            ConsoleAction::TapFrames([first, second].concat(), vec![]),
        ]);
        assert_eq!(s.frames.len(), 2);
        assert_eq!(*s.frames[0].raw, hello);
        assert_eq!(s.frames[0].decoded.frame.payload, b"Hello");
        assert!(s.frames[0].inbound && !s.frames[1].inbound);
        let (_, errors) = split.take(
            true,
            4,
            &wire::Frame::new(OpCode::Text, b"x".to_vec()).encode(),
        );
        assert!(errors[0].contains("must mask"), "{errors:?}");
    }

    #[test]
    fn frame_sizes_come_from_the_header_rules() {
        assert_eq!(Payload::Text("Hello".into()).frame_size(true), 11);
        assert_eq!(
            Payload::Binary(Rc::new(vec![0; 200])).frame_size(false),
            204
        );
        assert_eq!(
            Payload::Binary(Rc::new(vec![0; 70_000])).frame_size(true),
            70_014
        );
    }
}
