//! The live console's state: the connection's life, the message log with
//! round-trip times, and what the echo server's tap reported. A pure reducer;
//! the socket lives in `services::socket`.

use std::collections::VecDeque;
use std::rc::Rc;

use serde_json::{Value, json};
use yew::prelude::*;

use wire::frame::FrameHeader;
use wire::hex::to_hex;
use wire::opcode::OpCode;

/// A message's content.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    /// Text.
    Text(String),
    /// Bytes.
    Binary(Vec<u8>),
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
    /// The server's tap events, in order.
    pub wire: Vec<Value>,
    /// The largest bufferedAmount seen while sending, and the current one.
    pub buffered: (u32, u32),
    /// Subprotocol and extensions the server chose.
    pub negotiated: (String, String),
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
            ConsoleAction::Buffered(n) => s.buffered = (s.buffered.0.max(n), n),
            ConsoleAction::Clear => {
                s.log.clear();
                s.pending.clear();
                s.wire.clear();
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
    fn frame_sizes_come_from_the_header_rules() {
        assert_eq!(Payload::Text("Hello".into()).frame_size(true), 11);
        assert_eq!(Payload::Binary(vec![0; 200]).frame_size(false), 204);
        assert_eq!(Payload::Binary(vec![0; 70_000]).frame_size(true), 70_014);
    }
}
