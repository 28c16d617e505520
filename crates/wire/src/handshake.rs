//! The opening handshake (RFC 6455 §1.3, §4): keys, the accept value, the
//! client's request and the server's answer, each checked rule by rule.
//!
//! Requests and responses are taken as raw text, the way a learner types them:
//! lines may end in CRLF (as HTTP requires) or a bare LF (which RFC 9112 §2.2
//! lets a recipient accept). Every problem found is reported, each with its
//! line, header, rule and RFC section — not only the first.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha1::{Digest, Sha1};

use crate::deflate::{
    DeflateConfig, DeflateOffer, DeflatePolicy, OfferVerdict, PERMESSAGE_DEFLATE,
    check_deflate_response, negotiate, parse_extensions,
};
use crate::uri::WsUri;

/// The GUID every server appends to the client's key (RFC 6455 §1.3, §4.2.2).
pub const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The only protocol version RFC 6455 defines (§4.1 item 9).
pub const VERSION: &str = "13";

/// Every step of computing `Sec-WebSocket-Accept` from `Sec-WebSocket-Key`
/// (RFC 6455 §4.2.2, item 5.4), kept so a reader can see each one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptSteps {
    /// The key exactly as the client sent it (surrounding whitespace removed).
    pub key: String,
    /// The key with [`GUID`] appended: the text that is hashed.
    pub concatenated: String,
    /// The 20-byte SHA-1 digest of `concatenated`.
    pub sha1: [u8; 20],
    /// The base64 encoding of `sha1`: the header's value.
    pub accept: String,
}

/// Computes `Sec-WebSocket-Accept` for a key, showing every step.
///
/// The server does not decode the key: §4.2.2 hashes the key *as text*, after
/// trimming surrounding whitespace.
pub fn accept_steps(key: &str) -> AcceptSteps {
    let key = key.trim().to_owned();
    let concatenated = format!("{key}{GUID}");
    let sha1: [u8; 20] = Sha1::digest(concatenated.as_bytes()).into();
    let accept = BASE64.encode(sha1);
    AcceptSteps {
        key,
        concatenated,
        sha1,
        accept,
    }
}

/// Computes `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key` (§4.2.2).
pub fn accept_key(key: &str) -> String {
    accept_steps(key).accept
}

/// A `Sec-WebSocket-Key` from 16 random bytes (§4.1 item 7). The caller
/// supplies the randomness (in the browser, `crypto.getRandomValues`).
pub fn generate_key(random: [u8; 16]) -> String {
    BASE64.encode(random)
}

/// Why a `Sec-WebSocket-Key` is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Not base64.
    #[error("the key is not valid base64: {0}")]
    NotBase64(String),
    /// Base64 whose last character carries bits that must be zero: a
    /// strict decoder rejects it, a lenient one reads it.
    #[error(
        "the key is not canonical base64: its last character before the padding, {last:?}, sets bits that must be 0 (RFC 4648 §3.5); the canonical form is {canonical}. RFC 6455's own §4.1 example key AQIDBAUGBwgJCgsMDQ4PEC== has exactly this flaw (a known erratum: it should end in EA==)"
    )]
    NonCanonical {
        /// The offending character.
        last: char,
        /// The same bytes, encoded canonically.
        canonical: String,
    },
    /// Base64, but not of 16 bytes.
    #[error(
        "the key decodes to {0} bytes; it must be 16 random bytes, base64-encoded (24 characters) (RFC 6455 §4.1 item 7)"
    )]
    WrongLength(usize),
}

/// Decodes a key and checks that it holds exactly 16 bytes (§4.1 item 7).
pub fn decode_key(key: &str) -> Result<[u8; 16], KeyError> {
    let key = key.trim();
    let bytes = BASE64.decode(key).map_err(|e| {
        // Readable when the unused bits are allowed: say that, not just "invalid symbol".
        let lenient = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
        );
        match lenient.decode(key) {
            Ok(bytes) => KeyError::NonCanonical {
                last: key.trim_end_matches('=').chars().last().unwrap_or('?'),
                canonical: BASE64.encode(bytes),
            },
            Err(_) => KeyError::NotBase64(e.to_string()),
        }
    })?;
    <[u8; 16]>::try_from(bytes.as_slice()).map_err(|_| KeyError::WrongLength(bytes.len()))
}

/// One header line of a request or response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderLine {
    /// The line number in the text, from 1.
    pub line: usize,
    /// The name as written.
    pub name: String,
    /// The value, surrounding whitespace removed.
    pub value: String,
}

/// A problem with a request or response: where, which rule, which section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line at fault (from 1), or None when something is missing.
    pub line: Option<usize>,
    /// The header concerned, if any.
    pub header: Option<String>,
    /// What is wrong and what the rule says.
    pub message: String,
    /// Where the rule is written, e.g. "RFC 6455 §4.2.1 item 3".
    pub section: &'static str,
    /// The status a server answers this problem with (400 or 426).
    pub status: u16,
}

impl Problem {
    /// A rule of browsers (the WHATWG standard), not of RFC 6455: a client
    /// that follows the RFC alone accepts what it refuses.
    pub fn browser_only(&self) -> bool {
        self.section.starts_with("WHATWG")
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        write!(f, "{} ({})", self.message, self.section)
    }
}

