//! What each line of an opening handshake is for, who writes it, and what
//! happens when it is wrong. Sections are RFC 6455 unless named otherwise.

/// Notes on one header (or the start line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderDoc {
    /// The header name (lowercase matching), or "request line" / "status line".
    pub name: &'static str,
    /// What it is for.
    pub purpose: &'static str,
    /// Who sets it in a browser.
    pub set_by: &'static str,
    /// What happens when it is missing or wrong.
    pub if_wrong: &'static str,
}

/// The request line's notes.
pub const REQUEST_LINE: HeaderDoc = HeaderDoc {
    name: "request line",
    purpose: "GET, the resource name from the ws:// URI (path and query), and HTTP/1.1 or higher (§4.1 items 1–3).",
    set_by: "The browser, from the URL given to new WebSocket(url).",
    if_wrong: "Any other method or an older HTTP version: the server answers 400 Bad Request.",
};

/// The status line's notes.
pub const STATUS_LINE: HeaderDoc = HeaderDoc {
    name: "status line",
    purpose: "101 Switching Protocols: from the next byte on, this TCP connection carries WebSocket frames, not HTTP (§4.2.2).",
    set_by: "The server.",
    if_wrong: "Any other status (200, 301, 403…) means no WebSocket: the client handles it as plain HTTP (§4.1, check 1), and a browser fires error, then close with code 1006. (Over HTTP/2 and HTTP/3 a WebSocket is accepted with 200 on its stream instead: RFC 8441, RFC 9220.)",
};

const DOCS: &[HeaderDoc] = &[
    HeaderDoc {
        name: "host",
        purpose: "The server's host name, with :port when it is not 80 (ws) or 443 (wss) (§4.1 item 4).",
        set_by: "The browser.",
        if_wrong: "Missing: 400 Bad Request. A server may also refuse a host it does not serve.",
    },
    HeaderDoc {
        name: "upgrade",
        purpose: "Asks to switch this connection from HTTP to the websocket protocol (§4.1 item 5).",
        set_by: "The browser; page code cannot change it.",
        if_wrong: "Without websocket in it the server treats the request as plain HTTP: 400, or a normal page. Old proxies that drop this hop-by-hop header break WebSockets this way.",
    },
    HeaderDoc {
        name: "connection",
        purpose: "Must list the token Upgrade, so the Upgrade header is acted on (§4.1 item 6). It is a list: keep-alive, Upgrade is fine.",
        set_by: "The browser.",
        if_wrong: "400 Bad Request: the server must not upgrade.",
    },
    HeaderDoc {
        name: "sec-websocket-key",
        purpose: "16 random bytes, base64-encoded, fresh for every connection (§4.1 item 7). The server proves it understood the request by hashing it into Sec-WebSocket-Accept.",
        set_by: "The browser itself; page code cannot set or read it (a Sec- header is forbidden to scripts).",
        if_wrong: "Missing, not base64, or not 16 bytes: 400 Bad Request. It is not a secret and gives no security; it stops a non-WebSocket server from being tricked into accepting.",
    },
    HeaderDoc {
        name: "sec-websocket-version",
        purpose: "The protocol version: 13 is the only one RFC 6455 defines (§4.1 item 9).",
        set_by: "The browser itself; page code cannot set it.",
        if_wrong: "Any other value: 426 Upgrade Required, with Sec-WebSocket-Version: 13 listing what the server speaks (§4.2.2 item 4), and Upgrade: websocket with Connection: Upgrade, which RFC 9110 §15.5.22 requires of every 426.",
    },
    HeaderDoc {
        name: "origin",
        purpose: "The page that opened the socket (§4.1 item 8, RFC 6454). Browsers always send it; other clients may not.",
        set_by: "The browser; page code cannot forge it.",
        if_wrong: "A server that checks it answers 403 Forbidden to origins it does not trust: the defence against cross-site WebSocket hijacking, since WebSockets have no CORS.",
    },
    HeaderDoc {
        name: "sec-websocket-protocol",
        purpose: "Subprotocols the client speaks, in order of preference, e.g. chat, superchat (§4.1 item 10). The server picks one, or none.",
        set_by: "Page code, as the second argument of new WebSocket(url, protocols).",
        if_wrong: "If the server picks one the client did not offer, the browser fails the connection.",
    },
    HeaderDoc {
        name: "sec-websocket-extensions",
        purpose: "Extensions the client offers, in order of preference, each with parameters (§4.1 item 11, §9.1). Every browser offers permessage-deflate (RFC 7692): each message's payload compressed with DEFLATE, marked by RSV1 on its first frame.",
        set_by: "The browser itself; page code cannot change it (the extensions property only reports what the server accepted).",
        if_wrong: "A server declines offers it does not understand or cannot honour, by leaving them out of its answer; the connection then works without them. If the server accepts an extension that was not offered, the browser fails the connection.",
    },
    HeaderDoc {
        name: "sec-websocket-accept",
        purpose: "base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)): proof that the server read this handshake (§4.2.2 item 5.4).",
        set_by: "The server.",
        if_wrong: "A wrong or missing value: the browser fails the connection (error, then close 1006).",
    },
    HeaderDoc {
        name: "user-agent",
        purpose: "Names the browser, as on any HTTP request.",
        set_by: "The browser.",
        if_wrong: "Not part of the WebSocket handshake; servers may ignore it.",
    },
    HeaderDoc {
        name: "cookie",
        purpose: "Cookies for the server's domain travel with the handshake, as with any request.",
        set_by: "The browser.",
        if_wrong: "Not checked by the protocol; a server may use it to authenticate, and must then check Origin: SameSite cookies keep other sites' pages from sending them, but same-site is not same-origin (a sibling subdomain still sends them).",
    },
];

