//! The chapter navigation.

use yew::prelude::*;

use crate::components::Link;
use crate::components::link::use_current_route;

use crate::route::Route;

/// The id of the navigation's list (which scrolls sideways on a phone).
pub const LIST_ID: &str = "chapter-list";

/// The list of lessons and labs, with the current one marked.
#[function_component(Nav)]
pub fn nav() -> Html {
    let current = use_current_route();
    html! {
        <nav class="chapter-nav" aria-label="Chapter">
            <ol id={LIST_ID}>
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
