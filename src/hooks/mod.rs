//! Reusable hooks.

mod live_connection;
mod url_state;

pub use live_connection::{LiveConnection, use_live_connection};
pub use url_state::{use_landing, use_linked_landing, use_query, use_query_str, use_url_reducer};
