//! The chapter "WebSocket Protocol Basics" as lessons: text as data, with
//! computed examples that the lesson view asks `wire` to fill in.

use crate::route::Route;

/// An example the lesson view computes with the protocol core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Example {
    /// The RFC §1.3 request, built from a ws:// URI and the sample key.
    HandshakeRequest,
    /// The answer a correct server sends to it.
    HandshakeResponse,
    /// Sec-WebSocket-Accept, step by step, for the sample key.
    AcceptSteps,
    /// ws:// and wss:// URIs with their port, request line and Host header.
    UriTable,
    /// The sixteen opcodes.
    OpcodeTable,
    /// The three ways to write a payload length.
    LengthForms,
    /// "Hello" masked with the RFC's key, byte by byte.
    MaskedHello,
    /// The close codes of §7.4 and the IANA registry.
    CloseCodeTable,
    /// A close frame with code 1000 and a reason, as a client and a server send it.
    CloseFrames,
    /// A ping and the pong that answers it.
    PingPong,
    /// An image-sized binary message: its header.
    BinaryHeader,
}

/// A piece of a lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    /// A heading with an anchor id.
    H(&'static str, &'static str),
    /// A paragraph.
    P(&'static str),
    /// A bulleted list.
    List(&'static [&'static str]),
    /// Numbered steps.
    Steps(&'static [&'static str]),
    /// A note set apart.
    Note(&'static str),
    /// A code sample: language ("js", "http", "html") and text.
    Code(&'static str, &'static str),
    /// A computed example.
    Example(Example),
}

/// A lesson: what the learner will be able to do, the text, and where to try it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// A stable id, used in anchors, progress and questions.
    pub id: &'static str,
    /// The page it lives on.
    pub route: Route,
    /// The title.
    pub title: &'static str,
    /// "After this lesson you can …".
    pub goal: &'static str,
    /// The text.
    pub blocks: &'static [Block],
    /// The lab that lets the learner try it, if it is on another page.
    pub lab: Option<Route>,
}

use Block::*;

/// The heartbeats lesson's browser-side practice, as code (its indentation kept).
const BROWSER_PRACTICE_JS: &str = r#"// Reconnect with exponential backoff and full jitter; an application heartbeat
// with a deadline, so that a half-open connection is noticed.
let attempt = 0;
function connect() {
  const ws = new WebSocket('wss://example.com/live');
  let heartbeat, deadline;
  const retry = () => {
    clearInterval(heartbeat);
    clearTimeout(deadline);
    const cap = Math.min(30000, 500 * 2 ** attempt++);
    setTimeout(connect, Math.random() * cap); // never every client at once
  };
  ws.onopen = () => {
    attempt = 0;
    heartbeat = setInterval(() => {
      // The server answers 'pong' to 'ping': a page's own heartbeat, not a Ping frame.
      ws.send('ping');
      // No answer within 10 s: the peer or the path is gone. A half-open connection
      // fires no close event by itself, so give up on it here.
      deadline ??= setTimeout(() => { ws.onclose = null; ws.close(); retry(); }, 10000);
    }, 25000);
  };
  ws.onmessage = (event) => {
    if (event.data === 'pong') { clearTimeout(deadline); deadline = undefined; }
  };
  ws.onclose = retry;
}
connect();

// Backpressure: send the next chunk only when the browser has drained the last ones.
async function sendAll(ws, chunks) {
  for (const chunk of chunks) {
    while (ws.bufferedAmount > 1 << 20) await new Promise(r => setTimeout(r, 50));
    ws.send(chunk);
  }
}"#;

