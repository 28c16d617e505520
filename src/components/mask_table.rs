//! Masking as arithmetic (RFC 6455 §5.3): each payload byte, the key byte it
//! is XORed with (i mod 4), and the result.

use yew::prelude::*;

use crate::components::hex_dump::Bytes;

/// Rows shown; the rule is the same for every byte.
const ROWS: usize = 16;

/// Props of [`MaskTable`].
#[derive(Properties, PartialEq)]
pub struct MaskTableProps {
    /// The payload, unmasked.
    pub payload: Bytes,
    /// The masking key.
    pub mask_key: [u8; 4],
}

fn show(b: u8) -> String {
    if (0x21..0x7f).contains(&b) {
        format!("{b:02x} '{}'", b as char)
    } else {
        format!("{b:02x}")
    }
}

/// The first bytes of the payload, masked one by one.
#[function_component(MaskTable)]
pub fn mask_table(props: &MaskTableProps) -> Html {
    let payload = &props.payload.0;
    let rows = payload.iter().take(ROWS).enumerate().map(|(i, &b)| {
        let k = props.mask_key[i % 4];
        html! {
            <tr>
                <td>{ i }</td>
                <td><code>{ show(b) }</code></td>
                <td>{ format!("key[{}]", i % 4) }</td>
                <td><code>{ format!("{k:02x}") }</code></td>
                <td><code>{ format!("{:08b} ⊕ {:08b} = {:08b}", b, k, b ^ k) }</code></td>
                <td><code>{ format!("{:02x}", b ^ k) }</code></td>
            </tr>
        }
    });
    html! {
        <div class="table-scroll">
            <table class="mask-table" id="mask-table">
                <caption>{ "Payload byte i XOR masking-key byte (i mod 4). XOR again with the same key to unmask." }</caption>
                <thead>
                    <tr><th scope="col">{ "i" }</th><th scope="col">{ "payload" }</th><th scope="col">{ "i mod 4" }</th>
                        <th scope="col">{ "key byte" }</th><th scope="col">{ "bits" }</th><th scope="col">{ "on the wire" }</th></tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
            if payload.len() > ROWS {
                <p class="muted">{ format!("… and {} more bytes, masked the same way.", payload.len() - ROWS) }</p>
            }
        </div>
    }
}
