//! The live console's close() form: a code and a reason, what the browser
//! would say about them before it throws, and the close event once it came.

use crate::components::form::value_of;
use yew::prelude::*;

use crate::state::console::CloseInfo;
use crate::state::live::CloseRequest;
use wire::close::{MAX_REASON, page_may_close_with, sent_by};

/// Where the WHATWG `close()` method would throw, before the page calls it.
pub fn close_rule(code: Option<u16>, reason: &str) -> Option<String> {
    if let Some(code) = code
        && !page_may_close_with(code)
    {
        return Some(format!(
            "close({code}) throws InvalidAccessError: page code may only use 1000 or 3000–4999 (WHATWG WebSockets, close()); {code} is sent by {}.",
            sent_by(code)
        ));
    }
    if reason.len() > MAX_REASON {
        return Some(format!(
            "close(…, reason) throws SyntaxError: the reason is {} bytes of UTF-8, and at most {MAX_REASON} fit (125 bytes of a control frame, less the 2-byte code).",
            reason.len()
        ));
    }
    None
}

/// Props of [`CloseForm`].
#[derive(Properties, PartialEq)]
pub struct CloseFormProps {
    /// Calls close().
    pub on_close: Callback<CloseRequest>,
    /// The close event, once it came.
    pub closed: Option<CloseInfo>,
    /// Whether the server started the closing handshake.
    pub server_closed_first: bool,
}

/// The close() form.
#[function_component(CloseForm)]
pub fn close_form(props: &CloseFormProps) -> Html {
    let code = use_state(|| "1000".to_owned());
    let reason = use_state(|| "done".to_owned());
    let parsed: Result<Option<u16>, ()> = match code.trim() {
        "" => Ok(None),
        c => c.parse().map(Some).map_err(|_| ()),
    };
    let hint = match &parsed {
        Ok(c) => close_rule(*c, &reason),
        Err(()) => Some(format!(
            "{:?} is not a number: close() would throw.",
            code.as_str()
        )),
    };
    let text_of = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |e: InputEvent| s.set(value_of(&e)))
    };
    let on_submit = {
        let (on_close, code, reason) = (props.on_close.clone(), code.clone(), reason.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // A code that is not a number is sent as 0, so that the browser itself throws.
            let code = match code.trim() {
                "" => None,
                c => Some(c.parse().unwrap_or(0)),
            };
            on_close.emit(CloseRequest {
                code,
                reason: (*reason).clone(),
            });
        })
    };
    html! {
        <section class="card" aria-labelledby="close-title">
            <h2 id="close-title">{ "Close" }</h2>
            <form onsubmit={on_submit}>
                <div class="row">
                    <label for="close-code-live">{ "Code" }</label>
                    <input id="close-code-live" type="text" inputmode="numeric" class="narrow" value={(*code).clone()} oninput={text_of(&code)} />
                    <label for="close-reason-live">{ "Reason" }</label>
                    <input id="close-reason-live" type="text" value={(*reason).clone()} oninput={text_of(&reason)} />
                </div>
                if let Some(h) = &hint { <p class="warn">{ h }{ " Press Close to see the exception." }</p> }
                if parsed == Ok(None) {
                    <p class="muted" id="close-no-code">{ "No code: close() with no arguments sends a Close frame with no status code (and no reason), and the other side reports 1005, \"no status received\"." }</p>
                }
                <button id="close-button" type="submit">{ "Close" }</button>
            </form>
            if let Some(c) = &props.closed {
                <p id="close-event">{ format!("close event: code {}, reason {:?}, wasClean {}", c.code, c.reason, c.was_clean) }</p>
                if props.server_closed_first {
                    <p class="muted" id="server-closed-first">
                        { "The server closed first: its Close frame arrived, the browser answered with its own Close by itself (page code did nothing), and only then fired close." }
                    </p>
                }
            }
        </section>
    }
}
