//! A lesson whose content has not been written yet.

use yew::prelude::*;

use crate::route::Route;

/// Props of [`Placeholder`].
#[derive(Properties, PartialEq)]
pub struct PlaceholderProps {
    /// The route whose lesson this stands in for.
    pub route: Route,
}

/// Names the lesson and what it will cover.
#[function_component(Placeholder)]
pub fn placeholder(props: &PlaceholderProps) -> Html {
    html! {
        <article>
            <h1>{ props.route.title() }</h1>
            <p class="lead">{ props.route.summary() }</p>
            <p class="notice">{ "This lesson and its lab are being written." }</p>
        </article>
    }
}
