//! The server's side of a WebSocket connection, on `wire`'s decoder: frames
//! read from a byte stream, messages reassembled and checked, answers written.
//!
//! Memory follows the traffic. A connection waiting for its next frame holds
//! no read buffer at all where the transport can say "readable" without one
//! ([`Readiness`]: plain TCP); the buffer is sized for the frame being read
//! (the header says how long it is, within the limits) and freed once every
//! byte in it is used. Echoes are written in place: a client frame's header is
//! at least four bytes longer than the server's (it carries a masking key), so
//! the answer's header goes in front of the unmasked payload, in the same
//! buffer, and one write sends both.
//!
//! Only reading is awaited inside [`WebSocket::next`], so it may be cancelled
//! (by a timer in a `select!`) without losing or half-writing anything; every
//! write is the caller's, after `next` returned.

use std::io;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use wire::OpCode;
use wire::close::ClosePayload;
use wire::decode::{DecodeOptions, DecodedHeader, FrameError, FrameErrorKind, Role, decode_header};
use wire::deflate::{Compressor, Decompressor, DeflateConfig};
use wire::frame::FrameHeader;
use wire::mask::apply_mask;
use wire::message::MessageError;
use wire::utf8::{Utf8Error, Utf8Validator};

/// What a read asks for at least: several small frames fit in one read.
const READ_CHUNK: usize = 8 << 10;

/// What a read waits with on a stream that cannot signal readiness (TLS):
/// enough for a small frame; the next read is sized by its header.
const IDLE_CHUNK: usize = 512;

/// Room kept in front of a reassembled message for the answer's header.
const HEADROOM: usize = 10;

/// The longest close reason (RFC 6455 §5.5: 125 bytes of payload, 2 of them the code).
const MAX_REASON: usize = 123;

/// A byte stream that can wait for bytes to arrive without being handed a
/// buffer to put them in, so that an idle connection holds none.
pub trait Readiness {
    /// Whether [`Readiness::poll_read_ready`] really waits for bytes; if not,
    /// an idle read waits with a small buffer.
    const SIGNALS: bool = false;

    /// Ready once a read would not wait. Streams that cannot tell (TLS, whose
    /// library may already hold decrypted bytes) say ready at once, and the
    /// read that follows waits with a small buffer instead.
    fn poll_read_ready(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl Readiness for TcpStream {
    const SIGNALS: bool = true;

    fn poll_read_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        TcpStream::poll_read_ready(self, cx)
    }
}

impl Readiness for tokio_rustls::server::TlsStream<TcpStream> {}

/// What [`WebSocket::next`] read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A whole text (valid UTF-8) or binary message, in [`WebSocket::payload`]
    /// (inflated, if it came compressed).
    Message {
        /// Text rather than binary.
        text: bool,
        /// It came compressed (RSV1, permessage-deflate).
        compressed: bool,
    },
    /// A Ping; its payload is in [`WebSocket::payload`].
    Ping,
    /// A Pong.
    Pong,
    /// A Close, valid, with its payload in [`WebSocket::payload`].
    Close(ClosePayload),
}

/// Why reading stopped.
#[derive(Debug)]
pub enum Failure {
    /// The peer broke a rule: fail the connection with this close code and reason.
    Protocol {
        /// The close code (RFC 6455 §7.4.1).
        code: u16,
        /// Which rule, at most 123 bytes.
        reason: String,
    },
    /// The stream failed or ended.
    Io(io::Error),
}

impl Failure {
    fn protocol(code: u16, text: impl ToString) -> Failure {
        Failure::Protocol {
            code,
            reason: close_reason(&text.to_string()),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Protocol { code, reason } => write!(f, "{code} {reason}"),
            Failure::Io(e) => write!(f, "{e}"),
        }
    }
}

/// `text` cut to fit a close reason, at a character boundary.
fn close_reason(text: &str) -> String {
    if text.len() <= MAX_REASON {
        return text.to_owned();
    }
    let mut end = MAX_REASON - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Where the payload of what `next` returned is.
#[derive(Debug, Clone, Copy)]
enum Held {
    Nothing,
    /// In the read buffer, at this range.
    Read {
        start: usize,
        end: usize,
    },
    /// In the reassembled message, after the headroom.
    Assembled,
}

impl Held {
    /// The payload it points at, in the read buffer or the assembled message.
    fn slice<'a>(self, input: &'a [u8], assembled: &'a [u8]) -> &'a [u8] {
        match self {
            Held::Nothing => &[],
            Held::Read { start, end } => &input[start..end],
            Held::Assembled => &assembled[HEADROOM..],
        }
    }
}

/// A fragmented message being put together.
struct Partial {
    text: bool,
    compressed: bool,
    /// `HEADROOM` bytes, then the payload so far.
    data: Vec<u8>,
    utf8: Utf8Validator,
}

/// Limits for one connection.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest frame payload accepted.
    pub max_frame: usize,
    /// The largest message accepted.
    pub max_message: usize,
}

