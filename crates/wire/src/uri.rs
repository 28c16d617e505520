//! WebSocket URIs (RFC 6455 §3): `ws://host[:port]/path[?query]` and
//! `wss://…`, with what each part becomes in the opening handshake.
//!
//! Browsers also accept `http://` and `https://` and map them to `ws://` and
//! `wss://` (WHATWG WebSockets standard); this parser does the same and says so.

use std::fmt;

/// A parsed WebSocket URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsUri {
    /// The scheme as typed, lowercased (`ws`, `wss`, `http` or `https`).
    pub scheme_given: String,
    /// Whether the connection runs over TLS (`wss`, or `https` mapped to it).
    pub secure: bool,
    /// The host, lowercased; IPv6 literals keep their brackets.
    pub host: String,
    /// The port: explicit, or the default 80 (ws) or 443 (wss).
    pub port: u16,
    /// Whether the URI named the port.
    pub port_explicit: bool,
    /// The path, `/` when the URI had none.
    pub path: String,
    /// The query after `?`, if any.
    pub query: Option<String>,
    /// User information before `@`, which a WebSocket handshake does not use.
    pub userinfo: Option<String>,
}

impl WsUri {
    /// Why a browser would not connect to this URI's port, if it would not:
    /// the Fetch standard's bad ports (§2.9), a rule browsers apply to every
    /// fetch, WebSockets included. It is a browser's rule, not RFC 6455's: a
    /// server may listen there, and other clients (wslab-probe among them)
    /// connect.
    pub fn browser_refuses(&self) -> Option<String> {
        BAD_PORTS.contains(&self.port).then(|| {
            format!(
                "port {} is on the Fetch standard's list of bad ports (Fetch §2.9): a browser refuses to connect to it, so new WebSocket fails (error, then close 1006). The rule is browsers' own: other clients connect.",
                self.port
            )
        })
    }

    /// `ws` or `wss`: the scheme after mapping http(s).
    pub fn scheme(&self) -> &'static str {
        if self.secure { "wss" } else { "ws" }
    }

    /// Whether the scheme given was http or https and was mapped.
    pub fn mapped_from_http(&self) -> bool {
        self.scheme_given.starts_with("http")
    }

    /// The default port of the scheme: 80 for ws, 443 for wss (§3).
    pub fn default_port(&self) -> u16 {
        if self.secure { 443 } else { 80 }
    }

    /// The resource name: path, then `?` and the query when there is one (§3).
    pub fn resource_name(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }

    /// Whether the host is loopback, which browsers treat as "potentially
    /// trustworthy" (W3C Secure Contexts §3.2): `localhost`, a name ending in
    /// `.localhost`, 127.0.0.0/8 and `[::1]`. An https page may open `ws://`
    /// to such a host; mixed-content blocking spares it.
    pub fn is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost"
            || host.ends_with(".localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// The request line of the opening handshake (§4.1).
    pub fn request_line(&self) -> String {
        format!("GET {} HTTP/1.1", self.resource_name())
    }

    /// The Host header's value: the host, with `:port` only when the port is
    /// not the scheme's default (§4.1, item 4).
    pub fn host_header(&self) -> String {
        if self.port == self.default_port() {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Display for WsUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}://{}{}",
            self.scheme(),
            self.host_header(),
            self.resource_name()
        )
    }
}

