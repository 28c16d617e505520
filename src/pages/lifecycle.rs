//! The lifecycle lesson, the readyState diagram, and a close-frame builder.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::{LessonView, StateDiagram};
use crate::content::lessons::lesson_for;
use crate::route::Route;
use wire::close::{ClosePayload, lookup, page_may_close_with};
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
        Callback::from(move |e: InputEvent| {
            code.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_reason = {
        let reason = reason.clone();
        Callback::from(move |e: InputEvent| {
            reason.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let parsed: Result<u16, String> = code
        .trim()
        .parse::<u16>()
        .map_err(|_| format!("{:?} is not a number from 0 to 65535", code.as_str()));
    let result = parsed.and_then(|c| {
        ClosePayload::build(c, &reason)
            .map(|p| (c, p))
            .map_err(|e| e.to_string())
    });
    let body = match result {
        Ok((c, payload)) => {
            let server = Frame::new(OpCode::Close, payload.clone()).encode();
            let client = Frame::new(OpCode::Close, payload).masked(KEY).encode();
            let name = lookup(c).map(|i| i.name).unwrap_or("application-defined");
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
                        format!("Page code may not: socket.close({c}) throws InvalidAccessError (only 1000 and 3000–4999 are allowed); {c} is for the protocol and servers.")
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
            <p class="muted">{ format!("The reason is {} bytes of UTF-8; code and reason together must fit in 125 bytes.", reason.len()) }</p>
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
            <StateDiagram />
            if let Some(l) = lesson_for(Route::Lifecycle) {
                <LessonView lesson={l} lab_below=true />
            }
            <CloseBuilder />
        </article>
    }
}
