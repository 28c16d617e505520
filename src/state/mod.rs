//! App-wide state: pure data and reducers. Storage happens in effects
//! (`app.rs`), never in a reducer.

pub mod console;
pub mod progress;
pub mod theme;
