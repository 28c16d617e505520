//! The app's teaching text, kept as data so that view code stays about layout.

pub mod headers;
