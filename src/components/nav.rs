//! The chapter navigation.

use yew::prelude::*;

use crate::components::Link;
use crate::components::link::use_current_route;

use crate::route::Route;

/// The list of lessons and labs, with the current one marked.
#[function_component(Nav)]
pub fn nav() -> Html {
    let current = use_current_route();
    html! {
        <nav class="chapter-nav" aria-label="Chapter">
            <ol>
                { for Route::CHAPTER.iter().map(|&route| {
                    let active = current == Some(route);
                    html! {
                        <li>
                            <Link to={route} classes={classes!(active.then_some("active"))}>
                                { route.title() }
                            </Link>
                        </li>
                    }
                }) }
            </ol>
        </nav>
    }
}
