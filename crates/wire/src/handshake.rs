//! The opening handshake (RFC 6455 §1.3, §4).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha1::{Digest, Sha1};

/// The GUID every server appends to the client's key (RFC 6455 §1.3, §4.2.2).
pub const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

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
/// The server does not decode the key: RFC 6455 §4.2.2 hashes the key *as
/// text*, after trimming surrounding whitespace.
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

/// Computes `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key` (RFC 6455 §4.2.2).
pub fn accept_key(key: &str) -> String {
    accept_steps(key).accept
}
