//! The handshake lab (`/handshake`): edit a client's opening request and watch
//! a correct server's answer; compute and check accept values; check a server's
//! response as a browser does. The whole state lives in the URL.

use yew::prelude::*;

use crate::components::Link;
use crate::components::later::Later;

use crate::components::PageLesson;
use crate::components::{
    AcceptCalculator, AnnotatedLines, LineProblem, NeedsJs, SequenceDiagram, Step,
};
use crate::content::headers::{REQUEST_LINE, Side};
use crate::hooks::{use_linked_landing, use_url_reducer};
use crate::route::Route;
use crate::services::browser::random_bytes;
use crate::state::handshake::{HandshakeAction, HandshakeLab};
use wire::handshake::{Problem, RequestCheck, ServerAnswer, check_request, generate_key, respond};

mod cards;

use cards::{AnswerCard, ClientCheck, RequestCard};

/// The request checked, and a correct server's answer to it.
fn answered(state: &HandshakeLab) -> (RequestCheck, ServerAnswer) {
    let check = check_request(&state.request);
    let supported: Vec<&str> = state
        .supported
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let policy = wire::deflate::DeflatePolicy::default();
    let answer = respond(&check, &supported, state.deflate.then_some(&policy));
    (check, answer)
}

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

/// What the lab's lower parts (the request line by line, the accept
/// calculator and the browser's check of a response) draw from.
#[derive(PartialEq)]
pub struct Lower {
    state: UseReducerHandle<HandshakeLab>,
}

/// The request line by line, the accept calculator and the browser's check
/// of a response: below the editor and the server's answer, so the
/// handshake build loads them after the page answers input (a chunk of
/// their own, with the header notes and the response checks they alone use).
fn draw_lower(lower: &Lower) -> Html {
    let state = &lower.state;
    let check = check_request(&state.request);
    let dispatch = |make: fn(String) -> HandshakeAction| {
        let state = state.clone();
        Callback::from(move |v: String| state.dispatch(make(v)))
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
    html! {
        <>
            <section class="card" aria-labelledby="lines-title">
                <h2 id="lines-title">{ "Line by line" }</h2>
                <p class="muted">{ "Open a line to see what it is for, who sets it, and what happens when it is wrong." }</p>
                <AnnotatedLines id="request-lines" text={state.request.clone()} start={&REQUEST_LINE} side={Side::Request}
                    problems={line_problems(&check.problems)} />
            </section>

            <AcceptCalculator key_text={state.key.clone()} claimed={state.claimed.clone()}
                on_key={dispatch(HandshakeAction::Key)} on_claimed={dispatch(HandshakeAction::Claimed)}
                on_use_key={on_use_key} on_random={on_random} />

            <ClientCheck state={state.clone()} />
        </>
    }
}

crate::part!(
    LOWER,
    handshake_lower,
    draw_lower,
    Lower,
    "handshake-lower",
    "split-handshake"
);

/// The handshake lab.
#[function_component(Handshake)]
pub fn handshake() -> Html {
    let (state, too_long) = use_url_reducer::<HandshakeLab>(Route::Handshake);
    use_linked_landing("handshake-request");
    // Which arrow of the diagram is open: a view choice, not kept in the URL.
    let step = use_state(|| Step::Request);

    let (check, answer) = answered(&state);
    let status_line = answer
        .text
        .split("\r\n")
        .next()
        .unwrap_or_default()
        .to_owned();

    let on_step = {
        let step = step.clone();
        Callback::from(move |s| step.set(s))
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
            <PageLesson id="handshake" lab_below=true />
            <h2 id="lab" class="lab-heading">{ "Try it" }</h2>
            <SequenceDiagram request_line={diagram_request}
                status_line={status_line.clone()} upgraded={answer.status == 101}
                selected={*step} on_select={on_step} />
            <div class="card step-detail" aria-live="polite">{ step_detail }</div>

            <div class="two-col">
                <RequestCard state={state.clone()} />
                <AnswerCard state={state.clone()} />
            </div>

            <Later<Lower> part={LOWER} props={Lower { state: state.clone() }} />
            if too_long {
                <p class="notice">{ "This state is too long to keep in the address bar, so the link shows the default lab." }</p>
            }
        </article>
    }
}