/// The server's side of one WebSocket connection.
pub struct WebSocket<S> {
    stream: S,
    /// Bytes read; those before `pos` are used.
    input: Vec<u8>,
    pos: usize,
    partial: Option<Partial>,
    /// The last whole message, kept after `partial` completes until the next read.
    assembled: Vec<u8>,
    held: Held,
    limits: Limits,
    decode: DecodeOptions,
    deflate: Option<Deflate>,
    /// The text frame being read, while its payload arrives: how much of it
    /// is unmasked and checked (RFC 6455 §8.1: fail as soon as the text
    /// cannot be UTF-8, not only once the frame is in).
    arriving: Option<Arriving>,
    /// The frame read last has the Close opcode, valid or not: the peer has
    /// sent its Close and will send nothing more.
    peer_closed: bool,
}

/// The checked front of a text frame whose payload is still arriving.
struct Arriving {
    /// Payload bytes unmasked in place and validated.
    done: usize,
    /// The message's validator, carried on from its earlier frames.
    utf8: Utf8Validator,
}

/// permessage-deflate on this connection: what was agreed, and the codecs,
/// made when first needed and dropped by [`WebSocket::shed`].
struct Deflate {
    config: DeflateConfig,
    inflate: Option<Decompressor>,
    compress: Option<Compressor>,
}

impl<S: AsyncRead + AsyncWrite + Readiness + Unpin> WebSocket<S> {
    /// Takes over `stream` after the opening handshake; `read` holds bytes
    /// already read past the request; `deflate` is the permessage-deflate
    /// configuration the handshake agreed, if any.
    pub fn new(stream: S, read: Vec<u8>, limits: Limits, deflate: Option<DeflateConfig>) -> Self {
        let max_payload = limits.max_frame.min(limits.max_message) as u64;
        WebSocket {
            stream,
            input: read,
            pos: 0,
            partial: None,
            assembled: Vec::new(),
            held: Held::Nothing,
            limits,
            decode: DecodeOptions {
                max_payload,
                // RFC 7692 §6: RSV1 marks a compressed message, on a data
                // message's first frame only (the decoder holds that rule).
                deflate: deflate.is_some(),
                ..DecodeOptions::for_sender(Role::Client)
            },
            deflate: deflate.map(|config| Deflate {
                config,
                inflate: None,
                compress: None,
            }),
            arriving: None,
            peer_closed: false,
        }
    }

    /// Whether compression state is held that [`WebSocket::shed`] would
    /// free (state a side keeps for context takeover is not counted).
    pub fn holds_codecs(&self) -> bool {
        self.deflate.as_ref().is_some_and(|d| {
            (d.inflate.is_some() && d.config.client_no_context_takeover)
                || (d.compress.is_some() && d.config.server_no_context_takeover)
        })
    }

    /// Drops the compression state that need not survive until the next
    /// message: all of it, unless a side keeps its window (context takeover).
    pub fn shed(&mut self) {
        if let Some(d) = &mut self.deflate {
            // A message is inflated whole once its last frame is in, so even
            // one in progress needs no inflater yet.
            if d.config.client_no_context_takeover {
                d.inflate = None;
            }
            if d.config.server_no_context_takeover {
                d.compress = None;
            }
        }
    }

    /// Whether the frame read last was a Close, even one that broke a rule:
    /// after answering it there is nothing left to wait for (RFC 6455 §7.1.1).
    pub fn peer_closed(&self) -> bool {
        self.peer_closed
    }

    /// The payload of the message, Ping or Close that `next` returned last.
    pub fn payload(&self) -> &[u8] {
        self.held.slice(&self.input, &self.assembled)
    }

    /// Bytes of buffer this connection holds now (for tests of the memory policy).
    #[cfg(test)]
    fn buffered_capacity(&self) -> usize {
        self.input.capacity()
            + self.assembled.capacity()
            + self.partial.as_ref().map_or(0, |p| p.data.capacity())
    }

