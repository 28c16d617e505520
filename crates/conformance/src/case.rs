//! What a case is: the request it opens with, the frames it sends (broken
//! ones on purpose), what a conforming server does in answer, and why it
//! matters.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::rfc::{self, Quote};
use wire::frame::{Frame, FrameHeader, LengthForm};
use wire::mask::{MaskKey, apply_mask};

/// The groups of cases, in the order a learner meets the topics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    /// The opening handshake (RFC 6455 §4).
    Handshake,
    /// Frame lengths and message sizes that every server must take (§5.2).
    Framing,
    /// Ping and Pong (§5.5.2, §5.5.3).
    PingPong,
    /// Reserved bits (§5.2).
    ReservedBits,
    /// Reserved opcodes (§5.2).
    Opcodes,
    /// Fragmentation (§5.4).
    Fragmentation,
    /// UTF-8 in text messages (§5.6, §8.1).
    Utf8,
    /// The closing handshake and close codes (§5.5.1, §7).
    Closing,
    /// Masking (§5.1, §5.3).
    Masking,
    /// Big messages and small TCP writes (§5.4, §10.4).
    Limits,
}

impl Group {
    /// Every group, in order.
    pub const ALL: [Group; 10] = [
        Group::Handshake,
        Group::Framing,
        Group::PingPong,
        Group::ReservedBits,
        Group::Opcodes,
        Group::Fragmentation,
        Group::Utf8,
        Group::Closing,
        Group::Masking,
        Group::Limits,
    ];

    /// The first number of its cases' ids (1–10).
    pub fn number(self) -> usize {
        Group::ALL.iter().position(|g| *g == self).unwrap_or(0) + 1
    }

    /// The name in URLs, JSON and `--cases` (`ping-pong`).
    pub fn slug(self) -> &'static str {
        match self {
            Group::Handshake => "handshake",
            Group::Framing => "framing",
            Group::PingPong => "ping-pong",
            Group::ReservedBits => "reserved-bits",
            Group::Opcodes => "opcodes",
            Group::Fragmentation => "fragmentation",
            Group::Utf8 => "utf8",
            Group::Closing => "closing",
            Group::Masking => "masking",
            Group::Limits => "limits",
        }
    }

    /// The group named `slug`.
    pub fn from_slug(slug: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.slug() == slug)
    }

    /// A heading.
    pub fn title(self) -> &'static str {
        match self {
            Group::Handshake => "Opening handshake",
            Group::Framing => "Framing and lengths",
            Group::PingPong => "Ping and pong",
            Group::ReservedBits => "Reserved bits",
            Group::Opcodes => "Reserved opcodes",
            Group::Fragmentation => "Fragmentation",
            Group::Utf8 => "UTF-8",
            Group::Closing => "Closing handshake",
            Group::Masking => "Masking",
            Group::Limits => "Limits and small writes",
        }
    }
}

/// One frame a case sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// A frame, masked with a fresh key at send time unless `masked` is false.
    Frame {
        /// The frame (payload unmasked; its `mask` field is ignored).
        frame: Frame,
        /// Whether to mask it, as a client must (§5.1).
        masked: bool,
        /// A length form longer than needed, on purpose.
        form: Option<LengthForm>,
    },
    /// Bytes as they are: a header no encoder would write.
    Raw(Vec<u8>),
}

impl Out {
    /// The bytes on the wire, masked with `key` where the frame is masked.
    pub fn encode(&self, key: MaskKey) -> Vec<u8> {
        match self {
            Out::Raw(bytes) => bytes.clone(),
            Out::Frame {
                frame,
                masked,
                form,
            } => {
                let mut header = FrameHeader::new(
                    frame.fin,
                    frame.rsv,
                    frame.opcode,
                    masked.then_some(key),
                    frame.payload.len() as u64,
                );
                if let Some(form) = form {
                    header.length_form = *form;
                }
                let mut out = Vec::with_capacity(header.encoded_len() + frame.payload.len());
                header.encode_into(&mut out);
                let start = out.len();
                out.extend_from_slice(&frame.payload);
                if *masked {
                    apply_mask(&mut out[start..], key, 0);
                }
                out
            }
        }
    }
}

/// One step of a case, after the opening handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Frames written together: in one write, or in writes of `chunk` bytes.
    Send {
        /// The frames.
        frames: Vec<Out>,
        /// The size of each write, when the bytes are chopped.
        chunk: Option<usize>,
    },
    /// Listen for this many milliseconds before the next step: what arrives
    /// is recorded as having arrived before the steps that follow.
    Listen(u64),
}

/// What the server sends back that a case waits for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    /// A whole message (however the server fragments it).
    Message {
        /// Text (true) or binary.
        text: bool,
        /// Its payload.
        payload: Vec<u8>,
    },
    /// A Pong with this payload.
    Pong(Vec<u8>),
}

