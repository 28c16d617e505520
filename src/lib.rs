//! wslab: an interactive WebSocket protocol lab, built with Yew.
//!
//! The binaries only mount [`App`] (`main.rs`: every page; `bin/reader.rs`:
//! the small first-load build) or render it to HTML (`bin/prerender.rs`);
//! components live here so that the wasm-bindgen tests in `tests/web.rs` can
//! mount and inspect them.

pub mod app;
pub mod components;
pub mod content;
pub mod heap;
pub mod hooks;
#[cfg(not(target_arch = "wasm32"))]
pub mod minify;
pub mod pages;
pub mod prerender;
pub mod route;
pub mod services;
#[cfg(not(target_arch = "wasm32"))]
pub mod split;
pub mod state;

pub use app::App;
