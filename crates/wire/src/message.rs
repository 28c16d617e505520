//! Messages (RFC 6455 §5.4–§5.6): splitting one into frames, and putting
//! frames back together with control frames interleaved.

use crate::close::{CloseError, ClosePayload};
use crate::frame::Frame;
use crate::opcode::OpCode;
use crate::utf8::{Utf8Error, Utf8Validator};

/// The type of a data message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// Text: valid UTF-8 as a whole.
    Text,
    /// Binary: any bytes.
    Binary,
}

impl MessageKind {
    /// The opcode of the message's first frame.
    pub fn opcode(self) -> OpCode {
        match self {
            MessageKind::Text => OpCode::Text,
            MessageKind::Binary => OpCode::Binary,
        }
    }
}

/// Splits a message into frames of at most `max_payload` bytes (at least 1):
/// the first carries the message's opcode, the rest opcode 0 (continuation),
/// and only the last has FIN set (§5.4). An empty message is one empty frame.
/// Frames are unmasked; a client sets a fresh key on each.
pub fn fragment(kind: MessageKind, payload: &[u8], max_payload: usize) -> Vec<Frame> {
    let size = max_payload.max(1);
    if payload.is_empty() {
        return vec![Frame::new(kind.opcode(), Vec::new())];
    }
    let count = payload.len().div_ceil(size);
    payload
        .chunks(size)
        .enumerate()
        .map(|(i, chunk)| Frame {
            fin: i + 1 == count,
            rsv: [false; 3],
            opcode: if i == 0 {
                kind.opcode()
            } else {
                OpCode::Continuation
            },
            mask: None,
            payload: chunk.to_vec(),
        })
        .collect()
}

/// What a frame completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A whole text message.
    Text(String),
    /// A whole binary message.
    Binary(Vec<u8>),
    /// A Ping with its payload.
    Ping(Vec<u8>),
    /// A Pong with its payload.
    Pong(Vec<u8>),
    /// A Close with its parsed payload.
    Close(ClosePayload),
}

