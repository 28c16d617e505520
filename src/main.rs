//! Mounts the app. Everything else lives in the library so tests can reach it.

fn main() {
    yew::Renderer::<wslab::App>::new().render();
}
