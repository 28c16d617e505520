//! Reusable components, one per file.

mod echo_probe;
mod footer;
mod header;
mod nav;

pub use echo_probe::{DEFAULT_ECHO_URL, EchoProbe, EchoProbeProps};
pub use footer::Footer;
pub use header::Header;
pub use nav::Nav;
