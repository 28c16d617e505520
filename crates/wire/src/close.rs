//! Close codes and close payloads (RFC 6455 §5.5.1, §7.4, and the IANA
//! "WebSocket Close Code Number Registry").

use std::fmt;

use crate::frame::MAX_CONTROL_PAYLOAD;

/// A registered close code, with what it means and whether it may be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseCodeInfo {
    /// The number.
    pub code: u16,
    /// The registry's name.
    pub name: &'static str,
    /// What it means, in a sentence.
    pub meaning: &'static str,
    /// Whether an endpoint may put it in a Close frame. 1005, 1006 and 1015
    /// only describe a closure to the application and never go on the wire.
    pub on_wire: bool,
}

/// The codes of §7.4.1 and the IANA registry's 1012–1014.
pub const REGISTERED: &[CloseCodeInfo] = &[
    info(
        1000,
        "Normal Closure",
        "The purpose of the connection has been fulfilled.",
        true,
    ),
    info(
        1001,
        "Going Away",
        "An endpoint is going away: a server shutting down, or a browser leaving the page.",
        true,
    ),
    info(
        1002,
        "Protocol Error",
        "The peer broke the protocol: a reserved opcode, an unmasked client frame, a fragmented control frame…",
        true,
    ),
    info(
        1003,
        "Unsupported Data",
        "The endpoint received a type of data it cannot accept, e.g. binary where only text makes sense.",
        true,
    ),
    info(
        1004,
        "Reserved",
        "Reserved; its meaning may be defined in the future. Never sent.",
        false,
    ),
    info(
        1005,
        "No Status Rcvd",
        "Reported to the application when a Close frame carried no code. Never sent.",
        false,
    ),
    info(
        1006,
        "Abnormal Closure",
        "Reported to the application when the connection dropped without a Close frame. Never sent.",
        false,
    ),
    info(
        1007,
        "Invalid frame payload data",
        "A message's data did not match its type, e.g. a text message that is not UTF-8.",
        true,
    ),
    info(
        1008,
        "Policy Violation",
        "A message broke the endpoint's policy; a generic code when no other fits.",
        true,
    ),
    info(
        1009,
        "Message Too Big",
        "A message was too big for the endpoint to process.",
        true,
    ),
    info(
        1010,
        "Mandatory Ext.",
        "The client expected the server to negotiate an extension it did not (sent by clients only).",
        true,
    ),
    info(
        1011,
        "Internal Error",
        "The server met an unexpected condition that kept it from fulfilling the request.",
        true,
    ),
    info(
        1012,
        "Service Restart",
        "The service is restarting; a client may reconnect after a short random delay.",
        true,
    ),
    info(
        1013,
        "Try Again Later",
        "The service is overloaded; a client should connect to another address or retry later.",
        true,
    ),
    info(
        1014,
        "Bad Gateway",
        "A gateway or proxy received an invalid response from the server it forwards to.",
        true,
    ),
    info(
        1015,
        "TLS handshake",
        "Reported to the application when the TLS handshake failed. Never sent.",
        false,
    ),
];

/// The registry's codes and names alone, computed at compile time from
/// [`REGISTERED`]: code that only names a code (the decoder's errors,
/// [`code_name`]) carries no meanings.
const NAMES: [(u16, &str); REGISTERED.len()] = {
    let mut out = [(0, ""); REGISTERED.len()];
    let mut i = 0;
    while i < REGISTERED.len() {
        out[i] = (REGISTERED[i].code, REGISTERED[i].name);
        i += 1;
    }
    out
};

/// The registry's name of `code`, if it is registered.
fn registered_name(code: u16) -> Option<&'static str> {
    NAMES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

const fn info(
    code: u16,
    name: &'static str,
    meaning: &'static str,
    on_wire: bool,
) -> CloseCodeInfo {
    CloseCodeInfo {
        code,
        name,
        meaning,
        on_wire,
    }
}

/// Which part of the close code space a number is in (§7.4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseCodeRange {
    /// 0–999: not used.
    Unused,
    /// 1000–2999: defined by RFC 6455, its revisions and extensions.
    Protocol,
    /// 3000–3999: registered with IANA for libraries, frameworks and applications.
    Registered,
    /// 4000–4999: private use by applications, by agreement.
    Private,
    /// 5000–65535: undefined by the RFC.
    Undefined,
}

