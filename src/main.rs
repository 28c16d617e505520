//! Mounts the full app (every page). Everything else lives in the library so
//! tests can reach it.

fn main() {
    wslab::app::start::<wslab::app::Full>();
}
