//! The app's URLs. They are part of the product: keep them stable.

use yew_router::prelude::*;

use crate::state::query;

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
    /// The chunk (`route::Build::chunks`) that holds this page's whole
    /// content rather than a part below its top, so the page's HTML has it
    /// fetched beside the build: `/illustrated` in the live build.
    pub fn chunk_at_start(self) -> Option<&'static str> {
        match self {
            Route::Illustrated => Some("live_illustrated"),
            _ => None,
        }
    }

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
            Route::Conformance => "Test your server or client",
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
    /// The page at an address bar's path (trailing slashes ignored, as
    /// `assets/boot.js` does), without yew-router's recognizer: the builds
    /// without a router link only this.
    pub fn at_path(path: &str) -> Option<Route> {
        let path = path.trim_end_matches('/');
        let path = if path.is_empty() { "/" } else { path };
        Route::CHAPTER
            .into_iter()
            .chain([Route::NotFound])
            .find(|r| r.to_path() == path)
    }

    /// True for the pages with a lab in them (everything but the start page,
    /// the pure lessons and the 404 page): each says, without JavaScript,
    /// that its lab needs it.
    pub fn is_lab(self) -> bool {
        !matches!(
            self,
            Route::Home | Route::Heartbeats | Route::Summary | Route::NotFound
        )
    }
}

/// The app's wasm builds, one binary each, each linking only its own pages.
/// `assets/boot.js` starts the one that holds the address bar's page
/// ([`Build::of`]; a test keeps its list equal to this), and a page of
/// another build is a page load away.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Build {
    /// `wslab-reader`: the start page, the pure lessons, the lifecycle
    /// (a lesson with a small close-payload lab) and the 404 page.
    Reader,
    /// `wslab-handshake`: the opening handshake lab.
    Handshake,
    /// `wslab-uris`: the URI lab.
    Uris,
    /// `wslab-quiz`: the questions and exercises.
    Quiz,
    /// `wslab-frames`: the frame lab (builder, decoder, fragmenter, close
    /// payloads and permessage-deflate).
    Frames,
    /// `wslab-conformance`: the conformance lab (its catalogue, runs and
    /// reports).
    Conformance,
    /// `wslab-live`: the live connection and the illustrated session, which
    /// move between each other in the page (the console hands its session
    /// over to `/illustrated` in memory).
    Live,
    /// `wslab`: every page, routed in the page; started where a host
    /// answers a path with another page's HTML (see `assets/boot.js`).
    Full,
}

impl Build {
    /// Every build.
    pub const ALL: [Build; 8] = [
        Build::Reader,
        Build::Handshake,
        Build::Uris,
        Build::Quiz,
        Build::Frames,
        Build::Conformance,
        Build::Live,
        Build::Full,
    ];

    /// The build that holds a page.
    pub fn of(route: Route) -> Build {
        match route {
            Route::Home
            | Route::Heartbeats
            | Route::Lifecycle
            | Route::Summary
            | Route::NotFound => Build::Reader,
            Route::Handshake => Build::Handshake,
            Route::Uris => Build::Uris,
            Route::Quiz => Build::Quiz,
            Route::Frames => Build::Frames,
            Route::Conformance => Build::Conformance,
            Route::Live | Route::Illustrated => Build::Live,
        }
    }

    /// Its binary, and the stem of its files (`<bin>.js`, `<bin>_bg.wasm`).
    pub fn bin(self) -> &'static str {
        match self {
            Build::Reader => "wslab-reader",
            Build::Handshake => "wslab-handshake",
            Build::Uris => "wslab-uris",
            Build::Quiz => "wslab-quiz",
            Build::Frames => "wslab-frames",
            Build::Conformance => "wslab-conformance",
            Build::Live => "wslab-live",
            Build::Full => "wslab",
        }
    }

    /// The parts of its pages that arrive after the page answers input, each
    /// a wasm chunk of its own (`split_<chunk>.wasm`, named by
    /// `components::later`'s `part!`), and what loads them
    /// (`<bin>_split.js`). A build with chunks is built with its
    /// [`split_feature`](Build::split_feature), and `wslab::split` cuts it
    /// after Trunk's build.
    pub fn chunks(self) -> &'static [&'static str] {
        match self {
            Build::Handshake => &["handshake_lower"],
            Build::Frames => &["frames_lower"],
            Build::Conformance => &["conformance_results"],
            Build::Live => &["live_illustrated"],
            Build::Quiz => &["quiz_practice"],
            _ => &[],
        }
    }

    /// The cargo feature that compiles its split points (and no other
    /// build's): `split-` and its binary's name after `wslab-`.
    pub fn split_feature(self) -> Option<String> {
        (!self.chunks().is_empty()).then(|| {
            let name = self.bin().strip_prefix("wslab-").unwrap_or(self.bin());
            format!("split-{name}")
        })
    }
}

/// `/quiz?lesson=<id>` shows that lesson's questions first.
#[derive(Clone, Debug, PartialEq)]
pub struct QuizFor {
    /// The lesson id.
    pub lesson: String,
}

impl QuizFor {
    /// Read from a query string (without its `?`).
    pub fn from_query(query: &str) -> Option<QuizFor> {
        query::first(query, "lesson").map(|lesson| QuizFor { lesson })
    }

    /// As a query string (without its `?`).
    pub fn to_query(&self) -> String {
        query::encode([("lesson", self.lesson.as_str())])
    }
}

