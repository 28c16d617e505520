//! The illustrated session's sources: the live console hands its captured
//! session over here before it opens `/illustrated`; links carry one in the
//! URL fragment (`#s=…`, never sent to any server).

use std::cell::RefCell;

use wire::session::Session;
use wire::tap::Direction;

use crate::state::console::Console;

/// The longest link fragment offered for sharing, in characters: longer
/// sessions are downloaded as files instead.
pub const MAX_LINK: usize = 8000;

thread_local! {
    static HANDED_OVER: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Keeps `session` for the next `/illustrated` page to show.
pub fn hand_over(session: Session) {
    HANDED_OVER.with(|h| *h.borrow_mut() = Some(session));
}

/// Takes the session the live console handed over, if any.
pub fn take_handed_over() -> Option<Session> {
    HANDED_OVER.with(|h| h.borrow_mut().take())
}

/// The session the live console's tap captured: the handshake as the server
/// read and wrote it, then every frame's exact bytes, in order.
pub fn from_console(console: &Console) -> Option<Session> {
    let handshake = console.handshake.as_ref()?;
    let mut pieces: Vec<(Direction, u32, &[u8])> = vec![
        (Direction::FromClient, 0, handshake.request.as_bytes()),
        (Direction::FromServer, 0, handshake.response.as_bytes()),
    ];
    pieces.extend(
        console
            .frames
            .iter()
            .map(|f| (f.from, f.t_ms, f.raw.as_slice())),
    );
    Some(Session::from_streams(pieces))
}

/// The session a URL fragment such as `#s=…` carries, if it carries one.
pub fn from_fragment(hash: &str) -> Option<Result<Session, String>> {
    let text = hash.strip_prefix('#').unwrap_or(hash).strip_prefix("s=")?;
    Some(Session::from_link(text))
}
