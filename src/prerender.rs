//! Every page as HTML at build time, so a reader sees the lesson before the
//! wasm arrives, and can read it with JavaScript turned off.
//!
//! `wslab-prerender` (a native binary, run by Trunk's post-build hook) renders
//! each route with Yew's server-side renderer ([`render`], which mounts
//! [`StaticApp`](crate::app::StaticApp) at the route's path) and writes it
//! into a copy of the built `index.html` ([`fill`]): `index.html` for `/`,
//! `<page>.html` for the others, `404.html` for unknown paths. It also
//! writes the list of pages into the service worker ([`fill_service_worker`]),
//! so that every page works offline once the site has been opened, and names
//! its cache after the build ([`site_digest`], [`name_service_worker_cache`]),
//! so that a new build is a new service worker.

use crate::route::{Build, Route};

/// The element of `index.html` whose content is replaced by the page.
const BODY_OPEN: &str = r#"<div id="prerendered">"#;
/// The line of `sw.js` that lists the pages to keep for offline use.
const PAGES_LINE: &str = "const PAGES = [\"/\"];";
/// The line of `sw.js` that names its cache.
const CACHE_LINE: &str = "const CACHE = \"wslab-build\";";

/// One prerendered page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// The route it shows.
    pub route: Route,
    /// Its address, e.g. `/frames`.
    pub path: String,
    /// The file it is written to, relative to the build's folder.
    pub file: String,
}

/// The pages to write: every route of the chapter, and the 404 page.
pub fn pages() -> Vec<Page> {
    use yew_router::Routable;
    Route::CHAPTER
        .iter()
        .copied()
        .chain([Route::NotFound])
        .map(|route| {
            let path = route.to_path();
            let file = match route {
                Route::Home => "index.html".to_owned(),
                Route::NotFound => "404.html".to_owned(),
                _ => format!("{}.html", path.trim_start_matches('/')),
            };
            Page { route, path, file }
        })
        .collect()
}

/// `template` (the built `index.html`) with `page`'s markup `body` inside its
/// `<div id="prerendered">`, which is told the page's path (`data-page`:
/// `assets/boot.js` starts the page's own build only when the HTML is that
/// page's), `title` as its title, and hints that fetch the page's build
/// ([`preload_hints`]) while the page parses. The template must hold that
/// element once, with no other `<div>` inside it, and one `</head>`.
pub fn fill(template: &str, page: &Page, title: &str, body: &str) -> Result<String, String> {
    let at = match template.match_indices(BODY_OPEN).count() {
        1 => template.find(BODY_OPEN).unwrap_or_default(),
        n => {
            return Err(format!(
                "index.html must hold {BODY_OPEN} once, not {n} times"
            ));
        }
    };
    let start = at + BODY_OPEN.len();
    let end = template[start..]
        .find("</div>")
        .map(|i| start + i)
        .ok_or_else(|| format!("index.html has no </div> after {BODY_OPEN}"))?;
    let open_tag = format!(
        r#"<div id="prerendered" data-page="{}">"#,
        escape(&page.path).replace('"', "&quot;")
    );
    let mut html = format!("{}{open_tag}{body}{}", &template[..at], &template[end..]);
    let (Some(open), Some(close)) = (html.find("<title>"), html.find("</title>")) else {
        return Err("index.html has no <title>".to_owned());
    };
    if close < open {
        return Err("index.html's </title> comes before <title>".to_owned());
    }
    html.replace_range(open + "<title>".len()..close, &escape(title));
    if html.matches("</head>").count() != 1 {
        return Err("index.html must hold </head> once".to_owned());
    }
    let mut hints = preload_hints(Build::of(page.route));
    if let Some(chunk) = page.route.chunk_at_start() {
        // The page's content is that chunk: fetch it beside the build
        // instead of once the build runs.
        hints.push_str(&format!(
            r#"<link rel="preload" href="/split_{chunk}.wasm" as="fetch" type="application/wasm" crossorigin fetchpriority="low" /> "#
        ));
    }
    Ok(html.replacen("</head>", &format!("{hints}</head>"), 1))
}

/// The `<link>` that starts fetching `build`'s wasm as soon as the page's
/// head is read, instead of once `boot.js` runs and its JS asks for it.
/// `crossorigin` makes the preload a CORS request with the same credentials
/// as wasm-bindgen's `fetch`, so the browser hands that fetch the preloaded
/// response; `fetchpriority="low"` lets anything the page itself needs go
/// first. The JS glue and chunk loader are not preloaded: `boot.js` imports
/// them at once (when the stylesheet was still a file, their
/// `modulepreload`s competed with it on the slow link of `cargo xtask
/// bench`: first paint 4–8 % later, the page answering no sooner).
pub fn preload_hints(build: Build) -> String {
    format!(
        r#"<link rel="preload" href="/{}_bg.wasm" as="fetch" type="application/wasm" crossorigin fetchpriority="low" /> "#,
        build.bin()
    )
}

