//! The verdict policy, and the sentences it rests on, quoted word for word
//! with their sections.
//!
//! **The policy, written once.** A case *fails* only where the server breaks
//! a MUST (or MUST NOT) of the specification; it is *non-strict* where the
//! server breaks a SHOULD, or meets a MUST in another way the text allows
//! (another close code, no Close frame, failing late); it is *info* where the
//! text is silent or allows either answer. Every case carries the sentence its
//! fail rests on ([`Basis::fail`]) and the one its non-strict rests on
//! ([`Basis::non_strict`]); a case without a MUST to quote cannot fail (the
//! catalogue's tests hold every case to this, and the judge turns such a fail
//! into non-strict). Fails that do not depend on the case — no connection, a
//! frame no client may accept, data after a Close — name their own rule in
//! the verdict's text.

use serde::{Deserialize, Serialize};

/// A sentence of a specification, quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    /// Where it stands: "RFC 6455 §5.5.2".
    pub section: &'static str,
    /// The sentence, word for word.
    pub text: &'static str,
}

impl Quote {
    /// Whether the sentence states a requirement (MUST, MUST NOT, REQUIRED,
    /// SHALL): only such a sentence can carry a fail.
    pub fn is_must(&self) -> bool {
        ["MUST", "REQUIRED", "SHALL"]
            .iter()
            .any(|k| self.text.contains(k))
    }

    /// As the report keeps it.
    pub fn rule(&self) -> Rule {
        Rule {
            section: self.section.to_owned(),
            text: self.text.to_owned(),
        }
    }
}

/// A quoted sentence as reports carry it (JSON, the page, the HTML report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Where it stands.
    pub section: String,
    /// The sentence.
    pub text: String,
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: “{}”", self.section, self.text)
    }
}

/// What a case's verdicts rest on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Basis {
    /// The MUST a fail breaks; `None`: the case cannot fail.
    pub fail: Option<Quote>,
    /// The sentence a non-strict verdict rests on (a SHOULD, or the words
    /// that allow the other way).
    pub non_strict: Option<Quote>,
}

impl Basis {
    /// A fail resting on `fail`, a non-strict on `non_strict`.
    pub const fn new(fail: Quote, non_strict: Quote) -> Basis {
        Basis {
            fail: Some(fail),
            non_strict: Some(non_strict),
        }
    }

    /// A fail resting on `fail`; the non-strict sentence comes from the
    /// kind of answer expected ([`crate::case::Expect::non_strict_rule`]).
    pub const fn must(fail: Quote) -> Basis {
        Basis {
            fail: Some(fail),
            non_strict: None,
        }
    }

    /// No MUST binds the server: what would fail is non-strict, resting on
    /// `non_strict`.
    pub const fn no_must(non_strict: Quote) -> Basis {
        Basis {
            fail: None,
            non_strict: Some(non_strict),
        }
    }

    /// Either answer is allowed: the verdict is info.
    pub const INFO: Basis = Basis {
        fail: None,
        non_strict: None,
    };
}

const fn q(section: &'static str, text: &'static str) -> Quote {
    Quote { section, text }
}

// The opening handshake.

