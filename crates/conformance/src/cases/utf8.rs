//! UTF-8 (§8.1): valid and invalid text, whole and split, failing fast.

use super::*;

pub(super) fn utf8(c: &mut Catalogue) {
    c.group(Group::Utf8);
    let valid = |s: &[u8]| std::str::from_utf8(s).is_ok();
    for whole in [true, false] {
        c.sub(
            "RFC 6455 §5.6, §8.1; RFC 3629",
            "Every text message must be valid UTF-8, whatever the characters: the edges of each length class, noncharacters and NUL are all valid. A server that checks with a too-strict rule refuses real text; one that does not check at all passes broken text on to applications that trust it.",
            rfc::PARSE_FRAMES,
        );
        for (name, seq) in UTF8.iter().filter(|(_, s)| valid(s)) {
            let seq = seq.to_vec();
            let title = if whole {
                format!("Valid: {name}")
            } else {
                format!("Valid, one fragment per byte: {name}")
            };
            c.add(title, move || {
                let frames = if whole {
                    vec![text(seq.clone())]
                } else {
                    fragments(MessageKind::Text, &seq, 1)
                };
                answers(vec![send(frames)], vec![t(seq.clone())])
            });
        }
        c.sub(
            "RFC 6455 §8.1, §7.4.1; RFC 3629 §3",
            "Overlong forms, surrogates, code points above U+10FFFF and cut sequences are not UTF-8. They have been used to smuggle \"/\" and NUL past filters; a server must fail the connection with 1007, and must notice it even when the bad bytes are split across fragments.",
            rfc::UTF8,
        );
        for (name, seq) in UTF8.iter().filter(|(_, s)| !valid(s)) {
            let seq = seq.to_vec();
            let title = if whole {
                format!("Invalid: {name}")
            } else {
                format!("Invalid, one fragment per byte: {name}")
            };
            c.add(title, move || {
                let frames = if whole {
                    vec![text(seq.clone())]
                } else {
                    fragments(MessageKind::Text, &seq, 1)
                };
                fails(vec![send(frames)], vec![], INVALID_DATA)
            });
        }
    }
    c.sub(
        "RFC 6455 §8.1",
        "§8.1 has a receiver that finds invalid UTF-8 fail the connection, and sets no time for it: failing once the message is in is allowed (non-strict here), but a server that waits for the end can be made to buffer a gigabyte of text it will refuse anyway.",
        rfc::UTF8,
    );
    for (name, first, rest) in [
        (
            "an overlong pair in the first fragment",
            &b"Hello\xc0\xaf"[..],
            &b"world"[..],
        ),
        (
            "a surrogate in the first fragment",
            &b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"[..],
            &b"edited"[..],
        ),
    ] {
        let (first, rest) = (first.to_vec(), rest.to_vec());
        c.add(
            format!("Fail fast: {name}, the last fragment a moment later"),
            move || Body {
                steps: vec![
                    send(vec![frame(OpCode::Text, false, first.clone())]),
                    Step::Listen(500),
                    send(vec![frame(OpCode::Continuation, true, rest.clone())]),
                ],
                expect: Expect::Fails {
                    before: vec![],
                    codes: INVALID_DATA.to_vec(),
                    fast: true,
                    must: true,
                },
            },
        );
    }
    for (name, payload, at) in [
        ("an overlong pair inside one frame", &b"Hello\xc0\xafworld, and more text after it"[..], 2 + 4 + 7),
        ("a 5-byte sequence inside one frame", &b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf8\x88\x80\x80\x80 and more text after it"[..], 2 + 4 + 12),
    ] {
        let payload = payload.to_vec();
        c.add(format!("Fail fast: {name}, the rest of the frame a moment later"), move || {
            let (head, tail) = cut(&text(payload.clone()), [0x37, 0xfa, 0x21, 0x3d], at);
            Body {
                steps: vec![send(vec![head]), Step::Listen(500), send(vec![tail])],
                expect: Expect::Fails { before: vec![], codes: INVALID_DATA.to_vec(), fast: true, must: true },
            }
        });
        c.server_only();
    }
}
