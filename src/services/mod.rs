//! The only code that talks to the browser's platform: the network, the
//! clipboard, randomness, the clock. Components call these services and never
//! touch `web_sys::WebSocket` or `navigator` themselves.

pub mod browser;
pub mod socket;
