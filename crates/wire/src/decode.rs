//! Decoding frames from bytes (RFC 6455 §5.2–§5.5), one rule at a time.
//!
//! [`decode`] takes whatever bytes have arrived. It answers with a whole
//! frame and how many bytes it used, with how many more bytes are needed
//! (incomplete input is a state, not an error), or with a [`FrameError`] that
//! names the byte and bit at fault, the rule broken, the RFC section and the
//! close code a receiver answers with. Header errors are reported as soon as
//! the bytes that show them have arrived, before the payload is complete.
//!
//! **Non-minimal lengths.** §5.2 binds *senders* to the minimal length form
//! but tells receivers nothing. By default the decoder accepts a length written
//! in a longer form than needed and returns a [`Warning`]; with
//! [`DecodeOptions::strict_length`] it rejects it instead. tungstenite accepts
//! such frames too.

use std::fmt;

use crate::close::{CloseError, ClosePayload};
use crate::frame::{Frame, FrameHeader, LengthForm, MAX_CONTROL_PAYLOAD};
use crate::mask::apply_mask;
use crate::opcode::OpCode;

/// Who sent the bytes being decoded: it decides the masking rule (§5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A client: every frame it sends must be masked.
    Client,
    /// A server: no frame it sends may be masked.
    Server,
}

impl Role {
    /// `"client"` or `"server"`: the word used in URLs and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that is neither `client` nor `server`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a role: expected \"client\" or \"server\"")]
pub struct UnknownRole(pub String);

impl std::str::FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        match s {
            "client" => Ok(Role::Client),
            "server" => Ok(Role::Server),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

/// What the decoder checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Who sent the frames; `None` skips the masking rule.
    pub sender: Option<Role>,
    /// The largest payload accepted, in bytes; larger frames fail with 1009.
    pub max_payload: u64,
    /// Which RSV bits a negotiated extension allows: bit 0 for RSV1, bit 1
    /// for RSV2, bit 2 for RSV3. Without extensions, 0.
    pub allowed_rsv: u8,
    /// permessage-deflate was agreed (RFC 7692): RSV1 marks a compressed
    /// message on its first frame, and is forbidden on control frames and
    /// continuations (RFC 7692 §6). Implies RSV1 in `allowed_rsv`.
    pub deflate: bool,
    /// Reject lengths not written in the minimal form instead of warning.
    pub strict_length: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            sender: None,
            max_payload: 64 * 1024 * 1024,
            allowed_rsv: 0,
            deflate: false,
            strict_length: false,
        }
    }
}

impl DecodeOptions {
    /// Options for frames sent by `role`, otherwise the defaults.
    pub fn for_sender(role: Role) -> Self {
        DecodeOptions {
            sender: Some(role),
            ..DecodeOptions::default()
        }
    }

    /// The same options on a connection that agreed on permessage-deflate, or not.
    pub fn with_deflate(self, deflate: bool) -> Self {
        DecodeOptions { deflate, ..self }
    }

    /// The RSV bits allowed: those of `allowed_rsv`, and RSV1 with permessage-deflate.
    pub fn rsv_allowed(&self) -> u8 {
        self.allowed_rsv | u8::from(self.deflate)
    }
}

/// Something legal but worth showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// The length was written in a longer form than needed (§5.2).
    NonMinimalLength {
        /// The payload length.
        len: u64,
        /// The form on the wire.
        used: LengthForm,
        /// The form a sender must use.
        minimal: LengthForm,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::NonMinimalLength { len, used, minimal } => write!(
                f,
                "byte 1: a length of {len} is written in the {} form; a sender must use the \
                 minimal {} form (RFC 6455 §5.2). Accepted, as the RFC sets no rule for receivers.",
                used.name(),
                minimal.name()
            ),
        }
    }
}

/// A frame decoded from the front of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedFrame {
    /// The header as it was on the wire.
    pub header: FrameHeader,
    /// The frame, payload unmasked.
    pub frame: Frame,
    /// How many input bytes the frame used.
    pub consumed: usize,
    /// Legal oddities seen on the way.
    pub warnings: Vec<Warning>,
}

/// The outcome of [`decode`] when nothing was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A whole frame.
    Frame(DecodedFrame),
    /// The input ends inside a frame: at least `needed` more bytes are needed.
    Incomplete {
        /// Bytes still missing (a lower bound while the header is incomplete).
        needed: u64,
    },
}

