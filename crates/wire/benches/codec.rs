//! Masking and decoding throughput, next to tungstenite measured in the same run.
//!
//! `cargo bench -p wire --bench codec`. Groups:
//! - `mask_in_place`: wire's word-at-a-time masker vs the byte-by-byte definition.
//! - `encode_masked`: a masked frame to bytes (header + copy + mask); tungstenite's
//!   `Frame::format` is its public path to its masker.
//! - `decode_unmasked`: a stream of about 1 MiB of server frames, each to a frame
//!   with its payload (one socket per stream for tungstenite, as in real use).
//! - `decode_masked`: bytes of a client frame to a frame with its payload unmasked
//!   (wire only: tungstenite unmasks in its protocol layer with a private function).

use std::hint::black_box;
use std::io::Cursor;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tungstenite::protocol::frame::coding::{Data, OpCode as TOpCode};
use tungstenite::protocol::frame::{Frame as TFrame, FrameHeader as THeader, FrameSocket};
use wire::decode::{DecodeOptions, Decoded, decode};
use wire::frame::Frame;
use wire::mask::{apply_mask, apply_mask_bytewise};
use wire::opcode::OpCode;

const SIZES: [usize; 4] = [16, 1024, 64 * 1024, 1024 * 1024];
const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + 3) as u8).collect()
}

fn label(len: usize) -> String {
    match len {
        n if n >= 1024 * 1024 => format!("{}MiB", n / (1024 * 1024)),
        n if n >= 1024 => format!("{}KiB", n / 1024),
        n => format!("{n}B"),
    }
}

fn mask_in_place(c: &mut Criterion) {
    let mut g = c.benchmark_group("mask_in_place");
    for len in SIZES {
        let mut buf = payload(len);
        g.throughput(Throughput::Bytes(len as u64));
        g.bench_function(BenchmarkId::new("wire", label(len)), |b| {
            b.iter(|| apply_mask(black_box(&mut buf), KEY, 0))
        });
        g.bench_function(BenchmarkId::new("bytewise", label(len)), |b| {
            b.iter(|| apply_mask_bytewise(black_box(&mut buf), KEY, 0))
        });
    }
    g.finish();
}

fn encode_masked(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode_masked");
    for len in SIZES {
        let data = payload(len);
        let ours = Frame::new(OpCode::Binary, data.clone()).masked(KEY);
        let bytes: tungstenite::Bytes = data.into();
        g.throughput(Throughput::Bytes(len as u64));
        g.bench_function(BenchmarkId::new("wire", label(len)), |b| {
            b.iter(|| black_box(&ours).encode())
        });
        g.bench_function(BenchmarkId::new("tungstenite", label(len)), |b| {
            b.iter(|| {
                let header = THeader {
                    opcode: TOpCode::Data(Data::Binary),
                    mask: Some(KEY),
                    ..THeader::default()
                };
                let mut out = Vec::with_capacity(len + 14);
                TFrame::from_payload(header, bytes.clone())
                    .format(&mut out)
                    .unwrap();
                out
            })
        });
    }
    g.finish();
}

/// How many copies of a frame of `len` bytes make a stream of about 1 MiB
/// (at least one, at most 4096), so per-socket set-up is spread over many frames.
fn copies(len: usize) -> usize {
    ((1 << 20) / len.max(1)).clamp(1, 4096)
}

fn decode_unmasked(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode_unmasked");
    for len in SIZES {
        let one = Frame::new(OpCode::Binary, payload(len)).encode();
        let n = copies(len);
        let stream = one.repeat(n);
        let opts = DecodeOptions::default();
        g.throughput(Throughput::Bytes((len * n) as u64));
        g.bench_function(BenchmarkId::new("wire", label(len)), |b| {
            b.iter(|| {
                let mut at = 0;
                for _ in 0..n {
                    match decode(black_box(&stream[at..]), &opts) {
                        Ok(Decoded::Frame(f)) => at += f.consumed,
                        other => panic!("{other:?}"),
                    }
                }
            })
        });
        g.bench_function(BenchmarkId::new("tungstenite", label(len)), |b| {
            b.iter_batched(
                || FrameSocket::new(Cursor::new(stream.as_slice())),
                |mut socket| {
                    for _ in 0..n {
                        black_box(socket.read(None).unwrap().unwrap());
                    }
                    socket
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

fn decode_masked(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode_masked");
    for len in SIZES {
        let bytes = Frame::new(OpCode::Binary, payload(len))
            .masked(KEY)
            .encode();
        let opts = DecodeOptions::default();
        g.throughput(Throughput::Bytes(len as u64));
        g.bench_function(BenchmarkId::new("wire", label(len)), |b| {
            b.iter(|| decode(black_box(&bytes), &opts).unwrap())
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    mask_in_place,
    encode_masked,
    decode_unmasked,
    decode_masked
);
criterion_main!(benches);
