//! The site header.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

/// The banner at the top of every page.
#[function_component(Header)]
pub fn header() -> Html {
    html! {
        <header class="site-header">
            <Link<Route> to={Route::Home} classes="brand">
                <span class="brand-mark" aria-hidden="true">{ "⇄" }</span>
                { "wslab" }
            </Link<Route>>
            <span class="tagline">{ "The WebSocket protocol, down to the bit" }</span>
        </header>
    }
}