/// A header decoded from the front of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodedHeader {
    /// The whole header.
    Complete {
        /// The header.
        header: FrameHeader,
        /// Its size in bytes.
        header_len: usize,
        /// Legal oddities seen on the way.
        warnings: Vec<Warning>,
    },
    /// The input ends inside the header.
    Incomplete {
        /// Bytes still missing (a lower bound).
        needed: u64,
    },
}

/// Which rule a frame breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameErrorKind {
    /// RSV bits set that no negotiated extension defines.
    #[error("RSV{} is set, but no negotiated extension defines it (RFC 6455 §5.2)", rsv_names(*.bits))]
    ReservedBits {
        /// Bit 0 for RSV1, bit 1 for RSV2, bit 2 for RSV3.
        bits: u8,
    },
    /// RSV1 (permessage-deflate's "Per-Message Compressed" bit) on a control
    /// frame or a continuation.
    #[error(
        "RSV1 is set on a {0} frame: permessage-deflate allows it only on a data message's first frame (RFC 7692 §6)"
    )]
    CompressedBitMisplaced(&'static str),
    /// An opcode the RFC reserves.
    #[error("opcode {0:#x} is reserved (RFC 6455 §5.2)")]
    ReservedOpcode(u8),
    /// A control frame with FIN clear.
    #[error("a {0} frame has FIN = 0, but control frames must not be fragmented (RFC 6455 §5.5)")]
    FragmentedControl(&'static str),
    /// A control frame with more than 125 bytes of payload.
    #[error(
        "a {opcode} frame declares {len} bytes of payload; control frames carry at most 125 (RFC 6455 §5.5)"
    )]
    ControlTooLong {
        /// The control frame's name.
        opcode: &'static str,
        /// The declared length (at least 126).
        len: u64,
    },
    /// A 64-bit length with its most significant bit set.
    #[error(
        "the 64-bit payload length has its most significant bit set, which must be 0 (RFC 6455 §5.2)"
    )]
    LengthTopBit,
    /// A length not in the minimal form, with strict checking on.
    #[error("a length of {len} is written in the {} form instead of the minimal {} form (RFC 6455 §5.2)", used.name(), minimal.name())]
    NonMinimalLength {
        /// The payload length.
        len: u64,
        /// The form on the wire.
        used: LengthForm,
        /// The form a sender must use.
        minimal: LengthForm,
    },
    /// A client frame without MASK.
    #[error("MASK is 0, but a client must mask every frame it sends (RFC 6455 §5.1)")]
    UnmaskedClientFrame,
    /// A server frame with MASK.
    #[error("MASK is 1, but a server must not mask any frame it sends (RFC 6455 §5.1)")]
    MaskedServerFrame,
    /// A payload over the configured limit.
    #[error("a payload of {len} bytes is over this endpoint's limit of {limit} bytes")]
    PayloadTooLarge {
        /// The declared length.
        len: u64,
        /// The limit.
        limit: u64,
    },
    /// A Close frame whose payload is malformed.
    #[error("{0}")]
    Close(CloseError),
}

impl FrameErrorKind {
    /// The close code a receiver fails the connection with (§7.4.1).
    pub fn close_code(&self) -> u16 {
        match self {
            FrameErrorKind::PayloadTooLarge { .. } => 1009,
            FrameErrorKind::Close(e) => e.close_code(),
            _ => 1002,
        }
    }

    /// The section of RFC 6455 that states the rule.
    pub fn section(&self) -> &'static str {
        match self {
            FrameErrorKind::UnmaskedClientFrame | FrameErrorKind::MaskedServerFrame => "§5.1",
            FrameErrorKind::ReservedBits { .. }
            | FrameErrorKind::ReservedOpcode(_)
            | FrameErrorKind::LengthTopBit
            | FrameErrorKind::NonMinimalLength { .. } => "§5.2",
            FrameErrorKind::FragmentedControl(_) | FrameErrorKind::ControlTooLong { .. } => "§5.5",
            FrameErrorKind::Close(_) => "§5.5.1",
            FrameErrorKind::PayloadTooLarge { .. } => "§7.4.1",
            FrameErrorKind::CompressedBitMisplaced(_) => "RFC 7692 §6",
        }
    }
}

fn rsv_names(bits: u8) -> String {
    (0..3)
        .filter(|i| bits & (1 << i) != 0)
        .map(|i| (i + 1).to_string())
        .collect::<Vec<_>>()
        .join(", RSV")
}