/// The lesson "basics".
pub const BASICS: Lesson = Lesson {
    id: "basics",
    route: Route::Home,
    title: "What a WebSocket is",
    goal: "explain in one breath how a WebSocket starts, talks and ends, and name the parts this lab takes apart.",
    blocks: &[
        H("introduction", "Introduction"),
        P(
            "A WebSocket is a long-lived, two-way connection between a browser (or any client) and a server. It is defined by \
           RFC 6455, \"The WebSocket Protocol\" (IETF, 2011). Unlike HTTP, where the client asks and the server answers, \
           either side may send a message at any moment once the connection is open.",
        ),
        P(
            "Three things make up the protocol, and this lab has a page for each: the opening handshake (how an HTTP request \
           turns into a WebSocket), framing (how messages travel as frames), and the closing handshake (how both sides agree \
           to stop).",
        ),
        H("objectives", "Learning objectives"),
        List(&[
            "Explain the opening handshake: the Upgrade request, Sec-WebSocket-Key, 101 Switching Protocols and Sec-WebSocket-Accept.",
            "Tell ws:// from wss://, and say what each exposes on the network.",
            "Describe a connection's lifecycle, from CONNECTING to CLOSED, and the closing handshake.",
            "Read a frame: FIN, RSV, opcode, MASK, payload length, masking key and payload, down to the bit.",
            "Use ping and pong to keep connections alive, and recognise the classic proxy and timeout failures.",
        ]),
        H("analogy", "The short version: a meeting"),
        P(
            "Think of a formal meeting. First the two people shake hands and agree on a language: that is the opening \
           handshake. It begins as an ordinary HTTP request in which the client asks, \"can we switch to WebSocket?\", and \
           the server replies, \"yes, switching now\" (status 101).",
        ),
        P(
            "Then they talk, in sentences rather than whole books: those sentences are frames. Either may speak at any time, \
           and a long message may be split over several frames.",
        ),
        P(
            "Finally one says goodbye and the other acknowledges before both leave the room: that is the closing handshake, \
           a Close frame each way, then the TCP connection closes.",
        ),
        Note(
            "The precise version of each step is in the lessons that follow, with the RFC section to read for each rule.",
        ),
    ],
    lab: Some(Route::Handshake),
};

