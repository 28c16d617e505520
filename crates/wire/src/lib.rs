//! `wire`: the WebSocket protocol of RFC 6455 as pure functions.
//!
//! **Architecture invariant:** this crate does no I/O and knows nothing of
//! browsers, sockets or async runtimes. Every function takes bytes or text and
//! returns a value or a typed error that says which rule of the RFC was broken,
//! with the section to read. Nothing here panics on any input.
//!
//! | module | RFC 6455 | what it owns |
//! |---|---|---|
//! | [`handshake`] | §1.3, §4 | keys, the accept value, checking requests and responses, building answers |
//! | [`uri`] | §3 | ws:// and wss:// URIs, request line, Host header |
//! | [`opcode`] | §5.2, §11.8 | the sixteen opcodes, reserved ones included |
//! | [`frame`] | §5.2 | headers, encoding, the bit layout |
//! | [`decode`] | §5.2–§5.5 | decoding frames one rule at a time |
//! | [`mask`] | §5.3 | masking and unmasking |
//! | [`message`] | §5.4–§5.6 | fragmenting and reassembling messages |
//! | [`rules`] | §5 | every rule a frame breaks, for teaching |
//! | [`utf8`] | §8.1 | incremental UTF-8 validation |
//! | [`hex`] | — | reading pasted hex, writing hex |
//! | [`tap`] | — | wslab-echo's tap protocol: raw bytes and events, one typed format for server and page |
//! | [`endpoint`] | — | wslab-echo's endpoints and their query parameters, with ranges |
//! | [`close`] | §5.5.1, §7.4 | close codes and close payloads |
//! | [`examples`] | §5.7 | the RFC's example frames |
#![deny(missing_docs)]

pub mod close;
pub mod decode;
pub mod deflate;
pub mod describe;
pub mod endpoint;
pub mod examples;
pub mod frame;
pub mod handshake;
pub mod hex;
pub mod mask;
pub mod message;
pub mod opcode;
pub mod rules;
pub mod session;
pub mod tap;
pub mod uri;
pub mod utf8;

pub use decode::{DecodeOptions, Decoded, FrameError, Role, decode};
pub use frame::{Frame, FrameHeader, LengthForm};
pub use opcode::OpCode;
