//! The lifecycle lesson, the readyState diagram, and a close-frame builder.

use crate::components::form::value_of;
use yew::prelude::*;

use crate::components::{NeedsJs, PageLesson, StateDiagram};
use crate::route::Route;
use wire::close::{ClosePayload, code_name, page_may_close_with, sent_by};
use wire::frame::Frame;
use wire::hex::to_hex;
use wire::opcode::OpCode;

/// The masking key the builder's client frame uses (RFC 6455 §5.7's).
const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// Builds a close frame from a code and a reason, and says who may send it.
#[function_component(CloseBuilder)]
pub fn close_builder() -> Html {
    let code = use_state(|| "1000".to_owned());
    let reason = use_state(|| "bye".to_owned());
    let on_code = {
        let code = code.clone();
        Callback::from(move |e: InputEvent| code.set(value_of(&e)))
    };
    let on_reason = {
        let reason = reason.clone();
        Callback::from(move |e: InputEvent| reason.set(value_of(&e)))
    };
    let parsed: Result<Option<u16>, String> = match code.trim() {
        // No code: an empty body (§5.5.1), and no reason can go without a code.
        "" if reason.is_empty() => Ok(None),
        "" => Err("A reason needs a code: the body of a Close frame starts with the 2-byte code, then the reason (RFC 6455 §5.5.1). Clear the reason for an empty Close frame.".to_owned()),
        c => c
            .parse::<u16>()
            .map(Some)
            .map_err(|_| format!("{c:?} is not a number from 0 to 65535")),
    };
    let result = parsed.and_then(|c| match c {
        None => Ok((None, Vec::new())),
        Some(c) => ClosePayload::build(c, &reason)
            .map(|p| (Some(c), p))
            .map_err(|e| e.to_string()),
    });
    let body = match result {
        Ok((None, payload)) => {
            let server = Frame::new(OpCode::Close, payload.clone()).encode();
            let client = Frame::new(OpCode::Close, payload).masked(KEY).encode();
            html! {
                <>
                    <p class="ok-text" id="close-verdict">{ "An empty Close frame: no status code, no reason. The receiver reports 1005 (no status received)." }</p>
                    <ul>
                        <li>{ "server → client: " }<code id="close-server-bytes">{ to_hex(&server) }</code></li>
                        <li>{ format!("client → server (masked with {}): ", to_hex(&KEY)) }<code>{ to_hex(&client) }</code></li>
                    </ul>
                    <p>{ "Page code sends it with socket.close(), no arguments." }</p>
                </>
            }
        }
        Ok((Some(c), payload)) => {
            let server = Frame::new(OpCode::Close, payload.clone()).encode();
            let client = Frame::new(OpCode::Close, payload).masked(KEY).encode();
            let name = code_name(c);
            let page_may = page_may_close_with(c);
            html! {
                <>
                    <p class="ok-text" id="close-verdict">{ format!("{c} ({name}) may go on the wire.") }</p>
                    <ul>
                        <li>{ "server → client: " }<code id="close-server-bytes">{ to_hex(&server) }</code></li>
                        <li>{ format!("client → server (masked with {}): ", to_hex(&KEY)) }<code>{ to_hex(&client) }</code></li>
                    </ul>
                    <p>{ if page_may {
                        format!("Page code may call socket.close({c}, …).")
                    } else {
                        format!("Page code may not: socket.close({c}) throws InvalidAccessError (only 1000 and 3000–4999 are allowed); {c} is sent by {}.", sent_by(c))
                    } }</p>
                </>
            }
        }
        Err(e) => html! { <p class="bad-text" id="close-verdict" role="alert">{ e }</p> },
    };
    html! {
        <section class="card" id="lab" aria-labelledby="close-builder-title">
            <h2 id="close-builder-title">{ "Build a Close frame" }</h2>
            <div class="row">
                <label for="close-code">{ "Code" }</label>
                <input id="close-code" type="text" inputmode="numeric" value={(*code).clone()} oninput={on_code} />
            </div>
            <div class="row">
                <label for="close-reason">{ "Reason" }</label>
                <input id="close-reason" type="text" value={(*reason).clone()} oninput={on_reason} />
            </div>
            <p class="muted">{ format!("The reason is {} bytes of UTF-8; code and reason together must fit in 125 bytes. Leave both empty for a Close frame with no body.", reason.len()) }</p>
            <p class="muted">{ format!("The client frame uses RFC 6455 §5.7's masking key {} so that its bytes can be compared with the RFC; a real client draws a fresh random key for every frame (§5.3).", to_hex(&KEY)) }</p>
            { body }
        </section>
    }
}

/// The lifecycle page.
#[function_component(Lifecycle)]
pub fn lifecycle() -> Html {
    html! {
        <article>
            <h1>{ Route::Lifecycle.title() }</h1>
            <p class="lead">{ Route::Lifecycle.summary() }</p>
            <NeedsJs what="The closing lab on this page runs in your browser." />
            <StateDiagram />
            <PageLesson id="lifecycle" lab_below=true />
            <CloseBuilder />
        </article>
    }
}
