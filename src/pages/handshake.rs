//! The handshake lab (`/handshake`): edit a client's opening request and watch
//! a correct server's answer; compute and check accept values; check a server's
//! response as a browser does. The whole state lives in the URL.

use crate::components::form::{checked_of, value_of};
use yew::prelude::*;

use crate::components::Link;

use crate::components::LessonView;
use crate::components::{
    AcceptCalculator, AnnotatedLines, LineProblem, NeedsJs, SequenceDiagram, Step,
};
use crate::content::headers::{REQUEST_LINE, STATUS_LINE, Side};
use crate::content::lessons::HANDSHAKE;
use crate::hooks::{use_has_query, use_landing, use_url_reducer};
use crate::route::Route;
use crate::services::browser::random_bytes;
use crate::state::handshake::{HandshakeAction, HandshakeLab};
use wire::handshake::{Problem, check_request, check_response_to, generate_key, respond};

fn line_problems(problems: &[Problem]) -> Vec<LineProblem> {
    problems
        .iter()
        .filter_map(|p| {
            p.line.map(|line| LineProblem {
                line,
                text: p.to_string(),
            })
        })
        .collect()
}

fn problem_list(id: &'static str, problems: &[Problem]) -> Html {
    html! {
        <ol class="problems" {id}>
            { for problems.iter().map(|p| html! {
                <li>
                    if let Some(line) = p.line { <span class="badge">{ format!("line {line}") }</span>{ " " } }
                    if let Some(h) = &p.header { <strong>{ h }</strong>{ ": " } }
                    { &p.message }{ " " }<span class="section">{ format!("({})", p.section) }</span>
                </li>
            }) }
        </ol>
    }
}

