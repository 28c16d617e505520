//! `/illustrated`: one whole session, record by record, every byte
//! explained — the example session `wire` computes, the learner's own from
//! the live console, a saved file or a shared link.

use std::collections::HashSet;
use std::rc::Rc;

use crate::components::form::file_of;
use yew::prelude::*;

use crate::components::{FrameLine, NeedsJs};

use crate::content::headers::{self, Side};
use crate::route::Route;
use crate::services::browser::{copy_text, download, read_file};
use crate::state::illustrated::{Handover, MAX_LINK, from_fragment};
use wire::describe;
use wire::hex::to_hex;
use wire::session::{Annotation, Content, Part, Record, Session, annotate, example};
use wire::tap::Direction;

/// The largest session file opened.
const MAX_FILE: usize = 64 << 20;

/// Payload bytes shown per page of a long payload.
const HEX_PAGE: usize = 256;

/// Where the shown session came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Example,
    Live,
    File,
    Link,
}

#[derive(Clone, PartialEq)]
struct Shown {
    session: Rc<Session>,
    /// The records again, each shared with its card (not copied per render).
    records: Rc<Vec<Rc<Record>>>,
    titles: Rc<Vec<String>>,
    source: Source,
    /// Why the last file or link could not be read at all.
    refused: Option<String>,
}

impl Shown {
    fn new(session: Session, source: Source) -> Self {
        Shown {
            titles: Rc::new(session.titles()),
            records: Rc::new(session.records.iter().cloned().map(Rc::new).collect()),
            session: Rc::new(session),
            source,
            refused: None,
        }
    }
}

fn initial(handover: Option<&Handover>) -> Shown {
    let hash = crate::services::browser::location_hash();
    match from_fragment(&hash) {
        Some(Ok(s)) => return Shown::new(s, Source::Link),
        Some(Err(why)) => {
            let mut shown = Shown::new(example(), Source::Example);
            shown.refused = Some(format!(
                "The link could not be read: {why}. Showing the example session instead."
            ));
            return shown;
        }
        None => {}
    }
    match handover.and_then(Handover::take) {
        Some(s) => Shown::new(s, Source::Live),
        None => Shown::new(example(), Source::Example),
    }
}