fn problem(
    line: Option<usize>,
    header: Option<&str>,
    message: String,
    section: &'static str,
) -> Problem {
    Problem {
        line,
        header: header.map(str::to_owned),
        message,
        section,
        status: 400,
    }
}

/// The start line and headers of an HTTP message, and syntax problems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Message {
    start: Option<(usize, String)>,
    headers: Vec<HeaderLine>,
    problems: Vec<Problem>,
}

impl Message {
    fn parse(text: &str) -> Message {
        let mut msg = Message::default();
        let mut lines = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .enumerate();
        for (i, line) in lines.by_ref() {
            if !line.trim().is_empty() {
                msg.start = Some((i + 1, line.to_owned()));
                break;
            }
        }
        for (i, line) in lines {
            let n = i + 1;
            if line.is_empty() {
                break; // The end of the headers; anything after is a body.
            }
            if line.starts_with([' ', '\t']) {
                msg.problems.push(problem(
                    Some(n),
                    None,
                    "a line starting with white space continues the previous header (obsolete line folding), which a server must reject".into(),
                    "RFC 9112 §5.2",
                ));
                continue;
            }
            let Some((name, value)) = line.split_once(':') else {
                msg.problems.push(problem(
                    Some(n),
                    None,
                    format!("{line:?} is not a header line; a header is written Name: value"),
                    "RFC 9112 §5",
                ));
                continue;
            };
            if name.is_empty() || name.ends_with([' ', '\t']) || !name.bytes().all(is_tchar) {
                msg.problems.push(problem(
                    Some(n),
                    Some(name.trim()),
                    format!("{:?} is not a valid header name (no spaces, and nothing between the name and the colon)", name),
                    "RFC 9112 §5.1",
                ));
                continue;
            }
            msg.headers.push(HeaderLine {
                line: n,
                name: name.to_owned(),
                value: value.trim_matches([' ', '\t']).to_owned(),
            });
        }
        msg
    }

    /// Every line with this header name (case-insensitive).
    fn all(&self, name: &str) -> Vec<HeaderLine> {
        self.headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .cloned()
            .collect()
    }

    /// The comma-separated elements of every line with this name (RFC 9110 §5.3).
    fn list(&self, name: &str) -> Vec<String> {
        self.all(name)
            .iter()
            .flat_map(|h| h.value.split(','))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// The one line with this name; a problem when it repeats.
    fn single(&mut self, name: &str, section: &'static str) -> Option<HeaderLine> {
        let lines = self.all(name);
        if let [_, second, ..] = lines.as_slice() {
            self.problems.push(problem(
                Some(second.line),
                Some(name),
                format!("{name} appears {} times; it must appear once", lines.len()),
                section,
            ));
        }
        lines.into_iter().next()
    }
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn has_token(list: &[String], token: &str) -> bool {
    list.iter().any(|t| t.eq_ignore_ascii_case(token))
}

/// A client's opening request, as far as it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientRequest {
    /// The method, e.g. GET.
    pub method: String,
    /// The request target, e.g. /chat.
    pub target: String,
    /// The HTTP version, e.g. HTTP/1.1.
    pub version: String,
    /// Every header line.
    pub headers: Vec<HeaderLine>,
    /// `Sec-WebSocket-Key`, if present.
    pub key: Option<String>,
    /// `Origin`, if present.
    pub origin: Option<String>,
    /// The subprotocols offered in `Sec-WebSocket-Protocol`, in order.
    pub protocols: Vec<String>,
    /// The extensions offered in `Sec-WebSocket-Extensions`, in order.
    pub extensions: Vec<String>,
}

/// The result of checking a client's opening request (§4.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestCheck {
    /// What was read.
    pub request: ClientRequest,
    /// Every problem, in line order; empty when the request is valid.
    pub problems: Vec<Problem>,
}

impl RequestCheck {
    /// 101 when valid; 426 when only the version is wrong; otherwise 400.
    pub fn status(&self) -> u16 {
        if self.problems.is_empty() {
            101
        } else if self.problems.iter().all(|p| p.status == 426) {
            426
        } else {
            400
        }
    }
}

