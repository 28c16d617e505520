//! A minimal live round trip: connect to an echo server, send text, see the reply.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::services::socket::{Socket, SocketEvent};

/// The echo server `cargo xtask serve` starts, reached directly on its own port.
pub const DEFAULT_ECHO_URL: &str = "ws://127.0.0.1:9001/echo";

/// Props of [`EchoProbe`].
#[derive(Properties, PartialEq)]
pub struct EchoProbeProps {
    /// The server URL the field starts with.
    #[prop_or_else(|| DEFAULT_ECHO_URL.to_owned())]
    pub url: String,
}

/// Where the connection stands, as the browser's readyState names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Idle,
    Connecting,
    Open,
    Closed,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Idle => "not connected",
            Status::Connecting => "CONNECTING",
            Status::Open => "OPEN",
            Status::Closed => "CLOSED",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum LogEntry {
    Sent(String),
    Received(String),
    Note(String),
}

#[derive(Clone, Debug, PartialEq)]
struct State {
    status: Status,
    log: Vec<LogEntry>,
}

enum Action {
    Connecting,
    Socket(SocketEvent),
    Sent(String),
    Failed(String),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Connecting => {
                next.status = Status::Connecting;
                next.log.clear();
            }
            Action::Socket(SocketEvent::Open) => next.status = Status::Open,
            Action::Socket(SocketEvent::Text(text)) => next.log.push(LogEntry::Received(text)),
            Action::Socket(SocketEvent::Binary(bytes)) => next.log.push(LogEntry::Received(
                format!("({} binary bytes)", bytes.len()),
            )),
            Action::Socket(SocketEvent::Error) => next.log.push(LogEntry::Note(
                "error event (the browser gives no detail)".into(),
            )),
            Action::Socket(SocketEvent::Closed {
                code,
                reason,
                was_clean,
            }) => {
                next.status = Status::Closed;
                next.log.push(LogEntry::Note(format!(
                    "closed: code {code}, reason {reason:?}, wasClean {was_clean}"
                )));
            }
            Action::Sent(text) => next.log.push(LogEntry::Sent(text)),
            Action::Failed(err) => {
                next.status = Status::Closed;
                next.log.push(LogEntry::Note(err));
            }
        }
        Rc::new(next)
    }
}

/// Connects to an echo server, sends a text message and shows what comes back.
#[function_component(EchoProbe)]
pub fn echo_probe(props: &EchoProbeProps) -> Html {
    let state = use_reducer(|| State {
        status: Status::Idle,
        log: Vec::new(),
    });
    let socket = use_mut_ref(|| None::<Socket>);
    let url_ref = use_node_ref();
    let message_ref = use_node_ref();

    let on_connect = {
        let state = state.clone();
        let socket = socket.clone();
        let url_ref = url_ref.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(url) = url_ref.cast::<HtmlInputElement>().map(|i| i.value()) else {
                return;
            };
            state.dispatch(Action::Connecting);
            let dispatcher = state.dispatcher();
            let on_event = Callback::from(move |ev| dispatcher.dispatch(Action::Socket(ev)));
            match Socket::open(url.trim(), on_event) {
                Ok(s) => *socket.borrow_mut() = Some(s),
                Err(err) => {
                    *socket.borrow_mut() = None;
                    state.dispatch(Action::Failed(err));
                }
            }
        })
    };

    let on_send = {
        let state = state.clone();
        let socket = socket.clone();
        let message_ref = message_ref.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = message_ref.cast::<HtmlInputElement>() else {
                return;
            };
            let text = input.value();
            let result = match socket.borrow().as_ref() {
                Some(s) => s.send_text(&text),
                None => Err("not connected".to_owned()),
            };
            match result {
                Ok(()) => state.dispatch(Action::Sent(text)),
                Err(err) => state.dispatch(Action::Failed(err)),
            }
        })
    };

    let open = state.status == Status::Open;
    html! {
        <section class="card echo-probe" aria-labelledby="echo-probe-title">
            <h2 id="echo-probe-title">{ "Echo round trip" }</h2>
            <form class="row" onsubmit={on_connect}>
                <label for="echo-url">{ "Server" }</label>
                <input id="echo-url" type="url" ref={url_ref} value={props.url.clone()}
                    spellcheck="false" autocomplete="off" />
                <button id="echo-connect" type="submit">{ "Connect" }</button>
            </form>
            <p>{ "State: " }<strong id="echo-status">{ state.status.label() }</strong></p>
            <form class="row" onsubmit={on_send}>
                <label for="echo-message">{ "Message" }</label>
                <input id="echo-message" type="text" ref={message_ref} value="Hello, wslab" />
                <button id="echo-send" type="submit" disabled={!open}>{ "Send" }</button>
            </form>
            <ol id="echo-log" class="log" aria-live="polite">
                { for state.log.iter().map(|entry| match entry {
                    LogEntry::Sent(t) => html! { <li class="sent">{ "→ " }{ t }</li> },
                    LogEntry::Received(t) => html! { <li class="received">{ "← " }{ t }</li> },
                    LogEntry::Note(t) => html! { <li class="note">{ t }</li> },
                }) }
            </ol>
        </section>
    }
}
