//! Opcodes (RFC 6455 §5.2, §11.8): what a frame carries.

use std::fmt;

/// The 4-bit opcode of a frame. Reserved values are kept, not rejected, so
/// they can be shown and explained; [`OpCode::is_reserved`] tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpCode {
    /// 0x0: continues the message that an earlier Text or Binary frame began (§5.4).
    Continuation,
    /// 0x1: the first (or only) frame of a text message; the whole message is UTF-8 (§5.6).
    Text,
    /// 0x2: the first (or only) frame of a binary message (§5.6).
    Binary,
    /// 0x3–0x7: reserved for future non-control frames (§5.2).
    ReservedData(u8),
    /// 0x8: starts or answers the closing handshake (§5.5.1).
    Close,
    /// 0x9: asks the peer to answer with a Pong (§5.5.2).
    Ping,
    /// 0xA: answers a Ping, or serves as a one-way heartbeat (§5.5.3).
    Pong,
    /// 0xB–0xF: reserved for future control frames (§5.2).
    ReservedControl(u8),
}

impl OpCode {
    /// All sixteen opcodes, in numeric order.
    pub const ALL: [OpCode; 16] = [
        OpCode::Continuation,
        OpCode::Text,
        OpCode::Binary,
        OpCode::ReservedData(3),
        OpCode::ReservedData(4),
        OpCode::ReservedData(5),
        OpCode::ReservedData(6),
        OpCode::ReservedData(7),
        OpCode::Close,
        OpCode::Ping,
        OpCode::Pong,
        OpCode::ReservedControl(0xB),
        OpCode::ReservedControl(0xC),
        OpCode::ReservedControl(0xD),
        OpCode::ReservedControl(0xE),
        OpCode::ReservedControl(0xF),
    ];

    /// The opcode in the low four bits of `nibble`; the high bits are ignored.
    pub fn from_nibble(nibble: u8) -> OpCode {
        match nibble & 0x0F {
            0x0 => OpCode::Continuation,
            0x1 => OpCode::Text,
            0x2 => OpCode::Binary,
            n @ 0x3..=0x7 => OpCode::ReservedData(n),
            0x8 => OpCode::Close,
            0x9 => OpCode::Ping,
            0xA => OpCode::Pong,
            n => OpCode::ReservedControl(n),
        }
    }

    /// The 4-bit value on the wire.
    pub fn value(self) -> u8 {
        match self {
            OpCode::Continuation => 0x0,
            OpCode::Text => 0x1,
            OpCode::Binary => 0x2,
            OpCode::Close => 0x8,
            OpCode::Ping => 0x9,
            OpCode::Pong => 0xA,
            OpCode::ReservedData(n) | OpCode::ReservedControl(n) => n & 0x0F,
        }
    }

    /// Control frames have the high bit of the opcode set (0x8–0xF, §5.5).
    pub fn is_control(self) -> bool {
        self.value() & 0x8 != 0
    }

    /// Whether the RFC leaves this value undefined (0x3–0x7, 0xB–0xF).
    pub fn is_reserved(self) -> bool {
        matches!(self, OpCode::ReservedData(_) | OpCode::ReservedControl(_))
    }

    /// A short name: "text", "ping", "reserved (non-control) 0x3".
    pub fn name(self) -> String {
        match self {
            OpCode::Continuation => "continuation".into(),
            OpCode::Text => "text".into(),
            OpCode::Binary => "binary".into(),
            OpCode::Close => "close".into(),
            OpCode::Ping => "ping".into(),
            OpCode::Pong => "pong".into(),
            OpCode::ReservedData(n) => format!("reserved (non-control) {n:#x}"),
            OpCode::ReservedControl(n) => format!("reserved (control) {n:#x}"),
        }
    }

    /// One sentence on what the opcode means, for teaching.
    pub fn meaning(self) -> &'static str {
        match self {
            OpCode::Continuation => {
                "Continues a fragmented message; only the first frame names the message's type (§5.4)."
            }
            OpCode::Text => "Text data: the whole message must be valid UTF-8 (§5.6).",
            OpCode::Binary => {
                "Binary data, meaning left to the application: images, audio, anything (§5.6)."
            }
            OpCode::Close => {
                "Starts or answers the closing handshake; may carry a code and a reason (§5.5.1)."
            }
            OpCode::Ping => {
                "A heartbeat: the receiver must answer with a Pong carrying the same data (§5.5.2)."
            }
            OpCode::Pong => {
                "Answers a Ping with its data, or is sent unasked as a one-way heartbeat (§5.5.3)."
            }
            OpCode::ReservedData(_) => {
                "Reserved for future non-control frames; a receiver without an extension that defines it must fail the connection (§5.2)."
            }
            OpCode::ReservedControl(_) => {
                "Reserved for future control frames; a receiver without an extension that defines it must fail the connection (§5.2)."
            }
        }
    }
}

impl fmt::Display for OpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x} ({})", self.value(), self.name())
    }
}

/// A number that does not fit in the 4-bit opcode field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} does not fit the 4-bit opcode field (0–15)")]
pub struct OpCodeOutOfRange(pub u8);

impl TryFrom<u8> for OpCode {
    type Error = OpCodeOutOfRange;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        if value > 0x0F {
            Err(OpCodeOutOfRange(value))
        } else {
            Ok(OpCode::from_nibble(value))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nibble_round_trips() {
        for (n, op) in OpCode::ALL.iter().enumerate() {
            assert_eq!(op.value() as usize, n);
            assert_eq!(OpCode::try_from(n as u8), Ok(*op));
        }
        assert_eq!(OpCode::try_from(16), Err(OpCodeOutOfRange(16)));
    }

    #[test]
    fn control_and_reserved_ranges() {
        let control: Vec<u8> = OpCode::ALL
            .iter()
            .filter(|o| o.is_control())
            .map(|o| o.value())
            .collect();
        assert_eq!(control, (8..=15).collect::<Vec<_>>());
        let reserved: Vec<u8> = OpCode::ALL
            .iter()
            .filter(|o| o.is_reserved())
            .map(|o| o.value())
            .collect();
        assert_eq!(reserved, [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]);
    }
}