    /// Reads until a whole message or control frame has arrived. Cancelling
    /// it loses nothing: only reads are awaited.
    pub async fn next(&mut self) -> Result<Incoming, Failure> {
        self.release();
        loop {
            let input = &self.input[self.pos..];
            self.peer_closed = input
                .first()
                .is_some_and(|b| OpCode::from_nibble(b & 0x0f) == OpCode::Close);
            let (header, header_len) = match decode_header(input, &self.decode) {
                Err(e) => return Err(self.frame_failure(e)),
                Ok(DecodedHeader::Incomplete { needed }) => {
                    self.fill(needed).await?;
                    continue;
                }
                Ok(DecodedHeader::Complete {
                    header, header_len, ..
                }) => (header, header_len),
            };
            // The decoder bounds the length by the frame and message limits.
            let len = usize::try_from(header.payload_len).unwrap_or(usize::MAX);
            if let Some(p) = &self.partial
                && header.opcode == OpCode::Continuation
            {
                let so_far = p.data.len() - HEADROOM;
                if so_far.saturating_add(len) > self.limits.max_message {
                    let e = MessageError::TooBig {
                        len: (so_far as u64).saturating_add(header.payload_len),
                        limit: self.limits.max_message as u64,
                    };
                    return Err(Failure::protocol(e.close_code(), e));
                }
            }
            let frame_len = header_len.saturating_add(len);
            let start = self.pos + header_len;
            let arrived = input.len();
            if arrived < frame_len {
                self.check_arriving(&header, start, arrived - header_len)?;
                self.fill((frame_len - arrived) as u64).await?;
                continue;
            }
            let end = start + len;
            self.pos = end;
            // Bytes a partial check unmasked already stay as they are.
            let done = self.arriving.take().map_or(0, |a| a.done);
            if let Some(key) = header.mask {
                apply_mask(&mut self.input[start + done..end], key, done);
            }
            if let Some(incoming) = self.take_frame(&header, start, end)? {
                return Ok(incoming);
            }
        }
    }

    /// Unmasks and checks the `have` payload bytes of an unfinished text frame
    /// at `start` that no earlier call checked, failing at the first byte that
    /// cannot be UTF-8. Compressed text is checked once inflated.
    fn check_arriving(
        &mut self,
        header: &FrameHeader,
        start: usize,
        have: usize,
    ) -> Result<(), Failure> {
        let text = match (header.opcode, &self.partial) {
            (OpCode::Text, None) => !header.rsv[0],
            (OpCode::Continuation, Some(p)) => p.text && !p.compressed,
            _ => false,
        };
        if !text || have == 0 {
            return Ok(());
        }
        let arriving = self.arriving.get_or_insert_with(|| Arriving {
            done: 0,
            utf8: self
                .partial
                .as_ref()
                .map(|p| p.utf8.clone())
                .unwrap_or_default(),
        });
        let (from, to) = (start + arriving.done, start + have);
        if let Some(key) = header.mask {
            apply_mask(&mut self.input[from..to], key, arriving.done);
        }
        arriving.done = have;
        arriving
            .utf8
            .push(&self.input[from..to])
            .map_err(utf8_failure)
    }

    /// The failure for a frame the decoder refused, naming the limit that was broken.
    fn frame_failure(&self, e: FrameError) -> Failure {
        let code = e.close_code();
        match e.kind {
            FrameErrorKind::PayloadTooLarge { len, limit } => {
                let what = if self.limits.max_frame < self.limits.max_message {
                    "frame"
                } else {
                    "message"
                };
                Failure::protocol(
                    code,
                    format!(
                        "a {what} of {len} bytes is over this server's {what} limit of {limit} bytes"
                    ),
                )
            }
            kind => Failure::protocol(code, kind),
        }
    }

