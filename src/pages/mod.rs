//! One component per page.

mod conformance;
mod frames;
mod handoff;
mod handshake;
mod home;
mod illustrated;
mod lesson_page;
mod lifecycle;
mod live;
mod not_found;
mod quiz;
mod uris;

pub use crate::state::frames::FramesQuery;
pub use crate::state::handshake::{HandshakeQuery, RFC_KEY, rfc_request};
pub use conformance::Conformance;
pub use frames::Frames;
pub use handoff::Handoff;
pub use handshake::Handshake;
pub use home::Home;
pub use illustrated::Illustrated;
pub use lesson_page::{LessonPage, LessonPageProps};
pub use lifecycle::{CloseBuilder, Lifecycle};
pub use live::{CHALLENGE_URL, Live, default_echo_url, presets};
pub use not_found::NotFound;
pub use quiz::Quiz;
pub use uris::{UriQuery, Uris};
