//! The live connection page.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{EchoProbe, LiveFor};
use crate::route::Route;

/// A real WebSocket from this page to an echo server.
#[function_component(Live)]
pub fn live() -> Html {
    let query = use_location().and_then(|l| l.query::<LiveFor>().ok());
    html! {
        <article>
            <h1>{ Route::Live.title() }</h1>
            <p class="lead">{ Route::Live.summary() }</p>
            if let Some(LiveFor { url }) = query {
                <EchoProbe {url} />
            } else {
                <EchoProbe />
            }
        </article>
    }
}