/// A request that is not a WebSocket handshake is refused.
pub const REFUSE_BAD_REQUEST: Quote = q(
    "RFC 6455 §4.2.1",
    "If the server, while reading the handshake, finds that the client did not send a handshake that matches the description below (note that as per [RFC2616], the order of the header fields is not important), including but not limited to any violations of the ABNF grammar specified for the components of the handshake, the server MUST stop processing the client's handshake and return an HTTP response with an appropriate error code (such as 400 Bad Request).",
);
/// A version the server does not understand is refused.
pub const REFUSE_VERSION: Quote = q(
    "RFC 6455 §4.2.2 step 4 (/version/)",
    "If this version does not match a version understood by the server, the server MUST abort the WebSocket handshake described in this section and instead send an appropriate HTTP error code (such as 426 Upgrade Required) and a |Sec-WebSocket-Version| header field indicating the version(s) the server is capable of understanding.",
);
/// The refusal lists the versions the server speaks.
pub const VERSION_LIST: Quote = q(
    "RFC 6455 §4.4",
    "If the server doesn't support the requested version, it MUST respond with a |Sec-WebSocket-Version| header field (or multiple |Sec-WebSocket-Version| header fields) containing all versions it is willing to use.",
);
/// An accepted handshake is answered validly.
pub const ACCEPT_VALIDLY: Quote = q(
    "RFC 6455 §4.2.2 step 5",
    "If the server chooses to accept the incoming connection, it MUST reply with a valid HTTP response indicating the following.",
);
/// Field values are read without regard to case.
pub const CASE_INSENSITIVE: Quote = q(
    "RFC 6455 §4.2.1 item 4",
    "A |Connection| header field that includes the token \"Upgrade\", treated as an ASCII case-insensitive value.",
);
/// Only an offered subprotocol may be chosen.
pub const SUBPROTOCOL: Quote = q(
    "RFC 6455 §4.2.2 step 4 (/subprotocol/)",
    "The value chosen MUST be derived from the client's handshake, specifically by selecting one of the values from the |Sec-WebSocket-Protocol| field that the server is willing to use for this connection (if any).",
);
/// Only offered extensions may be accepted.
pub const EXTENSIONS: Quote = q(
    "RFC 6455 §4.2.2 step 4 (/extensions/)",
    "If the server supports multiple extensions, then the value MUST be derived from the client's handshake, specifically by selecting one or more of the values from the |Sec-WebSocket-Extensions| field.",
);
/// An offer with an unknown parameter is declined.
pub const DEFLATE_DECLINE: Quote = q(
    "RFC 7692 §7",
    "A server MUST decline an extension negotiation offer for this extension if any of the following conditions are met: The negotiation offer contains an extension parameter not defined for use in an offer.",
);
/// The client waits for the 101 before sending data.
pub const CLIENT_WAITS: Quote = q(
    "RFC 6455 §4.1",
    "Once the client's opening handshake has been sent, the client MUST wait for a response from the server before sending any further data.",
);

// Reading frames and messages.

/// Frames are read as §5.2 defines them.
pub const PARSE_FRAMES: Quote = q(
    "RFC 6455 §6.2",
    "Incoming data MUST be parsed as WebSocket frames as defined in Section 5.2.",
);
/// Fragmented messages are taken.
pub const FRAGMENTS: Quote = q(
    "RFC 6455 §5.4",
    "Clients and servers MUST support receiving both fragmented and unfragmented messages.",
);
/// Control frames between fragments are handled.
pub const CONTROL_BETWEEN: Quote = q(
    "RFC 6455 §5.4",
    "An endpoint MUST be capable of handling control frames in the middle of a fragmented message.",
);
/// A Ping is answered with its payload.
pub const PONG: Quote = q(
    "RFC 6455 §5.5.2, §5.5.3",
    "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response, unless it already received a Close frame. […] A Pong frame sent in response to a Ping frame must have identical \"Application data\" as found in the message body of the Ping frame being replied to.",
);
/// Pongs may come late, for the latest Ping only.
pub const PONG_SOON: Quote = q(
    "RFC 6455 §5.5.2, §5.5.3",
    "It SHOULD respond with Pong frame as soon as is practical. […] If an endpoint receives a Ping frame and has not yet sent Pong frame(s) in response to previous Ping frame(s), the endpoint MAY elect to send a Pong frame for only the most recently processed Ping frame.",
);
/// A control frame is handled as §5.5 says (an unsolicited Pong included).
pub const CONTROL_HANDLED: Quote = q(
    "RFC 6455 §6.2",
    "If a control frame (Section 5.5) is received, the frame MUST be handled as defined by Section 5.5.",
);
/// An unsolicited Pong needs no answer.
pub const UNSOLICITED_PONG: Quote = q(
    "RFC 6455 §5.5.3",
    "A Pong frame MAY be sent unsolicited. This serves as a unidirectional heartbeat. A response to an unsolicited Pong frame is not expected.",
);
/// Reserved bits set without an extension fail the connection.
pub const RSV: Quote = q(
    "RFC 6455 §5.2",
    "If a nonzero value is received and none of the negotiated extensions defines the meaning of such a nonzero value, the receiving endpoint MUST _Fail the WebSocket Connection_.",
);
/// Unknown opcodes fail the connection.
pub const OPCODE: Quote = q(
    "RFC 6455 §5.2",
    "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_.",
);
/// Invalid UTF-8 fails the connection.
pub const UTF8: Quote = q(
    "RFC 6455 §8.1",
    "When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_.",
);
/// An unmasked client frame closes the connection.
pub const UNMASKED: Quote = q(
    "RFC 6455 §5.1",
    "The server MUST close the connection upon receiving a frame that is not masked.",
);
/// A masked server frame closes the connection.
pub const CLIENT_MASKED: Quote = q(
    "RFC 6455 §5.1",
    "A client MUST close a connection if it detects a masked frame.",
);
/// The code a client closes a masked frame with.
pub const CLIENT_MASKED_CODE: Quote = q(
    "RFC 6455 §5.1",
    "In this case, it MAY use the status code 1002 (protocol error) as defined in Section 7.4.1.",
);
/// The code a server closes an unmasked frame with.
pub const UNMASKED_CODE: Quote = q(
    "RFC 6455 §5.1",
    "In this case, a server MAY send a Close frame with a status code of 1002 (protocol error) as defined in Section 7.4.1.",
);
/// Incoming data is validated (a frame the RFC forbids is not taken).
pub const VALIDATE: Quote = q(
    "RFC 6455 §10.7",
    "Incoming data MUST always be validated by both clients and servers.",
);
/// Failing a connection sends a Close with a code that says why.
pub const FAIL_WITH_CLOSE: Quote = q(
    "RFC 6455 §7.1.7",
    "If _The WebSocket Connection is Established_ prior to the point where the endpoint is required to _Fail the WebSocket Connection_, the endpoint SHOULD send a Close frame with an appropriate status code (Section 7.4) before proceeding to _Close the WebSocket Connection_.",
);
/// Limits on message size and fragment count are allowed.
pub const LIMITS: Quote = q(
    "RFC 6455 §10.4",
    "Implementations that have implementation- and/or platform-specific limitations regarding the frame size or total message size after reassembly from multiple frames MUST protect themselves against exceeding those limits.",
);