/// Who puts `code` in a Close frame, for a code page code may not use: an
/// endpoint for the protocol's own reasons, a client or a server only, or
/// no one (codes that only describe a closure).
pub fn sent_by(code: u16) -> &'static str {
    match code {
        1005 | 1006 | 1015 => {
            "no endpoint: it only reports a closure to the application and never goes on the wire (§7.4.1)"
        }
        1010 => {
            "a client, when the server did not negotiate an extension the client needs (§7.4.1)"
        }
        1011 => "an endpoint that met an unexpected condition, in practice a server (§7.4.1)",
        1012..=1014 => "a server (IANA registry: restart, try again later, bad gateway)",
        1001..=1003 | 1007..=1009 => {
            "the WebSocket implementation itself, for the protocol's own reasons (§7.4.1)"
        }
        _ => "no endpoint: the code is not one an endpoint may send (§7.4.2)",
    }
}

/// A close code's name: the registry's, or what its range is for (§7.4.2).
pub fn code_name(code: u16) -> &'static str {
    match (registered_name(code), CloseCodeRange::of(code)) {
        (Some(name), _) => name,
        (None, CloseCodeRange::Protocol) => "unassigned, in the protocol's range",
        (None, CloseCodeRange::Registered) => "a library's or framework's code, 3000–3999",
        (None, CloseCodeRange::Private) => "private use, 4000–4999",
        (None, CloseCodeRange::Unused | CloseCodeRange::Undefined) => {
            "outside every range §7.4.2 defines"
        }
    }
}

impl CloseCodeRange {
    /// The range `code` falls in.
    pub fn of(code: u16) -> Self {
        match code {
            0..=999 => CloseCodeRange::Unused,
            1000..=2999 => CloseCodeRange::Protocol,
            3000..=3999 => CloseCodeRange::Registered,
            4000..=4999 => CloseCodeRange::Private,
            _ => CloseCodeRange::Undefined,
        }
    }
}

/// The registry entry for `code`, if it is registered.
pub fn lookup(code: u16) -> Option<&'static CloseCodeInfo> {
    REGISTERED.iter().find(|c| c.code == code)
}

/// Whether `code` may appear in a Close frame on the wire: 1000–1003,
/// 1007–1014 and 3000–4999. A receiver that sees any other code fails the
/// connection with 1002 (§7.4).
pub fn is_valid_on_wire(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

/// The longest close reason: a control frame carries at most 125 bytes, less
/// the 2-byte code (§5.5).
pub const MAX_REASON: usize = MAX_CONTROL_PAYLOAD - 2;

/// Whether page code may pass `code` to a browser's `WebSocket.close()`:
/// only 1000 and 3000–4999; the browser throws InvalidAccessError for any
/// other code (WHATWG WebSockets standard), since 1001–2999 belong to the
/// protocol and its endpoints.
pub fn page_may_close_with(code: u16) -> bool {
    code == 1000 || (3000..=4999).contains(&code)
}

/// Why `code` cannot be sent, or None when it can.
pub fn why_invalid(code: u16) -> Option<String> {
    if is_valid_on_wire(code) {
        return None;
    }
    Some(match (registered_name(code), CloseCodeRange::of(code)) {
        (Some(name), _) => {
            format!("{code} ({name}) must never be sent in a Close frame (RFC 6455 §7.4.1)")
        }
        (None, CloseCodeRange::Unused) => {
            format!("{code} is below 1000; codes 0–999 are not used (RFC 6455 §7.4.2)")
        }
        (None, CloseCodeRange::Protocol) => format!(
            "{code} is in 1000–2999, reserved for the protocol, and not yet defined (RFC 6455 §7.4.2)"
        ),
        (None, _) => format!("{code} is above 4999, outside every defined range (RFC 6455 §7.4.2)"),
    })
}

/// The payload of a Close frame (§5.5.1): empty, or a 2-byte code in network
/// byte order followed by a UTF-8 reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosePayload {
    /// The code, or None when the payload was empty (the application then sees 1005).
    pub code: Option<u16>,
    /// The reason; empty when none was given.
    pub reason: String,
}

/// What is wrong with a Close frame's payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloseError {
    /// A single byte cannot hold the 2-byte code.
    #[error(
        "a close payload of 1 byte is too short to hold the 2-byte status code (RFC 6455 §5.5.1)"
    )]
    OneByte,
    /// The code is not one an endpoint may send.
    #[error("{0}")]
    InvalidCode(String),
    /// The reason is not UTF-8.
    #[error("the close reason is not valid UTF-8 (byte {offset} of the payload) (RFC 6455 §5.5.1)")]
    ReasonNotUtf8 {
        /// The payload offset of the first invalid byte.
        offset: usize,
    },
    /// Code plus reason must fit in a control frame's 125 bytes.
    #[error(
        "a close payload of {len} bytes exceeds the 125 bytes a control frame may carry (RFC 6455 §5.5)"
    )]
    TooLong {
        /// The payload length.
        len: usize,
    },
}

impl CloseError {
    /// The code a receiver closes with when it meets this error (§7.4.1).
    pub fn close_code(&self) -> u16 {
        match self {
            CloseError::ReasonNotUtf8 { .. } => 1007,
            _ => 1002,
        }
    }
}

