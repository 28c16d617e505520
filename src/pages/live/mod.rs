//! The live console (`/live`): a real browser WebSocket, its whole life, and —
//! with wslab-echo — what actually crossed the wire, reported by the server.
//! The sockets live in `use_live_connection`; this page is their view.

mod connect;
mod lifecycle;
mod send;

use yew::prelude::*;

use crate::components::later::Later;
use crate::components::link::Spa;
use crate::components::{CloseForm, MessageLog, NeedsJs, WireView};
use crate::hooks::{use_linked_landing, use_live_connection, use_query_str};
use crate::route::{LiveFor, Route};
use crate::services::browser::download;
use crate::state::console::{Console, ConsoleAction, Payload, TapHandshake};
use crate::state::illustrated::Handover;
use crate::state::live::CloseRequest;
use crate::state::live::ConnectDraft;
use connect::ConnectForm;
use lifecycle::Lifecycle;
use send::SendPanel;
use std::rc::Rc;
use wire::session::Record;

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

/// What the lifecycle card draws from: the console.
#[derive(PartialEq)]
pub struct Life {
    console: UseReducerHandle<Console>,
}

/// The lifecycle card: its diagram and transitions move only once a
/// connection starts, so it arrives with the wire view's chunk (until then
/// its prerendered copy shows, inert, at "not connected"; the transitions
/// that happen meanwhile are in the console and show with it).
fn draw_life(l: &Life) -> Html {
    html! { <Lifecycle console={l.console.clone()} /> }
}

crate::part!(
    LIFE,
    live_illustrated,
    draw_life,
    Life,
    "live-lifecycle",
    "split-live"
);

/// What the wire view draws from: the console's record of the tap.
#[derive(PartialEq)]
pub struct Wire {
    handshake: Option<TapHandshake>,
    records: Vec<Rc<Record>>,
    errors: Vec<String>,
}

/// The wire view: what wslab-echo saw, split into frames. It has nothing to
/// show before a connection, so it arrives after the page answers input,
/// with the tap's reader (`hooks::live_connection`).
fn draw_wire(w: &Wire) -> Html {
    html! { <WireView handshake={w.handshake.clone()} records={w.records.clone()} errors={w.errors.clone()} /> }
}

crate::part!(
    WIRE,
    live_illustrated,
    draw_wire,
    Wire,
    "live-wire",
    "split-live"
);

/// What the send and close forms and the message log draw from: the
/// console, and what sends and closes.
#[derive(PartialEq)]
pub struct Talk {
    console: UseReducerHandle<Console>,
    send: Callback<Payload>,
    close: Callback<CloseRequest>,
}

/// The send and close forms and the message log: they do nothing before a
/// connection opens, so they arrive with the wire view's chunk (until then
/// their prerendered copy shows, inert; what arrives meanwhile is in the
/// console and shows with them).
fn draw_talk(t: &Talk) -> Html {
    let console = &t.console;
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
    html! {
        <>
            <div class="two-col">
                <SendPanel send={t.send.clone()} open={console.is_open()} buffered={console.buffered} />
                <CloseForm on_close={t.close.clone()} closed={console.closed.clone()} server_closed_first={console.server_closed_first()} />
            </div>
            <section class="card" aria-labelledby="log-title">
                <h2 id="log-title">{ "Messages" }</h2>
                <div class="row">
                    <button type="button" class="secondary" id="log-export" onclick={on_export}>{ "Export as JSON" }</button>
                    <button type="button" class="secondary" id="log-clear" onclick={on_clear}>{ "Clear" }</button>
                </div>
                <MessageLog entries={console.log.clone()} deflate={console.negotiated.1.contains("permessage-deflate")} />
            </section>
        </>
    }
}

crate::part!(
    TALK,
    live_illustrated,
    draw_talk,
    Talk,
    "live-talk",
    "split-live"
);

/// The live console.
#[function_component(Live)]
pub fn live() -> Html {
    let initial = LiveFor::from_query(&use_query_str())
        .map(|q| q.url)
        .unwrap_or_else(default_echo_url);
    use_linked_landing("echo-url");
    let live = use_live_connection();
    let console = live.console.clone();
    let draft = use_state(|| ConnectDraft::new(initial));
    let on_challenge = {
        let (connect, draft) = (live.connect.clone(), draft.clone());
        Callback::from(move |_: MouseEvent| {
            let options = draft.options(CHALLENGE_URL);
            draft.set(ConnectDraft {
                url: CHALLENGE_URL.to_owned(),
                ..(*draft).clone()
            });
            connect.emit(options);
        })
    };
    let on_illustrate = {
        let (console, spa) = (console.clone(), use_context::<Spa>());
        let handover = use_context::<Handover>();
        Callback::from(move |_: MouseEvent| {
            if let (Some(session), Some(spa), Some(slot)) =
                (console.session(), spa.as_ref(), handover.as_ref())
            {
                slot.put(session);
                spa.0.emit((Route::Illustrated, None));
            }
        })
    };
    html! {
        <article class="lab live">
            <h1>{ Route::Live.title() }</h1>
            <p class="lead">{ Route::Live.summary() }</p>
            <NeedsJs what="The live connection opens a real WebSocket from your browser." />
            <ConnectForm draft={draft.clone()} connect={live.connect.clone()} console={console.clone()} />
            <Later<Life> part={LIFE} props={Life { console: console.clone() }} />
            <Later<Talk> part={TALK} props={Talk {
                console: console.clone(),
                send: live.send.clone(),
                close: live.close.clone(),
            }} />
            <section class="card" aria-labelledby="challenge-title" id="challenge">
                <h2 id="challenge-title">{ "The chapter's coding challenge" }</h2>
                <p>{ format!("new WebSocket(\"{CHALLENGE_URL}\"): what does the browser tell the page? Run it and watch the lifecycle above.") }</p>
                <button type="button" id="challenge-run" onclick={on_challenge}>{ "Run the challenge" }</button>
            </section>
            <Later<Wire> part={WIRE} props={Wire {
                handshake: console.handshake.clone(),
                records: console.records.clone(),
                errors: console.tap_errors.clone(),
            }} />
            if console.handshake.is_some() {
                <p class="row">
                    <button type="button" id="illustrate" onclick={on_illustrate}>{ "Illustrate this session" }</button>
                    <span class="muted">{ "Every record of this connection, every byte explained, on its own page." }</span>
                </p>
            }
        </article>
    }
}
