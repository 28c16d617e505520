//! permessage-deflate at every size that sits on a buffer boundary: messages
//! of n − 1, n and n + 1 bytes for every power of two n from 1 to 16 MiB, of
//! incompressible, compressible and mixed data, with and without context
//! takeover, with several window sizes, whole and in 256-byte frames. Every
//! message is compressed by wire and inflated by an independent inflater
//! (CPython's zlib, the reference implementation), and the other way round,
//! and every byte is compared.
//!
//! `WSLAB_DEFLATE_MAX` sets the largest power of two (default 1 MiB, so the
//! run fits in CI; `WSLAB_DEFLATE_MAX=16777216` for the whole range).

use std::io::Write;
use std::process::{Command, Stdio};

use wire::deflate::{Compressor, Decompressor, InflateStep, MessageInflater};
use wire::frame::Frame;
use wire::opcode::OpCode;

/// Every size around a power of two, up to `max`.
fn sizes(max: usize) -> Vec<usize> {
    let mut out: Vec<usize> = (0..=24)
        .map(|k| 1usize << k)
        .take_while(|n| *n <= max)
        .flat_map(|n| [n - 1, n, n + 1])
        .collect();
    out.dedup();
    out
}

fn max_size() -> usize {
    std::env::var("WSLAB_DEFLATE_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1 << 20)
}

/// A deterministic byte source (xorshift), so a failure names its message.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Random bytes: DEFLATE falls back to stored blocks.
    Incompressible,
    /// JSON-like text: long matches, high ratio.
    Compressible,
    /// A grey-scale picture with noise, stretches of random bytes and of text:
    /// every block type, matches crossing them.
    Mixed,
}

fn data(kind: Kind, len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    let mut out = Vec::with_capacity(len);
    match kind {
        Kind::Incompressible => {
            while out.len() < len {
                out.extend_from_slice(&rng.next().to_le_bytes());
            }
        }
        Kind::Compressible => {
            let mut i = 0u64;
            while out.len() < len {
                let r = rng.next();
                out.extend_from_slice(
                    format!(
                        "{{\"id\":{i},\"name\":\"user{}\",\"active\":{},\"score\":{}}},",
                        r % 1000,
                        r.is_multiple_of(2),
                        r % 97
                    )
                    .as_bytes(),
                );
                i += 1;
            }
        }
        Kind::Mixed => {
            let mut x = 0usize;
            while out.len() < len {
                match (rng.next() % 3, x) {
                    (0, _) => {
                        for _ in 0..512 {
                            out.push(((x % 512) / 2) as u8 ^ (rng.next() % 4) as u8);
                            x += 1;
                        }
                    }
                    (1, _) => {
                        for _ in 0..(rng.next() % 700) {
                            out.push(rng.next() as u8);
                        }
                    }
                    _ => out.extend_from_slice(b"the quick brown fox jumps over the lazy dog. "),
                }
            }
        }
    }
    out.truncate(len);
    out
}

/// One stream of messages through one codec pair.
#[derive(Debug, Clone, Copy)]
struct Stream {
    kind: Kind,
    takeover: bool,
    window_bits: u8,
    fragmented: bool,
}

fn streams() -> Vec<Stream> {
    let mut out = Vec::new();
    for kind in [Kind::Incompressible, Kind::Compressible, Kind::Mixed] {
        for takeover in [false, true] {
            for (window_bits, fragmented) in
                [(15, false), (15, true), (8, false), (9, true), (12, false)]
            {
                out.push(Stream {
                    kind,
                    takeover,
                    window_bits,
                    fragmented,
                });
            }
        }
    }
    out
}

