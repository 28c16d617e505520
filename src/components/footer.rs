//! The site footer.

use yew::prelude::*;

/// The footer on every page.
#[function_component(Footer)]
pub fn footer() -> Html {
    html! {
        <footer class="site-footer">
            <p>
                { "wslab follows " }
                <cite>{ "RFC 6455, The WebSocket Protocol" }</cite>
                { ". Every value on these pages is computed as you watch." }
            </p>
        </footer>
    }
}
