//! One component per page.

mod frames;
mod handshake;
mod home;
mod live;
mod not_found;
mod placeholder;
mod uris;

pub use frames::{Frames, FramesQuery};
pub use handshake::{Handshake, HandshakeQuery, rfc_request};
pub use home::Home;
pub use live::Live;
pub use not_found::NotFound;
pub use placeholder::Placeholder;
pub use uris::{UriQuery, Uris};
