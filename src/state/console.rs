//! The live console's state: the connection's life, the message log with
//! round-trip times, and what the echo server's tap reported. A pure reducer;
//! the socket lives in `services::socket`.

use std::collections::VecDeque;
use std::rc::Rc;

use serde_json::{Value, json};
use yew::prelude::*;

use wire::decode::Role;
use wire::frame::FrameHeader;
use wire::hex::to_hex;
use wire::opcode::OpCode;
use wire::session::{Content, Record, Session};
use wire::tap::{Direction, SessionId, TapEvent, TapItem};

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

    /// The frame size on the wire as one uncompressed frame: masked when a
    /// client sends it.
    pub fn frame_size(&self, sender: Role) -> usize {
        let op = if matches!(self, Payload::Text(_)) {
            OpCode::Text
        } else {
            OpCode::Binary
        };
        let key = (sender == Role::Client).then_some([0; 4]);
        FrameHeader::new(true, [false; 3], op, key, self.len() as u64).encoded_len() + self.len()
    }
}

/// A WebSocket's readyState (WHATWG WebSockets §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadyState {
    /// 0: the opening handshake is under way.
    Connecting,
    /// 1: messages may flow.
    Open,
    /// 2: the closing handshake is under way.
    Closing,
    /// 3: the connection is closed (or never opened).
    Closed,
}

impl ReadyState {
    /// The state for a readyState number; anything above 2 is CLOSED.
    pub fn from_number(n: u16) -> ReadyState {
        match n {
            0 => ReadyState::Connecting,
            1 => ReadyState::Open,
            2 => ReadyState::Closing,
            _ => ReadyState::Closed,
        }
    }

    /// The number page code reads from `readyState`.
    pub fn number(self) -> u16 {
        self as u16
    }

    /// The constant's name, e.g. `"OPEN"`.
    pub fn name(self) -> &'static str {
        match self {
            ReadyState::Connecting => "CONNECTING",
            ReadyState::Open => "OPEN",
            ReadyState::Closing => "CLOSING",
            ReadyState::Closed => "CLOSED",
        }
    }

    /// All four, in order.
    pub const ALL: [ReadyState; 4] = [
        ReadyState::Connecting,
        ReadyState::Open,
        ReadyState::Closing,
        ReadyState::Closed,
    ];
}

/// What the close event reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseInfo {
    /// The code (1005 when the Close frame had none, 1006 when none came).
    pub code: u16,
    /// The reason, possibly empty.
    pub reason: String,
    /// Whether the closing handshake completed.
    pub was_clean: bool,
}

/// Why the console moved from one readyState to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// `new WebSocket(url)`.
    Constructed,
    /// The open event: the server answered 101.
    Opened,
    /// Page code called `close()`: a Close frame went out.
    CloseCalled,
    /// The close event, with its code.
    CloseEvent(u16),
}

/// One line of the lifecycle log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transition {
    /// readyState changed.
    State {
        /// The state before (none before the first connection).
        from: Option<ReadyState>,
        /// The state after.
        to: ReadyState,
        /// What moved it.
        cause: Cause,
    },
    /// The error event fired (readyState does not change with it).
    ErrorEvent,
}

impl std::fmt::Display for Transition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transition::State { from, to, cause } => {
                let why = match cause {
                    Cause::Constructed => "new WebSocket(url)".to_owned(),
                    Cause::Opened => "open: the server answered 101".to_owned(),
                    Cause::CloseCalled => "close() called: Close frame sent".to_owned(),
                    Cause::CloseEvent(code) => format!("close event: code {code}"),
                };
                let from = from.map_or("—", ReadyState::name);
                write!(f, "{from} → {} ({why})", to.name())
            }
            Transition::ErrorEvent => f.write_str("error event (the browser gives no reason)"),
        }
    }
}

/// One line of the message log.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Sent by this page (the client) or received from the server.
    pub from: Direction,
    /// The message.
    pub payload: Payload,
    /// When, in ms since the connection was started.
    pub at: f64,
    /// For an echo: the time since the matching message was sent.
    pub rtt: Option<f64>,
    /// A message the server sent unasked (a greeting, a notice).
    pub unrequested: bool,
}

/// The handshake as wslab-echo's tap reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TapHandshake {
    /// The browser's opening request (credentials redacted by the server).
    pub request: String,
    /// The server's answer.
    pub response: String,
}

