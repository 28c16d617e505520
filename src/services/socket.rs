//! A browser WebSocket (web-sys) with its events turned into a Yew callback.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};
use yew::Callback;

use crate::state::console::ReadyState;

/// What the browser reports about a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketEvent {
    /// The opening handshake succeeded: readyState is OPEN.
    Open,
    /// A text message arrived.
    Text(String),
    /// A binary message arrived.
    Binary(Vec<u8>),
    /// The browser fired `error`. It never says why (a page must not learn
    /// whether a host or port exists); a `Closed` event follows.
    Error,
    /// The connection is closed: readyState is CLOSED.
    Closed {
        /// The close code the browser reports (1006 when no close frame came).
        code: u16,
        /// The close reason, possibly empty.
        reason: String,
        /// Whether the closing handshake completed.
        was_clean: bool,
    },
}

type Handler<T> = Closure<dyn FnMut(T)>;

/// An open (or opening) browser WebSocket. Dropping it detaches the handlers
/// and closes the connection.
pub struct Socket {
    ws: WebSocket,
    _on_open: Handler<Event>,
    _on_message: Handler<MessageEvent>,
    _on_error: Handler<Event>,
    _on_close: Handler<CloseEvent>,
}

impl Socket {
    /// Opens a WebSocket to `url`. The constructor's exception (for example a
    /// URL that is not ws://, wss://, http:// or https://) comes back as text.
    pub fn open(url: &str, on_event: Callback<SocketEvent>) -> Result<Self, String> {
        Self::open_with(url, &[], on_event)
    }

    /// Opens a WebSocket offering `protocols` (Sec-WebSocket-Protocol).
    pub fn open_with(
        url: &str,
        protocols: &[String],
        on_event: Callback<SocketEvent>,
    ) -> Result<Self, String> {
        let ws = if protocols.is_empty() {
            WebSocket::new(url)
        } else {
            let list = js_sys::Array::new();
            for p in protocols {
                list.push(&wasm_bindgen::JsValue::from_str(p));
            }
            WebSocket::new_with_str_sequence(url, &list)
        }
        .map_err(js_error_text)?;
        ws.set_binary_type(BinaryType::Arraybuffer);

        let cb = on_event.clone();
        let on_open: Handler<Event> = Closure::new(move |_: Event| cb.emit(SocketEvent::Open));
        let cb = on_event.clone();
        let on_message: Handler<MessageEvent> = Closure::new(move |e: MessageEvent| {
            let data = e.data();
            if let Some(text) = data.as_string() {
                cb.emit(SocketEvent::Text(text));
            } else if let Ok(buf) = data.dyn_into::<js_sys::ArrayBuffer>() {
                cb.emit(SocketEvent::Binary(js_sys::Uint8Array::new(&buf).to_vec()));
            }
        });
        let cb = on_event.clone();
        let on_error: Handler<Event> = Closure::new(move |_: Event| cb.emit(SocketEvent::Error));
        let cb = on_event;
        let on_close: Handler<CloseEvent> = Closure::new(move |e: CloseEvent| {
            cb.emit(SocketEvent::Closed {
                code: e.code(),
                reason: e.reason(),
                was_clean: e.was_clean(),
            })
        });

        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));

        Ok(Self {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_error: on_error,
            _on_close: on_close,
        })
    }

    /// Sends a text message.
    pub fn send_text(&self, text: &str) -> Result<(), String> {
        self.ws.send_with_str(text).map_err(js_error_text)
    }

    /// Sends a binary message.
    pub fn send_bytes(&self, bytes: &[u8]) -> Result<(), String> {
        self.ws.send_with_u8_array(bytes).map_err(js_error_text)
    }

    /// Starts the closing handshake. With no code, `close()`: a Close frame
    /// with no status, which the other side reports as 1005. With a code, the
    /// browser throws for codes other than 1000 and 3000–4999 and for reasons
    /// over 123 bytes (WHATWG WebSockets, `close()`).
    pub fn close(&self, code: Option<u16>, reason: &str) -> Result<(), String> {
        match code {
            None => self.ws.close(),
            Some(code) => self.ws.close_with_code_and_reason(code, reason),
        }
        .map_err(js_error_text)
    }

    /// Bytes queued by send() but not yet handed to the network.
    pub fn buffered_amount(&self) -> u32 {
        self.ws.buffered_amount()
    }

    /// The subprotocol the server chose ("" for none).
    pub fn protocol(&self) -> String {
        self.ws.protocol()
    }

    /// The extensions the server accepted ("" for none).
    pub fn extensions(&self) -> String {
        self.ws.extensions()
    }

    /// readyState.
    pub fn ready_state(&self) -> ReadyState {
        ReadyState::from_number(self.ws.ready_state())
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onerror(None);
        self.ws.set_onclose(None);
        // Closing an already closed socket is a no-op, not an error.
        let _ = self.ws.close();
    }
}

/// The text of a JavaScript exception, e.g. "SyntaxError: Failed to construct
/// 'WebSocket': The URL's scheme must be either 'http', 'https', 'ws', or 'wss'."
fn js_error_text(err: wasm_bindgen::JsValue) -> String {
    err.dyn_ref::<js_sys::Error>()
        .map(|e| format!("{}: {}", String::from(e.name()), String::from(e.message())))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| format!("{err:?}"))
}
