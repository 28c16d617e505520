//! The live console (`/live`): a real browser WebSocket, its whole life, and —
//! with wslab-echo — what actually crossed the wire, reported by the server.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{Bytes, HexDump, ProgressBar};
use crate::pages::StateDiagram;
use crate::route::{LiveFor, Route};
use crate::services::browser::{blob_url, download, now_ms, random_bytes, read_file};
use crate::services::socket::{Socket, SocketEvent};
use crate::state::console::{Console, ConsoleAction, Dir, Payload, TapSplitters, WireFrame};
use wire::close::{MAX_REASON, page_may_close_with};
use wire::hex::{parse_hex, to_hex};
use wire::opcode::OpCode;
use wire::tap::decode_records;
use wire::uri::parse_uri;

/// The echo server `cargo xtask serve` starts, reached directly on its own port.
pub const DEFAULT_ECHO_URL: &str = "ws://127.0.0.1:9001/echo";

/// Servers the picker offers: (label, URL).
pub const PRESETS: &[(&str, &str)] = &[
    ("wslab-echo, local (direct)", DEFAULT_ECHO_URL),
    (
        "wslab-echo over TLS (self-signed)",
        "wss://127.0.0.1:9443/echo",
    ),
    (
        "Demo: an old proxy that does not know Upgrade",
        "ws://127.0.0.1:9001/legacy-proxy",
    ),
    (
        "Demo: a proxy that drops connections idle for 5 s",
        "ws://127.0.0.1:9001/idle?timeout=5",
    ),
    (
        "Challenge: a host that does not exist",
        "ws://this-site-does-not-exist.com",
    ),
    (
        "Public: echo.websocket.org (sends a greeting)",
        "wss://echo.websocket.org",
    ),
    ("Public: websocket-echo.com", "wss://websocket-echo.com"),
    (
        "Public: ws.vi-server.org mirror",
        "wss://ws.vi-server.org/mirror",
    ),
];

/// Whether a received binary message is an image, and of which type.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [0xff, 0xd8, 0xff, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        _ => None,
    }
}

/// The URLs to open: the echo URL (with session and ping parameters when the
/// wire view is on) and the tap URL beside it.
fn urls(url: &str, wire: bool, ping: u32) -> (String, Option<String>) {
    if !wire {
        return (url.to_owned(), None);
    }
    let Ok(uri) = parse_uri(url) else {
        return (url.to_owned(), None);
    };
    let session = to_hex(&random_bytes::<8>()).replace(' ', "");
    let mut echo = format!(
        "{url}{}session={session}",
        if url.contains('?') { "&" } else { "?" }
    );
    if ping > 0 {
        echo.push_str(&format!("&ping={ping}"));
    }
    let tap = format!(
        "{}://{}/tap?session={session}",
        uri.scheme(),
        uri.host_header()
    );
    (echo, Some(tap))
}

/// Where the page's own policy would stop a close() call, before the browser throws.
fn close_rule(code: u16, reason: &str) -> Option<String> {
    if !page_may_close_with(code) {
        return Some(format!(
            "close({code}) throws InvalidAccessError: page code may only use 1000 or 3000–4999; {code} is reserved for the protocol and servers (RFC 6455 §7.4)."
        ));
    }
    if reason.len() > MAX_REASON {
        return Some(format!(
            "close(…, reason) throws SyntaxError: the reason is {} bytes of UTF-8, and at most {MAX_REASON} fit (125 bytes of a control frame, less the 2-byte code).",
            reason.len()
        ));
    }
    None
}

/// Opening the real socket, deferred until the tap socket is open.
type PendingOpen = Box<dyn FnOnce()>;

