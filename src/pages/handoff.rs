//! The reader build's stand-in for a page only the full build holds. The
//! reader's links load pages, and `assets/boot.js` starts the full build for
//! those paths, so this shows only if the two ever disagree (a stale cached
//! boot.js, say): it reloads once, and says what is wrong if that fails.

use yew::prelude::*;

use crate::route::Route;
use crate::services::browser;

/// Props of [`Handoff`].
#[derive(Properties, PartialEq)]
pub struct HandoffProps {
    /// The page the learner asked for.
    pub route: Route,
}

/// Shows the page's title and reloads the address bar's URL (with its query),
/// for `assets/boot.js` to start the full build there.
#[function_component(Handoff)]
pub fn handoff(props: &HandoffProps) -> Html {
    let stuck = use_state(|| false);
    {
        let stuck = stuck.clone();
        use_effect_with(props.route, move |_| {
            if !browser::reload_once() {
                // Loaded once already and the reader came back: stop here.
                stuck.set(true);
            }
        });
    }
    html! {
        <article>
            <h1>{ props.route.title() }</h1>
            <p class="lead">{ props.route.summary() }</p>
            if *stuck {
                <p class="notice" role="alert">
                    { "This page needs the full build of wslab (wslab.js and wslab_bg.wasm), \
                       but the server sent the start page's build again. Check that the host \
                       serves boot.js unchanged from the same build as this page." }
                </p>
            } else {
                <p role="status">{ "Loading the lab…" }</p>
            }
        </article>
    }
}