/// The stylesheet link Trunk writes into the built `index.html`.
#[cfg(not(target_arch = "wasm32"))]
const STYLESHEET_LINK: &str = r#"<link rel="stylesheet" href="/style.css""#;
/// The Content-Security-Policy's style rule in `index.html`.
#[cfg(not(target_arch = "wasm32"))]
const STYLE_SRC: &str = "style-src 'self'";

/// `page` with the stylesheet `css` in a `<style>` element in place of
/// Trunk's link to `/style.css`, and the page's Content-Security-Policy
/// allowing that element by its SHA-256 digest (`style-src 'self'
/// 'sha256-…'`: no other inline style, and no `style` attribute, is
/// allowed). The first paint then waits for no second request: on the slow
/// link of `cargo xtask bench` it came about 40 % sooner than with the link.
#[cfg(not(target_arch = "wasm32"))]
pub fn inline_stylesheet(page: &str, css: &str) -> Result<String, String> {
    use base64::Engine as _;
    use sha2::Digest as _;
    if css.to_ascii_lowercase().contains("</style") {
        return Err(
            "style.css holds \"</style\", which would end its <style> element early".to_owned(),
        );
    }
    let start = match page.match_indices(STYLESHEET_LINK).count() {
        1 => page.find(STYLESHEET_LINK).unwrap_or_default(),
        n => {
            return Err(format!(
                "index.html must hold {STYLESHEET_LINK}…> once, not {n} times"
            ));
        }
    };
    let end = page[start..]
        .find('>')
        .map(|i| start + i + 1)
        .ok_or("index.html's stylesheet link has no end")?;
    if page.matches(STYLE_SRC).count() != 1 {
        return Err(format!(
            "index.html's Content-Security-Policy must hold {STYLE_SRC} once"
        ));
    }
    let digest = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(css));
    let mut html = format!("{}<style>{css}</style>{}", &page[..start], &page[end..]);
    html = html.replacen(STYLE_SRC, &format!("{STYLE_SRC} 'sha256-{digest}'"), 1);
    Ok(html)
}

/// The line index.html carries for wslab-echo's address, with the default.
const ECHO_META: &str = r#"<meta name="wslab-echo" content="ws://127.0.0.1:9001" />"#;

/// `page` telling the app where wslab-echo is (`base`, a ws:// or wss://
/// origin), in place of index.html's default.
pub fn set_echo_base(page: &str, base: &str) -> Result<String, String> {
    if page.matches(ECHO_META).count() != 1 {
        return Err(format!("index.html must hold {ECHO_META} once"));
    }
    if !crate::services::browser::is_echo_base(base) {
        return Err(format!(
            "WSLAB_ECHO_URL={base:?} is not a ws:// or wss:// origin (such as ws://127.0.0.1:9001)"
        ));
    }
    let meta = format!(
        r#"<meta name="wslab-echo" content="{}" />"#,
        escape(base).replace('"', "&quot;")
    );
    Ok(page.replace(ECHO_META, &meta))
}

/// `sw.js` with the pages to keep for offline use in place of its
/// placeholder line `const PAGES = ["/"];`.
pub fn fill_service_worker(script: &str, pages: &[Page]) -> Result<String, String> {
    if script.matches(PAGES_LINE).count() != 1 {
        return Err(format!("sw.js must hold the line {PAGES_LINE} once"));
    }
    let list: Vec<String> = pages
        .iter()
        .filter(|p| p.route != Route::NotFound)
        .map(|p| format!("\"{}\"", p.path))
        .collect();
    Ok(script.replace(PAGES_LINE, &format!("const PAGES = [{}];", list.join(", "))))
}

/// A digest of a built site (every file's name and bytes, in name order):
/// 16 hex digits of FNV-1a, 64 bits. Not for security: it only has to change
/// when any file does, so that a new build is a new service worker.
pub fn site_digest(files: &[(String, Vec<u8>)]) -> String {
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for (name, bytes) in sorted {
        eat(name.as_bytes());
        eat(&(bytes.len() as u64).to_le_bytes());
        eat(bytes);
    }
    format!("{hash:016x}")
}

