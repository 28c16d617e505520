//! Mounts the handshake build: the opening handshake, URIs and the lifecycle
//! (`/handshake`, `/uris`, `/lifecycle`) with the page frame, and nothing
//! else (see `route::Build`).

fn main() {
    wslab::app::start::<wslab::app::HandshakePages>();
}