/// The page.
#[function_component(Illustrated)]
pub fn illustrated() -> Html {
    let handover = use_context::<Handover>();
    let shown = use_state(|| initial(handover.as_ref()));
    let open = use_state(HashSet::<usize>::new);
    let show_all = use_state(|| false);
    let notice = use_state(|| None::<String>);
    let dragging = use_state(|| false);

    let load = {
        let (shown, open, notice) = (shown.clone(), open.clone(), notice.clone());
        Callback::from(move |(name, bytes): (String, Vec<u8>)| {
            open.set(HashSet::new());
            notice.set(None);
            match Session::from_file(&bytes) {
                Ok(s) => shown.set(Shown::new(s, Source::File)),
                Err(why) => {
                    let mut s = (*shown).clone();
                    s.refused = Some(format!("{name}: {why}."));
                    shown.set(s);
                }
            }
        })
    };
    // A session file is read whole: larger ones are refused before reading.
    let open_file = {
        let (load, shown) = (load.clone(), shown.clone());
        Callback::from(move |file: web_sys::File| {
            if file.size() > MAX_FILE as f64 {
                let mut s = (*shown).clone();
                s.refused = Some(format!(
                    "{}: {:.0} MiB is more than the {} MiB a session file may have here.",
                    file.name(),
                    file.size() / f64::from(1 << 20),
                    MAX_FILE >> 20
                ));
                shown.set(s);
            } else {
                read_file(file, load.clone());
            }
        })
    };
    let on_file = {
        let open_file = open_file.clone();
        Callback::from(move |e: Event| {
            if let Some(file) = file_of(&e) {
                open_file.emit(file);
            }
        })
    };
    let on_drop = {
        let (open_file, dragging) = (open_file.clone(), dragging.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                open_file.emit(file);
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_download = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| {
            download(
                "wslab-session.wslab",
                "application/octet-stream",
                &shown.session.to_file(),
            )
        })
    };
    let on_link = {
        let (shown, notice) = (shown.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            let text = shown.session.to_link();
            if text.len() > MAX_LINK {
                notice.set(Some(format!(
                    "This session is too long for a link: {} characters compressed, and links hold at most {MAX_LINK}. Download it as a file instead.",
                    text.len()
                )));
                return;
            }
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_hash(&format!("s={text}"));
                let href = w.location().href().unwrap_or_default();
                copy_text(&href);
                notice.set(Some(format!(
                    "The link is in the address bar and on the clipboard ({} characters). The session travels in the part after #, which browsers never send to a server.",
                    href.len()
                )));
            }
        })
    };
    let on_example = {
        let (shown, open, notice) = (shown.clone(), open.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(HashSet::new());
            notice.set(None);
            shown.set(Shown::new(example(), Source::Example));
        })
    };
    let on_show_all = {
        let show_all = show_all.clone();
        Callback::from(move |_: MouseEvent| show_all.set(!*show_all))
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |i: usize| {
            let mut set = (*open).clone();
            if !set.remove(&i) {
                set.insert(i);
            }
            open.set(set);
        })
    };

    let session = &shown.session;
    let source = match shown.source {
        Source::Example => "The example session below is computed by wire as this page loads: RFC 6455 §1.3's handshake, a text message and its echo, a ping and its pong, a binary message in three fragments with a ping between them, and the closing handshake.".to_owned(),
        Source::Live => "Your own session, as wslab-echo saw it: your browser's request (cookies and credentials redacted), the server's answer, and every frame with your browser's real masking keys.".to_owned(),
        Source::File => "A session opened from a file.".to_owned(),
        Source::Link => "A session opened from a link.".to_owned(),
    };
    html! {
        <article class="lab illustrated">
            <h1>{ Route::Illustrated.title() }</h1>
            <p class="lead">{ Route::Illustrated.summary() }</p>
            <NeedsJs what="The illustrated session on this page is drawn by the app in your browser." />
            <p id="illustrated-source">{ source }</p>
            <div class="row illustrated-tools">
                <button type="button" id="illustrated-show-all" aria-pressed={show_all.to_string()} onclick={on_show_all}>
                    { if *show_all { "Close all records" } else { "Show all records" } }
                </button>
                <button type="button" id="illustrated-download" onclick={on_download}>{ "Download this session" }</button>
                <button type="button" id="illustrated-link" onclick={on_link}>{ "Share as a link" }</button>
                if shown.source != Source::Example {
                    <button type="button" onclick={on_example}>{ "Show the example" }</button>
                }
            </div>
            <div class={classes!("drop-zone", "illustrated-tools", dragging.then_some("dragging"))}
                ondrop={on_drop} ondragover={on_drag_over} ondragleave={on_drag_leave}>
                <label for="illustrated-file">{ "Open a saved session (or drop its file here): " }</label>
                <input id="illustrated-file" type="file" accept=".wslab,application/octet-stream" onchange={on_file} />
            </div>
            if let Some(n) = &*notice { <p class="notice" id="illustrated-notice" role="status">{ n }</p> }
            if let Some(r) = &shown.refused { <p class="bad-text" id="illustrated-refused" role="alert">{ r }</p> }
            <p class="muted">{ format!("{} records. Open one to see its bytes; point at a byte to see what it is, or at an explanation to see its bytes.", session.records.len()) }</p>
            <ol class="records" id="records">
                { for shown.records.iter().enumerate().map(|(i, r)| {
                    let is_open = *show_all || open.contains(&i);
                    html! {
                        <RecordCard key={i} index={i} record={r.clone()} title={AttrValue::from(shown.titles.get(i).cloned().unwrap_or_default())}
                            open={is_open} on_toggle={toggle.clone()} />
                    }
                }) }
            </ol>
            if let Some(p) = &session.problem {
                <p class="bad-text" id="illustrated-problem" role="alert">{ format!("The session stops here: {p}") }</p>
            }
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct RecordCardProps {
    index: usize,
    record: Rc<Record>,
    title: AttrValue,
    open: bool,
    on_toggle: Callback<usize>,
}

/// One record: a heading that opens it, and (only when open) its bytes.
#[function_component(RecordCard)]
fn record_card(props: &RecordCardProps) -> Html {
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
    let meaning = describe::meaning(&f.frame, r.inflated.as_deref());
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
