//! One component per page.

mod frames;
mod handshake;
mod home;
mod lesson_page;
mod lifecycle;
mod live;
mod not_found;
mod quiz;
mod uris;

pub use frames::{Frames, FramesQuery};
pub use handshake::{Handshake, HandshakeQuery, rfc_request};
pub use home::Home;
pub use lesson_page::{LessonPage, LessonPageProps};
pub use lifecycle::{CloseBuilder, Lifecycle, StateDiagram, StateDiagramProps};
pub use live::{DEFAULT_ECHO_URL, Live, PRESETS};
pub use not_found::NotFound;
pub use quiz::Quiz;
pub use uris::{UriQuery, Uris};