/// Checks a client's opening request against §4.1 and §4.2.1.
pub fn check_request(text: &str) -> RequestCheck {
    let mut msg = Message::parse(text);
    let mut req = ClientRequest::default();
    match msg.start.clone() {
        None => msg.problems.push(problem(
            None,
            None,
            "the request is empty; it starts with a request line such as GET /chat HTTP/1.1".into(),
            "RFC 6455 §4.1 item 2",
        )),
        Some((n, line)) => check_request_line(&line, n, &mut req, &mut msg.problems),
    }

    let host = msg.single("Host", "RFC 9112 §3.2");
    if host.is_none() {
        msg.problems.push(problem(
            None,
            Some("Host"),
            "the Host header is missing; it names the server's authority (host and, when not the default, port)".into(),
            "RFC 6455 §4.2.1 item 2",
        ));
    }

    let upgrade = msg.list("Upgrade");
    if !has_token(&upgrade, "websocket") {
        let (line, what) = match msg.all("Upgrade").first() {
            Some(h) => (Some(h.line), format!("Upgrade is {:?}", h.value)),
            None => (None, "the Upgrade header is missing".to_owned()),
        };
        msg.problems.push(problem(
            line,
            Some("Upgrade"),
            format!("{what}; it must contain the value websocket (any case)"),
            "RFC 6455 §4.2.1 item 3",
        ));
    }

    let connection = msg.list("Connection");
    if !has_token(&connection, "Upgrade") {
        let (line, what) = match msg.all("Connection").first() {
            Some(h) => (Some(h.line), format!("Connection is {:?}", h.value)),
            None => (None, "the Connection header is missing".to_owned()),
        };
        msg.problems.push(problem(
            line,
            Some("Connection"),
            format!("{what}; its comma-separated list must include the token Upgrade (any case)"),
            "RFC 6455 §4.2.1 item 4",
        ));
    }

    match msg.single("Sec-WebSocket-Key", "RFC 6455 §11.3.1") {
        None => msg.problems.push(problem(
            None,
            Some("Sec-WebSocket-Key"),
            "Sec-WebSocket-Key is missing; the client must send 16 random bytes, base64-encoded"
                .into(),
            "RFC 6455 §4.2.1 item 5",
        )),
        Some(h) => {
            if let Err(e) = decode_key(&h.value) {
                msg.problems.push(problem(
                    Some(h.line),
                    Some("Sec-WebSocket-Key"),
                    e.to_string(),
                    "RFC 6455 §4.2.1 item 5",
                ));
            }
            req.key = Some(h.value);
        }
    }

    match msg.single("Sec-WebSocket-Version", "RFC 6455 §11.3.5") {
        None => msg.problems.push(problem(
            None,
            Some("Sec-WebSocket-Version"),
            "Sec-WebSocket-Version is missing; it must be 13".into(),
            "RFC 6455 §4.2.1 item 6",
        )),
        Some(h) if h.value != VERSION => msg.problems.push(Problem {
            status: 426,
            ..problem(
                Some(h.line),
                Some("Sec-WebSocket-Version"),
                format!("Sec-WebSocket-Version is {:?}; this server speaks only 13, so it answers 426 Upgrade Required with Sec-WebSocket-Version: 13", h.value),
                "RFC 6455 §4.2.2 item 4",
            )
        }),
        Some(_) => {}
    }

    req.origin = msg.single("Origin", "RFC 6454 §7.3").map(|h| h.value);
    req.protocols = msg.list("Sec-WebSocket-Protocol");
    for h in msg.all("Sec-WebSocket-Protocol") {
        if h.value
            .split(',')
            .map(str::trim)
            .any(|p| p.is_empty() || !p.bytes().all(is_tchar))
        {
            let line = h.line;
            msg.problems.push(problem(
                Some(line),
                Some("Sec-WebSocket-Protocol"),
                "every subprotocol must be a non-empty token (letters, digits and !#$%&'*+-.^_`|~), separated by commas".into(),
                "RFC 6455 §4.1 item 10",
            ));
        }
    }
    req.extensions = msg.list("Sec-WebSocket-Extensions");
    req.headers = msg.headers.clone();
    msg.problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
    RequestCheck {
        request: req,
        problems: msg.problems,
    }
}

fn check_request_line(line: &str, n: usize, req: &mut ClientRequest, problems: &mut Vec<Problem>) {
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts.as_slice() else {
        problems.push(problem(
            Some(n),
            None,
            format!("{line:?} is not a request line; it has three parts separated by single spaces: GET /path HTTP/1.1"),
            "RFC 9112 §3",
        ));
        return;
    };
    req.method = (*method).to_owned();
    req.target = (*target).to_owned();
    req.version = (*version).to_owned();
    if *method != "GET" {
        problems.push(problem(
            Some(n),
            None,
            format!("the method is {method:?}; the opening handshake must be a GET (methods are case-sensitive)"),
            "RFC 6455 §4.2.1 item 1",
        ));
    }
    let version_ok = version
        .strip_prefix("HTTP/")
        .and_then(|v| v.split_once('.'))
        .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)))
        .is_some_and(|v| v >= (1, 1));
    if !version_ok {
        problems.push(problem(
            Some(n),
            None,
            format!("the HTTP version is {version:?}; the handshake needs HTTP/1.1 or higher"),
            "RFC 6455 §4.2.1 item 1",
        ));
    }
    if target.contains('#') {
        problems.push(problem(
            Some(n),
            None,
            "the request target contains a fragment (#…), which WebSocket URIs never have".into(),
            "RFC 6455 §3",
        ));
    } else if !(target.starts_with('/') || target.contains("://")) {
        problems.push(problem(
            Some(n),
            None,
            format!(
                "the request target {target:?} must be a path starting with / (or an absolute URI)"
            ),
            "RFC 6455 §4.2.1 item 1",
        ));
    }
}

/// The answer a server sends to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerAnswer {
    /// 101, 400 or 426.
    pub status: u16,
    /// The subprotocol chosen, if any.
    pub protocol: Option<String>,
    /// The exact response text, CRLF line endings, ending with the blank line
    /// (and, for errors, a plain-text body listing the problems).
    pub text: String,
    /// The permessage-deflate configuration accepted (RFC 7692), if any.
    pub deflate: Option<DeflateConfig>,
    /// What became of each extension offer the server read: accepted, or
    /// declined and why.
    pub extensions: Vec<OfferVerdict>,
}