/// The handshake lab.
#[function_component(Handshake)]
pub fn handshake() -> Html {
    let (state, too_long) = use_url_reducer::<HandshakeLab>(Route::Handshake);
    let linked = use_has_query();
    use_landing(linked.then_some("handshake-request"));
    // Which arrow of the diagram is open: a view choice, not kept in the URL.
    let step = use_state(|| Step::Request);

    let check = check_request(&state.request);
    let supported: Vec<&str> = state
        .supported
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let policy = wire::deflate::DeflatePolicy::default();
    let answer = respond(&check, &supported, state.deflate.then_some(&policy));
    let status_line = answer
        .text
        .split("\r\n")
        .next()
        .unwrap_or_default()
        .to_owned();
    let response_text = state
        .response
        .clone()
        .unwrap_or_else(|| answer.text.clone());
    let client_view = check_response_to(&check.request, &response_text);

    let dispatch = |make: fn(String) -> HandshakeAction| {
        let state = state.clone();
        Callback::from(move |v: String| state.dispatch(make(v)))
    };
    let on_request = {
        let set = dispatch(HandshakeAction::Request);
        Callback::from(move |e: InputEvent| set.emit(value_of(&e)))
    };
    let on_response = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.dispatch(HandshakeAction::Response(Some(value_of(&e))))
        })
    };
    let on_supported = {
        let set = dispatch(HandshakeAction::Supported);
        Callback::from(move |e: InputEvent| set.emit(value_of(&e)))
    };
    let on_deflate = {
        let state = state.clone();
        Callback::from(move |e: Event| state.dispatch(HandshakeAction::Deflate(checked_of(&e))))
    };
    let on_offer_deflate = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(HandshakeAction::OfferDeflate))
    };
    let on_random = {
        let state = state.clone();
        Callback::from(move |_| {
            state.dispatch(HandshakeAction::Key(generate_key(random_bytes::<16>())))
        })
    };
    let on_use_key = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(HandshakeAction::UseKey))
    };
    let on_step = {
        let step = step.clone();
        Callback::from(move |s| step.set(s))
    };

    let reset_response = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(HandshakeAction::Response(None)))
    };

    let diagram_request = if check.request.method.is_empty() {
        "GET ?".to_owned()
    } else {
        format!("{} {}", check.request.method, check.request.target)
    };
    let step_detail = match *step {
        Step::Request => html! {
            <p>{ "The client's request: an ordinary HTTP GET that asks, with Upgrade and Connection, to switch protocols. \
                  Its lines are explained under the editor below." }</p>
        },
        Step::Response => html! {
            <>
                <p>{ "The server's answer to the request in the editor:" }</p>
                <pre class="wire-text">{ &answer.text }</pre>
            </>
        },
        Step::Frames => html! {
            <p>
                { "Over HTTP/1.1, after the 101 answer's blank line, HTTP is over: the same TCP connection carries WebSocket \
                   frames in both directions, and either side may send at any time (RFC 6455 §5). (Over HTTP/2 and HTTP/3 a \
                   WebSocket is one stream opened by an extended CONNECT, RFC 8441 and RFC 9220.) " }
                <Link to={Route::Frames}>{ "Take a frame apart in the frame lab." }</Link>
            </p>
        },
    };

    html! {
        <article class="lab">
            <h1>{ Route::Handshake.title() }</h1>
            <p class="lead">{ Route::Handshake.summary() }</p>
            <NeedsJs what="The handshake lab on this page runs in your browser." />
            <LessonView lesson={&HANDSHAKE} lab_below=true />
            <h2 id="lab" class="lab-heading">{ "Try it" }</h2>
            <SequenceDiagram request_line={diagram_request}
                status_line={status_line.clone()} upgraded={answer.status == 101}
                selected={*step} on_select={on_step} />
            <div class="card step-detail" aria-live="polite">{ step_detail }</div>

            <div class="two-col">
                <section class="card" aria-labelledby="request-title">
                    <h2 id="request-title">{ "The client's request" }</h2>
                    <label for="handshake-request" class="sr-only">{ "Opening request, editable" }</label>
                    <textarea id="handshake-request" rows="10" spellcheck="false" autocomplete="off"
                        value={state.request.clone()} oninput={on_request} />
                    <div class="row">
                        <label for="handshake-supported">{ "Server speaks" }</label>
                        <input id="handshake-supported" type="text" value={state.supported.clone()} oninput={on_supported}
                            placeholder="subprotocols, comma-separated" />
                    </div>
                    <div class="row">
                        <label class="check">
                            <input id="handshake-deflate" type="checkbox" checked={state.deflate} onchange={on_deflate} />
                            { " Server accepts permessage-deflate (RFC 7692)" }
                        </label>
                        if check.request.extensions.is_empty() {
                            <button type="button" id="handshake-offer-deflate" onclick={on_offer_deflate}>
                                { "Offer it, as browsers do" }
                            </button>
                        }
                    </div>
                </section>
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
            </div>

            <section class="card" aria-labelledby="lines-title">
                <h2 id="lines-title">{ "Line by line" }</h2>
                <p class="muted">{ "Open a line to see what it is for, who sets it, and what happens when it is wrong." }</p>
                <AnnotatedLines id="request-lines" text={state.request.clone()} start={&REQUEST_LINE} side={Side::Request}
                    problems={line_problems(&check.problems)} />
            </section>

            <AcceptCalculator key_text={state.key.clone()} claimed={state.claimed.clone()}
                on_key={dispatch(HandshakeAction::Key)} on_claimed={dispatch(HandshakeAction::Claimed)}
                on_use_key={on_use_key} on_random={on_random} />

            <section class="card" aria-labelledby="client-title">
                <h2 id="client-title">{ "Check a response as a browser does" }</h2>
                <p class="muted">
                    { "A browser validates the answer against the key it sent and what it offered (RFC 6455 §4.1). \
                       Edit the response to see every reason a browser would refuse it." }
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
            if too_long {
                <p class="notice">{ "This state is too long to keep in the address bar, so the link shows the default lab." }</p>
            }
        </article>
    }
}
