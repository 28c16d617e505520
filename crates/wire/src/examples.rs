//! The example frames of RFC 6455 §5.7, byte for byte, for tests and for the
//! frame lab's "load an example" buttons.

use crate::decode::Role;

/// One example of §5.7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The RFC's description.
    pub name: &'static str,
    /// Who sends it: masked examples come from a client.
    pub sender: Role,
    /// The bytes on the wire (one or more frames).
    pub bytes: Vec<u8>,
}

/// The seven examples of §5.7. The RFC does not give the content of the
/// 256-byte and 64 KiB binary payloads; here they are zero bytes.
pub fn rfc_5_7() -> Vec<Example> {
    let with_payload = |mut head: Vec<u8>, len: usize| {
        head.resize(head.len() + len, 0);
        head
    };
    vec![
        Example {
            name: "A single-frame unmasked text message (\"Hello\")",
            sender: Role::Server,
            bytes: vec![0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f],
        },
        Example {
            name: "A single-frame masked text message (\"Hello\")",
            sender: Role::Client,
            bytes: vec![
                0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
            ],
        },
        Example {
            name: "A fragmented unmasked text message (\"Hel\", then \"lo\")",
            sender: Role::Server,
            bytes: vec![0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f],
        },
        Example {
            name: "An unmasked Ping request (body \"Hello\")",
            sender: Role::Server,
            bytes: vec![0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f],
        },
        Example {
            name: "A masked Ping response, i.e. a Pong (body \"Hello\")",
            sender: Role::Client,
            bytes: vec![
                0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
            ],
        },
        Example {
            name: "256 bytes binary message in a single unmasked frame",
            sender: Role::Server,
            bytes: with_payload(vec![0x82, 0x7e, 0x01, 0x00], 256),
        },
        Example {
            name: "64 KiB binary message in a single unmasked frame",
            sender: Role::Server,
            bytes: with_payload(vec![0x82, 0x7f, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00], 65536),
        },
    ]
}
