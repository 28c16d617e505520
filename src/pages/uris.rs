//! The URI explorer (`/uris`): any ws://, wss://, http:// or https:// URI, or
//! a URL relative to a page, resolved as `new WebSocket` resolves it and taken
//! apart into what the handshake uses; ws vs wss side by side.

use crate::components::form::value_of;
use yew::prelude::*;

use crate::components::{NeedsJs, PageLesson};
use crate::hooks::{use_linked_landing, use_url_reducer};
use crate::route::Route;
use crate::services::browser::{page_address, page_protocol};
use crate::state::QueryState;
use wire::frame::Frame;
use wire::opcode::OpCode;
use wire::uri::{WsUri, resolve_uri};

/// The URI shown when none is given.
pub const DEFAULT_URI: &str = "wss://chat.example.com/rooms?name=lobby";

/// The page a relative URL is resolved against when this page's own address
/// is not known (prerendering).
pub const FALLBACK_BASE: &str = "https://chat.example.com/rooms/";

/// `/uris?uri=<uri>&base=<page address>`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UriQuery {
    /// The URI typed.
    pub uri: Option<String>,
    /// The address of the page that calls `new WebSocket` (default: this
    /// page's own address).
    pub base: Option<String>,
}

crate::query_form!(UriQuery { uri, base });

fn parts_table(uri: &WsUri, relative: bool) -> Html {
    let port_note = if uri.port_explicit {
        if uri.port == uri.default_port() {
            "given, and the default"
        } else {
            "given"
        }
    } else {
        "the scheme's default"
    };
    let scheme_note = if uri.mapped_from_http() {
        format!(
            "{} ({} {}://, which browsers map to {}://)",
            uri.scheme(),
            if relative { "the page's" } else { "typed" },
            uri.scheme_given,
            uri.scheme()
        )
    } else {
        uri.scheme().to_owned()
    };
    let row = |name: &str, id: &str, value: String| {
        html! { <tr><th scope="row">{ name.to_owned() }</th><td><code id={id.to_owned()}>{ value }</code></td></tr> }
    };
    html! {
        <table class="parts">
            <tbody>
                { row("Scheme", "uri-scheme", scheme_note) }
                { row("Encrypted (TLS)", "uri-tls", if uri.secure { "yes: TLS first, then the handshake inside it".into() } else { "no: the handshake and frames travel in clear".into() }) }
                { row("Host", "uri-host", uri.host.clone()) }
                { row("Port", "uri-port", format!("{} ({port_note})", uri.port)) }
                { row("Resource name", "uri-resource", uri.resource_name()) }
                { row("Request line", "uri-request-line", uri.request_line()) }
                { row("Host header", "uri-host-header", format!("Host: {}", uri.host_header())) }
                if let Some(u) = &uri.userinfo {
                    { row("User info", "uri-userinfo", format!("{u} (not used by the WebSocket handshake)")) }
                }
            </tbody>
        </table>
    }
}

