//! Fixed questions: multiple choice with feedback on every option, the
//! chapter's mini exercises, and interview questions with model answers.

/// One option of a multiple-choice question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The option's text.
    pub text: &'static str,
    /// Whether it is the right answer.
    pub correct: bool,
    /// Why it is right or wrong.
    pub why: &'static str,
}

/// A multiple-choice question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Question {
    /// A stable id, used for progress.
    pub id: &'static str,
    /// The lesson it tests.
    pub lesson: &'static str,
    /// Whether it comes from the chapter itself.
    pub from_chapter: bool,
    /// The question.
    pub prompt: &'static str,
    /// The options; exactly one is correct.
    pub choices: &'static [Choice],
}

impl Question {
    /// The order to show the choices in. The right answer is written first in
    /// the data; the options are rotated by a number drawn from the question's
    /// id, so its place differs from question to question but is the same on
    /// every visit.
    pub fn display_order(&self) -> Vec<usize> {
        let n = self.choices.len().max(1);
        let shift = self.id.bytes().fold(0usize, |h, b| {
            h.wrapping_mul(31).wrapping_add(usize::from(b))
        }) % n;
        (0..self.choices.len()).map(|k| (k + shift) % n).collect()
    }
}

const fn c(text: &'static str, correct: bool, why: &'static str) -> Choice {
    Choice { text, correct, why }
}

