//! Keeps a page's state in its URL, so a link reproduces what the learner saw.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use serde::Serialize;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

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
    Q: Serialize + PartialEq + Clone + Default + 'static,
{
    let navigator = use_navigator();
    let pending: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let too_long = use_state(|| false);
    {
        let too_long = too_long.clone();
        use_effect_with(query, move |query: &Q| {
            let size = serde_urlencoded_len(query);
            let long = size > MAX_LINK;
            if *too_long != long {
                too_long.set(long);
            }
            let query = if long { Q::default() } else { query.clone() };
            let timeout = Timeout::new(QUIET_MS, move || {
                if let Some(nav) = navigator {
                    let _ = nav.replace_with_query(&route, &query);
                }
            });
            // Dropping the previous timeout cancels it.
            *pending.borrow_mut() = Some(timeout);
        });
    }
    *too_long
}

/// The length of the query once URL-encoded.
fn serde_urlencoded_len<Q: Serialize>(query: &Q) -> usize {
    serde_urlencoded::to_string(query)
        .map(|s| s.len())
        .unwrap_or(usize::MAX)
}
