//! The live console (`/live`): a real browser WebSocket, its whole life, and —
//! with wslab-echo — what actually crossed the wire, reported by the server.
//! The sockets live in `use_live_connection`; this page is their view.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{CloseForm, MessageLog, NeedsJs, ProgressBar, StateDiagram, WireView};
use crate::hooks::{ConnectOptions, use_live_connection, watchable, without_deflate};
use crate::route::{LiveFor, Route};
use crate::services::browser::{download, read_file};
use crate::state::console::{ConsoleAction, Payload};
use crate::state::illustrated::Handover;
use wire::hex::parse_hex;

/// The chapter's coding challenge: a host that does not exist. The chapter
/// names a .com host, which anyone could register; `.invalid` is reserved
/// never to resolve (RFC 6761 §6.4).
pub const CHALLENGE_URL: &str = "ws://this-site-does-not-exist.invalid";

/// The echo server the page was served with (`cargo xtask serve` starts
/// it), reached directly on its own port.
pub fn default_echo_url() -> String {
    format!("{}/echo", crate::services::browser::echo_base())
}

/// Servers the picker offers: (label, URL); wslab-echo's own from the echo
/// server the page was served with.
pub fn presets() -> Vec<(&'static str, String)> {
    let base = crate::services::browser::echo_base();
    let mut out = vec![
        ("wslab-echo, local (direct)", format!("{base}/echo")),
        (
            "wslab-echo over TLS (self-signed)",
            "wss://127.0.0.1:9443/echo".to_owned(),
        ),
        (
            "Demo: an old proxy that does not know Upgrade",
            format!("{base}/legacy-proxy"),
        ),
        (
            "Demo: a proxy that drops connections idle for 5 s",
            format!("{base}/idle?timeout=5"),
        ),
    ];
    out.extend(
        PUBLIC
            .iter()
            .map(|(label, url)| (*label, (*url).to_owned())),
    );
    out
}