/// A frame that breaks a rule, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError {
    /// The index of the byte at fault, from the start of the input.
    pub offset: usize,
    /// The bits at fault within the frame, as (first bit, count), numbered as
    /// in the RFC's diagram (bit 0 is the top bit of the frame's first byte).
    pub bits: Option<(u64, u64)>,
    /// The rule broken.
    pub kind: FrameErrorKind,
}

impl FrameError {
    /// The close code a receiver fails the connection with (§7.4.1).
    pub fn close_code(&self) -> u16 {
        self.kind.close_code()
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {}", self.offset)?;
        match self.bits {
            Some((first, 1)) => write!(f, ", bit {first}")?,
            Some((first, n)) => write!(f, ", bits {first}–{}", first + n - 1)?,
            None => {}
        }
        write!(
            f,
            ": {}; the receiver closes with {}",
            self.kind,
            self.close_code()
        )
    }
}

impl std::error::Error for FrameError {}

// The rules of §5, one function each. The decoder applies them in the order
// a receiver meets them and stops at the first; `rules::violations` applies
// every one to a built frame. Keeping them here, once, is what makes the two
// agree (a property test holds it).

/// RSV bits set that no negotiated extension allows (§5.2); byte 0, bits 1–3.
pub(crate) fn rsv_error(b0: u8, allowed_rsv: u8) -> Option<FrameError> {
    let rsv_bits = (b0 >> 6 & 1) | (b0 >> 5 & 1) << 1 | (b0 >> 4 & 1) << 2;
    let forbidden = rsv_bits & !allowed_rsv;
    if forbidden == 0 {
        return None;
    }
    let first = u64::from(forbidden.trailing_zeros());
    let last = u64::from(7 - forbidden.leading_zeros());
    Some(FrameError {
        offset: 0,
        bits: Some((1 + first, last - first + 1)),
        kind: FrameErrorKind::ReservedBits { bits: forbidden },
    })
}

/// With permessage-deflate agreed, RSV1 on a control frame or a
/// continuation (RFC 7692 §6); byte 0, bit 1. Without it, RSV1 is
/// [`rsv_error`]'s.
pub(crate) fn compressed_bit_error(b0: u8, deflate: bool) -> Option<FrameError> {
    let opcode = OpCode::from_nibble(b0);
    let misplaced =
        deflate && b0 & 0x40 != 0 && (opcode.is_control() || opcode == OpCode::Continuation);
    misplaced.then(|| FrameError {
        offset: 0,
        bits: Some((1, 1)),
        kind: FrameErrorKind::CompressedBitMisplaced(if opcode == OpCode::Continuation {
            "continuation"
        } else {
            control_name(opcode)
        }),
    })
}

/// An opcode the RFC reserves (§5.2); byte 0, bits 4–7.
pub(crate) fn opcode_error(b0: u8) -> Option<FrameError> {
    let opcode = OpCode::from_nibble(b0);
    opcode.is_reserved().then(|| FrameError {
        offset: 0,
        bits: Some((4, 4)),
        kind: FrameErrorKind::ReservedOpcode(opcode.value()),
    })
}

/// A control frame with FIN clear (§5.5); byte 0, bit 0.
pub(crate) fn control_fin_error(b0: u8) -> Option<FrameError> {
    let opcode = OpCode::from_nibble(b0);
    (opcode.is_control() && b0 & 0x80 == 0).then(|| FrameError {
        offset: 0,
        bits: Some((0, 1)),
        kind: FrameErrorKind::FragmentedControl(control_name(opcode)),
    })
}

/// The masking rule for `sender` (§5.1); byte 1, bit 8.
pub(crate) fn mask_error(sender: Option<Role>, b1: u8) -> Option<FrameError> {
    let kind = match (sender, b1 & 0x80 != 0) {
        (Some(Role::Client), false) => FrameErrorKind::UnmaskedClientFrame,
        (Some(Role::Server), true) => FrameErrorKind::MaskedServerFrame,
        _ => return None,
    };
    Some(FrameError {
        offset: 1,
        bits: Some((8, 1)),
        kind,
    })
}

/// A control frame longer than 125 bytes (§5.5); byte 1, bits 9–15. `len`
/// is the declared length when known, else the 7-bit field.
pub(crate) fn control_length_error(b0: u8, b1: u8, len: Option<u64>) -> Option<FrameError> {
    let opcode = OpCode::from_nibble(b0);
    let len7 = b1 & 0x7F;
    (opcode.is_control() && usize::from(len7) > MAX_CONTROL_PAYLOAD).then(|| FrameError {
        offset: 1,
        bits: Some((9, 7)),
        kind: FrameErrorKind::ControlTooLong {
            opcode: control_name(opcode),
            len: len.unwrap_or(u64::from(len7)),
        },
    })
}