/// What a conforming server does.
#[derive(Debug, Clone)]
pub enum Expect {
    /// It answers with these, in order, and closes cleanly when the probe
    /// closes. With `too_big_ok`, closing with 1009 instead is non-strict (a
    /// server may limit message sizes, §10.4).
    Answers {
        /// The answers.
        replies: Vec<Reply>,
        /// Whether refusing the message as too big (1009) or by a size or
        /// count policy (1008) is acceptable (§10.4): non-strict.
        too_big_ok: bool,
        /// When the server sends none of the answers and that is allowed:
        /// why (the verdict is then info).
        silence_ok: Option<&'static str>,
    },
    /// It answers only the most recent of these pings, or every one (§5.5.3).
    Pongs(Vec<Vec<u8>>),
    /// It answers `before` and then fails the connection with one of `codes`.
    /// With `fast`, failing only after the last step is non-strict.
    Fails {
        /// What it answers before failing.
        before: Vec<Reply>,
        /// The close codes that name the error.
        codes: Vec<u16>,
        /// Whether it must fail before the rest of the message arrives.
        fast: bool,
        /// Whether a MUST of the RFC binds the receiver here; without one,
        /// not failing is non-strict, never fail.
        must: bool,
    },
    /// The case's last step is a Close: the server answers `before`, then a
    /// Close with one of `codes` (None: an empty payload), then nothing.
    Closes {
        /// What it answers first.
        before: Vec<Reply>,
        /// The codes its Close may carry.
        codes: Vec<Option<u16>>,
        /// When the server may answer the Close at once without the answers
        /// first: why (the verdict is then info).
        silence_ok: Option<&'static str>,
    },
    /// The opening handshake is answered this way.
    Handshake(HandshakeExpect),
    /// Either answer is allowed, for this reason: the verdict is
    /// informational and says which answer came.
    Either(&'static str),
}

/// How the opening handshake must be answered.
#[derive(Debug, Clone, Copy)]
pub enum HandshakeExpect {
    /// 101, valid in every respect a browser checks (§4.1), and `check`
    /// (given the response head) finds nothing wrong.
    Accepts {
        /// A further check of the response head.
        check: Option<fn(&str) -> Option<String>>,
    },
    /// Refused with "an appropriate error code (such as 400 Bad Request)"
    /// (§4.2.1): any 4xx, or 505 for the HTTP version; with `version_header`
    /// the answer must list the versions the server speaks (§4.4).
    Refuses {
        /// The status the RFC gives as its example ("such as 400").
        status: u16,
        /// Whether `Sec-WebSocket-Version` must be in the answer.
        version_header: bool,
        /// When switching protocols is allowed too (a server may speak an
        /// older version): why (the verdict is then info).
        may_accept: Option<&'static str>,
    },
}

/// What a request head is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// The resource name: path and query.
    pub resource: String,
    /// The Host header's value.
    pub host: String,
    /// A fresh Sec-WebSocket-Key.
    pub key: String,
}

/// The opening request of a case.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    /// The request head.
    pub head: fn(&Parts) -> String,
    /// The size of each write, when the head is chopped.
    pub chunk: Option<usize>,
    /// Whether the first step's bytes go out in the same write as the head,
    /// before the 101 arrives.
    pub with_first_step: bool,
}

/// The head every case starts from: the five headers RFC 6455 §4.1
/// requires of a client.
pub fn standard_head(p: &Parts) -> String {
    head_with(p, &[], None)
}

/// The head a browser sends: the required headers, and the `Origin` and the
/// permessage-deflate offer browsers add (Chromium's, RFC 7692 §7.1.2.2).
pub fn browser_head(p: &Parts) -> String {
    let origin = format!("http://{}", p.host);
    head_with(
        p,
        &[
            ("Origin", Some(&origin)),
            (
                "Sec-WebSocket-Extensions",
                Some("permessage-deflate; client_max_window_bits"),
            ),
        ],
        None,
    )
}

/// The standard head with `edit`s: each header set to a value, or removed
/// (`None`); `line` replaces the request line (`{resource}` is filled in).
pub fn head_with(p: &Parts, edit: &[(&str, Option<&str>)], line: Option<&str>) -> String {
    let mut headers: Vec<(String, String)> = vec![
        ("Host".into(), p.host.clone()),
        ("Upgrade".into(), "websocket".into()),
        ("Connection".into(), "Upgrade".into()),
        ("Sec-WebSocket-Key".into(), p.key.clone()),
        ("Sec-WebSocket-Version".into(), "13".into()),
    ];
    for (name, value) in edit {
        let at = headers
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name));
        match (at, value) {
            (Some(i), Some(v)) => headers[i] = ((*name).into(), (*v).into()),
            (Some(i), None) => {
                headers.remove(i);
            }
            (None, Some(v)) => headers.push(((*name).into(), (*v).into())),
            (None, None) => {}
        }
    }
    let mut out = match line {
        Some(l) => l.replace("{resource}", &p.resource),
        None => format!("GET {} HTTP/1.1", p.resource),
    };
    out.push_str("\r\n");
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out
}

