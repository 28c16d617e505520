//! permessage-deflate (RFC 7692) on arbitrary input: extension headers are
//! parsed, negotiated and checked as answers; payloads are inflated within a
//! limit. Nothing may panic, and no output passes the limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wire::deflate::{DeflateOffer, DeflatePolicy, Decompressor, check_deflate_response, negotiate, parse_extensions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(list) = parse_extensions(&text) {
        let _ = negotiate(&list, &DeflatePolicy::default());
        let offers: Vec<DeflateOffer> = list.iter().filter_map(|e| DeflateOffer::parse(e).ok()).collect();
        for e in &list {
            let _ = check_deflate_response(e, &offers);
        }
    }
    for takeover in [false, true] {
        let mut d = Decompressor::new(takeover);
        for part in data.split(|&b| b == 0xA5) {
            if let Ok(out) = d.decompress(part, 4096) {
                assert!(out.len() <= 4096);
            }
        }
    }
});