/// A Close frame whose (unmasked) payload is malformed (§5.5.1), at the
/// payload byte at fault; the payload starts at `header_len`.
pub(crate) fn close_payload_error(
    opcode: OpCode,
    payload: &[u8],
    header_len: usize,
) -> Option<FrameError> {
    if opcode != OpCode::Close {
        return None;
    }
    let e = ClosePayload::parse(payload).err()?;
    let at = match &e {
        CloseError::ReasonNotUtf8 { offset } => *offset,
        CloseError::InvalidCode(_) | CloseError::OneByte | CloseError::TooLong { .. } => 0,
    };
    Some(FrameError {
        offset: header_len + at,
        bits: None,
        kind: FrameErrorKind::Close(e),
    })
}

/// Decodes the header at the front of `input`.
pub fn decode_header(input: &[u8], opts: &DecodeOptions) -> Result<DecodedHeader, FrameError> {
    let err = |offset: usize, bits: Option<(u64, u64)>, kind| FrameError { offset, bits, kind };
    let Some(&b0) = input.first() else {
        return Ok(DecodedHeader::Incomplete { needed: 2 });
    };
    if let Some(e) = rsv_error(b0, opts.rsv_allowed())
        .or_else(|| opcode_error(b0))
        .or_else(|| compressed_bit_error(b0, opts.deflate))
        .or_else(|| control_fin_error(b0))
    {
        return Err(e);
    }
    let fin = b0 & 0x80 != 0;
    let rsv = [b0 & 0x40 != 0, b0 & 0x20 != 0, b0 & 0x10 != 0];
    let opcode = OpCode::from_nibble(b0);
    let Some(&b1) = input.get(1) else {
        return Ok(DecodedHeader::Incomplete { needed: 1 });
    };
    let masked = b1 & 0x80 != 0;
    if let Some(e) = mask_error(opts.sender, b1) {
        return Err(e);
    }
    let len7 = b1 & 0x7F;
    let length_form = match len7 {
        126 => LengthForm::Medium,
        127 => LengthForm::Long,
        _ => LengthForm::Short,
    };
    // The exact length may come later; a control frame can never need the extension.
    if let Some(e) = control_length_error(b0, b1, extended_len(input, length_form)) {
        return Err(e);
    }
    // The 64-bit length's top bit is known as soon as its first byte is: fail then.
    if length_form == LengthForm::Long && input.get(2).is_some_and(|b| b & 0x80 != 0) {
        return Err(err(2, Some((16, 1)), FrameErrorKind::LengthTopBit));
    }
    let header_len = 2 + length_form.extra_bytes() + if masked { 4 } else { 0 };
    let ext_end = 2 + length_form.extra_bytes();
    if input.len() < ext_end {
        return Ok(DecodedHeader::Incomplete {
            needed: (header_len - input.len()) as u64,
        });
    }
    let payload_len = match length_form {
        LengthForm::Short => u64::from(len7),
        _ => extended_len(input, length_form).unwrap_or(0),
    };
    if length_form == LengthForm::Long && payload_len >> 63 != 0 {
        return Err(err(2, Some((16, 1)), FrameErrorKind::LengthTopBit));
    }
    let mut warnings = Vec::new();
    let minimal = LengthForm::minimal(payload_len);
    if minimal != length_form {
        if opts.strict_length {
            return Err(err(
                1,
                Some((9, u64::from(length_form.total_bits()))),
                FrameErrorKind::NonMinimalLength {
                    len: payload_len,
                    used: length_form,
                    minimal,
                },
            ));
        }
        warnings.push(Warning::NonMinimalLength {
            len: payload_len,
            used: length_form,
            minimal,
        });
    }
    if payload_len > opts.max_payload {
        return Err(err(
            1,
            Some((9, u64::from(length_form.total_bits()))),
            FrameErrorKind::PayloadTooLarge {
                len: payload_len,
                limit: opts.max_payload,
            },
        ));
    }
    let mask = if masked {
        match input.get(ext_end..ext_end + 4) {
            Some(&[a, b, c, d]) => Some([a, b, c, d]),
            _ => {
                return Ok(DecodedHeader::Incomplete {
                    needed: (header_len - input.len()) as u64,
                });
            }
        }
    } else {
        None
    };
    Ok(DecodedHeader::Complete {
        header: FrameHeader {
            fin,
            rsv,
            opcode,
            mask,
            payload_len,
            length_form,
        },
        header_len,
        warnings,
    })
}

