//! The live console's message log: every message sent and received, with
//! its size on the wire and, for an echo, the round trip.

use yew::prelude::*;

use crate::components::{Bytes, HexDump};
use crate::services::browser::blob_url;
use crate::state::console::{Entry, Payload, tenth_ms, whole_ms};
use wire::tap::Direction;

/// Whether a received binary message is an image, and of which type.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [0xff, 0xd8, 0xff, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        _ => None,
    }
}

/// Props of [`MessageLog`].
#[derive(Properties, PartialEq)]
pub struct MessageLogProps {
    /// The entries, oldest first.
    pub entries: Vec<Entry>,
    /// Whether permessage-deflate was negotiated: frame sizes are then
    /// those of uncompressed frames, an upper bound.
    #[prop_or_default]
    pub deflate: bool,
}

/// The message log as a list.
#[function_component(MessageLog)]
pub fn message_log(props: &MessageLogProps) -> Html {
    html! {
        <ol id="echo-log" class="log" aria-live="polite">
            { for props.entries.iter().map(|e| {
                let sent = e.from == Direction::FromClient;
                let meta = format!(
                    "{} {} · {} bytes · {} bytes on the wire{} · at {} ms{}{}",
                    if sent { "→ sent" } else { "← received" }, e.payload.kind(), e.payload.len(),
                    e.payload.frame_size(e.from.sender()),
                    if props.deflate { " if sent uncompressed as one frame (permessage-deflate may shrink it)" } else { " as one frame" },
                    whole_ms(e.at),
                    e.rtt.map(|r| format!(" · round trip {} ms", tenth_ms(r))).unwrap_or_default(),
                    if e.unrequested { " · sent by the server unasked (a greeting?), not an echo" } else { "" },
                );
                let body = match &e.payload {
                    Payload::Text(t) => html! { <span class="content">{ t }</span> },
                    Payload::Binary(b) => html! {
                        <>
                            if let Some(src) = image_type(b).and_then(|m| blob_url(b, m)) { <img class="echoed-image" {src} alt="the image, as echoed" /> }
                            <HexDump id="log-hex" bytes={Bytes(b.clone())} />
                        </>
                    },
                };
                html! {
                    <li class={classes!(if sent { "sent" } else { "received" }, e.unrequested.then_some("unrequested"))}>
                        <span class="meta">{ meta }</span>
                        { body }
                    </li>
                }
            }) }
        </ol>
    }
}