/// The console's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Console {
    /// When the connection was started (epoch ms).
    pub started: f64,
    /// readyState as last seen; None before any connection.
    pub ready: Option<ReadyState>,
    /// The lifecycle log: (ms since start, what happened).
    pub transitions: Vec<(f64, Transition)>,
    /// The message log.
    pub log: Vec<Entry>,
    /// Sent messages waiting for their echo.
    pending: VecDeque<(Payload, f64)>,
    /// The close event, once it came.
    pub closed: Option<CloseInfo>,
    /// Whether the error event fired.
    pub errored: bool,
    /// An exception the browser threw (constructor, send, close).
    pub exception: Option<String>,
    /// The tap session wslab-echo issued, when the wire view is on.
    pub session: Option<SessionId>,
    /// The handshake the tap reported.
    pub handshake: Option<TapHandshake>,
    /// What the tap passed on, read by `wire::session::Reader`: both HTTP
    /// heads, then every frame (compressed messages inflated), unreadable
    /// bytes and gaps, in order of arrival.
    pub records: Vec<Rc<Record>>,
    /// A tap message that was itself malformed.
    pub tap_errors: Vec<String>,
    /// The largest bufferedAmount seen while sending, and the current one.
    pub buffered: (u32, u32),
    /// Subprotocol and extensions the server chose.
    pub negotiated: (String, String),
}

impl Console {
    /// Whether messages may be sent now.
    pub fn is_open(&self) -> bool {
        self.ready == Some(ReadyState::Open)
    }

    /// The session the tap captured, for `/illustrated`: the records as read,
    /// not read again.
    pub fn session(&self) -> Option<Session> {
        self.handshake.as_ref()?;
        Some(Session::from_records(
            self.records.iter().map(|r| (**r).clone()).collect(),
        ))
    }

    /// Whether the server started the closing handshake: the close was clean
    /// and page code never called close().
    pub fn server_closed_first(&self) -> bool {
        self.closed.as_ref().is_some_and(|c| c.was_clean)
            && !self.transitions.iter().any(|(_, t)| {
                matches!(
                    t,
                    Transition::State {
                        cause: Cause::CloseCalled,
                        ..
                    }
                )
            })
    }
}

/// One tap message taken apart, before the session reader sees it: the
/// actions it reports at once (the session issued, the handshake), its
/// items, and what was wrong with the message.
pub fn tap_message(data: &[u8]) -> (Vec<ConsoleAction>, Vec<TapItem>, Vec<String>) {
    let (items, problem) = wire::tap::decode(data);
    let mut now = Vec::new();
    for item in &items {
        match item {
            TapItem::Event(TapEvent::Session(id)) => now.push(ConsoleAction::TapSession(*id)),
            TapItem::Event(TapEvent::Handshake {
                request, response, ..
            }) => now.push(ConsoleAction::TapHandshake(TapHandshake {
                request: request.clone(),
                response: response.clone(),
            })),
            _ => {}
        }
    }
    let errors = problem.map(|p| format!("tap: {p}")).into_iter().collect();
    (now, items, errors)
}

/// What can happen.
pub enum ConsoleAction {
    /// A new connection is starting at this epoch time.
    Connecting(f64),
    /// The constructor threw.
    Threw(String),
    /// open fired at this time.
    Opened(f64),
    /// The subprotocol and extensions the server chose (known after open).
    Negotiated(String, String),
    /// This page sent a message.
    Sent(Payload, f64),
    /// A message arrived.
    Received(Payload, f64),
    /// error fired.
    Error(f64),
    /// close() was called.
    Closing(f64),
    /// close fired.
    Closed(CloseInfo, f64),
    /// A call threw (send, close).
    Exception(String),
    /// The tap's server issued this session.
    TapSession(SessionId),
    /// The tap reported the handshake.
    TapHandshake(TapHandshake),
    /// Records read from the tap's items, and what was wrong with the tap's own message.
    TapRecords(Vec<Record>, Vec<String>),
    /// bufferedAmount now.
    Buffered(u32),
    /// Forget the log.
    Clear,
}

