//! wslab: an interactive WebSocket protocol lab, built with Yew.
//!
//! `main.rs` only mounts [`App`]; components live here so that the
//! wasm-bindgen tests in `tests/web.rs` can mount and inspect them.

pub mod app;
pub mod components;
pub mod content;
pub mod hooks;
pub mod pages;
pub mod route;
pub mod services;
pub mod state;

pub use app::App;