/// The same headers seen in the server's answer: the server sets them, and
/// when one is wrong the client fails the connection (§4.1, the checks a
/// client makes of the response, numbered 1 to 6 there).
const RESPONSE_DOCS: &[HeaderDoc] = &[
    HeaderDoc {
        name: "upgrade",
        purpose: "Confirms the switch: it must contain websocket, in any case (§4.2.2 item 5.2).",
        set_by: "The server.",
        if_wrong: "Missing or not websocket: the client fails the connection (§4.1, check 2); a browser fires error, then close 1006.",
    },
    HeaderDoc {
        name: "connection",
        purpose: "Must contain the token Upgrade (§4.2.2 item 5.3).",
        set_by: "The server.",
        if_wrong: "Missing or without Upgrade: the client fails the connection (§4.1, check 3).",
    },
    HeaderDoc {
        name: "sec-websocket-accept",
        purpose: "base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)), computed from the key the client sent: proof that the server read this handshake (§4.2.2 item 5.4).",
        set_by: "The server; the client computes the same value and compares.",
        if_wrong: "A wrong or missing value: the client fails the connection (§4.1, check 4); a browser fires error, then close 1006.",
    },
    HeaderDoc {
        name: "sec-websocket-protocol",
        purpose: "The one subprotocol the server chose from those the client offered (§4.2.2 item 5.5). RFC 6455 lets the server leave it out and choose none; a browser does not accept that when page code asked for subprotocols (WHATWG WebSockets Standard, establish a WebSocket connection).",
        set_by: "The server, picking at most one.",
        if_wrong: "A subprotocol the client did not offer (or more than one): the client fails the connection (§4.1, check 6). Missing although the client offered some: RFC 6455 allows it, but a browser fails the connection (error, then close 1006).",
    },
    HeaderDoc {
        name: "sec-websocket-extensions",
        purpose: "The extensions the server accepted from the client's offer, at most one offer each, with the parameters both sides now use (§4.2.2 item 5.6; for permessage-deflate, RFC 7692 §7). Absent: no extension, RSV1–3 stay 0.",
        set_by: "The server.",
        if_wrong: "An extension the client did not offer, or a parameter it may not answer with: the client fails the connection (§4.1, check 5; RFC 7692 §7).",
    },
    HeaderDoc {
        name: "sec-websocket-version",
        purpose: "In a 426 answer: the versions the server speaks (§4.2.2 item 4). A 101 does not carry it.",
        set_by: "The server.",
        if_wrong: "Informational: the client may retry with a version listed here.",
    },
];

