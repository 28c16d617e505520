//! Mounts the reader build: the start page, the pure lessons, the lifecycle
//! (a lesson with a small lab) and the 404 page. Only what those pages use is
//! linked in, so the first page a reader opens loads a much smaller module
//! (see `Pages` in `app.rs`).

/// The page builds' small allocator (see `wslab::heap`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: wslab::heap::WasmHeap = wslab::heap::WasmHeap::new();

fn main() {
    wslab::app::start::<wslab::app::Reader>();
}