/// Why a string is not a WebSocket URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriErrorKind {
    /// Nothing was typed.
    #[error("the URI is empty")]
    Empty,
    /// No `scheme://` at the start.
    #[error(
        "a WebSocket URI starts with ws:// or wss:// (RFC 6455 §3); in a browser, new WebSocket also takes a URL relative to the page (such as /chat) and resolves it against the page's address"
    )]
    MissingScheme,
    /// A scheme other than ws, wss, http or https.
    #[error("the scheme {0:?} is not ws or wss (RFC 6455 §3; browsers also map http and https)")]
    BadScheme(String),
    /// A `#fragment`.
    #[error("fragment identifiers are not allowed in WebSocket URIs; write # as %23 (RFC 6455 §3)")]
    Fragment,
    /// No host between `//` and the path.
    #[error("the host is missing (RFC 6455 §3)")]
    MissingHost,
    /// A character that cannot appear in a host.
    #[error("{0:?} cannot appear in a host name (RFC 3986 §3.2.2)")]
    BadHostChar(char),
    /// An IPv6 literal without its closing bracket.
    #[error("the IPv6 address has no closing ']' (RFC 3986 §3.2.2)")]
    UnclosedIpv6,
    /// Brackets around something that is not an IPv6 address.
    #[error(
        "[{0}] is not an IPv6 address: eight groups of up to four hex digits, with :: for one run of zero groups (RFC 4291 §2.2)"
    )]
    BadIpv6(String),
    /// A host that ends in a number, which a browser then reads as an IPv4
    /// address, and which is not one.
    #[error(
        "the host {0:?} ends in a number, so a browser reads it as an IPv4 address, and it is not one: at most four dot-separated parts, each decimal, octal (a leading 0) or hex (0x), each but the last at most 255 and the last filling the bytes left (WHATWG URL standard, IPv4 parser)"
    )]
    BadIpv4(String),
    /// A port that is not a number from 0 to 65535.
    #[error("the port {0:?} is not a number from 0 to 65535 (RFC 3986 §3.2.3)")]
    BadPort(String),
    /// The page address a relative URL is resolved against is not an
    /// http, https, ws or wss URL.
    #[error("the base URL is not an http, https, ws or wss URL: {0}")]
    BadBase(String),
}

/// The ports the Fetch standard blocks (§2.9, "bad port"): a browser fails
/// any connection to them, WebSockets included.
pub const BAD_PORTS: &[u16] = &[
    0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101,
    102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427,
    465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990,
    993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667,
    6668, 6669, 6679, 6697, 10080,
];

/// An IPv6 address as the WHATWG URL standard writes it (§3.7): lowercase
/// hex groups without leading zeros, the first longest run of two or more
/// zero groups written as `::`, an embedded IPv4 address written as hex.
pub fn ipv6_text(addr: std::net::Ipv6Addr) -> String {
    let groups = addr.segments();
    // The first longest run of zero groups, if at least two long.
    let (mut best, mut run) = ((0, 0), (0, 0));
    for (i, g) in groups.iter().enumerate() {
        if *g == 0 {
            run = if run.1 == 0 {
                (i, 1)
            } else {
                (run.0, run.1 + 1)
            };
            if run.1 > best.1 {
                best = run;
            }
        } else {
            run = (0, 0);
        }
    }
    let hex = |gs: &[u16]| {
        gs.iter()
            .map(|g| format!("{g:x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    if best.1 < 2 {
        return hex(&groups);
    }
    format!(
        "{}::{}",
        hex(&groups[..best.0]),
        hex(&groups[best.0 + best.1..])
    )
}

/// Encodes one label with Punycode (RFC 3492 §6.3), without the `xn--` prefix.
fn punycode(label: &str) -> Option<String> {
    const BASE: u32 = 36;
    let (tmin, tmax, skew, damp) = (1, 26, 38, 700);
    let adapt = |mut delta: u32, points: u32, first: bool| {
        delta /= if first { damp } else { 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - tmin) * tmax) / 2 {
            delta /= BASE - tmin;
            k += BASE;
        }
        k + (BASE - tmin + 1) * delta / (delta + skew)
    };
    let digit = |d: u32| {
        char::from(if d < 26 {
            b'a' + d as u8
        } else {
            b'0' + (d - 26) as u8
        })
    };
    let input: Vec<u32> = label.chars().map(u32::from).collect();
    let mut out: String = label.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u32;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut h) = (128u32, 0u32, 72u32, basic);
    while (h as usize) < input.len() {
        let m = *input.iter().filter(|&&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(h + 1)?)?;
        n = m;
        for &c in &input {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        tmin
                    } else if k >= bias + tmax {
                        tmax
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, h + 1, h == basic);
                delta = 0;
                h += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

/// A host name as a browser sends it: each label with non-ASCII characters
/// lowercased and Punycode-encoded with `xn--` (IDNA, RFC 5891). Names that
/// need more of UTS #46 than lowercasing (compatibility forms, say) are left
/// for the URL parser of a browser; this covers names typed in their usual form.
pub fn ascii_host(host: &str) -> Option<String> {
    if host.is_ascii() {
        return Some(host.to_ascii_lowercase());
    }
    host.split('.')
        .map(|label| {
            let lower = label.to_lowercase();
            if lower.is_ascii() {
                Some(lower)
            } else {
                punycode(&lower).map(|p| format!("xn--{p}"))
            }
        })
        .collect::<Option<Vec<_>>>()
        .map(|labels| labels.join("."))
}

/// Whether a browser reads a host name as an IPv4 address: its last label
/// (a trailing dot aside) is a number, in decimal or as `0x` hex (WHATWG URL
/// standard, "ends in a number checker").
fn ends_in_a_number(host: &str) -> bool {
    let mut labels: Vec<&str> = host.split('.').collect();
    if labels.last() == Some(&"") {
        if labels.len() == 1 {
            return false;
        }
        labels.pop();
    }
    let last = labels.last().copied().unwrap_or_default();
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit())) || ipv4_number(last).is_some()
}

