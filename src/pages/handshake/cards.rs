//! The handshake lab's cards: the request and its editor, a correct
//! server's answer, and a response checked as a browser checks it.

use yew::prelude::*;

use super::{answered, line_problems, problem_list};
use crate::components::form::{checked_of, value_of};
use crate::components::{AnnotatedLines, Link};
use crate::content::headers::{STATUS_LINE, Side};
use crate::route::Route;
use crate::state::handshake::{HandshakeAction, HandshakeLab};
use wire::handshake::check_response_to;

/// Props of the cards: the lab's state.
#[derive(Properties, PartialEq)]
pub struct CardProps {
    /// The lab's state.
    pub state: UseReducerHandle<HandshakeLab>,
}

/// The client's request, editable, and what the server supports.
#[function_component(RequestCard)]
pub fn request_card(props: &CardProps) -> Html {
    let state = &props.state;
    let (check, _) = answered(state);
    let send = |make: fn(String) -> HandshakeAction| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.dispatch(make(value_of(&e))))
    };
    let on_deflate = {
        let state = state.clone();
        Callback::from(move |e: Event| state.dispatch(HandshakeAction::Deflate(checked_of(&e))))
    };
    let on_offer_deflate = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(HandshakeAction::OfferDeflate))
    };
    html! {
            <section class="card" aria-labelledby="request-title">
                <h2 id="request-title">{ "The client's request" }</h2>
                <label for="handshake-request" class="sr-only">{ "Opening request, editable" }</label>
                <textarea id="handshake-request" rows="10" spellcheck="false" autocomplete="off"
                    value={state.request.clone()} oninput={send(HandshakeAction::Request)} />
                <div class="row">
                    <label for="handshake-supported">{ "Server speaks" }</label>
                    <input id="handshake-supported" type="text" value={state.supported.clone()} oninput={send(HandshakeAction::Supported)}
                        placeholder="subprotocols, comma-separated" />
                </div>
                <div class="row">
                    <label class="check">
                        <input id="handshake-deflate" type="checkbox" checked={state.deflate} onchange={on_deflate} />
                        { " Server accepts permessage-deflate (RFC 7692)" }
                    </label>
                    if check.request.extensions.is_empty() {
                        <button type="button" id="handshake-offer-deflate" onclick={on_offer_deflate}>
                            { "Offer it, as Chromium does" }
                        </button>
                    }
                </div>
            </section>
    }
}

/// What a correct server answers to that request, and why.
#[function_component(AnswerCard)]
pub fn answer_card(props: &CardProps) -> Html {
    let (check, answer) = answered(&props.state);
    html! {
            <section class="card" aria-labelledby="answer-title">
                <h2 id="answer-title">{ "A correct server answers" }
                    <span class={classes!("status", if answer.status == 101 { "ok" } else { "bad" })} id="handshake-status">
                        { answer.status }
                    </span>
                </h2>
                <pre class="wire-text" id="handshake-response" aria-live="polite">{ &answer.text }</pre>
                if !answer.extensions.is_empty() {
                    <ul class="extension-verdicts" id="handshake-extensions">
                        { for answer.extensions.iter().map(|v| match &v.outcome {
                            Ok(()) => html! { <li class="ok-text">{ format!("Accepted: {}", v.offer) }</li> },
                            Err(why) => html! { <li class="bad-text">{ format!("Declined: {} ({why})", v.offer) }</li> },
                        }) }
                    </ul>
                } else if !check.request.extensions.is_empty() && answer.status == 101 {
                    <p class="muted" id="handshake-extensions">{ "This server negotiates no extensions: it leaves every offer out of its answer, and RSV1–3 stay 0." }</p>
                }
                if check.problems.is_empty() {
                    <p class="ok-text">{ "The request is valid: the server switches protocols." }</p>
                } else {
                    <p class="bad-text">{ format!("{} problem(s) in the request:", check.problems.len()) }</p>
                    { problem_list("handshake-problems", &check.problems) }
                }
            </section>
    }
}

/// A response checked as a browser checks it: the server's answer, or one
/// the learner edits.
#[function_component(ClientCheck)]
pub fn client_check(props: &CardProps) -> Html {
    let state = &props.state;
    let (check, answer) = answered(state);
    let response_text = state
        .response
        .clone()
        .unwrap_or_else(|| answer.text.clone());
    let client_view = check_response_to(&check.request, &response_text);
    let on_response = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.dispatch(HandshakeAction::Response(Some(value_of(&e))))
        })
    };
    let reset_response = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(HandshakeAction::Response(None)))
    };
    html! {
        <section class="card" aria-labelledby="client-title">
            <h2 id="client-title">{ "Check a response as a browser does" }</h2>
            <p class="muted">
                { "A browser validates the answer against the key it sent and what it offered (RFC 6455 §4.1), \
                   and keeps one rule the RFC does not: when page code asked for subprotocols, the answer must name one \
                   (WHATWG WebSockets Standard). Edit the response to see every reason a browser would refuse it." }
            </p>
            <label for="handshake-client-response" class="sr-only">{ "Server response to check" }</label>
            <textarea id="handshake-client-response" rows="7" spellcheck="false" value={response_text.clone()} oninput={on_response} />
            <div class="row">
                <button type="button" onclick={reset_response} disabled={state.response.is_none()}>
                    { "Reset to the server's answer" }
                </button>
            </div>
            if client_view.problems.is_empty() {
                <p class="ok-text" id="client-verdict">{ "A browser accepts this response: the connection is OPEN." }</p>
            } else if client_view.problems.iter().all(|p| p.browser_only()) {
                <p class="bad-text" id="client-verdict">
                    { "A client that follows RFC 6455 alone accepts this response; a browser refuses it: it fires error, then close with code 1006." }
                </p>
                { problem_list("client-problems", &client_view.problems) }
            } else {
                <p class="bad-text" id="client-verdict">
                    { format!("A browser refuses this response ({} reason(s)): it fires error, then close with code 1006.", client_view.problems.len()) }
                </p>
                { problem_list("client-problems", &client_view.problems) }
            }
            <AnnotatedLines id="response-lines" text={response_text} start={&STATUS_LINE} side={Side::Response}
                problems={line_problems(&client_view.problems)} />
            <p>
                { "Want to see your own browser's handshake? " }
                <Link to={Route::Live}>{ "Open a live connection." }</Link>
            </p>
        </section>
    }
}
