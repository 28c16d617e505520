//! Reserved opcodes (§5.2).

use super::*;

pub(super) fn opcodes(c: &mut Catalogue) {
    c.group(Group::Opcodes);
    for (range, control) in [(3u8..=7, false), (0xB..=0xF, true)] {
        c.sub(
            "RFC 6455 §5.2",
            if control {
                "Opcodes 0xB–0xF are reserved for future control frames. A receiver cannot know how long such a frame's meaning lasts or whether it must answer, so it must fail the connection rather than skip it."
            } else {
                "Opcodes 0x3–0x7 are reserved for future data frames. Skipping an unknown frame would let the two ends disagree about where a message starts; the only safe answer is to fail with 1002."
            },
            rfc::OPCODE,
        );
        for op in range {
            let opcode = OpCode::from_nibble(op);
            c.add(format!("A frame with opcode {op:#x}, empty"), move || {
                fails(
                    vec![send(vec![frame(opcode, true, vec![])])],
                    vec![],
                    PROTOCOL_ERROR,
                )
            });
            c.add(
                format!("A text message, then opcode {op:#x} with a payload, then a Ping"),
                move || {
                    fails(
                        vec![send(vec![
                            text("Hello"),
                            frame(opcode, true, "reserved"),
                            ping("after"),
                        ])],
                        vec![t("Hello")],
                        PROTOCOL_ERROR,
                    )
                },
            );
        }
    }
}
