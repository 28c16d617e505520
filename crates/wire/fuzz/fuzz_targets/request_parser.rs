//! The opening-request checker, the server's answer and the URI parser on
//! arbitrary text: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wire::handshake::{check_request, check_response, respond};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let check = check_request(&text);
    let answer = respond(&check, &["chat"], Some(&wire::deflate::DeflatePolicy::default()));
    let _ = check_response(&answer.text, check.request.key.as_deref().unwrap_or(""), &["chat"], &[]);
    let _ = check_response(&text, "dGhlIHNhbXBsZSBub25jZQ==", &[], &[]);
    let _ = wire::uri::parse_uri(&text);
});