    /// Applies one whole frame, unmasked at `start..end` of the input.
    fn take_frame(
        &mut self,
        header: &FrameHeader,
        start: usize,
        end: usize,
    ) -> Result<Option<Incoming>, Failure> {
        let compressed = header.rsv[0];
        let payload = &self.input[start..end];
        let text = match header.opcode {
            OpCode::Ping => {
                self.held = Held::Read { start, end };
                return Ok(Some(Incoming::Ping));
            }
            OpCode::Pong => return Ok(Some(Incoming::Pong)),
            OpCode::Close => {
                let close = ClosePayload::parse(payload)
                    .map_err(|e| Failure::protocol(e.close_code(), e))?;
                self.held = Held::Read { start, end };
                return Ok(Some(Incoming::Close(close)));
            }
            // The decoder refuses reserved opcodes.
            OpCode::ReservedData(_) | OpCode::ReservedControl(_) => return Ok(None),
            OpCode::Text => Some(true),
            OpCode::Binary => Some(false),
            OpCode::Continuation => None,
        };
        match (text, self.partial.as_mut()) {
            (Some(_), Some(_)) => {
                let e = MessageError::Interleaved(if header.opcode == OpCode::Text {
                    "Text"
                } else {
                    "Binary"
                });
                Err(Failure::protocol(e.close_code(), e))
            }
            (None, None) => {
                let e = MessageError::NothingToContinue;
                Err(Failure::protocol(e.close_code(), e))
            }
            (Some(text), None) if header.fin && compressed => {
                let data = payload.to_vec();
                self.finish_compressed(text, &data)?;
                Ok(Some(Incoming::Message { text, compressed }))
            }
            // A whole message in one frame: it stays where it was read.
            (Some(text), None) if header.fin => {
                if text && let Err(e) = std::str::from_utf8(payload) {
                    return Err(utf8_failure(Utf8Error {
                        offset: e.valid_up_to() as u64,
                    }));
                }
                self.held = Held::Read { start, end };
                Ok(Some(Incoming::Message { text, compressed }))
            }
            (Some(text), None) => {
                let mut utf8 = Utf8Validator::new();
                // Compressed text can only be checked once inflated.
                if text && !compressed {
                    utf8.push(payload).map_err(utf8_failure)?;
                }
                let mut data = Vec::with_capacity(HEADROOM + payload.len());
                data.resize(HEADROOM, 0);
                data.extend_from_slice(payload);
                self.partial = Some(Partial {
                    text,
                    compressed,
                    data,
                    utf8,
                });
                Ok(None)
            }
            (None, Some(p)) => {
                if p.text && !p.compressed {
                    p.utf8.push(payload).map_err(utf8_failure)?;
                }
                p.data.extend_from_slice(payload);
                if !header.fin {
                    return Ok(None);
                }
                let Partial {
                    text,
                    compressed,
                    data,
                    utf8,
                } = self.partial.take().unwrap_or_else(|| {
                    unreachable!("matched Some above");
                });
                if compressed {
                    self.finish_compressed(text, &data[HEADROOM..])?;
                    return Ok(Some(Incoming::Message { text, compressed }));
                }
                if text {
                    utf8.finish().map_err(utf8_failure)?;
                }
                self.assembled = data;
                self.held = Held::Assembled;
                Ok(Some(Incoming::Message { text, compressed }))
            }
        }
    }

    /// Inflates a whole compressed message into the assembled buffer, within
    /// the message limit, and checks text for UTF-8.
    fn finish_compressed(&mut self, text: bool, data: &[u8]) -> Result<(), Failure> {
        let Some(d) = &mut self.deflate else {
            // The decoder refuses RSV1 when nothing was negotiated.
            return Err(Failure::protocol(
                1002,
                "RSV1 is set, but no extension was negotiated",
            ));
        };
        let (takeover, bits) = (
            !d.config.client_no_context_takeover,
            d.config.client_max_window_bits,
        );
        let inflated = d
            .inflate
            .get_or_insert_with(|| Decompressor::with_window_bits(takeover, bits))
            .decompress(data, self.limits.max_message)
            .map_err(|e| Failure::protocol(e.close_code(), e))?;
        if text && let Err(e) = std::str::from_utf8(&inflated) {
            return Err(utf8_failure(Utf8Error {
                offset: e.valid_up_to() as u64,
            }));
        }
        let mut assembled = Vec::with_capacity(HEADROOM + inflated.len());
        assembled.resize(HEADROOM, 0);
        assembled.extend_from_slice(&inflated);
        self.assembled = assembled;
        self.held = Held::Assembled;
        Ok(())
    }

    /// Forgets what `next` returned last, and frees buffers nothing is left in.
    fn release(&mut self) {
        self.held = Held::Nothing;
        self.assembled = Vec::new();
        if self.pos == self.input.len() {
            self.input = Vec::new();
            self.pos = 0;
        }
    }

