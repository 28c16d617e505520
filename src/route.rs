//! The app's URLs. They are part of the product: keep them stable.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::pages;

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
    /// A live connection to an echo server.
    #[at("/live")]
    Live,
    /// Questions and exercises.
    #[at("/quiz")]
    Quiz,
    /// Any other path.
    #[not_found]
    #[at("/404")]
    NotFound,
}

impl Route {
    /// The routes shown in the navigation, in the order of the chapter.
    pub const CHAPTER: [Route; 7] = [
        Route::Home,
        Route::Handshake,
        Route::Uris,
        Route::Lifecycle,
        Route::Frames,
        Route::Live,
        Route::Quiz,
    ];

    /// The short title used in the navigation and the page heading.
    pub fn title(self) -> &'static str {
        match self {
            Route::Home => "Start",
            Route::Handshake => "The opening handshake",
            Route::Uris => "ws:// and wss://",
            Route::Lifecycle => "Lifecycle and closing",
            Route::Frames => "Frames and masking",
            Route::Live => "Live connection",
            Route::Quiz => "Questions and exercises",
            Route::NotFound => "Page not found",
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
            Route::Live => "Open a real WebSocket from this page and watch what crosses the wire.",
            Route::Quiz => "Check what you learned: questions, exercises and interview practice.",
            Route::NotFound => "There is no page at this address.",
        }
    }
}

/// Renders the page for a route.
pub fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <pages::Home /> },
        Route::Handshake => html! { <pages::Handshake /> },
        Route::Uris => html! { <pages::Uris /> },
        Route::Frames => html! { <pages::Frames /> },
        Route::Live => html! { <pages::Live /> },
        Route::NotFound => html! { <pages::NotFound /> },
        other => html! { <pages::Placeholder route={other} /> },
    }
}
