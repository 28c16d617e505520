//! Mounts the quiz build: the questions and exercises (`/quiz`) with the
//! page frame, and nothing else (see `route::Build`), so the page loads a
//! module of its own instead of the full build.

/// The page builds' small allocator (see `wslab::heap`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: wslab::heap::WasmHeap = wslab::heap::WasmHeap::new();

fn main() {
    wslab::app::start::<wslab::app::QuizPages>();
}