    /// Reads at least one more byte, with room for `needed` more.
    async fn fill(&mut self, needed: u64) -> Result<(), Failure> {
        let idle = self.input.len() == self.pos;
        if idle {
            // Nothing unread: wait for bytes with no buffer at all.
            self.input = Vec::new();
            self.pos = 0;
            std::future::poll_fn(|cx| self.stream.poll_read_ready(cx))
                .await
                .map_err(Failure::Io)?;
        } else if self.pos > 0 {
            self.input.drain(..self.pos);
            self.pos = 0;
        }
        // `needed` is bounded by the limits (at most 1 GiB) once the header is known.
        let needed = usize::try_from(needed).unwrap_or(usize::MAX);
        let chunk = if idle && !S::SIGNALS {
            IDLE_CHUNK
        } else {
            READ_CHUNK
        };
        self.input
            .reserve(needed.max(chunk.min(self.limits.max_frame.saturating_add(14))));
        match self.stream.read_buf(&mut self.input).await {
            Ok(0) => Err(Failure::Io(io::ErrorKind::UnexpectedEof.into())),
            Ok(_) => Ok(()),
            Err(e) => Err(Failure::Io(e)),
        }
    }

    /// Sends the payload `next` returned last back as one unmasked frame
    /// with `opcode`: an echo, a Pong for a Ping, or the Close that answers one.
    pub async fn send_back(&mut self, opcode: OpCode) -> io::Result<()> {
        if !opcode.is_control()
            && let Some(d) = &mut self.deflate
        {
            let (takeover, bits) = (
                !d.config.server_no_context_takeover,
                d.config.server_max_window_bits,
            );
            let payload = self.held.slice(&self.input, &self.assembled);
            let compressor = d
                .compress
                .get_or_insert_with(|| Compressor::with_window_bits(takeover, bits));
            let packed = compressor.compress(payload);
            // Compression is per message: a message it would not shrink goes out as it is (RFC 7692 §6).
            // The client's window then lacks it, so ours must forget it too.
            if packed.len() >= payload.len() {
                compressor.reset();
            } else {
                let mut frame = Vec::with_capacity(10 + packed.len());
                FrameHeader::new(
                    true,
                    [true, false, false],
                    opcode,
                    None,
                    packed.len() as u64,
                )
                .encode_into(&mut frame);
                frame.extend_from_slice(&packed);
                self.stream.write_all(&frame).await?;
                return self.stream.flush().await;
            }
        }
        let (buf, start, end) = match self.held {
            Held::Nothing => (&mut self.input, 0, 0),
            Held::Read { start, end } => (&mut self.input, start, end),
            Held::Assembled => {
                let end = self.assembled.len();
                (&mut self.assembled, HEADROOM, end)
            }
        };
        let header = server_header(opcode, (end - start) as u64);
        if header.len() <= start {
            // The client's header (with its mask key) had room for ours.
            let at = start - header.len();
            buf[at..start].copy_from_slice(&header);
            self.stream.write_all(&buf[at..end]).await?;
        } else {
            self.stream.write_all(&header).await?;
            self.stream.write_all(&buf[start..end]).await?;
        }
        self.stream.flush().await
    }

    /// Sends one unmasked frame.
    pub async fn send(&mut self, opcode: OpCode, payload: &[u8]) -> io::Result<()> {
        let mut frame = server_header(opcode, payload.len() as u64);
        frame.extend_from_slice(payload);
        self.stream.write_all(&frame).await?;
        self.stream.flush().await
    }

    /// Sends a Close frame with `code` and `reason` (cut to 123 bytes).
    pub async fn send_close(&mut self, code: u16, reason: &str) -> io::Result<()> {
        let reason = close_reason(reason);
        let payload = ClosePayload::build(code, &reason).unwrap_or_default();
        self.send(OpCode::Close, &payload).await
    }
}

fn utf8_failure(e: Utf8Error) -> Failure {
    let e = MessageError::InvalidUtf8(e);
    Failure::protocol(e.close_code(), e)
}

