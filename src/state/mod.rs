//! App-wide state: pure data and reducers, each tested natively. Storage
//! and the URL are written in effects (`app.rs`, `hooks`), never in a reducer.

use std::rc::Rc;

pub mod conformance;
pub mod console;
pub mod frames;
pub mod handshake;
pub mod illustrated;
pub mod json;
pub mod progress;
pub mod theme;

/// Shared bytes compared by identity, so passing a megabyte as a prop is cheap.
#[derive(Clone, Debug, Default)]
pub struct Bytes(pub Rc<Vec<u8>>);

impl PartialEq for Bytes {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Bytes(Rc::new(v))
    }
}