/// Inflates `packed` through a [`MessageInflater`], the way the wire view
/// and the frame lab follow frames: whole, or in 256-byte frames.
fn inflate_frames(inflater: &mut MessageInflater, packed: &[u8], fragmented: bool) -> Vec<u8> {
    let pieces: Vec<&[u8]> = if fragmented && !packed.is_empty() {
        packed.chunks(256).collect()
    } else {
        vec![packed]
    };
    let last = pieces.len() - 1;
    for (i, piece) in pieces.into_iter().enumerate() {
        let mut frame = Frame::new(
            if i == 0 {
                OpCode::Binary
            } else {
                OpCode::Continuation
            },
            piece.to_vec(),
        );
        frame.rsv[0] = i == 0;
        frame.fin = i == last;
        match inflater.push(&frame) {
            InflateStep::Done(m) => return m.message.expect("wire inflates its own message"),
            InflateStep::Gathering if i < last => {}
            other => panic!("frame {i} of {last}: {other:?}"),
        }
    }
    unreachable!("the last frame finishes the message")
}

/// Runs CPython with `script`, feeding it `input`; its standard output.
fn python(script: &str, input: &[u8]) -> Vec<u8> {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 runs (the independent zlib this test compares with)");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "python3 failed");
    out.stdout
}

/// Records of `u32 LE length` + bytes.
fn put(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.extend_from_slice(&u32::try_from(bytes.len()).unwrap().to_le_bytes());
    buf.extend_from_slice(bytes);
}

/// The record [`put`] wrote at `pos`; moves `pos` past it.
fn take<'a>(buf: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let len = u32::from_le_bytes(buf[*pos..*pos + 4].try_into().unwrap()) as usize;
    let record = &buf[*pos + 4..*pos + 4 + len];
    *pos += 4 + len;
    record
}

/// A stream's header for the Python side: whether it keeps its window, the
/// window zlib uses for it (at least 9 bits), and how many messages follow.
fn put_stream(buf: &mut Vec<u8>, stream: &Stream, count: usize) {
    buf.extend_from_slice(&[u8::from(stream.takeover), stream.window_bits.max(9)]);
    buf.extend_from_slice(&u32::try_from(count).unwrap().to_le_bytes());
}

const READ_RECORDS: &str = r#"
import sys, zlib, struct
data = sys.stdin.buffer.read(); pos = 0
out = sys.stdout.buffer
def take():
    global pos
    n, = struct.unpack_from('<I', data, pos); pos += 4
    b = data[pos:pos + n]; pos += n
    return b
def streams():
    global pos
    while pos < len(data):
        takeover, bits = data[pos], data[pos + 1]; pos += 2
        count, = struct.unpack_from('<I', data, pos); pos += 4
        yield takeover, bits, count
"#;

/// wire compresses each stream's messages; CPython's zlib inflates them (one
/// decompressobj per stream, kept across messages when the stream keeps its
/// window) and answers the inflated bytes, which must be the messages.
fn wire_compresses_zlib_inflates(streams: &[(Stream, Vec<usize>)]) {
    let mut input = Vec::new();
    let mut want = Vec::new();
    for (s, (stream, sizes)) in streams.iter().enumerate() {
        let mut c = Compressor::with_window_bits(stream.takeover, stream.window_bits);
        let mut ours = MessageInflater::new(stream.takeover, 1 << 25);
        put_stream(&mut input, stream, sizes.len());
        for &n in sizes {
            let message = data(stream.kind, n, (s * 1000 + n) as u64);
            let packed = c.compress(&message);
            assert!(
                !packed.ends_with(&wire::deflate::SYNC_TAIL) || n == 0,
                "{stream:?} {n}: the flush's tail is dropped"
            );
            assert_eq!(
                inflate_frames(&mut ours, &packed, stream.fragmented),
                message,
                "{stream:?}, {n} bytes: wire's own inflater"
            );
            put(&mut input, &packed);
            want.push((*stream, n, message));
        }
    }
    let script = format!(
        "{READ_RECORDS}
for takeover, bits, count in streams():
    d = zlib.decompressobj(-bits)
    for _ in range(count):
        if not takeover: d = zlib.decompressobj(-bits)
        m = d.decompress(take() + b'\\x00\\x00\\xff\\xff')
        out.write(struct.pack('<I', len(m))); out.write(m)
"
    );
    let answer = python(&script, &input);
    let mut pos = 0;
    for (stream, n, message) in want {
        let got = take(&answer, &mut pos);
        assert_eq!(
            got.len(),
            n,
            "{stream:?}: zlib inflated {n} bytes to {}",
            got.len()
        );
        assert!(got == message, "{stream:?}, {n} bytes: zlib's bytes differ");
    }
    assert_eq!(pos, answer.len());
}