impl ClosePayload {
    /// Parses and validates a Close frame's (unmasked) payload.
    pub fn parse(payload: &[u8]) -> Result<ClosePayload, CloseError> {
        match payload {
            [] => Ok(ClosePayload {
                code: None,
                reason: String::new(),
            }),
            [_] => Err(CloseError::OneByte),
            [hi, lo, reason @ ..] => {
                if payload.len() > MAX_CONTROL_PAYLOAD {
                    return Err(CloseError::TooLong { len: payload.len() });
                }
                let code = u16::from_be_bytes([*hi, *lo]);
                if let Some(why) = why_invalid(code) {
                    return Err(CloseError::InvalidCode(why));
                }
                let reason =
                    std::str::from_utf8(reason).map_err(|e| CloseError::ReasonNotUtf8 {
                        offset: 2 + e.valid_up_to(),
                    })?;
                Ok(ClosePayload {
                    code: Some(code),
                    reason: reason.to_owned(),
                })
            }
        }
    }

    /// Builds a Close payload, checking the code and the 125-byte limit.
    pub fn build(code: u16, reason: &str) -> Result<Vec<u8>, CloseError> {
        if let Some(why) = why_invalid(code) {
            return Err(CloseError::InvalidCode(why));
        }
        let len = 2 + reason.len();
        if reason.len() > MAX_REASON {
            return Err(CloseError::TooLong { len });
        }
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(&code.to_be_bytes());
        out.extend_from_slice(reason.as_bytes());
        Ok(out)
    }
}

impl fmt::Display for ClosePayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            None => write!(f, "no status code"),
            Some(code) => {
                write!(f, "{code} ({})", code_name(code))?;
                if !self.reason.is_empty() {
                    write!(f, ": {:?}", self.reason)?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_sends_each_code_page_code_may_not_use() {
        assert!(sent_by(1010).starts_with("a client"));
        assert!(sent_by(1013).starts_with("a server"));
        assert!(sent_by(1005).starts_with("no endpoint"));
        assert!(sent_by(1002).contains("implementation itself"));
        assert!(sent_by(999).starts_with("no endpoint"));
    }

    #[test]
    fn validity_of_every_u16() {
        for code in 0..=u16::MAX {
            let expected = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
            assert_eq!(is_valid_on_wire(code), expected, "{code}");
            assert_eq!(why_invalid(code).is_none(), expected, "{code}");
        }
    }

    #[test]
    fn registry_agrees_with_validity() {
        for c in REGISTERED {
            assert_eq!(c.on_wire, is_valid_on_wire(c.code), "{}", c.code);
        }
    }

    #[test]
    fn parse_table() {
        let cases: &[(&[u8], Result<ClosePayload, CloseError>)] = &[
            (
                b"",
                Ok(ClosePayload {
                    code: None,
                    reason: String::new(),
                }),
            ),
            (b"\x03", Err(CloseError::OneByte)),
            (
                b"\x03\xe8",
                Ok(ClosePayload {
                    code: Some(1000),
                    reason: String::new(),
                }),
            ),
            (
                b"\x03\xe9bye",
                Ok(ClosePayload {
                    code: Some(1001),
                    reason: "bye".into(),
                }),
            ),
            (
                b"\x03\xe8\xff",
                Err(CloseError::ReasonNotUtf8 { offset: 2 }),
            ),
            (
                b"\x03\xed",
                Err(CloseError::InvalidCode(why_invalid(1005).unwrap())),
            ),
            (
                b"\x0b\xb8",
                Ok(ClosePayload {
                    code: Some(3000),
                    reason: String::new(),
                }),
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(&ClosePayload::parse(bytes), expected, "{bytes:?}");
        }
    }

    #[test]
    fn page_code_may_close_only_with_1000_and_3000_to_4999() {
        for code in 0..=u16::MAX {
            assert_eq!(
                page_may_close_with(code),
                code == 1000 || (3000..=4999).contains(&code),
                "{code}"
            );
            // Every code a page may use is also valid on the wire.
            assert!(
                !page_may_close_with(code) || is_valid_on_wire(code),
                "{code}"
            );
        }
    }

    #[test]
    fn build_checks_code_and_length() {
        assert_eq!(ClosePayload::build(1000, "ok").unwrap(), b"\x03\xe8ok");
        assert!(matches!(
            ClosePayload::build(1006, ""),
            Err(CloseError::InvalidCode(_))
        ));
        assert_eq!(
            ClosePayload::build(1000, &"x".repeat(124)),
            Err(CloseError::TooLong { len: 126 })
        );
        assert!(ClosePayload::build(4999, &"x".repeat(123)).is_ok());
    }
}
