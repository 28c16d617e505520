//! Small platform services: secure randomness, the clipboard, the clock,
//! storage and the address bar.
//!
//! The functions a component calls *while rendering* (randomness, storage,
//! the page's protocol and fragment) also work natively, where
//! `wslab-prerender` renders every page to HTML at build time: there they
//! answer as a first visit would (nothing stored, no fragment) and the
//! randomness is a fixed pattern, replaced as soon as the app runs.

/// True in the browser; false where pages are rendered natively.
const IN_BROWSER: bool = cfg!(target_arch = "wasm32");

/// `N` bytes from `crypto.getRandomValues`, the browser's secure random source.
/// Falls back to `Math.random` only when no `crypto` object exists.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if !IN_BROWSER {
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37).wrapping_add(11);
        }
        return bytes;
    }
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// Where wslab-echo runs unless the page is told otherwise.
pub const DEFAULT_ECHO_BASE: &str = "ws://127.0.0.1:9001";

/// wslab-echo's base URL (`ws://host:port`) for the pages' defaults: what
/// the page was served with (`<meta name="wslab-echo">`, which
/// `wslab-prerender` writes from `WSLAB_ECHO_URL`: `cargo xtask serve
/// --echo-port` sets it), or when prerendering that variable itself;
/// [`DEFAULT_ECHO_BASE`] when neither says, or says something that is not
/// a ws:// or wss:// origin.
pub fn echo_base() -> String {
    let given = if IN_BROWSER {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("meta[name=wslab-echo]").ok().flatten())
            .and_then(|m| m.get_attribute("content"))
    } else {
        std::env::var("WSLAB_ECHO_URL").ok()
    };
    given
        .filter(|b| is_echo_base(b))
        .unwrap_or_else(|| DEFAULT_ECHO_BASE.to_owned())
}

/// Whether `text` is a ws:// or wss:// origin: scheme, host, optional port,
/// nothing after. `wslab-prerender` checks `WSLAB_ECHO_URL` with `wire::uri`'s
/// parser before it writes the meta; the page only checks that the meta
/// still reads as such an origin ([`looks_like_origin`]), so the lab builds
/// that read it do not carry the whole URI parser.
pub fn is_echo_base(text: &str) -> bool {
    if IN_BROWSER {
        return looks_like_origin(text);
    }
    wire::uri::parse_uri(text).is_ok_and(|u| {
        !u.mapped_from_http()
            && u.path == "/"
            && u.query.is_none()
            && u.userinfo.is_none()
            && !text.trim_end().ends_with('/')
    })
}

/// A WebSocket URL's parts as `new WebSocket` reads it: the scheme (`ws` or
/// `wss`, `http` and `https` mapped to them), the Host header's value (the
/// host, with the port only when it is not the scheme's default) and the
/// resource name (path and query); `None` for a URL the browser refuses (not
/// absolute, another scheme, a fragment). In the browser its own URL parser
/// reads it, so the live page carries no URI parser; natively (the
/// prerenderer, the tests) `wire::uri`'s, which a browser test holds to the
/// browser's on a table of URLs ([`ws_url_parts_by_wire`]).
pub fn ws_url_parts(url: &str) -> Option<WsUrlParts> {
    if !IN_BROWSER {
        return ws_url_parts_by_wire(url);
    }
    let parsed = web_sys::Url::new(url).ok()?;
    let scheme = match parsed.protocol().as_str() {
        "ws:" | "http:" => "ws",
        "wss:" | "https:" => "wss",
        _ => return None,
    };
    if parsed.href().contains('#') {
        return None;
    }
    Some(WsUrlParts {
        scheme,
        host: parsed.host(),
        resource: format!("{}{}", parsed.pathname(), parsed.search()),
    })
}

/// What [`ws_url_parts`] reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WsUrlParts {
    /// `ws` or `wss`.
    pub scheme: &'static str,
    /// The Host header's value.
    pub host: String,
    /// The path and the query.
    pub resource: String,
}

/// [`ws_url_parts`] by `wire::uri`'s parser.
pub fn ws_url_parts_by_wire(url: &str) -> Option<WsUrlParts> {
    let uri = wire::uri::parse_uri(url).ok()?;
    Some(WsUrlParts {
        scheme: uri.scheme(),
        host: uri.host_header(),
        resource: uri.resource_name(),
    })
}

/// `ws://` or `wss://` and a host (letters, digits, `.`, `-`, or an IPv6
/// address in brackets) with an optional port, nothing else; a test holds it
/// to `wire::uri`'s check on a table of origins and near misses.
pub fn looks_like_origin(text: &str) -> bool {
    let Some(authority) = text
        .strip_prefix("ws://")
        .or_else(|| text.strip_prefix("wss://"))
    else {
        return false;
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port))
            if !host.ends_with(':')
                && (host.starts_with('[') == host.ends_with(']'))
                && !port.contains(']') =>
        {
            (host, Some(port))
        }
        _ => (authority, None),
    };
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => {
            !v6.is_empty()
                && v6
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        }
        None => {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        }
    };
    let port_ok = port.is_none_or(|p| {
        // An empty port is the scheme's own (as the URL standard reads it).
        p.is_empty() || (p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok())
    });
    host_ok && port_ok
}