/// Every multiple-choice question.
pub const QUESTIONS: &[Question] = &[
    Question {
        id: "mcq-upgrade-header",
        lesson: "handshake",
        from_chapter: true,
        prompt: "Which HTTP header tells the server that the client wants to establish a WebSocket connection?",
        choices: &[
            c(
                "Upgrade: websocket",
                true,
                "Right. Upgrade: websocket (with Connection: Upgrade) asks the server to switch this connection to the WebSocket protocol (RFC 6455 §4.1).",
            ),
            c(
                "Connection: keep-alive",
                false,
                "keep-alive only asks to reuse the TCP connection for more HTTP requests; it asks for no protocol switch.",
            ),
            c(
                "Sec-WebSocket-Accept",
                false,
                "That header is in the server's answer, not the client's request: it proves the server read the key.",
            ),
            c(
                "Content-Type: application/websocket",
                false,
                "No such content type exists; the handshake request has no body at all.",
            ),
        ],
    },
    Question {
        id: "mcq-masking-purpose",
        lesson: "frames",
        from_chapter: true,
        prompt: "What is the purpose of masking in client-to-server WebSocket frames?",
        choices: &[
            c(
                "So scripts cannot choose the bytes a proxy sees, which stops cache poisoning",
                true,
                "Right. RFC 6455 §10.3: with a fresh unpredictable key per frame, page code cannot craft bytes that an intermediary might mistake for HTTP.",
            ),
            c(
                "To encrypt the payload so that nobody on the path can read it",
                false,
                "The key travels in clear in the same frame: anyone can unmask. Only wss:// (TLS) gives secrecy.",
            ),
            c(
                "To compress the payload",
                false,
                "Masking keeps the size exactly the same; compression is the job of an extension such as permessage-deflate.",
            ),
            c(
                "To detect transmission errors, like a checksum",
                false,
                "XOR with a known key detects nothing; TCP already checks for corruption.",
            ),
        ],
    },
    Question {
        id: "mcq-101",
        lesson: "handshake",
        from_chapter: false,
        prompt: "Over HTTP/1.1, what status code does a server send to accept a WebSocket handshake?",
        choices: &[
            c(
                "101 Switching Protocols",
                true,
                "Right: over HTTP/1.1, 101 means that after this response the connection speaks another protocol (§4.2.2). (Over HTTP/2 and HTTP/3 a WebSocket stream is accepted with 200 instead: RFC 8441, RFC 9220.)",
            ),
            c(
                "200 OK, with the WebSocket headers added",
                false,
                "Over HTTP/1.1, 200 is a normal HTTP response and a browser treats it as a failed handshake. (200 is the answer over HTTP/2 and HTTP/3, to an extended CONNECT, not to a GET with Upgrade.)",
            ),
            c(
                "204 No Content",
                false,
                "204 is an HTTP success without a body, not a protocol switch.",
            ),
            c(
                "426 Upgrade Required, with Upgrade: websocket",
                false,
                "426 is what a server sends when it refuses, e.g. for a Sec-WebSocket-Version other than 13; it names the protocol to upgrade to (RFC 9110 §15.5.22), but switches nothing.",
            ),
        ],
    },
    Question {
        id: "mcq-key-length",
        lesson: "handshake",
        from_chapter: false,
        prompt: "What is Sec-WebSocket-Key?",
        choices: &[
            c(
                "16 random bytes, base64, fresh per connection",
                true,
                "Right (§4.1 item 7). It is 24 characters of base64.",
            ),
            c(
                "A secret shared between client and server to encrypt frames",
                false,
                "It is sent in clear and encrypts nothing.",
            ),
            c(
                "The SHA-1 hash of the URL",
                false,
                "The key is random, derived from nothing. SHA-1 appears only in the accept value: the server computes it from the key, and the client computes it too, to check the answer (§4.1).",
            ),
            c(
                "A session cookie the server sets",
                false,
                "Cookies are separate headers; the key is chosen by the client.",
            ),
        ],
    },
    Question {
        id: "mcq-accept-compute",
        lesson: "handshake",
        from_chapter: false,
        prompt: "How does the server compute Sec-WebSocket-Accept?",
        choices: &[
            c(
                "base64(SHA-1(key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\"))",
                true,
                "Right: the key as text, the fixed GUID appended, SHA-1, then base64 (§4.2.2).",
            ),
            c(
                "SHA-256 of the key's decoded 16 bytes, then hex, with the GUID as salt",
                false,
                "The RFC uses SHA-1, and hashes the key's text, not its decoded bytes.",
            ),
            c(
                "It echoes the key unchanged",
                false,
                "An echo would prove nothing: any HTTP server that reflects headers would pass.",
            ),
            c(
                "base64 of the key followed by the GUID, without hashing",
                false,
                "The RFC hashes with SHA-1 (§4.2.2), and the client checks for exactly that value, so this one fails. The hash is no secret (anyone can compute it from the request); it shows that the server ran the WebSocket-specific computation, not that it merely copied text.",
            ),
        ],
    },
    Question {
        id: "mcq-version",
        lesson: "handshake",
        from_chapter: false,
        prompt: "What must Sec-WebSocket-Version be in a request to an RFC 6455 server?",
        choices: &[
            c(
                "13",
                true,
                "Right: 13 is the only version RFC 6455 defines (§4.1 item 9).",
            ),
            c("1.1", false, "That is HTTP's version, on the request line."),
            c(
                "6455",
                false,
                "That is the RFC's number, not the protocol version.",
            ),
            c(
                "Any value; servers ignore it",
                false,
                "Servers check it and answer 426 Upgrade Required with Sec-WebSocket-Version: 13 (and Upgrade: websocket, as RFC 9110 §15.5.22 requires of a 426) when it differs.",
            ),
        ],
    },
    Question {
        id: "mcq-h2",
        lesson: "handshake",
        from_chapter: false,
        prompt: "A browser opens a WebSocket to a server that speaks HTTP/2 and announced SETTINGS_ENABLE_CONNECT_PROTOCOL. What does the server answer to accept it?",
        choices: &[
            c(
                "200, on the stream the extended CONNECT opened",
                true,
                "Right (RFC 8441 §5): the client sends CONNECT with :protocol = websocket, and a 200 opens the stream. There is no 101, no Upgrade and no Sec-WebSocket-Accept; the frames of RFC 6455 then flow inside that stream.",
            ),
            c(
                "101 Switching Protocols, with Sec-WebSocket-Accept",
                false,
                "That is the HTTP/1.1 handshake. HTTP/2 has no 101 and no Upgrade: the whole connection cannot switch, since it carries many streams.",
            ),
            c(
                "426 Upgrade Required, asking the client to fall back to HTTP/1.1",
                false,
                "426 refuses; a server that speaks WebSockets over HTTP/2 accepts with 200 on the stream.",
            ),
            c(
                "A PUSH_PROMISE with the accept value computed from the key",
                false,
                "Server push plays no part, and over HTTP/2 there is no Sec-WebSocket-Key to compute from.",
            ),
        ],
    },
    Question {
        id: "mcq-after-101",
        lesson: "handshake",
        from_chapter: false,
        prompt: "What happens to the TCP connection after the 101 response?",
        choices: &[
            c(
                "It stays open and carries WebSocket frames both ways",
                true,
                "Right: over HTTP/1.1, HTTP is over on that connection after the response's blank line. (HTTP/2 and HTTP/3 carry a WebSocket in one stream instead, RFC 8441 and RFC 9220.)",
            ),
            c(
                "It closes, and the client opens a second TCP connection that carries the frames",
                false,
                "The point of the upgrade is to keep the same connection.",
            ),
            c(
                "It keeps carrying HTTP requests, with frames inside their bodies",
                false,
                "No more HTTP is spoken on it.",
            ),
            c(
                "Only the server may send from now on",
                false,
                "Both sides may send at any time.",
            ),
        ],
    },
    Question {
        id: "mcq-page-key",
        lesson: "handshake",
        from_chapter: false,
        prompt: "Can JavaScript on a page set its own Sec-WebSocket-Key?",
        choices: &[
            c(
                "No: the browser generates it and scripts cannot set Sec- headers",
                true,
                "Right: the browser writes the whole handshake; page code chooses only the URL and subprotocols.",
            ),
            c(
                "Yes: pass it as the second argument of new WebSocket(url, key), which the browser forwards",
                false,
                "The second argument lists subprotocols (Sec-WebSocket-Protocol).",
            ),
            c(
                "Yes: call socket.setRequestHeader('Sec-WebSocket-Key', key) before open",
                false,
                "WebSocket has no such method.",
            ),
            c(
                "Only over wss://",
                false,
                "The scheme changes nothing here.",
            ),
        ],
    },
    Question {
        id: "mcq-wss-port",
        lesson: "uris",
        from_chapter: false,
        prompt: "What is the default port of wss://?",
        choices: &[
            c(
                "443",
                true,
                "Right: wss:// runs over TLS and defaults to 443, like https:// (§3).",
            ),
            c("80", false, "80 is the default of ws://."),
            c(
                "8080",
                false,
                "8080 is a common development port, not a default.",
            ),
            c("6455", false, "That is the RFC's number."),
        ],
    },
    Question {
        id: "mcq-ws-vs-wss",
        lesson: "uris",
        from_chapter: false,
        prompt: "What does an observer on the network see of a wss:// connection?",
        choices: &[
            c(
                "The server's address, its name, encrypted records",
                true,
                "Right: the handshake, headers and frames are all inside TLS.",
            ),
            c(
                "Everything in the frames, because on wss:// masking is the only protection of the payload",
                false,
                "Masking protects intermediaries, not secrets; TLS does the encrypting.",
            ),
            c(
                "The URL path, but not the frames",
                false,
                "The path is in the HTTP request line, which is inside TLS.",
            ),
            c(
                "Nothing at all, not even the server's address",
                false,
                "IP addresses (and usually the server name, in SNI) stay visible.",
            ),
        ],
    },
    Question {
        id: "mcq-host-port",
        lesson: "uris",
        from_chapter: false,
        prompt: "For ws://example.com:80/chat, what Host header does a browser send?",
        choices: &[
            c(
                "Host: example.com",
                true,
                "Right: a browser parses the URL first and drops a port that is the scheme's default (80 for ws), and §4.1 item 4 names the port only when it is not the default.",
            ),
            c(
                "Host: example.com:80",
                false,
                "A hand-written client may send it (HTTP allows it), but a browser never does: URL parsing removes the default port before the request is built.",
            ),
            c(
                "Host: ws://example.com/chat",
                false,
                "Host carries the authority only, never the scheme or path.",
            ),
            c(
                "Host: example.com/chat",
                false,
                "The path goes on the request line, not in Host.",
            ),
        ],
    },
    Question {
        id: "mcq-fragment",
        lesson: "uris",
        from_chapter: false,
        prompt: "Is ws://example.com/chat#room1 a valid WebSocket URI?",
        choices: &[
            c(
                "No: fragment identifiers are not allowed",
                true,
                "Right (§3): write # as %23 if you mean it as part of the path.",
            ),
            c(
                "Yes: the fragment selects the chat room",
                false,
                "A fragment never reaches the server, and WebSocket URIs forbid it.",
            ),
            c(
                "Yes, but only for wss://",
                false,
                "The rule is the same for both schemes.",
            ),
            c(
                "Only if the server supports fragmentation",
                false,
                "URI fragments and frame fragmentation are unrelated.",
            ),
        ],
    },
    Question {
        id: "mcq-mixed-content",
        lesson: "uris",
        from_chapter: false,
        prompt: "A page served over https:// calls new WebSocket(\"ws://api.example.com\"). What happens?",
        choices: &[
            c(
                "The browser refuses it: an https page may open only wss:// (mixed content)",
                true,
                "Right: the constructor throws a SecurityError. Only loopback hosts (localhost, 127.0.0.1, [::1]) are spared: browsers treat them as potentially trustworthy.",
            ),
            c(
                "It connects, but the browser shows a mixed-content warning in the address bar and the console",
                false,
                "Browsers block it outright.",
            ),
            c(
                "The browser silently upgrades it to wss://",
                false,
                "Browsers do not rewrite ws:// to wss:// for you.",
            ),
            c(
                "It works only on port 443",
                false,
                "The port does not matter; the scheme does.",
            ),
        ],
    },
    Question {
        id: "mcq-readystate-open",
        lesson: "lifecycle",
        from_chapter: false,
        prompt: "Which readyState value means the connection is open?",
        choices: &[
            c(
                "1 (OPEN)",
                true,
                "Right: 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED.",
            ),
            c(
                "0 (OPEN)",
                false,
                "0 is CONNECTING: the handshake is still running.",
            ),
            c("2 (OPEN)", false, "2 is CLOSING."),
            c("200", false, "readyState is 0 to 3; 200 is an HTTP status."),
        ],
    },
    Question {
        id: "mcq-close-who",
        lesson: "lifecycle",
        from_chapter: false,
        prompt: "In a clean close, what does the side that receives a Close frame do?",
        choices: &[
            c(
                "Answers with its own Close; it may first finish a message it is partway through",
                true,
                "Right (§5.5.1): it answers as soon as practical, and may (it need not) first send the rest of a fragmented message it has started. The rule \"no more data\" binds the side that has sent a Close.",
            ),
            c(
                "Closes the TCP connection at once, without sending a Close frame back",
                false,
                "It answers with a Close first (§5.5.1); then the server closes TCP (§7.1.1).",
            ),
            c(
                "Sends a Pong frame to confirm that the Close frame has arrived, then waits for the other side to end TCP",
                false,
                "Pongs answer Pings, never Close frames.",
            ),
            c(
                "Keeps sending new messages until all that its application queued is sent",
                false,
                "It may finish the message it is in the middle of, but it should answer as soon as practical and start nothing new (§5.5.1).",
            ),
        ],
    },
    Question {
        id: "mcq-1006",
        lesson: "lifecycle",
        from_chapter: false,
        prompt: "A close event reports code 1006. What happened?",
        choices: &[
            c(
                "The connection ended without a Close frame (abnormal closure)",
                true,
                "Right: 1006 is reported, never sent, e.g. when the handshake failed or the network dropped.",
            ),
            c(
                "The server sent Close code 1006: it is overloaded",
                false,
                "1006 must never be sent in a Close frame (§7.4.1).",
            ),
            c("The message was too big", false, "That is 1009."),
            c("The server is restarting", false, "That is 1012."),
        ],
    },
    Question {
        id: "mcq-close-js-code",
        lesson: "lifecycle",
        from_chapter: false,
        prompt: "Which code may page code pass to socket.close(code)?",
        choices: &[
            c(
                "1000 or 3000–4999",
                true,
                "Right: other codes are for the protocol itself; the browser throws InvalidAccessError.",
            ),
            c(
                "Any code from 1000 to 4999",
                false,
                "1001–2999 are reserved for the protocol; close() rejects them.",
            ),
            c(
                "Only 1001",
                false,
                "1001 (going away) is what the browser sends itself when a page unloads.",
            ),
            c(
                "1006, to signal an error",
                false,
                "1006 is never sent by anyone.",
            ),
        ],
    },
    Question {
        id: "mcq-interleave",
        lesson: "frames",
        from_chapter: false,
        prompt: "A sender is halfway through a fragmented text message. What may its next frame be?",
        choices: &[
            c(
                "A continuation of that message, or a control frame",
                true,
                "Right (§5.4): control frames may come between fragments, but the fragments of two data messages never interleave; the next data frame must continue the message until FIN.",
            ),
            c(
                "The first fragment of a new binary message, to be finished later",
                false,
                "Data messages never interleave (§5.4): a new message may start only after the current one's FIN. A receiver fails the connection (1002).",
            ),
            c(
                "Only a continuation frame: no other frame may come between fragments",
                false,
                "Control frames (Ping, Pong, Close) may be injected between fragments (§5.4), so that a long message does not hold up a Ping.",
            ),
            c(
                "Any frame, since each carries its own opcode and length in its header",
                false,
                "A continuation frame carries opcode 0 and no message id, so the receiver could not tell two messages apart: that is why they never interleave.",
            ),
        ],
    },
    Question {
        id: "mcq-mask-wss",
        lesson: "frames",
        from_chapter: false,
        prompt: "Over wss://, must a client still mask the frames it sends?",
        choices: &[
            c(
                "Yes: masking applies over TLS as well",
                true,
                "Right: every client-to-server frame is masked on ws:// and wss:// alike, and a server fails a connection that receives an unmasked client frame.",
            ),
            c(
                "No: TLS already hides the bytes, so the mask is left out on wss://",
                false,
                "TLS hides the bytes from the network, but §5.1 still requires the mask; a server must fail the connection without it.",
            ),
            c(
                "Only for text frames: binary frames over TLS go unmasked",
                false,
                "The rule covers every frame a client sends, control frames included.",
            ),
            c(
                "It is up to the browser; some mask over TLS and some do not",
                false,
                "Every conforming client masks; an unmasked client frame is a protocol error (1002).",
            ),
        ],
    },
    Question {
        id: "mcq-opcode-ping",
        lesson: "frames",
        // The chapter asks this as a mini exercise (ex-ping-opcode), not as a multiple-choice question.
        from_chapter: false,
        prompt: "If a server wants to check whether a client is still alive, which opcode does it send?",
        choices: &[
            c(
                "0x9, Ping",
                true,
                "Right: the client must answer with a Pong (0xA) carrying the same data (§5.5.2).",
            ),
            c(
                "0xA, Pong",
                false,
                "A Pong is the answer (or an unsolicited heartbeat), not the question.",
            ),
            c("0x8, Close", false, "Close ends the connection."),
            c(
                "0x1, Text",
                false,
                "A text message would need the application to answer; Ping is built into the protocol.",
            ),
        ],
    },
    Question {
        id: "mcq-opcode-text",
        lesson: "frames",
        from_chapter: false,
        prompt: "Which opcode starts a text message?",
        choices: &[
            c(
                "0x1",
                true,
                "Right: 0x1 is text, 0x2 binary, 0x0 continuation.",
            ),
            c("0x0", false, "0x0 continues a fragmented message."),
            c("0x2", false, "0x2 is binary."),
            c("0x8", false, "0x8 is close."),
        ],
    },
    Question {
        id: "mcq-fin",
        lesson: "frames",
        from_chapter: false,
        prompt: "What does FIN = 0 mean?",
        choices: &[
            c(
                "More fragments of this message follow",
                true,
                "Right: only the message's last frame has FIN = 1 (§5.4).",
            ),
            c(
                "The connection is closing: this is the last frame before the Close",
                false,
                "Closing is a Close frame (opcode 0x8), not a FIN bit.",
            ),
            c(
                "The frame is masked with the key that follows",
                false,
                "That is the MASK bit.",
            ),
            c(
                "The frame is invalid and must fail the connection",
                false,
                "FIN = 0 is normal for all but the last fragment.",
            ),
        ],
    },
    Question {
        id: "mcq-len-126",
        lesson: "frames",
        from_chapter: false,
        prompt: "A frame's 7-bit payload length is 126. What follows?",
        choices: &[
            c(
                "A 16-bit length, for payloads of 126 to 65,535 bytes",
                true,
                "Right: 126 means a 16-bit length follows; 127 means a 64-bit one (§5.2).",
            ),
            c(
                "Nothing more: the payload is exactly 126 bytes long, as the field says",
                false,
                "0–125 are literal lengths; 126 and 127 are markers.",
            ),
            c("A 64-bit length", false, "That is what 127 means."),
            c(
                "The masking key, which always follows a length of 126",
                false,
                "The key comes after the length, and only when MASK is 1.",
            ),
        ],
    },
    Question {
        id: "mcq-control-125",
        lesson: "frames",
        from_chapter: false,
        prompt: "What is the largest payload a Ping frame may carry?",
        choices: &[
            c(
                "125 bytes",
                true,
                "Right: control frames carry at most 125 bytes and are never fragmented (§5.5).",
            ),
            c(
                "65,535 bytes",
                false,
                "That limit belongs to the 16-bit length form, which control frames may not use.",
            ),
            c("Unlimited", false, "Control frames are deliberately small."),
            c(
                "0 bytes: pings carry no data",
                false,
                "Pings may carry application data, which the Pong echoes.",
            ),
        ],
    },
    Question {
        id: "mcq-server-mask",
        lesson: "frames",
        from_chapter: false,
        prompt: "What does a client do when it receives a masked frame from a server?",
        choices: &[
            c(
                "Fails the connection: servers must not mask",
                true,
                "Right (§5.1): the client closes the connection, with 1002 where it can.",
            ),
            c(
                "Unmasks it with the key and carries on, since masking is harmless",
                false,
                "The rule is strict: a masked server frame is a protocol error.",
            ),
            c(
                "Answers with a Pong to confirm it got the frame",
                false,
                "Pongs answer pings only.",
            ),
            c(
                "Ignores the frame and waits for an unmasked copy",
                false,
                "Ignoring would hide a broken peer, and no unmasked copy is coming.",
            ),
        ],
    },
    Question {
        id: "mcq-binary-images",
        lesson: "summary",
        from_chapter: false,
        prompt: "How do you send an image over a WebSocket?",
        choices: &[
            c(
                "As a binary message (opcode 0x2), e.g. socket.send(blob)",
                true,
                "Right: binary messages carry any bytes, unchanged.",
            ),
            c(
                "You cannot: WebSockets carry only UTF-8 text, so images must go over a separate HTTP request",
                false,
                "Opcode 0x2 exists precisely for binary data.",
            ),
            c(
                "As a text message with the raw bytes",
                false,
                "Text must be valid UTF-8; arbitrary image bytes are not.",
            ),
            c(
                "Only as base64 text inside a JSON message, never as raw bytes",
                false,
                "That works, but costs a third more bytes; binary frames need no encoding.",
            ),
        ],
    },
    Question {
        id: "mcq-idle-drop",
        lesson: "heartbeats",
        from_chapter: false,
        prompt: "A WebSocket drops after exactly 60 seconds without traffic. What is the likeliest cause?",
        choices: &[
            c(
                "An idle timeout in a proxy, load balancer or firewall on the path",
                true,
                "Right: send pings (or any message) more often than the timeout, e.g. every 30 seconds.",
            ),
            c("A bug in TCP", false, "TCP itself has no such idle limit."),
            c(
                "The WebSocket protocol itself closes any connection that stays silent for a full 60 seconds",
                false,
                "Connections may live for days.",
            ),
            c(
                "The browser closes sockets when the tab is idle",
                false,
                "Browsers do not close open WebSockets for lack of traffic.",
            ),
        ],
    },
    Question {
        id: "mcq-proxy",
        lesson: "heartbeats",
        from_chapter: false,
        prompt: "Why does wss:// on port 443 usually get through networks where ws:// fails?",
        choices: &[
            c(
                "TLS hides the Upgrade from transparent proxies, and 443 is the allowed port",
                true,
                "Right. A transparent proxy cannot strip or rewrite headers it cannot decrypt, and networks that allow CONNECT (or any outbound traffic) only to port 443 let wss:// through. Through an explicit proxy a browser tunnels ws:// with CONNECT too (§4.1), so ws:// fails mainly at transparent proxies and at CONNECT rules limited to 443.",
            ),
            c(
                "Port 443 is never inspected or filtered by a proxy or a firewall",
                false,
                "It can be: some networks open TLS at a proxy. What helps is that an ordinary proxy cannot touch the Upgrade headers inside TLS.",
            ),
            c(
                "wss:// skips the HTTP Upgrade handshake, so nothing is left to block",
                false,
                "wss:// has the same opening handshake, just inside TLS.",
            ),
            c(
                "Proxies drop ws:// frames because only wss:// frames are masked, and unmasked frames look like an attack",
                false,
                "Client frames are masked on ws:// and wss:// alike (§5.1). Proxies do see ws:// in clear, which is exactly what lets a transparent proxy break it.",
            ),
        ],
    },
    Question {
        id: "mcq-browser-ping",
        lesson: "heartbeats",
        from_chapter: false,
        prompt: "How does a browser page answer a server's Ping?",
        choices: &[
            c(
                "It does not have to: the browser sends the Pong automatically",
                true,
                "Right: page code never sees pings or pongs.",
            ),
            c(
                "It calls socket.pong(data) from an onping event listener it adds",
                false,
                "There is no such method, and no ping event: page code never sees a Ping.",
            ),
            c(
                "By sending a text message \"pong\" back each time a Ping arrives",
                false,
                "That would be an application message, not a Pong frame.",
            ),
            c(
                "It cannot: pages have no Pong API, so a server that pings a browser will eventually drop it",
                false,
                "The browser handles it for the page.",
            ),
        ],
    },
    Question {
        id: "mcq-origin",
        lesson: "heartbeats",
        from_chapter: false,
        prompt: "Why should a WebSocket server check the Origin header?",
        choices: &[
            c(
                "WebSockets have no CORS: any site could open a socket carrying the user's cookies",
                true,
                "Right: refusing unknown origins (403) prevents cross-site WebSocket hijacking.",
            ),
            c(
                "To pick the right subprotocol",
                false,
                "Subprotocols are chosen from Sec-WebSocket-Protocol.",
            ),
            c(
                "Because RFC 6455 forbids every connection without an Origin, browsers and other programs alike",
                false,
                "Non-browser clients may omit it; the check is the server's policy.",
            ),
            c(
                "To compute Sec-WebSocket-Accept",
                false,
                "The accept value depends on the key only.",
            ),
        ],
    },
    Question {
        id: "mcq-rsv1-deflate",
        lesson: "frames",
        from_chapter: false,
        prompt: "A server receives a Text frame with RSV1 = 1. When must it fail the connection?",
        choices: &[
            c(
                "When the handshake agreed on no extension that defines RSV1",
                true,
                "Right. RSV bits are 0 unless an agreed extension defines them (RFC 6455 §5.2); permessage-deflate defines RSV1 as \"this message is compressed\" (RFC 7692 §6).",
            ),
            c(
                "Always: RSV bits are reserved and must be 0",
                false,
                "Only without an extension. Once permessage-deflate is agreed, RSV1 = 1 on a message's first frame is how a compressed message is marked.",
            ),
            c(
                "Only when the frame is also masked",
                false,
                "Masking is unrelated: every client frame is masked, compressed or not.",
            ),
            c(
                "Never: receivers ignore bits they do not understand",
                false,
                "RFC 6455 §5.2 is the other way round: a receiver fails the connection on a non-zero RSV bit it has no meaning for.",
            ),
        ],
    },
    Question {
        id: "mcq-deflate-tail",
        lesson: "frames",
        from_chapter: false,
        prompt: "What does permessage-deflate remove from the end of every compressed payload, and why?",
        choices: &[
            c(
                "The four bytes 00 00 ff ff that end every sync flush",
                true,
                "Right (RFC 7692 §7.2.1 and §7.2.2). The empty stored block a sync flush writes is always the same four bytes, so sending them would waste space.",
            ),
            c(
                "The DEFLATE header with the window size: it was agreed in the handshake",
                false,
                "permessage-deflate sends raw DEFLATE with no zlib header at all; window sizes are agreed with the _max_window_bits parameters.",
            ),
            c(
                "The masking key: a compressed payload needs no mask",
                false,
                "A client masks every frame, compressed or not (RFC 6455 §5.1); masking applies to the compressed bytes.",
            ),
            c(
                "Nothing: the payload is exactly what DEFLATE produced",
                false,
                "The trailing 00 00 ff ff is dropped by the sender and restored by the receiver.",
            ),
        ],
    },
    Question {
        id: "mcq-deflate-secrets",
        lesson: "frames",
        from_chapter: false,
        prompt: "Why can compressing a message that holds a secret next to text an attacker controls leak the secret, even over wss://?",
        choices: &[
            c(
                "The compressed size shrinks when a guess matches the secret; TLS hides bytes, not sizes",
                true,
                "Right: that is the CRIME/BREACH attack. Keep secrets out of compressed messages, or at least apart from attacker-controlled data and without context takeover.",
            ),
            c(
                "DEFLATE is a cipher, and its key travels in the handshake",
                false,
                "DEFLATE is compression, not encryption; it has no key at all.",
            ),
            c(
                "Compressed frames go out unmasked, so anyone on the path reads them",
                false,
                "A client masks compressed frames like any other; masking is not secrecy anyway.",
            ),
            c(
                "wss:// turns compression off, so only ws:// leaks it",
                false,
                "It does not: the same extension is negotiated over ws:// and wss://.",
            ),
        ],
    },
];

