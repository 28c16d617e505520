//! The catalogue: every case, written from RFC 6455 (and RFC 9110/9112 for
//! the HTTP parts), grouped as a learner meets the topics. Payloads are made
//! when a case runs, not when the list is built, so the list is cheap.

use std::sync::Arc;

use wire::close::{MAX_REASON, is_valid_on_wire};
use wire::frame::{Frame, LengthForm, MAX_CONTROL_PAYLOAD as MAX};
use wire::message::{MessageKind, fragment};
use wire::opcode::OpCode;

use crate::case::{
    Expect, Group, HandshakeExpect, Out, Parts, Reply, Request, Step, browser_head, head_with,
};

/// What a case does, made when it runs.
#[derive(Debug, Clone)]
pub struct Body {
    /// The steps after the handshake.
    pub steps: Vec<Step>,
    /// What a conforming server does.
    pub expect: Expect,
}

/// A case of the catalogue.
#[derive(Clone)]
pub struct Case {
    /// `group.sub.n`, such as `7.3.12`.
    pub id: String,
    /// Its group.
    pub group: Group,
    /// What it sends, in a line.
    pub title: String,
    /// The opening request.
    pub request: Request,
    /// Where the RFC says so.
    pub rfc: &'static str,
    /// Why it matters, and how servers get it wrong.
    pub why: &'static str,
    /// Makes the steps and the expectation.
    pub body: Arc<dyn Fn() -> Body + Send + Sync>,
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.id, self.title)
    }
}

struct Catalogue {
    cases: Vec<Case>,
    group: Group,
    sub: usize,
    n: usize,
    rfc: &'static str,
    why: &'static str,
}

impl Catalogue {
    fn group(&mut self, g: Group) {
        self.group = g;
        self.sub = 0;
    }

    fn sub(&mut self, rfc: &'static str, why: &'static str) {
        self.sub += 1;
        self.n = 0;
        self.rfc = rfc;
        self.why = why;
    }

    fn with(
        &mut self,
        title: impl Into<String>,
        request: Request,
        body: impl Fn() -> Body + Send + Sync + 'static,
    ) {
        self.n += 1;
        self.cases.push(Case {
            id: format!("{}.{}.{}", self.group.number(), self.sub, self.n),
            group: self.group,
            title: title.into(),
            request,
            rfc: self.rfc,
            why: self.why,
            body: Arc::new(body),
        });
    }

    fn add(&mut self, title: impl Into<String>, body: impl Fn() -> Body + Send + Sync + 'static) {
        self.with(title, Request::default(), body);
    }
}

// Building blocks. Frames are masked with a fresh key when sent.

fn frame(opcode: OpCode, fin: bool, payload: impl Into<Vec<u8>>) -> Out {
    let mut f = Frame::new(opcode, payload);
    f.fin = fin;
    Out::Frame {
        frame: f,
        masked: true,
        form: None,
    }
}
fn text(p: impl Into<Vec<u8>>) -> Out {
    frame(OpCode::Text, true, p)
}
fn bin(p: impl Into<Vec<u8>>) -> Out {
    frame(OpCode::Binary, true, p)
}
fn ping(p: impl Into<Vec<u8>>) -> Out {
    frame(OpCode::Ping, true, p)
}
fn pong(p: impl Into<Vec<u8>>) -> Out {
    frame(OpCode::Pong, true, p)
}
fn close(code: u16, reason: &[u8]) -> Out {
    let mut p = code.to_be_bytes().to_vec();
    p.extend_from_slice(reason);
    frame(OpCode::Close, true, p)
}
fn with_rsv(mut out: Out, bits: u8) -> Out {
    if let Out::Frame { frame, .. } = &mut out {
        frame.rsv = [bits & 4 != 0, bits & 2 != 0, bits & 1 != 0];
    }
    out
}
fn unmasked(mut out: Out) -> Out {
    if let Out::Frame { masked, .. } = &mut out {
        *masked = false;
    }
    out
}
fn in_form(mut out: Out, f: LengthForm) -> Out {
    if let Out::Frame { form, .. } = &mut out {
        *form = Some(f);
    }
    out
}
/// A frame's bytes, masked with a fixed key, cut at `at`: two writes with a
/// pause between them (for failing fast inside one frame).
fn cut(out: &Out, key: [u8; 4], at: usize) -> (Out, Out) {
    let bytes = out.encode(key);
    let at = at.min(bytes.len());
    (
        Out::Raw(bytes[..at].to_vec()),
        Out::Raw(bytes[at..].to_vec()),
    )
}
fn send(frames: Vec<Out>) -> Step {
    Step::Send {
        frames,
        chunk: None,
    }
}
fn chopped(frames: Vec<Out>, chunk: usize) -> Step {
    Step::Send {
        frames,
        chunk: Some(chunk),
    }
}
fn t(p: impl Into<Vec<u8>>) -> Reply {
    Reply::Message {
        text: true,
        payload: p.into(),
    }
}
fn b(p: impl Into<Vec<u8>>) -> Reply {
    Reply::Message {
        text: false,
        payload: p.into(),
    }
}
fn pg(p: impl Into<Vec<u8>>) -> Reply {
    Reply::Pong(p.into())
}
fn answers(steps: Vec<Step>, replies: Vec<Reply>) -> Body {
    Body {
        steps,
        expect: Expect::Answers {
            replies,
            too_big_ok: false,
            silence_ok: None,
        },
    }
}
fn fails(steps: Vec<Step>, before: Vec<Reply>, codes: &[u16]) -> Body {
    Body {
        steps,
        expect: Expect::Fails {
            before,
            codes: codes.to_vec(),
            fast: false,
            must: true,
        },
    }
}
fn closes(steps: Vec<Step>, before: Vec<Reply>, codes: &[Option<u16>]) -> Body {
    Body {
        steps,
        expect: Expect::Closes {
            before,
            codes: codes.to_vec(),
            silence_ok: None,
        },
    }
}
fn handshake(h: HandshakeExpect) -> Body {
    Body {
        steps: Vec::new(),
        expect: Expect::Handshake(h),
    }
}
const ACCEPTS: HandshakeExpect = HandshakeExpect::Accepts { check: None };
const PROTOCOL_ERROR: &[u16] = &[1002];
const INVALID_DATA: &[u16] = &[1007];

/// `len` bytes of readable ASCII text.
fn ascii(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 26) as u8).collect()
}
/// `len` bytes of every value, for binary messages.
fn bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

/// A message of `kind` with `len` bytes: readable ASCII for text, every
/// byte value for binary.
fn payload(kind: MessageKind, len: usize) -> Vec<u8> {
    match kind {
        MessageKind::Text => ascii(len),
        MessageKind::Binary => bytes(len),
    }
}
/// A message of `kind` in one frame.
fn whole(kind: MessageKind, p: Vec<u8>) -> Out {
    frame(kind.opcode(), true, p)
}
/// The echo of a message of `kind`.
fn echo(kind: MessageKind, p: Vec<u8>) -> Reply {
    Reply::Message {
        text: kind == MessageKind::Text,
        payload: p,
    }
}
/// A message in frames of at most `size` bytes (`wire::message::fragment`),
/// each masked when sent.
fn fragments(kind: MessageKind, payload: &[u8], size: usize) -> Vec<Out> {
    fragment(kind, payload, size)
        .into_iter()
        .map(|frame| Out::Frame {
            frame,
            masked: true,
            form: None,
        })
        .collect()
}