/// The lesson "handshake".
pub const HANDSHAKE: Lesson = Lesson {
    id: "handshake",
    route: Route::Handshake,
    title: "The opening handshake",
    goal: "write a valid opening request, predict the server's answer, and compute Sec-WebSocket-Accept by hand.",
    blocks: &[
        H("handshake-steps", "Four steps"),
        Steps(&[
            "The client opens a TCP connection (inside TLS for wss://) and sends an HTTP/1.1 GET whose Upgrade: websocket and Connection: Upgrade headers ask to switch protocols (RFC 6455 §4.1).",
            "The request carries Sec-WebSocket-Key: 16 random bytes, base64-encoded, new for each connection, and Sec-WebSocket-Version: 13.",
            "A server that accepts answers 101 Switching Protocols, with the same Upgrade and Connection headers (§4.2.2).",
            "Its Sec-WebSocket-Accept header is base64(SHA-1(key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\")). The client checks it: this proves the server read this very handshake, so a plain HTTP server or cache cannot accept by accident. It is not authentication and not encryption.",
        ]),
        H("handshake-example", "The exchange, byte for byte"),
        P(
            "This is the request of RFC 6455 §1.3, built here from the URI ws://server.example.com/chat and the RFC's sample key:",
        ),
        Example(Example::HandshakeRequest),
        P("and the answer a correct server sends (it speaks the subprotocol chat):"),
        Example(Example::HandshakeResponse),
        P("The accept value is computed like this:"),
        Example(Example::AcceptSteps),
        Note(
            "Over HTTP/1.1, after the blank line that ends the 101 response, HTTP is over on this connection. The same \
              TCP connection now carries only WebSocket frames, in both directions.",
        ),
        H("handshake-h2", "Over HTTP/2 and HTTP/3"),
        P(
            "Everything above is the HTTP/1.1 handshake of RFC 6455, which is what this lab and wslab-echo speak. HTTP/2 \
             and HTTP/3 have no Upgrade and no 101: one connection carries many streams, so a WebSocket takes one stream \
             instead of the whole connection. RFC 8441 (HTTP/2) and RFC 9220 (HTTP/3) define it: the server first \
             announces SETTINGS_ENABLE_CONNECT_PROTOCOL = 1; the client then sends an extended CONNECT request with the \
             pseudo-header :protocol = websocket (and :scheme, :path, :authority, plus Sec-WebSocket-Version: 13, and \
             Origin from a browser); a 200 answer opens the stream, and the frames of RFC 6455 flow inside it, masked by \
             the client as ever. There is no Sec-WebSocket-Key and no Sec-WebSocket-Accept: the stream itself proves \
             that the server understood the request. Chromium uses it only for wss:// URLs, and only on an HTTP/2 \
             connection to that host that is already open and whose server announced the setting; otherwise it opens an \
             HTTP/1.1 connection for the handshake. Firefox implements RFC 8441 too; which browsers use RFC 9220 over \
             HTTP/3 changes from version to version. Page code sees no difference either way.",
        ),
        H("handshake-browser", "What page code controls"),
        P(
            "In a browser you never write this request yourself. new WebSocket(url, protocols) sends it: the browser chooses the \
           key, sets the version, adds Origin and cookies, and checks the answer. Page code chooses only the URL and the \
           offered subprotocols (it cannot add a header, not even Authorization), and sees only the result: an open event, \
           or an error event followed by close code 1006.",
        ),
        P(
            "Two rules of the browser's own. If the page offers subprotocols, the answer must choose one of them: a 101 \
           without Sec-WebSocket-Protocol is refused and the connection fails (WHATWG WebSockets standard), although \
           RFC 6455 lets a server leave the header out (§4.2.2). And a browser opens connections to one server address one at a \
           time (RFC 6455 §4.1: connections to the same IP address and port attempted at once MUST be serialized, no more \
           than one in CONNECTING), so a page that opens several sockets to one server sees their handshakes queue, each \
           waiting for the one before to open or fail.",
        ),
        Code(
            "js",
            "// The browser writes the whole handshake.\nconst socket = new WebSocket(\"wss://chat.example.com/chat\", [\"chat\", \"superchat\"]);\nsocket.addEventListener(\"open\", () => {\n  console.log(\"subprotocol chosen:\", socket.protocol); // \"chat\"\n});",
        ),
    ],
    lab: None,
};

/// The lesson "uris".
pub const URIS: Lesson = Lesson {
    id: "uris",
    route: Route::Uris,
    title: "ws:// and wss://",
    goal: "take any WebSocket URI apart, say which port and Host header it gives, and explain why production uses wss://.",
    blocks: &[
        P(
            "A WebSocket URI names the server and the resource (RFC 6455 §3). ws:// is WebSocket over plain TCP, default \
           port 80; wss:// is WebSocket over TLS, default port 443 — the same relation as http:// and https://.",
        ),
        Example(Example::UriTable),
        List(&[
            "The scheme and host are case-insensitive; the host is required.",
            "The resource name is the path (/ when empty) plus ?query. It becomes the request line.",
            "The Host header carries :port only when the port is not the scheme's default.",
            "Fragments (#…) are not allowed: write # as %23.",
        ]),
        H("uris-browser", "What new WebSocket accepts"),
        P(
            "RFC 6455 names only ws:// and wss://, but a browser takes more (WHATWG WebSockets standard): it first \
             resolves the URL against the page's address, so new WebSocket(\"/chat\") on a page at \
             https://example.com/app/ opens wss://example.com/chat, and \"chat\" opens wss://example.com/app/chat; then \
             http:// becomes ws:// and https:// becomes wss://. Any other scheme, or a fragment, throws a SyntaxError.",
        ),
        P(
            "It also writes the path as the URL standard does before it goes into the request line: a space or a \
             non-ASCII character is percent-encoded (/café is requested as /caf%C3%A9), a backslash counts as /, \
             and . and .. segments are resolved, so ws://host/a/../b requests /b. The lab below shows each step.",
        ),
        H("uris-security", "Why wss:// in production"),
        P(
            "Over ws:// everything is readable on the path: the handshake with its cookies, and every frame (masking is not \
           encryption, as the frames lesson shows). Over wss:// an observer sees only TLS records. Use ws:// for local \
           development only, and never send passwords or tokens over it.",
        ),
        P(
            "A page loaded over https:// may not open ws:// at all: browsers block it as mixed content (the \
             constructor throws a SecurityError). The one exception is loopback: ws://localhost and \
             ws://127.0.0.1 count as potentially trustworthy (W3C Secure Contexts), so a local echo server works \
             from an https page.",
        ),
    ],
    lab: None,
};