/// The live console.
#[function_component(Live)]
pub fn live() -> Html {
    let initial = use_location()
        .and_then(|l| l.query::<LiveFor>().ok())
        .map(|q| q.url)
        .unwrap_or_else(|| DEFAULT_ECHO_URL.to_owned());
    let console = use_reducer(Console::default);
    let url = use_state(|| initial);
    let protocols = use_state(String::new);
    let wire_on = use_state(|| true);
    let ping = use_state(|| "0".to_owned());
    let message = use_state(|| "Hello, wslab".to_owned());
    let hex = use_state(|| "de ad be ef".to_owned());
    let code = use_state(|| "1000".to_owned());
    let reason = use_state(|| "done".to_owned());
    let main: Rc<RefCell<Option<Socket>>> = use_mut_ref(|| None);
    let tap: Rc<RefCell<Option<Socket>>> = use_mut_ref(|| None);
    let pending_open: Rc<RefCell<Option<PendingOpen>>> = use_mut_ref(|| None);
    let meter: Rc<RefCell<Option<Interval>>> = use_mut_ref(|| None);
    // Splitting the tap's bytes is stream decoding: it lives beside the sockets, not in the reducer.
    let splitters: Rc<RefCell<TapSplitters>> = use_mut_ref(TapSplitters::default);

    let connect = {
        let (console, url, protocols, wire_on, ping) = (
            console.clone(),
            url.clone(),
            protocols.clone(),
            wire_on.clone(),
            ping.clone(),
        );
        let (main, tap, pending_open, splitters) = (
            main.clone(),
            tap.clone(),
            pending_open.clone(),
            splitters.clone(),
        );
        Callback::from(move |target: Option<String>| {
            *main.borrow_mut() = None;
            *tap.borrow_mut() = None;
            *splitters.borrow_mut() = TapSplitters::default();
            let address = target.unwrap_or_else(|| (*url).clone()).trim().to_owned();
            let offered: Vec<String> = protocols
                .split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect();
            let seconds = ping.trim().parse::<u32>().unwrap_or(0);
            let (echo_url, tap_url) = urls(&address, *wire_on, seconds);
            console.dispatch(ConsoleAction::Connecting(now_ms()));
            let open_main = {
                let (console, main) = (console.clone(), main.clone());
                move || {
                    let dispatcher = console.dispatcher();
                    let on_event = Callback::from(move |ev: SocketEvent| {
                        let at = now_ms();
                        dispatcher.dispatch(match ev {
                            SocketEvent::Open => {
                                ConsoleAction::Opened(at, String::new(), String::new())
                            }
                            SocketEvent::Text(t) => ConsoleAction::Received(Payload::Text(t), at),
                            SocketEvent::Binary(b) => {
                                ConsoleAction::Received(Payload::Binary(Rc::new(b)), at)
                            }
                            SocketEvent::Error => ConsoleAction::Error(at),
                            SocketEvent::Closed {
                                code,
                                reason,
                                was_clean,
                            } => ConsoleAction::Closed {
                                code,
                                reason,
                                clean: was_clean,
                                at,
                            },
                        });
                    });
                    match Socket::open_with(&echo_url, &offered, on_event) {
                        Ok(s) => *main.borrow_mut() = Some(s),
                        Err(e) => console.dispatch(ConsoleAction::Threw(e)),
                    }
                }
            };
            match tap_url {
                None => open_main(),
                Some(tap_url) => {
                    // The tap opens first, so the server's report of the handshake is not missed.
                    *pending_open.borrow_mut() = Some(Box::new(open_main));
                    let dispatcher = console.dispatcher();
                    let pending = pending_open.clone();
                    let splitters = splitters.clone();
                    let on_tap = Callback::from(move |ev: SocketEvent| match ev {
                        // JSON events (the handshake, the end) come as text…
                        SocketEvent::Text(t) => {
                            if let Ok(v) = serde_json::from_str::<Value>(&t) {
                                dispatcher.dispatch(ConsoleAction::Tap(v));
                            }
                        }
                        // …and the raw bytes, batched, as binary records split here with wire.
                        SocketEvent::Binary(b) => {
                            let mut frames = Vec::new();
                            let mut errors = Vec::new();
                            for (from_client, t_ms, bytes) in decode_records(&b) {
                                let (f, e) = splitters.borrow_mut().take(from_client, t_ms, &bytes);
                                frames.extend(f);
                                errors.extend(e);
                            }
                            if !frames.is_empty() || !errors.is_empty() {
                                dispatcher.dispatch(ConsoleAction::TapFrames(frames, errors));
                            }
                        }
                        // Open, or failure (not a wslab-echo server): open the real socket either way.
                        SocketEvent::Open | SocketEvent::Error | SocketEvent::Closed { .. } => {
                            if let Some(open) = pending.borrow_mut().take() {
                                open();
                            }
                        }
                    });
                    match Socket::open(&tap_url, on_tap) {
                        Ok(s) => *tap.borrow_mut() = Some(s),
                        Err(_) => {
                            if let Some(open) = pending_open.borrow_mut().take() {
                                open();
                            }
                        }
                    }
                }
            }
        })
    };

    // After open, read what the server chose; the browser only knows it then.
    {
        let (main, console) = (main.clone(), console.clone());
        use_effect_with(console.ready, move |ready| {
            if *ready == Some(1)
                && let Some(s) = main.borrow().as_ref()
                && console.negotiated == (String::new(), String::new())
            {
                let (p, e) = (s.protocol(), s.extensions());
                if !p.is_empty() || !e.is_empty() {
                    console.dispatch(ConsoleAction::Opened(now_ms(), p, e));
                }
            }
        });
    }

    let send = {
        let (console, main, meter) = (console.clone(), main.clone(), meter.clone());
        Callback::from(move |payload: Payload| {
            let result = match (main.borrow().as_ref(), &payload) {
                (Some(s), Payload::Text(t)) => s.send_text(t),
                (Some(s), Payload::Binary(b)) => s.send_bytes(b),
                (None, _) => Err("not connected: press Connect first".to_owned()),
            };
            match result {
                Ok(()) => {
                    console.dispatch(ConsoleAction::Sent(payload, now_ms()));
                    // Right after send() the browser has queued the whole message.
                    let queued = main
                        .borrow()
                        .as_ref()
                        .map(|s| s.buffered_amount())
                        .unwrap_or(0);
                    console.dispatch(ConsoleAction::Buffered(queued));
                    // Watch bufferedAmount drain while a large message goes out.
                    let (main2, console2, meter2) = (main.clone(), console.clone(), meter.clone());
                    *meter.borrow_mut() = Some(Interval::new(50, move || {
                        let n = main2
                            .borrow()
                            .as_ref()
                            .map(|s| s.buffered_amount())
                            .unwrap_or(0);
                        console2.dispatch(ConsoleAction::Buffered(n));
                        if n == 0 {
                            // Dropping the interval from inside its own tick is deferred safely.
                            let m = meter2.clone();
                            wasm_bindgen_futures::spawn_local(
                                async move { *m.borrow_mut() = None },
                            );
                        }
                    }));
                }
                Err(e) => console.dispatch(ConsoleAction::Exception(e)),
            }
        })
    };

    let on_connect = {
        let connect = connect.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            connect.emit(None);
        })
    };
    let on_preset = {
        let url = url.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if !v.is_empty() {
                url.set(v);
            }
        })
    };
    let text_of = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: InputEvent| {
            s.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_send_text = {
        let (send, message) = (send.clone(), message.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send.emit(Payload::Text((*message).clone()));
        })
    };
    let hex_parsed = parse_hex(&hex);
    let on_send_hex = {
        let (send, bytes) = (send.clone(), hex_parsed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Ok(b) = &bytes {
                send.emit(Payload::Binary(Rc::new(b.clone())));
            }
        })
    };
    let on_file = {
        let send = send.clone();
        Callback::from(move |e: Event| {
            if let Some(file) = e
                .target_unchecked_into::<HtmlInputElement>()
                .files()
                .and_then(|f| f.get(0))
            {
                let send = send.clone();
                read_file(
                    file,
                    Callback::from(move |(_, bytes): (String, Vec<u8>)| {
                        send.emit(Payload::Binary(Rc::new(bytes)))
                    }),
                );
            }
        })
    };
    let code_value = code.trim().parse::<u16>();
    let on_close = {
        let (console, main, code, reason) =
            (console.clone(), main.clone(), code.clone(), reason.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(s) = main.borrow().as_ref().map(|s| s.ready_state()) else {
                console.dispatch(ConsoleAction::Exception("not connected".into()));
                return;
            };
            let n = code.trim().parse::<u16>().unwrap_or(0);
            let result = main
                .borrow()
                .as_ref()
                .map(|sock| sock.close_with(n, &reason))
                .unwrap_or(Ok(()));
            match result {
                Ok(()) if s == 1 => console.dispatch(ConsoleAction::Closing(now_ms())),
                Ok(()) => {}
                Err(err) => console.dispatch(ConsoleAction::Exception(err)),
            }
        })
    };
    let on_challenge = {
        let (url, connect) = (url.clone(), connect.clone());
        Callback::from(move |_: MouseEvent| {
            let target = "ws://this-site-does-not-exist.com".to_owned();
            url.set(target.clone());
            connect.emit(Some(target));
        })
    };
    let on_export = {
        let console = console.clone();
        Callback::from(move |_: MouseEvent| {
            download("wslab-session.json", "application/json", &console.export())
        })
    };
    let on_clear = {
        let console = console.clone();
        Callback::from(move |_: MouseEvent| console.dispatch(ConsoleAction::Clear))
    };
    let on_wire = {
        let wire_on = wire_on.clone();
        Callback::from(move |e: Event| {
            wire_on.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };

    let status = match console.ready {
        None => "not connected",
        Some(0) => "CONNECTING",
        Some(1) => "OPEN",
        Some(2) => "CLOSING",
        Some(_) => "CLOSED",
    };
    let open = console.ready == Some(1);
    let close_hint = match &code_value {
        Ok(c) => close_rule(*c, &reason),
        Err(_) => Some(format!(
            "{:?} is not a number: close() would throw.",
            code.as_str()
        )),
    };

    html! {
        <article class="lab live">
            <h1>{ Route::Live.title() }</h1>
            <p class="lead">{ Route::Live.summary() }</p>

            <section class="card" aria-labelledby="connect-title">
                <h2 id="connect-title">{ "Connect" }</h2>
                <form onsubmit={on_connect}>
                    <div class="row">
                        <label for="server-preset">{ "Server" }</label>
                        <select id="server-preset" onchange={on_preset}>
                            <option value="">{ "Choose a preset…" }</option>
                            { for PRESETS.iter().map(|(label, u)| html! { <option value={*u} selected={*url == *u}>{ *label }</option> }) }
                        </select>
                    </div>
                    <div class="row">
                        <label for="echo-url">{ "URL" }</label>
                        <input id="echo-url" type="text" value={(*url).clone()} oninput={text_of(&url)} spellcheck="false" autocomplete="off" />
                    </div>
                    <div class="row">
                        <label for="live-protocols">{ "Subprotocols" }</label>
                        <input id="live-protocols" type="text" value={(*protocols).clone()} oninput={text_of(&protocols)} placeholder="e.g. chat, superchat (optional)" />
                    </div>
                    <div class="row">
                        <label class="check" for="live-wire"><input id="live-wire" type="checkbox" checked={*wire_on} onchange={on_wire} />{ "Show the wire (wslab-echo only)" }</label>
                        <label for="live-ping">{ "Server pings every" }</label>
                        <input id="live-ping" type="number" min="0" class="narrow" value={(*ping).clone()} oninput={text_of(&ping)} />
                        <span>{ "seconds (0: off)" }</span>
                    </div>
                    <div class="row">
                        <button type="submit" id="echo-connect">{ "Connect" }</button>
                        <span>{ "State: " }<strong id="echo-status">{ status }</strong></span>
                        if !console.negotiated.0.is_empty() { <span id="live-protocol">{ format!("subprotocol: {}", console.negotiated.0) }</span> }
                        if !console.negotiated.1.is_empty() { <span>{ format!("extensions: {}", console.negotiated.1) }</span> }
                    </div>
                </form>
                if let Some(e) = &console.exception {
                    <p class="bad-text" role="alert" id="live-exception">{ format!("The browser threw: {e}") }</p>
                }
            </section>

            <section class="card" aria-labelledby="life-title">
                <h2 id="life-title">{ "Lifecycle" }</h2>
                <StateDiagram current={console.ready} />
                <ol class="transitions" id="transitions">
                    { for console.transitions.iter().map(|(t, s)| html! { <li><span class="muted">{ format!("{t:>7.1} ms  ") }</span>{ s }</li> }) }
                </ol>
                if console.errored || console.closed.as_ref().is_some_and(|c| c.0 == 1006) {
                    <p class="notice" id="failure-explained">
                        { "The connection failed. The browser fired error, then close with code 1006 (abnormal closure: no Close frame was received). \
                           It says no more on purpose: a page must not learn whether a host exists or a port is open, or it could scan the visitor's network. \
                           Only the developer console shows the browser's own message." }
                    </p>
                }
            </section>

            <div class="two-col">
                <section class="card" aria-labelledby="send-title">
                    <h2 id="send-title">{ "Send" }</h2>
                    <form class="row" onsubmit={on_send_text}>
                        <label for="echo-message">{ "Text" }</label>
                        <input id="echo-message" type="text" value={(*message).clone()} oninput={text_of(&message)} />
                        <button id="echo-send" type="submit" disabled={!open}>{ "Send text" }</button>
                    </form>
                    <form class="row" onsubmit={on_send_hex}>
                        <label for="send-hex">{ "Binary (hex)" }</label>
                        <input id="send-hex" type="text" value={(*hex).clone()} oninput={text_of(&hex)} spellcheck="false" />
                        <button id="send-binary" type="submit" disabled={!open || hex_parsed.is_err()}>{ "Send bytes" }</button>
                    </form>
                    if let Err(e) = &hex_parsed { <p class="bad-text">{ e.to_string() }</p> }
                    <div class="row">
                        <label for="send-file">{ "A file" }</label>
                        <input id="send-file" type="file" onchange={on_file} disabled={!open} />
                    </div>
                    if console.buffered.0 > 0 {
                        <p>{ "bufferedAmount: " }<span id="buffered">{ console.buffered.1 }</span>{ " bytes still queued " }
                            <ProgressBar value={1.0 - f64::from(console.buffered.1) / f64::from(console.buffered.0)} label="Upload progress" /></p>
                    }
                </section>
                <section class="card" aria-labelledby="close-title">
                    <h2 id="close-title">{ "Close" }</h2>
                    <form onsubmit={on_close}>
                        <div class="row">
                            <label for="close-code-live">{ "Code" }</label>
                            <input id="close-code-live" type="text" inputmode="numeric" class="narrow" value={(*code).clone()} oninput={text_of(&code)} />
                            <label for="close-reason-live">{ "Reason" }</label>
                            <input id="close-reason-live" type="text" value={(*reason).clone()} oninput={text_of(&reason)} />
                        </div>
                        if let Some(h) = &close_hint { <p class="warn">{ h }{ " Press Close to see the exception." }</p> }
                        <button id="close-button" type="submit">{ "Close" }</button>
                    </form>
                    if let Some((c, r, clean)) = &console.closed {
                        <p id="close-event">{ format!("close event: code {c}, reason {r:?}, wasClean {clean}") }</p>
                        if *clean && !console.transitions.iter().any(|(_, t)| t.contains("close() called")) {
                            <p class="muted" id="server-closed-first">
                                { "The server closed first: its Close frame arrived, the browser answered with its own Close by itself (page code did nothing), and only then fired close." }
                            </p>
                        }
                    }
                </section>
            </div>

            <section class="card" aria-labelledby="log-title">
                <h2 id="log-title">{ "Messages" }</h2>
                <div class="row">
                    <button type="button" class="secondary" id="log-export" onclick={on_export}>{ "Export as JSON" }</button>
                    <button type="button" class="secondary" id="log-clear" onclick={on_clear}>{ "Clear" }</button>
                </div>
                <ol id="echo-log" class="log" aria-live="polite">
                    { for console.log.iter().map(|e| {
                        let sent = e.dir == Dir::Sent;
                        let meta = format!(
                            "{} {} · {} bytes · {} bytes on the wire · at {:.0} ms{}{}",
                            if sent { "→ sent" } else { "← received" }, e.payload.kind(), e.payload.len(),
                            e.payload.frame_size(sent), e.at,
                            e.rtt.map(|r| format!(" · round trip {r:.1} ms")).unwrap_or_default(),
                            if e.unrequested { " · sent by the server unasked (a greeting?), not an echo" } else { "" },
                        );
                        let body = match &e.payload {
                            Payload::Text(t) => html! { <span class="content">{ t }</span> },
                            Payload::Binary(b) => html! {
                                <>
                                    if let Some(src) = image_type(b).and_then(|m| blob_url(b, m)) { <img class="echoed-image" {src} alt="the image, as echoed" /> }
                                    <HexDump id="log-hex" bytes={Bytes(b.clone())} />
                                </>
                            },
                        };
                        html! {
                            <li class={classes!(if sent { "sent" } else { "received" }, e.unrequested.then_some("unrequested"))}>
                                <span class="meta">{ meta }</span>
                                { body }
                            </li>
                        }
                    }) }
                </ol>
            </section>

            <section class="card" aria-labelledby="challenge-title" id="challenge">
                <h2 id="challenge-title">{ "The chapter's coding challenge" }</h2>
                <p>{ "new WebSocket(\"ws://this-site-does-not-exist.com\"): what does the browser tell the page? Run it and watch the lifecycle above." }</p>
                <button type="button" id="challenge-run" onclick={on_challenge}>{ "Run the challenge" }</button>
            </section>

            <WireView events={console.wire.clone()} frames={console.frames.clone()} errors={console.wire_errors.clone()} />
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct WireViewProps {
    events: Vec<Value>,
    frames: Vec<WireFrame>,
    errors: Vec<String>,
}

/// What wslab-echo saw: the browser's handshake and every frame, as bytes,
/// split into frames here by `wire`.
#[function_component(WireView)]
fn wire_view(props: &WireViewProps) -> Html {
    let handshake = props.events.iter().find(|e| e["type"] == "handshake");
    if handshake.is_none() && props.frames.is_empty() {
        return html! {
            <section class="card" id="wire" aria-labelledby="wire-title">
                <h2 id="wire-title">{ "On the wire" }</h2>
                <p class="muted">{ "Connect to wslab-echo with \"Show the wire\" on: the server passes on the handshake your browser sent and every byte after it, and this page splits them into frames." }</p>
            </section>
        };
    }
    let check = handshake.map(|h| {
        let request = h["request"].as_str().unwrap_or_default();
        let response = h["response"].as_str().unwrap_or_default();
        let parsed = wire::handshake::check_request(request);
        let key = parsed.request.key.clone().unwrap_or_default();
        let offered: Vec<&str> = parsed
            .request
            .protocols
            .iter()
            .map(String::as_str)
            .collect();
        let ext: Vec<&str> = parsed
            .request
            .extensions
            .iter()
            .map(String::as_str)
            .collect();
        let verdict = wire::handshake::check_response(response, &key, &offered, &ext);
        (request.to_owned(), response.to_owned(), key, verdict)
    });
    let pings: Vec<(u32, &[u8])> = props
        .frames
        .iter()
        .filter(|f| !f.inbound && f.decoded.header.opcode == OpCode::Ping)
        .map(|f| (f.t_ms, f.decoded.frame.payload.as_slice()))
        .collect();
    html! {
        <section class="card" id="wire" aria-labelledby="wire-title">
            <h2 id="wire-title">{ "On the wire, as wslab-echo saw it" }</h2>
            if let Some((request, response, key, verdict)) = check {
                <div class="two-col">
                    <div>
                        <h3>{ "Your browser's opening request" }</h3>
                        <pre class="wire-text" id="wire-request">{ request }</pre>
                        <p class="muted">{ "Sec-WebSocket-Key, Sec-WebSocket-Extensions, Origin and User-Agent: set by the browser; page code can neither set nor read them." }</p>
                    </div>
                    <div>
                        <h3>{ "The server's answer" }</h3>
                        <pre class="wire-text" id="wire-response">{ response }</pre>
                        if verdict.problems.is_empty() {
                            <p class="ok-text" id="wire-accept">{ format!("Sec-WebSocket-Accept checked: base64(SHA-1({key} + GUID)) = {}", verdict.expected_accept) }</p>
                        } else {
                            <p class="bad-text" id="wire-accept">{ format!("{} problem(s) with the answer", verdict.problems.len()) }</p>
                        }
                    </div>
                </div>
            }
            <h3>{ "Frames" }</h3>
            { for props.errors.iter().map(|e| html! { <p class="bad-text">{ e }</p> }) }
            <ol id="wire-frames" class="wire-frames">
                { for props.frames.iter().map(|f| {
                    let h = &f.decoded.header;
                    let payload = &f.decoded.frame.payload;
                    let header_len = h.encoded_len();
                    let text = matches!(h.opcode, OpCode::Text | OpCode::Continuation | OpCode::Close)
                        .then(|| std::str::from_utf8(&payload[..payload.len().min(4096)]).ok())
                        .flatten();
                    let delay = (f.inbound && h.opcode == OpCode::Pong)
                        .then(|| pings.iter().find(|(_, p)| *p == payload.as_slice()).map(|(t, _)| f.t_ms.saturating_sub(*t)))
                        .flatten();
                    // Unmask the raw bytes again here, byte by byte as §5.3 defines it, and compare.
                    let unmasked_ok = h.mask.map(|key| {
                        let mut body = f.raw.get(header_len..).unwrap_or_default().to_vec();
                        wire::mask::apply_mask_bytewise(&mut body, key, 0);
                        body == *payload
                    });
                    html! {
                        <li class={if f.inbound { "in" } else { "out" }}>
                            <strong>{ if f.inbound { "browser → server: " } else { "server → browser: " } }</strong>
                            { format!("FIN {}, opcode {}, {} length {}", u8::from(h.fin), h.opcode, h.length_form.name(), h.payload_len) }
                            { match h.mask {
                                Some(k) => html! { <>{ ", masking key " }<code class="mask-key">{ to_hex(&k) }</code></> },
                                None => html! { ", unmasked" },
                            } }
                            if let Some(t) = text { <>{ ": " }<code class="frame-text">{ format!("{t:?}") }</code></> }
                            if let Some(d) = delay { <span class="badge">{ format!("pong {d} ms after the ping") }</span> }
                            if unmasked_ok == Some(true) { <span class="ok-text unmask-check">{ "unmasked here with that key: same payload" }</span> }
                            <HexDump id="wire-frame-hex" bytes={Bytes(f.raw.clone())} headers={vec![0..header_len]} />
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