/// A server frame's header: FIN set, no mask, the minimal length form.
fn server_header(opcode: OpCode, len: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(10);
    FrameHeader::new(true, [false; 3], opcode, None, len).encode_into(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{DuplexStream, duplex};
    use wire::Frame;

    impl Readiness for DuplexStream {}

    const LIMITS: Limits = Limits {
        max_frame: 1 << 20,
        max_message: 1 << 20,
    };

    fn masked(opcode: OpCode, fin: bool, payload: &[u8]) -> Vec<u8> {
        let mut f = Frame::new(opcode, payload.to_vec()).masked([0x37, 0xfa, 0x21, 0x3d]);
        f.fin = fin;
        f.encode()
    }

    /// A server on one end of a pipe, and the client's end.
    fn pair(limits: Limits) -> (WebSocket<DuplexStream>, DuplexStream) {
        let (server, client) = duplex(4 << 20);
        (WebSocket::new(server, Vec::new(), limits, None), client)
    }

    async fn read_exactly(client: &mut DuplexStream, n: usize) -> Vec<u8> {
        let mut out = vec![0; n];
        client.read_exact(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn bad_text_fails_before_the_rest_of_its_frame_arrives() {
        // A text frame (or a continuation of one) whose first half is not UTF-8:
        // the second half never comes, and the server still fails with 1007.
        let bad = b"Hello\xc0\xafworld and a long tail that never arrives";
        for (prefix, opcode) in [
            (Vec::new(), OpCode::Text),
            (
                masked(OpCode::Text, false, "κό".as_bytes()),
                OpCode::Continuation,
            ),
        ] {
            let (mut ws, mut client) = pair(LIMITS);
            let frame = masked(opcode, true, bad);
            client.write_all(&prefix).await.unwrap();
            client.write_all(&frame[..6 + 8]).await.unwrap();
            match tokio::time::timeout(std::time::Duration::from_secs(2), ws.next()).await {
                Ok(Err(Failure::Protocol { code, .. })) => assert_eq!(code, 1007, "{opcode:?}"),
                other => panic!("{opcode:?}: {other:?}"),
            }
        }
        // Valid text in many pieces is unmasked once and arrives whole.
        let (mut ws, mut client) = pair(LIMITS);
        let text = "κόσμε, in pieces of three bytes".repeat(50);
        let frame = masked(OpCode::Text, true, text.as_bytes());
        let writer = tokio::spawn(async move {
            for piece in frame.chunks(3) {
                client.write_all(piece).await.unwrap();
                tokio::task::yield_now().await;
            }
            client
        });
        assert_eq!(
            ws.next().await.unwrap(),
            Incoming::Message {
                text: true,
                compressed: false
            }
        );
        assert_eq!(ws.payload(), text.as_bytes());
        drop(writer.await.unwrap());
    }

    #[tokio::test]
    async fn an_echo_is_the_same_payload_unmasked_in_one_frame() {
        for len in [0, 5, 125, 126, 65_535, 65_536] {
            let (mut ws, mut client) = pair(LIMITS);
            let payload: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            client
                .write_all(&masked(OpCode::Binary, true, &payload))
                .await
                .unwrap();
            assert_eq!(
                ws.next().await.unwrap(),
                Incoming::Message {
                    text: false,
                    compressed: false
                }
            );
            assert_eq!(ws.payload(), payload);
            ws.send_back(OpCode::Binary).await.unwrap();
            let want = Frame::new(OpCode::Binary, payload).encode();
            assert_eq!(read_exactly(&mut client, want.len()).await, want, "{len}");
        }
    }

    #[tokio::test]
    async fn frames_written_a_byte_at_a_time_make_the_same_messages() {
        let (mut ws, mut client) = pair(LIMITS);
        let mut bytes = masked(OpCode::Text, false, "Hel".as_bytes());
        bytes.extend(masked(OpCode::Ping, true, b"p"));
        bytes.extend(masked(OpCode::Continuation, true, "lo, wörld".as_bytes()));
        let writer = tokio::spawn(async move {
            for b in bytes {
                client.write_all(&[b]).await.unwrap();
                tokio::task::yield_now().await;
            }
            client
        });
        assert_eq!(ws.next().await.unwrap(), Incoming::Ping);
        assert_eq!(ws.payload(), b"p");
        assert_eq!(
            ws.next().await.unwrap(),
            Incoming::Message {
                text: true,
                compressed: false
            }
        );
        assert_eq!(ws.payload(), "Hello, wörld".as_bytes());
        let mut client = writer.await.unwrap();
        ws.send_back(OpCode::Text).await.unwrap();
        let want = Frame::new(OpCode::Text, "Hello, wörld").encode();
        assert_eq!(read_exactly(&mut client, want.len()).await, want);
    }

    #[tokio::test]
    async fn buffers_are_freed_once_a_big_message_is_answered() {
        let (mut ws, mut client) = pair(LIMITS);
        let big = vec![7; 1 << 20];
        let mut bytes = masked(OpCode::Binary, false, &big[..1000]);
        bytes.extend(masked(OpCode::Continuation, true, &big[1000..]));
        let writer = tokio::spawn(async move {
            client.write_all(&bytes).await.unwrap();
            let mut echo = vec![0; 10 + big.len()];
            client.read_exact(&mut echo).await.unwrap();
            assert_eq!(echo[10..], big[..]);
            client
        });
        assert_eq!(
            ws.next().await.unwrap(),
            Incoming::Message {
                text: false,
                compressed: false
            }
        );
        assert!(ws.buffered_capacity() >= 1 << 20);
        ws.send_back(OpCode::Binary).await.unwrap();
        let mut client = writer.await.unwrap();
        client
            .write_all(&masked(OpCode::Ping, true, b""))
            .await
            .unwrap();
        assert_eq!(ws.next().await.unwrap(), Incoming::Ping);
        // Only the ping's few bytes are held, and after it nothing.
        assert!(
            ws.buffered_capacity() <= READ_CHUNK,
            "{}",
            ws.buffered_capacity()
        );
        ws.release();
        assert_eq!(ws.buffered_capacity(), 0);
    }

    #[tokio::test]
    async fn a_frame_over_the_limit_fails_before_its_payload_is_read() {
        let limits = Limits {
            max_frame: 1000,
            max_message: 1500,
        };
        let (mut ws, mut client) = pair(limits);
        let mut header = vec![0x82, 0xFF];
        header.extend_from_slice(&(1u64 << 40).to_be_bytes());
        header.extend_from_slice(&[1, 2, 3, 4]);
        client.write_all(&header).await.unwrap();
        match ws.next().await {
            Err(Failure::Protocol { code: 1009, reason }) => {
                assert!(
                    reason.starts_with("a frame of 1099511627776 bytes"),
                    "{reason}"
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(ws.buffered_capacity() <= READ_CHUNK);
        // A message over the limit in fragments that each fit.
        let (mut ws, mut client) = pair(limits);
        client
            .write_all(&masked(OpCode::Binary, false, &[0; 1000]))
            .await
            .unwrap();
        client
            .write_all(&masked(OpCode::Continuation, true, &[0; 600])[..8])
            .await
            .unwrap();
        assert!(matches!(
            ws.next().await,
            Err(Failure::Protocol { code: 1009, .. })
        ));
    }

    #[tokio::test]
    async fn broken_rules_get_their_close_codes() {
        let cases: [(Vec<u8>, u16); 6] = [
            (masked(OpCode::Text, true, &[0xff]), 1007),
            (
                [
                    masked(OpCode::Text, false, &[0xe2, 0x82]),
                    masked(OpCode::Continuation, true, &[0x28]),
                ]
                .concat(),
                1007,
            ),
            (masked(OpCode::Continuation, true, b"x"), 1002),
            (
                [
                    masked(OpCode::Text, false, b"a"),
                    masked(OpCode::Binary, true, b"b"),
                ]
                .concat(),
                1002,
            ),
            (Frame::new(OpCode::Text, "unmasked").encode(), 1002),
            (masked(OpCode::Close, true, &[0x03, 0xe8, 0xff]), 1007),
        ];
        for (bytes, code) in cases {
            let (mut ws, mut client) = pair(LIMITS);
            client.write_all(&bytes).await.unwrap();
            match ws.next().await {
                Err(Failure::Protocol { code: c, reason }) => {
                    assert_eq!(c, code, "{bytes:02x?}: {reason}");
                    assert!(reason.len() <= MAX_REASON);
                }
                other => panic!("{bytes:02x?}: {other:?}"),
            }
        }
    }

    #[test]
    fn close_reasons_are_cut_at_a_character() {
        let long = "é".repeat(100);
        let cut = close_reason(&long);
        assert!(cut.len() <= MAX_REASON && cut.ends_with('…'));
        assert_eq!(close_reason("short"), "short");
    }

    /// Feeds `bytes` to a server in pieces of the given sizes, then ends the
    /// stream; returns what `next` gave until it stopped, with payloads.
    fn run(
        bytes: Vec<u8>,
        pieces: Vec<usize>,
        limits: Limits,
    ) -> Vec<Result<(Incoming, Vec<u8>), u16>> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async move {
            let (mut ws, mut client) = pair(limits);
            // The writer drops its end when done: the server then reads the end of the stream.
            tokio::spawn(async move {
                let mut rest = &bytes[..];
                for n in pieces.into_iter().cycle() {
                    if rest.is_empty() {
                        break;
                    }
                    let (now, later) = rest.split_at(n.clamp(1, rest.len()));
                    client.write_all(now).await.unwrap();
                    tokio::task::yield_now().await;
                    rest = later;
                }
            });
            let mut out = Vec::new();
            loop {
                match ws.next().await {
                    Ok(i) => out.push(Ok((i, ws.payload().to_vec()))),
                    Err(Failure::Protocol { code, reason }) => {
                        assert!(reason.len() <= MAX_REASON);
                        out.push(Err(code));
                        break;
                    }
                    Err(Failure::Io(_)) => break,
                }
            }
            out
        })
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_in_any_pieces_end_without_a_panic(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400),
            pieces in proptest::collection::vec(1usize..50, 1..8),
        ) {
            let limits = Limits { max_frame: 100, max_message: 150 };
            let _ = run(bytes, pieces, limits);
        }

        #[test]
        fn fragmented_messages_with_pings_between_come_out_whole(
            messages in proptest::collection::vec(
                (proptest::bool::ANY, ".{0,40}", 1usize..20, proptest::array::uniform4(proptest::num::u8::ANY)),
                1..6,
            ),
            pieces in proptest::collection::vec(1usize..64, 1..8),
        ) {
            let mut bytes = Vec::new();
            let mut want = Vec::new();
            for (i, (text, content, size, key)) in messages.iter().enumerate() {
                let kind = if *text { wire::message::MessageKind::Text } else { wire::message::MessageKind::Binary };
                let frames = wire::message::fragment(kind, content.as_bytes(), *size);
                let whole = Ok((Incoming::Message { text: *text, compressed: false }, content.as_bytes().to_vec()));
                let ping = (i % 2 == 0).then(|| Ok((Incoming::Ping, vec![i as u8])));
                for (j, frame) in frames.iter().enumerate() {
                    bytes.extend(frame.clone().masked(*key).encode());
                    if j == 0 && ping.is_some() {
                        // A Ping after the first fragment: between fragments, or after a one-frame message.
                        bytes.extend(masked(OpCode::Ping, true, &[i as u8]));
                    }
                }
                if frames.len() == 1 {
                    want.push(whole);
                    want.extend(ping);
                } else {
                    want.extend(ping);
                    want.push(whole);
                }
            }
            bytes.extend(masked(OpCode::Close, true, &[0x03, 0xe8]));
            want.push(Ok((Incoming::Close(ClosePayload { code: Some(1000), reason: String::new() }), vec![0x03, 0xe8])));
            let got = run(bytes, pieces, LIMITS);
            proptest::prop_assert_eq!(&got[..want.len().min(got.len())], &want[..]);
        }
    }

    #[tokio::test]
    async fn compressed_messages_are_inflated_echoed_compressed_and_the_codecs_shed() {
        let config = wire::deflate::DeflateConfig {
            server_no_context_takeover: true,
            client_no_context_takeover: true,
            server_max_window_bits: 15,
            client_max_window_bits: 15,
            server_window_stated: false,
        };
        let (server, mut client) = duplex(1 << 20);
        let mut ws = WebSocket::new(server, Vec::new(), LIMITS, Some(config));
        let text = "compress me ".repeat(50);
        let packed = Compressor::new(false).compress(text.as_bytes());
        // Split in two frames: RSV1 on the first only.
        let (a, b) = packed.split_at(packed.len() / 2);
        let mut first = Frame::new(OpCode::Text, a.to_vec()).masked([1, 2, 3, 4]);
        first.rsv[0] = true;
        first.fin = false;
        client.write_all(&first.encode()).await.unwrap();
        client
            .write_all(&masked(OpCode::Continuation, true, b))
            .await
            .unwrap();
        assert_eq!(
            ws.next().await.unwrap(),
            Incoming::Message {
                text: true,
                compressed: true
            }
        );
        assert_eq!(ws.payload(), text.as_bytes());
        ws.send_back(OpCode::Text).await.unwrap();
        assert!(ws.holds_codecs());
        let mut head = [0u8; 2];
        client.read_exact(&mut head).await.unwrap();
        assert_eq!(head[0], 0xC1, "FIN, RSV1, text");
        let mut body = vec![0; usize::from(head[1])];
        client.read_exact(&mut body).await.unwrap();
        assert_eq!(
            Decompressor::new(false).decompress(&body, 1 << 20).unwrap(),
            text.as_bytes()
        );
        ws.shed();
        assert!(!ws.holds_codecs());
    }
}
