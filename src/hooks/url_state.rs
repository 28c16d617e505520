//! Keeps a page's state in its URL, so a link reproduces what the learner saw.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;
use crate::services::browser;
use crate::state::UrlState;
use crate::state::query::{self, QueryForm};

/// How long typing must pause before the address bar is rewritten. Writing it
/// on every keystroke would re-render the page a second time per keystroke.
const QUIET_MS: u32 = 250;

/// Links longer than this are not written to the address bar.
pub const MAX_LINK: usize = 6000;

/// Writes `query` into the URL of `route` once changes pause (history
/// *replace*, so typing does not fill the back button). When the encoded query
/// would exceed [`MAX_LINK`], the URL falls back to the bare route; the
/// returned flag says so, for the page to tell the learner.
#[hook]
pub fn use_url_state<Q>(route: Route, query: Q) -> bool
where
    Q: QueryForm,
{
    let pending: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let too_long = use_state(|| false);
    {
        let too_long = too_long.clone();
        use_effect_with(query, move |query: &Q| {
            let size = query::write(query).len();
            let long = size > MAX_LINK;
            if *too_long != long {
                too_long.set(long);
            }
            let query = if long { Q::default() } else { query.clone() };
            // Written straight into the address bar, in every build: nothing
            // reads the query back while the page is open (its state is in
            // the reducer), so the router need not hear of it, and the page
            // builds, which have no router, link none of its history code.
            let timeout = Timeout::new(QUIET_MS, move || {
                let query = query::write(&query);
                let path = route.to_path();
                browser::replace_address(&if query.is_empty() {
                    path
                } else {
                    format!("{path}?{query}")
                });
            });
            // Dropping the previous timeout cancels it.
            *pending.borrow_mut() = Some(timeout);
        });
    }
    *too_long
}

/// A page's reducer, started from the URL's query and written back to it
/// (see [`use_url_state`]). Returns the handle, and whether the state is too
/// long for the address bar.
#[hook]
pub fn use_url_reducer<S: UrlState>(route: Route) -> (UseReducerHandle<S>, bool) {
    let query = use_query::<S::Query>();
    let state = use_reducer(|| S::from_query(query));
    let too_long = use_url_state(route, state.query());
    (state, too_long)
}

/// The address's query, without its `?`: from the router where there is one
/// (the full build, and the prerenderer's address), else from the address
/// bar (a build whose links load pages).
#[hook]
pub fn use_query_str() -> String {
    let search = match use_location() {
        Some(location) => location.query_str().to_owned(),
        None => browser::location_search(),
    };
    search.trim_start_matches('?').to_owned()
}

/// The address's query read as `Q` (see [`use_query_str`] and
/// [`query::read`]).
#[hook]
pub fn use_query<Q: QueryForm>() -> Q {
    query::read(&use_query_str())
}

/// Once, when the page opens: brings the element `target` names into view
/// and focuses it — where a link that sets a lab's state lands, instead of
/// the top of the lesson.
#[hook]
pub fn use_landing(target: Option<&'static str>) {
    use_effect_with((), move |_| {
        if let Some(id) = target {
            // After this render's effects: the app's own shows it (it
            // renders hidden over the prerendered page), and a hidden
            // element can be neither scrolled to nor focused.
            Timeout::new(0, move || land(id, LANDING_TRIES)).forget();
        }
    });
}

/// How often a landing looks again for a target still waiting for its code
/// (`components::later`), every [`LANDING_STEP_MS`]: ten seconds in all.
const LANDING_TRIES: u32 = 200;
const LANDING_STEP_MS: u32 = 50;

/// Scrolls to `id` and focuses it; a target whose part is still waiting
/// for its code is scrolled to at once (its prerendered copy sits where it
/// will be) and focused once it can be.
fn land(id: &'static str, tries: u32) {
    if browser::focusable(id) || tries == 0 {
        browser::bring_into_view(id);
        return;
    }
    if tries == LANDING_TRIES
        && let Some(el) = browser::element(id)
    {
        el.scroll_into_view_with_bool(true);
    }
    Timeout::new(LANDING_STEP_MS, move || land(id, tries - 1)).forget();
}

/// Lands on the element `target` names when the address bar's query sets
/// anything: a link to a lab's state opens at that lab.
#[hook]
pub fn use_linked_landing(target: &'static str) {
    let linked = !use_query_str().is_empty();
    use_landing(linked.then_some(target));
}
