//! Mounts the conformance build: the conformance lab (`/conformance`) with
//! the page frame, and nothing else (see `route::Build`). It keeps the
//! standard allocator: a run streams reports of any length.

fn main() {
    wslab::app::start::<wslab::app::ConformancePages>();
}
