//! Every rule a frame breaks, at once (RFC 6455 §5). The decoder stops at the
//! first broken rule, as a receiver does; the frame lab lists them all so a
//! learner who builds a bad frame on purpose sees each consequence. Both use
//! the same rule functions of [`crate::decode`], so they cannot disagree.

use std::fmt;

use crate::decode::{
    FrameError, Role, close_payload_error, compressed_bit_error, control_fin_error,
    control_length_error, mask_error, opcode_error, rsv_error,
};
use crate::frame::Frame;
use crate::opcode::OpCode;
use crate::utf8::{Utf8Error, Utf8Validator};

/// One rule a frame breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// A rule of the frame format: exactly what the decoder reports, with
    /// the byte and bits at fault.
    Frame(FrameError),
    /// A text payload that is not UTF-8 (§8.1). The decoder does not check
    /// this (it is a rule of messages, which may split a character between
    /// frames); a receiver that reassembles the message closes with 1007.
    Utf8(Utf8Error),
}

impl Violation {
    /// The close code a receiver fails the connection with.
    pub fn close_code(&self) -> u16 {
        match self {
            Violation::Frame(e) => e.close_code(),
            Violation::Utf8(_) => 1007,
        }
    }

    /// The section that states the rule: of RFC 6455, unless it names
    /// another RFC (RFC 7692 for permessage-deflate's bit).
    pub fn section(&self) -> &'static str {
        match self {
            Violation::Frame(e) => e.kind.section(),
            Violation::Utf8(_) => "§8.1",
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Frame(e) => write!(f, "{}", e.kind),
            Violation::Utf8(e) => write!(
                f,
                "{e}; a text message must be UTF-8, so the receiver closes with 1007"
            ),
        }
    }
}

/// Lists every rule `frame` breaks when sent by `sender` with no extensions
/// negotiated. Each RSV bit set counts as one broken rule. Text payloads are
/// checked as UTF-8: a final frame must hold whole characters; a non-final
/// one may end mid-character.
pub fn violations(frame: &Frame, sender: Role) -> Vec<Violation> {
    violations_agreed(frame, sender, false)
}

/// The same, on a connection that agreed on permessage-deflate (`deflate`)
/// or not: the extension the app and wslab-echo offer, and the only one
/// that gives an RSV bit a meaning. With it, RSV1 on a data message's
/// first frame marks compressed data, so that payload is not checked as
/// UTF-8 (that happens once inflated); RSV1 on a control frame or a
/// continuation breaks RFC 7692 §6.
pub fn violations_agreed(frame: &Frame, sender: Role, deflate: bool) -> Vec<Violation> {
    let allowed_rsv = u8::from(deflate);
    let header = frame.header();
    let mut bytes = Vec::with_capacity(14);
    header.encode_into(&mut bytes);
    let (b0, b1) = (bytes[0], bytes[1]);
    let mut out: Vec<Violation> = Vec::new();
    // One entry per RSV bit, so each reads as its own rule.
    for bit in [0x40u8, 0x20, 0x10] {
        out.extend(rsv_error(b0 & (0x8F | bit), allowed_rsv).map(Violation::Frame));
    }
    // In the order the decoder meets them.
    let frame_rules = [
        opcode_error(b0),
        compressed_bit_error(b0, deflate),
        control_fin_error(b0),
        mask_error(Some(sender), b1),
        control_length_error(b0, b1, Some(header.payload_len)),
    ];
    out.extend(frame_rules.into_iter().flatten().map(Violation::Frame));
    // A Close frame over 125 bytes is already reported as too long.
    if frame.payload.len() <= 125 {
        out.extend(
            close_payload_error(frame.opcode, &frame.payload, header.encoded_len())
                .map(Violation::Frame),
        );
    }
    let compressed = frame.rsv[0] && deflate;
    if frame.opcode == OpCode::Text && !compressed {
        let mut v = Utf8Validator::new();
        let result = v
            .push(&frame.payload)
            .and_then(|()| if frame.fin { v.finish() } else { Ok(()) });
        out.extend(result.err().map(Violation::Utf8));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::FrameErrorKind;

    #[test]
    fn rsv1_is_fine_once_an_extension_allows_it_and_compressed_text_is_not_utf8_checked() {
        let mut f = Frame::new(OpCode::Text, vec![0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00])
            .masked([1, 2, 3, 4]);
        f.rsv[0] = true;
        assert_eq!(violations_agreed(&f, Role::Client, true), []);
        assert_eq!(
            violations(&f, Role::Client).len(),
            2,
            "RSV1, then the bytes as UTF-8"
        );
    }

    #[test]
    fn with_deflate_rsv1_on_a_ping_or_a_continuation_breaks_rfc_7692() {
        for op in [OpCode::Ping, OpCode::Close, OpCode::Continuation] {
            let mut f = Frame::new(op, Vec::new()).masked([1, 2, 3, 4]);
            f.rsv[0] = true;
            let list = violations_agreed(&f, Role::Client, true);
            assert_eq!(list.len(), 1, "{op:?}: {list:?}");
            assert_eq!(list[0].section(), "RFC 7692 §6");
            assert_eq!(list[0].close_code(), 1002);
            // Without the extension, RSV1 is simply undefined (RFC 6455 §5.2).
            assert_eq!(violations(&f, Role::Client)[0].section(), "§5.2");
        }
    }

    #[test]
    fn a_good_client_frame_breaks_nothing() {
        let f = Frame::new(OpCode::Text, b"Hello".to_vec()).masked([1, 2, 3, 4]);
        assert_eq!(violations(&f, Role::Client), []);
    }

    #[test]
    fn every_broken_rule_is_listed() {
        let f = Frame {
            fin: false,
            rsv: [true, false, true],
            opcode: OpCode::Ping,
            mask: None,
            payload: vec![0; 126],
        };
        let codes: Vec<u16> = violations(&f, Role::Client)
            .iter()
            .map(Violation::close_code)
            .collect();
        assert_eq!(codes, [1002, 1002, 1002, 1002, 1002]);
        let text = Frame::new(OpCode::Text, vec![0xff]);
        assert_eq!(violations(&text, Role::Server)[0].close_code(), 1007);
        let cut = Frame {
            fin: false,
            ..Frame::new(OpCode::Text, vec![0xe2, 0x82])
        };
        assert_eq!(violations(&cut, Role::Server), []);
    }

    #[test]
    fn a_long_close_frame_is_reported_once() {
        let f = Frame::new(
            OpCode::Close,
            vec![0x03, 0xe8]
                .into_iter()
                .chain([b'x'; 200])
                .collect::<Vec<u8>>(),
        );
        let list = violations(&f, Role::Server);
        assert_eq!(list.len(), 1, "{list:?}");
        assert!(matches!(
            list[0],
            Violation::Frame(FrameError {
                kind: FrameErrorKind::ControlTooLong { len: 202, .. },
                ..
            })
        ));
    }

    #[test]
    fn each_violation_names_its_section() {
        let f = Frame::new(OpCode::from_nibble(3), b"x".to_vec());
        let list = violations(&f, Role::Client);
        let sections: Vec<&str> = list.iter().map(Violation::section).collect();
        assert_eq!(sections, ["§5.2", "§5.1"]);
        assert!(list[1].to_string().contains("a client must mask"));
    }
}
