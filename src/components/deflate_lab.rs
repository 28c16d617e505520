//! permessage-deflate in the frame lab: messages compressed by `wire` one
//! after another, with or without context takeover, as the frames that
//! carry them (RSV1 set); and a compressed payload inflated.

use crate::components::form::{checked_of, value_of};
use yew::prelude::*;

use wire::deflate::{Compressor, Decompressor, SYNC_TAIL};
use wire::describe::percent;
use wire::hex::{parse_hex, to_hex};
use wire::{Frame, OpCode};

/// The largest message this lab inflates.
const LIMIT: usize = 1 << 20;

/// Compresses messages and inflates payloads, live.
#[function_component(DeflateLab)]
pub fn deflate_lab() -> Html {
    // RFC 7692 §7.2.3.2: "Hello" twice, the second a back-reference into the first.
    let messages = use_state(|| "Hello\nHello\nHello, wslab! Hello, wslab!".to_owned());
    let takeover = use_state(|| true);
    // "Hello" compressed by wire: RFC 7692 §7.2.3.1's payload.
    let packed = use_state(|| to_hex(&Compressor::new(false).compress(b"Hello")));

    let mut compressor = Compressor::new(*takeover);
    let rows = messages.lines().enumerate().map(|(i, m)| {
        let data = compressor.compress(m.as_bytes());
        let mut frame = Frame::new(OpCode::Text, data.clone());
        frame.rsv[0] = true;
        let ratio = percent(data.len(), m.len());
        html! {
            <tr>
                <td>{ i + 1 }</td>
                <td><code>{ format!("{m:?}") }</code></td>
                <td>{ format!("{} → {} bytes ({ratio}%)", m.len(), data.len()) }</td>
                <td><code class="deflate-payload">{ to_hex(&data) }</code></td>
                <td><code>{ to_hex(&frame.encode()) }</code></td>
            </tr>
        }
    });
    let inflated = parse_hex(&packed).map_err(|e| e.to_string()).and_then(|b| {
        Decompressor::new(false)
            .decompress(&b, LIMIT)
            .map_err(|e| e.to_string())
    });

    let on_messages = {
        let messages = messages.clone();
        Callback::from(move |e: InputEvent| messages.set(value_of(&e)))
    };
    let on_takeover = {
        let takeover = takeover.clone();
        Callback::from(move |e: Event| takeover.set(checked_of(&e)))
    };
    let on_packed = {
        let packed = packed.clone();
        Callback::from(move |e: InputEvent| packed.set(value_of(&e)))
    };
    html! {
        <section class="card" aria-labelledby="deflate-title">
            <h2 id="deflate-title">{ "Compressed messages (permessage-deflate)" }</h2>
            <p class="muted">
                { format!("Once both sides agreed on permessage-deflate (RFC 7692), a sender may compress a message's payload with DEFLATE, \
                   flush it, drop the flush's last four bytes ({}) and set RSV1 on the message's first frame (§6, §7.2.1). \
                   One message per line; each is compressed after the ones above it.", to_hex(&SYNC_TAIL)) }
            </p>
            <label for="deflate-messages">{ "Messages, one per line" }</label>
            <textarea id="deflate-messages" rows="3" spellcheck="false" value={(*messages).clone()} oninput={on_messages} />
            <div class="row">
                <label class="check" for="deflate-takeover">
                    <input id="deflate-takeover" type="checkbox" checked={*takeover} onchange={on_takeover} />
                    { " Context takeover" }
                </label>
            </div>
            <p class="muted">{ "On: the compressor keeps its 32 KiB window between messages, so a repeat becomes a short back-reference (RFC 7692 §7.2.3.2). Off (no_context_takeover): every message is compressed on its own." }</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Compressed messages and their frames">
                <table class="frag-table" id="deflate-table">
                    <thead><tr>
                        <th scope="col">{ "#" }</th><th scope="col">{ "message" }</th><th scope="col">{ "size" }</th>
                        <th scope="col">{ "compressed payload" }</th><th scope="col">{ "the frame (FIN, RSV1, text, unmasked)" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <h3>{ "Inflate a payload" }</h3>
            <div class="row">
                <label for="deflate-input">{ "Compressed payload (hex)" }</label>
                <input id="deflate-input" type="text" spellcheck="false" value={(*packed).clone()} oninput={on_packed} />
            </div>
            <p class="muted">{ "The receiver appends 00 00 ff ff again and inflates (RFC 7692 §7.2.2). Here each payload is inflated on its own, as with no context takeover." }</p>
            { match inflated {
                Ok(m) => html! {
                    <p class="ok-text" id="deflate-output">
                        { format!("{} bytes: ", m.len()) }
                        <code>{ String::from_utf8(m.clone()).map_or_else(|_| to_hex(&m), |t| format!("{t:?}")) }</code>
                    </p>
                },
                Err(e) => html! { <p class="bad-text" id="deflate-output">{ e }</p> },
            } }
        </section>
    }
}