// Closing.

/// A Close is answered with a Close.
pub const CLOSE_REPLY: Quote = q(
    "RFC 6455 §5.5.1",
    "If an endpoint receives a Close frame and did not previously send a Close frame, the endpoint MUST send a Close frame in response.",
);
/// The Close reply goes out soon.
pub const CLOSE_SOON: Quote = q(
    "RFC 6455 §5.5.1",
    "(When sending a Close frame in response, the endpoint typically echos the status code it received.) It SHOULD do so as soon as practical.",
);
/// Nothing but control frames after a Close.
pub const NO_DATA_AFTER_CLOSE: Quote = q(
    "RFC 6455 §5.5.1",
    "The application MUST NOT send any more data frames after sending a Close frame.",
);
/// The server closes the TCP connection first.
pub const SERVER_CLOSES_TCP: Quote = q(
    "RFC 6455 §7.1.1",
    "The underlying TCP connection, in most normal cases, SHOULD be closed first by the server, so that it holds the TIME_WAIT state and not the client […].",
);
/// Close payloads: a code, then a reason (the sender's MUST).
pub const CLOSE_BODY: Quote = q(
    "RFC 6455 §5.5.1 (a duty of the sender)",
    "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned integer (in network byte order) representing a status code with value /code/ defined in Section 7.4.",
);
/// What the receiver of a close code does with it is undefined.
pub const CLOSE_CODE_UNDEFINED: Quote = q(
    "RFC 6455 §7.4",
    "The interpretation of this reason by an endpoint, and the action an endpoint should take given this reason, are left undefined by this specification.",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn musts_are_told_from_shoulds() {
        assert!(PONG.is_must() && UTF8.is_must() && NO_DATA_AFTER_CLOSE.is_must());
        assert!(!CLOSE_SOON.is_must() && !FAIL_WITH_CLOSE.is_must());
        assert!(!UNSOLICITED_PONG.is_must() && !CLOSE_CODE_UNDEFINED.is_must());
        assert_eq!(
            UTF8.rule().to_string(),
            format!("RFC 6455 §8.1: “{}”", UTF8.text)
        );
    }
}
