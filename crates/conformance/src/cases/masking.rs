//! Masking (§5.1, §5.3).

use super::*;

fn unmasked(mut out: Out) -> Out {
    if let Out::Frame { masked, .. } = &mut out {
        *masked = false;
    }
    out
}

pub(super) fn masking(c: &mut Catalogue) {
    c.group(Group::Masking);
    c.sub(
        "RFC 6455 §5.1, §5.3, §10.3",
        "Every client frame must be masked, so that a script cannot choose the bytes a proxy sees (cache poisoning). A server must fail an unmasked frame with 1002, whatever it carries; a key of all zeros is still a key.",
        rfc::UNMASKED,
    );
    c.basis(Basis::new(rfc::UNMASKED, rfc::UNMASKED_CODE));
    c.add("An unmasked text message", || {
        fails(
            vec![send(vec![unmasked(text("Hello"))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("An unmasked binary message", || {
        fails(
            vec![send(vec![unmasked(bin(bytes(16)))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("An unmasked Ping", || {
        fails(
            vec![send(vec![unmasked(ping("Hello"))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("An unmasked Close", || {
        fails(
            vec![send(vec![unmasked(close(1000, b""))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A masked message, then an unmasked one", || {
        fails(
            vec![send(vec![text("masked"), unmasked(text("bare"))])],
            vec![t("masked")],
            PROTOCOL_ERROR,
        )
    });
    c.add("An unmasked continuation of a masked fragment", || {
        fails(
            vec![send(vec![
                frame(OpCode::Text, false, "frag"),
                unmasked(frame(OpCode::Continuation, true, "ment")),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.basis(Basis::must(rfc::PARSE_FRAMES));
    c.add("A message masked with the key 00 00 00 00", || {
        let (a, b2) = cut(&text("zero key"), [0, 0, 0, 0], 0);
        answers(vec![send(vec![a, b2])], vec![t("zero key")])
    });
    c.server_only();
}
