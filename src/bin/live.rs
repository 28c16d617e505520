//! Mounts the live build: the live connection and the illustrated session
//! (`/live`, `/illustrated`) with the page frame, and nothing else (see
//! `route::Build`). It keeps the standard allocator: a live session moves
//! megabytes.

fn main() {
    wslab::app::start::<wslab::app::LivePages>();
}
