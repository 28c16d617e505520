//! Properties that hold for every input, checked with proptest.

use proptest::prelude::*;
use wire::decode::{
    DecodeOptions, Decoded, DecodedHeader, FrameErrorKind, decode, decode_all, decode_header,
};
use wire::frame::{Frame, FrameHeader};
use wire::mask::{apply_mask, apply_mask_bytewise};
use wire::message::{Event, MessageKind, Reassembler, fragment};
use wire::opcode::OpCode;

fn payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => proptest::collection::vec(any::<u8>(), 0..130),
        1 => proptest::collection::vec(any::<u8>(), 65530..65540),
        1 => proptest::collection::vec(any::<u8>(), 126..2000),
    ]
}

/// Frames that break no rule (RSV bits allowed as if negotiated).
/// Bytes a decoder meets: mostly valid frames one after another (so the
/// frame-level comparisons run), some with one byte changed, some random.
fn stream_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..600),
        3 => (
            proptest::collection::vec(valid_frame(), 1..4),
            proptest::option::of((any::<usize>(), 1u8..=255)),
        )
            .prop_map(|(frames, change)| {
                let mut bytes: Vec<u8> = frames
                    .into_iter()
                    .flat_map(|mut f| {
                        f.rsv = [false; 3];
                        f.encode()
                    })
                    .collect();
                if let Some((at, x)) = change {
                    let i = at % bytes.len();
                    bytes[i] ^= x;
                }
                bytes
            }),
    ]
}

fn valid_frame() -> impl Strategy<Value = Frame> {
    (
        any::<bool>(),
        any::<[bool; 3]>(),
        0u8..16,
        proptest::option::of(any::<[u8; 4]>()),
        payload(),
    )
        .prop_map(|(fin, rsv, op, mask, mut payload)| {
            let mut opcode = OpCode::from_nibble(op);
            if opcode.is_reserved() {
                opcode = OpCode::Binary;
            }
            let fin = fin || opcode.is_control();
            if opcode.is_control() {
                payload.truncate(125);
            }
            if opcode == OpCode::Close {
                payload = if payload.len() < 2 {
                    Vec::new()
                } else {
                    [&1000u16.to_be_bytes()[..], b"bye"].concat()
                };
            }
            Frame {
                fin,
                rsv,
                opcode,
                mask,
                payload,
            }
        })
}

fn lenient() -> DecodeOptions {
    DecodeOptions {
        allowed_rsv: 0b111,
        max_payload: u64::MAX,
        ..DecodeOptions::default()
    }
}

