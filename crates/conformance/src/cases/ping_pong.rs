//! Ping and Pong (§5.5.2, §5.5.3).

use super::*;

pub(super) fn ping_pong(c: &mut Catalogue) {
    c.group(Group::PingPong);
    c.sub(
        "RFC 6455 §5.5.2, §5.5.3",
        "A Pong must carry the Ping's payload unchanged: that is how the peer matches answers to questions and measures round trips. Servers get it wrong by answering with an empty Pong, or by answering late, behind a queue of data.",
        rfc::PONG,
    );
    c.add("A Ping without payload", || {
        answers(vec![send(vec![ping(vec![])])], vec![pg(vec![])])
    });
    c.add("A Ping with a text payload", || {
        answers(
            vec![send(vec![ping("Hello, world!")])],
            vec![pg("Hello, world!")],
        )
    });
    c.add("A Ping with a binary payload", || {
        let p = vec![0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff];
        answers(vec![send(vec![ping(p.clone())])], vec![pg(p)])
    });
    c.add(
        format!("A Ping of {MAX} bytes, the most a control frame holds"),
        || answers(vec![send(vec![ping(bytes(MAX))])], vec![pg(bytes(MAX))]),
    );
    c.add(
        format!("A Ping of {MAX} bytes written one byte at a time"),
        || {
            answers(
                vec![chopped(vec![ping(bytes(MAX))], 1)],
                vec![pg(bytes(MAX))],
            )
        },
    );
    c.add("A Ping, then a text message: answered in order", || {
        answers(
            vec![send(vec![ping("first"), text("second")])],
            vec![pg("first"), t("second")],
        )
    });
    c.add("10 Pings in one write", || Body {
        steps: vec![send((0..10).map(|i| ping(format!("ping {i}"))).collect())],
        expect: Expect::Pongs((0..10).map(|i| format!("ping {i}").into_bytes()).collect()),
    });
    c.add("10 Pings written one byte at a time", || Body {
        steps: vec![chopped(
            (0..10).map(|i| ping(format!("ping {i}"))).collect(),
            1,
        )],
        expect: Expect::Pongs((0..10).map(|i| format!("ping {i}").into_bytes()).collect()),
    });
    c.sub(
        "RFC 6455 §5.5",
        "Control frames carry at most 125 bytes so that they fit between fragments of a long message. A server that accepts a bigger one lets a peer slip data past the limits meant for messages.",
        rfc::VALIDATE,
    );
    c.add(format!("A Ping of {} bytes", MAX + 1), || {
        fails(
            vec![send(vec![ping(bytes(MAX + 1))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.add(format!("A Pong of {} bytes", MAX + 1), || {
        fails(
            vec![send(vec![pong(bytes(MAX + 1))])],
            vec![],
            PROTOCOL_ERROR,
        )
    });
    c.sub(
        "RFC 6455 §5.5.3",
        "A Pong nobody asked for is a heartbeat: the receiver takes it and answers nothing. Servers that treat it as an error, or echo it, break clients that use one-way heartbeats.",
        rfc::CONTROL_HANDLED,
    );
    c.add("An unsolicited Pong without payload", || {
        answers(vec![send(vec![pong(vec![])])], vec![])
    });
    c.add("An unsolicited Pong with a payload", || {
        answers(vec![send(vec![pong("unsolicited")])], vec![])
    });
    c.add("An unsolicited Pong, then a Ping", || {
        answers(
            vec![send(vec![pong("unsolicited"), ping("asked")])],
            vec![pg("asked")],
        )
    });
}
