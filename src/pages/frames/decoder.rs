//! The frame lab's second part: pasted bytes read as a receiver reads them,
//! with `wire::session::FrameReader` — the reader the live wire view and
//! `/illustrated` use — and every frame described by [`FrameLine`].

use std::rc::Rc;

use yew::prelude::*;

use super::checkbox;
use crate::components::form::value_of;
use crate::components::{Bytes, FrameLine, HexDump};
use crate::state::frames::sender_name;
use wire::Role;
use wire::decode::DecodeOptions;
use wire::examples::rfc_5_7;
use wire::hex::{parse_hex, to_hex};
use wire::message::{Event as WsEvent, Reassembler};
use wire::opcode::OpCode;
use wire::session::{Content, FrameReader, Record};
use wire::tap::Direction;

/// Decoded frames listed before the rest is counted.
const MAX_FRAMES_SHOWN: usize = 50;

/// Pasted bytes, read: each record with the offset of its first byte, and
/// the start of a frame still waiting for more (its offset, bytes due).
#[derive(PartialEq)]
struct Reading {
    records: Vec<(usize, Rc<Record>)>,
    waiting: Option<(usize, u64)>,
}

impl Reading {
    fn of(bytes: &[u8], sender: Option<Role>, deflate: bool) -> Reading {
        let from = match sender {
            Some(Role::Server) => Direction::FromServer,
            _ => Direction::FromClient,
        };
        let opts = DecodeOptions {
            sender,
            ..DecodeOptions::default()
        }
        .with_deflate(deflate);
        let mut reader = FrameReader::new(from, opts);
        let mut at = 0;
        let records = reader
            .push(0, bytes)
            .into_iter()
            .map(|r| {
                let start = at;
                at += r.bytes.len();
                (start, Rc::new(r))
            })
            .collect();
        let waiting = reader
            .waiting()
            .map(|(have, needed)| (bytes.len() - have, needed));
        Reading { records, waiting }
    }

    fn frames(&self) -> impl Iterator<Item = &(usize, Rc<Record>)> {
        self.records
            .iter()
            .filter(|(_, r)| matches!(r.content, Content::Frame(_)))
    }

    /// The rule broken, with its byte counted from the first byte pasted.
    fn broken(&self) -> Option<wire::decode::FrameError> {
        self.records.iter().find_map(|(at, r)| match &r.content {
            Content::Broken(e) => Some(wire::decode::FrameError {
                offset: e.offset + at,
                ..e.clone()
            }),
            _ => None,
        })
    }

    /// The messages the frames make, or the first error (with its close
    /// code): compressed ones as the reader inflated them, the rest put
    /// together by the reassembler.
    fn messages(&self) -> Vec<Result<WsEvent, (String, u16)>> {
        let mut reassembler = Reassembler::new(u64::MAX);
        let mut out = Vec::new();
        for (_, r) in self.frames() {
            let Content::Frame(f) = &r.content else {
                continue;
            };
            let event = if let Some(m) = &r.inflated {
                match (m.opcode, &m.message) {
                    (_, Err(e)) => Err((e.to_string(), e.close_code())),
                    (OpCode::Text, Ok(bytes)) => String::from_utf8(bytes.clone())
                        .map(WsEvent::Text)
                        .map_err(|_| {
                            (
                                "the inflated text is not valid UTF-8 (RFC 6455 §8.1)".to_owned(),
                                1007,
                            )
                        }),
                    (_, Ok(bytes)) => Ok(WsEvent::Binary(bytes.clone())),
                }
            } else if r.compressed {
                // A compressed message still arriving: the reader inflates it at its FIN.
                continue;
            } else {
                match reassembler.push(f.frame.clone()) {
                    Ok(Some(event)) => Ok(event),
                    Ok(None) => continue,
                    Err(e) => Err((e.to_string(), e.close_code())),
                }
            };
            let failed = event.is_err();
            out.push(event);
            if failed {
                break;
            }
        }
        out
    }
}

/// Props of [`Decoder`].
#[derive(Properties, PartialEq)]
pub struct DecoderProps {
    /// The bytes, as typed.
    pub hex: AttrValue,
    /// Who sent them; `None` skips the masking rule.
    pub sender: Option<Role>,
    /// permessage-deflate agreed: RSV1 allowed on first frames, compressed messages inflated.
    pub deflate: bool,
    /// The bytes changed.
    pub on_hex: Callback<String>,
    /// The deflate box changed.
    pub on_deflate: Callback<bool>,
    /// The sender changed.
    pub on_sender: Callback<Option<Role>>,
}

