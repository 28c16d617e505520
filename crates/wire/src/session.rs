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
use crate::decode::{DecodeOptions, DecodedFrame, DecodedHeader, Split, Splitter, decode_header};
use crate::deflate::{Compressor, Decompressor, accepted_in_response};
use crate::frame::{Frame, LengthForm};
use crate::handshake::{check_request, client_request, respond};
use crate::opcode::OpCode;
use crate::tap::{Direction, TapEvent, TapItem, encode_bytes};

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
}

/// What a record's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// An HTTP request or response head, up to and including its blank line.
    Http,
    /// A whole frame, decoded (and unmasked).
    Frame(Box<DecodedFrame>),
    /// Bytes that could not be read, and why.
    Unreadable(String),
}

/// A session: its records in the order they crossed the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    /// The records.
    pub records: Vec<Record>,
    /// What stopped the reading, if anything; the records before it stand.
    pub problem: Option<String>,
}

/// One direction being read: its head first, then frames.
struct Reader {
    from: Direction,
    head: Option<Vec<u8>>,
    splitter: Splitter,
    failed: bool,
}

impl Reader {
    fn new(from: Direction) -> Self {
        Reader {
            from,
            head: Some(Vec::new()),
            splitter: Splitter::new(DecodeOptions::for_sender(from.sender())),
            failed: false,
        }
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

impl Session {
    /// Reads a session from pieces of its two byte streams, in the order
    /// they crossed the wire: `(direction, time, bytes)`.
    pub fn from_streams<'a>(
        pieces: impl IntoIterator<Item = (Direction, u32, &'a [u8])>,
    ) -> Session {
        let mut session = Session::default();
        let mut readers = [
            Reader::new(Direction::FromClient),
            Reader::new(Direction::FromServer),
        ];
        for (from, t_ms, bytes) in pieces {
            let i = usize::from(from == Direction::FromServer);
            if readers[i].failed {
                continue;
            }
            let mut bytes = bytes;
            if let Some(head) = readers[i].head.as_mut() {
                let before = head.len();
                head.extend_from_slice(bytes);
                match head_end(head) {
                    Some(end) => {
                        let rest = end - before.min(end);
                        let head_bytes = readers[i].head.take().unwrap_or_default();
                        let record_bytes = head_bytes[..end].to_vec();
                        if from == Direction::FromServer {
                            // After the server's answer, frames may use what it agreed to.
                            let text = String::from_utf8_lossy(&record_bytes);
                            let rsv = u8::from(accepted_in_response(&text).is_some());
                            for r in &mut readers {
                                r.splitter = Splitter::new(DecodeOptions {
                                    allowed_rsv: rsv,
                                    ..DecodeOptions::for_sender(r.from.sender())
                                });
                            }
                        }
                        session.records.push(Record {
                            from,
                            t_ms,
                            bytes: record_bytes,
                            content: Content::Http,
                        });
                        bytes = &bytes[rest.min(bytes.len())..];
                    }
                    None if head.len() > MAX_HEAD => {
                        let why = format!(
                            "{}: no end of the HTTP head within {MAX_HEAD} bytes",
                            from.arrow()
                        );
                        let bytes = readers[i].head.take().unwrap_or_default();
                        session.unreadable(from, t_ms, bytes, why);
                        readers[i].failed = true;
                        continue;
                    }
                    None => continue,
                }
            }
            for split in readers[i].splitter.push(bytes) {
                match split {
                    Split::Frame { raw, frame } => session.records.push(Record {
                        from,
                        t_ms,
                        bytes: raw,
                        content: Content::Frame(Box::new(frame)),
                    }),
                    Split::Error(e) => {
                        session.unreadable(
                            from,
                            t_ms,
                            Vec::new(),
                            format!("{}: {e}", from.arrow()),
                        );
                        readers[i].failed = true;
                    }
                }
            }
        }
        for r in &readers {
            if let Some(head) = &r.head
                && !head.is_empty()
                && session.problem.is_none()
            {
                session.problem = Some(format!(
                    "{}: the HTTP head ends before its blank line",
                    r.from.arrow()
                ));
            }
        }
        session
    }

    fn unreadable(&mut self, from: Direction, t_ms: u32, bytes: Vec<u8>, why: String) {
        if !bytes.is_empty() {
            self.records.push(Record {
                from,
                t_ms,
                bytes,
                content: Content::Unreadable(why.clone()),
            });
        }
        self.problem.get_or_insert(why);
    }

    /// Reads what wslab-echo's tap passed on: the handshake event and the raw bytes.
    pub fn from_tap(items: &[TapItem]) -> Session {
        let mut pieces: Vec<(Direction, u32, Vec<u8>)> = Vec::new();
        let mut lagged = None;
        for item in items {
            match item {
                TapItem::Event(TapEvent::Handshake {
                    t_ms,
                    request,
                    response,
                }) => {
                    pieces.push((Direction::FromClient, *t_ms, request.clone().into_bytes()));
                    pieces.push((Direction::FromServer, *t_ms, response.clone().into_bytes()));
                }
                TapItem::Bytes { from, t_ms, bytes } => pieces.push((*from, *t_ms, bytes.clone())),
                TapItem::Event(TapEvent::Lagged { from, dropped, .. }) => {
                    lagged = Some(format!(
                        "{}: the tap dropped {dropped} bytes here; the session stops before them",
                        from.arrow()
                    ));
                    break;
                }
                TapItem::Event(_) => {}
            }
        }
        let mut session =
            Session::from_streams(pieces.iter().map(|(d, t, b)| (*d, *t, b.as_slice())));
        if session.problem.is_none() {
            session.problem = lagged;
        }
        session
    }

    /// The session as a file: [`FILE_MAGIC`], [`FILE_VERSION`], then one
    /// `wire::tap` byte item per record.
    pub fn to_file(&self) -> Vec<u8> {
        let mut out = FILE_MAGIC.to_vec();
        out.push(FILE_VERSION);
        for r in &self.records {
            encode_bytes(&mut out, r.from, r.t_ms, &r.bytes);
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
                Content::Unreadable(_) => "Unreadable bytes".to_owned(),
                Content::Frame(f) => {
                    let h = &f.header;
                    let masked = if h.mask.is_some() { ", masked" } else { "" };
                    let compressed = if h.rsv[0] { ", compressed" } else { "" };
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
        Content::Unreadable(why) => {
            if !bytes.is_empty() {
                out.push(Annotation {
                    range: 0..bytes.len(),
                    part: Part::Unreadable(why.clone()),
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
    let request = match crate::uri::parse_uri("ws://server.example.com/chat") {
        Ok(uri) => client_request(
            &uri,
            "dGhlIHNhbXBsZSBub25jZQ==",
            Some("http://example.com"),
            &["chat", "superchat"],
        ),
        Err(_) => String::new(),
    };
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
}
