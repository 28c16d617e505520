//! Frames (RFC 6455 §5.2): the header fields, encoding, and the bit layout
//! the frame lab draws.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-------+-+-------------+-------------------------------+
//! |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//! |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//! |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//! | |1|2|3|       |K|             |                               |
//! +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//! ```

use crate::mask::{MaskKey, apply_mask};
use crate::opcode::OpCode;

/// The most payload a control frame (Close, Ping, Pong) may carry (§5.5):
/// what fits in the 7-bit length field alone.
pub const MAX_CONTROL_PAYLOAD: usize = 125;

/// How the payload length is written (§5.2): in the 7-bit field alone, or
/// with a 16-bit or 64-bit extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LengthForm {
    /// 0–125 in the 7-bit field.
    Short,
    /// 126 in the 7-bit field, then a 16-bit length (126–65535 when minimal).
    Medium,
    /// 127 in the 7-bit field, then a 64-bit length with its top bit clear.
    Long,
}

impl LengthForm {
    /// The form a sender must use for `len`: the smallest that holds it (§5.2).
    pub fn minimal(len: u64) -> LengthForm {
        match len {
            0..=125 => LengthForm::Short,
            126..=0xFFFF => LengthForm::Medium,
            _ => LengthForm::Long,
        }
    }

    /// Bytes of extended length after the 7-bit field: 0, 2 or 8.
    pub fn extra_bytes(self) -> usize {
        match self {
            LengthForm::Short => 0,
            LengthForm::Medium => 2,
            LengthForm::Long => 8,
        }
    }

    /// Bits of the length in total: 7, 7+16 or 7+64.
    pub fn total_bits(self) -> u32 {
        7 + 8 * self.extra_bytes() as u32
    }

    /// A name for the UI: "7-bit", "7+16-bit", "7+64-bit".
    pub fn name(self) -> &'static str {
        match self {
            LengthForm::Short => "7-bit",
            LengthForm::Medium => "7+16-bit",
            LengthForm::Long => "7+64-bit",
        }
    }
}

/// A frame header: everything before the payload (§5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameHeader {
    /// FIN: this is the final fragment of a message.
    pub fin: bool,
    /// RSV1, RSV2, RSV3: zero unless an extension gives them a meaning.
    pub rsv: [bool; 3],
    /// What the frame carries.
    pub opcode: OpCode,
    /// The masking key; `Some` exactly when the MASK bit is set.
    pub mask: Option<MaskKey>,
    /// The payload length in bytes.
    pub payload_len: u64,
    /// How the length is written. Built headers use the minimal form; decoded
    /// headers keep the form that was on the wire.
    pub length_form: LengthForm,
}

impl FrameHeader {
    /// A header with the minimal length form for `payload_len`.
    pub fn new(
        fin: bool,
        rsv: [bool; 3],
        opcode: OpCode,
        mask: Option<MaskKey>,
        payload_len: u64,
    ) -> FrameHeader {
        FrameHeader {
            fin,
            rsv,
            opcode,
            mask,
            payload_len,
            length_form: LengthForm::minimal(payload_len),
        }
    }

    /// The header's size on the wire: 2 to 14 bytes.
    pub fn encoded_len(&self) -> usize {
        2 + self.length_form.extra_bytes() + if self.mask.is_some() { 4 } else { 0 }
    }

    /// The value in the 7-bit length field: the length itself, 126 or 127.
    pub fn len7(&self) -> u8 {
        match self.length_form {
            // Short form holds at most 125, so the cast cannot truncate.
            LengthForm::Short => (self.payload_len & 0x7F) as u8,
            LengthForm::Medium => 126,
            LengthForm::Long => 127,
        }
    }

    /// Appends the header's bytes to `out`. The length is written in
    /// `length_form`, widened to the minimal form if that form cannot hold it.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let form = self.length_form.max(LengthForm::minimal(self.payload_len));
        let header = FrameHeader {
            length_form: form,
            ..*self
        };
        let b0 = (u8::from(self.fin) << 7)
            | (u8::from(self.rsv[0]) << 6)
            | (u8::from(self.rsv[1]) << 5)
            | (u8::from(self.rsv[2]) << 4)
            | self.opcode.value();
        let b1 = (u8::from(self.mask.is_some()) << 7) | header.len7();
        out.push(b0);
        out.push(b1);
        match form {
            LengthForm::Short => {}
            // Medium is chosen only when the length fits in 16 bits or by the caller on purpose.
            LengthForm::Medium => {
                out.extend_from_slice(&(self.payload_len.min(0xFFFF) as u16).to_be_bytes())
            }
            LengthForm::Long => out.extend_from_slice(&self.payload_len.to_be_bytes()),
        }
        if let Some(key) = self.mask {
            out.extend_from_slice(&key);
        }
    }
}