/// What each parameter of a `Sec-WebSocket-Extensions` line means, computed
/// from the line by `wire` (RFC 7692 §7.1); the grammar error, if any.
pub fn extension_notes(value: &str, side: Side) -> Vec<String> {
    let list = match wire::deflate::parse_extensions(value) {
        Ok(list) => list,
        Err(e) => return vec![e.to_string()],
    };
    let mut out = Vec::new();
    for ext in list {
        if ext.name != wire::deflate::PERMESSAGE_DEFLATE {
            out.push(format!(
                "{}: not an extension wslab knows; a server that does not know it leaves it out of its answer.",
                ext.name
            ));
            continue;
        }
        out.push(match side {
            Side::Request => "permessage-deflate: the client can read messages whose payload is DEFLATE-compressed (RFC 7692).".to_owned(),
            Side::Response => "permessage-deflate: accepted; from now on either side may send a message compressed, with RSV1 set on its first frame (RFC 7692 §6).".to_owned(),
        });
        for (name, value) in &ext.params {
            let v = value.as_deref();
            out.push(match (name.as_str(), v, side) {
                ("server_no_context_takeover", _, Side::Request) => "server_no_context_takeover: the client asks the server to start every message with an empty window (§7.1.1.1).".to_owned(),
                ("server_no_context_takeover", _, Side::Response) => "server_no_context_takeover: the server compresses every message on its own, never referring back to earlier ones (§7.1.1.1), so it keeps no 32 KiB window between messages.".to_owned(),
                ("client_no_context_takeover", _, Side::Request) => "client_no_context_takeover: the client says it will compress every message on its own (§7.1.1.2).".to_owned(),
                ("client_no_context_takeover", _, Side::Response) => "client_no_context_takeover: the server asks the client to compress every message on its own, so the server need not keep the client's window between messages (§7.1.1.2).".to_owned(),
                ("server_max_window_bits", Some(n), _) => format!("server_max_window_bits={n}: the server's LZ77 window is at most 2^{n} bytes (§7.1.2.1)."),
                ("client_max_window_bits", None, Side::Request) => "client_max_window_bits (no value): the client can use a smaller window if the server asks for one (§7.1.2.2).".to_owned(),
                ("client_max_window_bits", Some(n), _) => format!("client_max_window_bits={n}: the client's LZ77 window is at most 2^{n} bytes (§7.1.2.2)."),
                (other, _, _) => format!("{other}: not a permessage-deflate parameter; a server declines such an offer and a client fails such an answer (RFC 7692 §7)."),
            });
        }
    }
    out
}

/// Which message a line belongs to: the same header means different things
/// in the client's request and in the server's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The client's opening request.
    Request,
    /// The server's answer.
    Response,
}

/// Notes on a header of a request or a response, by name (case-insensitive).
pub fn lookup(name: &str, side: Side) -> Option<&'static HeaderDoc> {
    let docs = match side {
        Side::Request => DOCS,
        Side::Response => RESPONSE_DOCS,
    };
    docs.iter().find(|d| d.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_line_is_explained_as_the_server_s() {
        for name in [
            "Upgrade",
            "Connection",
            "Sec-WebSocket-Accept",
            "Sec-WebSocket-Protocol",
        ] {
            let doc = lookup(name, Side::Response).unwrap();
            assert!(doc.set_by.starts_with("The server"), "{name}");
            assert!(
                doc.if_wrong.contains("client fails the connection"),
                "{name}"
            );
            assert!(!doc.if_wrong.contains("400"), "{name}");
        }
        assert!(lookup("Sec-WebSocket-Key", Side::Response).is_none());
        assert!(lookup("sec-websocket-key", Side::Request).is_some());
    }
}