fn req(head: fn(&Parts) -> String) -> Request {
    Request {
        head,
        ..Request::default()
    }
}

/// UTF-8 sequences: a name and the bytes. Whether each is valid is asked of
/// the standard library, an oracle independent of `wire`.
const UTF8: &[(&str, &[u8])] = &[
    ("mixed Latin text", "Hello-µ@ßöäüàá-UTF-8!!".as_bytes()),
    ("Greek \"κόσμε\"", "κόσμε".as_bytes()),
    ("Japanese", "日本語のテキスト".as_bytes()),
    ("an emoji (4 bytes)", "🚀 launch".as_bytes()),
    ("U+0000 (NUL is valid UTF-8)", b"\x00"),
    ("U+007F, the last 1-byte character", b"\x7f"),
    ("U+0080, the first 2-byte character", b"\xc2\x80"),
    ("U+07FF, the last 2-byte character", b"\xdf\xbf"),
    ("U+0800, the first 3-byte character", b"\xe0\xa0\x80"),
    ("U+D7FF, just below the surrogates", b"\xed\x9f\xbf"),
    ("U+E000, just above the surrogates", b"\xee\x80\x80"),
    ("U+FFFD, the replacement character", b"\xef\xbf\xbd"),
    (
        "U+FFFE, a noncharacter (still valid UTF-8)",
        b"\xef\xbf\xbe",
    ),
    ("U+FFFF, the last 3-byte character", b"\xef\xbf\xbf"),
    ("U+10000, the first 4-byte character", b"\xf0\x90\x80\x80"),
    ("U+10FFFF, the last code point", b"\xf4\x8f\xbf\xbf"),
    ("U+FDD0, a noncharacter", b"\xef\xb7\x90"),
    ("U+110000, above the last code point", b"\xf4\x90\x80\x80"),
    ("U+1FFFFF in 4 bytes", b"\xf7\xbf\xbf\xbf"),
    ("a 5-byte sequence", b"\xf8\x88\x80\x80\x80"),
    ("a 6-byte sequence", b"\xfc\x84\x80\x80\x80\x80"),
    ("a lone continuation byte 0x80", b"\x80"),
    ("a lone continuation byte 0xBF", b"\xbf"),
    ("two continuation bytes", b"\x80\xbf"),
    ("three continuation bytes", b"\x80\xbf\x80"),
    ("a 2-byte start then a space", b"\xc0\x20"),
    ("0xDF then a space", b"\xdf\x20"),
    ("a 3-byte start then a space", b"\xe0\x20"),
    ("0xEF then a space", b"\xef\x20"),
    ("a 4-byte start then a space", b"\xf0\x20"),
    ("0xF7 then a space", b"\xf7\x20"),
    ("0xF8 then a space", b"\xf8\x20"),
    ("0xFC then a space", b"\xfc\x20"),
    ("a 2-byte sequence cut short", b"\xc2"),
    ("a 3-byte sequence cut short", b"\xe0\xa0"),
    ("a 4-byte sequence cut short", b"\xf0\x90\x80"),
    ("U+07FF cut short", b"\xdf"),
    ("U+FFFF cut short", b"\xef\xbf"),
    ("U+10FFFF cut short", b"\xf4\x8f\xbf"),
    ("three cut sequences in a row", b"\xc2\xe0\xa0\xf0\x90\x80"),
    ("the impossible byte 0xFE", b"\xfe"),
    ("the impossible byte 0xFF", b"\xff"),
    ("impossible bytes FE FE FF FF", b"\xfe\xfe\xff\xff"),
    ("\"/\" overlong in 2 bytes", b"\xc0\xaf"),
    ("\"/\" overlong in 3 bytes", b"\xe0\x80\xaf"),
    ("\"/\" overlong in 4 bytes", b"\xf0\x80\x80\xaf"),
    ("the largest overlong 2-byte form", b"\xc1\xbf"),
    ("the largest overlong 3-byte form", b"\xe0\x9f\xbf"),
    ("the largest overlong 4-byte form", b"\xf0\x8f\xbf\xbf"),
    ("NUL overlong in 2 bytes", b"\xc0\x80"),
    ("NUL overlong in 3 bytes", b"\xe0\x80\x80"),
    ("NUL overlong in 4 bytes", b"\xf0\x80\x80\x80"),
    ("the surrogate U+D800", b"\xed\xa0\x80"),
    ("the surrogate U+DB7F", b"\xed\xad\xbf"),
    ("the surrogate U+DB80", b"\xed\xae\x80"),
    ("the surrogate U+DBFF", b"\xed\xaf\xbf"),
    ("the surrogate U+DC00", b"\xed\xb0\x80"),
    ("the surrogate U+DF80", b"\xed\xbe\x80"),
    ("the surrogate U+DFFF", b"\xed\xbf\xbf"),
    (
        "a surrogate pair U+D800 U+DC00 (CESU-8)",
        b"\xed\xa0\x80\xed\xb0\x80",
    ),
    (
        "a surrogate pair U+DBFF U+DFFF",
        b"\xed\xaf\xbf\xed\xbf\xbf",
    ),
    (
        "valid text, then an overlong byte pair, then text",
        b"Hello\xc0\xafworld",
    ),
    (
        "\"κόσμε\", then a surrogate, then text",
        b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited",
    ),
];

/// Every case, in order.
pub fn all() -> Vec<Case> {
    let mut c = Catalogue {
        cases: Vec::new(),
        group: Group::Handshake,
        sub: 0,
        n: 0,
        rfc: "",
        why: "",
    };
    handshake_cases(&mut c);
    framing(&mut c);
    ping_pong(&mut c);
    reserved_bits(&mut c);
    opcodes(&mut c);
    fragmentation(&mut c);
    utf8(&mut c);
    closing(&mut c);
    masking(&mut c);
    limits(&mut c);
    c.cases
}

