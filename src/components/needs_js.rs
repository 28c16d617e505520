//! The notice a lab shows when JavaScript is off.

use yew::prelude::*;

/// Props of [`NeedsJs`].
#[derive(Properties, PartialEq)]
pub struct NeedsJsProps {
    /// What on the page needs JavaScript, and why, in one sentence.
    pub what: AttrValue,
}

/// A notice inside `<noscript>`: shown only when JavaScript is off (the
/// prerendered page is all such a reader gets), invisible otherwise.
#[function_component(NeedsJs)]
pub fn needs_js(props: &NeedsJsProps) -> Html {
    html! {
        <noscript>
            <p class="notice needs-js">
                { props.what.clone() }
                { " Turn on JavaScript to use it; the text of the page reads without it." }
            </p>
        </noscript>
    }
}
