//! What wslab-echo saw on a tapped connection: the browser's handshake and
//! every frame, as bytes, split into frames by `wire`.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::{Bytes, FrameLine, HexDump};
use crate::state::console::TapHandshake;
use wire::hex::to_hex;
use wire::opcode::OpCode;
use wire::session::{Content, Record};
use wire::tap::Direction;

/// Props of [`WireView`].
#[derive(Properties, PartialEq)]
pub struct WireViewProps {
    /// The handshake the tap reported.
    pub handshake: Option<TapHandshake>,
    /// What the session reader made of the tap's items.
    pub records: Vec<Rc<Record>>,
    /// Tap messages that were themselves malformed.
    pub errors: Vec<String>,
}

/// What wslab-echo saw: the browser's handshake and every frame, as bytes,
/// split into frames here by `wire`.
#[function_component(WireView)]
pub fn wire_view(props: &WireViewProps) -> Html {
    let handshake = props.handshake.as_ref();
    if handshake.is_none() && props.records.is_empty() {
        return html! {
            <section class="card" id="wire" aria-labelledby="wire-title">
                <h2 id="wire-title">{ "On the wire" }</h2>
                <p class="muted">{ "Connect to wslab-echo with \"Show the wire\" on: the server passes on the handshake your browser sent and every byte after it, and this page splits them into frames." }</p>
            </section>
        };
    }
    let check = handshake.map(|h| {
        let (request, response) = (h.request.as_str(), h.response.as_str());
        let parsed = wire::handshake::check_request(request);
        let key = parsed.request.key.clone().unwrap_or_default();
        let verdict = wire::handshake::check_response_to(&parsed.request, response);
        (request.to_owned(), response.to_owned(), key, verdict)
    });
    // Pings the server sent, to time the browser's pongs against.
    let pings: Rc<Vec<(u32, Vec<u8>)>> = Rc::new(
        props
            .records
            .iter()
            .filter_map(|r| match &r.content {
                Content::Frame(f)
                    if r.from == Direction::FromServer && f.header.opcode == OpCode::Ping =>
                {
                    Some((r.t_ms, f.frame.payload.clone()))
                }
                _ => None,
            })
            .collect(),
    );
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
                // The heads are shown above; every other record is a line here.
                { for props.records.iter().filter(|r| !matches!(r.content, Content::Http)).map(|r| html! {
                    <WireRecord record={r.clone()} pings={pings.clone()} />
                }) }
            </ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct WireRecordProps {
    record: Rc<Record>,
    pings: Rc<Vec<(u32, Vec<u8>)>>,
}

/// One record on the wire: the frame in words, what this view checks of
/// it, and its bytes.
#[function_component(WireRecord)]
fn wire_record(props: &WireRecordProps) -> Html {
    let r = &props.record;
    let bytes = use_memo(r.clone(), |r| Bytes(Rc::new(r.bytes.clone())));
    let inbound = r.from == Direction::FromClient;
    let Content::Frame(f) = &r.content else {
        return html! {
            <li class={classes!("bad", if inbound { "in" } else { "out" })}>
                <FrameLine record={r.clone()} />
                if !r.bytes.is_empty() {
                    <HexDump id="wire-frame-hex" bytes={(*bytes).clone()} />
                }
            </li>
        };
    };
    let h = &f.header;
    let payload = &f.frame.payload;
    let header_len = h.encoded_len();
    let delay = (inbound && h.opcode == OpCode::Pong)
        .then(|| {
            props
                .pings
                .iter()
                .find(|(_, p)| p == payload)
                .map(|(t, _)| r.t_ms.saturating_sub(*t))
        })
        .flatten();
    // Unmask the raw bytes again here, byte by byte as §5.3 defines it, and compare.
    let unmasked_ok = h.mask.map(|key| {
        let mut body = r.bytes.get(header_len..).unwrap_or_default().to_vec();
        wire::mask::apply_mask_bytewise(&mut body, key, 0);
        body == *payload
    });
    html! {
        <li class={if inbound { "in" } else { "out" }}>
            <FrameLine record={r.clone()}>
                if let Some(k) = h.mask { { " · masking key " }<code class="mask-key">{ to_hex(&k) }</code> }
                if h.rsv[0] { { " " }<span class="badge rsv1-badge">{ "RSV1 = 1: compressed (permessage-deflate)" }</span> }
                if let Some(d) = delay { { " " }<span class="badge">{ format!("pong {d} ms after the ping") }</span> }
                if unmasked_ok == Some(true) { { " " }<span class="ok-text unmask-check">{ "unmasked here with that key: same payload" }</span> }
            </FrameLine>
            <HexDump id="wire-frame-hex" bytes={(*bytes).clone()} headers={vec![0..header_len]} />
        </li>
    }
}
