//! The live console's send panel: text, bytes typed as hex, or a file, and
//! how much the browser still has queued.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::ProgressBar;
use crate::components::form::{file_of, value_of};
use crate::services::browser::read_file;
use crate::state::console::Payload;
use wire::hex::parse_hex;

/// Props of [`SendPanel`].
#[derive(Properties, PartialEq)]
pub struct SendPanelProps {
    /// Sends a message.
    pub send: Callback<Payload>,
    /// Whether the connection is OPEN.
    pub open: bool,
    /// The largest bufferedAmount seen while sending, and the current one.
    pub buffered: (u32, u32),
}

/// The send panel.
#[function_component(SendPanel)]
pub fn send_panel(props: &SendPanelProps) -> Html {
    let message = use_state(|| "Hello, wslab".to_owned());
    let hex = use_state(|| "de ad be ef".to_owned());
    let text_of = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: InputEvent| s.set(value_of(&e)))
    };
    let on_send_text = {
        let (send, message) = (props.send.clone(), message.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send.emit(Payload::Text((*message).clone()));
        })
    };
    let hex_parsed = parse_hex(&hex);
    let on_send_hex = {
        let (send, bytes) = (props.send.clone(), hex_parsed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Ok(b) = &bytes {
                send.emit(Payload::Binary(Rc::new(b.clone())));
            }
        })
    };
    let on_file = {
        let send = props.send.clone();
        Callback::from(move |e: Event| {
            if let Some(file) = file_of(&e) {
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
    let (most, now) = props.buffered;
    html! {
        <section class="card" aria-labelledby="send-title">
            <h2 id="send-title">{ "Send" }</h2>
            <form class="row" onsubmit={on_send_text}>
                <label for="echo-message">{ "Text" }</label>
                <input id="echo-message" type="text" value={(*message).clone()} oninput={text_of(&message)} />
                <button id="echo-send" type="submit" disabled={!props.open}>{ "Send text" }</button>
            </form>
            <form class="row" onsubmit={on_send_hex}>
                <label for="send-hex">{ "Binary (hex)" }</label>
                <input id="send-hex" type="text" value={(*hex).clone()} oninput={text_of(&hex)} spellcheck="false" />
                <button id="send-binary" type="submit" disabled={!props.open || hex_parsed.is_err()}>{ "Send bytes" }</button>
            </form>
            if let Err(e) = &hex_parsed { <p class="bad-text">{ e.to_string() }</p> }
            <div class="row">
                <label for="send-file">{ "A file" }</label>
                <input id="send-file" type="file" onchange={on_file} disabled={!props.open} />
            </div>
            if most > 0 {
                <p>{ "bufferedAmount: " }<span id="buffered">{ now }</span>{ " bytes still queued " }
                    <ProgressBar value={1.0 - f64::from(now) / f64::from(most)} label="Upload progress" /></p>
            }
        </section>
    }
}
