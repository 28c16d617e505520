//! The page for unknown paths.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

/// Says the address is unknown and offers the way back.
#[function_component(NotFound)]
pub fn not_found() -> Html {
    html! {
        <article>
            <h1>{ Route::NotFound.title() }</h1>
            <p>{ Route::NotFound.summary() }</p>
            <p><Link<Route> to={Route::Home}>{ "Back to the start" }</Link<Route>></p>
        </article>
    }
}
