//! The live console's requests, as plain data: what to connect to (and the
//! form it is drafted in), what close() to call, and the URLs wslab-echo's
//! endpoints take. The sockets that carry them out are
//! `hooks::use_live_connection`'s.

use wire::endpoint::{EchoOptions, Endpoint};
use wire::tap::SessionId;

use crate::services::browser::ws_url_parts;

/// What to connect to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectOptions {
    /// The URL as the learner typed it.
    pub url: String,
    /// Subprotocols to offer.
    pub protocols: Vec<String>,
    /// Open wslab-echo's tap first, to see the wire.
    pub wire: bool,
    /// With the tap: ask wslab-echo to ping every N seconds (0: never).
    pub ping: u32,
}

/// A close() call: no code means `close()` with no arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseRequest {
    /// The code, if any.
    pub code: Option<u16>,
    /// The reason (only sent with a code).
    pub reason: String,
}

/// The connect form as the learner fills it in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectDraft {
    /// The URL, as typed.
    pub url: String,
    /// Subprotocols, comma-separated, as typed.
    pub protocols: String,
    /// "Show the wire" is ticked.
    pub wire: bool,
    /// "Let wslab-echo accept compression" is ticked.
    pub deflate: bool,
    /// Seconds between the server's pings, as typed.
    pub ping: String,
}

impl ConnectDraft {
    /// A draft for `url`, everything else as the form starts.
    pub fn new(url: String) -> Self {
        ConnectDraft {
            url,
            protocols: String::new(),
            wire: true,
            deflate: true,
            ping: "0".to_owned(),
        }
    }

    /// Whether the URL is wslab-echo's, whose wire can be watched.
    pub fn tappable(&self) -> bool {
        watchable(&self.url)
    }

    /// What connecting to `target` with this form means.
    pub fn options(&self, target: &str) -> ConnectOptions {
        ConnectOptions {
            wire: self.wire && watchable(target),
            // Off: wslab-echo declines permessage-deflate (`?deflate=0`), to compare the wire without it.
            url: if self.deflate {
                target.to_owned()
            } else {
                without_deflate(target).unwrap_or_else(|| target.to_owned())
            },
            protocols: self
                .protocols
                .split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
            ping: self.ping.trim().parse::<u32>().unwrap_or(0),
        }
    }
}

/// The echo URL with the tap's session (and the ping option) in its query,
/// when the URL names a wslab-echo endpoint; `None` when it does not.
pub fn url_with_session(url: &str, session: SessionId, ping: u32) -> Option<String> {
    with_echo_options(url, |opts| {
        opts.session = Some(session);
        if ping > 0 {
            opts.ping = Some(ping);
        }
    })
}

/// `url` (one of wslab-echo's echo endpoints) with `?deflate=0`: the server
/// then declines permessage-deflate, for comparing the wire without it.
pub fn without_deflate(url: &str) -> Option<String> {
    with_echo_options(url, |opts| opts.no_deflate = true)
}

/// `url` with its echo options changed by `change`; None for other servers.
fn with_echo_options(url: &str, change: impl FnOnce(&mut EchoOptions)) -> Option<String> {
    let parts = ws_url_parts(url)?;
    let mut endpoint = Endpoint::parse(&parts.resource).ok()?;
    let opts = match &mut endpoint {
        Endpoint::Echo(o) | Endpoint::Idle { echo: o, .. } => o,
        Endpoint::Tap | Endpoint::LegacyProxy | Endpoint::Probe | Endpoint::ClientLab(_) => {
            return None;
        }
    };
    change(opts);
    Some(format!(
        "{}://{}{}",
        parts.scheme,
        parts.host,
        endpoint.target()
    ))
}

/// Whether `url` names one of wslab-echo's echo endpoints, so that its wire
/// can be watched through `/tap`; other servers never get a `/tap` request.
pub fn watchable(url: &str) -> bool {
    url_with_session(url, SessionId([0; 16]), 0).is_some()
}

/// The tap's URL on the same server as `url`.
pub fn tap_url(url: &str) -> Option<String> {
    let parts = ws_url_parts(url)?;
    Some(format!(
        "{}://{}{}",
        parts.scheme,
        parts.host,
        Endpoint::Tap.path()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_becomes_options_for_its_target() {
        let mut d = ConnectDraft::new("ws://127.0.0.1:9001/echo".into());
        d.protocols = " chat, ,superchat ".into();
        d.ping = "x".into();
        let o = d.options(&d.url.clone());
        assert_eq!(o.protocols, ["chat", "superchat"]);
        assert_eq!((o.ping, o.wire), (0, true));
        d.deflate = false;
        assert_eq!(
            d.options("ws://127.0.0.1:9001/echo").url,
            "ws://127.0.0.1:9001/echo?deflate=0"
        );
        // Other servers: as typed, and no tap.
        let o = d.options("wss://echo.example/");
        assert_eq!((o.url.as_str(), o.wire), ("wss://echo.example/", false));
    }

    #[test]
    fn the_session_goes_into_wslab_echo_urls_only() {
        let id = SessionId([0xab; 16]);
        let hex = "ab".repeat(16);
        assert_eq!(
            url_with_session("ws://127.0.0.1:9001/echo", id, 0).as_deref(),
            Some(format!("ws://127.0.0.1:9001/echo?session={hex}").as_str())
        );
        assert_eq!(
            url_with_session("ws://127.0.0.1:9001/idle?timeout=5", id, 3).as_deref(),
            Some(format!("ws://127.0.0.1:9001/idle?timeout=5&session={hex}&ping=3").as_str())
        );
        assert_eq!(url_with_session("wss://echo.example/", id, 0), None);
        assert!(watchable("ws://127.0.0.1:9001/idle?timeout=5"));
        assert!(!watchable("wss://echo.example/"));
        assert!(!watchable("ws://this-site-does-not-exist.invalid"));
        assert_eq!(
            url_with_session("ws://127.0.0.1:9001/legacy-proxy", id, 0),
            None
        );
        assert_eq!(
            tap_url("wss://127.0.0.1:9443/echo?x=1").as_deref(),
            Some("wss://127.0.0.1:9443/tap")
        );
    }
}