/// Builds the answer a correct server sends (§4.2.2). `supported` lists the
/// subprotocols the server speaks; it picks the first one the client offered
/// that it supports. With `deflate`, it accepts the first permessage-deflate
/// offer it can honour (RFC 7692); without, it declines every extension.
pub fn respond(
    check: &RequestCheck,
    supported: &[&str],
    deflate: Option<&DeflatePolicy>,
) -> ServerAnswer {
    let status = check.status();
    if status == 101 {
        let (accepted, extensions) = match deflate {
            None => (None, Vec::new()),
            Some(policy) => {
                let mut verdicts = Vec::new();
                let mut offers = Vec::new();
                for element in &check.request.extensions {
                    match parse_extensions(element) {
                        Ok(list) => offers.extend(list),
                        Err(e) => verdicts.push(OfferVerdict {
                            offer: element.clone(),
                            outcome: Err(e.to_string()),
                        }),
                    }
                }
                let n = negotiate(&offers, policy);
                verdicts.extend(n.verdicts);
                (n.accepted, verdicts)
            }
        };
        let key = check.request.key.as_deref().unwrap_or_default();
        let protocol = check
            .request
            .protocols
            .iter()
            .find(|p| supported.contains(&p.as_str()))
            .cloned();
        let mut text = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n",
            accept_key(key)
        );
        if let Some(p) = &protocol {
            text.push_str(&format!("Sec-WebSocket-Protocol: {p}\r\n"));
        }
        if let Some(config) = &accepted {
            text.push_str(&format!(
                "Sec-WebSocket-Extensions: {}\r\n",
                config.response_header()
            ));
        }
        text.push_str("\r\n");
        return ServerAnswer {
            status,
            protocol,
            text,
            deflate: accepted,
            extensions,
        };
    }
    let reason = if status == 426 {
        "Upgrade Required"
    } else {
        "Bad Request"
    };
    let body = problem_body(&check.problems);
    let mut text = format!("HTTP/1.1 {status} {reason}\r\n");
    if check
        .problems
        .iter()
        .any(|p| p.header.as_deref() == Some("Sec-WebSocket-Version"))
    {
        text.push_str("Sec-WebSocket-Version: 13\r\n");
    }
    if status == 426 {
        // RFC 9110 §15.5.22: a 426 names the protocol to upgrade to.
        text.push_str("Upgrade: websocket\r\nConnection: Upgrade\r\n");
    }
    text.push_str(&format!(
        "Content-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    ServerAnswer {
        status,
        protocol: None,
        text,
        deflate: None,
        extensions: Vec::new(),
    }
}

/// The most problems a 400 answer lists; the rest are counted.
pub const MAX_LISTED_PROBLEMS: usize = 5;

/// The longest line a 400 answer gives one problem, in characters.
pub const MAX_PROBLEM_LINE: usize = 300;

/// The body of an error answer: one line a problem, at most
/// [`MAX_LISTED_PROBLEMS`] of them, each cut to [`MAX_PROBLEM_LINE`]
/// characters, so that a hostile request cannot make a large answer.
fn problem_body(problems: &[Problem]) -> String {
    let mut body = String::new();
    for p in problems.iter().take(MAX_LISTED_PROBLEMS) {
        let line = p.to_string();
        let mut cut: String = line.chars().take(MAX_PROBLEM_LINE).collect();
        if cut.len() < line.len() {
            cut.push('…');
        }
        body.push_str(&cut);
        body.push('\n');
    }
    if problems.len() > MAX_LISTED_PROBLEMS {
        body.push_str(&format!(
            "and {} more\n",
            problems.len() - MAX_LISTED_PROBLEMS
        ));
    }
    body
}

/// What [`HeadReader::push`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadRead {
    /// No empty line yet: more bytes are needed.
    Incomplete,
    /// The header block, up to and including the empty line (invalid UTF-8
    /// replaced), and the bytes after it, which belong to the first frames.
    Complete {
        /// The request head as text.
        head: String,
        /// Bytes read past the head.
        rest: Vec<u8>,
    },
    /// More than the limit arrived without an empty line.
    TooLong,
}

/// Reads an opening request that arrives in pieces of any size, up to the
/// first empty line, ended by CRLF or by a bare LF (RFC 9112 §2.2). Each byte
/// is looked at a bounded number of times, so reading takes time linear in
/// the request's size however it is split.
#[derive(Debug, Clone)]
pub struct HeadReader {
    buf: Vec<u8>,
    searched: usize,
    limit: usize,
}

impl HeadReader {
    /// A reader that gives up after `limit` bytes without an empty line.
    pub fn new(limit: usize) -> Self {
        HeadReader {
            buf: Vec::new(),
            searched: 0,
            limit,
        }
    }

    /// Takes the next piece.
    pub fn push(&mut self, bytes: &[u8]) -> HeadRead {
        self.buf.extend_from_slice(bytes);
        if let Some(end) = end_of_head(&self.buf, self.searched) {
            let rest = self.buf.split_off(end);
            let head = String::from_utf8_lossy(&std::mem::take(&mut self.buf)).into_owned();
            self.searched = 0;
            return HeadRead::Complete { head, rest };
        }
        self.searched = self.buf.len();
        if self.buf.len() > self.limit {
            HeadRead::TooLong
        } else {
            HeadRead::Incomplete
        }
    }
}

/// Where the header block ends: after the first empty line. Searches from
/// `from` on (less the two bytes a line end may straddle).
fn end_of_head(buf: &[u8], from: usize) -> Option<usize> {
    let start = from.saturating_sub(2);
    let tail = buf.get(start..)?;
    tail.iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .find_map(|(i, _)| match tail.get(i + 1..) {
            Some([b'\n', ..]) => Some(start + i + 2),
            Some([b'\r', b'\n', ..]) => Some(start + i + 3),
            _ => None,
        })
}