/// A free-answer exercise from the chapter, checked leniently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exercise {
    /// A stable id.
    pub id: &'static str,
    /// The lesson it belongs to.
    pub lesson: &'static str,
    /// The question.
    pub prompt: &'static str,
    /// Accepted answers: the answer is right when its words (lower case,
    /// split at anything not a letter or digit) contain one of these word
    /// runs, and none of `reject`.
    pub accept: &'static [&'static [&'static str]],
    /// Words that make an answer wrong whatever else it says (a neighbour
    /// that would otherwise slip through, such as Pong for Ping).
    pub reject: &'static [&'static str],
    /// The answer, explained.
    pub answer: &'static str,
}

/// The chapter's mini exercises.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ex-101",
        lesson: "handshake",
        prompt: "What does the HTTP status code 101 mean?",
        accept: &[
            &["switching", "protocols"],
            &["switching", "protocol"],
            &["switchingprotocols"],
            &["switch", "protocols"],
            &["switch", "protocol"],
            &["switches", "protocols"],
            &["switched", "protocols"],
            &["protocol", "switch"],
            &["changing", "protocols"],
            &["change", "protocols"],
            &["upgrade"],
            &["upgrades"],
            &["upgraded"],
            &["upgrading"],
        ],
        // 426 Upgrade Required is the refusal, not the switch.
        reject: &["required", "426"],
        answer: "Switching Protocols: after this response, the connection speaks the protocol named in Upgrade (here, websocket).",
    },
    Exercise {
        id: "ex-ping-opcode",
        lesson: "frames",
        prompt: "Looking at the opcodes, which opcode does a server use to check whether a client is still alive?",
        accept: &[&["9"], &["09"], &["0x9"], &["0x09"], &["ping"]],
        // Not "a": it is the hex digit of Pong, but far more often the article ("a Ping").
        reject: &["pong", "10", "0xa", "0x0a", "close", "8", "0x8"],
        answer: "9 (0x9), Ping. The client's browser answers with a Pong (0xA) by itself.",
    },
];

