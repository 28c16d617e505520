//! The app's URLs. They are part of the product: keep them stable.

use yew_router::prelude::*;

/// Every page of the app, one per URL.
#[derive(Routable, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Route {
    /// The start page: objectives and the path through the chapter.
    #[at("/")]
    Home,
    /// The opening handshake.
    #[at("/handshake")]
    Handshake,
    /// ws:// and wss:// URIs.
    #[at("/uris")]
    Uris,
    /// The connection lifecycle and the closing handshake.
    #[at("/lifecycle")]
    Lifecycle,
    /// Frames, opcodes and masking.
    #[at("/frames")]
    Frames,
    /// Ping, pong, best practices and common mistakes.
    #[at("/heartbeats")]
    Heartbeats,
    /// A live connection to an echo server.
    #[at("/live")]
    Live,
    /// One whole session, every byte explained.
    #[at("/illustrated")]
    Illustrated,
    /// Test your own server: the conformance lab.
    #[at("/conformance")]
    Conformance,
    /// Questions and exercises.
    #[at("/quiz")]
    Quiz,
    /// FAQ, summary and what comes next.
    #[at("/summary")]
    Summary,
    /// Any other path.
    #[not_found]
    #[at("/404")]
    NotFound,
}

impl Route {
    /// The routes shown in the navigation, in the order of the chapter.
    pub const CHAPTER: [Route; 11] = [
        Route::Home,
        Route::Handshake,
        Route::Uris,
        Route::Lifecycle,
        Route::Frames,
        Route::Heartbeats,
        Route::Live,
        Route::Illustrated,
        Route::Conformance,
        Route::Quiz,
        Route::Summary,
    ];

    /// The short title used in the navigation and the page heading.
    pub fn title(self) -> &'static str {
        match self {
            Route::Home => "Start",
            Route::Handshake => "The opening handshake",
            Route::Uris => "ws:// and wss://",
            Route::Lifecycle => "Lifecycle and closing",
            Route::Frames => "Frames and masking",
            Route::Heartbeats => "Ping, pong and pitfalls",
            Route::Live => "Live connection",
            Route::Illustrated => "The illustrated connection",
            Route::Conformance => "Test your server",
            Route::Quiz => "Questions and exercises",
            Route::Summary => "FAQ and summary",
            Route::NotFound => "Page not found",
        }
    }

    /// The browser tab's title on this page.
    pub fn document_title(self) -> String {
        match self {
            Route::Home => "wslab — the WebSocket protocol, down to the bit".to_owned(),
            other => format!("{} — wslab", other.title()),
        }
    }

    /// One sentence on what the learner does on the page.
    pub fn summary(self) -> &'static str {
        match self {
            Route::Home => "What this lab teaches and the path through it.",
            Route::Handshake => {
                "How an HTTP request becomes a WebSocket: Upgrade, Sec-WebSocket-Key, 101 and Sec-WebSocket-Accept (RFC 6455 §4)."
            }
            Route::Uris => {
                "What ws:// and wss:// URIs mean, which port and request line they give, and what TLS hides (RFC 6455 §3)."
            }
            Route::Lifecycle => {
                "CONNECTING, OPEN, CLOSING, CLOSED, and how both sides agree to close (RFC 6455 §7)."
            }
            Route::Frames => {
                "FIN, RSV, opcode, MASK, payload length, masking key and payload, down to the bit (RFC 6455 §5)."
            }
            Route::Heartbeats => {
                "Keep connections alive with ping and pong, and avoid the classic proxy and timeout failures (RFC 6455 §5.5.2)."
            }
            Route::Live => "Open a real WebSocket from this page and watch what crosses the wire.",
            Route::Illustrated => {
                "One whole WebSocket session, record by record, every byte explained: the example, or your own from the live connection."
            }
            Route::Conformance => {
                "Run several hundred RFC 6455 cases against a server you wrote; every failure comes with the rule, the section and why it matters."
            }
            Route::Quiz => "Check what you learned: questions, exercises and interview practice.",
            Route::Summary => {
                "Images and other binary data, the chapter in five lines, and what comes next."
            }
            Route::NotFound => "There is no page at this address.",
        }
    }
}

impl Route {
    /// True for the pages only the full build holds (the labs, and the
    /// lessons with a lab in them); the reader build (`app::Reader`) holds
    /// the others. `assets/boot.js` lists the same paths (a test keeps the
    /// two equal).
    pub fn needs_full(self) -> bool {
        !matches!(
            self,
            Route::Home | Route::Heartbeats | Route::Summary | Route::NotFound
        )
    }
}

/// `/quiz?lesson=<id>` shows that lesson's questions first.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QuizFor {
    /// The lesson id.
    pub lesson: String,
}

/// `/live?url=<ws url>` preselects the server.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LiveFor {
    /// The WebSocket URL.
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use yew_router::Routable;

    /// `assets/boot.js` picks the build by path before any Rust runs; its
    /// list must be exactly the pages the reader build does not hold.
    #[test]
    fn boot_js_loads_the_full_build_for_exactly_the_pages_only_it_holds() {
        let boot = include_str!("../assets/boot.js");
        let line = boot
            .lines()
            .find(|l| l.starts_with("const FULL = ["))
            .expect("boot.js declares const FULL = [...]");
        let listed: Vec<&str> = line
            .split('"')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s)
            .collect();
        let needs: Vec<String> = Route::CHAPTER
            .iter()
            .filter(|r| r.needs_full())
            .map(|r| r.to_path())
            .collect();
        assert_eq!(listed, needs);
        assert!(!Route::NotFound.needs_full());
    }
}
