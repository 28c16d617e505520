//! Every rule a frame breaks, at once (RFC 6455 §5). The decoder stops at the
//! first broken rule, as a receiver does; the frame lab lists them all so a
//! learner who builds a bad frame on purpose sees each consequence.

use crate::close::ClosePayload;
use crate::decode::Role;
use crate::frame::Frame;
use crate::opcode::OpCode;
use crate::utf8::Utf8Validator;

/// One rule a frame breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// What is wrong and what the rule says, with its section.
    pub message: String,
    /// The close code a receiver fails the connection with.
    pub close_code: u16,
}

/// Lists every rule `frame` breaks when sent by `sender` with no extensions
/// negotiated. Text payloads are checked as UTF-8: a final frame must hold
/// whole characters; a non-final one may end mid-character.
pub fn violations(frame: &Frame, sender: Role) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut add = |message: String, close_code: u16| {
        out.push(Violation {
            message,
            close_code,
        })
    };
    for (i, set) in frame.rsv.iter().enumerate() {
        if *set {
            add(
                format!(
                    "RSV{} is 1, but no extension was negotiated that defines it (RFC 6455 §5.2)",
                    i + 1
                ),
                1002,
            );
        }
    }
    if frame.opcode.is_reserved() {
        add(
            format!(
                "opcode {:#x} is reserved; no extension defines it (RFC 6455 §5.2)",
                frame.opcode.value()
            ),
            1002,
        );
    }
    if frame.opcode.is_control() && !frame.fin {
        add("control frames (close, ping, pong) must not be fragmented: FIN must be 1 (RFC 6455 §5.5)".into(), 1002);
    }
    if frame.opcode.is_control() && frame.payload.len() > 125 {
        add(
            format!(
                "a control frame carries at most 125 bytes; this one has {} (RFC 6455 §5.5)",
                frame.payload.len()
            ),
            1002,
        );
    }
    match (sender, frame.mask.is_some()) {
        (Role::Client, false) => add(
            "a client must mask every frame it sends: set MASK and a key (RFC 6455 §5.1)".into(),
            1002,
        ),
        (Role::Server, true) => add(
            "a server must not mask the frames it sends (RFC 6455 §5.1)".into(),
            1002,
        ),
        _ => {}
    }
    if frame.opcode == OpCode::Text {
        let mut v = Utf8Validator::new();
        let result = v
            .push(&frame.payload)
            .and_then(|()| if frame.fin { v.finish() } else { Ok(()) });
        if let Err(e) = result {
            add(
                format!("{e}; a text message must be UTF-8, so the receiver closes with 1007"),
                1007,
            );
        }
    }
    if frame.opcode == OpCode::Close
        && let Err(e) = ClosePayload::parse(&frame.payload)
    {
        add(e.to_string(), e.close_code());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
            .map(|v| v.close_code)
            .collect();
        assert_eq!(codes, [1002, 1002, 1002, 1002, 1002]);
        let text = Frame::new(OpCode::Text, vec![0xff]);
        assert_eq!(violations(&text, Role::Server)[0].close_code, 1007);
        let cut = Frame {
            fin: false,
            ..Frame::new(OpCode::Text, vec![0xe2, 0x82])
        };
        assert_eq!(violations(&cut, Role::Server), []);
    }
}
