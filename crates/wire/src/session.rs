//! A whole WebSocket session as records, for "The Illustrated WebSocket
//! Connection": the opening request and answer as HTTP records, then one
//! record per frame, each with its direction, time and exact bytes, and
//! every byte of every record explained by exactly one [`Annotation`].
//!
//! A session is read from the two byte streams of a connection (as
//! wslab-echo's tap passes them on): each direction starts with an HTTP head,
//! then frames. It is saved as a file (a magic line, a format number, then
//! `wire::tap` byte items) and shared as a link (that file DEFLATE-compressed
//! and base64url-encoded). Reading never panics: what cannot be read becomes
//! a problem after the records before it.

use std::ops::Range;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::close::ClosePayload;
use crate::decode::{
    DecodeOptions, Decoded, DecodedFrame, DecodedHeader, FrameError, Split, Splitter, decode,
    decode_header,
};
use crate::deflate::{
    Compressor, Decompressor, DeflateConfig, InflateStep, InflatedMessage, MessageInflater,
    accepted_in_response,
};
use crate::frame::{Frame, LengthForm};
use crate::handshake::{check_request, respond, rfc_request};
use crate::opcode::OpCode;
use crate::tap::{Direction, TapEvent, TapItem, encode_bytes, encode_event};

/// What a session file starts with.
pub const FILE_MAGIC: &[u8] = b"wslab-session\n";

/// The file format this version writes and reads.
pub const FILE_VERSION: u8 = 1;

/// The longest HTTP head read.
const MAX_HEAD: usize = 16 * 1024;

/// The most a link may inflate to.
const MAX_LINK_FILE: usize = 16 << 20;

/// One record: an HTTP head or a frame, as it crossed the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Which way it went.
    pub from: Direction,
    /// Milliseconds since the connection started.
    pub t_ms: u32,
    /// Its bytes, exactly.
    pub bytes: Vec<u8>,
    /// What they are.
    pub content: Content,
    /// On the last frame of a compressed message (permessage-deflate): the
    /// whole message, inflated by [`MessageInflater`].
    pub inflated: Option<Box<InflatedMessage>>,
    /// Whether the frame belongs to a compressed message: its payload is
    /// DEFLATE data, inflated with the rest of the message at its last frame.
    pub compressed: bool,
}

/// What a record's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// An HTTP request or response head, up to and including its blank line.
    Http,
    /// A whole frame, decoded (and unmasked).
    Frame(Box<DecodedFrame>),
    /// A frame that breaks a rule: its bytes from its first byte on (with
    /// whatever followed in the same piece), and the rule, whose offset
    /// counts from the record's first byte. A receiver fails the connection here.
    Broken(FrameError),
    /// Bytes that could not be read, and why.
    Unreadable(String),
    /// Bytes the tap dropped (it fell behind): none of them is here, and the
    /// next record of this direction starts at a frame boundary.
    Gap {
        /// How many bytes were dropped.
        dropped: u64,
    },
}

impl Record {
    fn new(from: Direction, t_ms: u32, bytes: Vec<u8>, content: Content) -> Self {
        Record {
            from,
            t_ms,
            bytes,
            content,
            inflated: None,
            compressed: false,
        }
    }

    /// Why these bytes are not a head or a frame, without the direction.
    pub fn why(&self) -> Option<String> {
        match &self.content {
            Content::Http | Content::Frame(_) => None,
            Content::Broken(e) => Some(e.to_string()),
            Content::Unreadable(why) => Some(why.clone()),
            Content::Gap { dropped } => Some(format!(
                "the tap fell behind and dropped {dropped} bytes here; the frames after the gap are read afresh"
            )),
        }
    }

    /// What is wrong here, with the direction, for a record that is not an
    /// HTTP head or a frame.
    pub fn problem(&self) -> Option<String> {
        self.why().map(|w| format!("{}: {w}", self.from.arrow()))
    }
}

/// A session: its records in the order they crossed the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    /// The records.
    pub records: Vec<Record>,
    /// What stopped the reading, if anything; the records before it stand.
    pub problem: Option<String>,
}

/// The most a reader inflates of one message.
pub const INFLATE_LIMIT: usize = 16 << 20;

