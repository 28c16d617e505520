//! The live console's connect form: server, URL, subprotocols, the wire
//! view and compression switches, and what the browser reports back.

use yew::prelude::*;

use super::presets;
use crate::components::form::{checked_of, value_of};
use crate::state::console::Console;
use crate::state::live::{ConnectDraft, ConnectOptions};

/// Props of [`ConnectForm`].
#[derive(Properties, PartialEq)]
pub struct ConnectFormProps {
    /// The form's fields.
    pub draft: UseStateHandle<ConnectDraft>,
    /// Opens the connection.
    pub connect: Callback<ConnectOptions>,
    /// The connection, for its state and what the server chose.
    pub console: UseReducerHandle<Console>,
}

/// The connect form.
#[function_component(ConnectForm)]
pub fn connect_form(props: &ConnectFormProps) -> Html {
    let draft = &props.draft;
    let console = &props.console;
    // One field of the draft changed.
    let edit = |f: fn(&mut ConnectDraft, &Event)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let mut d = (*draft).clone();
            f(&mut d, &e);
            draft.set(d);
        })
    };
    let text = |f: fn(&mut ConnectDraft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let mut d = (*draft).clone();
            f(&mut d, value_of(&e));
            draft.set(d);
        })
    };
    let on_connect = {
        let (connect, draft) = (props.connect.clone(), draft.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            connect.emit(draft.options(&draft.url));
        })
    };
    let tappable = draft.tappable();
    let status = console.ready.map_or("not connected", |s| s.name());
    html! {
        <section class="card" aria-labelledby="connect-title">
            <h2 id="connect-title">{ "Connect" }</h2>
            <form onsubmit={on_connect}>
                <div class="row">
                    <label for="server-preset">{ "Server" }</label>
                    <select id="server-preset" onchange={edit(|d, e| { let v = value_of(e); if !v.is_empty() { d.url = v; } })}>
                        <option value="">{ "Choose a preset…" }</option>
                        { for presets().into_iter().map(|(label, u)| { let selected = draft.url == u; html! { <option {selected} value={u}>{ label }</option> } }) }
                    </select>
                </div>
                <div class="row">
                    <label for="echo-url">{ "URL" }</label>
                    <input id="echo-url" type="text" value={draft.url.clone()} oninput={text(|d, v| d.url = v)} spellcheck="false" autocomplete="off" />
                </div>
                <div class="row">
                    <label for="live-protocols">{ "Subprotocols" }</label>
                    <input id="live-protocols" type="text" value={draft.protocols.clone()} oninput={text(|d, v| d.protocols = v)} placeholder="e.g. chat, superchat (optional)" />
                </div>
                <div class="row">
                    <label class="check" for="live-wire"><input id="live-wire" type="checkbox" checked={draft.wire && tappable} disabled={!tappable} onchange={edit(|d, e| d.wire = checked_of(e))} />{ "Show the wire (wslab-echo only)" }</label>
                    <label for="live-ping">{ "Server pings every" }</label>
                    <input id="live-ping" type="number" min="0" class="narrow" value={draft.ping.clone()} oninput={text(|d, v| d.ping = v)} />
                    <span>{ "seconds (0: off)" }</span>
                </div>
                <div class="row">
                    <label class="check" for="live-deflate"><input id="live-deflate" type="checkbox" checked={draft.deflate || !tappable} disabled={!tappable} onchange={edit(|d, e| d.deflate = checked_of(e))} />
                        { "Let wslab-echo accept compression (permessage-deflate; off adds ?deflate=0)" }</label>
                </div>
                <div class="row">
                    <button type="submit" id="echo-connect">{ "Connect" }</button>
                    <span>{ "State: " }<strong id="echo-status">{ status }</strong></span>
                    if !console.negotiated.0.is_empty() { <span id="live-protocol">{ format!("subprotocol: {}", console.negotiated.0) }</span> }
                    if !console.negotiated.1.is_empty() { <span>{ format!("extensions: {}", console.negotiated.1) }</span> }
                </div>
            </form>
            if let Some(e) = &console.exception {
                <p class="bad-text" role="alert" id="live-exception">{ format!("The browser threw: {e}") }</p>
            }
        </section>
    }
}