/// The lesson "lifecycle".
pub const LIFECYCLE: Lesson = Lesson {
    id: "lifecycle",
    route: Route::Lifecycle,
    title: "Lifecycle and the closing handshake",
    goal: "follow a connection through its four states, close it cleanly with a code and reason, and read the close event.",
    blocks: &[
        H("lifecycle-states", "Four states"),
        P(
            "A browser WebSocket's readyState is always one of four values (WHATWG WebSockets standard):",
        ),
        List(&[
            "0 CONNECTING: the handshake is in progress. send() throws.",
            "1 OPEN: the handshake succeeded; the open event fired. Messages flow both ways.",
            "2 CLOSING: a Close frame was sent or received, and the closing handshake is under way.",
            "3 CLOSED: the connection is closed (or never opened); the close event fired.",
        ]),
        H("lifecycle-closing", "The closing handshake"),
        Steps(&[
            "One side sends a Close frame (opcode 0x8), optionally with a 2-byte status code and a UTF-8 reason (RFC 6455 §5.5.1). After it, that side sends no more data frames.",
            "The other side answers with a Close frame of its own (usually echoing the code) as soon as practical; it may first finish a fragmented message it is partway through (§5.5.1), and sends nothing after its Close. In a browser, receiving a Close moves readyState to CLOSING too.",
            "The server closes the TCP connection first, so that the client does not hold the TIME_WAIT state (§7.1.1).",
        ]),
        P(
            "The close frames a client and a server send for code 1000 and the reason \"bye\" (the client's is masked):",
        ),
        Example(Example::CloseFrames),
        H("lifecycle-codes", "Close codes"),
        P(
            "Codes 1000–2999 belong to the protocol; 3000–3999 are registered with IANA for libraries and frameworks; \
           4000–4999 are for applications' private use. Three codes only describe a closure to the application and must \
           never be sent: 1005 (no code was given), 1006 (the connection dropped without a Close frame) and 1015 (the TLS \
           handshake failed).",
        ),
        Example(Example::CloseCodeTable),
        P(
            "In a browser, close(code, reason) accepts only 1000 or 3000–4999 (anything else throws InvalidAccessError) and a \
           reason of at most 123 bytes of UTF-8 (SyntaxError otherwise): the 125 bytes of a control frame, less the code \
           (WHATWG WebSockets, close()).",
        ),
        List(&[
            "close() with no arguments is valid: the browser sends a Close frame with an empty body (88 00 from a server; 88 80 and a masking key from a client), and the other side's close event reports 1005, no status received.",
            "close() while still CONNECTING sends nothing: the browser abandons the handshake (it fails the connection), and the page gets error, then close with 1006.",
            "send() once close() has been called (CLOSING) throws nothing, but sends nothing either: the data is discarded, though bufferedAmount still grows by its size.",
            "A connection that was OPEN and then drops (a cable pulled, a proxy's idle timeout) goes from OPEN or CLOSING straight to CLOSED with 1006; the browser need not fire error first.",
        ]),
        Code(
            "js",
            "socket.close(1000, \"bye\");\nsocket.addEventListener(\"close\", (event) => {\n  // wasClean: the closing handshake completed.\n  console.log(event.code, event.reason, event.wasClean);\n});",
        ),
    ],
    lab: Some(Route::Live),
};