/// One direction's frames, read as its receiver reads them: split in any
/// pieces, every rule checked (RFC 7692 §6's with permessage-deflate
/// agreed), compressed messages inflated. Every byte pushed ends up in
/// exactly one record: a frame, or, after a broken rule, unreadable bytes.
#[derive(Debug)]
pub struct FrameReader {
    from: Direction,
    splitter: Splitter,
    inflater: MessageInflater,
    /// Set once a rule was broken: why, for the bytes that follow.
    broken: bool,
}

impl FrameReader {
    /// Reads frames sent `from` that side, decoded with `opts` (whose
    /// `deflate` says whether permessage-deflate was agreed).
    pub fn new(from: Direction, opts: DecodeOptions) -> Self {
        FrameReader {
            from,
            splitter: Splitter::new(opts),
            // Keeping the window between messages is harmless for a sender
            // that does not use it, so one inflater reads either kind.
            inflater: MessageInflater::new(true, INFLATE_LIMIT),
            broken: false,
        }
    }

    /// From now on, permessage-deflate is agreed (or not).
    pub fn set_deflate(&mut self, deflate: bool) {
        let opts = self.splitter.options().with_deflate(deflate);
        self.splitter.set_options(opts);
    }

    /// Takes the next piece of this direction; returns the records it completed.
    pub fn push(&mut self, t_ms: u32, bytes: &[u8]) -> Vec<Record> {
        let from = self.from;
        if self.broken {
            return if bytes.is_empty() {
                Vec::new()
            } else {
                vec![Record::new(
                    from,
                    t_ms,
                    bytes.to_vec(),
                    Content::Unreadable(
                        "bytes after a broken rule; a receiver has failed the connection and reads no further"
                            .to_owned(),
                    ),
                )]
            };
        }
        let mut out = Vec::new();
        for split in self.splitter.push(bytes) {
            match split {
                Split::Frame { raw, frame } => {
                    let (inflated, compressed) = match self.inflater.push(&frame.frame) {
                        InflateStep::Done(m) => (Some(Box::new(m)), true),
                        InflateStep::Gathering => (None, true),
                        InflateStep::Plain => (None, false),
                    };
                    out.push(Record {
                        inflated,
                        compressed,
                        ..Record::new(from, t_ms, raw, Content::Frame(Box::new(frame)))
                    });
                }
                Split::Error(_) => {
                    // Decoded again from the broken frame's first byte, so
                    // the error's offset is one into this record.
                    let rest = self.splitter.pending().to_vec();
                    let content = match decode(&rest, self.splitter.options()) {
                        Err(e) => Content::Broken(e),
                        Ok(_) => Content::Unreadable("a rule is broken here".to_owned()),
                    };
                    self.broken = true;
                    out.push(Record::new(from, t_ms, rest, content));
                }
            }
        }
        out
    }

    /// The tap dropped bytes here: the next bytes start a frame. The start
    /// of a frame the gap cut becomes unreadable bytes; a compressed message
    /// under way is lost; the window is kept (a message that refers back
    /// into the gap fails to inflate, and says so).
    pub fn gap(&mut self, t_ms: u32, dropped: u64) -> Vec<Record> {
        let mut out = Vec::new();
        let pending = self.splitter.pending();
        if !self.broken && !pending.is_empty() {
            out.push(Record::new(
                self.from,
                t_ms,
                pending.to_vec(),
                Content::Unreadable("the start of a frame whose rest the tap dropped".to_owned()),
            ));
        }
        let opts = *self.splitter.options();
        self.splitter = Splitter::new(opts);
        self.broken = false;
        out.push(Record::new(
            self.from,
            t_ms,
            Vec::new(),
            Content::Gap { dropped },
        ));
        out
    }

    /// The start of a frame still waiting for the rest: how many bytes of
    /// it are here, and how many more its header says are due (at least).
    pub fn waiting(&self) -> Option<(usize, u64)> {
        let pending = self.splitter.pending();
        if self.broken || pending.is_empty() {
            return None;
        }
        match decode(pending, self.splitter.options()) {
            Ok(Decoded::Incomplete { needed }) => Some((pending.len(), needed)),
            _ => Some((pending.len(), 1)),
        }
    }

    /// The bytes still waiting for the rest of their frame, as a record
    /// saying so (none when nothing waits).
    pub fn unfinished(&self, t_ms: u32) -> Option<Record> {
        let (_, needed) = self.waiting()?;
        let pending = self.splitter.pending();
        let why = format!("the bytes end inside a frame; at least {needed} more were due");
        Some(Record::new(
            self.from,
            t_ms,
            pending.to_vec(),
            Content::Unreadable(why),
        ))
    }
}

