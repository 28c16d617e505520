//! The page for unknown paths.

use yew::prelude::*;

use crate::components::Link;

use crate::route::Route;
use crate::services::browser;

/// Says the address is unknown and offers the way back.
#[function_component(NotFound)]
pub fn not_found() -> Html {
    // Named in the tab too: a host may answer an unknown path with the start
    // page's HTML, and so its title.
    use_effect_with((), |_| {
        browser::set_title(&Route::NotFound.document_title())
    });
    html! {
        <article>
            <h1>{ Route::NotFound.title() }</h1>
            <p>{ Route::NotFound.summary() }</p>
            <p><Link to={Route::Home}>{ "Back to the start" }</Link></p>
        </article>
    }
}