/// One part of an IPv4 host as the WHATWG URL standard reads it: `0x` (or
/// `0X`) starts hex, a leading `0` octal, anything else is decimal; `0x`
/// alone is 0. None for anything else; a value past `u64` saturates, which
/// is too big for any part.
fn ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
    digits.chars().try_fold(0u64, |n, c| {
        let d = c.to_digit(radix)?;
        Some(
            n.saturating_mul(u64::from(radix))
                .saturating_add(u64::from(d)),
        )
    })
}

/// A host that ends in a number, read as a browser reads it (WHATWG URL
/// standard, IPv4 parser): `127.1`, `0x7f.0.0.1`, `2130706433` and
/// `0177.0.0.1` are all 127.0.0.1. None when it is not an IPv4 address.
fn ipv4_host(host: &str) -> Option<std::net::Ipv4Addr> {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if parts.len() > 4 {
        return None;
    }
    let numbers = parts
        .iter()
        .map(|p| ipv4_number(p))
        .collect::<Option<Vec<u64>>>()?;
    let (last, first) = numbers.split_last()?;
    if first.iter().any(|&n| n > 255) {
        return None;
    }
    // The last part fills the bytes the others leave: 256^(5 - parts).
    let room = 1u64 << (8 * (5 - numbers.len()));
    if *last >= room {
        return None;
    }
    let high = first
        .iter()
        .enumerate()
        .fold(0u64, |acc, (i, &n)| acc | (n << (8 * (3 - i))));
    u32::try_from(high | last)
        .ok()
        .map(std::net::Ipv4Addr::from)
}

/// A [`UriErrorKind`] and the character position where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at character {position}: {kind}")]
pub struct UriError {
    /// The character index (0-based) in the input, after surrounding whitespace.
    pub position: usize,
    /// What is wrong.
    pub kind: UriErrorKind,
}

