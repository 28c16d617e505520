//! Reusable hooks.

mod live_connection;
mod url_state;

pub use live_connection::{
    CloseRequest, ConnectOptions, LiveConnection, url_with_session, use_live_connection, watchable,
    without_deflate,
};
pub use url_state::use_url_state;