/// Reads a whole tapped session as it arrives, in any pieces: each
/// direction's HTTP head, then its frames, with permessage-deflate agreed
/// (or not) from the server's actual answer, compressed messages inflated,
/// and a fresh start at a frame boundary after bytes the tap dropped. The
/// live wire view, `/illustrated` and session files all read with it.
#[derive(Debug)]
pub struct Reader {
    /// Per direction (client, server): the head still being read, until its blank line.
    heads: [Option<Vec<u8>>; 2],
    frames: [FrameReader; 2],
    deflate: Option<DeflateConfig>,
    last_t: u32,
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new()
    }
}

/// Where an HTTP head ends (after its blank line), CRLF or bare LF.
fn head_end(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4);
    let lf = bytes.windows(2).position(|w| w == b"\n\n").map(|p| p + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn lane(from: Direction) -> usize {
    usize::from(from == Direction::FromServer)
}

impl Reader {
    /// A reader at the start of a connection: both directions begin with an HTTP head.
    pub fn new() -> Self {
        let frames =
            |from: Direction| FrameReader::new(from, DecodeOptions::for_sender(from.sender()));
        Reader {
            heads: [Some(Vec::new()), Some(Vec::new())],
            frames: [frames(Direction::FromClient), frames(Direction::FromServer)],
            deflate: None,
            last_t: 0,
        }
    }

    /// The permessage-deflate configuration the server's answer agreed on, if any.
    pub fn deflate(&self) -> Option<&DeflateConfig> {
        self.deflate.as_ref()
    }

    /// Takes one tap item; returns the records it completed.
    pub fn push(&mut self, item: &TapItem) -> Vec<Record> {
        match item {
            TapItem::Bytes { from, t_ms, bytes } => self.push_bytes(*from, *t_ms, bytes),
            TapItem::Event(TapEvent::Handshake {
                t_ms,
                request,
                response,
            }) => {
                let mut out = self.push_bytes(Direction::FromClient, *t_ms, request.as_bytes());
                out.extend(self.push_bytes(Direction::FromServer, *t_ms, response.as_bytes()));
                out
            }
            TapItem::Event(TapEvent::Lagged {
                t_ms,
                from,
                dropped,
            }) => {
                self.last_t = *t_ms;
                let i = lane(*from);
                // A gap inside a head leaves it unreadable; frames follow it.
                let mut out: Vec<Record> = self.heads[i]
                    .take()
                    .filter(|h| !h.is_empty())
                    .map(|h| {
                        Record::new(
                            *from,
                            *t_ms,
                            h,
                            Content::Unreadable("the HTTP head was cut by a gap".to_owned()),
                        )
                    })
                    .into_iter()
                    .collect();
                out.extend(self.frames[i].gap(*t_ms, *dropped));
                out
            }
            TapItem::Event(TapEvent::Session(_) | TapEvent::Closed { .. }) => Vec::new(),
        }
    }

    /// Takes the next bytes of one direction; returns the records they completed.
    pub fn push_bytes(&mut self, from: Direction, t_ms: u32, bytes: &[u8]) -> Vec<Record> {
        self.last_t = t_ms;
        let i = lane(from);
        let mut out = Vec::new();
        let mut bytes = bytes;
        if let Some(head) = self.heads[i].as_mut() {
            let before = head.len();
            head.extend_from_slice(bytes);
            match head_end(head) {
                Some(end) => {
                    let mut head = self.heads[i].take().unwrap_or_default();
                    head.truncate(end);
                    if from == Direction::FromServer {
                        // After the server's answer, frames may use what it agreed to.
                        self.deflate = accepted_in_response(&String::from_utf8_lossy(&head));
                        for f in &mut self.frames {
                            f.set_deflate(self.deflate.is_some());
                        }
                    }
                    out.push(Record::new(from, t_ms, head, Content::Http));
                    bytes = &bytes[(end - before.min(end)).min(bytes.len())..];
                }
                None if head.len() > MAX_HEAD => {
                    let why = format!("no end of the HTTP head within {MAX_HEAD} bytes");
                    let head = self.heads[i].take().unwrap_or_default();
                    out.push(Record::new(from, t_ms, head, Content::Unreadable(why)));
                    // Nothing after it can be told apart: the lane stays broken.
                    self.frames[i].broken = true;
                    return out;
                }
                None => return out,
            }
        }
        out.extend(self.frames[i].push(t_ms, bytes));
        out
    }

    /// The bytes still waiting (a head without its blank line, a frame cut
    /// short), as records saying so. Reading can go on after this.
    pub fn unfinished(&self) -> Vec<Record> {
        let mut out = Vec::new();
        for from in [Direction::FromClient, Direction::FromServer] {
            let i = lane(from);
            match &self.heads[i] {
                Some(head) if !head.is_empty() => out.push(Record::new(
                    from,
                    self.last_t,
                    head.clone(),
                    Content::Unreadable("the HTTP head ends before its blank line".to_owned()),
                )),
                Some(_) => {}
                None => out.extend(self.frames[i].unfinished(self.last_t)),
            }
        }
        out
    }
}

impl Session {
    /// A session of these records; its problem is the first record's that has one.
    pub fn from_records(records: Vec<Record>) -> Session {
        let problem = records.iter().find_map(Record::problem);
        Session { records, problem }
    }

    /// Reads a session from pieces of its two byte streams, in the order
    /// they crossed the wire: `(direction, time, bytes)`.
    pub fn from_streams<'a>(
        pieces: impl IntoIterator<Item = (Direction, u32, &'a [u8])>,
    ) -> Session {
        let mut reader = Reader::new();
        let mut records = Vec::new();
        for (from, t_ms, bytes) in pieces {
            records.extend(reader.push_bytes(from, t_ms, bytes));
        }
        records.extend(reader.unfinished());
        Session::from_records(records)
    }

    /// Reads what wslab-echo's tap passed on (or a session file holds).
    pub fn from_tap(items: &[TapItem]) -> Session {
        let mut reader = Reader::new();
        let mut records = Vec::new();
        for item in items {
            records.extend(reader.push(item));
        }
        records.extend(reader.unfinished());
        Session::from_records(records)
    }

    /// The session as a file: [`FILE_MAGIC`], [`FILE_VERSION`], then one
    /// `wire::tap` byte item per record.
    pub fn to_file(&self) -> Vec<u8> {
        let mut out = FILE_MAGIC.to_vec();
        out.push(FILE_VERSION);
        for r in &self.records {
            match r.content {
                Content::Gap { dropped } => encode_event(
                    &mut out,
                    &TapEvent::Lagged {
                        t_ms: r.t_ms,
                        from: r.from,
                        dropped,
                    },
                ),
                _ => encode_bytes(&mut out, r.from, r.t_ms, &r.bytes),
            }
        }
        out
    }

    /// Reads a session file; a file that is not one, or from a newer format,
    /// is an error; a damaged one keeps the records before the damage.
    pub fn from_file(bytes: &[u8]) -> Result<Session, String> {
        let Some(rest) = bytes.strip_prefix(FILE_MAGIC) else {
            return Err(
                "this is not a wslab session file (it does not start with \"wslab-session\")"
                    .to_owned(),
            );
        };
        let Some((&version, rest)) = rest.split_first() else {
            return Err("the file ends before its format number".to_owned());
        };
        if version != FILE_VERSION {
            return Err(format!(
                "this session was saved in format {version}, by {} wslab; this page reads format {FILE_VERSION}",
                if version > FILE_VERSION {
                    "a newer"
                } else {
                    "another"
                }
            ));
        }
        let (items, problem) = crate::tap::decode(rest);
        let mut session = Session::from_tap(&items);
        if let Some(p) = problem {
            session
                .problem
                .get_or_insert(format!("the file is damaged: {p}"));
        }
        Ok(session)
    }

    /// The session as the text of a link's fragment: the file, compressed
    /// and base64url-encoded.
    pub fn to_link(&self) -> String {
        URL_SAFE_NO_PAD.encode(Compressor::new(false).compress(&self.to_file()))
    }

    /// Reads a link's fragment text.
    pub fn from_link(text: &str) -> Result<Session, String> {
        let packed = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|e| format!("the link is damaged (not base64url: {e})"))?;
        let file = Decompressor::new(false)
            .decompress(&packed, MAX_LINK_FILE)
            .map_err(|e| format!("the link is damaged: {e}"))?;
        Session::from_file(&file)
    }

    /// Each record's title: "Opening request", "Text frame, masked",
    /// "Binary message, frame 2 of 3", "Close 1000 \"bye\"", "Close echoed"…
    pub fn titles(&self) -> Vec<String> {
        // Fragment numbers: per direction, the frames of each data message.
        let mut position: Vec<Option<(usize, usize)>> = vec![None; self.records.len()];
        for side in [Direction::FromClient, Direction::FromServer] {
            let mut current: Vec<usize> = Vec::new();
            for (i, r) in self
                .records
                .iter()
                .enumerate()
                .filter(|(_, r)| r.from == side)
            {
                let Content::Frame(f) = &r.content else {
                    continue;
                };
                let h = &f.header;
                if h.opcode.is_control() {
                    continue;
                }
                if h.opcode != OpCode::Continuation {
                    current.clear();
                }
                current.push(i);
                if h.fin {
                    if current.len() > 1 {
                        let n = current.len();
                        for (k, &j) in current.iter().enumerate() {
                            position[j] = Some((k + 1, n));
                        }
                    }
                    current.clear();
                }
            }
        }
        let mut first_close: Option<(Direction, Vec<u8>)> = None;
        let mut kinds: [Option<OpCode>; 2] = [None, None];
        self.records
            .iter()
            .enumerate()
            .map(|(i, r)| match &r.content {
                Content::Http => {
                    let line = String::from_utf8_lossy(&r.bytes)
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    match r.from {
                        Direction::FromClient => "Opening request".to_owned(),
                        Direction::FromServer => line
                            .split_once(' ')
                            .map_or(line.clone(), |(_, s)| s.to_owned()),
                    }
                }
                Content::Broken(_) => "Broken frame".to_owned(),
                Content::Unreadable(_) => "Unreadable bytes".to_owned(),
                Content::Gap { dropped } => format!("{dropped} bytes the tap dropped"),
                Content::Frame(f) => {
                    let h = &f.header;
                    let masked = if h.mask.is_some() { ", masked" } else { "" };
                    let compressed = if r.compressed { ", compressed" } else { "" };
                    let lane = usize::from(r.from == Direction::FromServer);
                    match h.opcode {
                        OpCode::Ping => format!("Ping{masked}"),
                        OpCode::Pong => format!("Pong{masked}"),
                        OpCode::Close => {
                            let what = match ClosePayload::parse(&f.frame.payload) {
                                Ok(ClosePayload {
                                    code: Some(c),
                                    reason,
                                }) if reason.is_empty() => format!("Close {c}"),
                                Ok(ClosePayload {
                                    code: Some(c),
                                    reason,
                                }) => format!("Close {c} {reason:?}"),
                                Ok(ClosePayload { code: None, .. }) => {
                                    "Close, no status code".to_owned()
                                }
                                Err(_) => "Close, malformed".to_owned(),
                            };
                            match &first_close {
                                Some((d, p)) if *d != r.from && *p == f.frame.payload => {
                                    "Close echoed".to_owned()
                                }
                                Some((d, _)) if *d != r.from => {
                                    format!("{what}, answering the close")
                                }
                                _ => {
                                    first_close = Some((r.from, f.frame.payload.clone()));
                                    what
                                }
                            }
                        }
                        op => {
                            let kind = if op == OpCode::Continuation {
                                kinds[lane]
                            } else {
                                Some(op)
                            };
                            kinds[lane] = kind;
                            let name = match kind {
                                Some(OpCode::Text) => "Text",
                                Some(OpCode::Binary) => "Binary",
                                _ => "Data",
                            };
                            match position[i] {
                                Some((k, n)) => format!(
                                    "Fragmented {} message, frame {k} of {n}{masked}{compressed}",
                                    name.to_lowercase()
                                ),
                                None if matches!(op, OpCode::ReservedData(_)) => {
                                    format!("Frame with reserved opcode {op}")
                                }
                                None => format!("{name} frame{masked}{compressed}"),
                            }
                        }
                    }
                }
            })
            .collect()
    }
}

