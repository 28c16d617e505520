//! The opening handshake (§4): requests in every form real clients write them, requests a server must refuse, subprotocols and extensions.

use super::*;

const ACCEPTS: HandshakeExpect = HandshakeExpect::Accepts { check: None };

fn req(head: fn(&Parts) -> String) -> Request {
    Request {
        head,
        ..Request::default()
    }
}

/// The value of the first header `name` in a response head.
fn header_value(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|l| {
        l.split_once(':')
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
    })
}

pub(super) fn handshake_cases(c: &mut Catalogue) {
    c.group(Group::Handshake);
    c.sub(
        "RFC 6455 §4.2.1, §4.2.2; RFC 9110 §5.1, §7.8",
        "Browsers and libraries write the same request in different ways: header names in any case, token values in any case, Connection as a list. A server that compares strings exactly, or reads Connection as one token, turns real clients away.",
        rfc::ACCEPT_VALIDLY,
    );
    c.with("A request as a browser sends it", req(browser_head), || {
        handshake(ACCEPTS)
    });
    c.with(
        "Header names in lower case",
        req(|p| {
            let head = head_with(p, &[], None);
            let lines: Vec<String> = head
                .split("\r\n")
                .enumerate()
                .map(|(i, l)| match l.split_once(':') {
                    Some((n, v)) if i > 0 => format!("{}:{v}", n.to_ascii_lowercase()),
                    _ => l.to_owned(),
                })
                .collect();
            lines.join("\r\n")
        }),
        || handshake(ACCEPTS),
    );
    c.with(
        "Token values in other cases: Upgrade: WebSocket, Connection: upgrade",
        req(|p| {
            head_with(
                p,
                &[
                    ("Upgrade", Some("WebSocket")),
                    ("Connection", Some("upgrade")),
                ],
                None,
            )
        }),
        || handshake(ACCEPTS),
    );
    c.with(
        "Connection as a list: keep-alive, Upgrade (as Firefox sends it)",
        req(|p| head_with(p, &[("Connection", Some("keep-alive, Upgrade"))], None)),
        || handshake(ACCEPTS),
    );
    c.with(
        "Extra spaces around header values",
        req(|p| {
            head_with(
                p,
                &[
                    ("Upgrade", Some("  websocket  ")),
                    ("Sec-WebSocket-Version", Some(" 13 ")),
                ],
                None,
            )
        }),
        || handshake(ACCEPTS),
    );
    c.with(
        "Headers a browser adds: User-Agent, Pragma, Cache-Control, Accept-Language",
        req(|p| {
            head_with(
                p,
                &[
                    ("User-Agent", Some("wslab-probe")),
                    ("Pragma", Some("no-cache")),
                    ("Cache-Control", Some("no-cache")),
                    ("Accept-Language", Some("en")),
                ],
                None,
            )
        }),
        || handshake(ACCEPTS),
    );
    c.with(
        "The request written one byte at a time",
        Request {
            chunk: Some(1),
            ..Request::default()
        },
        || handshake(ACCEPTS),
    );
    c.basis(Basis::must(rfc::PARSE_FRAMES));
    c.with(
        "The request and a first message in the same write",
        Request {
            with_first_step: true,
            ..Request::default()
        },
        || Body {
            steps: vec![send(vec![text("early")])],
            expect: Expect::Answers {
                replies: vec![t("early")],
                too_big_ok: false,
                silence_ok: Some(
                    "§4.1 says the client MUST wait for the server's answer before sending data, so a server that drops bytes sent before its 101 breaks no rule",
                ),
            },
        },
    );
    c.sub(
        "RFC 6455 §4.2.1, §4.2.2, §4.4; RFC 9112 §3.2",
        "A server must not switch protocols for a request that is not a WebSocket handshake: a missing key means the client cannot check the answer, another version means the frames may differ. A clear 4xx tells the client why; a 101 puts two programs on one connection that disagree about what the bytes mean.",
        rfc::REFUSE_BAD_REQUEST,
    );
    c.basis(Basis::must(rfc::REFUSE_VERSION));
    c.with(
        "Sec-WebSocket-Version: 8 (an older draft)",
        req(|p| head_with(p, &[("Sec-WebSocket-Version", Some("8"))], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 426,
                version_header: true,
                may_accept: Some(
                    "§4.2.2 requires refusing only a version the server does not understand, and draft hybi-08 frames as version 13 does; a server that speaks it may accept it",
                ),
            })
        },
    );
    c.basis(Basis::must(rfc::REFUSE_BAD_REQUEST));
    c.with(
        "No Sec-WebSocket-Version",
        req(|p| head_with(p, &[("Sec-WebSocket-Version", None)], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "No Sec-WebSocket-Key",
        req(|p| head_with(p, &[("Sec-WebSocket-Key", None)], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "A Sec-WebSocket-Key of 8 bytes instead of 16",
        req(|p| head_with(p, &[("Sec-WebSocket-Key", Some("AAAAAAAAAAA="))], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "No Upgrade header",
        req(|p| head_with(p, &[("Upgrade", None)], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "Upgrade: h2c instead of websocket",
        req(|p| head_with(p, &[("Upgrade", Some("h2c"))], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "Connection without the Upgrade token",
        req(|p| head_with(p, &[("Connection", Some("keep-alive"))], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "POST instead of GET",
        req(|p| head_with(p, &[], Some("POST {resource} HTTP/1.1"))),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "HTTP/1.0 instead of HTTP/1.1",
        req(|p| head_with(p, &[], Some("GET {resource} HTTP/1.0"))),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.with(
        "No Host header",
        req(|p| head_with(p, &[("Host", None)], None)),
        || {
            handshake(HandshakeExpect::Refuses {
                status: 400,
                version_header: false,
                may_accept: None,
            })
        },
    );
    c.sub(
        "RFC 6455 §4.2.2 item 5.5, §9.1; RFC 7692 §7",
        "A server may only choose a subprotocol or an extension the client offered, and only one it really speaks. Choosing something else makes every browser fail the connection; accepting an extension it does not implement corrupts every message after the handshake.",
        rfc::SUBPROTOCOL,
    );
    c.with(
        "Offers a subprotocol no server speaks",
        req(|p| head_with(p, &[("Sec-WebSocket-Protocol", Some("x-wslab-nobody-speaks-this"))], None)),
        || handshake(HandshakeExpect::Accepts { check: Some(|r| header_value(r, "sec-websocket-protocol").map(|v| format!("the server chose the subprotocol {v:?}, which it cannot speak: it was made up for this case"))) }),
    );
    c.with(
        "Offers two subprotocols: chat, superchat",
        req(|p| {
            head_with(
                p,
                &[("Sec-WebSocket-Protocol", Some("chat, superchat"))],
                None,
            )
        }),
        || handshake(ACCEPTS),
    );
    c.basis(Basis::must(rfc::EXTENSIONS));
    c.with(
        "Offers an extension no server implements",
        req(|p| head_with(p, &[("Sec-WebSocket-Extensions", Some("x-wslab-unknown; level=3"))], None)),
        || handshake(HandshakeExpect::Accepts { check: Some(|r| header_value(r, "sec-websocket-extensions").filter(|v| v.contains("x-wslab-unknown")).map(|v| format!("the server accepted the extension {v:?}, which it cannot implement: it was made up for this case"))) }),
    );
    c.basis(Basis::must(rfc::DEFLATE_DECLINE));
    c.with(
        "Offers permessage-deflate with an unknown parameter",
        req(|p| head_with(p, &[("Sec-WebSocket-Extensions", Some("permessage-deflate; x-wslab-bogus"))], None)),
        || handshake(HandshakeExpect::Accepts { check: Some(|r| header_value(r, "sec-websocket-extensions").filter(|v| v.contains("permessage-deflate")).map(|v| format!("the server accepted {v:?} for an offer with a parameter it cannot know; RFC 7692 §7 says a server MUST decline such an offer"))) }),
    );
}