/// Why a sequence of frames is not a valid sequence of messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// A continuation frame arrived with no message in progress.
    #[error(
        "a continuation frame arrived, but no fragmented message is in progress (RFC 6455 §5.4)"
    )]
    NothingToContinue,
    /// A new Text or Binary frame arrived inside a fragmented message.
    #[error(
        "a new {0} frame arrived before the fragmented message in progress was finished (RFC 6455 §5.4)"
    )]
    Interleaved(&'static str),
    /// A text message is not valid UTF-8.
    #[error(transparent)]
    InvalidUtf8(#[from] Utf8Error),
    /// The message grew past the limit.
    #[error("the message has grown to {len} bytes, over this endpoint's limit of {limit}")]
    TooBig {
        /// Bytes so far.
        len: u64,
        /// The limit.
        limit: u64,
    },
    /// A frame with a reserved opcode or a malformed control frame.
    #[error("{0}")]
    BadFrame(String),
    /// A Close frame whose payload is malformed: its own close code (1007
    /// for a reason that is not UTF-8, 1002 otherwise).
    #[error("{0}")]
    BadClose(CloseError),
}

impl MessageError {
    /// The close code a receiver fails the connection with (§7.4.1).
    pub fn close_code(&self) -> u16 {
        match self {
            MessageError::InvalidUtf8(_) => 1007,
            MessageError::TooBig { .. } => 1009,
            MessageError::BadClose(e) => e.close_code(),
            _ => 1002,
        }
    }
}

/// Reassembles messages from frames in arrival order.
#[derive(Debug, Clone)]
pub struct Reassembler {
    current: Option<(MessageKind, Vec<u8>, Utf8Validator)>,
    max_message: u64,
}

impl Reassembler {
    /// A reassembler that accepts messages up to `max_message` bytes.
    pub fn new(max_message: u64) -> Self {
        Reassembler {
            current: None,
            max_message,
        }
    }

    /// Whether a fragmented message is in progress.
    pub fn in_message(&self) -> bool {
        self.current.is_some()
    }

    /// Takes the next frame; returns what it completed, if anything.
    pub fn push(&mut self, frame: Frame) -> Result<Option<Event>, MessageError> {
        let kind = match frame.opcode {
            OpCode::Ping => return Ok(Some(Event::Ping(frame.payload))),
            OpCode::Pong => return Ok(Some(Event::Pong(frame.payload))),
            OpCode::Close => {
                let close = ClosePayload::parse(&frame.payload).map_err(MessageError::BadClose)?;
                return Ok(Some(Event::Close(close)));
            }
            OpCode::ReservedData(n) | OpCode::ReservedControl(n) => {
                return Err(MessageError::BadFrame(format!(
                    "opcode {n:#x} is reserved (RFC 6455 §5.2)"
                )));
            }
            OpCode::Text => Some(MessageKind::Text),
            OpCode::Binary => Some(MessageKind::Binary),
            OpCode::Continuation => None,
        };
        let (kind, mut data, mut utf8) = match (kind, self.current.take()) {
            (Some(new), Some(_)) => {
                return Err(MessageError::Interleaved(match new {
                    MessageKind::Text => "Text",
                    MessageKind::Binary => "Binary",
                }));
            }
            (Some(kind), None) => (kind, Vec::new(), Utf8Validator::new()),
            (None, Some(current)) => current,
            (None, None) => return Err(MessageError::NothingToContinue),
        };
        let len = data.len() as u64 + frame.payload.len() as u64;
        if len > self.max_message {
            return Err(MessageError::TooBig {
                len,
                limit: self.max_message,
            });
        }
        if kind == MessageKind::Text {
            utf8.push(&frame.payload)?;
        }
        data.extend_from_slice(&frame.payload);
        if !frame.fin {
            self.current = Some((kind, data, utf8));
            return Ok(None);
        }
        Ok(Some(match kind {
            MessageKind::Binary => Event::Binary(data),
            MessageKind::Text => {
                utf8.finish()?;
                // The validator has accepted every byte, so this cannot fail; map it anyway.
                Event::Text(String::from_utf8(data).map_err(|e| Utf8Error {
                    offset: e.utf8_error().valid_up_to() as u64,
                })?)
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_have_opcode_then_continuations_and_fin_on_the_last() {
        let frames = fragment(MessageKind::Text, b"Hello, world", 5);
        let shape: Vec<(bool, OpCode, &[u8])> = frames
            .iter()
            .map(|f| (f.fin, f.opcode, f.payload.as_slice()))
            .collect();
        assert_eq!(
            shape,
            [
                (false, OpCode::Text, &b"Hello"[..]),
                (false, OpCode::Continuation, &b", wor"[..]),
                (true, OpCode::Continuation, &b"ld"[..]),
            ]
        );
    }

    #[test]
    fn reassembles_with_a_ping_in_the_middle() {
        let mut frames = fragment(MessageKind::Text, "κόσμε, hello".as_bytes(), 3);
        frames.insert(2, Frame::new(OpCode::Ping, b"hb".to_vec()));
        let mut r = Reassembler::new(1 << 20);
        let events: Vec<Event> = frames
            .into_iter()
            .filter_map(|f| r.push(f).unwrap())
            .collect();
        assert_eq!(
            events,
            [
                Event::Ping(b"hb".to_vec()),
                Event::Text("κόσμε, hello".into())
            ]
        );
    }

    #[test]
    fn rejects_continuation_without_start_and_interleaved_data() {
        let mut r = Reassembler::new(1 << 20);
        assert_eq!(
            r.push(Frame::new(OpCode::Continuation, b"x".to_vec())),
            Err(MessageError::NothingToContinue)
        );
        let first = Frame {
            fin: false,
            ..Frame::new(OpCode::Binary, b"a".to_vec())
        };
        assert_eq!(r.push(first), Ok(None));
        assert_eq!(
            r.push(Frame::new(OpCode::Text, b"b".to_vec())),
            Err(MessageError::Interleaved("Text"))
        );
    }

    #[test]
    fn invalid_utf8_fails_in_the_fragment_where_it_appears() {
        let mut r = Reassembler::new(1 << 20);
        let first = Frame {
            fin: false,
            ..Frame::new(OpCode::Text, b"ok".to_vec())
        };
        assert_eq!(r.push(first), Ok(None));
        let bad = Frame {
            fin: false,
            ..Frame::new(OpCode::Continuation, b"\xff".to_vec())
        };
        let err = r.push(bad).unwrap_err();
        assert_eq!(err, MessageError::InvalidUtf8(Utf8Error { offset: 2 }));
        assert_eq!(err.close_code(), 1007);
    }

    #[test]
    fn a_close_reason_that_is_not_utf8_gets_1007_as_everywhere_else() {
        let mut r = Reassembler::new(1024);
        let err = r
            .push(Frame::new(OpCode::Close, vec![0x03, 0xe8, 0xff]))
            .unwrap_err();
        assert_eq!(err.close_code(), 1007);
        let err = r.push(Frame::new(OpCode::Close, vec![0x03])).unwrap_err();
        assert_eq!(err.close_code(), 1002);
    }
}