/// Copies text to the clipboard (asynchronously; failures are ignored: the
/// text stays visible and selectable on the page).
pub fn copy_text(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

/// A part of the page's `location`, or `native` when prerendering.
fn location_part(
    read: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>,
    native: &str,
) -> String {
    if !IN_BROWSER {
        return native.to_owned();
    }
    web_sys::window()
        .and_then(|w| read(&w.location()).ok())
        .unwrap_or_else(|| native.to_owned())
}

/// The page's `location.protocol`, e.g. "https:" (empty when prerendering).
pub fn page_protocol() -> String {
    location_part(web_sys::Location::protocol, "")
}

/// The page's address without its query and fragment, e.g.
/// "https://wslab.example/uris" (empty when prerendering).
pub fn page_address() -> String {
    let origin = location_part(web_sys::Location::origin, "");
    let path = location_part(web_sys::Location::pathname, "");
    if origin.is_empty() {
        String::new()
    } else {
        format!("{origin}{path}")
    }
}

/// The page's `location.hash`, with its `#` (empty when prerendering).
pub fn location_hash() -> String {
    location_part(web_sys::Location::hash, "")
}

/// Sets the address bar's fragment (`#…`, never sent to a server) and
/// returns the whole address it makes.
pub fn set_location_hash(hash: &str) -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    let _ = location.set_hash(hash);
    location.href().unwrap_or_default()
}

/// The page's `location.search`, e.g. "?lesson=frames" (empty when
/// prerendering).
pub fn location_search() -> String {
    location_part(web_sys::Location::search, "")
}

/// Replaces the address bar's path and query (history *replace*: the back
/// button does not fill up), without loading anything.
pub fn replace_address(path_and_query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ =
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path_and_query));
    }
}

/// Adds `path_and_query` to the tab's history and shows it in the address
/// bar, without loading anything: a move to another page the running build
/// holds (the back button returns; see [`on_popstate`]).
pub fn push_address(path_and_query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path_and_query));
    }
}

/// Scrolls the window to the top: where a page moved to in the page starts,
/// as a loaded page does.
pub fn scroll_to_top() {
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Loads `url` as the next page.
pub fn load(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}

/// A listener on the window, removed when dropped.
pub struct WindowListener {
    event: &'static str,
    handler: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for WindowListener {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                self.event,
                self.handler.as_ref().unchecked_ref(),
            );
        }
    }
}

/// Calls `moved` each time the back or forward button moves between history
/// entries of this same document (`popstate`: the ones [`push_address`]
/// made), for as long as the returned listener lives.
pub fn on_popstate(moved: yew::Callback<()>) -> Option<WindowListener> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let handler = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
        move |_: web_sys::Event| moved.emit(()),
    );
    window
        .add_event_listener_with_callback("popstate", handler.as_ref().unchecked_ref())
        .ok()?;
    Some(WindowListener {
        event: "popstate",
        handler,
    })
}

/// The page's `location.pathname` ("/" when prerendering).
pub fn location_path() -> String {
    location_part(web_sys::Location::pathname, "/")
}

/// Loads the page's address again, once per address in this tab: returns
/// false, without loading, when the last such reload was of this same
/// address (so a page that keeps coming back does not reload forever).
pub fn reload_once() -> bool {
    const KEY: &str = "wslab-reloaded";
    let Some(window) = web_sys::window() else {
        return false;
    };
    let here = window.location().href().unwrap_or_default();
    let session = window.session_storage().ok().flatten();
    let last = session
        .as_ref()
        .and_then(|s| s.get_item(KEY).ok().flatten());
    if last.as_deref() == Some(here.as_str()) {
        if let Some(s) = &session {
            let _ = s.remove_item(KEY);
        }
        return false;
    }
    if let Some(s) = &session {
        let _ = s.set_item(KEY, &here);
    }
    window.location().reload().is_ok()
}

/// The page's element with this id.
pub fn element(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

/// A deep copy of the element with this id inside the prerendered page
/// (`#prerendered`, which the app removes once it shows itself), for a build
/// that shows that part as it was prerendered. None natively, or when the
/// page holds no such element.
pub fn prerendered_copy(id: &str) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    let found = element(crate::app::PRERENDERED_ID)?
        .query_selector(&format!("#{id}"))
        .ok()??;
    found.clone_node_with_deep(true).ok()?.dyn_into().ok()
}

/// Replaces the first element inside `root` that matches `selector` with an
/// empty `<span>` and returns it: where a running component is rendered in
/// place of its prerendered markup. None when nothing matches.
pub fn empty_slot_for(root: &web_sys::Element, selector: &str) -> Option<web_sys::Element> {
    let old = root.query_selector(selector).ok()??;
    let slot = web_sys::window()?.document()?.create_element("span").ok()?;
    old.replace_with_with_node_1(&slot).ok()?;
    Some(slot)
}