/// What one byte range of a record is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// The request line or the status line, with its line ending.
    StartLine,
    /// A header line, with its line ending.
    Header {
        /// The header's name as written.
        name: String,
    },
    /// A line that is not a header (no colon).
    OtherLine,
    /// The blank line that ends the head.
    EndOfHead,
    /// Byte 0 of a frame: FIN, RSV1–3 and the opcode.
    FirstByte {
        /// FIN.
        fin: bool,
        /// RSV1, RSV2, RSV3.
        rsv: [bool; 3],
        /// The opcode.
        opcode: OpCode,
    },
    /// Byte 1: MASK and the 7-bit length.
    SecondByte {
        /// MASK.
        mask: bool,
        /// The 7-bit length field: the length, or 126 or 127.
        len7: u8,
    },
    /// The 16- or 64-bit extended length.
    ExtendedLength {
        /// The form.
        form: LengthForm,
        /// The length it holds.
        len: u64,
    },
    /// The masking key.
    MaskingKey([u8; 4]),
    /// The payload, masked on the wire when the frame has a key.
    Payload {
        /// Masked with this key.
        mask: Option<[u8; 4]>,
    },
    /// Bytes that could not be read.
    Unreadable(String),
}

/// A byte range of a record and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// The bytes, as indices into the record.
    pub range: Range<usize>,
    /// What they are.
    pub part: Part,
}

