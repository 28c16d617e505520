//! A build's stand-in for a page another build holds (`route::Build`). Links
//! between builds load pages, and `assets/boot.js` starts the build that holds
//! each path, so this shows only if the two ever disagree (a stale cached
//! boot.js, say): it reloads once, and says what is wrong if that fails.

use yew::prelude::*;

use crate::route::{Build, Route};
use crate::services::browser;

/// Props of [`Handoff`].
#[derive(Properties, PartialEq)]
pub struct HandoffProps {
    /// The page the learner asked for.
    pub route: Route,
    /// The build that is running.
    pub from: Build,
}

/// Shows the page's title and reloads the address bar's URL (with its query),
/// for `assets/boot.js` to start the build that holds the page. (Only the
/// title: a summary for every page would be text each build carries for a
/// screen that shows for a moment, if ever.)
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
            if *stuck {
                <p class="notice" role="alert">
                    { format!(
                        "This page needs another build of wslab ({0}.js and {0}_bg.wasm), \
                         but the server started {1}.js again. Check that the host \
                         serves boot.js unchanged from the same build as this page.",
                        Build::of(props.route).bin(),
                        props.from.bin()
                    ) }
                </p>
            } else {
                <p role="status">{ "Loading the lab…" }</p>
            }
        </article>
    }
}
