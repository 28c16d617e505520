//! The conformance lab's form: the server under test, which cases, where
//! they run from, and the same run as a command.

use yew::prelude::*;

use crate::components::form::value_of;
use crate::state::QueryState;
use crate::state::conformance::ConformanceQuery;
use conformance::case::Group;

/// Props of [`RunForm`].
#[derive(Properties, PartialEq)]
pub struct RunFormProps {
    /// What to run, as in the URL.
    pub query: UseReducerHandle<QueryState<ConformanceQuery>>,
    /// A run is under way.
    pub running: bool,
    /// Run was pressed.
    pub on_run: Callback<()>,
    /// Cancel was pressed.
    pub on_cancel: Callback<()>,
}

/// The form.
#[function_component(RunForm)]
pub fn run_form(props: &RunFormProps) -> Html {
    let query = &props.query;
    let running = props.running;
    let edit = |f: fn(&mut ConformanceQuery, String)| {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let mut q = query.0.clone();
            f(&mut q, value_of(&e));
            query.dispatch(q);
        })
    };
    let on_target = edit(|q, v| q.target = v);
    let on_ids = edit(|q, v| q.ids = v);
    let on_server = edit(|q, v| q.server = v);
    let on_run = props.on_run.reform(|e: SubmitEvent| e.prevent_default());
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let selected = query.selected();
    let groups = Group::ALL.into_iter().map(|g| {
        let query = query.clone();
        let onchange = Callback::from(move |_: Event| {
            let mut q = query.0.clone();
            q.toggle(g);
            query.dispatch(q);
        });
        let id = format!("group-{}", g.slug());
        html! {
            <label class="group-choice" for={id.clone()}>
                <input type="checkbox" id={id} checked={selected.contains(&g)} {onchange} />
                { format!(" {}. {}", g.number(), g.title()) }
            </label>
        }
    });

    html! {
    <form class="conformance-form" onsubmit={on_run}>
        <label for="conformance-target">{ "Your server" }</label>
        <input id="conformance-target" type="url" inputmode="url" spellcheck="false" value={query.target.clone()} oninput={on_target} />
        <fieldset class="groups">
            <legend>{ "Case groups" }</legend>
            { for groups }
        </fieldset>
        <label for="conformance-ids">{ "Or only these case ids (such as 7.3.* or 1.1.1, 1.2.4)" }</label>
        <input id="conformance-ids" type="text" spellcheck="false" value={query.ids.clone()} oninput={on_ids} />
        <details>
            <summary>{ "Where the cases run from" }</summary>
            <label for="conformance-server">{ "wslab-echo's /probe" }</label>
            <input id="conformance-server" type="url" spellcheck="false" value={query.server.clone()} oninput={on_server} />
        </details>
        <div class="actions">
            <button id="conformance-run" type="submit" disabled={running}>{ "Run" }</button>
            <button id="conformance-cancel" type="button" disabled={!running} onclick={on_cancel}>{ "Cancel" }</button>
        </div>
        <p class="hint">{ "The same cases on the command line: " }<code id="conformance-command">{ query.command() }</code></p>
    </form>
    }
}

/// Props of [`ClientForm`].
#[derive(Properties, PartialEq)]
pub struct ClientFormProps {
    /// The agent name and wslab-echo's address, as in the URL.
    pub query: UseReducerHandle<QueryState<ConformanceQuery>>,
    /// The run is being watched.
    pub watching: bool,
    /// Watch was pressed.
    pub on_watch: Callback<()>,
    /// Stop was pressed.
    pub on_stop: Callback<()>,
    /// "Test this browser" was pressed, with the cases to run ("all", "N", "N-M").
    pub on_browser: Callback<String>,
    /// How the browser run stands, in a sentence (empty: none).
    pub browser_line: String,
}

/// The client tab's form: the name a client runs under, where it connects,
/// and the watch of its run.
#[function_component(ClientForm)]
pub fn client_form(props: &ClientFormProps) -> Html {
    let query = &props.query;
    let on_agent = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let mut q = query.0.clone();
            q.agent = Some(value_of(&e));
            query.dispatch(q);
        })
    };
    let on_server = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let mut q = query.0.clone();
            q.server = value_of(&e);
            query.dispatch(q);
        })
    };
    let on_watch = props.on_watch.reform(|e: SubmitEvent| e.prevent_default());
    let on_stop = props.on_stop.reform(|_: MouseEvent| ());
    let agent = query.agent.clone().unwrap_or_default();
    let range = use_state(|| "all".to_owned());
    let on_range = {
        let range = range.clone();
        Callback::from(move |e: InputEvent| range.set(value_of(&e)))
    };
    let on_browser = {
        let (range, on_browser) = (range.clone(), props.on_browser.clone());
        Callback::from(move |_: MouseEvent| on_browser.emit((*range).clone()))
    };
    html! {
    <form class="conformance-form" onsubmit={on_watch}>
        <label for="client-agent">{ "Your client's name (its agent name: 1–64 letters, digits, space and .-_~+/)" }</label>
        <input id="client-agent" type="text" spellcheck="false" maxlength="64" value={agent} oninput={on_agent} />
        <p>{ "Point your client at each case in turn, from case 1 to the number " }<code>{ format!("{}/getCaseCount", query.echo_base()) }</code>{ " sends (a text message), and have it echo every text and binary message it receives:" }</p>
        <pre class="wire-text" id="client-run-url">{ query.run_case_url("N") }</pre>
        <p class="hint">{ "These are the URLs of Autobahn|Testsuite's fuzzingserver: a client driver written for it runs unchanged. wslab-echo sends each case's frames, answers Pings and Close, and judges what your client does, by the same rules as the server tab, quoted from RFC 6455. Results are kept by name for an hour: choose a name of your own." }</p>
        <details>
            <summary>{ "Where wslab-echo is" }</summary>
            <label for="client-server">{ "wslab-echo's /probe" }</label>
            <input id="client-server" type="url" spellcheck="false" value={query.server.clone()} oninput={on_server} />
        </details>
        <div class="actions">
            <button id="client-watch" type="submit" disabled={props.watching}>{ "Watch this name's results" }</button>
            <button id="client-stop" type="button" disabled={!props.watching} onclick={on_stop}>{ "Stop watching" }</button>
        </div>
        <fieldset class="browser-run">
            <legend>{ "Test this browser" }</legend>
            <p class="hint">{ "Runs the cases with this page's own WebSocket, echoing every message, under the name above: you see how your browser's client reacts to a masked server frame, bad UTF-8 or a 126-byte Ping. A page never sees frames, so the verdicts come from wslab-echo; the line below shows how each case's close event looked to the page as the run goes." }</p>
            <label for="client-browser-cases">{ "Cases (all, N or N-M)" }</label>
            <input id="client-browser-cases" type="text" spellcheck="false" value={(*range).clone()} oninput={on_range} />
            <div class="actions">
                <button id="client-browser-run" type="button" onclick={on_browser}>{ "Test this browser" }</button>
            </div>
            <p id="client-browser-status" role="status" aria-live="polite">{ props.browser_line.clone() }</p>
        </fieldset>
    </form>
    }
}