proptest! {
    #[test]
    fn encode_then_decode_gives_the_frame_back(frame in valid_frame()) {
        let bytes = frame.encode();
        match decode(&bytes, &lenient()) {
            Ok(Decoded::Frame(d)) => {
                prop_assert_eq!(d.consumed, bytes.len());
                prop_assert_eq!(d.header, frame.header());
                prop_assert!(d.warnings.is_empty());
                prop_assert_eq!(d.frame, frame);
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn any_header_decodes_to_itself_or_names_the_rule_it_breaks(
        fin in any::<bool>(), rsv in any::<[bool; 3]>(), op in 0u8..16,
        mask in proptest::option::of(any::<[u8; 4]>()), len in prop_oneof![0u64..200, 60000u64..70000, any::<u64>()],
    ) {
        let header = FrameHeader::new(fin, rsv, OpCode::from_nibble(op), mask, len);
        let mut bytes = Vec::new();
        header.encode_into(&mut bytes);
        let opts = lenient();
        match decode_header(&bytes, &opts) {
            Ok(DecodedHeader::Complete { header: got, header_len, .. }) => {
                prop_assert_eq!(got, header);
                prop_assert_eq!(header_len, bytes.len());
            }
            Ok(DecodedHeader::Incomplete { .. }) => prop_assert!(false, "whole header reported incomplete"),
            Err(e) => {
                let broken = match e.kind {
                    FrameErrorKind::ReservedOpcode(_) => header.opcode.is_reserved(),
                    FrameErrorKind::FragmentedControl(_) => header.opcode.is_control() && !fin,
                    FrameErrorKind::ControlTooLong { .. } => header.opcode.is_control() && len > 125,
                    FrameErrorKind::LengthTopBit => len >> 63 == 1,
                    _ => false,
                };
                prop_assert!(broken, "{}", e);
            }
        }
    }

    #[test]
    fn decoding_never_panics_and_chunking_changes_nothing(
        bytes in stream_bytes(),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        role in proptest::option::of(prop_oneof![Just(wire::Role::Client), Just(wire::Role::Server)]),
    ) {
        let opts = DecodeOptions { sender: role, max_payload: 1 << 20, ..DecodeOptions::default() };
        let whole = decode(&bytes, &opts);
        let _ = decode_all(&bytes, &opts);
        for cut in cuts {
            let n = if bytes.is_empty() { 0 } else { cut % bytes.len() };
            let prefix = decode(&bytes[..n], &opts);
            match (&whole, &prefix) {
                // A frame that needs all of `consumed` cannot be complete in fewer bytes.
                (Ok(Decoded::Frame(f)), Ok(Decoded::Frame(g))) => prop_assert!(g.consumed <= n && f.consumed == g.consumed),
                (Ok(Decoded::Frame(f)), Ok(Decoded::Incomplete { needed })) => prop_assert!(n < f.consumed && *needed as usize <= f.consumed - n),
                (Ok(Decoded::Incomplete { .. }), Ok(Decoded::Incomplete { .. })) => {}
                // An error in a prefix is the same error the whole input has; only a
                // control frame's length may be known from the 7-bit field alone there
                // (126 or 127) and from the extended length in the whole input.
                (Err(a), Err(b)) => match (&a.kind, &b.kind) {
                    (
                        FrameErrorKind::ControlTooLong { opcode: oa, .. },
                        FrameErrorKind::ControlTooLong { opcode: ob, len: lb },
                    ) if a.offset == b.offset && oa == ob && (*lb == 126 || *lb == 127) => {}
                    _ => prop_assert_eq!(a, b),
                },
                // ... or one that the prefix cannot show yet: it starts past the cut, the
                // field it is about ends past it (a 64-bit length), or it is in a Close payload.
                (Err(a), Ok(Decoded::Incomplete { .. })) => prop_assert!(
                    a.offset >= n
                        || a.bits.is_some_and(|(first, count)| (first + count).div_ceil(8) > n as u64)
                        || matches!(a.kind, FrameErrorKind::Close(_)),
                    "{}", a
                ),
                (w, p) => prop_assert!(false, "whole {:?} but prefix of {} gives {:?}", w, n, p),
            }
        }
    }

    #[test]
    fn masking_twice_is_the_identity_and_fast_equals_bytewise(
        data in proptest::collection::vec(any::<u8>(), 0..300), key in any::<[u8; 4]>(), offset in 0usize..8,
    ) {
        let mut fast = data.clone();
        let mut slow = data.clone();
        apply_mask(&mut fast, key, offset);
        apply_mask_bytewise(&mut slow, key, offset);
        prop_assert_eq!(&fast, &slow);
        apply_mask(&mut fast, key, offset);
        prop_assert_eq!(fast, data);
    }

    #[test]
    fn fragment_then_reassemble_gives_the_message_back(
        text in ".{0,200}", bytes in proptest::collection::vec(any::<u8>(), 0..500), size in 1usize..50, ping_at in any::<usize>(),
    ) {
        for (kind, data, expected) in [
            (MessageKind::Text, text.as_bytes().to_vec(), Event::Text(text.clone())),
            (MessageKind::Binary, bytes.clone(), Event::Binary(bytes.clone())),
        ] {
            let mut frames = fragment(kind, &data, size);
            prop_assert!(frames.iter().all(|f| f.payload.len() <= size));
            prop_assert_eq!(frames.iter().filter(|f| f.fin).count(), 1);
            let at = ping_at % (frames.len() + 1);
            frames.insert(at, Frame::new(OpCode::Ping, b"p".to_vec()));
            let mut r = Reassembler::new(u64::MAX);
            let events: Vec<Event> = frames.into_iter().filter_map(|f| r.push(f).unwrap()).collect();
            prop_assert_eq!(events.len(), 2);
            prop_assert!(events.contains(&expected));
        }
    }
}

/// Any frame at all: reserved opcodes, stray RSV bits, long control frames,
/// masked or not, any Close payload.
fn any_frame() -> impl Strategy<Value = Frame> {
    (
        any::<bool>(),
        any::<[bool; 3]>(),
        0u8..16,
        proptest::option::of(any::<[u8; 4]>()),
        prop_oneof![
            4 => proptest::collection::vec(any::<u8>(), 0..130),
            1 => proptest::collection::vec(any::<u8>(), 126..300),
        ],
    )
        .prop_map(|(fin, rsv, op, mask, payload)| Frame {
            fin,
            rsv,
            opcode: OpCode::from_nibble(op),
            mask,
            payload,
        })
}

proptest! {
    /// The frame lab's rule list and the decoder come from the same rule
    /// functions: decoding fails exactly when a frame rule is broken, and
    /// with the first rule on the list.
    #[test]
    fn decoding_fails_exactly_when_the_rule_list_is_not_empty(
        frame in any_frame(),
        client in any::<bool>(),
        deflate in any::<bool>(),
    ) {
        use wire::rules::{Violation, violations_agreed};
        let sender = if client { wire::Role::Client } else { wire::Role::Server };
        // With permessage-deflate agreed RSV1 is allowed on a data message's
        // first frame and forbidden elsewhere (RFC 7692 §6); without, anywhere.
        let list = violations_agreed(&frame, sender, deflate);
        let frame_rules: Vec<&wire::decode::FrameError> = list
            .iter()
            .filter_map(|v| match v { Violation::Frame(e) => Some(e), Violation::Utf8(_) => None })
            .collect();
        match decode(&frame.encode(), &DecodeOptions::for_sender(sender).with_deflate(deflate)) {
            Ok(Decoded::Frame(_)) => prop_assert!(frame_rules.is_empty(), "{list:?}"),
            Ok(Decoded::Incomplete { .. }) => prop_assert!(false, "a whole frame is never incomplete"),
            Err(e) => {
                prop_assert!(!frame_rules.is_empty(), "decoder: {e}");
                match e.kind {
                    FrameErrorKind::ReservedBits { bits } => {
                        let listed = frame_rules.iter().fold(0, |acc, v| match v.kind {
                            FrameErrorKind::ReservedBits { bits } => acc | bits,
                            _ => acc,
                        });
                        prop_assert_eq!(bits, listed);
                    }
                    _ => prop_assert_eq!(&e, frame_rules[0]),
                }
            }
        }
    }
}

proptest! {
    /// Any text at all: parse_uri answers, and an error's position points
    /// into the text.
    #[test]
    fn uri_parsing_never_panics(text in "\\PC{0,60}", prefix in prop_oneof![Just(""), Just("ws://"), Just("wss://["), Just("http://")]) {
        let text = format!("{prefix}{text}");
        if let Err(e) = wire::uri::parse_uri(&text) {
            prop_assert!(e.position <= text.trim().chars().count(), "{}", e);
        }
        // The same text as page code might pass it, resolved against a page.
        for base in ["https://example.com/app/x?y", "http://[::1]:8080/"] {
            if let Err(e) = wire::uri::resolve_uri(&text, base) {
                prop_assert!(e.position <= text.trim().chars().count(), "{} on {}: {}", text, base, e);
            }
        }
    }
}

proptest! {
    /// permessage-deflate (RFC 7692): any messages, with or without context
    /// takeover, come back whole through a compressor and a decompressor.
    #[test]
    fn deflate_round_trips_any_messages(
        messages in proptest::collection::vec(
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..300),
                "[ab ]{0,400}".prop_map(String::into_bytes),
            ],
            1..6,
        ),
        takeover in any::<bool>(),
    ) {
        use wire::deflate::{Compressor, Decompressor};
        let mut c = Compressor::new(takeover);
        let mut d = Decompressor::new(takeover);
        for m in &messages {
            let packed = c.compress(m);
            prop_assert!(!packed.ends_with(&wire::deflate::SYNC_TAIL) || m.is_empty());
            prop_assert_eq!(&d.decompress(&packed, m.len()).unwrap(), m);
        }
    }

    /// Any bytes: decompressing answers (data or an error), within the limit.
    #[test]
    fn inflating_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200), limit in 0usize..5000) {
        if let Ok(out) = wire::deflate::Decompressor::new(false).decompress(&bytes, limit) {
            prop_assert!(out.len() <= limit);
        }
    }

    /// Any header text: parsing answers, and negotiating never panics.
    #[test]
    fn extension_headers_never_panic(text in "[a-z_=;, \"\\\\0-9-]{0,80}") {
        if let Ok(list) = wire::deflate::parse_extensions(&text) {
            let _ = wire::deflate::negotiate(&list, &wire::deflate::DeflatePolicy::default());
        }
    }
}