/// Explains every byte of a record, in order, each byte in exactly one annotation.
pub fn annotate(record: &Record) -> Vec<Annotation> {
    let bytes = &record.bytes;
    let mut out = Vec::new();
    match &record.content {
        Content::Http => {
            let mut start = 0;
            let mut first = true;
            while start < bytes.len() {
                let end = bytes[start..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| start + p + 1);
                let line = String::from_utf8_lossy(&bytes[start..end]);
                let line = line.trim_end_matches(['\r', '\n']);
                let part = if first {
                    Part::StartLine
                } else if line.is_empty() {
                    Part::EndOfHead
                } else if let Some((name, _)) = line.split_once(':') {
                    Part::Header {
                        name: name.trim().to_owned(),
                    }
                } else {
                    Part::OtherLine
                };
                first = false;
                out.push(Annotation {
                    range: start..end,
                    part,
                });
                start = end;
            }
        }
        Content::Gap { .. } => {}
        Content::Broken(_) | Content::Unreadable(_) => {
            if !bytes.is_empty() {
                out.push(Annotation {
                    range: 0..bytes.len(),
                    part: Part::Unreadable(record.why().unwrap_or_default()),
                });
            }
        }
        Content::Frame(_) => {
            let opts = DecodeOptions {
                allowed_rsv: 7,
                ..DecodeOptions::default()
            };
            let (header, header_len) = match decode_header(
                bytes,
                &DecodeOptions {
                    max_payload: u64::MAX,
                    ..opts
                },
            ) {
                Ok(DecodedHeader::Complete {
                    header, header_len, ..
                }) => (header, header_len),
                Ok(DecodedHeader::Incomplete { .. }) | Err(_) => {
                    if !bytes.is_empty() {
                        out.push(Annotation {
                            range: 0..bytes.len(),
                            part: Part::Unreadable("not a whole frame header".to_owned()),
                        });
                    }
                    return out;
                }
            };
            let b0 = bytes[0];
            out.push(Annotation {
                range: 0..1,
                part: Part::FirstByte {
                    fin: header.fin,
                    rsv: header.rsv,
                    opcode: OpCode::from_nibble(b0),
                },
            });
            out.push(Annotation {
                range: 1..2,
                part: Part::SecondByte {
                    mask: header.mask.is_some(),
                    len7: bytes[1] & 0x7f,
                },
            });
            let ext_end = 2 + header.length_form.extra_bytes();
            if ext_end > 2 {
                out.push(Annotation {
                    range: 2..ext_end,
                    part: Part::ExtendedLength {
                        form: header.length_form,
                        len: header.payload_len,
                    },
                });
            }
            let mut at = ext_end;
            if let Some(key) = header.mask {
                out.push(Annotation {
                    range: at..at + 4,
                    part: Part::MaskingKey(key),
                });
                at += 4;
            }
            debug_assert_eq!(at, header_len);
            if bytes.len() > at {
                out.push(Annotation {
                    range: at..bytes.len(),
                    part: Part::Payload { mask: header.mask },
                });
            }
        }
    }
    out
}

