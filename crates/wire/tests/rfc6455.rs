//! RFC 6455's own examples, byte for byte, and one table row per rule a
//! decoder enforces.

use wire::decode::{
    DecodeOptions, Decoded, FrameErrorKind, Role, RunEnd, Warning, decode, decode_all,
};
use wire::examples::rfc_5_7;
use wire::frame::{Frame, LengthForm};
use wire::message::{Event, Reassembler};
use wire::opcode::OpCode;

fn hex(s: &str) -> Vec<u8> {
    wire::hex::parse_hex(s).expect("the table's hex is valid")
}

#[test]
fn section_5_7_examples_encode_byte_for_byte() {
    let hello = b"Hello".to_vec();
    let key = [0x37, 0xfa, 0x21, 0x3d];
    let built: Vec<Vec<u8>> = vec![
        Frame::new(OpCode::Text, hello.clone()).encode(),
        Frame::new(OpCode::Text, hello.clone()).masked(key).encode(),
        [
            Frame {
                fin: false,
                ..Frame::new(OpCode::Text, b"Hel".to_vec())
            }
            .encode(),
            Frame::new(OpCode::Continuation, b"lo".to_vec()).encode(),
        ]
        .concat(),
        Frame::new(OpCode::Ping, hello.clone()).encode(),
        Frame::new(OpCode::Pong, hello).masked(key).encode(),
        Frame::new(OpCode::Binary, vec![0; 256]).encode(),
        Frame::new(OpCode::Binary, vec![0; 65536]).encode(),
    ];
    assert_eq!(rfc_5_7().len(), built.len(), "one built frame per example");
    for (example, bytes) in rfc_5_7().iter().zip(built) {
        assert_eq!(example.bytes, bytes, "{}", example.name);
    }
    assert_eq!(rfc_5_7()[1].bytes, hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
}

#[test]
fn section_5_7_examples_decode_to_their_messages() {
    let expected = [
        vec![Event::Text("Hello".into())],
        vec![Event::Text("Hello".into())],
        vec![Event::Text("Hello".into())],
        vec![Event::Ping(b"Hello".to_vec())],
        vec![Event::Pong(b"Hello".to_vec())],
        vec![Event::Binary(vec![0; 256])],
        vec![Event::Binary(vec![0; 65536])],
    ];
    assert_eq!(
        rfc_5_7().len(),
        expected.len(),
        "one expectation per example"
    );
    for (example, expected) in rfc_5_7().iter().zip(expected) {
        let run = decode_all(&example.bytes, &DecodeOptions::for_sender(example.sender));
        assert_eq!(run.end, RunEnd::Clean, "{}", example.name);
        let mut r = Reassembler::new(1 << 20);
        let events: Vec<Event> = run
            .frames
            .into_iter()
            .filter_map(|(_, f)| r.push(f.frame).unwrap())
            .collect();
        assert_eq!(events, expected, "{}", example.name);
    }
}

#[test]
fn partial_input_says_how_many_bytes_are_missing() {
    let masked = &rfc_5_7()[1].bytes;
    let opts = DecodeOptions::for_sender(Role::Client);
    let needed: Vec<u64> = (0..masked.len())
        .map(|n| match decode(&masked[..n], &opts) {
            Ok(Decoded::Incomplete { needed }) => needed,
            other => panic!("{n} bytes: {other:?}"),
        })
        .collect();
    // 0 and 1 bytes: the header is at least 2; then 4 key bytes; then 5 payload bytes.
    assert_eq!(needed, [2, 1, 4, 3, 2, 1, 5, 4, 3, 2, 1]);
}

/// One rule a decoder enforces: the bytes that break it, and what it must say.
struct Row {
    what: &'static str,
    bytes: &'static str,
    sender: Option<Role>,
    offset: usize,
    bit: Option<u64>,
    code: u16,
    kind: fn(&FrameErrorKind) -> bool,
}

/// `row!(what, hex, sender, byte N, bit B, close C, kind pattern)`: one line a rule.
macro_rules! row {
    ($what:literal, $hex:literal, $from:expr, byte $at:literal, bit $bit:expr, close $code:literal, $kind:pat) => {
        Row {
            what: $what,
            bytes: $hex,
            sender: $from,
            offset: $at,
            bit: $bit,
            code: $code,
            kind: |k| matches!(k, $kind),
        }
    };
}

#[test]
fn every_rule_is_named_with_its_byte_and_bit() {
    use FrameErrorKind as K;
    let client = Some(Role::Client);
    let server = Some(Role::Server);
    let rows = [
        row!("RSV1 without extension", "c1 00", None, byte 0, bit Some(1), close 1002, K::ReservedBits { bits: 1 }),
        row!("RSV3 without extension", "91 00", None, byte 0, bit Some(3), close 1002, K::ReservedBits { bits: 4 }),
        row!("reserved data opcode", "83 00", None, byte 0, bit Some(4), close 1002, K::ReservedOpcode(3)),
        row!("reserved control opcode", "8b 00", None, byte 0, bit Some(4), close 1002, K::ReservedOpcode(0xb)),
        row!("fragmented ping", "09 00", None, byte 0, bit Some(0), close 1002, K::FragmentedControl("Ping")),
        row!("ping of 126 bytes", "89 7e 00 7e", None, byte 1, bit Some(9), close 1002, K::ControlTooLong { len: 126, .. }),
        row!("64-bit length with top bit", "82 7f 80 00 00 00 00 00 00 00", None, byte 2, bit Some(16), close 1002, K::LengthTopBit),
        row!("unmasked client frame", "81 00", client, byte 1, bit Some(8), close 1002, K::UnmaskedClientFrame),
        row!("masked server frame", "81 80 00 00 00 00", server, byte 1, bit Some(8), close 1002, K::MaskedServerFrame),
        row!("close payload of 1 byte", "88 01 03", None, byte 2, bit None, close 1002, K::Close(_)),
        row!("close code 1005 on the wire", "88 02 03 ed", None, byte 2, bit None, close 1002, K::Close(_)),
        row!("close reason not UTF-8", "88 03 03 e8 ff", None, byte 4, bit None, close 1007, K::Close(_)),
        row!("payload over the limit", "82 7f 00 00 00 01 00 00 00 00", None, byte 1, bit Some(9), close 1009, K::PayloadTooLarge { .. }),
    ];
    for Row {
        what,
        bytes,
        sender,
        offset,
        bit,
        code,
        kind,
    } in &rows
    {
        let opts = DecodeOptions {
            sender: *sender,
            ..DecodeOptions::default()
        };
        let err = decode(&hex(bytes), &opts).expect_err(what);
        assert_eq!(err.offset, *offset, "{what}: {err}");
        assert_eq!(err.bits.map(|b| b.0), *bit, "{what}: {err}");
        assert_eq!(err.close_code(), *code, "{what}: {err}");
        assert!(kind(&err.kind), "{what}: {err}");
        assert!(
            err.to_string().contains("RFC 6455 §")
                || matches!(err.kind, FrameErrorKind::PayloadTooLarge { .. }),
            "{what}: {err}"
        );
    }
}

#[test]
fn non_minimal_length_is_a_warning_by_default_and_an_error_when_strict() {
    let bytes = hex("82 7e 00 05 01 02 03 04 05");
    match decode(&bytes, &DecodeOptions::default()).unwrap() {
        Decoded::Frame(f) => {
            assert_eq!(f.frame.payload, [1, 2, 3, 4, 5]);
            assert_eq!(
                f.warnings,
                [Warning::NonMinimalLength {
                    len: 5,
                    used: LengthForm::Medium,
                    minimal: LengthForm::Short
                }]
            );
        }
        other => panic!("{other:?}"),
    }
    let strict = DecodeOptions {
        strict_length: true,
        ..DecodeOptions::default()
    };
    assert!(matches!(
        decode(&bytes, &strict).unwrap_err().kind,
        FrameErrorKind::NonMinimalLength { .. }
    ));
}

#[test]
fn a_length_of_2_to_the_63_is_rejected_without_allocating() {
    let bytes = hex("82 7f 80 00 00 00 00 00 00 00");
    let limitless = DecodeOptions {
        max_payload: u64::MAX,
        ..DecodeOptions::default()
    };
    assert!(matches!(
        decode(&bytes, &limitless).unwrap_err().kind,
        FrameErrorKind::LengthTopBit
    ));
    let just_below = hex("82 7f 7f ff ff ff ff ff ff ff");
    assert_eq!(
        decode(&just_below, &limitless),
        Ok(Decoded::Incomplete {
            needed: (1 << 63) - 1
        })
    );
}

#[test]
fn allowed_rsv_bits_pass() {
    let opts = DecodeOptions {
        allowed_rsv: 0b001,
        ..DecodeOptions::default()
    };
    assert!(matches!(
        decode(&hex("c1 00"), &opts),
        Ok(Decoded::Frame(_))
    ));
}

#[test]
fn splitter_gives_the_same_frames_whatever_the_pieces() {
    use wire::decode::{Split, Splitter};
    let stream: Vec<u8> = rfc_5_7()
        .iter()
        .filter(|e| e.sender == Role::Server)
        .flat_map(|e| e.bytes.clone())
        .collect();
    let whole: Vec<Split> = Splitter::new(DecodeOptions::for_sender(Role::Server)).push(&stream);
    assert_eq!(whole.len(), 6);
    for size in [1, 2, 3, 7, 100, 4096] {
        let mut s = Splitter::new(DecodeOptions::for_sender(Role::Server));
        let pieces: Vec<Split> = stream.chunks(size).flat_map(|c| s.push(c)).collect();
        assert_eq!(pieces, whole, "pieces of {size}");
    }
    let mut s = Splitter::new(DecodeOptions::for_sender(Role::Client));
    assert!(matches!(s.push(&stream)[0], Split::Error(_)));
    assert!(s.failed() && s.push(&stream).is_empty());
}