/// The lesson "frames".
pub const FRAMES: Lesson = Lesson {
    id: "frames",
    route: Route::Frames,
    title: "Frames, opcodes and masking",
    goal: "read and write a frame header bit by bit, pick the right length form, and mask a payload by hand.",
    blocks: &[
        H("frames-fields", "The fields"),
        List(&[
            "FIN (1 bit): 1 on the final fragment of a message.",
            "RSV1, RSV2, RSV3 (1 bit each): 0 unless an extension negotiated in the handshake defines them (permessage-deflate, RFC 7692, uses RSV1).",
            "Opcode (4 bits): what the frame carries; see the table below.",
            "MASK (1 bit): 1 when the payload is masked. Every frame from a client must be masked; no frame from a server may be (§5.1).",
            "Payload length (7 bits, then 0, 16 or 64 more): the payload's size in bytes.",
            "Masking key (32 bits, only when MASK is 1).",
            "Payload data: the application's bytes (masked on the wire when MASK is 1).",
        ]),
        Example(Example::OpcodeTable),
        H("frames-length", "Three ways to write a length"),
        Example(Example::LengthForms),
        P(
            "A sender must use the shortest form that fits (§5.2); the 64-bit form's top bit must be 0.",
        ),
        H("frames-masking", "Masking"),
        P(
            "Byte i of the payload is XORed with byte i mod 4 of the masking key; applying the same key again restores \
           the bytes (§5.3). A client draws a fresh, unpredictable key for every frame (§5.3: from a strong source of \
           randomness); the examples here reuse the RFC's key 37 fa 21 3d only so that their bytes match RFC 6455 §5.7. \
           Here is \"Hello\" masked with it:",
        ),
        Example(Example::MaskedHello),
        Note(
            "Masking is not for secrecy: the key travels in the same frame, in clear. It exists so that a script in a browser \
              cannot choose the exact bytes that appear on the wire, which could otherwise trick a transparent proxy or \
              cache into treating frame data as an HTTP request and caching a poisoned answer (RFC 6455 §10.3). Only \
              wss:// gives secrecy. A client masks over wss:// too: §5.1 makes no exception for TLS, and a server must \
              fail a connection whose client sends an unmasked frame, whatever the transport.",
        ),
        H("frames-fragments", "Fragmentation"),
        P(
            "A message may be sent as several frames: the first carries the Text or Binary opcode, the rest carry opcode 0 \
           (continuation), and only the last has FIN = 1 (§5.4). Control frames (close, ping, pong) are never fragmented, \
           carry at most 125 bytes, and may arrive between the fragments of a message. The fragments of two data \
           messages never interleave: once a message has started, the next data frame must be its continuation, until \
           FIN (§5.4), unless an extension says otherwise.",
        ),
        H("frames-extensions", "Extensions: what RSV1 is for"),
        P(
            "The three RSV bits, the opcodes 3–7 and B–F and the \"extension data\" a payload may start with are room that RFC 6455 leaves to extensions (§5.8, §9). An extension exists on a connection only if the handshake agreed on it: the client lists what it offers in Sec-WebSocket-Extensions, in order of preference, each with parameters; the server answers with the offers it accepts, or leaves the header out and so declines them all. A receiver fails the connection on any RSV bit that no agreed extension defines.",
        ),
        P(
            "Browsers offer one: permessage-deflate (RFC 7692). Chromium writes its offer \"permessage-deflate; client_max_window_bits\", Firefox a bare \"permessage-deflate\"; the live page shows what yours sends. Once it is agreed, a sender may compress any data message: DEFLATE over the whole payload, flushed, the flush's last four bytes 00 00 ff ff dropped, RSV1 set on the first frame only (§6, §7.2.1). The receiver appends 00 00 ff ff and inflates (§7.2.2). Compression is per message: a message that would not shrink can go out plain, with RSV1 = 0. Control frames are never compressed.",
        ),
        P(
            "Context takeover: by default each side keeps its 32 KiB LZ77 window between messages, so a message that repeats an earlier one compresses to a few bytes of back-reference. That window costs memory for the whole life of the connection, so a server may answer server_no_context_takeover and client_no_context_takeover: then every message is compressed on its own (§7.1.1), and an idle connection keeps nothing. wslab-echo answers that way. server_max_window_bits and client_max_window_bits shrink the window (2^8 to 2^15 bytes, §7.1.2).",
        ),
        Note(
            "Compression and secrets do not mix. When a message holds a secret (a token, a cookie value) and text an attacker can influence, the compressed size tells how much of the attacker's guess matched the secret: with context takeover, even across messages. That is how CRIME and BREACH read secrets out of compressed TLS and HTTP; TLS hides the bytes, not their number. Send secrets in messages that are not compressed, or without context takeover and apart from attacker-controlled data. A receiver must also bound what it inflates: DEFLATE expands at most 1,032 to 1 (a 258-byte match costs at least 2 bits, RFC 1951), so a kilobyte can inflate to a megabyte and a megabyte to a gigabyte (wslab-echo closes with 1009 past its message limit).",
        ),
        P(
            "Try it: the frame lab below compresses messages with and without context takeover; the handshake lab explains an offer and an answer parameter by parameter; the live console shows your browser's own compressed frames, inflated.",
        ),
    ],
    lab: None,
};

