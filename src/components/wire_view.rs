//! What wslab-echo saw on a tapped connection: the browser's handshake and
//! every frame, as bytes, split into frames by `wire`.

use yew::prelude::*;

use crate::components::{Bytes, HexDump};
use crate::state::console::{TapHandshake, WireFrame};
use wire::close::{ClosePayload, lookup};
use wire::hex::to_hex;
use wire::opcode::OpCode;
use wire::tap::Direction;

/// Props of [`WireView`].
#[derive(Properties, PartialEq)]
pub struct WireViewProps {
    /// The handshake the tap reported.
    pub handshake: Option<TapHandshake>,
    /// The frames split from the tap's bytes.
    pub frames: Vec<WireFrame>,
    /// What interrupted the split.
    pub errors: Vec<String>,
}

/// What wslab-echo saw: the browser's handshake and every frame, as bytes,
/// split into frames here by `wire`.
#[function_component(WireView)]
pub fn wire_view(props: &WireViewProps) -> Html {
    let handshake = props.handshake.as_ref();
    if handshake.is_none() && props.frames.is_empty() {
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
    let pings: Vec<(u32, &[u8])> = props
        .frames
        .iter()
        .filter(|f| f.from == Direction::FromServer && f.decoded.header.opcode == OpCode::Ping)
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
                    // A compressed message's frames carry DEFLATE data, not text.
                    let text = (matches!(h.opcode, OpCode::Text | OpCode::Continuation) && !h.rsv[0] && f.inflated.is_none())
                        .then(|| std::str::from_utf8(&payload[..payload.len().min(4096)]).ok())
                        .flatten();
                    let inflated = f.inflated.as_deref().map(|i| match &i.message {
                        Ok(m) => {
                            // A preview: the first 200 characters (or 64 bytes as hex).
                            let preview = match std::str::from_utf8(m) {
                                Ok(t) if t.chars().count() > 200 => format!("{:?}…", t.chars().take(200).collect::<String>()),
                                Ok(t) => format!("{t:?}"),
                                Err(_) => to_hex(&m[..m.len().min(64)]),
                            };
                            let ratio = if m.is_empty() { 0.0 } else { 100.0 * i.compressed as f64 / m.len() as f64 };
                            html! {
                                <p class="inflated">
                                    <span class="muted">{ format!("Inflated here by wire (00 00 ff ff restored, RFC 7692 §7.2.2): {} bytes from {} on the wire, {ratio:.0}% of the original: ", m.len(), i.compressed) }</span>
                                    <code class="inflated-text">{ preview }</code>
                                </p>
                            }
                        }
                        Err(e) => html! { <p class="bad-text inflated">{ e }</p> },
                    });
                    // A Close frame's body is a status code and a reason (§5.5.1), or nothing.
                    let close = (h.opcode == OpCode::Close).then(|| match ClosePayload::parse(payload) {
                        Ok(ClosePayload { code: Some(code), reason }) => format!("code {code} ({}), reason {reason:?}", lookup(code).map_or("unregistered", |i| i.name)),
                        Ok(ClosePayload { code: None, .. }) => "no status code: the receiver reports 1005".to_owned(),
                        Err(e) => e.to_string(),
                    });
                    let inbound = f.from == Direction::FromClient;
                    let delay = (inbound && h.opcode == OpCode::Pong)
                        .then(|| pings.iter().find(|(_, p)| *p == payload.as_slice()).map(|(t, _)| f.t_ms.saturating_sub(*t)))
                        .flatten();
                    // Unmask the raw bytes again here, byte by byte as §5.3 defines it, and compare.
                    let unmasked_ok = h.mask.map(|key| {
                        let mut body = f.raw.get(header_len..).unwrap_or_default().to_vec();
                        wire::mask::apply_mask_bytewise(&mut body, key, 0);
                        body == *payload
                    });
                    html! {
                        <li class={if inbound { "in" } else { "out" }}>
                            <strong>{ format!("{}: ", f.from.arrow()) }</strong>
                            { format!("FIN {}, opcode {}, {} length {}", u8::from(h.fin), h.opcode, h.length_form.name(), h.payload_len) }
                            { match h.mask {
                                Some(k) => html! { <>{ ", masking key " }<code class="mask-key">{ to_hex(&k) }</code></> },
                                None => html! { ", unmasked" },
                            } }
                            if h.rsv[0] { { " " }<span class="badge rsv1-badge">{ "RSV1 = 1: compressed (permessage-deflate)" }</span> }
                            if let Some(t) = text { <>{ ": " }<code class="frame-text">{ format!("{t:?}") }</code></> }
                            if let Some(c) = close { <>{ ": " }<span class="close-info">{ c }</span></> }
                            if let Some(d) = delay { <span class="badge">{ format!("pong {d} ms after the ping") }</span> }
                            if unmasked_ok == Some(true) { <span class="ok-text unmask-check">{ "unmasked here with that key: same payload" }</span> }
                            { for inflated }
                            <HexDump id="wire-frame-hex" bytes={Bytes(f.raw.clone())} headers={vec![0..header_len]} />
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