/// The request a client sends for `uri` (§4.1), with the given key, optional
/// Origin and offered subprotocols.
pub fn client_request(uri: &WsUri, key: &str, origin: Option<&str>, protocols: &[&str]) -> String {
    let mut text = format!(
        "{}\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n",
        uri.request_line(),
        uri.host_header()
    );
    if let Some(origin) = origin {
        text.push_str(&format!("Origin: {origin}\r\n"));
    }
    if !protocols.is_empty() {
        text.push_str(&format!(
            "Sec-WebSocket-Protocol: {}\r\n",
            protocols.join(", ")
        ));
    }
    text.push_str("\r\n");
    text
}

/// RFC 6455 §1.3's URI, `ws://server.example.com/chat`, as
/// [`parse_uri`](crate::uri::parse_uri) reads it (a test holds the two
/// equal), written out: a page that shows the RFC's request but parses no
/// URI then links no URI parser (with its Unicode tables, the larger part of
/// a small build).
pub fn rfc_uri() -> WsUri {
    WsUri {
        scheme_given: "ws".to_owned(),
        secure: false,
        host: "server.example.com".to_owned(),
        port: 80,
        port_explicit: false,
        path: "/chat".to_owned(),
        query: None,
        userinfo: None,
    }
}

/// RFC 6455 §1.3's opening request with `key`: to [`rfc_uri`], from
/// `http://example.com`, offering the subprotocols `chat` and `superchat`.
pub fn rfc_request(key: &str) -> String {
    client_request(
        &rfc_uri(),
        key,
        Some("http://example.com"),
        &["chat", "superchat"],
    )
}

/// Returns `text` with the first `name` header set to `value` (matching the
/// name in any case), or with the header added at the end of the header block
/// when there is none. Line endings follow the text's first line.
pub fn set_header(text: &str, name: &str, value: &str) -> String {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned())
        .collect();
    let end = lines
        .iter()
        .skip(1)
        .position(|l| l.is_empty())
        .map(|i| i + 1)
        .unwrap_or(lines.len());
    let found = lines[..end].iter().skip(1).position(|l| {
        l.split_once(':')
            .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case(name))
    });
    let line = format!("{name}: {value}");
    match found {
        Some(i) => lines[i + 1] = line,
        None => lines.insert(end.max(1).min(lines.len()), line),
    }
    lines.join(eol)
}

/// The result of checking a server's response as a client must (§4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseCheck {
    /// The status code, if the status line could be read.
    pub status: Option<u16>,
    /// The accept value the key requires.
    pub expected_accept: String,
    /// The subprotocol the server chose, if any.
    pub protocol: Option<String>,
    /// Every reason a client must refuse the response; empty when accepted.
    pub problems: Vec<Problem>,
}

/// Checks a server's response against the request it answers: its key, and
/// the subprotocols and extensions it offered (§4.1).
pub fn check_response_to(request: &ClientRequest, response: &str) -> ResponseCheck {
    let offered: Vec<&str> = request.protocols.iter().map(String::as_str).collect();
    let extensions: Vec<&str> = request.extensions.iter().map(String::as_str).collect();
    let key = request.key.as_deref().unwrap_or_default();
    check_response(response, key, &offered, &extensions)
}

