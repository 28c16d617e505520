//! Links between the app's pages, the same in both builds.
//!
//! A [`Link`] is a plain `<a href>`. In the full build the frame provides
//! [`Spa`], and a plain click moves in the page instead (history
//! `pushState`, then a `popstate` event, which yew-router's history listens
//! to). The reader build provides none, so its links load the next page,
//! which the host serves prerendered; it links no router at all.

use yew::prelude::*;
use yew_router::Routable;

use crate::route::Route;

/// How the full build moves to a URL without loading a page.
#[derive(Clone, Copy)]
pub struct Spa(pub fn(&str));

impl PartialEq for Spa {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::fn_addr_eq(self.0, other.0)
    }
}

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

/// A link to one of the app's pages.
#[function_component(Link)]
pub fn link(props: &LinkProps) -> Html {
    let href = match &props.query {
        Some(query) if !query.is_empty() => format!("{}?{query}", props.to.to_path()),
        _ => props.to.to_path(),
    };
    let onclick = use_context::<Spa>().map(|spa| {
        let href = href.clone();
        Callback::from(move |e: MouseEvent| {
            // Modified and middle clicks keep their meaning (a new tab or window).
            if e.button() == 0 && !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key()) {
                e.prevent_default();
                (spa.0)(&href);
            }
        })
    });
    html! {
        <a {href} class={props.classes.clone()} {onclick}>{ props.children.clone() }</a>
    }
}