/// The example session, computed by `wire`: RFC 6455 §1.3's handshake, a
/// masked text message and its echo, a ping and its pong, a binary message
/// in three fragments with a ping between them and its echo, and the closing
/// handshake started by the client.
pub fn example() -> Session {
    let request = rfc_request("dGhlIHNhbXBsZSBub25jZQ==");
    let response = respond(&check_request(&request), &["chat"], None).text;
    // The RFC's example key (§5.7), then keys drawn from it, one per frame.
    let key = |n: u8| -> [u8; 4] { [0x37 ^ n, 0xfa, 0x21 ^ n.wrapping_mul(3), 0x3d] };
    let client = |f: Frame, n: u8| f.masked(key(n)).encode();
    let mut fragments = crate::message::fragment(
        crate::message::MessageKind::Binary,
        &[0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0xff],
        3,
    );
    let last = fragments
        .pop()
        .unwrap_or_else(|| Frame::new(OpCode::Continuation, Vec::new()));
    let middle = fragments
        .pop()
        .unwrap_or_else(|| Frame::new(OpCode::Continuation, Vec::new()));
    let first = fragments
        .pop()
        .unwrap_or_else(|| Frame::new(OpCode::Binary, Vec::new()));
    let bye = ClosePayload::build(1000, "bye").unwrap_or_default();
    let c = Direction::FromClient;
    let s = Direction::FromServer;
    let pieces: Vec<(Direction, u32, Vec<u8>)> = vec![
        (c, 0, request.into_bytes()),
        (s, 1, response.into_bytes()),
        (c, 120, client(Frame::new(OpCode::Text, "Hello"), 0)),
        (s, 121, Frame::new(OpCode::Text, "Hello").encode()),
        (
            c,
            900,
            client(Frame::new(OpCode::Ping, "are you there?"), 1),
        ),
        (s, 901, Frame::new(OpCode::Pong, "are you there?").encode()),
        (c, 1500, client(first, 2)),
        (c, 1510, client(middle, 3)),
        (c, 1515, client(Frame::new(OpCode::Ping, "still here?"), 4)),
        (s, 1516, Frame::new(OpCode::Pong, "still here?").encode()),
        (c, 1520, client(last, 5)),
        (
            s,
            1521,
            Frame::new(
                OpCode::Binary,
                vec![0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0xff],
            )
            .encode(),
        ),
        (c, 3000, client(Frame::new(OpCode::Close, bye.clone()), 6)),
        (s, 3001, Frame::new(OpCode::Close, bye).encode()),
    ];
    Session::from_streams(pieces.iter().map(|(d, t, b)| (*d, *t, b.as_slice())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_a_whole_session_with_titles() {
        let s = example();
        assert_eq!(s.problem, None);
        assert_eq!(
            s.titles(),
            [
                "Opening request",
                "101 Switching Protocols",
                "Text frame, masked",
                "Text frame",
                "Ping, masked",
                "Pong",
                "Fragmented binary message, frame 1 of 3, masked",
                "Fragmented binary message, frame 2 of 3, masked",
                "Ping, masked",
                "Pong",
                "Fragmented binary message, frame 3 of 3, masked",
                "Binary frame",
                "Close 1000 \"bye\"",
                "Close echoed",
            ]
        );
    }

    #[test]
    fn every_byte_is_explained_once() {
        for r in &example().records {
            let anns = annotate(r);
            let mut at = 0;
            for a in &anns {
                assert_eq!(a.range.start, at, "{anns:?}");
                at = a.range.end;
            }
            assert_eq!(at, r.bytes.len());
        }
    }

    #[test]
    fn files_and_links_round_trip_and_bad_ones_say_why() {
        let s = example();
        assert_eq!(Session::from_file(&s.to_file()).unwrap(), s);
        assert_eq!(Session::from_link(&s.to_link()).unwrap(), s);
        assert!(
            Session::from_file(b"PNG...")
                .unwrap_err()
                .contains("not a wslab session")
        );
        let mut newer = s.to_file();
        newer[FILE_MAGIC.len()] = 2;
        assert!(Session::from_file(&newer).unwrap_err().contains("newer"));
        let mut cut = s.to_file();
        cut.truncate(cut.len() - 3);
        let damaged = Session::from_file(&cut).unwrap();
        assert_eq!(damaged.records.len(), s.records.len() - 1);
        assert!(damaged.problem.unwrap().contains("damaged"));
        assert!(Session::from_link("%%%").unwrap_err().contains("damaged"));
    }

    #[test]
    fn a_broken_frame_stops_its_direction_after_the_records_before_it() {
        let s = example();
        let mut pieces: Vec<(Direction, u32, Vec<u8>)> = s
            .records
            .iter()
            .map(|r| (r.from, r.t_ms, r.bytes.clone()))
            .collect();
        // RSV2 set on the client's third frame: no extension defines it.
        pieces[4].2[0] |= 0x20;
        let broken = Session::from_streams(pieces.iter().map(|(d, t, b)| (*d, *t, b.as_slice())));
        assert!(
            broken.problem.as_deref().unwrap().contains("RSV2"),
            "{:?}",
            broken.problem
        );
        assert!(broken.records.len() >= 4);
        assert_eq!(broken.records[..4], s.records[..4]);
    }

    /// A session that agreed on permessage-deflate: a compressed message in
    /// two frames, then a compressed Ping (RFC 7692 §6 forbids RSV1 there).
    fn deflate_session() -> Vec<TapItem> {
        let request = "GET /echo HTTP/1.1\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n";
        let response = "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n";
        let data = Compressor::new(true).compress(b"Hello, compressed world");
        let (a, b) = data.split_at(data.len() / 2);
        let mut first = Frame::new(OpCode::Text, a.to_vec());
        first.fin = false;
        first.rsv[0] = true;
        let second = Frame::new(OpCode::Continuation, b.to_vec());
        let mut ping = Frame::new(OpCode::Ping, Vec::new());
        ping.rsv[0] = true;
        vec![
            TapItem::Event(TapEvent::Handshake {
                t_ms: 0,
                request: request.into(),
                response: response.into(),
            }),
            TapItem::Bytes {
                from: Direction::FromServer,
                t_ms: 5,
                bytes: [first.encode(), second.encode()].concat(),
            },
            TapItem::Bytes {
                from: Direction::FromServer,
                t_ms: 6,
                bytes: ping.encode(),
            },
        ]
    }

    #[test]
    fn the_reader_inflates_what_the_answer_agreed_and_refuses_a_compressed_ping() {
        let s = Session::from_tap(&deflate_session());
        assert_eq!(s.records.len(), 5, "{:?}", s.records);
        let inflated = s.records[3].inflated.as_deref().expect("inflated at FIN");
        assert_eq!(
            inflated.message.as_deref().unwrap(),
            b"Hello, compressed world"
        );
        assert!(s.records[2].inflated.is_none());
        assert!(s.records[2].compressed && s.records[3].compressed);
        // The describer reads the same flag: DEFLATE data, not text, for every frame of it.
        assert!(crate::describe::record_line(&s.records[2]).contains("DEFLATE data"));
        assert!(crate::describe::record_line(&s.records[3]).contains("inflated"));
        let why = s.records[4].problem().unwrap();
        assert!(why.contains("RFC 7692 §6") && why.contains("Ping"), "{why}");
        assert_eq!(s.problem.as_deref(), Some(why.as_str()));
        // The same bytes without the agreement: RSV1 is undefined (RFC 6455 §5.2).
        let mut plain = deflate_session();
        if let TapItem::Event(TapEvent::Handshake { response, .. }) = &mut plain[0] {
            *response = "HTTP/1.1 101 Switching Protocols\r\n\r\n".into();
        }
        let s = Session::from_tap(&plain);
        assert!(s.problem.unwrap().contains("RFC 6455 §5.2"));
    }

    #[test]
    fn after_a_gap_the_reader_starts_afresh_at_a_frame_boundary() {
        let frame = Frame::new(OpCode::Binary, vec![1, 2, 3])
            .masked([9, 8, 7, 6])
            .encode();
        let mut reader = Reader::new();
        let mut records = reader.push_bytes(Direction::FromClient, 0, b"GET / HTTP/1.1\r\n\r\n");
        records.extend(reader.push_bytes(Direction::FromClient, 1, &frame[..4]));
        records.extend(reader.push(&TapItem::Event(TapEvent::Lagged {
            t_ms: 2,
            from: Direction::FromClient,
            dropped: 5,
        })));
        records.extend(reader.push_bytes(Direction::FromClient, 3, &frame));
        let kinds: Vec<&Content> = records.iter().map(|r| &r.content).collect();
        assert!(
            matches!(
                kinds[..],
                [
                    Content::Http,
                    Content::Unreadable(_),
                    Content::Gap { dropped: 5 },
                    Content::Frame(_)
                ]
            ),
            "{kinds:?}"
        );
        assert_eq!(records[1].bytes, frame[..4]);
        let s = Session::from_records(records);
        assert!(
            s.problem
                .as_deref()
                .unwrap()
                .contains("rest the tap dropped")
        );
        assert_eq!(
            Session::from_file(&s_file(&s.records)).unwrap().records,
            s.records
        );
    }

    fn s_file(records: &[Record]) -> Vec<u8> {
        Session {
            records: records.to_vec(),
            problem: None,
        }
        .to_file()
    }
}