/// The words of an answer: lower case, split at anything that is not a
/// letter or a digit, so "Ping (0x9)", "9 – Ping" and "OPCODE 9" all read alike.
fn words(given: &str) -> Vec<String> {
    given
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `given` says what the exercise asks, in any of the forms a person
/// would type: any case and spacing, with or without the number's `0x`, with
/// words around it.
pub fn check_exercise(exercise: &Exercise, given: &str) -> bool {
    let words = words(given);
    let has_run = |run: &[&str]| {
        words
            .windows(run.len().max(1))
            .any(|w| w.iter().zip(run).all(|(a, b)| a == b))
    };
    exercise.accept.iter().any(|run| has_run(run))
        && !exercise.reject.iter().any(|r| words.iter().any(|w| w == r))
}

/// An interview question with a model answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interview {
    /// A stable id.
    pub id: &'static str,
    /// Whether it comes from the chapter.
    pub from_chapter: bool,
    /// The question.
    pub prompt: &'static str,
    /// A hint.
    pub hint: &'static str,
    /// The model answer, as points.
    pub model: &'static [&'static str],
}

/// What progress needs of a question or exercise: its id and its lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scored {
    /// The question's or exercise's id.
    pub id: &'static str,
    /// The lesson it belongs to.
    pub lesson: &'static str,
}