/// The lesson "heartbeats".
pub const HEARTBEATS: Lesson = Lesson {
    id: "heartbeats",
    route: Route::Heartbeats,
    title: "Ping, pong and staying alive",
    goal: "keep a connection alive through proxies and load balancers, and diagnose a connection that drops after a fixed idle time.",
    blocks: &[
        H("heartbeats-pingpong", "Ping and pong"),
        P(
            "A Ping (opcode 0x9) asks the other side to answer with a Pong (opcode 0xA) carrying the same application data, \
           as soon as practical (§5.5.2, §5.5.3). Either side may ping. A Pong may also be sent unasked, as a one-way \
           heartbeat. Both are control frames: at most 125 bytes, never fragmented.",
        ),
        Example(Example::PingPong),
        P(
            "Browsers answer pings by themselves: page code never sees them and has no API to send one. Servers usually send \
           pings every 20–30 seconds and drop a client whose pong does not come back.",
        ),
        H(
            "heartbeats-browser",
            "In the browser: heartbeat, reconnect, backpressure",
        ),
        P(
            "A page cannot send a Ping, so a page that wants to know its connection is alive sends an application message \
             of its own and expects the answer within a deadline: a half-open connection (the peer or a middlebox gone \
             without a word) fires no close event for a long time, so the missing answer is how the page finds out. It \
             then reconnects, as it does when a close event comes, waiting longer after each failure and never the same \
             time as every other client. A page that sends a lot watches bufferedAmount, the bytes \
             send() has queued but the browser has not yet handed to the network.",
        ),
        Code("js", BROWSER_PRACTICE_JS),
        H("heartbeats-practices", "Best practices"),
        List(&[
            "Send heartbeats. Firewalls, NATs, proxies and load balancers close TCP connections that stay silent too long (often 60 seconds); a ping every 20–30 seconds keeps traffic flowing and detects dead peers.",
            "Use wss://. It hides the handshake and frames from everyone on the path, and passes through proxies that break plain Upgrade requests.",
            "Check Origin on the server. WebSockets have no CORS: any page can try to connect, with the user's cookies (cross-site WebSocket hijacking). SameSite cookies narrow this (a cross-site page's request carries no SameSite=Lax or Strict cookie), but same-site is not same-origin: another subdomain of your site still sends them, so Origin is the check that counts.",
            "Close with a meaningful code. Page code may pass only 1000 (done) or an application code from 3000–4999 to close(); the browser throws InvalidAccessError for anything else (WHATWG WebSockets, close()). Servers use the protocol's codes too: 1001 when going away, 1008 for a policy refusal, 1009 for a message too big, 1011 for an internal error (RFC 6455 §7.4.1).",
            "Reconnect with a growing, randomised delay after an abnormal close (1006), so that a restarted server is not stampeded.",
        ]),
        H("heartbeats-mistakes", "Common mistakes"),
        List(&[
            "Going through an old proxy with ws:// on port 80: some proxies do not understand Upgrade: websocket, strip the hop-by-hop Upgrade and Connection headers, or buffer the response. The handshake fails or hangs. These are transparent proxies, on the path without being asked: a proxy the browser is configured to use is asked for a CONNECT tunnel for ws:// and wss:// alike (RFC 6455 §4.1 recommends it for both), and then only relays bytes. wss:// on port 443 is encrypted end to end, so a transparent proxy sees only TLS and passes it through untouched.",
            "Relying on TCP to notice a dead peer: without heartbeats a half-open connection can look open for hours.",
            "Treating masking as security, or sending secrets over ws://.",
            "Sending from page code before the open event: send() throws while readyState is CONNECTING.",
        ]),
    ],
    lab: Some(Route::Live),
};

