//! The handshake lab's state (`/handshake`) and its URL form. A pure
//! reducer over text; `wire` checks and answers what it holds.

use std::rc::Rc;

use yew::prelude::*;

use crate::state::UrlState;

use wire::handshake::{check_request, set_header};

/// The key of RFC 6455 §1.3.
pub const RFC_KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

/// The lab's state, as it appears in the URL.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HandshakeQuery {
    /// The request text.
    pub req: Option<String>,
    /// The calculator's key (alone: also put in the request).
    pub key: Option<String>,
    /// The accept value to check.
    pub accept: Option<String>,
    /// The subprotocols the server speaks, comma-separated.
    pub proto: Option<String>,
    /// A server response to check as a client.
    pub resp: Option<String>,
    /// `0`: the server declines permessage-deflate.
    pub deflate: Option<u8>,
}

crate::query_form!(HandshakeQuery {
    req,
    key,
    accept,
    proto,
    resp,
    deflate
});

/// The RFC §1.3 request with a given key, built by the protocol core.
pub fn rfc_request(key: &str) -> String {
    wire::handshake::rfc_request(key)
}

/// The handshake lab's state.
#[derive(Clone, Debug, PartialEq)]
pub struct HandshakeLab {
    /// The client's opening request, as edited.
    pub request: String,
    /// The accept calculator's key.
    pub key: String,
    /// An accept value to check against the key.
    pub claimed: String,
    /// The subprotocols the server speaks, comma-separated.
    pub supported: String,
    /// A response to check as a browser would; None: the box follows the server's answer.
    pub response: Option<String>,
    /// The server accepts permessage-deflate (RFC 7692).
    pub deflate: bool,
}

impl UrlState for HandshakeLab {
    type Query = HandshakeQuery;

    /// The state a URL's query describes.
    fn from_query(q: HandshakeQuery) -> HandshakeLab {
        let key = q.key.clone().unwrap_or_else(|| RFC_KEY.to_owned());
        let request = q.req.unwrap_or_else(|| rfc_request(&key));
        let key = q
            .key
            .or_else(|| check_request(&request).request.key)
            .unwrap_or(key);
        HandshakeLab {
            request,
            key,
            claimed: q.accept.unwrap_or_default(),
            supported: q.proto.unwrap_or_else(|| "chat".to_owned()),
            response: q.resp,
            deflate: q.deflate != Some(0),
        }
    }

    /// The query that reopens this state.
    fn query(&self) -> HandshakeQuery {
        let default = HandshakeLab::from_query(HandshakeQuery::default());
        let differs = |a: &String, b: &String| (a != b).then(|| a.clone());
        HandshakeQuery {
            req: differs(&self.request, &default.request),
            key: differs(&self.key, &default.key),
            accept: (!self.claimed.is_empty()).then(|| self.claimed.clone()),
            proto: differs(&self.supported, &default.supported),
            resp: self.response.clone(),
            deflate: (!self.deflate).then_some(0),
        }
    }
}

/// What the handshake lab's controls do.
pub enum HandshakeAction {
    /// The request was edited.
    Request(String),
    /// The calculator's key was edited.
    Key(String),
    /// The accept value to check was edited.
    Claimed(String),
    /// The server's subprotocols were edited.
    Supported(String),
    /// The response box was edited (None: follow the server's answer again).
    Response(Option<String>),
    /// Put the calculator's key into the request.
    UseKey,
    /// The server accepts permessage-deflate, or not.
    Deflate(bool),
    /// Add the extension offer every browser sends to the request.
    OfferDeflate,
}

/// What Chromium offers (Firefox offers a bare `permessage-deflate`).
pub const BROWSER_OFFER: &str = "permessage-deflate; client_max_window_bits";

impl Reducible for HandshakeLab {
    type Action = HandshakeAction;

    fn reduce(self: Rc<Self>, action: HandshakeAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            HandshakeAction::Request(r) => s.request = r,
            HandshakeAction::Key(k) => s.key = k,
            HandshakeAction::Claimed(c) => s.claimed = c,
            HandshakeAction::Supported(p) => s.supported = p,
            HandshakeAction::Response(r) => s.response = r,
            HandshakeAction::UseKey => {
                s.request = set_header(&s.request, "Sec-WebSocket-Key", s.key.trim())
            }
            HandshakeAction::Deflate(on) => s.deflate = on,
            HandshakeAction::OfferDeflate => {
                s.request = set_header(&s.request, "Sec-WebSocket-Extensions", BROWSER_OFFER)
            }
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_a_url_gives_round_trips_through_its_query() {
        for query in [
            HandshakeQuery::default(),
            HandshakeQuery {
                key: Some("AQIDBAUGBwgJCgsMDQ4PEA==".into()),
                accept: Some("x".into()),
                proto: Some("chat, echo".into()),
                ..HandshakeQuery::default()
            },
            HandshakeQuery {
                req: Some("GET / HTTP/1.1\r\n\r\n".into()),
                resp: Some("HTTP/1.1 200 OK\r\n\r\n".into()),
                deflate: Some(0),
                ..HandshakeQuery::default()
            },
        ] {
            let s = HandshakeLab::from_query(query.clone());
            assert_eq!(HandshakeLab::from_query(s.query()), s, "{query:?}");
        }
    }

    #[test]
    fn the_key_alone_goes_into_the_request_and_use_key_sets_it() {
        let key = "AQIDBAUGBwgJCgsMDQ4PEA==";
        let s = HandshakeLab::from_query(HandshakeQuery {
            key: Some(key.into()),
            ..HandshakeQuery::default()
        });
        assert!(s.request.contains(&format!("Sec-WebSocket-Key: {key}")));
        let s = Rc::new(s)
            .reduce(HandshakeAction::Key(RFC_KEY.into()))
            .reduce(HandshakeAction::UseKey);
        assert_eq!(
            check_request(&s.request).request.key.as_deref(),
            Some(RFC_KEY)
        );
    }
}
