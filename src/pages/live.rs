//! The live connection page.

use serde::Deserialize;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::EchoProbe;
use crate::route::Route;

/// `/live?url=<ws url>` preselects the server.
#[derive(Deserialize, Default)]
struct LiveQuery {
    url: Option<String>,
}

/// A real WebSocket from this page to an echo server.
#[function_component(Live)]
pub fn live() -> Html {
    let query = use_location()
        .and_then(|l| l.query::<LiveQuery>().ok())
        .unwrap_or_default();
    html! {
        <article>
            <h1>{ Route::Live.title() }</h1>
            <p class="lead">{ Route::Live.summary() }</p>
            if let Some(url) = query.url {
                <EchoProbe {url} />
            } else {
                <EchoProbe />
            }
        </article>
    }
}
