//! Sec-WebSocket-Accept, step by step, from any key (RFC 6455 §4.2.2).

use crate::components::form::value_of;
use yew::prelude::*;

use crate::components::CopyButton;
use wire::handshake::{GUID, KeyError, accept_steps, decode_key};

/// Props of [`AcceptCalculator`].
#[derive(Properties, PartialEq)]
pub struct AcceptCalculatorProps {
    /// The key to compute from.
    pub key_text: AttrValue,
    /// An accept value to check against the key ("check" mode); may be empty.
    pub claimed: AttrValue,
    /// Called with a new key (typed, or "new random key").
    pub on_key: Callback<String>,
    /// Called with a new accept value to check.
    pub on_claimed: Callback<String>,
    /// Puts the key into the request.
    pub on_use_key: Callback<()>,
    /// Asks for a fresh random key.
    pub on_random: Callback<()>,
}

/// Shows the key, key + GUID, the SHA-1 digest and its base64.
#[function_component(AcceptCalculator)]
pub fn accept_calculator(props: &AcceptCalculatorProps) -> Html {
    let steps = accept_steps(&props.key_text);
    let digest_hex: String = steps
        .sha1
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ");
    let key_verdict = match decode_key(&props.key_text) {
        Ok(bytes) => html! {
            <p class="ok-text" id="accept-key-verdict">{ format!("A valid key: {} random bytes, base64-encoded.", bytes.len()) }</p>
        },
        // RFC 4648 §3.5 lets a decoder *choose* to refuse non-zero pad bits:
        // servers differ, and the page says so rather than calling one right.
        Err(e @ KeyError::NonCanonical { .. }) => html! {
            <p class="bad-text" id="accept-key-verdict">
                { format!("{e}. Read leniently it is still 16 bytes, so servers differ: a lenient one accepts it and hashes the text as sent; a strict one answers 400 Bad Request (§4.2.1 item 5), because RFC 4648 §3.5 lets a decoder refuse non-zero pad bits. wslab-echo is strict, so that a key no client generates is named as such. The steps below hash the text as sent, as a lenient server would.") }
            </p>
        },
        Err(e) => html! {
            <p class="bad-text" id="accept-key-verdict">
                { format!("{e}. A server that checks the key never gets as far as the hash: it answers 400 Bad Request (§4.2.1 item 5). The steps below show what the hash of this text would be, for comparison.") }
            </p>
        },
    };
    let on_key = props.on_key.reform(|e: InputEvent| value_of(&e));
    let on_claimed = props.on_claimed.reform(|e: InputEvent| value_of(&e));
    let claimed = props.claimed.trim();
    let check = if claimed.is_empty() {
        html! {}
    } else if claimed == steps.accept {
        html! { <p class="ok-text" id="accept-check">{ "They match: a client accepts this value." }</p> }
    } else {
        html! {
            <p class="bad-text" id="accept-check">
                { format!("They do not match: for this key the value must be {}. A browser refuses the connection.", steps.accept) }
            </p>
        }
    };
    html! {
        <section class="card" aria-labelledby="accept-title">
            <h2 id="accept-title">{ "Sec-WebSocket-Accept, step by step" }</h2>
            <div class="row">
                <label for="accept-key">{ "Key" }</label>
                <input id="accept-key" type="text" value={props.key_text.clone()} oninput={on_key}
                    spellcheck="false" autocomplete="off" />
                <button type="button" id="accept-random" onclick={props.on_random.reform(|_| ())}>{ "New random key" }</button>
                <button type="button" id="accept-use" onclick={props.on_use_key.reform(|_| ())}>{ "Use in the request" }</button>
            </div>
            { key_verdict }
            <ol class="steps">
                <li>
                    <span class="step-name">{ "1. The key, as text (not decoded)" }</span>
                    <code id="accept-step-key">{ &steps.key }</code>
                    <CopyButton text={steps.key.clone()} what="the key" />
                </li>
                <li>
                    <span class="step-name">{ "2. Append the GUID " }<code>{ GUID }</code></span>
                    <code id="accept-step-concat">{ &steps.concatenated }</code>
                    <CopyButton text={steps.concatenated.clone()} what="the key with the GUID" />
                </li>
                <li>
                    <span class="step-name">{ "3. SHA-1 of those bytes: 20 bytes" }</span>
                    <code id="accept-step-sha1">{ &digest_hex }</code>
                    <CopyButton text={digest_hex.clone()} what="the SHA-1 digest" />
                </li>
                <li>
                    <span class="step-name">{ "4. base64 of the digest: the header's value" }</span>
                    <code id="accept-value">{ &steps.accept }</code>
                    <CopyButton text={steps.accept.clone()} what="the accept value" />
                </li>
            </ol>
            <div class="row">
                <label for="accept-claimed">{ "Check a value" }</label>
                <input id="accept-claimed" type="text" value={props.claimed.clone()} oninput={on_claimed}
                    placeholder="paste a Sec-WebSocket-Accept value" spellcheck="false" autocomplete="off" />
            </div>
            { check }
        </section>
    }
}