/// Parses a WebSocket URI (§3). Surrounding whitespace is ignored.
pub fn parse_uri(input: &str) -> Result<WsUri, UriError> {
    let s = input.trim();
    let err = |byte: usize, kind| UriError {
        position: s[..byte.min(s.len())].chars().count(),
        kind,
    };
    if s.is_empty() {
        return Err(err(0, UriErrorKind::Empty));
    }
    if let Some(i) = s.find('#') {
        return Err(err(i, UriErrorKind::Fragment));
    }
    let Some(colon) = s.find(':') else {
        return Err(err(0, UriErrorKind::MissingScheme));
    };
    let scheme = s[..colon].to_ascii_lowercase();
    let valid_scheme_syntax = is_scheme(&scheme);
    // "localhost:9001/echo" or "example.com:80": a host and a port, no scheme.
    let looks_like_host_port = s[colon + 1..].starts_with(|c: char| c.is_ascii_digit());
    if !valid_scheme_syntax || looks_like_host_port {
        return Err(err(0, UriErrorKind::MissingScheme));
    }
    let secure = match scheme.as_str() {
        "ws" | "http" => false,
        "wss" | "https" => true,
        _ => return Err(err(0, UriErrorKind::BadScheme(s[..colon].to_owned()))),
    };
    let Some(rest) = s[colon + 1..].strip_prefix("//") else {
        return Err(err(colon + 1, UriErrorKind::MissingHost));
    };
    let auth_start = colon + 3;
    // A backslash ends the authority too: WHATWG reads it as '/' in ws, wss, http and https URLs.
    let auth_len = rest.find(['/', '\\', '?']).unwrap_or(rest.len());
    let authority = &rest[..auth_len];
    let after = &rest[auth_len..];

    let (userinfo, hostport, hp_start) = match authority.rfind('@') {
        Some(at) => (
            Some(authority[..at].to_owned()),
            &authority[at + 1..],
            auth_start + at + 1,
        ),
        None => (None, authority, auth_start),
    };
    let (host, port_text, port_start) = if let Some(v6) = hostport.strip_prefix('[') {
        let Some(close) = v6.find(']') else {
            return Err(err(hp_start, UriErrorKind::UnclosedIpv6));
        };
        let inner = &v6[..close];
        if let Some((i, c)) = inner
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_hexdigit() || *c == ':' || *c == '.'))
        {
            return Err(err(hp_start + 1 + i, UriErrorKind::BadHostChar(c)));
        }
        let Ok(addr) = inner.parse::<std::net::Ipv6Addr>() else {
            return Err(err(hp_start + 1, UriErrorKind::BadIpv6(inner.to_owned())));
        };
        let tail = &v6[close + 1..];
        let port = match tail.strip_prefix(':') {
            Some(p) => Some(p),
            None if tail.is_empty() => None,
            None => {
                return Err(err(
                    hp_start + close + 2,
                    UriErrorKind::BadPort(tail.to_owned()),
                ));
            }
        };
        (format!("[{}]", ipv6_text(addr)), port, hp_start + close + 3)
    } else {
        let (name, port, port_start) = match hostport.rfind(':') {
            Some(c) => (&hostport[..c], Some(&hostport[c + 1..]), hp_start + c + 1),
            None => (hostport, None, hp_start),
        };
        // Checked on the text as typed, so that the position points into it.
        let allowed =
            |c: char| !c.is_ascii() || c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=".contains(c);
        if let Some((i, c)) = name.char_indices().find(|(_, c)| !allowed(*c)) {
            return Err(err(hp_start + i, UriErrorKind::BadHostChar(c)));
        }
        // A browser percent-decodes a host before anything else (WHATWG
        // host parser): "a%2eb" is the host "a.b". What decodes to a
        // character no host may hold is refused at its '%'.
        let decoded = match percent_decode(name) {
            Some(d) if !d.contains('%') && d.chars().all(allowed) => d,
            _ => {
                let i = name.find('%').unwrap_or(0);
                return Err(err(hp_start + i, UriErrorKind::BadHostChar('%')));
            }
        };
        let name = decoded.as_str();
        // Non-ASCII names go on the wire in Punycode, as a browser sends them.
        let Some(ascii) = ascii_host(name) else {
            let (i, c) = name
                .char_indices()
                .find(|(_, c)| !c.is_ascii())
                .unwrap_or((0, ' '));
            return Err(err(hp_start + i, UriErrorKind::BadHostChar(c)));
        };
        // A name that ends in a number is an IPv4 address to a browser, in
        // any of the forms it accepts, and is sent dotted-decimal.
        let ascii = if ends_in_a_number(&ascii) {
            match ipv4_host(&ascii) {
                Some(addr) => addr.to_string(),
                None => return Err(err(hp_start, UriErrorKind::BadIpv4(ascii))),
            }
        } else {
            ascii
        };
        (ascii, port, port_start)
    };
    if host.is_empty() || host == "[]" {
        return Err(err(hp_start, UriErrorKind::MissingHost));
    }
    let default_port = if secure { 443 } else { 80 };
    let (port, port_explicit) = match port_text {
        None | Some("") => (default_port, false),
        Some(p) => match p.parse::<u16>() {
            Ok(n) if p.bytes().all(|b| b.is_ascii_digit()) => (n, true),
            _ => return Err(err(port_start, UriErrorKind::BadPort(p.to_owned()))),
        },
    };

    let (path, query) = match after.split_once('?') {
        Some((p, q)) => (p, Some(encode(q, QUERY_SET))),
        None => (after, None),
    };
    Ok(WsUri {
        scheme_given: scheme,
        secure,
        host,
        port,
        port_explicit,
        path: browser_path(path),
        query,
        userinfo,
    })
}