/// Checks a server's response against the client's key and what the client
/// offered, as a browser does (§4.1, "the client MUST validate the server's
/// response as follows").
pub fn check_response(
    text: &str,
    key: &str,
    offered_protocols: &[&str],
    offered_extensions: &[&str],
) -> ResponseCheck {
    let mut msg = Message::parse(text);
    let expected_accept = accept_key(key);
    let mut status = None;
    match msg.start.clone() {
        None => msg.problems.push(problem(
            None,
            None,
            "the response is empty".into(),
            "RFC 6455 §4.1",
        )),
        Some((n, line)) => {
            let mut parts = line.splitn(3, ' ');
            let version = parts.next().unwrap_or_default();
            let code = parts.next().and_then(|c| c.parse::<u16>().ok());
            if !version.starts_with("HTTP/") || code.is_none() {
                msg.problems.push(problem(
                    Some(n),
                    None,
                    format!(
                        "{line:?} is not a status line such as HTTP/1.1 101 Switching Protocols"
                    ),
                    "RFC 9112 §4",
                ));
            }
            status = code;
            if let Some(code) = code.filter(|c| *c != 101) {
                msg.problems.push(problem(
                    Some(n),
                    None,
                    format!("the status is {code}; over HTTP/1.1 only 101 Switching Protocols completes the handshake, anything else is handled as plain HTTP and the connection fails"),
                    "RFC 6455 §4.1, response item 1",
                ));
            }
        }
    }
    let upgrade = msg
        .all("Upgrade")
        .first()
        .map(|h| (h.line, h.value.clone()));
    match upgrade {
        Some((_, v)) if v.eq_ignore_ascii_case("websocket") => {}
        other => msg.problems.push(problem(
            other.as_ref().map(|o| o.0),
            Some("Upgrade"),
            match other {
                Some((_, v)) => format!("Upgrade is {v:?}; it must be websocket (any case)"),
                None => "the Upgrade header is missing; it must be websocket".into(),
            },
            "RFC 6455 §4.1, response item 2",
        )),
    }
    if !has_token(&msg.list("Connection"), "Upgrade") {
        let line = msg.all("Connection").first().map(|h| h.line);
        msg.problems.push(problem(
            line,
            Some("Connection"),
            "the Connection header must contain the token Upgrade (any case)".into(),
            "RFC 6455 §4.1, response item 3",
        ));
    }
    match msg.all("Sec-WebSocket-Accept").first().map(|h| (h.line, h.value.clone())) {
        None => msg.problems.push(problem(
            None,
            Some("Sec-WebSocket-Accept"),
            format!("Sec-WebSocket-Accept is missing; for this key it must be {expected_accept}"),
            "RFC 6455 §4.1, response item 4",
        )),
        Some((n, v)) if v != expected_accept => msg.problems.push(problem(
            Some(n),
            Some("Sec-WebSocket-Accept"),
            format!("Sec-WebSocket-Accept is {v:?}, but base64(SHA-1(key + GUID)) for this key is {expected_accept}"),
            "RFC 6455 §4.1, response item 4",
        )),
        Some(_) => {}
    }
    let deflate_offers: Vec<DeflateOffer> = offered_extensions
        .iter()
        .filter_map(|o| parse_extensions(o).ok())
        .flatten()
        .filter(|e| e.name == PERMESSAGE_DEFLATE)
        .filter_map(|e| DeflateOffer::parse(&e).ok())
        .collect();
    let mut deflate_answers = 0;
    for h in msg.all("Sec-WebSocket-Extensions") {
        let list = match parse_extensions(&h.value) {
            Ok(list) => list,
            Err(e) => {
                msg.problems.push(problem(
                    Some(h.line),
                    Some("Sec-WebSocket-Extensions"),
                    e.to_string(),
                    "RFC 6455 §9.1",
                ));
                continue;
            }
        };
        for ext in list {
            let offered = offered_extensions
                .iter()
                .any(|o| o.split(';').next().unwrap_or("").trim() == ext.name);
            if !offered {
                msg.problems.push(problem(
                    Some(h.line),
                    Some("Sec-WebSocket-Extensions"),
                    format!(
                        "the server accepted the extension {:?}, which the client did not offer",
                        ext.name
                    ),
                    "RFC 6455 §4.1, response item 5",
                ));
            } else if ext.name == PERMESSAGE_DEFLATE {
                deflate_answers += 1;
                if deflate_answers == 2 {
                    msg.problems.push(problem(
                        Some(h.line),
                        Some("Sec-WebSocket-Extensions"),
                        "the server accepted permessage-deflate twice; it may accept one offer"
                            .into(),
                        "RFC 7692 §5",
                    ));
                }
                if let Err(e) = check_deflate_response(&ext, &deflate_offers) {
                    msg.problems.push(problem(
                        Some(h.line),
                        Some("Sec-WebSocket-Extensions"),
                        e.to_string(),
                        "RFC 7692 §7",
                    ));
                }
            }
        }
    }
    let protocols = msg.list("Sec-WebSocket-Protocol");
    let protocol = protocols.first().cloned();
    if let Some(first) = msg.all("Sec-WebSocket-Protocol").first().map(|h| h.line) {
        if protocols.len() > 1 {
            msg.problems.push(problem(
                Some(first),
                Some("Sec-WebSocket-Protocol"),
                "the server must choose one subprotocol, not several".into(),
                "RFC 6455 §4.2.2 item 5.5",
            ));
        } else if let Some(p) = &protocol
            && !offered_protocols.contains(&p.as_str())
        {
            msg.problems.push(problem(
                Some(first),
                Some("Sec-WebSocket-Protocol"),
                format!("the server chose the subprotocol {p:?}, which the client did not offer"),
                "RFC 6455 §4.1, response item 6",
            ));
        }
    }
    if protocol.is_none() && !offered_protocols.is_empty() && status == Some(101) {
        // RFC 6455 lets a server pick none of the offered subprotocols; a
        // browser does not: the WHATWG standard fails the connection.
        msg.problems.push(problem(
            None,
            Some("Sec-WebSocket-Protocol"),
            format!(
                "the client offered the subprotocol(s) {} and the server chose none; RFC 6455 allows that (§4.2.2 item 5.5: the server may leave the header out), but a browser fails the connection — Chromium says \"Sent non-empty 'Sec-WebSocket-Protocol' header but no response was received\"",
                offered_protocols.join(", ")
            ),
            "WHATWG WebSockets Standard, establish a WebSocket connection, processResponse step 2",
        ));
    }
    msg.problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
    ResponseCheck {
        status,
        expected_accept,
        protocol,
        problems: msg.problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_request_is_the_one_of_section_1_3() {
        assert_eq!(
            crate::uri::parse_uri("ws://server.example.com/chat"),
            Ok(rfc_uri())
        );
        assert_eq!(
            rfc_request("dGhlIHNhbXBsZSBub25jZQ=="),
            "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\nOrigin: http://example.com\r\n\
             Sec-WebSocket-Protocol: chat, superchat\r\n\r\n"
        );
    }

    #[test]
    fn a_browser_fails_a_101_that_names_no_subprotocol_when_some_were_offered() {
        let key = "dGhlIHNhbXBsZSBub25jZQ==";
        let answer = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
            accept_key(key)
        );
        // RFC 6455 alone: a server may choose none.
        assert_eq!(check_response(&answer, key, &[], &[]).problems, []);
        let check = check_response(&answer, key, &["chat"], &[]);
        assert_eq!(check.problems.len(), 1, "{:?}", check.problems);
        let p = &check.problems[0];
        assert!(p.browser_only(), "{p:?}");
        assert!(p.message.contains("RFC 6455 allows that"), "{p:?}");
        assert_eq!(p.header.as_deref(), Some("Sec-WebSocket-Protocol"));
        // Answering with one it offered is fine.
        let chosen = answer.replace("\r\n\r\n", "\r\nSec-WebSocket-Protocol: chat\r\n\r\n");
        assert_eq!(check_response(&chosen, key, &["chat"], &[]).problems, []);
    }

    const RFC_REQUEST: &str = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n";

    #[test]
    fn rfc_1_3_accept_key() {
        let steps = accept_steps("dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(
            steps.concatenated,
            "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
        );
        assert_eq!(
            steps.sha1,
            [
                0xb3, 0x7a, 0x4f, 0x2c, 0xc0, 0x62, 0x4f, 0x16, 0x90, 0xf6, 0x46, 0x06, 0xcf, 0x38,
                0x59, 0x45, 0xb2, 0xbe, 0xc4, 0xea
            ]
        );
        assert_eq!(steps.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    #[test]
    fn rfc_1_3_request_gets_the_rfc_response() {
        let check = check_request(RFC_REQUEST);
        assert_eq!(check.problems, []);
        assert_eq!(check.request.protocols, ["chat", "superchat"]);
        let answer = respond(&check, &["chat"], None);
        assert_eq!(
            answer.text,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n"
        );
        let back = check_response(
            &answer.text,
            "dGhlIHNhbXBsZSBub25jZQ==",
            &["chat", "superchat"],
            &[],
        );
        assert_eq!(back.problems, []);
        assert_eq!(back.protocol.as_deref(), Some("chat"));
    }

    #[test]
    fn keys() {
        assert_eq!(
            generate_key(*b"the sample nonce"),
            "dGhlIHNhbXBsZSBub25jZQ=="
        );
        assert_eq!(
            decode_key("dGhlIHNhbXBsZSBub25jZQ=="),
            Ok(*b"the sample nonce")
        );
        assert_eq!(
            decode_key("AAAAAAAAAAAAAAAAAAAA"),
            Err(KeyError::WrongLength(15))
        );
        assert_eq!(
            decode_key("AAAAAAAAAAAAAAAAAAAAAAA="),
            Err(KeyError::WrongLength(17))
        );
        assert!(matches!(
            decode_key("not base64!"),
            Err(KeyError::NotBase64(_))
        ));
    }

    fn headers_at_fault(text: &str) -> Vec<(Option<usize>, Option<String>)> {
        check_request(text)
            .problems
            .into_iter()
            .map(|p| (p.line, p.header))
            .collect()
    }

    #[test]
    fn every_problem_is_reported_with_line_and_header() {
        let text = "POST /chat HTTP/1.0\nHost: a\nUpgrade: h2c\nConnection: keep-alive\nSec-WebSocket-Key: short\nSec-WebSocket-Version: 8\n\n";
        let check = check_request(text);
        assert_eq!(
            headers_at_fault(text),
            [
                (Some(1), None),
                (Some(1), None),
                (Some(3), Some("Upgrade".into())),
                (Some(4), Some("Connection".into())),
                (Some(5), Some("Sec-WebSocket-Key".into())),
                (Some(6), Some("Sec-WebSocket-Version".into())),
            ]
        );
        assert_eq!(check.status(), 400);
        assert!(
            respond(&check, &[], None)
                .text
                .contains("Sec-WebSocket-Version: 13\r\n")
        );
    }

    #[test]
    fn only_a_wrong_version_gets_426() {
        let text = RFC_REQUEST.replace("Version: 13", "Version: 12");
        let check = check_request(&text);
        assert_eq!(check.status(), 426);
        let answer = respond(&check, &[], None);
        assert!(
            answer
                .text
                .starts_with("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n")
        );
    }

    #[test]
    fn tolerant_where_the_rfc_is() {
        let text = "GET / HTTP/1.1\nhost: x\nupgrade: WebSocket\nconnection: keep-alive, Upgrade\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\nsec-websocket-version: 13\n";
        assert_eq!(check_request(text).problems, []);
    }

    #[test]
    fn duplicates_and_syntax() {
        let text = format!(
            "{}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            RFC_REQUEST.trim_end()
        );
        let text = text.replace("Host: server.example.com", "Host : x");
        let faults = headers_at_fault(&text);
        assert!(
            faults.contains(&(Some(2), Some("Host".into()))),
            "{faults:?}"
        );
        assert!(
            faults.contains(&(Some(9), Some("Sec-WebSocket-Key".into()))),
            "{faults:?}"
        );
        assert_eq!(check_request("").status(), 400);
        assert_eq!(check_request("\u{0}\u{1}garbage").status(), 400);
    }

    #[test]
    fn set_header_replaces_or_adds() {
        let text = "GET / HTTP/1.1\r\nhost: a\r\nSec-WebSocket-Key: old\r\n\r\n";
        assert_eq!(
            set_header(text, "Sec-WebSocket-Key", "new"),
            "GET / HTTP/1.1\r\nhost: a\r\nSec-WebSocket-Key: new\r\n\r\n"
        );
        assert_eq!(
            set_header("GET / HTTP/1.1\nHost: a\n", "Origin", "o"),
            "GET / HTTP/1.1\nHost: a\nOrigin: o\n"
        );
        assert_eq!(set_header("", "Host", "h"), "\nHost: h");
    }

    #[test]
    fn response_checks() {
        let key = "dGhlIHNhbXBsZSBub25jZQ==";
        let good = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        assert_eq!(check_response(good, key, &[], &[]).problems, []);
        let bad_accept = good.replace("s3pP", "AAAA");
        assert_eq!(
            check_response(&bad_accept, key, &[], &[]).problems[0].line,
            Some(4)
        );
        let proxy = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
        assert_eq!(check_response(proxy, key, &[], &[]).problems.len(), 4);
        let ext = good.replace(
            "\r\n\r\n",
            "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
        );
        assert_eq!(check_response(&ext, key, &[], &[]).problems.len(), 1);
        assert_eq!(
            check_response(
                &ext,
                key,
                &[],
                &["permessage-deflate; client_max_window_bits"]
            )
            .problems,
            []
        );
        let proto = good.replace("\r\n\r\n", "\r\nSec-WebSocket-Protocol: chat\r\n\r\n");
        assert_eq!(check_response(&proto, key, &[], &[]).problems.len(), 1);
    }

    #[test]
    fn the_head_ends_at_the_first_empty_line_however_it_is_split() {
        let whole = b"GET / HTTP/1.1\r\nA: b\r\n\r\n\x81\x80";
        for piece in 1..whole.len() {
            let mut r = HeadReader::new(1024);
            let mut result = HeadRead::Incomplete;
            for chunk in whole.chunks(piece) {
                match &mut result {
                    HeadRead::Incomplete => result = r.push(chunk),
                    // Bytes after the head belong to the frames that follow.
                    HeadRead::Complete { rest, .. } => rest.extend_from_slice(chunk),
                    HeadRead::TooLong => unreachable!(),
                }
            }
            assert_eq!(
                result,
                HeadRead::Complete {
                    head: "GET / HTTP/1.1\r\nA: b\r\n\r\n".into(),
                    rest: vec![0x81, 0x80]
                },
                "pieces of {piece}"
            );
        }
        let mut lf = HeadReader::new(1024);
        assert_eq!(
            lf.push(b"GET / HTTP/1.1\nA: b\n\n"),
            HeadRead::Complete {
                head: "GET / HTTP/1.1\nA: b\n\n".into(),
                rest: vec![]
            }
        );
        let mut long = HeadReader::new(10);
        assert_eq!(long.push(b"GET / HTTP/1.1\r\n"), HeadRead::TooLong);
    }

    #[test]
    fn error_answers_stay_small_and_426_names_the_upgrade() {
        let garbage: String = (0..400)
            .map(|i| format!("junk line {i} {}\r\n", "x".repeat(30)))
            .collect();
        let answer = respond(
            &check_request(&format!("GET / HTTP/1.1\r\n{garbage}\r\n")),
            &[],
            None,
        );
        assert_eq!(answer.status, 400);
        assert!(answer.text.len() < 4096, "{} bytes", answer.text.len());
        assert!(answer.text.contains(" more\n"), "{}", answer.text);
        let v8 = "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n";
        let answer = respond(&check_request(v8), &[], None);
        assert_eq!(answer.status, 426);
        assert!(
            answer.text.contains(
                "Sec-WebSocket-Version: 13\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            ),
            "{}",
            answer.text
        );
    }

    #[test]
    fn the_rfc_s_own_section_4_1_key_is_refused_with_the_reason() {
        let err = decode_key("AQIDBAUGBwgJCgsMDQ4PEC==").unwrap_err();
        assert_eq!(
            err,
            KeyError::NonCanonical {
                last: 'C',
                canonical: "AQIDBAUGBwgJCgsMDQ4PEA==".into()
            }
        );
        assert!(err.to_string().contains("erratum"));
        assert_eq!(
            decode_key("AQIDBAUGBwgJCgsMDQ4PEA==").unwrap(),
            core::array::from_fn(|i| i as u8 + 1)
        );
    }

    #[test]
    fn a_server_with_deflate_answers_the_browsers_offer_and_a_client_checks_it() {
        let chrome = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
        let check = check_request(chrome);
        let answer = respond(&check, &[], Some(&DeflatePolicy::default()));
        assert!(answer.text.contains(
            "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n"
        ));
        assert!(answer.deflate.is_some());
        assert_eq!(answer.extensions.len(), 1);
        assert!(
            check_response_to(&check.request, &answer.text)
                .problems
                .is_empty()
        );
        // Without a policy the offer is declined: no header at all.
        let plain = respond(&check, &[], None);
        assert!(!plain.text.contains("Extensions") && plain.deflate.is_none());
        // A response the client must fail: a parameter it did not offer.
        let bad = answer.text.replace(
            "client_no_context_takeover",
            "client_no_context_takeover; client_max_window_bits=99",
        );
        let problems = check_response_to(&check.request, &bad).problems;
        assert!(
            problems.iter().any(|p| p.section.contains("RFC 7692")),
            "{problems:?}"
        );
    }
}
