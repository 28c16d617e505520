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
    if_wrong: "Any other status (200, 301, 403…) means no WebSocket: the browser fires error, then close with code 1006.",
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
        if_wrong: "Any other value: 426 Upgrade Required, with Sec-WebSocket-Version: 13 listing what the server speaks (§4.2.2 item 4).",
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
        purpose: "Extensions the client offers, e.g. permessage-deflate (RFC 7692) (§4.1 item 11).",
        set_by: "The browser itself.",
        if_wrong: "If the server accepts an extension that was not offered, the browser fails the connection.",
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
        if_wrong: "Not checked by the protocol; a server may use it to authenticate (and must then check Origin).",
    },
];

/// Notes on a header, by name (case-insensitive).
pub fn lookup(name: &str) -> Option<&'static HeaderDoc> {
    DOCS.iter().find(|d| d.name.eq_ignore_ascii_case(name))
}