/// Pasted bytes taken apart, frame by frame.
#[function_component(Decoder)]
pub fn decoder(props: &DecoderProps) -> Html {
    let parsed = use_memo(props.hex.clone(), |hex| parse_hex(hex).map(Bytes::from));
    let reading = use_memo(
        ((*parsed).clone().ok(), props.sender, props.deflate),
        |(bytes, sender, deflate)| bytes.as_ref().map(|b| Reading::of(&b.0, *sender, *deflate)),
    );
    let on_sender = props.on_sender.reform(|e: Event| value_of(&e).parse().ok());
    let examples = rfc_5_7().into_iter().enumerate().map(|(i, ex)| {
        let (on_hex, on_sender) = (props.on_hex.clone(), props.on_sender.clone());
        let (hex, sender) = (to_hex(&ex.bytes), ex.sender);
        let onclick = Callback::from(move |_: MouseEvent| {
            on_sender.emit(Some(sender));
            on_hex.emit(hex.clone());
        });
        html! { <li><button type="button" class="link" id={format!("example-{i}")} {onclick}>{ ex.name }</button></li> }
    });
    let body = match &*parsed {
        Err(e) => {
            html! { <p class="bad-text" id="decoder-status" role="alert">{ format!("Not hex: {e}.") }</p> }
        }
        Ok(bytes) => {
            html! { <DecoderOutput bytes={bytes.clone()} reading={reading.clone()} show_from={props.sender.is_some()} /> }
        }
    };
    html! {
        <section class="card" id="decoder" aria-labelledby="decoder-title">
            <h2 id="decoder-title">{ "Take bytes apart" }</h2>
            <p class="muted">{ "Paste bytes as hex: spaces, newlines, commas and 0x are all fine. Frames are read one after another, as a receiver reads them." }</p>
            <label for="decoder-hex" class="sr-only">{ "Bytes to decode, in hex" }</label>
            <textarea id="decoder-hex" rows="4" spellcheck="false" value={props.hex.clone()}
                oninput={props.on_hex.reform(|e: InputEvent| value_of(&e))} />
            { checkbox("decoder-deflate", "permessage-deflate agreed: RSV1 on a message's first frame, compressed messages inflated", props.deflate, props.on_deflate.clone()) }
            <div class="row">
                <label for="decoder-sender">{ "Sent by" }</label>
                <select id="decoder-sender" onchange={on_sender}>
                    <option value={Role::Client.as_str()} selected={props.sender == Some(Role::Client)}>{ "client (frames must be masked)" }</option>
                    <option value={Role::Server.as_str()} selected={props.sender == Some(Role::Server)}>{ "server (frames must not be masked)" }</option>
                    <option value={sender_name(None)} selected={props.sender.is_none()}>{ "either (skip the masking rule)" }</option>
                </select>
            </div>
            <details class="examples">
                <summary>{ "RFC 6455 §5.7 examples" }</summary>
                <ul>{ for examples }</ul>
            </details>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DecoderOutputProps {
    bytes: Bytes,
    reading: Rc<Option<Reading>>,
    show_from: bool,
}

/// What the decoder read: the status, the frames, the messages, the bytes.
#[function_component(DecoderOutput)]
fn decoder_output(props: &DecoderOutputProps) -> Html {
    let Some(reading) = props.reading.as_ref() else {
        return html! {};
    };
    let bytes = &props.bytes;
    let headers: Vec<std::ops::Range<usize>> = reading
        .frames()
        .filter_map(|(at, r)| match &r.content {
            Content::Frame(f) => Some(*at..*at + f.header.encoded_len()),
            _ => None,
        })
        .collect();
    let broken = reading.broken();
    let frames = reading.frames().count();
    let status = match (&broken, reading.waiting) {
        (Some(e), _) => {
            html! { <p class="bad-text" id="decoder-status" role="alert">{ e.to_string() }</p> }
        }
        (None, Some((offset, needed))) => html! {
            <p class="bad-text" id="decoder-status">{ format!("The frame at byte {offset} is incomplete: {needed} more byte(s) needed{}.", if needed <= 2 && bytes.0.len() - offset < 2 { " at least" } else { "" }) }</p>
        },
        (None, None) if bytes.0.is_empty() => {
            html! { <p class="muted" id="decoder-status">{ "Paste some bytes to decode." }</p> }
        }
        (None, None) => {
            html! { <p class="ok-text" id="decoder-status">{ format!("{frames} frame(s), every byte accounted for.") }</p> }
        }
    };
    let messages = reading.messages();
    html! {
        <>
            { status }
            <ol class="decoded" id="decoder-frames">
                { for reading.frames().take(MAX_FRAMES_SHOWN).map(|(at, r)| html! {
                    <li>
                        <strong>{ format!("Frame at byte {at}: ") }</strong>
                        <FrameLine record={r.clone()} show_from={props.show_from} />
                        if let Content::Frame(f) = &r.content {
                            { for f.warnings.iter().map(|w| html! { <p class="warn">{ w.to_string() }</p> }) }
                        }
                    </li>
                }) }
            </ol>
            if frames > MAX_FRAMES_SHOWN {
                <p class="muted">{ format!("… and {} more frames.", frames - MAX_FRAMES_SHOWN) }</p>
            }
            if !messages.is_empty() {
                <h3>{ "Messages" }</h3>
                <ul id="decoder-messages">
                    { for messages.iter().take(MAX_FRAMES_SHOWN).map(|m| match m {
                        Ok(WsEvent::Text(t)) => html! { <li>{ format!("text: {}", wire::describe::quote(t.as_bytes())) }</li> },
                        Ok(WsEvent::Binary(b)) => html! { <li>{ format!("binary: {} bytes", b.len()) }</li> },
                        Ok(WsEvent::Ping(p)) => html! { <li>{ format!("ping: {} bytes (the receiver answers with a pong carrying them)", p.len()) }</li> },
                        Ok(WsEvent::Pong(p)) => html! { <li>{ format!("pong: {} bytes", p.len()) }</li> },
                        Ok(WsEvent::Close(c)) => html! { <li>{ format!("close: {c}") }</li> },
                        Err((e, code)) => html! { <li class="bad-text">{ format!("{e} (close {code})") }</li> },
                    }) }
                </ul>
            }
            <HexDump id="decoder-hex-dump" bytes={bytes.clone()} {headers} error_at={broken.map(|e| e.offset)} />
        </>
    }
}