proptest! {
    /// Any two byte streams, in any pieces: reading a session never panics,
    /// and every byte of every record is explained by exactly one annotation.
    #[test]
    fn any_session_bytes_are_read_and_every_byte_explained_once(
        pieces in proptest::collection::vec((any::<bool>(), proptest::collection::vec(any::<u8>(), 0..80)), 0..12),
        head in any::<bool>(),
        deflate in any::<bool>(),
    ) {
        use wire::session::{Session, annotate};
        use wire::tap::Direction;
        let mut all: Vec<(Direction, u32, Vec<u8>)> = Vec::new();
        if head {
            all.push((Direction::FromClient, 0, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n".to_vec()));
            let answer: &[u8] = if deflate {
                b"HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"
            } else {
                b"HTTP/1.1 101 Switching Protocols\r\n\r\n"
            };
            all.push((Direction::FromServer, 0, answer.to_vec()));
        }
        for (i, (server, bytes)) in pieces.into_iter().enumerate() {
            let from = if server { Direction::FromServer } else { Direction::FromClient };
            all.push((from, i as u32, bytes));
        }
        let session = Session::from_streams(all.iter().map(|(d, t, b)| (*d, *t, b.as_slice())));
        let _ = session.titles();
        // Every byte pushed is in exactly one record, in order, per direction.
        for side in [Direction::FromClient, Direction::FromServer] {
            let pushed: Vec<u8> = all.iter().filter(|p| p.0 == side).flat_map(|p| p.2.clone()).collect();
            let kept: Vec<u8> = session.records.iter().filter(|r| r.from == side).flat_map(|r| r.bytes.clone()).collect();
            prop_assert_eq!(kept, pushed);
        }
        for r in &session.records {
            let mut at = 0;
            for a in annotate(r) {
                prop_assert_eq!(a.range.start, at);
                prop_assert!(a.range.end > a.range.start);
                at = a.range.end;
            }
            prop_assert_eq!(at, r.bytes.len());
        }
        // A file holds every record whole: what comes back is what went in.
        // (What stopped the reading is not part of the file format.)
        let back = Session::from_file(&session.to_file()).unwrap();
        prop_assert_eq!(back.records, session.records);
    }

    /// Any bytes as a file, any text as a link: an answer, never a panic.
    #[test]
    fn any_file_or_link_is_answered(bytes in proptest::collection::vec(any::<u8>(), 0..200), text in "[A-Za-z0-9_-]{0,80}") {
        let mut file = wire::session::FILE_MAGIC.to_vec();
        file.push(1);
        file.extend_from_slice(&bytes);
        let _ = wire::session::Session::from_file(&file);
        let _ = wire::session::Session::from_file(&bytes);
        let _ = wire::session::Session::from_link(&text);
    }
}
