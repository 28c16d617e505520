//! One record of a session, as `/illustrated` draws it: a heading that
//! opens it, and (only when open) every byte of it, range by range, each
//! explained in the lessons' words from what `wire` read.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::FrameLine;
use crate::content::headers::{self, Side};
use wire::describe;
use wire::hex::to_hex;
use wire::session::{Annotation, Content, Part, Record, annotate};
use wire::tap::Direction;

/// Payload bytes shown per page of a long payload.
const HEX_PAGE: usize = 256;

/// Props of [`RecordCard`].
#[derive(Properties, PartialEq)]
pub struct RecordCardProps {
    /// Its place in the session.
    pub index: usize,
    /// The record.
    pub record: Rc<Record>,
    /// Its title (from `Session::titles`).
    pub title: AttrValue,
    /// Whether its bytes are shown.
    pub open: bool,
    /// The heading was pressed.
    pub on_toggle: Callback<usize>,
}

/// One record: a heading that opens it, and (only when open) its bytes.
#[function_component(RecordCard)]
pub fn record_card(props: &RecordCardProps) -> Html {
    let r = &props.record;
    let i = props.index;
    let body_id = format!("record-{i}");
    let onclick = {
        let (toggle, i) = (props.on_toggle.clone(), i);
        Callback::from(move |_: MouseEvent| toggle.emit(i))
    };
    let inbound = r.from == Direction::FromClient;
    html! {
        <li class={classes!("record", if inbound { "in" } else { "out" }, r.problem().is_some().then_some("bad"))}>
            <h2 class="record-title">
                <button type="button" class="record-head" aria-expanded={props.open.to_string()} aria-controls={body_id.clone()} {onclick}>
                    <span class="record-arrow" aria-hidden="true">{ if props.open { "▾" } else { "▸" } }</span>
                    <span class="record-dir">{ r.from.arrow() }</span>
                    <span class="record-name">{ props.title.clone() }</span>
                    <span class="muted record-meta">{ format!("{} bytes · {} ms", r.bytes.len(), r.t_ms) }</span>
                </button>
            </h2>
            if props.open {
                <RecordBody id={body_id} record={props.record.clone()} />
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct RecordBodyProps {
    id: String,
    record: Rc<Record>,
}

/// A record's bytes, annotation by annotation.
#[function_component(RecordBody)]
fn record_body(props: &RecordBodyProps) -> Html {
    let hot = use_state(|| None::<usize>);
    let r = &props.record;
    let annotations = annotate(r);
    html! {
        <div class="record-body" id={props.id.clone()}>
            if !matches!(r.content, Content::Http) {
                <p class="record-line"><FrameLine record={r.clone()} /></p>
            }
            { for annotations.iter().enumerate().map(|(k, a)| {
                let enter = { let hot = hot.clone(); Callback::from(move |_| hot.set(Some(k))) };
                let leave = { let hot = hot.clone(); Callback::from(move |_| hot.set(None)) };
                let is_hot = *hot == Some(k);
                html! {
                    <div class={classes!("ann", is_hot.then_some("hot"))} data-part={part_name(&a.part)}>
                        <div class="ann-bytes" tabindex="0" aria-label={format!("bytes {}–{}", a.range.start, a.range.end.saturating_sub(1))}
                            onmouseenter={enter.reform(|_: MouseEvent| ())} onfocus={enter.reform(|_: FocusEvent| ())}
                            onmouseleave={leave.reform(|_: MouseEvent| ())} onblur={leave.reform(|_: FocusEvent| ())}>
                            <span class="ann-offset muted">{ format!("{:>4}", a.range.start) }</span>
                            <AnnBytes record={r.clone()} range={a.range.clone()} />
                        </div>
                        <div class="ann-text" tabindex="0"
                            onmouseenter={enter.reform(|_: MouseEvent| ())} onfocus={enter.reform(|_: FocusEvent| ())}
                            onmouseleave={leave.reform(|_: MouseEvent| ())} onblur={leave.reform(|_: FocusEvent| ())}>
                            { explain(r, a) }
                        </div>
                    </div>
                }
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct AnnBytesProps {
    record: Rc<Record>,
    range: std::ops::Range<usize>,
}

/// A range's bytes in hex, a page at a time when long.
#[function_component(AnnBytes)]
fn ann_bytes(props: &AnnBytesProps) -> Html {
    let page = use_state(|| 0usize);
    let bytes = &props.record.bytes[props.range.clone()];
    let pages = bytes.len().div_ceil(HEX_PAGE).max(1);
    let p = (*page).min(pages - 1);
    let shown = &bytes[(p * HEX_PAGE).min(bytes.len())..((p + 1) * HEX_PAGE).min(bytes.len())];
    let prev = {
        let page = page.clone();
        Callback::from(move |_: MouseEvent| page.set(p.saturating_sub(1)))
    };
    let next = {
        let page = page.clone();
        Callback::from(move |_: MouseEvent| page.set((p + 1).min(pages - 1)))
    };
    html! {
        <>
            <code class="ann-hex">{ to_hex(shown) }</code>
            if pages > 1 {
                <span class="pager">
                    <button type="button" onclick={prev} disabled={p == 0}>{ "‹ Prev" }</button>
                    { format!(" bytes {}–{} of {} ", p * HEX_PAGE, p * HEX_PAGE + shown.len() - 1, bytes.len()) }
                    <button type="button" onclick={next} disabled={p + 1 == pages}>{ "Next ›" }</button>
                </span>
            }
        </>
    }
}

fn part_name(part: &Part) -> &'static str {
    match part {
        Part::StartLine => "start-line",
        Part::Header { .. } => "header",
        Part::OtherLine => "other-line",
        Part::EndOfHead => "end-of-head",
        Part::FirstByte { .. } => "first-byte",
        Part::SecondByte { .. } => "second-byte",
        Part::ExtendedLength { .. } => "extended-length",
        Part::MaskingKey(_) => "masking-key",
        Part::Payload { .. } => "payload",
        Part::Unreadable(_) => "unreadable",
    }
}

fn bits(b: u8) -> String {
    format!("{:04b} {:04b}", b >> 4, b & 0xf)
}

/// What an annotated range is, in the lessons' words, computed from its bytes.
fn explain(r: &Record, a: &Annotation) -> Html {
    let side = if r.from == Direction::FromClient {
        Side::Request
    } else {
        Side::Response
    };
    let bytes = &r.bytes[a.range.clone()];
    let line = String::from_utf8_lossy(bytes)
        .trim_end_matches(['\r', '\n'])
        .to_owned();
    match &a.part {
        Part::StartLine => html! {
            <>
                <strong><code>{ line }</code></strong>
                <p>{ match side {
                    Side::Request => "The request line: GET, the resource, HTTP/1.1. An opening handshake is an ordinary HTTP GET (RFC 6455 §4.1, items 1–2).",
                    Side::Response => "The status line: 101 Switching Protocols means the server agrees; any other status means the connection fails (§4.1; §4.2.2).",
                } }</p>
            </>
        },
        Part::Header { name } => {
            let doc = headers::lookup(name, side);
            let notes = if name.eq_ignore_ascii_case("Sec-WebSocket-Extensions") {
                headers::extension_notes(line.split_once(':').map_or("", |(_, v)| v.trim()), side)
            } else {
                Vec::new()
            };
            html! {
                <>
                    <strong><code>{ line.clone() }</code></strong>
                    { match doc {
                        Some(d) => html! { <p>{ d.purpose }<br /><span class="muted">{ format!("Who sets it: {}", d.set_by) }</span></p> },
                        None => html! { <p class="muted">{ "Not a header the WebSocket handshake uses; the other side ignores it." }</p> },
                    } }
                    if !notes.is_empty() { <ul>{ for notes.iter().map(|n| html! { <li>{ n }</li> }) }</ul> }
                </>
            }
        }
        Part::OtherLine => html! { <p><code>{ line }</code>{ ": not a header (no colon)." }</p> },
        Part::EndOfHead => html! {
            <p>{ match side {
                Side::Request => "CR LF on its own: the end of the request. The client now waits for the answer.",
                Side::Response => "CR LF on its own: the end of HTTP on this connection. Every byte after it, both ways, is WebSocket frames (§4.2.2).",
            } }</p>
        },
        Part::FirstByte { fin, rsv, opcode } => html! {
            <>
                <strong>{ format!("FIN, RSV1–3, opcode: {}", bits(bytes[0])) }</strong>
                <ul>
                    <li>{ format!("FIN = {}: {}", u8::from(*fin), if *fin { "the last (or only) frame of its message" } else { "more frames of this message follow" }) }</li>
                    <li>{ format!("RSV1–3 = {} {} {}: {}", u8::from(rsv[0]), u8::from(rsv[1]), u8::from(rsv[2]),
                        if rsv[0] { "RSV1 set: this message is compressed (permessage-deflate, RFC 7692 §6)" } else if rsv.iter().any(|b| *b) { "set without an extension that defines them: a protocol error (§5.2)" } else { "all 0, as they must be without an extension (§5.2)" }) }</li>
                    <li>{ format!("opcode = {opcode}") }</li>
                </ul>
            </>
        },
        Part::SecondByte { mask, len7 } => html! {
            <>
                <strong>{ format!("MASK, payload length: {}", bits(bytes[0])) }</strong>
                <ul>
                    <li>{ format!("MASK = {}: {}", u8::from(*mask), if *mask { "the payload is masked; every client frame must be (§5.1)" } else { "not masked; a server never masks (§5.1)" }) }</li>
                    <li>{ match len7 {
                        126 => "length = 126: the real length is in the next 2 bytes (§5.2)".to_owned(),
                        127 => "length = 127: the real length is in the next 8 bytes (§5.2)".to_owned(),
                        n => format!("length = {n}: the payload is {n} bytes (7-bit form, up to 125)"),
                    } }</li>
                </ul>
            </>
        },
        Part::ExtendedLength { form, len } => html! {
            <p><strong>{ format!("{} extended length", form.name()) }</strong>{ format!(": {len} bytes of payload, big-endian (§5.2).") }</p>
        },
        Part::MaskingKey(key) => html! {
            <p><strong>{ format!("Masking key {}", to_hex(key)) }</strong>
               { if r.from == Direction::FromClient { ": the client's key for this frame (a real client draws a fresh, unpredictable one for every frame); byte i of the payload is XORed with key byte i mod 4 (§5.3)." } else { ": a server must not mask (§5.1)." } }</p>
        },
        Part::Payload { mask } => payload(r, bytes, *mask),
        Part::Unreadable(why) => html! { <p class="bad-text">{ why }</p> },
    }
}

/// A payload: on the wire and unmasked side by side, and what it says.
fn payload(r: &Record, on_wire: &[u8], mask: Option<[u8; 4]>) -> Html {
    let Content::Frame(f) = &r.content else {
        return html! {};
    };
    // The payload as wire decoded (and unmasked) it.
    let clear = &f.frame.payload;
    let meaning = describe::meaning(&f.frame, r.compressed, r.inflated.as_deref());
    html! {
        <>
            <strong>{ format!("Payload, {} bytes", on_wire.len()) }</strong>
            if mask.is_some() {
                <div class="side-by-side">
                    <div><span class="muted">{ "on the wire (masked)" }</span><code class="payload-wire">{ to_hex(&on_wire[..on_wire.len().min(HEX_PAGE)]) }</code></div>
                    <div><span class="muted">{ "unmasked" }</span><code class="payload-clear">{ to_hex(&clear[..clear.len().min(HEX_PAGE)]) }</code></div>
                </div>
                if on_wire.len() > HEX_PAGE {
                    <p class="muted">{ format!("The first {HEX_PAGE} of {} bytes, side by side; page through all of them on the left.", on_wire.len()) }</p>
                }
            }
            <p class="payload-meaning">{ meaning }</p>
        </>
    }
}
