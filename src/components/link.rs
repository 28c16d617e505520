//! Links between the app's pages, the same in both builds.
//!
//! A [`Link`] is a plain `<a href>`. In the full build the shell provides
//! [`Spa`] (yew-router's navigator), and a plain click moves in the page
//! instead; the live build's `InPageShell` provides one that moves between
//! its own two pages and loads any other. The other builds provide none, so
//! their links load the next page, which the host serves prerendered; they
//! link no router at all.

use yew::prelude::*;
use yew_router::Routable;

use crate::route::Route;

/// How a build moves to a page (and an encoded query) when a link is
/// followed: in the page where it can (see the module's documentation).
#[derive(Clone, PartialEq)]
pub struct Spa(pub Callback<(Route, Option<AttrValue>)>);

/// The page the frame shows (none: the path names no page).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct CurrentRoute(pub Option<Route>);

/// The page the frame shows, for components that mark it (the navigation).
#[hook]
pub fn use_current_route() -> Option<Route> {
    use_context::<CurrentRoute>().and_then(|c| c.0)
}

/// Props of [`Link`].
#[derive(Properties, PartialEq)]
pub struct LinkProps {
    /// The page linked to.
    pub to: Route,
    /// A query, already encoded (`lesson=frames`).
    #[prop_or_default]
    pub query: Option<AttrValue>,
    /// CSS classes of the anchor.
    #[prop_or_default]
    pub classes: Classes,
    /// The link's content.
    #[prop_or_default]
    pub children: Html,
}

/// The address of page `to` with an encoded query (none when empty).
pub fn href(to: Route, query: Option<&str>) -> String {
    match query {
        Some(query) if !query.is_empty() => format!("{}?{query}", to.to_path()),
        _ => to.to_path(),
    }
}

/// A link to one of the app's pages.
#[function_component(Link)]
pub fn link(props: &LinkProps) -> Html {
    let href = href(props.to, props.query.as_deref());
    let onclick = use_context::<Spa>().map(|spa| {
        let (to, query) = (props.to, props.query.clone());
        Callback::from(move |e: MouseEvent| {
            // Modified and middle clicks keep their meaning (a new tab or window).
            if e.button() == 0 && !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key()) {
                e.prevent_default();
                spa.0.emit((to, query.clone()));
            }
        })
    });
    html! {
        <a {href} class={props.classes.clone()} {onclick}>{ props.children.clone() }</a>
    }
}