impl Console {
    fn go(&mut self, to: ReadyState, at: f64, cause: Cause) {
        self.transitions.push((
            at - self.started,
            Transition::State {
                from: self.ready,
                to,
                cause,
            },
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
                    "direction": if e.from == Direction::FromClient { "sent" } else { "received" },
                    "type": e.payload.kind(),
                    "bytes": e.payload.len(),
                    "frame_bytes": e.payload.frame_size(e.from.sender()),
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
            .map(|(t, s)| json!({ "at_ms": t, "what": s.to_string() }))
            .collect();
        serde_json::to_string_pretty(&json!({
            "transitions": transitions,
            "messages": entries,
            "close": self.closed.as_ref().map(|c| json!({ "code": c.code, "reason": c.reason, "wasClean": c.was_clean })),
            "handshake": self.handshake.as_ref().map(|h| json!({ "request": h.request, "response": h.response })),
            "frames": self.records.iter().filter(|r| matches!(r.content, Content::Frame(_))).map(|r| json!({
                "direction": r.from.arrow(),
                "at_ms": r.t_ms,
                "bytes": to_hex(&r.bytes),
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
                s.go(ReadyState::Connecting, at, Cause::Constructed);
            }
            ConsoleAction::Threw(e) => s.exception = Some(e),
            ConsoleAction::Opened(at) => s.go(ReadyState::Open, at, Cause::Opened),
            ConsoleAction::Negotiated(protocol, extensions) => {
                s.negotiated = (protocol, extensions)
            }
            ConsoleAction::Sent(p, at) => {
                s.pending.push_back((p.clone(), at));
                s.log.push(Entry {
                    from: Direction::FromClient,
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
                    from: Direction::FromServer,
                    payload: p,
                    at: at - s.started,
                    rtt,
                    unrequested: !echo,
                });
            }
            ConsoleAction::Error(at) => {
                s.errored = true;
                s.transitions.push((at - s.started, Transition::ErrorEvent));
            }
            ConsoleAction::Closing(at) => s.go(ReadyState::Closing, at, Cause::CloseCalled),
            ConsoleAction::Closed(info, at) => {
                s.go(ReadyState::Closed, at, Cause::CloseEvent(info.code));
                s.closed = Some(info);
            }
            ConsoleAction::Exception(e) => s.exception = Some(e),
            ConsoleAction::TapSession(id) => s.session = Some(id),
            ConsoleAction::TapHandshake(h) => s.handshake = Some(h),
            ConsoleAction::TapRecords(records, errors) => {
                s.records.extend(records.into_iter().map(Rc::new));
                s.tap_errors.extend(errors);
            }
            ConsoleAction::Buffered(n) => s.buffered = (s.buffered.0.max(n), n),
            ConsoleAction::Clear => {
                s.log.clear();
                s.pending.clear();
                // The heads stay: a session is read from its handshake on.
                s.records.retain(|r| matches!(r.content, Content::Http));
            }
        }
        Rc::new(s)
    }
}

/// Milliseconds, rounded to a whole number ("12"), so the live build links
/// no float formatter (see [`wire::describe::decimal`]).
pub fn whole_ms(ms: f64) -> u64 {
    // `as` saturates: a negative or NaN time is 0.
    ms.round() as u64
}

/// Milliseconds to a tenth ("0.4"), rounded (see [`wire::describe::decimal`]).
pub fn tenth_ms(ms: f64) -> String {
    wire::describe::decimal((ms * 10.0).round() as u64, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::session::Reader;

    /// Reads one tap message with a session reader, as the live page does
    /// (`hooks::live_connection`, whose reader arrives in a chunk): the actions
    /// that report it — the session issued, the handshake, and the records the
    /// bytes completed.
    fn read_tap(reader: &mut Reader, data: &[u8]) -> Vec<ConsoleAction> {
        let (mut out, items, errors) = tap_message(data);
        let records: Vec<Record> = items.iter().flat_map(|item| reader.push(item)).collect();
        if !records.is_empty() || !errors.is_empty() {
            out.push(ConsoleAction::TapRecords(records, errors));
        }
        out
    }

    fn run(actions: Vec<ConsoleAction>) -> Rc<Console> {
        actions
            .into_iter()
            .fold(Rc::new(Console::default()), |s, a| s.reduce(a))
    }

    #[test]
    fn times_read_in_whole_milliseconds_and_tenths() {
        assert_eq!(whole_ms(12.4), 12);
        assert_eq!(whole_ms(12.5), 13);
        assert_eq!(whole_ms(-1.0), 0);
        assert_eq!(whole_ms(f64::NAN), 0);
        assert_eq!(tenth_ms(0.44), "0.4");
        assert_eq!(tenth_ms(0.45 + 1e-9), "0.5");
        assert_eq!(tenth_ms(123.0), "123.0");
        assert_eq!(tenth_ms(-3.0), "0.0");
    }

    #[test]
    fn echoes_get_round_trip_times_and_greetings_are_labelled() {
        let s = run(vec![
            ConsoleAction::Connecting(1000.0),
            ConsoleAction::Opened(1010.0),
            ConsoleAction::Received(Payload::Text("Request served by abc".into()), 1011.0),
            ConsoleAction::Sent(Payload::Text("hi".into()), 1020.0),
            ConsoleAction::Received(Payload::Text("hi".into()), 1025.0),
        ]);
        assert!(s.log[0].unrequested);
        assert_eq!(s.log[2].rtt, Some(5.0));
        assert!(!s.log[2].unrequested);
        assert_eq!(s.ready, Some(ReadyState::Open));
        assert!(s.is_open());
    }

    #[test]
    fn failed_connection_goes_from_connecting_to_closed_with_1006() {
        let s = run(vec![
            ConsoleAction::Connecting(0.0),
            ConsoleAction::Error(5.0),
            ConsoleAction::Closed(
                CloseInfo {
                    code: 1006,
                    reason: String::new(),
                    was_clean: false,
                },
                6.0,
            ),
        ]);
        assert!(s.errored);
        assert_eq!(s.closed.as_ref().map(|c| c.code), Some(1006));
        assert_eq!(
            s.transitions.last().unwrap().1.to_string(),
            "CONNECTING → CLOSED (close event: code 1006)"
        );
        assert!(s.export().contains("\"code\": 1006"));
        assert!(!s.server_closed_first());
    }

    #[test]
    fn who_closed_first_comes_from_the_transitions_not_their_text() {
        let clean = CloseInfo {
            code: 1000,
            reason: "the server is done".into(),
            was_clean: true,
        };
        let server_first = run(vec![
            ConsoleAction::Connecting(0.0),
            ConsoleAction::Opened(1.0),
            ConsoleAction::Closed(clean.clone(), 2.0),
        ]);
        assert!(server_first.server_closed_first());
        let page_first = run(vec![
            ConsoleAction::Connecting(0.0),
            ConsoleAction::Opened(1.0),
            ConsoleAction::Closing(1.5),
            ConsoleAction::Closed(clean, 2.0),
        ]);
        assert!(!page_first.server_closed_first());
        assert_eq!(
            page_first.transitions[2].1.to_string(),
            "OPEN → CLOSING (close() called: Close frame sent)"
        );
    }

    #[test]
    fn a_tap_message_gives_the_handshake_records_and_a_gap_it_recovers_from() {
        use wire::tap::{encode_bytes, encode_event};
        let frame = wire::Frame::new(OpCode::Binary, vec![1, 2, 3])
            .masked([9, 8, 7, 6])
            .encode();
        let mut msg = Vec::new();
        encode_event(
            &mut msg,
            &TapEvent::Handshake {
                t_ms: 0,
                request: "GET /echo HTTP/1.1\r\n\r\n".into(),
                response: "HTTP/1.1 101 Switching Protocols\r\n\r\n".into(),
            },
        );
        // Half a frame, then the tap dropped the rest: the next bytes start afresh.
        encode_bytes(&mut msg, Direction::FromClient, 1, &frame[..4]);
        encode_event(
            &mut msg,
            &TapEvent::Lagged {
                t_ms: 2,
                from: Direction::FromClient,
                dropped: 5,
            },
        );
        // The rest arrives in two tap messages, split inside the frame.
        let mut reader = Reader::new();
        let mut actions = read_tap(&mut reader, &msg);
        let mut second = Vec::new();
        encode_bytes(&mut second, Direction::FromClient, 3, &frame[..3]);
        actions.extend(read_tap(&mut reader, &second));
        let mut third = Vec::new();
        encode_bytes(&mut third, Direction::FromClient, 4, &frame[3..]);
        actions.extend(read_tap(&mut reader, &third));
        let s = actions
            .into_iter()
            .fold(Rc::new(Console::default()), |s, a| s.reduce(a));
        assert!(
            s.handshake
                .as_ref()
                .unwrap()
                .request
                .starts_with("GET /echo")
        );
        let frames: Vec<&Record> = s
            .records
            .iter()
            .map(|r| &**r)
            .filter(|r| matches!(r.content, Content::Frame(_)))
            .collect();
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].bytes, frame);
        let session = s.session().unwrap();
        assert!(
            session
                .problem
                .as_deref()
                .unwrap()
                .contains("the tap dropped"),
            "{:?}",
            session.problem
        );
        // Clearing the log keeps the heads a session starts with.
        let cleared = s.reduce(ConsoleAction::Clear);
        assert_eq!(cleared.records.len(), 2);
    }

    #[test]
    fn frame_sizes_come_from_the_header_rules() {
        assert_eq!(Payload::Text("Hello".into()).frame_size(Role::Client), 11);
        assert_eq!(
            Payload::Binary(Rc::new(vec![0; 200])).frame_size(Role::Server),
            204
        );
        assert_eq!(
            Payload::Binary(Rc::new(vec![0; 70_000])).frame_size(Role::Client),
            70_014
        );
    }

    #[test]
    fn ready_states_have_their_numbers_and_names() {
        for (n, s) in ReadyState::ALL.iter().enumerate() {
            assert_eq!(usize::from(s.number()), n);
            assert_eq!(ReadyState::from_number(s.number()), *s);
        }
        assert_eq!(ReadyState::from_number(9), ReadyState::Closed);
        assert_eq!(ReadyState::Closing.name(), "CLOSING");
    }
}