/// For a click inside kept prerendered markup: when it was on a code
/// sample's copy button (`.code-block button.copy`), copies the sample's
/// code and puts `copied` on the button, as `CopyButton` does.
pub fn copy_code_sample(event: &web_sys::MouseEvent, copied: &str) {
    use wasm_bindgen::JsCast;
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Some(button) = target.closest(".code-block button.copy").ok().flatten() else {
        return;
    };
    let code = button
        .closest(".code-block")
        .ok()
        .flatten()
        .and_then(|block| block.query_selector("pre code").ok().flatten())
        .and_then(|code| code.text_content());
    if let Some(code) = code {
        copy_text(&code);
        button.set_text_content(Some(copied));
    }
}

/// Scrolls the element with this id into view and focuses it: where a link
/// to one part of a page lands. Nothing when there is no such element.
pub fn bring_into_view(id: &str) {
    if let Some(el) = element(id) {
        el.scroll_into_view_with_bool(true);
        focus(id);
    }
}

/// Scrolls the list with this id, when it scrolls sideways (the chapter
/// navigation on a phone, one row), so that its item matching `item` sits in
/// its middle (or as near as the list's ends allow). The list must be the
/// item's offset parent (positioned, in the stylesheet). Nothing when the
/// list fits or has no such item; the page itself does not move.
pub fn center_sideways(list: &str, item: &str) {
    use wasm_bindgen::JsCast;
    let Some(list) = element(list) else { return };
    let Some(Ok(item)) = list
        .query_selector(item)
        .ok()
        .flatten()
        .map(|e| e.dyn_into::<web_sys::HtmlElement>())
    else {
        return;
    };
    if list.scroll_width() > list.client_width() {
        list.set_scroll_left(item.offset_left() - (list.client_width() - item.offset_width()) / 2);
    }
}

/// Whether the element with this id is there and can take focus now: not
/// inside a part still waiting for its code (`components::later`, inert).
pub fn focusable(id: &str) -> bool {
    element(id).is_some_and(|e| e.closest("[inert]").ok().flatten().is_none())
}

/// Focuses the element with this id (nothing when there is none).
pub fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(Ok(el)) = element(id).map(|e| e.dyn_into::<web_sys::HtmlElement>()) {
        let _ = el.focus();
    }
}

/// Sets (or, with `None`, removes) an attribute of the document's root element.
pub fn set_root_attribute(name: &str, value: Option<&str>) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = match value {
            Some(v) => root.set_attribute(name, v),
            None => root.remove_attribute(name),
        };
    }
}

/// Asks the learner to confirm `question` (the browser's own dialog); true
/// when there is no dialog to ask with.
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(true)
}

/// Sets the tab's title.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// The value saved under `key` in `localStorage`, if any (none when
/// prerendering, or when storage is unavailable).
pub fn stored(key: &str) -> Option<String> {
    if !IN_BROWSER {
        return None;
    }
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// Saves `value` under `key` in `localStorage`; failures (storage full or
/// refused) are ignored: the state stays in memory for this visit.
pub fn store(key: &str, value: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(key, value);
    }
}

/// Reads a file the learner chose and calls `done` with its name and bytes.
pub fn read_file(file: web_sys::File, done: yew::Callback<(String, Vec<u8>)>) {
    let name = file.name();
    let promise = file.array_buffer();
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(promise).await {
            done.emit((name, js_sys::Uint8Array::new(&buffer).to_vec()));
        }
    });
}

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A `blob:` URL for bytes (for showing a received image); revoke it when done.
pub fn blob_url(bytes: &[u8], mime: &str) -> Option<String> {
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// Saves bytes as a file the browser downloads.
pub fn download(name: &str, mime: &str, bytes: &[u8]) {
    use wasm_bindgen::JsCast;
    let Some(url) = blob_url(bytes, mime) else {
        return;
    };
    if let Some(a) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[cfg(test)]
mod tests {
    use super::{is_echo_base, looks_like_origin};

    #[test]
    fn the_pages_light_origin_check_agrees_with_the_uri_parser() {
        // Natively `is_echo_base` is `wire::uri`'s full check, which
        // `wslab-prerender` applies before it writes the meta.
        for text in [
            "ws://127.0.0.1:9001",
            "wss://example.org",
            "ws://[::1]:9001",
            "ws://[::1]",
            "ws://localhost:65535",
            "ws://h:1",
            "ws://127.0.0.1:9001/",
            "ws://127.0.0.1:9001/echo",
            "ws://127.0.0.1:9001?x",
            "ws://u@h:1",
            "http://h:1",
            "ws://",
            "ws://h:",
            "ws://h:99999",
            "ws://h:1:2",
            "ws://a b",
            "ws://[::1",
            "wss://sub-domain.example.org:443",
            "",
        ] {
            assert_eq!(looks_like_origin(text), is_echo_base(text), "{text:?}");
        }
    }
}