/// Every question, then every exercise, as progress counts them. Computed at
/// compile time, so a build that only shows scores (the reader's start page)
/// does not carry the questions' text.
pub const SCORED: [Scored; QUESTIONS.len() + EXERCISES.len()] = {
    let mut out = [Scored { id: "", lesson: "" }; QUESTIONS.len() + EXERCISES.len()];
    let mut i = 0;
    while i < QUESTIONS.len() {
        out[i] = Scored {
            id: QUESTIONS[i].id,
            lesson: QUESTIONS[i].lesson,
        };
        i += 1;
    }
    let mut j = 0;
    while j < EXERCISES.len() {
        out[i + j] = Scored {
            id: EXERCISES[j].id,
            lesson: EXERCISES[j].lesson,
        };
        j += 1;
    }
    out
};

/// Interview questions.
pub const INTERVIEWS: &[Interview] = &[
    Interview {
        id: "iv-handshake",
        from_chapter: true,
        prompt: "Walk me through the WebSocket handshake.",
        hint: "Request, key, answer, accept; then what happens to the connection.",
        model: &[
            "Over HTTP/1.1: the client opens TCP (inside TLS for wss://) and sends a GET with Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Version: 13 and a fresh Sec-WebSocket-Key (16 random bytes, base64). Browsers add Origin, cookies, and optionally Sec-WebSocket-Protocol and Sec-WebSocket-Extensions.",
            "The server validates it (GET, Host, Upgrade, Connection, key, version 13, and its own Origin policy) and answers 101 Switching Protocols with Upgrade, Connection and Sec-WebSocket-Accept = base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)), plus the chosen subprotocol or extensions if any.",
            "The client checks the status, the headers and the accept value, and that nothing was chosen that it did not offer; otherwise it fails the connection. A browser adds one rule of its own: if the page offered subprotocols, the answer must pick one of them, or the connection fails (WHATWG WebSockets standard), although RFC 6455 lets a server leave Sec-WebSocket-Protocol out (§4.2.2).",
            "From then on the same TCP connection carries frames both ways. Wrong version: 426 with Sec-WebSocket-Version: 13 and Upgrade: websocket (RFC 9110 §15.5.22); other errors: 400; forbidden origin: 403.",
        ],
    },
    Interview {
        id: "iv-60s",
        from_chapter: true,
        prompt: "If your WebSocket connection drops precisely every 60 seconds of inactivity, what is likely happening and how do you fix it?",
        hint: "Who on the path counts idle time? What keeps bytes flowing?",
        model: &[
            "An intermediary with an idle timeout of 60 seconds — a reverse proxy (nginx's proxy_read_timeout defaults to 60 s), a load balancer, a NAT or a firewall — is closing the TCP connection because no bytes crossed it.",
            "Fix it with heartbeats: have the server send a Ping every 20–30 seconds (browsers answer with Pong automatically), or have the application send a small message; and/or raise the intermediary's timeout.",
            "Also use the pongs to detect dead peers, and reconnect with a randomised backoff after an abnormal close (1006).",
        ],
    },
    Interview {
        id: "iv-masking",
        from_chapter: false,
        prompt: "Why do clients mask frames but servers do not?",
        hint: "Think of what a malicious script could make a transparent proxy believe.",
        model: &[
            "Masking with a fresh random key per frame stops page script from controlling the exact bytes on the wire (RFC 6455 §10.3).",
            "Without it, a script could write bytes that look like an HTTP request to a transparent proxy or cache that does not understand WebSocket, and poison the cache for other users.",
            "Servers are not running untrusted script, so their frames need no masking. Masking is not encryption: the key is in the frame; secrecy comes from TLS (wss://).",
        ],
    },
    Interview {
        id: "iv-close",
        from_chapter: false,
        prompt: "How is a WebSocket closed cleanly, and what do codes 1000, 1001 and 1006 mean?",
        hint: "A frame each way, then TCP.",
        model: &[
            "One side sends a Close frame with an optional code and UTF-8 reason; the other answers with a Close frame; then the server closes TCP first (§7.1.1).",
            "1000: normal closure. 1001: going away (a server shutting down, a page navigating away). 1006: reported locally when the connection ended without a Close frame; it is never sent.",
            "In the browser, the close event's wasClean tells whether the closing handshake completed.",
        ],
    },
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::content::lessons::LESSONS;

    #[test]
    fn at_least_25_questions_each_with_one_right_answer_and_feedback() {
        assert!(QUESTIONS.len() >= 25, "{}", QUESTIONS.len());
        let mut ids = HashSet::new();
        for q in QUESTIONS {
            assert!(ids.insert(q.id), "duplicate id {}", q.id);
            assert_eq!(
                q.choices.iter().filter(|c| c.correct).count(),
                1,
                "{}",
                q.id
            );
            assert!(q.choices.len() >= 3, "{}", q.id);
            assert!(q.choices.iter().all(|c| !c.why.is_empty()), "{}", q.id);
            assert!(
                LESSONS.iter().any(|l| l.id == q.lesson),
                "{} names lesson {}",
                q.id,
                q.lesson
            );
        }
        // Every lesson but the start page has questions.
        for l in LESSONS.iter().filter(|l| l.id != "basics") {
            assert!(
                QUESTIONS.iter().any(|q| q.lesson == l.id),
                "no question for {}",
                l.id
            );
        }
    }

    #[test]
    fn the_right_answer_is_not_always_in_the_same_place() {
        let mut places = HashSet::new();
        for q in QUESTIONS {
            let order = q.display_order();
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(
                sorted,
                (0..q.choices.len()).collect::<Vec<_>>(),
                "{} is a permutation",
                q.id
            );
            places.insert(order.iter().position(|&i| q.choices[i].correct).unwrap());
        }
        assert!(places.len() >= 3, "right answers only at {places:?}");
    }

    #[test]
    fn chapter_questions_are_all_here() {
        // The chapter's section 14 has two multiple-choice questions: the Upgrade header and masking.
        let chapter: Vec<&str> = QUESTIONS
            .iter()
            .filter(|q| q.from_chapter)
            .map(|q| q.id)
            .collect();
        assert_eq!(chapter, ["mcq-upgrade-header", "mcq-masking-purpose"]);
        assert_eq!(EXERCISES.len(), 2);
        assert_eq!(INTERVIEWS.iter().filter(|i| i.from_chapter).count(), 2);
    }

    /// The answers that the protocol core can compute are checked against it.
    #[test]
    fn answer_keys_agree_with_the_protocol_core() {
        let right = |id: &str| {
            QUESTIONS
                .iter()
                .find(|q| q.id == id)
                .unwrap()
                .choices
                .iter()
                .find(|c| c.correct)
                .unwrap()
                .text
        };
        assert!(
            right("mcq-opcode-ping").starts_with(&format!("{:#x}", wire::OpCode::Ping.value()))
        );
        assert_eq!(
            right("mcq-opcode-text"),
            format!("{:#x}", wire::OpCode::Text.value())
        );
        assert!(right("mcq-accept-compute").contains(wire::handshake::GUID));
        assert!(right("mcq-version").contains(wire::handshake::VERSION));
        let wss = wire::uri::parse_uri("wss://example.com").unwrap();
        assert_eq!(right("mcq-wss-port"), wss.port.to_string());
        let ws = wire::uri::parse_uri("ws://example.com:80/chat").unwrap();
        assert_eq!(
            right("mcq-host-port"),
            format!("Host: {}", ws.host_header())
        );
        assert!(wire::uri::parse_uri("ws://example.com/chat#room1").is_err());
        assert_eq!(
            wire::frame::LengthForm::minimal(126),
            wire::frame::LengthForm::Medium
        );
        assert!(right("mcq-len-126").contains("16-bit"));
        assert!(!wire::close::is_valid_on_wire(1006));
        assert!(
            wire::close::is_valid_on_wire(1000)
                && wire::close::is_valid_on_wire(3000)
                && wire::close::is_valid_on_wire(4999)
        );
        let key = wire::handshake::decode_key("dGhlIHNhbXBsZSBub25jZQ==").unwrap();
        assert_eq!(key.len(), 16);
        assert!(right("mcq-key-length").starts_with("16 random bytes"));
    }

    #[test]
    fn exercises_accept_reasonable_forms() {
        let ex = |id: &str| EXERCISES.iter().find(|e| e.id == id).unwrap();
        for given in [
            "Switching Protocols",
            "switching protocols",
            " SWITCHING PROTOCOLS ",
            "HTTP 101 Switching Protocols",
            "it means switching protocols.",
            "switch protocols",
            "the server switches protocols",
            "Upgrade: the connection is upgraded to WebSocket",
        ] {
            assert!(check_exercise(ex("ex-101"), given), "{given}");
        }
        for given in ["101", "OK", "protocols", "Upgrade Required", "426"] {
            assert!(!check_exercise(ex("ex-101"), given), "{given}");
        }
        for given in [
            "9",
            "0x9",
            "0x09",
            "Ping",
            "9 - Ping",
            "9 – Ping",
            "0x9 (ping)",
            "Ping (0x9)",
            "opcode 9",
            "OPCODE 0X9",
            "A Ping",
            "a ping frame",
            "9, a Ping",
        ] {
            assert!(check_exercise(ex("ex-ping-opcode"), given), "{given}");
        }
        for given in ["10", "Pong", "0xA", "ping or pong", "19", "0x19", ""] {
            assert!(!check_exercise(ex("ex-ping-opcode"), given), "{given}");
        }
    }

    /// For each length rank k (1: the longest), the share of questions a
    /// reader who always picks the k-th longest option gets right; options
    /// of equal length share their ranks' chances.
    fn rank_scores() -> Vec<f64> {
        let most = QUESTIONS.iter().map(|q| q.choices.len()).max().unwrap_or(0);
        let mut scores = vec![0.0; most];
        for q in QUESTIONS {
            let len = |c: &Choice| c.text.chars().count();
            let right = len(q.choices.iter().find(|c| c.correct).unwrap());
            let longer = q.choices.iter().filter(|c| len(c) > right).count();
            let tied = q.choices.iter().filter(|c| len(c) == right).count();
            // The right option is somewhere among ranks longer+1 ..= longer+tied.
            for score in &mut scores[longer..longer + tied] {
                *score += 1.0 / tied as f64;
            }
        }
        scores.iter().map(|s| s / QUESTIONS.len() as f64).collect()
    }

    #[test]
    fn no_length_strategy_beats_35_percent() {
        // A test-wise reader who always picks the longest option, or the
        // second longest, or any other rank, must not do much better than
        // chance (25% with four options).
        let scores = rank_scores();
        for (k, score) in scores.iter().enumerate() {
            let culprits: Vec<String> = QUESTIONS
                .iter()
                .filter(|q| {
                    let len = |c: &Choice| c.text.chars().count();
                    let right = len(q.choices.iter().find(|c| c.correct).unwrap());
                    q.choices.iter().filter(|c| len(c) > right).count() == k
                })
                .map(|q| q.id.to_owned())
                .collect();
            assert!(
                *score <= 0.35,
                "picking the option of length rank {} scores {:.0}%: {culprits:?}",
                k + 1,
                score * 100.0
            );
        }
    }

    #[test]
    fn no_option_alone_cites_a_section_or_carries_its_own_reason() {
        for q in QUESTIONS {
            let citing = q.choices.iter().filter(|c| c.text.contains('§')).count();
            assert!(
                citing == 0 || citing == q.choices.len(),
                "{}: {citing} of {} options cite a section",
                q.id,
                q.choices.len()
            );
        }
    }
}
