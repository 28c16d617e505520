//! Mounts the frame build: the frame lab (`/frames`) with the page frame,
//! and nothing else (see `route::Build`). It keeps the standard allocator:
//! the decoder takes megabytes of pasted hex, again at every edit.

fn main() {
    wslab::app::start::<wslab::app::FramesPages>();
}
