//! Framing (§5.2): every length form and its edges, text and binary, longer length forms, writes in pieces.

use super::*;

fn in_form(mut out: Out, f: LengthForm) -> Out {
    if let Out::Frame { form, .. } = &mut out {
        *form = Some(f);
    }
    out
}

const LENGTHS: [usize; 7] = [0, 125, 126, 127, 128, 65535, 65536];

/// Why a longer length form may be accepted or refused.
const NON_MINIMAL: &str = "§5.2's minimal-length rule binds the sender; it says nothing of a receiver that gets a longer form";

pub(super) fn framing(c: &mut Catalogue) {
    c.group(Group::Framing);
    for (kind, name) in KINDS {
        c.sub(
            "RFC 6455 §5.2",
            "The length has three forms: 7 bits for 0–125, 126 then 16 bits, 127 then 64 bits. The edges (125/126, 65535/65536) are where hand-written parsers slip: one byte off, or the 16-bit length read in the wrong byte order.",
            rfc::PARSE_FRAMES,
        );
        for len in LENGTHS {
            c.add(
                format!(
                    "A {name} message of {len} bytes ({} length)",
                    LengthForm::minimal(len as u64).name()
                ),
                move || {
                    let p = payload(kind, len);
                    answers(
                        vec![send(vec![whole(kind, p.clone())])],
                        vec![echo(kind, p)],
                    )
                },
            );
        }
        c.add(
            format!("A {name} message of 65536 bytes written in pieces of 997 bytes"),
            move || {
                let p = payload(kind, 65536);
                answers(
                    vec![chopped(vec![whole(kind, p.clone())], 997)],
                    vec![echo(kind, p)],
                )
            },
        );
    }
    c.sub(
        "RFC 6455 §5.2",
        "Frames arrive in whatever pieces TCP delivers: several in one read, or one split over many. A server that assumes one read is one frame works on a quiet laptop and fails in production.",
        rfc::PARSE_FRAMES,
    );
    c.add("Two messages in one write", || {
        answers(
            vec![send(vec![text("first"), text("second")])],
            vec![t("first"), t("second")],
        )
    });
    c.add("A message written one byte at a time", || {
        answers(
            vec![chopped(vec![text("byte by byte")], 1)],
            vec![t("byte by byte")],
        )
    });
    c.add("Three messages in writes of 3 bytes", || {
        answers(
            vec![chopped(
                vec![text("one"), bin(vec![2; 200]), text("three")],
                3,
            )],
            vec![t("one"), b(vec![2; 200]), t("three")],
        )
    });
    c.sub(
        "RFC 6455 §5.2",
        "A sender must use the shortest length form, but the RFC sets no rule for receivers: accepting a longer form is allowed, and so is refusing it. A 64-bit length with its top bit set is always an error.",
        rfc::VALIDATE,
    );
    c.basis(Basis::INFO);
    c.add("5 bytes with a 16-bit length (not minimal)", || Body {
        steps: vec![send(vec![in_form(text("short"), LengthForm::Medium)])],
        expect: Expect::Either(NON_MINIMAL),
    });
    c.add("5 bytes with a 64-bit length (not minimal)", || Body {
        steps: vec![send(vec![in_form(text("short"), LengthForm::Long)])],
        expect: Expect::Either(NON_MINIMAL),
    });
    c.basis(Basis::must(rfc::VALIDATE));
    c.add("A 64-bit length with its most significant bit set", || {
        let mut raw = vec![
            0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 5, 0x37, 0xfa, 0x21, 0x3d,
        ];
        raw.extend_from_slice(&[1, 2, 3, 4, 5]);
        fails(vec![send(vec![Out::Raw(raw)])], vec![], PROTOCOL_ERROR)
    });
    c.server_only();
}