fn handshake_cases(c: &mut Catalogue) {
    c.group(Group::Handshake);
    c.sub(
        "RFC 6455 §4.2.1, §4.2.2; RFC 9110 §5.1, §7.8",
        "Browsers and libraries write the same request in different ways: header names in any case, token values in any case, Connection as a list. A server that compares strings exactly, or reads Connection as one token, turns real clients away.",
    );
    c.with("A request as a browser sends it", req(browser_head), || {
        handshake(ACCEPTS)
    });
    c.with(
        "Header names in lower case",
        req(|p| {
            let head = head_with(p, &[], None);
            let lines: Vec<String> = head
                .split("\r\n")
                .enumerate()
                .map(|(i, l)| match l.split_once(':') {
                    Some((n, v)) if i > 0 => format!("{}:{v}", n.to_ascii_lowercase()),
                    _ => l.to_owned(),
                })
                .collect();
            lines.join("\r\n")
        }),
        || handshake(ACCEPTS),
    );
    c.with(
        "Token values in other cases: Upgrade: WebSocket, Connection: upgrade",
        req(|p| {
            head_with(
                p,
                &[
                    ("Upgrade", Some("WebSocket")),
                    ("Connection", Some("upgrade")),
                ],
                None,
            )
        }),
        || handshake(ACCEPTS),
    );
    c.with(
        "Connection as a list: keep-alive, Upgrade (as Firefox sends it)",
        req(|p| head_with(p, &[("Connection", Some("keep-alive, Upgrade"))], None)),
        || handshake(ACCEPTS),
    );
    c.with(
        "Extra spaces around header values",
        req(|p| {
            head_with(
                p,
                &[
                    ("Upgrade", Some("  websocket  ")),
                    ("Sec-WebSocket-Version", Some(" 13 ")),
                ],
                None,
            )
        }),
        || handshake(ACCEPTS),
    );
    c.with(
        "Headers a browser adds: User-Agent, Pragma, Cache-Control, Accept-Language",
        req(|p| {
            head_with(
                p,
                &[
                    ("User-Agent", Some("wslab-probe")),
                    ("Pragma", Some("no-cache")),
                    ("Cache-Control", Some("no-cache")),
                    ("Accept-Language", Some("en")),
                ],
                None,
            )
        }),
        || handshake(ACCEPTS),
    );
    c.with(
        "The request written one byte at a time",
        Request {
            chunk: Some(1),
            ..Request::default()
        },
        || handshake(ACCEPTS),
    );
    c.with(
        "The request and a first message in the same write",
        Request {
            with_first_step: true,
            ..Request::default()
        },
        || Body {
            steps: vec![send(vec![text("early")])],
            expect: Expect::Answers {
                replies: vec![t("early")],
                too_big_ok: false,
                silence_ok: Some(
                    "§4.1 says the client MUST wait for the server's answer before sending data, so a server that drops bytes sent before its 101 breaks no rule",
                ),
            },
        },
    );
    c.sub(
        "RFC 6455 §4.2.1, §4.2.2, §4.4; RFC 9112 §3.2",
        "A server must not switch protocols for a request that is not a WebSocket handshake: a missing key means the client cannot check the answer, another version means the frames may differ. A clear 4xx tells the client why; a 101 puts two programs on one connection that disagree about what the bytes mean.",
    );
    c.with(
        "Sec-WebSocket-Version: 8 (an older draft)",
        req(|p| head_with(p, &[("Sec-WebSocket-Version", Some("8"))], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 426,
                version_header: true,
                may_accept: Some(
                    "§4.2.2 requires refusing only a version the server does not understand, and draft hybi-08 frames as version 13 does; a server that speaks it may accept it",
                ),
            })
        },
    );
    c.with(
        "No Sec-WebSocket-Version",
        req(|p| head_with(p, &[("Sec-WebSocket-Version", None)], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "No Sec-WebSocket-Key",
        req(|p| head_with(p, &[("Sec-WebSocket-Key", None)], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "A Sec-WebSocket-Key of 8 bytes instead of 16",
        req(|p| head_with(p, &[("Sec-WebSocket-Key", Some("AAAAAAAAAAA="))], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "No Upgrade header",
        req(|p| head_with(p, &[("Upgrade", None)], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "Upgrade: h2c instead of websocket",
        req(|p| head_with(p, &[("Upgrade", Some("h2c"))], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "Connection without the Upgrade token",
        req(|p| head_with(p, &[("Connection", Some("keep-alive"))], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "POST instead of GET",
        req(|p| head_with(p, &[], Some("POST {resource} HTTP/1.1"))),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "HTTP/1.0 instead of HTTP/1.1",
        req(|p| head_with(p, &[], Some("GET {resource} HTTP/1.0"))),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "No Host header",
        req(|p| head_with(p, &[("Host", None)], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.sub(
        "RFC 6455 §4.2.2 item 5.5, §9.1; RFC 7692 §7",
        "A server may only choose a subprotocol or an extension the client offered, and only one it really speaks. Choosing something else makes every browser fail the connection; accepting an extension it does not implement corrupts every message after the handshake.",
    );
    c.with(
        "Offers a subprotocol no server speaks",
        req(|p| head_with(p, &[("Sec-WebSocket-Protocol", Some("x-wslab-nobody-speaks-this"))], None)),
        || handshake(HandshakeExpect::Accepts { check: Some(|r| header_value(r, "sec-websocket-protocol").map(|v| format!("the server chose the subprotocol {v:?}, which it cannot speak: it was made up for this case"))) }),
    );
    c.with(
        "Offers two subprotocols: chat, superchat",
        req(|p| {
            head_with(
                p,
                &[("Sec-WebSocket-Protocol", Some("chat, superchat"))],
                None,
            )
        }),
        || handshake(ACCEPTS),
    );
    c.with(
        "Offers an extension no server implements",
        req(|p| head_with(p, &[("Sec-WebSocket-Extensions", Some("x-wslab-unknown; level=3"))], None)),
        || handshake(HandshakeExpect::Accepts { check: Some(|r| header_value(r, "sec-websocket-extensions").filter(|v| v.contains("x-wslab-unknown")).map(|v| format!("the server accepted the extension {v:?}, which it cannot implement: it was made up for this case"))) }),
    );
    c.with(
        "Offers permessage-deflate with an unknown parameter",
        req(|p| head_with(p, &[("Sec-WebSocket-Extensions", Some("permessage-deflate; x-wslab-bogus"))], None)),
        || handshake(HandshakeExpect::Accepts { check: Some(|r| header_value(r, "sec-websocket-extensions").filter(|v| v.contains("permessage-deflate")).map(|v| format!("the server accepted {v:?} for an offer with a parameter it cannot know; RFC 7692 §7 says a server MUST decline such an offer"))) }),
    );
}

/// The value of the first header `name` in a response head.
fn header_value(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|l| {
        l.split_once(':')
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
    })
}

const LENGTHS: [usize; 7] = [0, 125, 126, 127, 128, 65535, 65536];

/// The two kinds of data message, with their names.
const KINDS: [(MessageKind, &str); 2] =
    [(MessageKind::Text, "text"), (MessageKind::Binary, "binary")];

fn framing(c: &mut Catalogue) {
    c.group(Group::Framing);
    for (kind, name) in KINDS {
        c.sub(
            "RFC 6455 §5.2",
            "The length has three forms: 7 bits for 0–125, 126 then 16 bits, 127 then 64 bits. The edges (125/126, 65535/65536) are where hand-written parsers slip: one byte off, or the 16-bit length read in the wrong byte order.",
        );
        for len in LENGTHS {
            c.add(
                format!(
                    "A {name} message of {len} bytes ({} length)",
                    LengthForm::minimal(len as u64).name()
                ),
                move || {
                    let p = payload(kind, len);
                    answers(
                        vec![send(vec![whole(kind, p.clone())])],
                        vec![echo(kind, p)],
                    )
                },
            );
        }
        c.add(
            format!("A {name} message of 65536 bytes written in pieces of 997 bytes"),
            move || {
                let p = payload(kind, 65536);
                answers(
                    vec![chopped(vec![whole(kind, p.clone())], 997)],
                    vec![echo(kind, p)],
                )
            },
        );
    }
    c.sub(
        "RFC 6455 §5.2",
        "Frames arrive in whatever pieces TCP delivers: several in one read, or one split over many. A server that assumes one read is one frame works on a quiet laptop and fails in production.",
    );
    c.add("Two messages in one write", || {
        answers(
            vec![send(vec![text("first"), text("second")])],
            vec![t("first"), t("second")],
        )
    });
    c.add("A message written one byte at a time", || {
        answers(
            vec![chopped(vec![text("byte by byte")], 1)],
            vec![t("byte by byte")],
        )
    });
    c.add("Three messages in writes of 3 bytes", || {
        answers(
            vec![chopped(
                vec![text("one"), bin(vec![2; 200]), text("three")],
                3,
            )],
            vec![t("one"), b(vec![2; 200]), t("three")],
        )
    });
    c.sub(
        "RFC 6455 §5.2",
        "A sender must use the shortest length form, but the RFC sets no rule for receivers: accepting a longer form is allowed, and so is refusing it. A 64-bit length with its top bit set is always an error.",
    );
    c.add("5 bytes with a 16-bit length (not minimal)", || Body {
        steps: vec![send(vec![in_form(text("short"), LengthForm::Medium)])],
        expect: Expect::Either(NON_MINIMAL),
    });
    c.add("5 bytes with a 64-bit length (not minimal)", || Body {
        steps: vec![send(vec![in_form(text("short"), LengthForm::Long)])],
        expect: Expect::Either(NON_MINIMAL),
    });
    c.add("A 64-bit length with its most significant bit set", || {
        let mut raw = vec![
            0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 5, 0x37, 0xfa, 0x21, 0x3d,
        ];
        raw.extend_from_slice(&[1, 2, 3, 4, 5]);
        fails(vec![send(vec![Out::Raw(raw)])], vec![], PROTOCOL_ERROR)
    });
}

/// Why a longer length form may be accepted or refused.
const NON_MINIMAL: &str = "§5.2's minimal-length rule binds the sender; it says nothing of a receiver that gets a longer form";

fn ping_pong(c: &mut Catalogue) {
    c.group(Group::PingPong);
    c.sub(
        "RFC 6455 §5.5.2, §5.5.3",
        "A Pong must carry the Ping's payload unchanged: that is how the peer matches answers to questions and measures round trips. Servers get it wrong by answering with an empty Pong, or by answering late, behind a queue of data.",
    );
    c.add("A Ping without payload", || {
        answers(vec![send(vec![ping(vec![])])], vec![pg(vec![])])
    });
    c.add("A Ping with a text payload", || {
        answers(
            vec![send(vec![ping("Hello, world!")])],
            vec![pg("Hello, world!")],
        )
    });
    c.add("A Ping with a binary payload", || {
        let p = vec![0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff];
        answers(vec![send(vec![ping(p.clone())])], vec![pg(p)])
    });
    c.add(
        format!("A Ping of {MAX} bytes, the most a control frame holds"),
        || answers(vec![send(vec![ping(bytes(MAX))])], vec![pg(bytes(MAX))]),
    );
    c.add(
        format!("A Ping of {MAX} bytes written one byte at a time"),
        || {
            answers(
                vec![chopped(vec![ping(bytes(MAX))], 1)],
                vec![pg(bytes(MAX))],
            )
        },
    );
    c.add("A Ping, then a text message: answered in order", || {
        answers(
            vec![send(vec![ping("first"), text("second")])],
            vec![pg("first"), t("second")],
        )
    });
    c.add("10 Pings in one write", || Body {
        steps: vec![send((0..10).map(|i| ping(format!("ping {i}"))).collect())],
        expect: Expect::Pongs((0..10).map(|i| format!("ping {i}").into_bytes()).collect()),
    });
    c.add("10 Pings written one byte at a time", || Body {
        steps: vec![chopped(
            (0..10).map(|i| ping(format!("ping {i}"))).collect(),
            1,
        )],
        expect: Expect::Pongs((0..10).map(|i| format!("ping {i}").into_bytes()).collect()),
    });
    c.sub(
        "RFC 6455 §5.5",
        "Control frames carry at most 125 bytes so that they fit between fragments of a long message. A server that accepts a bigger one lets a peer slip data past the limits meant for messages.",
    );
    c.add(format!("A Ping of {} bytes", MAX + 1), || {
        fails(
            vec![send(vec![ping(bytes(MAX + 1))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add(format!("A Pong of {} bytes", MAX + 1), || {
        fails(
            vec![send(vec![pong(bytes(MAX + 1))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.sub(
        "RFC 6455 §5.5.3",
        "A Pong nobody asked for is a heartbeat: the receiver takes it and answers nothing. Servers that treat it as an error, or echo it, break clients that use one-way heartbeats.",
    );
    c.add("An unsolicited Pong without payload", || {
        answers(vec![send(vec![pong(vec![])])], vec![])
    });
    c.add("An unsolicited Pong with a payload", || {
        answers(vec![send(vec![pong("unsolicited")])], vec![])
    });
    c.add("An unsolicited Pong, then a Ping", || {
        answers(
            vec![send(vec![pong("unsolicited"), ping("asked")])],
            vec![pg("asked")],
        )
    });
}

fn reserved_bits(c: &mut Catalogue) {
    c.group(Group::ReservedBits);
    c.sub(
        "RFC 6455 §5.2",
        "RSV1–3 must be 0 unless an extension agreed in the handshake gives them a meaning. A server that ignores them would misread a compressed message as plain bytes; failing with 1002 is the only safe answer.",
    );
    c.add("A text message with RSV1", || {
        fails(
            vec![send(vec![with_rsv(text("Hello"), 4)])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A text message, then one with RSV2, then a Ping", || {
        fails(
            vec![send(vec![
                text("Hello"),
                with_rsv(text("Hello"), 2),
                ping("after"),
            ])],
            vec![t("Hello")],
            PROTOCOL_ERROR,
        )
    });
    c.add(
        "A text message, then one with RSV1 and RSV2, then a Ping",
        || {
            fails(
                vec![send(vec![
                    text("Hello"),
                    with_rsv(text("Hello"), 6),
                    ping("after"),
                ])],
                vec![t("Hello")],
                PROTOCOL_ERROR,
            )
        },
    );
    c.add("The same with RSV3, written one byte at a time", || {
        fails(
            vec![chopped(
                vec![text("Hello"), with_rsv(text("Hello"), 1), ping("after")],
                1,
            )],
            vec![t("Hello")],
            PROTOCOL_ERROR,
        )
    });
    c.add("A binary message with RSV1 and RSV3", || {
        fails(
            vec![send(vec![with_rsv(bin(bytes(8)), 5)])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A Ping with RSV2 and RSV3", || {
        fails(
            vec![send(vec![with_rsv(ping("Hello"), 3)])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A Close with all three RSV bits", || {
        fails(
            vec![send(vec![with_rsv(close(1000, b""), 7)])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A continuation frame with RSV1", || {
        fails(
            vec![send(vec![
                frame(OpCode::Text, false, "Hel"),
                with_rsv(frame(OpCode::Continuation, true, "lo"), 4),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
}

fn opcodes(c: &mut Catalogue) {
    c.group(Group::Opcodes);
    for (range, control) in [(3u8..=7, false), (0xB..=0xF, true)] {
        c.sub(
            "RFC 6455 §5.2",
            if control {
                "Opcodes 0xB–0xF are reserved for future control frames. A receiver cannot know how long such a frame's meaning lasts or whether it must answer, so it must fail the connection rather than skip it."
            } else {
                "Opcodes 0x3–0x7 are reserved for future data frames. Skipping an unknown frame would let the two ends disagree about where a message starts; the only safe answer is to fail with 1002."
            },
        );
        for op in range {
            let opcode = OpCode::from_nibble(op);
            c.add(format!("A frame with opcode {op:#x}, empty"), move || {
                fails(
                    vec![send(vec![frame(opcode, true, vec![])])],
                    vec![],
                    PROTOCOL_ERROR,
                )
            });
            c.add(
                format!("A text message, then opcode {op:#x} with a payload, then a Ping"),
                move || {
                    fails(
                        vec![send(vec![
                            text("Hello"),
                            frame(opcode, true, "reserved"),
                            ping("after"),
                        ])],
                        vec![t("Hello")],
                        PROTOCOL_ERROR,
                    )
                },
            );
        }
    }
}

fn fragmentation(c: &mut Catalogue) {
    c.group(Group::Fragmentation);
    c.sub(
        "RFC 6455 §5.4, §5.5",
        "Control frames must not be fragmented: they have to fit between the fragments of a data message. A server that reassembles a fragmented Ping has no way to tell where the data message resumes.",
    );
    c.add("A Ping in two fragments", || {
        fails(
            vec![send(vec![
                frame(OpCode::Ping, false, "frag"),
                frame(OpCode::Continuation, true, "ment"),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A Pong in two fragments", || {
        fails(
            vec![send(vec![
                frame(OpCode::Pong, false, "frag"),
                frame(OpCode::Continuation, true, "ment"),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A Ping with FIN clear", || {
        fails(
            vec![send(vec![frame(OpCode::Ping, false, "no fin")])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.sub(
        "RFC 6455 §5.4",
        "A message may arrive in any number of fragments, empty ones included, with control frames between them. The application sees one message: a server must reassemble it, answer the Pings at once, and echo the message whole.",
    );
    c.add("A text message in two fragments", || {
        answers(
            vec![send(vec![
                frame(OpCode::Text, false, "frag"),
                frame(OpCode::Continuation, true, "ment"),
            ])],
            vec![t("fragment")],
        )
    });
    c.add("The same, written one byte at a time", || {
        answers(
            vec![chopped(
                vec![
                    frame(OpCode::Text, false, "frag"),
                    frame(OpCode::Continuation, true, "ment"),
                ],
                1,
            )],
            vec![t("fragment")],
        )
    });
    c.add("Two fragments with a pause between them", || {
        answers(
            vec![
                send(vec![frame(OpCode::Text, false, "frag")]),
                Step::Listen(100),
                send(vec![frame(OpCode::Continuation, true, "ment")]),
            ],
            vec![t("fragment")],
        )
    });
    c.add(
        "A text message in four fragments, one of them empty",
        || {
            answers(
                vec![send(vec![
                    frame(OpCode::Text, false, "a"),
                    frame(OpCode::Continuation, false, ""),
                    frame(OpCode::Continuation, false, "b"),
                    frame(OpCode::Continuation, true, "c"),
                ])],
                vec![t("abc")],
            )
        },
    );
    c.add("An empty first fragment", || {
        answers(
            vec![send(vec![
                frame(OpCode::Text, false, ""),
                frame(OpCode::Continuation, true, "rest"),
            ])],
            vec![t("rest")],
        )
    });
    c.add("An empty last fragment", || {
        answers(
            vec![send(vec![
                frame(OpCode::Text, false, "start"),
                frame(OpCode::Continuation, true, ""),
            ])],
            vec![t("start")],
        )
    });
    c.add("A binary message in three fragments", || {
        answers(
            vec![send(vec![
                frame(OpCode::Binary, false, vec![1, 2]),
                frame(OpCode::Continuation, false, vec![3]),
                frame(OpCode::Continuation, true, vec![4, 5]),
            ])],
            vec![b(vec![1, 2, 3, 4, 5])],
        )
    });
    c.add("A Ping between two fragments", || {
        answers(
            vec![send(vec![
                frame(OpCode::Text, false, "frag"),
                ping("between"),
                frame(OpCode::Continuation, true, "ment"),
            ])],
            vec![pg("between"), t("fragment")],
        )
    });
    c.add(
        "A Ping between two fragments, written one byte at a time",
        || {
            answers(
                vec![chopped(
                    vec![
                        frame(OpCode::Text, false, "frag"),
                        ping("between"),
                        frame(OpCode::Continuation, true, "ment"),
                    ],
                    1,
                )],
                vec![pg("between"), t("fragment")],
            )
        },
    );
    c.add("Pings between three fragments, with pauses", || {
        answers(
            vec![
                send(vec![frame(OpCode::Text, false, "one ")]),
                Step::Listen(100),
                send(vec![ping("first")]),
                Step::Listen(100),
                send(vec![frame(OpCode::Continuation, false, "two ")]),
                Step::Listen(100),
                send(vec![ping("second")]),
                Step::Listen(100),
                send(vec![frame(OpCode::Continuation, true, "three")]),
            ],
            vec![pg("first"), pg("second"), t("one two three")],
        )
    });
    c.add(
        "Pings between three fragments, written one byte at a time",
        || {
            answers(
                vec![chopped(
                    vec![
                        frame(OpCode::Text, false, "one "),
                        ping("first"),
                        frame(OpCode::Continuation, false, "two "),
                        ping("second"),
                        frame(OpCode::Continuation, true, "three"),
                    ],
                    1,
                )],
                vec![pg("first"), pg("second"), t("one two three")],
            )
        },
    );
    c.add("An unsolicited Pong between two fragments", || {
        answers(
            vec![send(vec![
                frame(OpCode::Text, false, "frag"),
                pong("between"),
                frame(OpCode::Continuation, true, "ment"),
            ])],
            vec![t("fragment")],
        )
    });
    c.sub(
        "RFC 6455 §5.4",
        "Continuation frames belong to the message a Text or Binary frame began, and a new message may not start before the last one ends. A server that accepts either glues unrelated bytes into one message.",
    );
    c.add("A continuation frame with FIN, no message begun", || {
        fails(
            vec![send(vec![frame(OpCode::Continuation, true, "orphan")])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("The same, written one byte at a time", || {
        fails(
            vec![chopped(
                vec![frame(OpCode::Continuation, true, "orphan")],
                1,
            )],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A continuation frame without FIN, no message begun", || {
        fails(
            vec![send(vec![
                frame(OpCode::Continuation, false, "orphan"),
                frame(OpCode::Continuation, true, "s"),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A complete message, then a continuation frame", || {
        fails(
            vec![send(vec![
                text("whole"),
                frame(OpCode::Continuation, true, "extra"),
            ])],
            vec![t("whole")],
            PROTOCOL_ERROR,
        )
    });
    c.add("A text fragment, then a new text message with FIN", || {
        fails(
            vec![send(vec![
                frame(OpCode::Text, false, "first"),
                text("second"),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A text fragment, then a new text fragment", || {
        fails(
            vec![send(vec![
                frame(OpCode::Text, false, "first"),
                frame(OpCode::Text, false, "second"),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A binary fragment, then a new binary message", || {
        fails(
            vec![send(vec![
                frame(OpCode::Binary, false, vec![1]),
                bin(vec![2]),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add(
        "A fragmented message, then a stray continuation, then a text message",
        || {
            fails(
                vec![send(vec![
                    frame(OpCode::Text, false, "frag"),
                    frame(OpCode::Continuation, true, "ment"),
                    frame(OpCode::Continuation, false, "stray"),
                    text("next"),
                ])],
                vec![t("fragment")],
                PROTOCOL_ERROR,
            )
        },
    );
    c.add("A Close in the middle of a fragmented message", || {
        closes(
            vec![send(vec![
                frame(OpCode::Text, false, "never "),
                close(1000, b""),
            ])],
            vec![],
            &[Some(1000)],
        )
    });
}

fn utf8(c: &mut Catalogue) {
    c.group(Group::Utf8);
    let valid = |s: &[u8]| std::str::from_utf8(s).is_ok();
    for whole in [true, false] {
        c.sub(
            "RFC 6455 §5.6, §8.1; RFC 3629",
            "Every text message must be valid UTF-8, whatever the characters: the edges of each length class, noncharacters and NUL are all valid. A server that checks with a too-strict rule refuses real text; one that does not check at all passes broken text on to applications that trust it.",
        );
        for (name, seq) in UTF8.iter().filter(|(_, s)| valid(s)) {
            let seq = seq.to_vec();
            let title = if whole {
                format!("Valid: {name}")
            } else {
                format!("Valid, one fragment per byte: {name}")
            };
            c.add(title, move || {
                let frames = if whole {
                    vec![text(seq.clone())]
                } else {
                    fragments(MessageKind::Text, &seq, 1)
                };
                answers(vec![send(frames)], vec![t(seq.clone())])
            });
        }
        c.sub(
            "RFC 6455 §8.1, §7.4.1; RFC 3629 §3",
            "Overlong forms, surrogates, code points above U+10FFFF and cut sequences are not UTF-8. They have been used to smuggle \"/\" and NUL past filters; a server must fail the connection with 1007, and must notice it even when the bad bytes are split across fragments.",
        );
        for (name, seq) in UTF8.iter().filter(|(_, s)| !valid(s)) {
            let seq = seq.to_vec();
            let title = if whole {
                format!("Invalid: {name}")
            } else {
                format!("Invalid, one fragment per byte: {name}")
            };
            c.add(title, move || {
                let frames = if whole {
                    vec![text(seq.clone())]
                } else {
                    fragments(MessageKind::Text, &seq, 1)
                };
                fails(vec![send(frames)], vec![], INVALID_DATA)
            });
        }
    }
    c.sub(
        "RFC 6455 §8.1",
        "§8.1 has a receiver that finds invalid UTF-8 fail the connection, and sets no time for it: failing once the message is in is allowed (non-strict here), but a server that waits for the end can be made to buffer a gigabyte of text it will refuse anyway.",
    );
    for (name, first, rest) in [
        (
            "an overlong pair in the first fragment",
            &b"Hello\xc0\xaf"[..],
            &b"world"[..],
        ),
        (
            "a surrogate in the first fragment",
            &b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"[..],
            &b"edited"[..],
        ),
    ] {
        let (first, rest) = (first.to_vec(), rest.to_vec());
        c.add(
            format!("Fail fast: {name}, the last fragment a moment later"),
            move || Body {
                steps: vec![
                    send(vec![frame(OpCode::Text, false, first.clone())]),
                    Step::Listen(500),
                    send(vec![frame(OpCode::Continuation, true, rest.clone())]),
                ],
                expect: Expect::Fails {
                    before: vec![],
                    codes: INVALID_DATA.to_vec(),
                    fast: true,
                    must: true,
                },
            },
        );
    }
    for (name, payload, at) in [
        ("an overlong pair inside one frame", &b"Hello\xc0\xafworld, and more text after it"[..], 2 + 4 + 7),
        ("a 5-byte sequence inside one frame", &b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf8\x88\x80\x80\x80 and more text after it"[..], 2 + 4 + 12),
    ] {
        let payload = payload.to_vec();
        c.add(format!("Fail fast: {name}, the rest of the frame a moment later"), move || {
            let (head, tail) = cut(&text(payload.clone()), [0x37, 0xfa, 0x21, 0x3d], at);
            Body {
                steps: vec![send(vec![head]), Step::Listen(500), send(vec![tail])],
                expect: Expect::Fails { before: vec![], codes: INVALID_DATA.to_vec(), fast: true, must: true },
            }
        });
    }
}

/// Close codes worth trying: each kind of range edge. Valid or not is `wire`'s answer.
const CODES: &[u16] = &[
    0, 999, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013,
    1014, 1015, 1016, 1100, 2000, 2999, 3000, 3999, 4000, 4999, 5000, 65535,
];

/// Why a server may answer a Close without echoing the message before it.
const CLOSE_AT_ONCE: &str = "§5.5.1: the Close reply SHOULD go out \"as soon as practical\", and once it is sent no data frame may follow; the \"MAY delay\" clause covers only a message the server is already sending, so answering the Close without the echo is allowed";

fn closing(c: &mut Catalogue) {
    c.group(Group::Closing);
    c.sub(
        "RFC 6455 §5.5.1, §7.1.1–§7.1.3",
        "After sending or answering a Close, an endpoint sends no more data, and a server closes the TCP connection first. A server that keeps echoing after the Close, or leaves the socket open, leaks connections and confuses clients waiting for the end.",
    );
    c.add("A text message, then a Close", || Body {
        steps: vec![send(vec![text("Hello"), close(1000, b"")])],
        expect: Expect::Closes {
            before: vec![t("Hello")],
            codes: vec![Some(1000)],
            silence_ok: Some(CLOSE_AT_ONCE),
        },
    });
    c.add("A Close, then a second Close", || {
        closes(
            vec![send(vec![close(1000, b""), close(1000, b"again")])],
            vec![],
            &[Some(1000)],
        )
    });
    c.add("A Close, then a Ping (not answered)", || {
        closes(
            vec![send(vec![close(1000, b""), ping("too late")])],
            vec![],
            &[Some(1000)],
        )
    });
    c.add("A Close, then a text message (not echoed)", || {
        closes(
            vec![send(vec![close(1000, b""), text("too late")])],
            vec![],
            &[Some(1000)],
        )
    });
    c.add("A fragment, a Close, then the last fragment", || {
        closes(
            vec![send(vec![
                frame(OpCode::Text, false, "frag"),
                close(1000, b""),
                frame(OpCode::Continuation, true, "ment"),
            ])],
            vec![],
            &[Some(1000)],
        )
    });
    c.add("A message of 256 KiB, then a Close at once", || Body {
        steps: vec![send(vec![text(ascii(256 << 10)), close(1000, b"")])],
        expect: Expect::Closes {
            before: vec![t(ascii(256 << 10))],
            codes: vec![Some(1000)],
            silence_ok: Some(CLOSE_AT_ONCE),
        },
    });
    c.sub(
        "RFC 6455 §5.5, §5.5.1",
        "A Close payload is empty, or a 2-byte code followed by a UTF-8 reason, 125 bytes in all. One byte cannot hold a code, a longer payload breaks the control-frame limit and a reason that is not UTF-8 is invalid data.",
    );
    c.add("A Close with an empty payload", || {
        closes(
            vec![send(vec![frame(OpCode::Close, true, vec![])])],
            vec![],
            &[None, Some(1000)],
        )
    });
    c.add("A Close with a 1-byte payload", || Body {
        steps: vec![send(vec![frame(OpCode::Close, true, vec![0x03])])],
        // §5.5.1's MUST binds the sender of the body; no sentence tells the receiver what to do.
        expect: Expect::Fails {
            before: vec![],
            codes: PROTOCOL_ERROR.to_vec(),
            fast: false,
            must: false,
        },
    });
    c.add("A Close with code 1000 and no reason", || {
        closes(vec![send(vec![close(1000, b"")])], vec![], &[Some(1000)])
    });
    c.add("A Close with code 1000 and a short reason", || {
        closes(
            vec![send(vec![close(1000, b"Hello World!")])],
            vec![],
            &[Some(1000)],
        )
    });
    c.add(
        format!("A Close with a reason of {MAX_REASON} bytes ({MAX} in all)"),
        || {
            closes(
                vec![send(vec![close(1000, &ascii(MAX_REASON))])],
                vec![],
                &[Some(1000)],
            )
        },
    );
    c.add(
        format!(
            "A Close with a reason of {} bytes ({} in all)",
            MAX_REASON + 1,
            MAX + 1
        ),
        || {
            fails(
                vec![send(vec![close(1000, &ascii(MAX_REASON + 1))])],
                vec![],
                PROTOCOL_ERROR,
            )
        },
    );
    c.add("A Close with a reason in Greek", || {
        closes(
            vec![send(vec![close(1000, "κόσμε".as_bytes())])],
            vec![],
            &[Some(1000)],
        )
    });
    c.add("A Close whose reason is not UTF-8", || {
        fails(
            vec![send(vec![close(
                1000,
                b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited",
            )])],
            vec![],
            INVALID_DATA,
        )
    });
    c.sub(
        "RFC 6455 §7.4.1, §7.4.2; IANA WebSocket Close Code Number Registry",
        "Codes 1000–1003, 1007–1011 (and the registered 1012–1014) and 3000–4999 may be sent; 1004–1006 and 1015 never appear on the wire, and 0–999, the unassigned 1016–2999 and anything above 4999 are protocol errors. Echoing the peer's code back, or 1000, ends the handshake cleanly.",
    );
    for &code in CODES.iter().filter(|c| is_valid_on_wire(**c)) {
        c.add(
            format!("A Close with code {code} (may be sent)"),
            move || {
                closes(
                    vec![send(vec![close(code, b"")])],
                    vec![],
                    &[Some(code), Some(1000)],
                )
            },
        );
    }
    for &code in CODES.iter().filter(|c| !is_valid_on_wire(**c)) {
        c.add(format!("A Close with code {code} (may not be sent)"), move || {
            let steps = vec![send(vec![close(code, b"")])];
            if code > 4999 {
                // §7.4.2 defines no code above 4999 and gives the receiver no duty.
                Body {
                    steps,
                    expect: Expect::Either(
                        "RFC 6455 §7.4.2 defines no status code above 4999 and puts no duty on a receiver that gets one",
                    ),
                }
            } else {
                fails(steps, vec![], PROTOCOL_ERROR)
            }
        });
    }
}

fn masking(c: &mut Catalogue) {
    c.group(Group::Masking);
    c.sub(
        "RFC 6455 §5.1, §5.3, §10.3",
        "Every client frame must be masked, so that a script cannot choose the bytes a proxy sees (cache poisoning). A server must fail an unmasked frame with 1002, whatever it carries; a key of all zeros is still a key.",
    );
    c.add("An unmasked text message", || {
        fails(
            vec![send(vec![unmasked(text("Hello"))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("An unmasked binary message", || {
        fails(
            vec![send(vec![unmasked(bin(bytes(16)))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("An unmasked Ping", || {
        fails(
            vec![send(vec![unmasked(ping("Hello"))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("An unmasked Close", || {
        fails(
            vec![send(vec![unmasked(close(1000, b""))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A masked message, then an unmasked one", || {
        fails(
            vec![send(vec![text("masked"), unmasked(text("bare"))])],
            vec![t("masked")],
            PROTOCOL_ERROR,
        )
    });
    c.add("An unmasked continuation of a masked fragment", || {
        fails(
            vec![send(vec![
                frame(OpCode::Text, false, "frag"),
                unmasked(frame(OpCode::Continuation, true, "ment")),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A message masked with the key 00 00 00 00", || {
        let (a, b2) = cut(&text("zero key"), [0, 0, 0, 0], 0);
        answers(vec![send(vec![a, b2])], vec![t("zero key")])
    });
}

const BIG: [usize; 6] = [64 << 10, 256 << 10, 1 << 20, 4 << 20, 8 << 20, 16 << 20];
const FRAME_SIZES: [usize; 9] = [
    64,
    256,
    1 << 10,
    4 << 10,
    16 << 10,
    64 << 10,
    256 << 10,
    1 << 20,
    4 << 20,
];
const WRITE_SIZES: [usize; 7] = [64, 128, 256, 512, 1024, 2048, 4096];
const ROUND_SIZES: [usize; 6] = [0, 16, 64, 256, 1024, 4096];

fn size(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

fn limits(c: &mut Catalogue) {
    c.group(Group::Limits);
    let why_big = "Real messages are big: files, snapshots, logs. A server may set a limit (RFC 6455 §10.4), and then refuses bigger messages, or messages in too many fragments, with 1009 or 1008; what it must not do is cut them, stall, or run out of memory on the way.";
    for (kind, name) in KINDS {
        let answered = move |p: Vec<u8>| Expect::Answers {
            replies: vec![echo(kind, p)],
            too_big_ok: true,
            silence_ok: None,
        };
        c.sub("RFC 6455 §5.2, §10.4", why_big);
        for n in BIG {
            c.add(format!("A {name} message of {}", size(n)), move || Body {
                steps: vec![send(vec![whole(kind, payload(kind, n))])],
                expect: answered(payload(kind, n)),
            });
        }
        c.sub("RFC 6455 §5.4, §10.4", why_big);
        for f in FRAME_SIZES {
            let n = 4 << 20;
            c.add(
                format!("A {name} message of 4 MiB in frames of {}", size(f)),
                move || Body {
                    steps: vec![send(fragments(kind, &payload(kind, n), f))],
                    expect: answered(payload(kind, n)),
                },
            );
        }
        c.sub(
            "RFC 6455 §5.2",
            "TCP may deliver a frame in pieces of any size. A server that reads a fixed-size header in one call, or assumes a payload arrives whole, breaks under load or on slow links.",
        );
        for w in WRITE_SIZES {
            let n = 1 << 20;
            c.add(
                format!("A {name} message of 1 MiB written in pieces of {w} bytes"),
                move || Body {
                    steps: vec![chopped(vec![whole(kind, payload(kind, n))], w)],
                    expect: answered(payload(kind, n)),
                },
            );
        }
        c.sub(
            "RFC 6455 §5.4",
            "Many small messages back to back, as a chat or a game sends them: every one must come back, whole and in order. Servers that parse only the first frame of each read, or reorder answers across tasks, lose or swap messages here.",
        );
        for n in ROUND_SIZES {
            c.add(
                format!("1000 {name} messages of {} in a row", size(n)),
                move || {
                    answers(
                        vec![send(
                            (0..1000).map(|_| whole(kind, payload(kind, n))).collect(),
                        )],
                        (0..1000).map(|_| echo(kind, payload(kind, n))).collect(),
                    )
                },
            );
        }
    }
}

/// The cases `pattern` selects: comma-separated ids with `*` standing for
/// any characters (`6.*`, `7.3.1`), or group names (`utf8`, `closing`);
/// empty or `*` selects every case. Nothing selected is an error that says
/// what exists.
pub fn select(cases: Vec<Case>, pattern: &str) -> Result<Vec<Case>, String> {
    let pattern = pattern.trim();
    if pattern.len() > 1000 {
        return Err("the case pattern is longer than 1000 characters".into());
    }
    if pattern.is_empty() || pattern == "*" {
        return Ok(cases);
    }
    let parts: Vec<&str> = pattern
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let picked: Vec<Case> = cases
        .into_iter()
        .filter(|c| {
            parts.iter().any(|p| {
                Group::from_slug(p).is_some_and(|g| g == c.group)
                    || glob(p.as_bytes(), c.id.as_bytes())
            })
        })
        .collect();
    if picked.is_empty() {
        let groups: Vec<String> = Group::ALL
            .iter()
            .map(|g| format!("{} ({}.*)", g.slug(), g.number()))
            .collect();
        return Err(format!(
            "no case matches {pattern:?}: give ids such as 7.3.1 or 6.*, or groups: {}",
            groups.join(", ")
        ));
    }
    Ok(picked)
}

/// `*` matches any run of characters, `?` one character. Iterative, linear in practice.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_at_least_as_big_as_autobahns_families_1_to_7_and_9() {
        let all = all();
        assert!(all.len() >= 300, "{} cases", all.len());
        let mut ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "ids are unique");
        for g in Group::ALL {
            assert!(all.iter().any(|c| c.group == g), "{g:?} has cases");
        }
        for case in &all {
            assert!(case.rfc.starts_with("RFC"), "{} names its section", case.id);
            assert!(case.why.len() > 80, "{} explains itself", case.id);
        }
    }

    #[test]
    fn every_utf8_sequence_is_judged_alike_by_wire_and_the_standard_library() {
        for (name, seq) in UTF8 {
            let mut v = wire::utf8::Utf8Validator::new();
            let ours = v.push(seq).and_then(|()| v.finish()).is_ok();
            assert_eq!(ours, std::str::from_utf8(seq).is_ok(), "{name}");
        }
        let all = all();
        let invalid = all
            .iter()
            .filter(|c| c.title.starts_with("Invalid"))
            .count();
        let valid = all.iter().filter(|c| c.title.starts_with("Valid")).count();
        assert!(
            invalid >= 80 && valid >= 30,
            "{valid} valid, {invalid} invalid"
        );
    }

    #[test]
    fn close_codes_are_split_by_wires_registry() {
        let all = all();
        assert!(
            all.iter()
                .any(|c| c.title == "A Close with code 1000 (may be sent)")
        );
        assert!(
            all.iter()
                .any(|c| c.title == "A Close with code 1005 (may not be sent)")
        );
        assert!(
            all.iter()
                .any(|c| c.title == "A Close with code 4999 (may be sent)")
        );
        assert!(
            all.iter()
                .any(|c| c.title == "A Close with code 5000 (may not be sent)")
        );
    }

    #[test]
    fn patterns_select_by_id_and_group() {
        let n = |p: &str| select(all(), p).map(|v| v.len());
        assert_eq!(n("1.1.1"), Ok(1));
        assert!(n("7.*").unwrap() > 100);
        assert_eq!(n("utf8"), n("7.*"));
        assert_eq!(n(""), Ok(all().len()));
        assert_eq!(n("1.1.1, 1.1.2"), Ok(2));
        let err = n("99.*").unwrap_err();
        assert!(
            err.contains("no case matches") && err.contains("utf8 (7.*)"),
            "{err}"
        );
        assert!(glob(b"1.*.1", b"1.2.1") && !glob(b"1.*.1", b"1.2.2"));
        assert!(glob(b"*", b"") && glob(b"?.1", b"1.1") && !glob(b"?", b""));
    }

    #[test]
    fn bodies_are_made_when_asked_and_big_ones_stay_within_16_mib() {
        for case in all() {
            let body = (case.body)();
            for step in &body.steps {
                if let Step::Send { frames, .. } = step {
                    let total: usize = frames.iter().map(|f| f.encode([1, 2, 3, 4]).len()).sum();
                    assert!(
                        total <= (16 << 20) + 4096 * 20,
                        "{} sends {total} bytes",
                        case.id
                    );
                }
            }
        }
    }
}
