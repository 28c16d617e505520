//! Mounting the app's shell in the test page's DOM, shared by the browser
//! tests and the browser benchmarks.
#![allow(dead_code)]

use web_sys::{Element, window};
use yew::prelude::*;
use yew_router::history::{AnyHistory, History, MemoryHistory};
use yew_router::prelude::*;

use wslab::app::Shell;

#[derive(Properties, PartialEq)]
pub struct AtProps {
    path: AttrValue,
}

/// The app's shell at a chosen path, in a router of its own.
#[function_component(At)]
pub fn at(props: &AtProps) -> Html {
    // A query in the path goes through push_with_query, as the router parses it.
    let history = use_memo(props.path.clone(), |path| {
        let (route, query) = path.split_once('?').unwrap_or((path.as_str(), ""));
        let history = AnyHistory::from(MemoryHistory::with_entries(vec![route.to_owned()]));
        if !query.is_empty() {
            let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
            history.replace_with_query(route, pairs).unwrap();
        }
        history
    });
    let history = (*history).clone();
    html! {
        <Router {history}>
            <Shell />
        </Router>
    }
}

/// Mounts the shell at `path` in a fresh element and lets Yew render it.
pub async fn mount(path: &'static str) -> Element {
    let document = window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    yew::Renderer::<At>::with_root_and_props(host.clone(), AtProps { path: path.into() }).render();
    settle().await;
    host
}

/// Mounts component `C` (no props) in a fresh element, for the browser
/// tests of a single component.
pub fn mount_root<C: BaseComponent<Properties = ()>>() -> Element {
    let document = window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    yew::Renderer::<C>::with_root(host.clone()).render();
    host
}

/// Waits until `ready` holds, letting Yew render between looks: on a busy
/// machine a render may take more than a few turns of the event loop. Only
/// a real hang reaches the 30 s deadline.
pub async fn until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = js_sys::Date::now() + 30_000.0;
    while !ready() {
        assert!(js_sys::Date::now() < deadline, "gave up waiting for {what}");
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
}

/// Lets Yew finish rendering, and the effects a render schedules.
pub async fn settle() {
    for _ in 0..3 {
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
}
