//! The app's teaching text, kept as data so that view code stays about layout.

pub mod headers;
pub mod lessons;
pub mod practice;
pub mod questions;