/// How what was typed became the URL the browser opens: resolved against the
/// page, http(s) mapped, the host written as a browser writes it, the path
/// and query percent-encoded and its dot segments removed. Nothing when it
/// opens what was typed.
fn opened_note(typed: &str, uri: &WsUri) -> Html {
    let typed = typed.trim();
    let opened = uri.to_string();
    if opened.eq_ignore_ascii_case(typed) || opened.eq_ignore_ascii_case(&format!("{typed}/")) {
        return html! {};
    }
    let relative = !typed.contains("://");
    let mut how = Vec::new();
    if relative {
        how.push("resolved against the page address");
    }
    if uri.mapped_from_http() {
        how.push("http(s) mapped to ws(s)");
    }
    let typed_rest = typed.split_once("://").map_or(typed, |(_, r)| r);
    if !relative && !typed_rest.to_ascii_lowercase().contains(&uri.host) {
        how.push("the host written as a browser sends it: a name in lowercase, non-ASCII labels in Punycode, a host that ends in a number (127.1, 0x7f.0.0.1, 2130706433) as a dotted-decimal IPv4 address, IPv6 in its short form");
    }
    if !typed_rest.contains(&uri.resource_name()) && !relative {
        how.push("the path written as a browser sends it: spaces and non-ASCII percent-encoded, . and .. segments removed");
    }
    html! {
        <p id="uri-opened">
            { "new WebSocket(" }<code>{ format!("{typed:?}") }</code>{ ") opens " }<code>{ opened }</code>
            if !how.is_empty() { { format!(" ({})", how.join("; ")) } }
        </p>
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The URI explorer.
#[function_component(Uris)]
pub fn uris() -> Html {
    let (query, _) = use_url_reducer::<QueryState<UriQuery>>(Route::Uris);
    use_linked_landing("uri-input");
    let text = query.uri.clone().unwrap_or_else(|| DEFAULT_URI.to_owned());
    let here = Some(page_address())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| FALLBACK_BASE.to_owned());
    let base = query.base.clone().unwrap_or_else(|| here.clone());
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let text = value_of(&e);
            query.dispatch(UriQuery {
                uri: (text != DEFAULT_URI).then_some(text),
                ..query.0.clone()
            })
        })
    };
    let on_base = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let text = value_of(&e);
            query.dispatch(UriQuery {
                base: (text != here).then_some(text),
                ..query.0.clone()
            })
        })
    };
    let parsed = resolve_uri(&text, &base);
    let https_page = page_protocol() == "https:";

    // What an observer on the path sees of one small message, computed.
    let frame = Frame::new(OpCode::Text, b"Hello".to_vec())
        .masked([0x37, 0xfa, 0x21, 0x3d])
        .encode();
    // A TLS 1.3 record: type 23, legacy version 3.3, 2-byte length, then ciphertext
    // of the frame + 1 inner content-type byte + a 16-byte AEAD tag (RFC 8446 §5.2).
    let record_len = frame.len() + 1 + 16;
    let tls_head = [0x17, 0x03, 0x03, (record_len >> 8) as u8, record_len as u8];

    html! {
        <article class="lab">
            <h1>{ Route::Uris.title() }</h1>
            <p class="lead">{ Route::Uris.summary() }</p>
            <NeedsJs what="The URI lab on this page runs in your browser." />
            <PageLesson id="uris" lab_below=true />
            <h2 id="lab" class="lab-heading">{ "Try it" }</h2>
            <section class="card">
                <div class="row">
                    <label for="uri-input">{ "URI" }</label>
                    <input id="uri-input" type="text" value={text.clone()} {oninput} spellcheck="false" autocomplete="off" />
                </div>
                <div class="row">
                    <label for="uri-base">{ "Page address" }</label>
                    <input id="uri-base" type="url" value={base.clone()} oninput={on_base} spellcheck="false" autocomplete="off" aria-describedby="uri-base-help" />
                </div>
                <p class="muted" id="uri-base-help">{ "Where the page that calls new WebSocket(url) was loaded from: a relative URL (/chat, chat, ?room=1, //host/chat) is resolved against it, as browsers do (WHATWG WebSockets standard). It starts as this page's own address." }</p>
                { match &parsed {
                    Ok(uri) => html! {
                        <>
                            { opened_note(&text, uri) }
                            { parts_table(uri, !text.contains("://")) }
                            if let Some(why) = uri.browser_refuses() {
                                <p class="bad-text" id="uri-bad-port">{ why }</p>
                            }
                            if https_page && !uri.secure && !uri.is_loopback() {
                                <p class="bad-text" id="uri-mixed">
                                    { "This page was loaded over https, so the browser refuses ws:// here: an https page may only open wss:// (mixed content; new WebSocket throws a SecurityError). Loopback hosts are the exception." }
                                </p>
                            }
                            if https_page && !uri.secure && uri.is_loopback() {
                                <p class="muted" id="uri-mixed">
                                    { "This page was loaded over https, but the host is loopback: browsers treat it as potentially trustworthy (W3C Secure Contexts) and allow ws:// to it from an https page." }
                                </p>
                            }
                        </>
                    },
                    Err(e) => html! {
                        <p class="bad-text" id="uri-error" role="alert">
                            <code class="caret">{ format!("{}\n{}^", text.trim(), " ".repeat(e.position)) }</code>
                            { e.to_string() }
                        </p>
                    },
                } }
            </section>
            <section class="two-col" aria-label="ws:// and wss:// side by side">
                <div class="card">
                    <h2>{ "ws:// — in clear" }</h2>
                    <p>{ "Anyone on the path (Wi-Fi, a proxy, an ISP) reads the request line, every header (cookies included) and every frame." }</p>
                    <p>{ "The masked text frame \"Hello\" is these bytes, readable by anyone who reads the masking key two bytes in (it follows the 2-byte header, in clear; here it is RFC 6455 §5.7's key, where a browser would draw a fresh one for every frame):" }</p>
                    <pre class="wire-text" id="uri-ws-bytes">{ hex(&frame) }</pre>
                    <p>{ "Old proxies see Upgrade: websocket and may drop it, buffer the connection, or close it: the handshake fails or the connection hangs." }</p>
                </div>
                <div class="card">
                    <h2>{ "wss:// — inside TLS" }</h2>
                    <p>{ "An observer sees only the server's address and name (SNI) and TLS records: no path, no headers, no frames." }</p>
                    <p>{ format!("The same frame ({} bytes) travels as a TLS 1.3 record of {} bytes of ciphertext behind this 5-byte header:", frame.len(), record_len) }</p>
                    <pre class="wire-text" id="uri-wss-bytes">{ format!("{} + {record_len} bytes of ciphertext", hex(&tls_head)) }</pre>
                    <p>{ "On port 443 it looks like any HTTPS traffic, so proxies and firewalls that meddle with plain HTTP pass it through untouched. That, and secrecy, is why production uses wss://." }</p>
                </div>
            </section>
            <p class="notice">
                { "Rules (RFC 6455 §3): the scheme is ws or wss, case-insensitive; the host is required; the port defaults to 80 (ws) or 443 (wss); \
                   the resource name is the path (or /) and the query; fragments (#…) are never allowed. The Host header carries the port only when it is not the default (§4.1). \
                   A browser also resolves a relative URL against the page and maps http(s) to ws(s) first (WHATWG WebSockets standard)." }
            </p>
        </article>
    }
}