#[test]
fn every_size_wire_compresses_zlib_inflates_every_byte() {
    let sizes = sizes(max_size());
    let streams: Vec<_> = streams().into_iter().map(|s| (s, sizes.clone())).collect();
    wire_compresses_zlib_inflates(&streams);
}

/// Encoders end DEFLATE blocks inside a message where their own buffers fill
/// (for nearly incompressible data, miniz_oxide every 31,745 bytes, whose
/// sync flush then came out incomplete when a message ended just past such a
/// block: 65,536-byte slices of a BMP picture came back short). Every size
/// across two such places, whatever the encoder's own boundaries.
#[test]
fn sizes_past_an_encoders_block_boundaries_inflate_whole() {
    let mut sizes: Vec<usize> = (31_600..=32_200).collect();
    sizes.extend((63_300..=63_800).step_by(2));
    let streams: Vec<_> = [Kind::Incompressible, Kind::Mixed]
        .into_iter()
        .map(|kind| {
            (
                Stream {
                    kind,
                    takeover: false,
                    window_bits: 15,
                    fragmented: false,
                },
                sizes.clone(),
            )
        })
        .collect();
    wire_compresses_zlib_inflates(&streams);
}

/// CPython's zlib compresses (as a client limited to the stream's window
/// would); wire inflates, whole and in 256-byte frames.
#[test]
fn every_size_zlib_compresses_wire_inflates_every_byte() {
    let sizes = sizes(max_size());
    let mut input = Vec::new();
    let mut want = Vec::new();
    for (s, stream) in streams().into_iter().enumerate() {
        put_stream(&mut input, &stream, sizes.len());
        for &n in &sizes {
            let message = data(stream.kind, n, (s * 1000 + n) as u64 + 7);
            put(&mut input, &message);
            want.push((stream, message));
        }
    }
    let script = format!(
        "{READ_RECORDS}
for takeover, bits, count in streams():
    c = zlib.compressobj(6, zlib.DEFLATED, -bits)
    for _ in range(count):
        if not takeover: c = zlib.compressobj(6, zlib.DEFLATED, -bits)
        z = c.compress(take()) + c.flush(zlib.Z_SYNC_FLUSH)
        assert z.endswith(b'\\x00\\x00\\xff\\xff')
        z = z[:-4]
        out.write(struct.pack('<I', len(z))); out.write(z)
"
    );
    let answer = python(&script, &input);
    let mut pos = 0;
    let mut inflaters: Vec<(Decompressor, MessageInflater)> = Vec::new();
    let mut last: Option<usize> = None;
    for (i, (stream, message)) in want.iter().enumerate() {
        let s = i / sizes.len();
        if last != Some(s) {
            inflaters.push((
                Decompressor::with_window_bits(stream.takeover, stream.window_bits),
                MessageInflater::new(stream.takeover, 1 << 25),
            ));
            last = Some(s);
        }
        let packed = take(&answer, &mut pos);
        let (d, frames) = inflaters.last_mut().unwrap();
        let got = d.decompress(packed, 1 << 25).unwrap();
        assert_eq!(
            got.len(),
            message.len(),
            "{stream:?}: wire inflated {} bytes to {}",
            message.len(),
            got.len()
        );
        assert!(
            &got == message,
            "{stream:?}, {} bytes: wire's bytes differ",
            message.len()
        );
        assert!(
            &inflate_frames(frames, packed, stream.fragmented) == message,
            "{stream:?}, {} bytes in frames",
            message.len()
        );
    }
    assert_eq!(pos, answer.len());
}

/// The sizes cover every power of two up to the maximum, and its neighbours.
#[test]
fn the_sizes_sit_on_every_boundary() {
    let s = sizes(1 << 24);
    assert_eq!(s.len(), 25 * 3 - 1);
    assert!(s.contains(&65_535) && s.contains(&65_536) && s.contains(&65_537));
    assert_eq!(s.last(), Some(&((1 << 24) + 1)));
}
