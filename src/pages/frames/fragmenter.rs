//! The frame lab's third part: one message split into frames, a ping in the
//! middle, and the receiver putting it back together.

use yew::prelude::*;

use super::checkbox;
use crate::components::form::value_of;
use wire::frame::Frame;
use wire::hex::to_hex;
use wire::message::{Event as WsEvent, MessageKind, Reassembler, fragment};
use wire::opcode::OpCode;

/// Props of [`Fragmenter`].
#[derive(Properties, PartialEq)]
pub struct FragmenterProps {
    /// The message to split.
    pub message: AttrValue,
    /// Bytes per frame, as typed.
    pub size: AttrValue,
    /// Put a ping after the first fragment.
    pub ping: bool,
    /// The message changed.
    pub on_message: Callback<String>,
    /// The size changed.
    pub on_size: Callback<String>,
    /// The ping box changed.
    pub on_ping: Callback<bool>,
}

/// One message split into frames, a ping in the middle, and put back together.
#[function_component(Fragmenter)]
pub fn fragmenter(props: &FragmenterProps) -> Html {
    let size: Result<usize, String> = props
        .size
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            format!(
                "{:?} is not a whole number of bytes, 1 or more",
                props.size.as_str()
            )
        });
    let per_frame = *size.as_ref().unwrap_or(&8);
    let count = props.message.len().div_ceil(per_frame);
    let size = size.and_then(|s| {
        if count > 200 {
            Err(format!(
                "{count} frames is more than this table shows (200); use more bytes per frame"
            ))
        } else {
            Ok(s)
        }
    });
    let mut frames = if size.is_ok() {
        fragment(MessageKind::Text, props.message.as_bytes(), per_frame)
    } else {
        Vec::new()
    };
    if props.ping && frames.len() > 1 {
        frames.insert(1, Frame::new(OpCode::Ping, b"are you there?".to_vec()));
    }
    let mut r = Reassembler::new(u64::MAX);
    let events: Vec<String> = frames
        .iter()
        .filter_map(|f| match r.push(f.clone()) {
            Ok(Some(WsEvent::Text(t))) => Some(format!("text message: {t:?}")),
            Ok(Some(WsEvent::Ping(p))) => Some(format!(
                "ping handled at once, mid-message ({} bytes)",
                p.len()
            )),
            Ok(_) => None,
            Err(e) => Some(e.to_string()),
        })
        .collect();
    html! {
        <section class="card" aria-labelledby="frag-title">
            <h2 id="frag-title">{ "Fragmentation and control frames" }</h2>
            <p class="muted">{ "A message may be split into frames: the first carries the opcode, the rest are continuations (opcode 0), and only the last has FIN = 1. Control frames may arrive between fragments (RFC 6455 §5.4)." }</p>
            <div class="row">
                <label for="frag-message">{ "Message" }</label>
                <input id="frag-message" type="text" value={props.message.clone()} oninput={props.on_message.reform(|e: InputEvent| value_of(&e))} />
            </div>
            <div class="row">
                <label for="frag-size">{ "Bytes per frame" }</label>
                <input id="frag-size" type="number" min="1" value={props.size.clone()} oninput={props.on_size.reform(|e: InputEvent| value_of(&e))} />
            </div>
            { checkbox("frag-ping", "insert a ping after the first fragment", props.ping, props.on_ping.clone()) }
            if let Err(e) = &size { <p class="bad-text">{ e }</p> }
            <div class="table-scroll">
                <table class="frag-table" id="frag-frames">
                    <thead><tr><th scope="col">{ "#" }</th><th scope="col">{ "FIN" }</th><th scope="col">{ "opcode" }</th><th scope="col">{ "payload" }</th><th scope="col">{ "bytes on the wire" }</th></tr></thead>
                    <tbody>
                        { for frames.iter().enumerate().map(|(i, f)| html! {
                            <tr class={classes!(f.opcode.is_control().then_some("control"))}>
                                <td>{ i + 1 }</td>
                                <td>{ u8::from(f.fin) }</td>
                                <td>{ f.opcode.to_string() }</td>
                                <td><code>{ format!("{:?}", String::from_utf8_lossy(&f.payload)) }</code></td>
                                <td><code>{ to_hex(&f.encode()) }</code></td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <h3>{ "The receiver sees" }</h3>
            <ol id="frag-result">{ for events.iter().map(|e| html! { <li>{ e }</li> }) }</ol>
        </section>
    }
}
