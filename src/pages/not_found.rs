//! The page for unknown paths.

use yew::prelude::*;

use crate::components::Link;

use crate::route::Route;

/// Says the address is unknown and offers the way back.
#[function_component(NotFound)]
pub fn not_found() -> Html {
    html! {
        <article>
            <h1>{ Route::NotFound.title() }</h1>
            <p>{ Route::NotFound.summary() }</p>
            <p><Link to={Route::Home}>{ "Back to the start" }</Link></p>
        </article>
    }
}