/// The lesson "summary".
pub const SUMMARY: Lesson = Lesson {
    id: "summary",
    route: Route::Summary,
    title: "FAQ, summary and what comes next",
    goal: "answer the common questions about WebSockets and review the whole chapter in a minute.",
    blocks: &[
        H("faq", "Frequently asked questions"),
        P(
            "Can I send images over WebSockets? Yes. Text messages (opcode 0x1) must be UTF-8, but binary messages (opcode \
           0x2) carry any bytes: images, audio, video chunks, protobuf. In a browser, send a Blob or an ArrayBuffer, and set \
           socket.binaryType = \"arraybuffer\" to receive ArrayBuffers instead of Blobs. A 200 KiB image is one binary \
           message; its first frame's header looks like this:",
        ),
        Example(Example::BinaryHeader),
        P(
            "Is a WebSocket faster than HTTP? After the handshake, each message costs only 2–14 bytes of framing instead of a \
           full set of HTTP headers, and no new request is needed for the server to speak. For one request and one answer, \
           plain HTTP is simpler.",
        ),
        P(
            "Does the Sec-WebSocket-Key protect anything? No. It only proves that the server understood the handshake. Use \
           wss:// and check Origin. Authentication is not like other requests: page code cannot set Authorization or any \
           other header on the handshake. The real options each cost something: a cookie, sent by the browser as with any \
           request (the server must check Origin, or any site can open the socket with the user's cookie); a short-lived, \
           single-use token in the query string (it lands in server, proxy and browser logs, hence short-lived); or a token \
           in the first message after open (nothing sensitive in the URL, but the server holds an unauthenticated \
           connection until it arrives, so it needs a deadline).",
        ),
        H("summary-text", "Summary"),
        List(&[
            "Over HTTP/1.1, a WebSocket starts as a GET with Upgrade: websocket; a 101 Switching Protocols answer with the right Sec-WebSocket-Accept ends HTTP on that connection. Over HTTP/2 and HTTP/3 it is an extended CONNECT on one stream, answered 200 (RFC 8441, RFC 9220).",
            "ws:// is plain TCP on port 80; wss:// is TLS on port 443, and is what production uses.",
            "Data travels in frames: FIN, RSV1–3, opcode, MASK, length, masking key, payload. Text, binary, continuation, close, ping and pong are the defined opcodes.",
            "Clients mask every frame; servers never do. Masking protects intermediaries, not secrets.",
            "Ping and pong keep connections alive through idle timeouts; a Close frame each way ends the connection cleanly.",
        ]),
        H("next", "What comes next"),
        P(
            "Now that the protocol has no secrets, the next chapter, \"Creating your first WebSocket connection\", builds a small \
           HTML and JavaScript client that connects to a server, sends messages and handles every event. You can rehearse it \
           already on the live connection page.",
        ),
    ],
    lab: Some(Route::Quiz),
};

/// Every lesson, in the order of the chapter.
pub const LESSONS: &[Lesson] = &[
    BASICS, HANDSHAKE, URIS, LIFECYCLE, FRAMES, HEARTBEATS, SUMMARY,
];

