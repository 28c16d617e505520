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