/// `/live?url=<ws url>` preselects the server.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveFor {
    /// The WebSocket URL.
    pub url: String,
}

impl LiveFor {
    /// Read from a query string (without its `?`).
    pub fn from_query(query: &str) -> Option<LiveFor> {
        query::first(query, "url").map(|url| LiveFor { url })
    }

    /// As a query string (without its `?`).
    pub fn to_query(&self) -> String {
        query::encode([("url", self.url.as_str())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yew_router::Routable;

    /// `assets/boot.js` picks the build by path before any Rust runs: its
    /// table names every page with [`Build::of`], the reader for any other
    /// path (the 404 page), and the full build where the HTML holds another
    /// page than the path names (the page builds keep its lesson).
    #[test]
    fn boot_js_starts_the_build_that_holds_each_page() {
        let boot = include_str!("../assets/boot.js");
        let start = boot
            .find("const BUILDS = {")
            .expect("boot.js declares const BUILDS = { ... }");
        let table = &boot[start..start + boot[start..].find('}').unwrap()];
        let quoted: Vec<&str> = table
            .split('"')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s)
            .collect();
        let listed: Vec<(&str, &str)> = quoted.chunks(2).map(|p| (p[0], p[1])).collect();
        let want: Vec<(String, &str)> = Route::CHAPTER
            .iter()
            .map(|r| (r.to_path(), Build::of(*r).bin()))
            .collect();
        let want: Vec<(&str, &str)> = want.iter().map(|(p, b)| (p.as_str(), *b)).collect();
        assert_eq!(listed, want);
        assert!(boot.contains(
            r#"!Object.hasOwn(BUILDS, path)
  ? "wslab-reader""#
        ));
        assert!(boot.contains(
            r#"shown === path
    ? BUILDS[path]
    : "wslab""#
        ));
        assert_eq!(Build::of(Route::NotFound), Build::Reader);
    }

    /// The link queries read what they write, and what a browser writes.
    #[test]
    fn link_queries_round_trip() {
        for url in ["ws://a.invalid/x?y=1&z=%", "wss://h/é #f", ""] {
            let q = LiveFor {
                url: url.to_owned(),
            };
            assert_eq!(LiveFor::from_query(&q.to_query()), Some(q));
        }
        let q = QuizFor {
            lesson: "frames".into(),
        };
        assert_eq!(q.to_query(), "lesson=frames");
        assert_eq!(
            QuizFor::from_query("?x=1&lesson=frames&lesson=uris"),
            Some(q)
        );
        assert_eq!(
            LiveFor::from_query("url=ws%3A%2F%2Fa+b")
                .map(|l| l.url)
                .as_deref(),
            Some("ws://a b")
        );
        assert_eq!(QuizFor::from_query("lessons=x"), None);
    }

    /// The router-free path reader agrees with yew-router's, both ways.
    #[test]
    fn at_path_reads_every_path_as_the_router_does() {
        for route in Route::CHAPTER.into_iter().chain([Route::NotFound]) {
            assert_eq!(Route::at_path(&route.to_path()), Some(route));
            assert_eq!(
                Route::at_path(&format!("{}/", route.to_path())),
                Some(route)
            );
        }
        for other in ["/nope", "/handshake/x", "/Quiz", "//"] {
            assert_eq!(
                Route::at_path(other).filter(|r| *r != Route::Home),
                Route::recognize(other).filter(|r| *r != Route::NotFound && *r != Route::Home),
                "{other}"
            );
        }
    }

    /// The service worker names every build (the full one is kept where the
    /// host needs it), so any page starts offline.
    #[test]
    fn the_service_worker_keeps_every_build() {
        let sw = include_str!("../assets/sw.js");
        for build in Build::ALL {
            let mut files = vec![
                format!("\"/{}.js\"", build.bin()),
                format!("\"/{}_bg.wasm\"", build.bin()),
            ];
            if !build.chunks().is_empty() {
                files.push(format!("\"/{}_split.js\"", build.bin()));
            }
            files.extend(
                build
                    .chunks()
                    .iter()
                    .map(|c| format!("\"/split_{c}.wasm\"")),
            );
            for file in files {
                assert!(sw.contains(&file), "sw.js does not keep {file}");
            }
        }
    }

    /// A page whose content is a chunk names one of its build's chunks.
    #[test]
    fn a_page_fetched_with_its_chunk_names_one_of_its_build() {
        for route in Route::CHAPTER {
            if let Some(chunk) = route.chunk_at_start() {
                assert!(Build::of(route).chunks().contains(&chunk), "{route:?}");
            }
        }
    }

    /// Every build is a binary that Trunk builds, with the `split` feature
    /// exactly where it has chunks, and in release with the profile the
    /// split step cuts (`wasm-release`).
    #[test]
    fn index_html_builds_every_build() {
        let html = include_str!("../index.html");
        for build in Build::ALL {
            let link = html
                .lines()
                .find(|l| l.contains(&format!("data-bin=\"{}\"", build.bin())))
                .unwrap_or_else(|| panic!("index.html does not build {}", build.bin()));
            let features = link
                .split("data-cargo-features=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next());
            assert_eq!(features, build.split_feature().as_deref(), "{link}");
            assert!(
                link.contains("data-cargo-profile-release=\"wasm-release\""),
                "{link}"
            );
        }
    }
}