impl Default for Request {
    fn default() -> Self {
        Request {
            head: standard_head,
            chunk: None,
            with_first_step: false,
        }
    }
}

impl Expect {
    /// What a conforming server does, in a sentence.
    pub fn describe(&self) -> String {
        match self {
            Expect::Answers { replies, .. } => {
                if replies.is_empty() {
                    "The server keeps the connection open without answering, then answers the probe's Close with a Close.".into()
                } else {
                    format!(
                        "The server answers with {}, then answers the probe's Close with a Close.",
                        describe_replies(replies)
                    )
                }
            }
            Expect::Pongs(pings) => format!(
                "The server answers the {} pings with Pongs carrying the same payloads (at least the most recent one).",
                pings.len()
            ),
            Expect::Fails {
                before,
                codes,
                fast,
                must,
            } => {
                let first = if before.is_empty() {
                    String::new()
                } else {
                    format!("The server answers with {}, then ", describe_replies(before))
                };
                let then = if first.is_empty() {
                    "The server fails"
                } else {
                    "fails"
                };
                format!(
                    "{first}{then} the connection: it sends a Close with code {}{} and closes the TCP connection{}.",
                    codes_text(codes),
                    if *fast {
                        ", as soon as the bad byte arrives, before the rest of the message"
                    } else {
                        ""
                    },
                    if *must {
                        ""
                    } else {
                        " (what careful servers do; no MUST requires it of the receiver)"
                    }
                )
            }
            Expect::Closes { before, codes, .. } => {
                let codes: Vec<String> = codes
                    .iter()
                    .map(|c| match c {
                        Some(c) => c.to_string(),
                        None => "no code (an empty payload)".into(),
                    })
                    .collect();
                let first = if before.is_empty() {
                    String::new()
                } else {
                    format!("The server answers with {}; then it ", describe_replies(before))
                };
                format!(
                    "{}{}nswers the Close with a Close carrying {}, sends nothing after it, and closes the TCP connection.",
                    first,
                    if first.is_empty() { "The server a" } else { "a" },
                    codes.join(" or ")
                )
            }
            Expect::Handshake(HandshakeExpect::Accepts { .. }) => {
                "The server answers 101 Switching Protocols with the right Sec-WebSocket-Accept, and nothing a client must refuse.".into()
            }
            Expect::Handshake(HandshakeExpect::Refuses {
                status,
                version_header,
                may_accept,
            }) => format!(
                "The server refuses the upgrade with a 4xx status (the RFC's example is {status}){}{}.",
                if *version_header {
                    " and a Sec-WebSocket-Version header listing the versions it speaks"
                } else {
                    ""
                },
                match may_accept {
                    Some(why) => format!("; or it switches protocols: {why}"),
                    None => String::new(),
                }
            ),
            Expect::Either(why) => {
                format!("The RFC allows either answer ({why}): the result is informational.")
            }
        }
    }

    /// How "non-strict" differs from "fail" for this case.
    pub fn non_strict(&self) -> String {
        match self {
            Expect::Answers { too_big_ok: true, .. } => {
                "Non-strict: the server refuses the message with 1009 (too big for it) or 1008 (a size or fragment-count policy), as RFC 6455 §10.4 allows. Fail: anything else instead of the answers.".into()
            }
            Expect::Answers { .. } | Expect::Pongs(_) => {
                "Non-strict: the answers are right but the server closes without a closing handshake. Fail: a missing, extra or different answer.".into()
            }
            Expect::Fails { must: false, .. } => {
                "Non-strict: anything but failing with this code; RFC 6455 puts no MUST on the receiver here, so nothing fails.".into()
            }
            Expect::Fails { fast: true, .. } => {
                "Non-strict: the server fails, but only once the whole message is in, or with another code, or without a Close frame. Fail: it answers or stays open.".into()
            }
            Expect::Fails { .. } => {
                "Non-strict: the server fails with another code, or drops the TCP connection without a Close frame. Fail: it answers the bad frame or stays open.".into()
            }
            Expect::Closes { .. } => {
                "Non-strict: the server's Close carries another valid code, comes only after it answered frames sent after the probe's Close, or never comes because the server drops the TCP connection. Fail: a data message after its own Close, a wrong answer to what came before the Close, or no answer at all.".into()
            }
            Expect::Handshake(HandshakeExpect::Accepts { .. }) => {
                "Non-strict: the server refuses this valid request (a server may decline any handshake, §4.2.2), or does not answer the probe's Close. Fail: a 101 a client must refuse.".into()
            }
            Expect::Handshake(HandshakeExpect::Refuses { version_header: true, .. }) => {
                "Non-strict: a refusal without the Sec-WebSocket-Version list §4.4 requires, or with a 5xx status other than 505. Fail: 101 where the server cannot speak the version, or no answer.".into()
            }
            Expect::Handshake(HandshakeExpect::Refuses { .. }) => {
                "Non-strict: a refusal with a 5xx status other than 505. Fail: 101, or no answer.".into()
            }
            Expect::Either(_) => "Informational only.".into(),
        }
    }