/// A whole frame with its payload *unmasked* (as the application sees it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// FIN: this is the final fragment of a message.
    pub fin: bool,
    /// RSV1, RSV2, RSV3.
    pub rsv: [bool; 3],
    /// What the frame carries.
    pub opcode: OpCode,
    /// The masking key, when the frame is masked on the wire.
    pub mask: Option<MaskKey>,
    /// The payload, unmasked.
    pub payload: Vec<u8>,
}

impl Frame {
    /// An unmasked, final frame with no RSV bits.
    pub fn new(opcode: OpCode, payload: impl Into<Vec<u8>>) -> Frame {
        Frame {
            fin: true,
            rsv: [false; 3],
            opcode,
            mask: None,
            payload: payload.into(),
        }
    }

    /// The same frame, masked with `key` on the wire (as a client sends it).
    pub fn masked(self, key: MaskKey) -> Frame {
        Frame {
            mask: Some(key),
            ..self
        }
    }

    /// The header this frame is written with (minimal length form).
    pub fn header(&self) -> FrameHeader {
        FrameHeader::new(
            self.fin,
            self.rsv,
            self.opcode,
            self.mask,
            self.payload.len() as u64,
        )
    }

    /// The frame's bytes on the wire: header, then the payload masked with the
    /// key when there is one (§5.3). No rule is checked: the frame lab encodes
    /// broken frames on purpose and lets the decoder say what is wrong.
    pub fn encode(&self) -> Vec<u8> {
        let header = self.header();
        let mut out = Vec::with_capacity(header.encoded_len() + self.payload.len());
        header.encode_into(&mut out);
        let start = out.len();
        out.extend_from_slice(&self.payload);
        if let Some(key) = self.mask {
            apply_mask(&mut out[start..], key, 0);
        }
        out
    }
}

/// Which field of the header a span of bits belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// FIN, bit 0.
    Fin,
    /// RSV1, bit 1.
    Rsv1,
    /// RSV2, bit 2.
    Rsv2,
    /// RSV3, bit 3.
    Rsv3,
    /// Opcode, bits 4–7.
    Opcode,
    /// MASK, bit 8.
    Mask,
    /// The 7-bit payload length, bits 9–15.
    PayloadLen,
    /// The 16-bit extended payload length.
    ExtendedLen16,
    /// The 64-bit extended payload length.
    ExtendedLen64,
    /// The 32-bit masking key.
    MaskingKey,
    /// The payload data.
    Payload,
}

impl FieldKind {
    /// The field's name as the RFC's diagram writes it.
    pub fn name(self) -> &'static str {
        match self {
            FieldKind::Fin => "FIN",
            FieldKind::Rsv1 => "RSV1",
            FieldKind::Rsv2 => "RSV2",
            FieldKind::Rsv3 => "RSV3",
            FieldKind::Opcode => "opcode",
            FieldKind::Mask => "MASK",
            FieldKind::PayloadLen => "Payload len",
            FieldKind::ExtendedLen16 => "Extended payload length (16)",
            FieldKind::ExtendedLen64 => "Extended payload length (64)",
            FieldKind::MaskingKey => "Masking-key",
            FieldKind::Payload => "Payload data",
        }
    }

    /// One line on what the field does (§5.2).
    pub fn explanation(self) -> &'static str {
        match self {
            FieldKind::Fin => "1 when this is the final fragment of a message; 0 when more follow.",
            FieldKind::Rsv1 | FieldKind::Rsv2 | FieldKind::Rsv3 => {
                "Must be 0 unless a negotiated extension defines it (permessage-deflate uses RSV1)."
            }
            FieldKind::Opcode => {
                "What the payload is: continuation, text, binary, close, ping or pong."
            }
            FieldKind::Mask => {
                "1 when the payload is masked; every client-to-server frame must be."
            }
            FieldKind::PayloadLen => {
                "0–125 is the length itself; 126 means a 16-bit length follows, 127 a 64-bit one."
            }
            FieldKind::ExtendedLen16 => {
                "The payload length (126–65535) as a 16-bit unsigned number, network byte order."
            }
            FieldKind::ExtendedLen64 => {
                "The payload length as a 64-bit unsigned number; the most significant bit must be 0."
            }
            FieldKind::MaskingKey => {
                "Four bytes chosen at random by the client; payload byte i is XORed with key byte i mod 4."
            }
            FieldKind::Payload => "The application data (masked on the wire when MASK is 1).",
        }
    }
}