/// Whether the WHATWG URL standard percent-encodes `c` in a path (the path
/// percent-encode set: C0 controls, DEL, space, `"`, `#`, `<`, `>`, `?`,
/// `` ` ``, `{`, `}`) or a query of a special scheme such as ws (the
/// special-query set: C0 controls, DEL, space, `"`, `#`, `<`, `>`, `'`).
/// Every character beyond ASCII is encoded, as its UTF-8 bytes.
type EncodeSet = fn(u8) -> bool;
const PATH_SET: EncodeSet = |b| b <= 0x20 || b == 0x7f || b"\"#<>?`{}".contains(&b);
const QUERY_SET: EncodeSet = |b| b <= 0x20 || b == 0x7f || b"\"#<>'".contains(&b);

/// `text` with each `%XX` escape decoded, or None when the bytes are not
/// UTF-8 (a stray `%` not followed by two hex digits stays as it is).
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// `text` with every byte in `set` (and every byte of a non-ASCII
/// character) written as `%XX`; existing `%` escapes are kept as they are.
fn encode(text: &str, set: EncodeSet) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() && !set(c as u8) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The path a browser requests for `path` as typed (WHATWG URL standard,
/// path state): `\` read as `/`, each segment percent-encoded, `.` segments
/// dropped and `..` segments removing the one before (`%2e` counts as a
/// dot), and `/` for an empty path. So `/a/../b c` requests `/b%20c`.
pub fn browser_path(path: &str) -> String {
    let single = |s: &str| s == "." || s.eq_ignore_ascii_case("%2e");
    let double = |s: &str| {
        let s = s.to_ascii_lowercase();
        matches!(s.as_str(), ".." | ".%2e" | "%2e." | "%2e%2e")
    };
    let body = path.strip_prefix(['/', '\\']).unwrap_or(path);
    let typed: Vec<&str> = body.split(['/', '\\']).collect();
    let mut segments: Vec<String> = Vec::new();
    for (i, typed_segment) in typed.iter().enumerate() {
        let last = i + 1 == typed.len();
        let segment = encode(typed_segment, PATH_SET);
        if double(&segment) {
            segments.pop();
            if last {
                segments.push(String::new());
            }
        } else if single(&segment) {
            if last {
                segments.push(String::new());
            }
        } else {
            segments.push(segment);
        }
    }
    format!("/{}", segments.join("/"))
}

/// Resolves what page code passes to `new WebSocket(url)` against the page's
/// address, as browsers do since the WHATWG WebSockets standard took
/// relative URLs: `/chat`, `chat`, `?room=1`, `//host/chat` and the empty
/// string are resolved against `base` (an http, https, ws or wss URL; its
/// fragment is ignored), and http(s) becomes ws(s). An absolute `input` is
/// read as [`parse_uri`] reads it. Error positions point into `input`.
pub fn resolve_uri(input: &str, base: &str) -> Result<WsUri, UriError> {
    let text = input.trim();
    if has_scheme(text) {
        return parse_uri(text);
    }
    let base_text = base.trim();
    let base_text = base_text.split('#').next().unwrap_or(base_text);
    let base = parse_uri(base_text).map_err(|e| UriError {
        position: 0,
        kind: UriErrorKind::BadBase(e.to_string()),
    })?;
    if let Some(i) = text.find('#') {
        return Err(UriError {
            position: text[..i].chars().count(),
            kind: UriErrorKind::Fragment,
        });
    }
    let slash = |c: Option<char>| matches!(c, Some('/' | '\\'));
    let mut first_two = text.chars();
    // Any two of '/' and '\\' start a scheme-relative URL, and a special
    // scheme skips any more of them before the host (WHATWG: "special
    // authority ignore slashes state"); written "//".
    let (prefix, text, consumed) = if slash(first_two.next()) && slash(first_two.next()) {
        let host = text.trim_start_matches(['/', '\\']);
        let skipped = text.len() - host.len();
        (format!("{}://", base.scheme_given), host, skipped)
    } else {
        (relative_prefix(&base, text), text, 0)
    };
    let shift = prefix.chars().count();
    parse_uri(&format!("{prefix}{text}")).map_err(|e| UriError {
        position: (e.position + consumed).saturating_sub(shift),
        kind: e.kind,
    })
}

/// What comes before a relative `text` (not scheme-relative) resolved on `base`.
fn relative_prefix(base: &WsUri, text: &str) -> String {
    let authority = {
        let user = base
            .userinfo
            .as_ref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        let port = if base.port_explicit {
            format!(":{}", base.port)
        } else {
            String::new()
        };
        format!("{user}{}{port}", base.host)
    };
    if text.starts_with(['/', '\\']) {
        format!("{}://{authority}", base.scheme_given)
    } else if text.starts_with('?') || text.is_empty() {
        let query = if text.is_empty() {
            base.query
                .as_ref()
                .map(|q| format!("?{q}"))
                .unwrap_or_default()
        } else {
            String::new()
        };
        format!("{}://{authority}{}{query}", base.scheme_given, base.path)
    } else {
        // A relative path: the base's path up to its last '/', then the input.
        let dir = &base.path[..base.path.rfind('/').map_or(0, |i| i + 1)];
        format!("{}://{authority}{dir}", base.scheme_given)
    }
}

/// Whether `text` starts with a scheme: a letter, then letters, digits,
/// `+`, `-` or `.`, then `:` (RFC 3986 §3.1). `localhost:9001` counts, as
/// it does for a browser (which then refuses the scheme "localhost").
fn has_scheme(text: &str) -> bool {
    text.split_once(':')
        .is_some_and(|(scheme, _)| is_scheme(scheme))
}

/// A scheme's syntax: a letter, then letters, digits, `+`, `-` or `.`.
fn is_scheme(scheme: &str) -> bool {
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_parts_table() {
        // (uri, secure, host header, request line)
        let cases = [
            (
                "ws://example.com/chat",
                false,
                "example.com",
                "GET /chat HTTP/1.1",
            ),
            ("wss://example.com", true, "example.com", "GET / HTTP/1.1"),
            (
                "WS://Example.COM:80/a?b=c",
                false,
                "example.com",
                "GET /a?b=c HTTP/1.1",
            ),
            (
                "wss://example.com:443/",
                true,
                "example.com",
                "GET / HTTP/1.1",
            ),
            (
                "ws://example.com:443/",
                false,
                "example.com:443",
                "GET / HTTP/1.1",
            ),
            (
                "wss://example.com:80/",
                true,
                "example.com:80",
                "GET / HTTP/1.1",
            ),
            (
                "ws://127.0.0.1:9001/echo",
                false,
                "127.0.0.1:9001",
                "GET /echo HTTP/1.1",
            ),
            (
                "ws://[::1]:9001/echo",
                false,
                "[::1]:9001",
                "GET /echo HTTP/1.1",
            ),
            (
                "https://example.com/x",
                true,
                "example.com",
                "GET /x HTTP/1.1",
            ),
            (
                "http://example.com?q",
                false,
                "example.com",
                "GET /?q HTTP/1.1",
            ),
        ];
        for (input, secure, host, line) in cases {
            let uri = parse_uri(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(uri.secure, secure, "{input}");
            assert_eq!(uri.host_header(), host, "{input}");
            assert_eq!(uri.request_line(), line, "{input}");
        }
    }

    #[test]
    fn errors_table() {
        let cases = [
            ("", UriErrorKind::Empty),
            ("example.com/chat", UriErrorKind::MissingScheme),
            ("ftp://example.com", UriErrorKind::BadScheme("ftp".into())),
            ("ws://example.com/#top", UriErrorKind::Fragment),
            ("ws:///chat", UriErrorKind::MissingHost),
            ("ws:example.com", UriErrorKind::MissingHost),
            ("ws://exa mple.com", UriErrorKind::BadHostChar(' ')),
            (
                "ws://example.com:99999",
                UriErrorKind::BadPort("99999".into()),
            ),
            ("localhost:9001/echo", UriErrorKind::MissingScheme),
            ("example.com:80", UriErrorKind::MissingScheme),
            ("ws://[1::2::3]/", UriErrorKind::BadIpv6("1::2::3".into())),
            ("ws://[12345::1]/", UriErrorKind::BadIpv6("12345::1".into())),
            ("ws://example.com:+80", UriErrorKind::BadPort("+80".into())),
            ("ws://[::1/", UriErrorKind::UnclosedIpv6),
        ];
        for (input, kind) in cases {
            assert_eq!(parse_uri(input).map_err(|e| e.kind), Err(kind), "{input}");
        }
    }

    #[test]
    fn paths_are_sent_as_a_browser_writes_them() {
        for (input, resource) in [
            ("ws://h/a b", "/a%20b"),
            ("ws://h/café", "/caf%C3%A9"),
            ("ws://h/a/../b", "/b"),
            ("ws://h/a/./b/", "/a/b/"),
            ("ws://h/a/..", "/"),
            ("ws://h/a/.", "/a/"),
            ("ws://h/../../x", "/x"),
            ("ws://h/a/%2E%2e/b", "/b"),
            ("ws://h/a\\b", "/a/b"),
            ("ws://h\\a", "/a"),
            ("ws://h/{x}`^|", "/%7Bx%7D%60^|"),
            ("ws://h/%zz", "/%zz"),
            ("ws://h/p?a b'\"<>", "/p?a%20b%27%22%3C%3E"),
            ("ws://h/p?x=é&y=/..", "/p?x=%C3%A9&y=/.."),
        ] {
            let uri = parse_uri(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(uri.resource_name(), resource, "{input}");
        }
    }

    #[test]
    fn relative_urls_resolve_against_the_page() {
        let base = "https://example.com/app/page.html?x=1#top";
        for (input, want) in [
            ("/chat", "wss://example.com/chat"),
            ("chat", "wss://example.com/app/chat"),
            ("../chat", "wss://example.com/chat"),
            ("?room=1", "wss://example.com/app/page.html?room=1"),
            ("", "wss://example.com/app/page.html?x=1"),
            ("//other.example:8080/x", "wss://other.example:8080/x"),
            ("\\/other.example/x", "wss://other.example/x"),
            ("/\\/other.example/x", "wss://other.example/x"),
            ("ws://h/abs", "ws://h/abs"),
            ("http://h/abs", "ws://h/abs"),
        ] {
            let uri = resolve_uri(input, base).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(uri.to_string(), want, "{input}");
        }
        let e = resolve_uri("chat#x", base).unwrap_err();
        assert_eq!((e.kind, e.position), (UriErrorKind::Fragment, 4));
        let e = resolve_uri("//", base).unwrap_err();
        assert_eq!(e.kind, UriErrorKind::MissingHost);
        assert!(matches!(
            resolve_uri("/chat", "file:///tmp/x.html").unwrap_err().kind,
            UriErrorKind::BadBase(_)
        ));
        // A port on the page's address is kept.
        assert_eq!(
            resolve_uri("/echo", "http://127.0.0.1:8080/live")
                .unwrap()
                .to_string(),
            "ws://127.0.0.1:8080/echo"
        );
    }

    #[test]
    fn a_bad_port_is_the_browsers_rule_not_an_error() {
        for (input, refused) in [
            ("ws://example.com:6666/", true),
            ("ws://127.0.0.1:6000", true),
            ("ws://example.com:0", true),
            ("wss://example.com", false),
            ("ws://example.com:9001/echo", false),
        ] {
            let uri = parse_uri(input).unwrap();
            let why = uri.browser_refuses();
            assert_eq!(why.is_some(), refused, "{input}");
            if let Some(why) = why {
                assert!(why.contains("Fetch §2.9") && why.contains(&uri.port.to_string()));
            }
        }
    }

    #[test]
    fn error_positions_count_characters() {
        let e = parse_uri("ws://é.com/#").unwrap_err();
        assert_eq!(e.position, 11);
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for (u, loopback) in [
            ("ws://127.0.0.1:9001/echo", true),
            ("ws://127.8.9.10/", true),
            ("ws://localhost/", true),
            ("ws://app.localhost/", true),
            ("ws://[::1]:9001/", true),
            ("ws://example.com/", false),
            ("ws://localhost.example.com/", false),
            ("ws://10.0.0.1/", false),
        ] {
            assert_eq!(parse_uri(u).unwrap().is_loopback(), loopback, "{u}");
        }
    }

    #[test]
    fn hosts_are_written_as_a_browser_writes_them() {
        for (input, host) in [
            ("ws://[0:0::1]:9001/", "[::1]"),
            ("ws://[0000:0000:0000:0000:0000:0000:0000:0001]/", "[::1]"),
            ("ws://[::FFFF:1.2.3.4]/", "[::ffff:102:304]"),
            ("ws://[1:0:0:2:0:0:0:3]/", "[1:0:0:2::3]"),
            ("ws://[1:0:2:0:3:0:4:0]/", "[1:0:2:0:3:0:4:0]"),
            ("ws://bücher.example/", "xn--bcher-kva.example"),
            ("ws://BÜCHER.example/", "xn--bcher-kva.example"),
            ("ws://例え.テスト/", "xn--r8jz45g.xn--zckzah"),
            ("ws://münchen.de:8080/x", "xn--mnchen-3ya.de"),
        ] {
            assert_eq!(parse_uri(input).unwrap().host, host, "{input}");
        }
        assert_eq!(
            parse_uri("ws://bücher.example:8080/")
                .unwrap()
                .host_header(),
            "xn--bcher-kva.example:8080"
        );
    }

    /// A host that ends in a number is an IPv4 address to a browser, in every
    /// form the URL standard reads, and goes on the wire dotted-decimal; one
    /// that is not a valid address is refused, naming the rule.
    #[test]
    fn hosts_that_end_in_a_number_are_ipv4_addresses() {
        for (input, host) in [
            ("ws://127.1/", "127.0.0.1"),
            ("ws://0x7f.0.0.1/", "127.0.0.1"),
            ("ws://0X7F.1/", "127.0.0.1"),
            ("ws://0177.0.0.1/", "127.0.0.1"),
            ("ws://2130706433/", "127.0.0.1"),
            ("ws://0x7f000001:9001/", "127.0.0.1"),
            ("ws://1.2.3.4./", "1.2.3.4"),
            ("ws://0/", "0.0.0.0"),
            ("ws://0x/", "0.0.0.0"),
            ("ws://1.0x/", "1.0.0.0"),
            ("ws://%31%32%37.1/", "127.0.0.1"),
            ("ws://4294967295/", "255.255.255.255"),
            ("ws://1.16777215/", "1.255.255.255"),
            // Not ending in a number: a name, even with numbers in it.
            ("ws://1.2.3.example/", "1.2.3.example"),
            ("ws://0x7g/", "0x7g"),
            ("ws://1e3/", "1e3"),
        ] {
            assert_eq!(parse_uri(input).unwrap().host, host, "{input}");
        }
        assert!(parse_uri("ws://127.1/").unwrap().is_loopback());
        for input in [
            "ws://1.2.3.4.5/",
            "ws://256.1.1.1/",
            "ws://1.2.3.256/",
            "ws://4294967296/",
            "ws://1.16777216/",
            "ws://09/",
            "ws://1.08/",
            "ws://a.0x1g.1/",
            "ws://1..1/",
            "ws://99999999999999999999999/",
        ] {
            let e = parse_uri(input).unwrap_err();
            assert!(matches!(e.kind, UriErrorKind::BadIpv4(_)), "{input}: {e:?}");
            assert_eq!(e.position, 5, "{input}");
            assert!(e.to_string().contains("IPv4 parser"), "{e}");
        }
    }

    /// A crash the request_parser fuzz target found: a host whose Punycode
    /// form has a forbidden character reported a position inside a
    /// multi-byte character of the input.
    #[test]
    fn fuzz_regression_error_positions_point_into_the_input() {
        let text = String::from_utf8_lossy(b"HTTP://\xe3\xe3\xe3` \xe3K \x0d");
        let e = parse_uri(&text).unwrap_err();
        assert!(e.position <= text.chars().count(), "{e}");
        assert!(matches!(e.kind, UriErrorKind::BadHostChar(_)), "{e}");
    }
}
