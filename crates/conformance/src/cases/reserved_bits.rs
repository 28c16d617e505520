//! Reserved bits (§5.2): RSV1–3 without an extension that defines them.

use super::*;

fn with_rsv(mut out: Out, bits: u8) -> Out {
    if let Out::Frame { frame, .. } = &mut out {
        frame.rsv = [bits & 4 != 0, bits & 2 != 0, bits & 1 != 0];
    }
    out
}

pub(super) fn reserved_bits(c: &mut Catalogue) {
    c.group(Group::ReservedBits);
    c.sub(
        "RFC 6455 §5.2",
        "RSV1–3 must be 0 unless an extension agreed in the handshake gives them a meaning. A server that ignores them would misread a compressed message as plain bytes; failing with 1002 is the only safe answer.",
        rfc::RSV,
    );
    c.add("A text message with RSV1", || {
        fails(
            vec![send(vec![with_rsv(text("Hello"), 4)])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A text message, then one with RSV2, then a Ping", || {
        fails(
            vec![send(vec![
                text("Hello"),
                with_rsv(text("Hello"), 2),
                ping("after"),
            ])],
            vec![t("Hello")],
            PROTOCOL_ERROR,
        )
    });
    c.add(
        "A text message, then one with RSV1 and RSV2, then a Ping",
        || {
            fails(
                vec![send(vec![
                    text("Hello"),
                    with_rsv(text("Hello"), 6),
                    ping("after"),
                ])],
                vec![t("Hello")],
                PROTOCOL_ERROR,
            )
        },
    );
    c.add("The same with RSV3, written one byte at a time", || {
        fails(
            vec![chopped(
                vec![text("Hello"), with_rsv(text("Hello"), 1), ping("after")],
                1,
            )],
            vec![t("Hello")],
            PROTOCOL_ERROR,
        )
    });
    c.add("A binary message with RSV1 and RSV3", || {
        fails(
            vec![send(vec![with_rsv(bin(bytes(8)), 5)])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A Ping with RSV2 and RSV3", || {
        fails(
            vec![send(vec![with_rsv(ping("Hello"), 3)])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A Close with all three RSV bits", || {
        fails(
            vec![send(vec![with_rsv(close(1000, b""), 7)])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A continuation frame with RSV1", || {
        fails(
            vec![send(vec![
                frame(OpCode::Text, false, "Hel"),
                with_rsv(frame(OpCode::Continuation, true, "lo"), 4),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
}
