//! The illustrated session's sources: the live console hands its captured
//! session over (through the app's [`Handover`] context) before it opens
//! `/illustrated`; links carry one in the URL fragment (`#s=…`, never sent to
//! any server).

use std::cell::RefCell;
use std::rc::Rc;

use wire::session::Session;

/// The longest link fragment offered for sharing, in characters: longer
/// sessions are downloaded as files instead.
pub const MAX_LINK: usize = 8000;

/// The app's hand-over slot: the live console puts its session in, the next
/// `/illustrated` page takes it out. One per app (the full build's shell
/// provides it), so it lives as long as the page does and no longer.
#[derive(Clone, Default)]
pub struct Handover(Rc<RefCell<Option<Session>>>);

impl PartialEq for Handover {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Handover {
    /// Keeps `session` for the next `/illustrated` page to show.
    pub fn put(&self, session: Session) {
        *self.0.borrow_mut() = Some(session);
    }

    /// Takes the session handed over, if any.
    pub fn take(&self) -> Option<Session> {
        self.0.borrow_mut().take()
    }
}

/// The session a URL fragment such as `#s=…` carries, if it carries one.
pub fn from_fragment(hash: &str) -> Option<Result<Session, String>> {
    let text = hash.strip_prefix('#').unwrap_or(hash).strip_prefix("s=")?;
    Some(Session::from_link(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handed_over_session_is_taken_once() {
        let slot = Handover::default();
        assert_eq!(slot.take(), None);
        slot.put(wire::session::example());
        assert_eq!(slot.clone().take(), Some(wire::session::example()));
        assert_eq!(slot.take(), None);
    }

    #[test]
    fn fragments_carry_sessions() {
        let link = wire::session::example().to_link();
        assert_eq!(
            from_fragment(&format!("#s={link}")).unwrap().unwrap(),
            wire::session::example()
        );
        assert!(from_fragment("#other").is_none());
        assert!(from_fragment("#s=%%").unwrap().is_err());
    }
}