fn extended_len(input: &[u8], form: LengthForm) -> Option<u64> {
    match form {
        LengthForm::Short => None,
        LengthForm::Medium => input
            .get(2..4)
            .map(|b| u64::from(u16::from_be_bytes([b[0], b[1]]))),
        LengthForm::Long => input
            .get(2..10)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_be_bytes),
    }
}

fn control_name(opcode: OpCode) -> &'static str {
    match opcode {
        OpCode::Close => "Close",
        OpCode::Ping => "Ping",
        OpCode::Pong => "Pong",
        _ => "control",
    }
}

/// Decodes the frame at the front of `input` (see the module docs).
pub fn decode(input: &[u8], opts: &DecodeOptions) -> Result<Decoded, FrameError> {
    let (header, header_len, warnings) = match decode_header(input, opts)? {
        DecodedHeader::Incomplete { needed } => return Ok(Decoded::Incomplete { needed }),
        DecodedHeader::Complete {
            header,
            header_len,
            warnings,
        } => (header, header_len, warnings),
    };
    let available = (input.len() - header_len) as u64;
    if available < header.payload_len {
        return Ok(Decoded::Incomplete {
            needed: header.payload_len - available,
        });
    }
    // payload_len <= available <= usize::MAX here, so the conversion holds.
    let payload_len = usize::try_from(header.payload_len).unwrap_or(usize::MAX);
    let mut payload = input[header_len..header_len + payload_len].to_vec();
    if let Some(key) = header.mask {
        apply_mask(&mut payload, key, 0);
    }
    if let Some(e) = close_payload_error(header.opcode, &payload, header_len) {
        return Err(e);
    }
    Ok(Decoded::Frame(DecodedFrame {
        header,
        frame: Frame {
            fin: header.fin,
            rsv: header.rsv,
            opcode: header.opcode,
            mask: header.mask,
            payload,
        },
        consumed: header_len + payload_len,
        warnings,
    }))
}

/// The result of taking apart a run of bytes holding any number of frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedRun {
    /// The frames, each with the offset of its first byte.
    pub frames: Vec<(usize, DecodedFrame)>,
    /// How the run ended: cleanly, incomplete, or at an error.
    pub end: RunEnd,
}

/// How a run of frames ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEnd {
    /// Every byte belonged to a whole frame.
    Clean,
    /// The last frame, starting at `offset`, needs `needed` more bytes.
    Incomplete {
        /// Where the unfinished frame starts.
        offset: usize,
        /// Bytes still missing (a lower bound while its header is incomplete).
        needed: u64,
    },
    /// A frame broke a rule; its offsets count from the start of the run.
    Error(FrameError),
}

/// Decodes frame after frame until the input runs out or a rule is broken.
pub fn decode_all(input: &[u8], opts: &DecodeOptions) -> DecodedRun {
    let mut frames = Vec::new();
    let mut at = 0;
    let end = loop {
        if at == input.len() {
            break RunEnd::Clean;
        }
        match decode(&input[at..], opts) {
            Ok(Decoded::Frame(f)) => {
                let used = f.consumed;
                frames.push((at, f));
                at += used;
            }
            Ok(Decoded::Incomplete { needed }) => break RunEnd::Incomplete { offset: at, needed },
            Err(mut e) => {
                e.offset += at;
                break RunEnd::Error(e);
            }
        }
    };
    DecodedRun { frames, end }
}

/// One item a [`Splitter`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Split {
    /// A whole frame, with its bytes exactly as they were on the wire.
    Frame {
        /// The frame's raw bytes (header and masked payload).
        raw: Vec<u8>,
        /// The decoded frame.
        frame: DecodedFrame,
    },
    /// A rule was broken; the splitter stops here.
    Error(FrameError),
}

/// Splits a byte stream that arrives in arbitrary pieces into frames: what a
/// receiver does, kept apart from any socket. After an error it takes no more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splitter {
    buf: Vec<u8>,
    opts: DecodeOptions,
    failed: bool,
    /// Bytes consumed by whole frames so far.
    pub offset: u64,
}