/// The picker's servers that are not wslab-echo's.
const PUBLIC: &[(&str, &str)] = &[
    ("Challenge: a host that does not exist", CHALLENGE_URL),
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

/// The live console.
#[function_component(Live)]
pub fn live() -> Html {
    let initial = use_location()
        .and_then(|l| l.query::<LiveFor>().ok())
        .map(|q| q.url)
        .unwrap_or_else(default_echo_url);
    let live = use_live_connection();
    let console = live.console.clone();
    let url = use_state(|| initial);
    let protocols = use_state(String::new);
    let wire_on = use_state(|| true);
    let deflate_on = use_state(|| true);
    let ping = use_state(|| "0".to_owned());
    let message = use_state(|| "Hello, wslab".to_owned());
    let hex = use_state(|| "de ad be ef".to_owned());

    let options = |target: String| ConnectOptions {
        wire: *wire_on && watchable(&target),
        // Off: wslab-echo declines permessage-deflate (`?deflate=0`), to compare the wire without it.
        url: if *deflate_on {
            target
        } else {
            without_deflate(&target).unwrap_or(target)
        },
        protocols: protocols
            .split(',')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
        ping: ping.trim().parse::<u32>().unwrap_or(0),
    };
    let on_connect = {
        let (connect, opts) = (live.connect.clone(), options((*url).clone()));
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            connect.emit(opts.clone());
        })
    };
    let on_challenge = {
        let (connect, url, opts) = (
            live.connect.clone(),
            url.clone(),
            options(CHALLENGE_URL.to_owned()),
        );
        Callback::from(move |_: MouseEvent| {
            url.set(CHALLENGE_URL.to_owned());
            connect.emit(opts.clone());
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
        let (send, message) = (live.send.clone(), message.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send.emit(Payload::Text((*message).clone()));
        })
    };
    let hex_parsed = parse_hex(&hex);
    let on_send_hex = {
        let (send, bytes) = (live.send.clone(), hex_parsed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Ok(b) = &bytes {
                send.emit(Payload::Binary(Rc::new(b.clone())));
            }
        })
    };
    let on_file = {
        let send = live.send.clone();
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
    let on_export = {
        let console = console.clone();
        Callback::from(move |_: MouseEvent| {
            download(
                "wslab-session.json",
                "application/json",
                console.export().as_bytes(),
            )
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
    let on_deflate = {
        let deflate_on = deflate_on.clone();
        Callback::from(move |e: Event| {
            deflate_on.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let on_illustrate = {
        let (console, navigator) = (console.clone(), use_navigator());
        let handover = use_context::<Handover>();
        Callback::from(move |_: MouseEvent| {
            if let (Some(session), Some(nav), Some(slot)) =
                (console.session(), navigator.as_ref(), handover.as_ref())
            {
                slot.put(session);
                nav.push(&Route::Illustrated);
            }
        })
    };
    let status = console.ready.map_or("not connected", |s| s.name());
    let tappable = watchable(&url);
    let open = console.is_open();

    html! {
        <article class="lab live">
            <h1>{ Route::Live.title() }</h1>
            <p class="lead">{ Route::Live.summary() }</p>
            <NeedsJs what="The live connection opens a real WebSocket from your browser." />

            <section class="card" aria-labelledby="connect-title">
                <h2 id="connect-title">{ "Connect" }</h2>
                <form onsubmit={on_connect}>
                    <div class="row">
                        <label for="server-preset">{ "Server" }</label>
                        <select id="server-preset" onchange={on_preset}>
                            <option value="">{ "Choose a preset…" }</option>
                            { for presets().into_iter().map(|(label, u)| { let selected = *url == u; html! { <option {selected} value={u}>{ label }</option> } }) }
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
                        <label class="check" for="live-wire"><input id="live-wire" type="checkbox" checked={*wire_on && tappable} disabled={!tappable} onchange={on_wire} />{ "Show the wire (wslab-echo only)" }</label>
                        <label for="live-ping">{ "Server pings every" }</label>
                        <input id="live-ping" type="number" min="0" class="narrow" value={(*ping).clone()} oninput={text_of(&ping)} />
                        <span>{ "seconds (0: off)" }</span>
                    </div>
                    <div class="row">
                        <label class="check" for="live-deflate"><input id="live-deflate" type="checkbox" checked={*deflate_on || !tappable} disabled={!tappable} onchange={on_deflate} />
                            { "Let wslab-echo accept compression (permessage-deflate; off adds ?deflate=0)" }</label>
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
                    { for console.transitions.iter().map(|(t, s)| html! { <li><span class="muted">{ format!("{t:>7.1} ms  ") }</span>{ s.to_string() }</li> }) }
                </ol>
                if console.errored || console.closed.as_ref().is_some_and(|c| c.code == 1006) {
                    <p class="notice" id="failure-explained">
                        { if console.errored {
                            "The connection failed. The browser fired error, then close with code 1006 (abnormal closure: no Close frame was received). "
                        } else {
                            "The connection ended with code 1006 (abnormal closure: no Close frame was received), here without an error event before it: a connection that was open and then dropped need not fire one. "
                        } }
                        { "The browser says no more on purpose: a page must not learn whether a host exists or a port is open, or it could scan the visitor's network. \
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
                <CloseForm on_close={live.close.clone()} closed={console.closed.clone()} server_closed_first={console.server_closed_first()} />
            </div>

            <section class="card" aria-labelledby="log-title">
                <h2 id="log-title">{ "Messages" }</h2>
                <div class="row">
                    <button type="button" class="secondary" id="log-export" onclick={on_export}>{ "Export as JSON" }</button>
                    <button type="button" class="secondary" id="log-clear" onclick={on_clear}>{ "Clear" }</button>
                </div>
                <MessageLog entries={console.log.clone()} deflate={console.negotiated.1.contains("permessage-deflate")} />
            </section>

            <section class="card" aria-labelledby="challenge-title" id="challenge">
                <h2 id="challenge-title">{ "The chapter's coding challenge" }</h2>
                <p>{ format!("new WebSocket(\"{CHALLENGE_URL}\"): what does the browser tell the page? Run it and watch the lifecycle above.") }</p>
                <button type="button" id="challenge-run" onclick={on_challenge}>{ "Run the challenge" }</button>
            </section>

            <WireView handshake={console.handshake.clone()} records={console.records.clone()} errors={console.tap_errors.clone()} />
            if console.handshake.is_some() {
                <p class="row">
                    <button type="button" id="illustrate" onclick={on_illustrate}>{ "Illustrate this session" }</button>
                    <span class="muted">{ "Every record of this connection, every byte explained, on its own page." }</span>
                </p>
            }
        </article>
    }
}
