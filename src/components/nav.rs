//! The chapter navigation.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

/// The list of lessons and labs, with the current one marked.
#[function_component(Nav)]
pub fn nav() -> Html {
    let current = use_route::<Route>();
    html! {
        <nav class="chapter-nav" aria-label="Chapter">
            <ol>
                { for Route::CHAPTER.iter().map(|&route| {
                    let active = current == Some(route);
                    html! {
                        <li>
                            <Link<Route> to={route} classes={classes!(active.then_some("active"))}>
                                { route.title() }
                            </Link<Route>>
                        </li>
                    }
                }) }
            </ol>
        </nav>
    }
}
