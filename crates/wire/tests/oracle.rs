//! tungstenite as an independent oracle: frames encoded here decode the same
//! with tungstenite's parser, and frames tungstenite encodes decode the same here.

use std::io::Cursor;

use proptest::prelude::*;
use tungstenite::protocol::frame::coding::{Control, Data, OpCode as TOpCode};
use tungstenite::protocol::frame::{Frame as TFrame, FrameHeader as THeader, FrameSocket};
use wire::decode::{DecodeOptions, Decoded, decode};
use wire::frame::Frame;
use wire::opcode::OpCode;

fn to_theirs(op: OpCode) -> TOpCode {
    match op {
        OpCode::Continuation => TOpCode::Data(Data::Continue),
        OpCode::Text => TOpCode::Data(Data::Text),
        OpCode::Binary => TOpCode::Data(Data::Binary),
        OpCode::Close => TOpCode::Control(Control::Close),
        OpCode::Ping => TOpCode::Control(Control::Ping),
        OpCode::Pong => TOpCode::Control(Control::Pong),
        OpCode::ReservedData(n) => TOpCode::Data(Data::Reserved(n)),
        OpCode::ReservedControl(n) => TOpCode::Control(Control::Reserved(n)),
    }
}

fn frame() -> impl Strategy<Value = Frame> {
    let payload = prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..126),
        1 => proptest::collection::vec(any::<u8>(), 126..1000),
        1 => proptest::collection::vec(any::<u8>(), 65535..65540),
    ];
    (
        any::<bool>(),
        any::<[bool; 3]>(),
        prop::sample::select(vec![0u8, 1, 2, 9, 10]),
        proptest::option::of(any::<[u8; 4]>()),
        payload,
    )
        .prop_map(|(fin, rsv, op, mask, mut payload)| {
            let opcode = OpCode::from_nibble(op);
            if opcode.is_control() {
                payload.truncate(125);
            }
            Frame {
                fin: fin || opcode.is_control(),
                rsv,
                opcode,
                mask,
                payload,
            }
        })
}

proptest! {
    #[test]
    fn ours_decoded_by_tungstenite(frame in frame()) {
        let bytes = frame.encode();
        let mut cursor = Cursor::new(&bytes);
        let (header, len) = THeader::parse(&mut cursor).unwrap().expect("complete header");
        prop_assert_eq!(header.is_final, frame.fin);
        prop_assert_eq!([header.rsv1, header.rsv2, header.rsv3], frame.rsv);
        prop_assert_eq!(header.opcode, to_theirs(frame.opcode));
        prop_assert_eq!(header.mask, frame.mask);
        prop_assert_eq!(len, frame.payload.len() as u64);
        prop_assert_eq!(cursor.position() as usize, frame.header().encoded_len());

        // tungstenite's frame reader hands the payload over still masked.
        let theirs = FrameSocket::new(Cursor::new(bytes.clone())).read(None).unwrap().expect("a frame");
        let mut payload = theirs.payload().to_vec();
        if let Some(key) = frame.mask {
            wire::mask::apply_mask(&mut payload, key, 0);
        }
        prop_assert_eq!(payload, frame.payload);
    }

    #[test]
    fn tungstenites_decoded_by_ours(frame in frame()) {
        let header = THeader { is_final: frame.fin, rsv1: frame.rsv[0], rsv2: frame.rsv[1], rsv3: frame.rsv[2], opcode: to_theirs(frame.opcode), mask: frame.mask };
        let mut bytes = Vec::new();
        TFrame::from_payload(header, frame.payload.clone().into()).format(&mut bytes).unwrap();
        prop_assert_eq!(&bytes, &frame.encode());
        let opts = DecodeOptions { allowed_rsv: 0b111, ..DecodeOptions::default() };
        match decode(&bytes, &opts) {
            Ok(Decoded::Frame(d)) => {
                prop_assert_eq!(d.consumed, bytes.len());
                prop_assert_eq!(d.frame, frame);
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }
}
