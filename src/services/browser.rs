//! Small platform services: secure randomness, the clipboard, the clock.

/// `N` bytes from `crypto.getRandomValues`, the browser's secure random source.
/// Falls back to `Math.random` only when no `crypto` object exists.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
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

/// Copies text to the clipboard (asynchronously; failures are ignored: the
/// text stays visible and selectable on the page).
pub fn copy_text(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

/// The page's `location.protocol`, e.g. "https:".
pub fn page_protocol() -> String {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .unwrap_or_default()
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
