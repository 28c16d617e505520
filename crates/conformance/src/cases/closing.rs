//! The closing handshake (§5.5.1, §7): Closes after messages, Close payloads, every kind of close code.

use super::*;

/// Close codes worth trying: each kind of range edge. Valid or not is `wire`'s answer.
const CODES: &[u16] = &[
    0, 999, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013,
    1014, 1015, 1016, 1100, 2000, 2999, 3000, 3999, 4000, 4999, 5000, 65535,
];

/// Why a server may answer a Close without echoing the message before it.
const CLOSE_AT_ONCE: &str = "§5.5.1: the Close reply SHOULD go out \"as soon as practical\", and once it is sent no data frame may follow; the \"MAY delay\" clause covers only a message the server is already sending, so answering the Close without the echo is allowed";

pub(super) fn closing(c: &mut Catalogue) {
    c.group(Group::Closing);
    c.sub(
        "RFC 6455 §5.5.1, §7.1.1–§7.1.3",
        "After sending or answering a Close, an endpoint sends no more data, and a server closes the TCP connection first. A server that keeps echoing after the Close, or leaves the socket open, leaks connections and confuses clients waiting for the end.",
        rfc::CLOSE_REPLY,
    );
    c.add("A text message, then a Close", || Body {
        steps: vec![send(vec![text("Hello"), close(1000, b"")])],
        expect: Expect::Closes {
            before: vec![t("Hello")],
            codes: vec![Some(1000)],
            silence_ok: Some(CLOSE_AT_ONCE),
        },
    });
    c.add("A Close, then a second Close", || {
        closes(
            vec![send(vec![close(1000, b""), close(1000, b"again")])],
            vec![],
            &[Some(1000)],
        )
    });
    c.add("A Close, then a Ping (not answered)", || {
        closes(
            vec![send(vec![close(1000, b""), ping("too late")])],
            vec![],
            &[Some(1000)],
        )
    });
    c.add("A Close, then a text message (not echoed)", || {
        closes(
            vec![send(vec![close(1000, b""), text("too late")])],
            vec![],
            &[Some(1000)],
        )
    });
    c.add("A fragment, a Close, then the last fragment", || {
        closes(
            vec![send(vec![
                frame(OpCode::Text, false, "frag"),
                close(1000, b""),
                frame(OpCode::Continuation, true, "ment"),
            ])],
            vec![],
            &[Some(1000)],
        )
    });
    c.add("A message of 256 KiB, then a Close at once", || Body {
        steps: vec![send(vec![text(ascii(256 << 10)), close(1000, b"")])],
        expect: Expect::Closes {
            before: vec![t(ascii(256 << 10))],
            codes: vec![Some(1000)],
            silence_ok: Some(CLOSE_AT_ONCE),
        },
    });
    c.sub(
        "RFC 6455 §5.5, §5.5.1",
        "A Close payload is empty, or a 2-byte code followed by a UTF-8 reason, 125 bytes in all. One byte cannot hold a code, a longer payload breaks the control-frame limit and a reason that is not UTF-8 is invalid data.",
        rfc::CLOSE_REPLY,
    );
    c.add("A Close with an empty payload", || {
        closes(
            vec![send(vec![frame(OpCode::Close, true, vec![])])],
            vec![],
            &[None, Some(1000)],
        )
    });
    c.basis(Basis::no_must(rfc::CLOSE_BODY));
    c.add("A Close with a 1-byte payload", || Body {
        steps: vec![send(vec![frame(OpCode::Close, true, vec![0x03])])],
        // §5.5.1's MUST binds the sender of the body; no sentence tells the receiver what to do.
        expect: Expect::Fails {
            before: vec![],
            codes: PROTOCOL_ERROR.to_vec(),
            fast: false,
            must: false,
        },
    });
    c.basis(Basis::must(rfc::CLOSE_REPLY));
    c.add("A Close with code 1000 and no reason", || {
        closes(vec![send(vec![close(1000, b"")])], vec![], &[Some(1000)])
    });
    c.add("A Close with code 1000 and a short reason", || {
        closes(
            vec![send(vec![close(1000, b"Hello World!")])],
            vec![],
            &[Some(1000)],
        )
    });
    c.add(
        format!("A Close with a reason of {MAX_REASON} bytes ({MAX} in all)"),
        || {
            closes(
                vec![send(vec![close(1000, &ascii(MAX_REASON))])],
                vec![],
                &[Some(1000)],
            )
        },
    );
    c.basis(Basis::must(rfc::VALIDATE));
    c.add(
        format!(
            "A Close with a reason of {} bytes ({} in all)",
            MAX_REASON + 1,
            MAX + 1
        ),
        || {
            fails(
                vec![send(vec![close(1000, &ascii(MAX_REASON + 1))])],
                vec![],
                PROTOCOL_ERROR,
            )
        },
    );
    c.basis(Basis::must(rfc::CLOSE_REPLY));
    c.add("A Close with a reason in Greek", || {
        closes(
            vec![send(vec![close(1000, "κόσμε".as_bytes())])],
            vec![],
            &[Some(1000)],
        )
    });
    c.basis(Basis::must(rfc::UTF8));
    c.add("A Close whose reason is not UTF-8", || {
        fails(
            vec![send(vec![close(
                1000,
                b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited",
            )])],
            vec![],
            INVALID_DATA,
        )
    });
    c.sub(
        "RFC 6455 §7.4.1, §7.4.2; IANA WebSocket Close Code Number Registry",
        "Codes 1000–1003, 1007–1011 (and the registered 1012–1014) and 3000–4999 may be sent; 1004–1006 and 1015 never appear on the wire, and 0–999, the unassigned 1016–2999 and anything above 4999 are protocol errors. Echoing the peer's code back, or 1000, ends the handshake cleanly.",
        rfc::CLOSE_REPLY,
    );
    for &code in CODES.iter().filter(|c| is_valid_on_wire(**c)) {
        c.add(
            format!("A Close with code {code} (may be sent)"),
            move || {
                closes(
                    vec![send(vec![close(code, b"")])],
                    vec![],
                    &[Some(code), Some(1000)],
                )
            },
        );
    }
    for &code in CODES.iter().filter(|c| !is_valid_on_wire(**c)) {
        let undefined = code > 4999;
        // No sentence tells the receiver of a code it may not be sent what to
        // do; §7.4.2 does not even define the codes above 4999.
        c.basis(if undefined {
            Basis::INFO
        } else {
            Basis::no_must(rfc::CLOSE_CODE_UNDEFINED)
        });
        c.add(format!("A Close with code {code} (may not be sent)"), move || {
            let steps = vec![send(vec![close(code, b"")])];
            if undefined {
                Body {
                    steps,
                    expect: Expect::Either(
                        "RFC 6455 §7.4.2 defines no status code above 4999 and puts no duty on a receiver that gets one",
                    ),
                }
            } else {
                Body {
                    steps,
                    expect: Expect::Fails {
                        before: vec![],
                        codes: PROTOCOL_ERROR.to_vec(),
                        fast: false,
                        must: false,
                    },
                }
            }
        });
    }
}