/// What the start page and the progress need of a lesson: not its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LessonEntry {
    /// The lesson's id.
    pub id: &'static str,
    /// The page that shows it.
    pub route: Route,
    /// Its title.
    pub title: &'static str,
    /// What the learner will be able to do.
    pub goal: &'static str,
}

/// Every lesson's entry, in the order of the chapter. Computed at compile
/// time from [`LESSONS`], so a build that uses only the index (the reader's
/// start page) does not carry every lesson's text.
pub const INDEX: [LessonEntry; LESSONS.len()] = {
    let mut out = [LessonEntry {
        id: "",
        route: Route::Home,
        title: "",
        goal: "",
    }; LESSONS.len()];
    let mut i = 0;
    while i < LESSONS.len() {
        let l = &LESSONS[i];
        out[i] = LessonEntry {
            id: l.id,
            route: l.route,
            title: l.title,
            goal: l.goal,
        };
        i += 1;
    }
    out
};

/// Every lesson's id and title, in the order of the chapter: less than
/// [`INDEX`], for a build that names lessons (the quiz's groups) and shows
/// no goal.
pub const TITLES: [(&str, &str); LESSONS.len()] = {
    let mut out = [("", ""); LESSONS.len()];
    let mut i = 0;
    while i < LESSONS.len() {
        out[i] = (LESSONS[i].id, LESSONS[i].title);
        i += 1;
    }
    out
};

/// The lesson with this id.
pub fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

/// Every section of the chapter, and where the app covers it: a route and the
/// id of the element that holds it.
pub const CHAPTER_SECTIONS: &[(&str, Route, &str)] = &[
    ("Introduction", Route::Home, "introduction"),
    ("Learning objectives", Route::Home, "objectives"),
    ("Beginner-friendly explanation", Route::Home, "analogy"),
    (
        "Real-world examples: ws:// vs wss://",
        Route::Uris,
        "uris-security",
    ),
    (
        "Step-by-step tutorial: the handshake",
        Route::Handshake,
        "handshake-steps",
    ),
    (
        "Handshake example: request and response",
        Route::Handshake,
        "handshake-example",
    ),
    (
        "Connection lifecycle and closing handshake",
        Route::Lifecycle,
        "lifecycle-closing",
    ),
    ("What are frames?", Route::Frames, "frames-fields"),
    ("Masking", Route::Frames, "frames-masking"),
    ("Ping and pong", Route::Heartbeats, "heartbeats-pingpong"),
    ("Best practices", Route::Heartbeats, "heartbeats-practices"),
    ("Common mistakes", Route::Heartbeats, "heartbeats-mistakes"),
    ("Mini exercises", Route::Quiz, "exercises"),
    ("Coding challenge", Route::Quiz, "challenge"),
    ("MCQs with answers", Route::Quiz, "mcq"),
    ("Interview questions", Route::Quiz, "interview"),
    ("FAQs", Route::Summary, "faq"),
    ("Summary", Route::Summary, "summary-text"),
    ("Next chapter", Route::Summary, "next"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sentence of every lesson, for tests that look for a claim.
    fn all_text() -> String {
        let lessons = [
            BASICS, HANDSHAKE, URIS, LIFECYCLE, FRAMES, HEARTBEATS, SUMMARY,
        ];
        let mut out = String::new();
        for lesson in lessons {
            for block in lesson.blocks {
                match block {
                    P(t) | Note(t) => out.push_str(t),
                    List(items) | Steps(items) => items.iter().for_each(|t| out.push_str(t)),
                    _ => {}
                }
                out.push('\n');
            }
        }
        out
    }

    #[test]
    fn the_deflate_ceiling_is_the_one_wire_computes() {
        let ratio = wire::deflate::MAX_RATIO;
        let said = format!("{},{:03} to 1", ratio / 1000, ratio % 1000);
        assert!(all_text().contains(&said), "the lessons should say {said}");
        assert!(
            !all_text().contains("gigabytes"),
            "kilobytes do not inflate to gigabytes"
        );
    }
}
