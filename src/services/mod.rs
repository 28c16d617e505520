//! The only code that talks to the network. Components call these services and
//! never touch `web_sys::WebSocket` themselves.

pub mod socket;