/// `sw.js` with its cache named after the build's `digest`, in place of its
/// placeholder line `const CACHE = "wslab-build";`.
pub fn name_service_worker_cache(script: &str, digest: &str) -> Result<String, String> {
    if script.matches(CACHE_LINE).count() != 1 {
        return Err(format!("sw.js must hold the line {CACHE_LINE} once"));
    }
    Ok(script.replace(CACHE_LINE, &format!("const CACHE = \"wslab-{digest}\";")))
}

/// A script of ours (`boot.js`, `sw.js`) as shipped: its whole-line `//`
/// comments and blank lines left out (they are for readers of the source,
/// and `boot.js` is in every page's first load). Nothing else changes.
pub fn without_comments(script: &str) -> String {
    script
        .lines()
        .filter(|line| {
            let code = line.trim_start();
            !code.is_empty() && !code.starts_with("//")
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Escapes text for an HTML text node.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The app's markup at `path`, rendered natively (no hydration markers: the
/// app replaces this markup rather than adopting it).
#[cfg(not(target_arch = "wasm32"))]
pub async fn render(path: &str) -> String {
    use crate::app::{StaticApp, StaticAppProps};
    let path = path.to_owned();
    yew::ServerRenderer::<StaticApp>::with_props(move || StaticAppProps { path })
        .hydratable(false)
        .render()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_stylesheet_goes_into_the_page_with_its_digest_in_the_policy() {
        let page = r#"<head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; style-src 'self'; img-src 'self'" /><link rel="stylesheet" href="/style.css" data-integrity="none"/><title>t</title></head>"#;
        let html = inline_stylesheet(page, "p{color:red}").unwrap();
        // `printf 'p{color:red}' | openssl dgst -sha256 -binary | base64`
        assert_eq!(
            html,
            r#"<head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; style-src 'self' 'sha256-p0bF+un5yUb9MBO6xRb8kPHlY2BdpHVtLiFkDrZPF64='; img-src 'self'" /><style>p{color:red}</style><title>t</title></head>"#
        );
        // What would end the element early, or a page not shaped as expected, is refused.
        assert!(
            inline_stylesheet(page, "p{}</STYLE><script>")
                .unwrap_err()
                .contains("</style")
        );
        assert!(
            inline_stylesheet("<head></head>", "p{}")
                .unwrap_err()
                .contains("stylesheet")
        );
        let twice = page.replace(
            "<title>",
            r#"<link rel="stylesheet" href="/style.css"/><title>"#,
        );
        assert!(
            inline_stylesheet(&twice, "p{}")
                .unwrap_err()
                .contains("not 2 times")
        );
        let no_policy = page.replace("style-src 'self'; ", "");
        assert!(
            inline_stylesheet(&no_policy, "p{}")
                .unwrap_err()
                .contains("style-src")
        );
    }

    const TEMPLATE: &str = r#"<html><head><title>wslab</title></head><body><div id="app" hidden></div><div id="prerendered"><noscript>needs JS</noscript></div><script type="module" src="/boot.js"></script></body></html>"#;

    #[test]
    fn the_echo_address_is_written_into_the_page() {
        let page = format!("<head>{ECHO_META}</head>");
        assert_eq!(
            set_echo_base(&page, "ws://127.0.0.1:9100").unwrap(),
            r#"<head><meta name="wslab-echo" content="ws://127.0.0.1:9100" /></head>"#
        );
        for bad in [
            "http://x",
            "ws://h/echo",
            "ws://h:1?x",
            "nonsense",
            "ws://\"a",
        ] {
            assert!(set_echo_base(&page, bad).is_err(), "{bad}");
        }
        assert!(set_echo_base("<head></head>", "ws://h:1").is_err());
    }

    #[test]
    fn every_route_gets_a_file_and_the_start_page_is_index_html() {
        let pages = pages();
        assert_eq!(pages.len(), Route::CHAPTER.len() + 1);
        let file = |r: Route| pages.iter().find(|p| p.route == r).map(|p| p.file.clone());
        assert_eq!(file(Route::Home).as_deref(), Some("index.html"));
        assert_eq!(file(Route::Frames).as_deref(), Some("frames.html"));
        assert_eq!(file(Route::NotFound).as_deref(), Some("404.html"));
    }

    #[test]
    fn the_page_goes_inside_the_prerendered_element_and_the_title_is_escaped() {
        let frames = &pages()[4];
        assert_eq!(frames.route, Route::Frames);
        let page = fill(
            TEMPLATE,
            frames,
            "Frames & masking <5>",
            "<article>lesson</article>",
        )
        .unwrap();
        assert!(page.contains(
            r#"<div id="prerendered" data-page="/frames"><article>lesson</article></div>"#
        ));
        // The frame lab's wasm is fetched while the page parses.
        assert!(page.contains(
            r#"<link rel="preload" href="/wslab-frames_bg.wasm" as="fetch" type="application/wasm" crossorigin fetchpriority="low" /> </head>"#
        ));
        assert!(!page.contains("modulepreload"));
        assert!(!page.contains("needs JS"));
        assert!(page.contains("<title>Frames &amp; masking &lt;5&gt;</title>"));
        assert!(page.contains(r#"<div id="app" hidden></div>"#));
    }

    #[test]
    fn the_service_worker_cache_changes_with_any_file_of_the_build() {
        let site = vec![
            ("index.html".to_owned(), b"<html>".to_vec()),
            ("wslab_bg.wasm".to_owned(), vec![0, 97, 115, 109]),
        ];
        let digest = site_digest(&site);
        assert_eq!(digest.len(), 16);
        let mut reordered = site.clone();
        reordered.reverse();
        assert_eq!(
            site_digest(&reordered),
            digest,
            "the order files are read in"
        );
        let mut changed = site.clone();
        changed[1].1[3] = 0;
        assert_ne!(site_digest(&changed), digest);
        let mut renamed = site.clone();
        renamed[0].0 = "other.html".into();
        assert_ne!(site_digest(&renamed), digest);
        let sw = name_service_worker_cache(include_str!("../assets/sw.js"), &digest).unwrap();
        assert!(sw.contains(&format!("const CACHE = \"wslab-{digest}\";")));
        assert!(
            name_service_worker_cache(&sw, &digest).is_err(),
            "named once"
        );
    }

    #[test]
    fn scripts_ship_without_their_comment_lines_and_nothing_else_changes() {
        let boot = include_str!("../assets/boot.js");
        let shipped = without_comments(boot);
        assert!(shipped.len() < boot.len() * 3 / 4, "{shipped}");
        assert!(!shipped.lines().any(|l| l.starts_with("//")));
        let code: Vec<&str> = boot
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("//"))
            .collect();
        assert_eq!(shipped.lines().collect::<Vec<_>>(), code);
        assert_eq!(without_comments("a // b\n  // c\n\nd"), "a // b\nd\n");
    }

    #[test]
    fn a_template_without_its_element_is_refused_with_the_reason() {
        let home = &pages()[0];
        let err = fill("<html><title>x</title></html>", home, "t", "b").unwrap_err();
        assert!(err.contains("once, not 0 times"), "{err}");
        let twice = TEMPLATE.replace("</body>", r#"<div id="prerendered"></div></body>"#);
        assert!(
            fill(&twice, home, "t", "b")
                .unwrap_err()
                .contains("not 2 times")
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn render_now(path: &str) -> String {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(render(path))
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn every_page_renders_natively_with_its_heading_and_navigation() {
        for page in pages() {
            let html = render_now(&page.path);
            assert!(
                html.contains(r#"<nav aria-label="Chapter""#),
                "{}",
                page.path
            );
            assert!(html.contains("<h1>"), "{}: {html}", page.path);
            assert!(!html.contains("<script"), "{}", page.path);
            assert!(!html.contains(" style="), "{}", page.path);
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn lessons_are_in_the_html_and_labs_say_they_need_javascript() {
        let heartbeats = render_now("/heartbeats");
        assert!(heartbeats.contains("Ping and pong"), "{heartbeats}");
        assert!(!heartbeats.contains("<noscript>"));
        let frames = render_now("/frames");
        assert!(frames.contains("Lesson: Frames, opcodes and masking"));
        assert!(frames.contains("<noscript><p class=\"notice needs-js\">"));
        // The computed examples are computed here too.
        assert!(
            frames.contains("81 85 37 fa 21 3d 7f 9f 4d 51 58"),
            "the RFC's masked Hello"
        );
        let live = render_now("/live");
        assert!(live.contains("Turn on JavaScript"));
    }

    #[test]
    fn the_service_worker_keeps_every_page_but_the_404() {
        let script = "const CACHE = \"x\";\nconst PAGES = [\"/\"];\n";
        let filled = fill_service_worker(script, &pages()).unwrap();
        assert!(
            filled.contains(r#"const PAGES = ["/", "/handshake","#),
            "{filled}"
        );
        assert!(!filled.contains("404"));
        assert!(fill_service_worker("nothing", &pages()).is_err());
    }
}
