//! Browser tests: the app's components mounted in headless Chromium
//! (wasm-bindgen-test), inspected through the real DOM.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast as _;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, window};
use yew::prelude::*;
use yew_router::history::{AnyHistory, MemoryHistory};
use yew_router::prelude::*;

use wslab::app::Shell;
use wslab::route::Route;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Properties, PartialEq)]
struct AtProps {
    path: AttrValue,
}

/// The app's shell at a chosen path, in a router of its own.
#[function_component(At)]
fn at(props: &AtProps) -> Html {
    let history = AnyHistory::from(MemoryHistory::with_entries(vec![props.path.to_string()]));
    html! {
        <Router {history}>
            <Shell />
        </Router>
    }
}

/// Mounts the shell at `path` in a fresh element and lets Yew render it.
async fn mount(path: &'static str) -> Element {
    let document = window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    yew::Renderer::<At>::with_root_and_props(host.clone(), AtProps { path: path.into() }).render();
    // Yew renders on the next tick of the event loop.
    gloo_timers::future::TimeoutFuture::new(0).await;
    host
}

fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn start_page_shows_accept_key_computed_by_the_core() {
    let root = mount("/").await;
    assert_eq!(text_of(&root, "h1"), "WebSocket protocol basics");
    assert_eq!(
        text_of(&root, "#home-accept"),
        wire::handshake::accept_key("dGhlIHNhbXBsZSBub25jZQ==")
    );
}

#[wasm_bindgen_test]
async fn navigation_lists_every_chapter_route_and_marks_the_current_one() {
    let root = mount("/frames").await;
    let links = root.query_selector_all(".chapter-nav a").unwrap();
    assert_eq!(links.length() as usize, Route::CHAPTER.len());
    assert_eq!(
        text_of(&root, ".chapter-nav a.active"),
        Route::Frames.title()
    );
    assert_eq!(text_of(&root, "main h1"), Route::Frames.title());
}

#[wasm_bindgen_test]
async fn unknown_path_shows_not_found() {
    let root = mount("/no/such/page").await;
    assert_eq!(text_of(&root, "main h1"), Route::NotFound.title());
}

#[wasm_bindgen_test]
async fn live_page_offers_the_local_echo_server() {
    let root = mount("/live").await;
    let input = root
        .query_selector("#echo-url")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap();
    assert_eq!(input.value(), wslab::components::DEFAULT_ECHO_URL);
    assert_eq!(text_of(&root, "#echo-status"), "not connected");
}