    /// The sentence a non-strict verdict of this kind rests on, unless the
    /// case names its own ([`crate::rfc::Basis::non_strict`]).
    pub fn non_strict_rule(&self) -> Option<Quote> {
        match self {
            Expect::Answers {
                too_big_ok: true, ..
            } => Some(rfc::LIMITS),
            Expect::Answers { .. } | Expect::Pongs(_) | Expect::Closes { .. } => {
                Some(rfc::CLOSE_SOON)
            }
            Expect::Fails { .. } => Some(rfc::FAIL_WITH_CLOSE),
            Expect::Handshake(HandshakeExpect::Accepts { .. }) => Some(rfc::ACCEPT_VALIDLY),
            Expect::Handshake(HandshakeExpect::Refuses {
                version_header: true,
                ..
            }) => Some(rfc::VERSION_LIST),
            Expect::Handshake(HandshakeExpect::Refuses { .. }) => Some(rfc::REFUSE_BAD_REQUEST),
            Expect::Either(_) => None,
        }
    }

    /// Whether a fail of this kind rests on the case's own MUST (an
    /// informational case, or one no MUST binds, has none to quote).
    pub fn can_fail(&self) -> bool {
        !matches!(self, Expect::Either(_) | Expect::Fails { must: false, .. })
    }

    /// The close codes the case accepts, for the report.
    pub fn codes(&self) -> Vec<u16> {
        match self {
            Expect::Fails { codes, .. } => codes.clone(),
            Expect::Closes { codes, .. } => codes.iter().flatten().copied().collect(),
            Expect::Answers { .. } | Expect::Pongs(_) => vec![1000],
            Expect::Handshake(_) | Expect::Either(_) => Vec::new(),
        }
    }
}

fn codes_text(codes: &[u16]) -> String {
    let all: Vec<String> = codes.iter().map(u16::to_string).collect();
    all.join(" or ")
}

/// "1 byte", "5 bytes".
fn bytes_text(n: usize) -> String {
    if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{n} bytes")
    }
}

/// "a text message of 5 bytes and a Pong of 0 bytes".
pub fn describe_replies(replies: &[Reply]) -> String {
    let one = |r: &Reply| match r {
        Reply::Message { text, payload } => format!(
            "{} message of {}",
            if *text { "a text" } else { "a binary" },
            bytes_text(payload.len())
        ),
        Reply::Pong(p) => format!("a Pong of {}", bytes_text(p.len())),
    };
    match replies {
        [] => "nothing".into(),
        [r] => one(r),
        [first, ..] if replies.len() > 4 && replies.iter().all(|r| r == first) => {
            format!("{} × {}", replies.len(), one(first))
        }
        _ => {
            let parts: Vec<String> = replies.iter().map(one).collect();
            parts.join(", then ")
        }
    }
}

/// How long things may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Silence after which the server is taken to have nothing more to say.
    pub quiet: Duration,
    /// The wait for the answer to the opening request.
    pub handshake: Duration,
    /// The most a whole case may take.
    pub case: Duration,
}

/// How much longer the quiet window grows per byte the tester has sent in
/// the case: a peer that reads, checks and echoes a 16 MiB message (or 65,536
/// frames of 64 bytes) may rightly go quiet for seconds while it works, and
/// RFC 6455 sets no time limit. One more second per 1,000,000 bytes: a peer
/// slower than 1 MB/s is taken to have nothing more to say.
pub const QUIET_PER_MB: Duration = Duration::from_secs(1);

impl Timing {
    /// The quiet window once `sent` bytes have gone to the peer: `quiet`,
    /// plus [`QUIET_PER_MB`] per million bytes (never past the case's time).
    pub fn quiet_after(&self, sent: u64) -> Duration {
        let extra = QUIET_PER_MB.as_micros() * u128::from(sent) / 1_000_000;
        let extra = Duration::from_micros(u64::try_from(extra).unwrap_or(u64::MAX));
        self.quiet.saturating_add(extra).min(self.case)
    }
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            quiet: Duration::from_millis(1000),
            handshake: Duration::from_secs(3),
            case: Duration::from_secs(30),
        }
    }
}
