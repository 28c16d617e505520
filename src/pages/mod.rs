//! One component per page.

mod home;
mod live;
mod not_found;
mod placeholder;

pub use home::Home;
pub use live::Live;
pub use not_found::NotFound;
pub use placeholder::Placeholder;
