//! The opening-request reader wslab-echo uses, fed arbitrary bytes in
//! arbitrary pieces: nothing may panic, and however the bytes are split the
//! reader finds the same head and the same bytes after it as when they come
//! at once. The first byte of the input sets the piece sizes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wire::handshake::{HeadRead, HeadReader};

const LIMIT: usize = 2048;

fn read(data: &[u8], sizes: &[usize]) -> HeadRead {
    let mut reader = HeadReader::new(LIMIT);
    let mut result = HeadRead::Incomplete;
    let mut at = 0;
    let mut i = 0;
    while at < data.len() {
        let n = sizes[i % sizes.len()].min(data.len() - at);
        let piece = &data[at..at + n];
        match &mut result {
            HeadRead::Incomplete => result = reader.push(piece),
            HeadRead::Complete { rest, .. } => rest.extend_from_slice(piece),
            HeadRead::TooLong => break,
        }
        at += n;
        i += 1;
    }
    result
}

fuzz_target!(|input: &[u8]| {
    let Some((&seed, data)) = input.split_first() else { return };
    let sizes = [1 + usize::from(seed % 7), 1 + usize::from(seed / 7 % 13), 1 + usize::from(seed / 91)];
    let pieces = read(data, &sizes);
    let whole = read(data, &[data.len().max(1)]);
    // Too long is decided per push, so only a found head must agree exactly.
    if let (HeadRead::Complete { .. }, HeadRead::Complete { .. }) = (&pieces, &whole) {
        assert_eq!(pieces, whole);
    }
    if let HeadRead::Complete { head, .. } = &whole {
        let check = wire::handshake::check_request(head);
        let _ = wire::handshake::respond(&check, &["chat"], Some(&wire::deflate::DeflatePolicy::default()));
    }
});
