//! Mounts the handshake build: the opening handshake lab (`/handshake`) with
//! the page frame, and nothing else (see `route::Build`).

/// The page builds' small allocator (see `wslab::heap`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: wslab::heap::WasmHeap = wslab::heap::WasmHeap::new();

fn main() {
    wslab::app::start::<wslab::app::HandshakePages>();
}