impl Splitter {
    /// A splitter that decodes with `opts`.
    pub fn new(opts: DecodeOptions) -> Self {
        Splitter {
            buf: Vec::new(),
            opts,
            failed: false,
            offset: 0,
        }
    }

    /// Takes the next piece; returns every frame it completed.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Split> {
        if self.failed {
            return Vec::new();
        }
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        let mut at = 0;
        loop {
            match decode(&self.buf[at..], &self.opts) {
                Ok(Decoded::Frame(frame)) => {
                    let raw = self.buf[at..at + frame.consumed].to_vec();
                    at += frame.consumed;
                    out.push(Split::Frame { raw, frame });
                }
                Ok(Decoded::Incomplete { .. }) => break,
                Err(mut e) => {
                    e.offset += at;
                    self.failed = true;
                    out.push(Split::Error(e));
                    break;
                }
            }
        }
        self.offset += at as u64;
        self.buf.drain(..at);
        out
    }

    /// Whether a broken rule stopped it.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// The bytes taken but not yet split: the start of a frame still
    /// arriving, or (once failed) the broken frame and everything after it.
    pub fn pending(&self) -> &[u8] {
        &self.buf
    }

    /// Decodes from now on with `opts` (an extension agreed mid-stream).
    pub fn set_options(&mut self, opts: DecodeOptions) {
        self.opts = opts;
    }

    /// The options it decodes with.
    pub fn options(&self) -> &DecodeOptions {
        &self.opts
    }
}

/// Follows where frames start in a byte stream that arrives in any pieces,
/// without keeping the bytes or checking any rule: what a tap needs to drop
/// bytes and start again at a frame boundary. Costs a few operations per
/// frame header, nothing per payload byte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Boundaries {
    header: [u8; 14],
    have: usize,
    payload_left: u64,
}

impl Boundaries {
    /// A stream that starts at a frame boundary.
    pub fn new() -> Self {
        Boundaries::default()
    }

    /// Takes the next piece; returns the offset within it of the first byte
    /// that starts a frame, if any does.
    pub fn push(&mut self, mut bytes: &[u8]) -> Option<usize> {
        let mut first = None;
        let mut at = 0;
        while !bytes.is_empty() {
            if self.have == 0 && self.payload_left > 0 {
                let skip = usize::try_from(self.payload_left)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                self.payload_left -= skip as u64;
                bytes = &bytes[skip..];
                at += skip;
                continue;
            }
            if self.have == 0 {
                first.get_or_insert(at);
            }
            self.header[self.have] = bytes[0];
            self.have += 1;
            bytes = &bytes[1..];
            at += 1;
            if self.have < 2 {
                continue;
            }
            let b1 = self.header[1];
            let form = match b1 & 0x7F {
                126 => LengthForm::Medium,
                127 => LengthForm::Long,
                _ => LengthForm::Short,
            };
            let header_len = 2 + form.extra_bytes() + if b1 & 0x80 != 0 { 4 } else { 0 };
            if self.have == header_len {
                self.payload_left = match form {
                    LengthForm::Short => u64::from(b1 & 0x7F),
                    _ => extended_len(&self.header, form).unwrap_or(0),
                };
                self.have = 0;
            }
        }
        first
    }
}

#[cfg(test)]
mod boundary_tests {
    use super::*;

    #[test]
    fn frame_starts_are_found_in_any_pieces() {
        let frames: Vec<Vec<u8>> = [0usize, 5, 125, 126, 70_000]
            .iter()
            .map(|n| {
                Frame::new(OpCode::Binary, vec![7; *n])
                    .masked([1, 2, 3, 4])
                    .encode()
            })
            .collect();
        let stream = frames.concat();
        let starts: Vec<usize> = frames
            .iter()
            .scan(0, |at, f| {
                let s = *at;
                *at += f.len();
                Some(s)
            })
            .collect();
        for piece in [1, 2, 3, 7, 1000, stream.len()] {
            let mut b = Boundaries::new();
            let mut found = Vec::new();
            let mut offset = 0;
            for chunk in stream.chunks(piece) {
                // Only the first start of each piece is reported.
                if let Some(k) = b.push(chunk) {
                    found.push(offset + k);
                }
                offset += chunk.len();
            }
            let expected: Vec<usize> = starts
                .iter()
                .copied()
                .filter(|s| found.contains(s))
                .collect();
            assert_eq!(found, expected, "piece {piece}");
            if piece == 1 {
                assert_eq!(found, starts);
            }
        }
    }
}
