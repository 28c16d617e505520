//! Mounts the quiz build: the questions and exercises (`/quiz`) with the
//! page frame, and nothing else (see `route::Build`), so the page loads a
//! module of its own instead of the full build.

fn main() {
    wslab::app::start::<wslab::app::QuizPages>();
}