/// One field of a frame's layout: where its bits are and what they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Which field.
    pub kind: FieldKind,
    /// The offset of its first bit from the start of the frame (bit 0 is the
    /// most significant bit of byte 0, as in the RFC's diagram).
    pub bit_offset: u64,
    /// How many bits it spans.
    pub bit_width: u64,
    /// Its value as a number (the payload's length for the payload; the key
    /// as a big-endian 32-bit number for the masking key).
    pub value: u64,
}

impl Field {
    /// The bytes this field touches, as a half-open range.
    pub fn byte_range(&self) -> std::ops::Range<u64> {
        let start = self.bit_offset / 8;
        let end = (self.bit_offset + self.bit_width).div_ceil(8);
        start..end
    }
}

/// The fields of a frame with this header, in wire order: what the frame
/// lab's bit diagram and hex dump are drawn from.
pub fn layout(header: &FrameHeader) -> Vec<Field> {
    let field = |kind, bit_offset, bit_width, value| Field {
        kind,
        bit_offset,
        bit_width,
        value,
    };
    let mut fields = vec![
        field(FieldKind::Fin, 0, 1, u64::from(header.fin)),
        field(FieldKind::Rsv1, 1, 1, u64::from(header.rsv[0])),
        field(FieldKind::Rsv2, 2, 1, u64::from(header.rsv[1])),
        field(FieldKind::Rsv3, 3, 1, u64::from(header.rsv[2])),
        field(FieldKind::Opcode, 4, 4, u64::from(header.opcode.value())),
        field(FieldKind::Mask, 8, 1, u64::from(header.mask.is_some())),
        field(FieldKind::PayloadLen, 9, 7, u64::from(header.len7())),
    ];
    let mut bit = 16;
    match header.length_form {
        LengthForm::Short => {}
        LengthForm::Medium => {
            fields.push(field(FieldKind::ExtendedLen16, bit, 16, header.payload_len));
            bit += 16;
        }
        LengthForm::Long => {
            fields.push(field(FieldKind::ExtendedLen64, bit, 64, header.payload_len));
            bit += 64;
        }
    }
    if let Some(key) = header.mask {
        fields.push(field(
            FieldKind::MaskingKey,
            bit,
            32,
            u64::from(u32::from_be_bytes(key)),
        ));
        bit += 32;
    }
    fields.push(field(
        FieldKind::Payload,
        bit,
        header.payload_len.saturating_mul(8),
        header.payload_len,
    ));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_forms_switch_at_125_and_65535() {
        assert_eq!(LengthForm::minimal(125), LengthForm::Short);
        assert_eq!(LengthForm::minimal(126), LengthForm::Medium);
        assert_eq!(LengthForm::minimal(65535), LengthForm::Medium);
        assert_eq!(LengthForm::minimal(65536), LengthForm::Long);
    }

    #[test]
    fn layout_is_contiguous_and_matches_encoded_length() {
        for len in [0u64, 5, 125, 126, 256, 65535, 65536] {
            for mask in [None, Some([1, 2, 3, 4])] {
                let header = FrameHeader::new(true, [false; 3], OpCode::Binary, mask, len);
                let fields = layout(&header);
                let mut bit = 0;
                for f in &fields {
                    assert_eq!(f.bit_offset, bit, "{f:?}");
                    bit += f.bit_width;
                }
                let header_bits = fields
                    .iter()
                    .filter(|f| f.kind != FieldKind::Payload)
                    .map(|f| f.bit_width)
                    .sum::<u64>();
                assert_eq!(header_bits, header.encoded_len() as u64 * 8);
                let mut bytes = Vec::new();
                header.encode_into(&mut bytes);
                assert_eq!(bytes.len(), header.encoded_len());
            }
        }
    }
}
