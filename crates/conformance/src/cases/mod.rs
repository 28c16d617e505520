//! The catalogue: every case, written from RFC 6455 (and RFC 9110/9112 for
//! the HTTP parts), grouped as a learner meets the topics. Payloads are made
//! when a case runs, not when the list is built, so the list is cheap.

pub mod client;
mod closing;
mod fragmentation;
mod framing;
mod handshake;
mod limits;
mod masking;
mod opcodes;
mod ping_pong;
mod reserved_bits;
mod utf8;

use std::sync::Arc;

use wire::close::{MAX_REASON, is_valid_on_wire};
use wire::frame::{Frame, LengthForm, MAX_CONTROL_PAYLOAD as MAX};
use wire::message::{MessageKind, fragment};
use wire::opcode::OpCode;

use crate::case::{
    Expect, Group, HandshakeExpect, Out, Parts, Reply, Request, Step, browser_head, head_with,
};
use crate::rfc::{self, Basis};

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
    /// The sentences its fail and its non-strict rest on.
    pub basis: Basis,
    /// Whether it writes a client's bytes as they are (a masked frame cut
    /// in two, say), and so has no form for the client lab.
    pub server_only: bool,
    /// Whether its `why` was written for a client under test (the client
    /// lab's own cases); otherwise the client lab says it of a client.
    pub why_for_client: bool,
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
    basis: Basis,
}

impl Catalogue {
    fn group(&mut self, g: Group) {
        self.group = g;
        self.sub = 0;
    }

    /// A new subgroup: where the RFC says so, why it matters, and the MUST
    /// its cases' fails rest on (until [`Catalogue::basis`] says otherwise).
    fn sub(&mut self, rfc: &'static str, why: &'static str, must: rfc::Quote) {
        self.sub += 1;
        self.n = 0;
        self.rfc = rfc;
        self.why = why;
        self.basis = Basis::must(must);
    }

    /// Marks the case just added as one with no client-lab form.
    fn server_only(&mut self) {
        if let Some(case) = self.cases.last_mut() {
            case.server_only = true;
        }
    }

    /// What the cases added next rest on.
    fn basis(&mut self, basis: Basis) {
        self.basis = basis;
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
            basis: self.basis,
            server_only: false,
            why_for_client: false,
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
        basis: Basis::INFO,
    };
    handshake::handshake_cases(&mut c);
    framing::framing(&mut c);
    ping_pong::ping_pong(&mut c);
    reserved_bits::reserved_bits(&mut c);
    opcodes::opcodes(&mut c);
    fragmentation::fragmentation(&mut c);
    utf8::utf8(&mut c);
    closing::closing(&mut c);
    masking::masking(&mut c);
    limits::limits(&mut c);
    c.cases
}

/// The two kinds of data message, with their names.
const KINDS: [(MessageKind, &str); 2] =
    [(MessageKind::Text, "text"), (MessageKind::Binary, "binary")];

fn size(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
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
    fn no_case_fails_without_a_quoted_must() {
        use crate::case::Expect;
        for case in all() {
            let expect = (case.body)().expect;
            let id = &case.id;
            match case.basis.fail {
                Some(q) => {
                    assert!(expect.can_fail(), "{id} quotes a MUST but cannot fail");
                    assert!(q.is_must(), "{id}'s fail rests on {q:?}, not a MUST");
                }
                None => assert!(!expect.can_fail(), "{id} can fail without a MUST"),
            }
            // Informational cases have nothing to rest a verdict on; every
            // other case has a sentence for its non-strict.
            let non_strict = case.basis.non_strict.or(expect.non_strict_rule());
            match expect {
                Expect::Either(_) => assert_eq!(case.basis, Basis::INFO, "{id}"),
                _ => assert!(non_strict.is_some(), "{id} has no non-strict sentence"),
            }
            for q in [case.basis.fail, non_strict].into_iter().flatten() {
                assert!(q.section.starts_with("RFC "), "{id}: {q:?}");
                assert!(
                    q.text.ends_with(['.', ')']) || q.text.ends_with("[…]."),
                    "{id}: a whole sentence: {q:?}"
                );
            }
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
