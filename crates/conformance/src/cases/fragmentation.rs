//! Fragmentation (§5.4): fragments, control frames between them, continuations out of place.

use super::*;

pub(super) fn fragmentation(c: &mut Catalogue) {
    c.group(Group::Fragmentation);
    c.sub(
        "RFC 6455 §5.4, §5.5",
        "Control frames must not be fragmented: they have to fit between the fragments of a data message. A server that reassembles a fragmented Ping has no way to tell where the data message resumes.",
        rfc::VALIDATE,
    );
    c.add("A Ping in two fragments", || {
        fails(
            vec![send(vec![
                frame(OpCode::Ping, false, "frag"),
                frame(OpCode::Continuation, true, "ment"),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A Pong in two fragments", || {
        fails(
            vec![send(vec![
                frame(OpCode::Pong, false, "frag"),
                frame(OpCode::Continuation, true, "ment"),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A Ping with FIN clear", || {
        fails(
            vec![send(vec![frame(OpCode::Ping, false, "no fin")])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.sub(
        "RFC 6455 §5.4",
        "A message may arrive in any number of fragments, empty ones included, with control frames between them. The application sees one message: a server must reassemble it, answer the Pings at once, and echo the message whole.",
        rfc::FRAGMENTS,
    );
    c.add("A text message in two fragments", || {
        answers(
            vec![send(vec![
                frame(OpCode::Text, false, "frag"),
                frame(OpCode::Continuation, true, "ment"),
            ])],
            vec![t("fragment")],
        )
    });
    c.add("The same, written one byte at a time", || {
        answers(
            vec![chopped(
                vec![
                    frame(OpCode::Text, false, "frag"),
                    frame(OpCode::Continuation, true, "ment"),
                ],
                1,
            )],
            vec![t("fragment")],
        )
    });
    c.add("Two fragments with a pause between them", || {
        answers(
            vec![
                send(vec![frame(OpCode::Text, false, "frag")]),
                Step::Listen(100),
                send(vec![frame(OpCode::Continuation, true, "ment")]),
            ],
            vec![t("fragment")],
        )
    });
    c.add(
        "A text message in four fragments, one of them empty",
        || {
            answers(
                vec![send(vec![
                    frame(OpCode::Text, false, "a"),
                    frame(OpCode::Continuation, false, ""),
                    frame(OpCode::Continuation, false, "b"),
                    frame(OpCode::Continuation, true, "c"),
                ])],
                vec![t("abc")],
            )
        },
    );
    c.add("An empty first fragment", || {
        answers(
            vec![send(vec![
                frame(OpCode::Text, false, ""),
                frame(OpCode::Continuation, true, "rest"),
            ])],
            vec![t("rest")],
        )
    });
    c.add("An empty last fragment", || {
        answers(
            vec![send(vec![
                frame(OpCode::Text, false, "start"),
                frame(OpCode::Continuation, true, ""),
            ])],
            vec![t("start")],
        )
    });
    c.add("A binary message in three fragments", || {
        answers(
            vec![send(vec![
                frame(OpCode::Binary, false, vec![1, 2]),
                frame(OpCode::Continuation, false, vec![3]),
                frame(OpCode::Continuation, true, vec![4, 5]),
            ])],
            vec![b(vec![1, 2, 3, 4, 5])],
        )
    });
    c.add("A Ping between two fragments", || {
        answers(
            vec![send(vec![
                frame(OpCode::Text, false, "frag"),
                ping("between"),
                frame(OpCode::Continuation, true, "ment"),
            ])],
            vec![pg("between"), t("fragment")],
        )
    });
    c.add(
        "A Ping between two fragments, written one byte at a time",
        || {
            answers(
                vec![chopped(
                    vec![
                        frame(OpCode::Text, false, "frag"),
                        ping("between"),
                        frame(OpCode::Continuation, true, "ment"),
                    ],
                    1,
                )],
                vec![pg("between"), t("fragment")],
            )
        },
    );
    c.add("Pings between three fragments, with pauses", || {
        answers(
            vec![
                send(vec![frame(OpCode::Text, false, "one ")]),
                Step::Listen(100),
                send(vec![ping("first")]),
                Step::Listen(100),
                send(vec![frame(OpCode::Continuation, false, "two ")]),
                Step::Listen(100),
                send(vec![ping("second")]),
                Step::Listen(100),
                send(vec![frame(OpCode::Continuation, true, "three")]),
            ],
            vec![pg("first"), pg("second"), t("one two three")],
        )
    });
    c.add(
        "Pings between three fragments, written one byte at a time",
        || {
            answers(
                vec![chopped(
                    vec![
                        frame(OpCode::Text, false, "one "),
                        ping("first"),
                        frame(OpCode::Continuation, false, "two "),
                        ping("second"),
                        frame(OpCode::Continuation, true, "three"),
                    ],
                    1,
                )],
                vec![pg("first"), pg("second"), t("one two three")],
            )
        },
    );
    c.add("An unsolicited Pong between two fragments", || {
        answers(
            vec![send(vec![
                frame(OpCode::Text, false, "frag"),
                pong("between"),
                frame(OpCode::Continuation, true, "ment"),
            ])],
            vec![t("fragment")],
        )
    });
    c.sub(
        "RFC 6455 §5.4",
        "Continuation frames belong to the message a Text or Binary frame began, and a new message may not start before the last one ends. A server that accepts either glues unrelated bytes into one message.",
        rfc::VALIDATE,
    );
    c.add("A continuation frame with FIN, no message begun", || {
        fails(
            vec![send(vec![frame(OpCode::Continuation, true, "orphan")])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("The same, written one byte at a time", || {
        fails(
            vec![chopped(
                vec![frame(OpCode::Continuation, true, "orphan")],
                1,
            )],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A continuation frame without FIN, no message begun", || {
        fails(
            vec![send(vec![
                frame(OpCode::Continuation, false, "orphan"),
                frame(OpCode::Continuation, true, "s"),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A complete message, then a continuation frame", || {
        fails(
            vec![send(vec![
                text("whole"),
                frame(OpCode::Continuation, true, "extra"),
            ])],
            vec![t("whole")],
            PROTOCOL_ERROR,
        )
    });
    c.add("A text fragment, then a new text message with FIN", || {
        fails(
            vec![send(vec![
                frame(OpCode::Text, false, "first"),
                text("second"),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A text fragment, then a new text fragment", || {
        fails(
            vec![send(vec![
                frame(OpCode::Text, false, "first"),
                frame(OpCode::Text, false, "second"),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add("A binary fragment, then a new binary message", || {
        fails(
            vec![send(vec![
                frame(OpCode::Binary, false, vec![1]),
                bin(vec![2]),
            ])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add(
        "A fragmented message, then a stray continuation, then a text message",
        || {
            fails(
                vec![send(vec![
                    frame(OpCode::Text, false, "frag"),
                    frame(OpCode::Continuation, true, "ment"),
                    frame(OpCode::Continuation, false, "stray"),
                    text("next"),
                ])],
                vec![t("fragment")],
                PROTOCOL_ERROR,
            )
        },
    );
    c.basis(Basis::must(rfc::CLOSE_REPLY));
    c.add("A Close in the middle of a fragmented message", || {
        closes(
            vec![send(vec![
                frame(OpCode::Text, false, "never "),
                close(1000, b""),
            ])],
            vec![],
            &[Some(1000)],
        )
    });
}
