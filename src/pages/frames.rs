//! The frame lab (`/frames`): build a frame field by field, take bytes apart,
//! and split a message into fragments. Every layout, byte and rule comes from
//! `wire`; the whole state lives in the URL.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::LessonView;
use crate::components::{BitDiagram, Bytes, CopyButton, DeflateLab, HexDump, MaskTable, NeedsJs};
use crate::content::lessons::FRAMES;
use crate::hooks::use_url_state;
use crate::route::Route;
use crate::services::browser::{random_bytes, read_file};
use crate::state::frames::{FramesAction, FramesLab, FramesQuery, PayloadMode, sender_name};
use wire::Role;
use wire::decode::{DecodeOptions, RunEnd, decode_all};
use wire::deflate::{Compressor, InflateStep, MessageInflater};
use wire::examples::rfc_5_7;
use wire::frame::{Frame, LengthForm, layout};
use wire::hex::{parse_hex, to_hex};
use wire::message::{Event as WsEvent, MessageKind, Reassembler, fragment};
use wire::opcode::OpCode;
use wire::rules::violations_agreed;

/// Decoded frames listed before the rest is counted.
const MAX_FRAMES_SHOWN: usize = 50;

fn checkbox(id: &'static str, label: &'static str, checked: bool, on: Callback<bool>) -> Html {
    let onchange = on.reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().checked());
    html! {
        <label class="check" for={id}>
            <input type="checkbox" {id} {checked} {onchange} />{ label }
        </label>
    }
}

/// Hex of the first 64 bytes, with an ellipsis when there are more.
fn short_hex(bytes: &[u8]) -> String {
    let shown = to_hex(&bytes[..bytes.len().min(64)]);
    if bytes.len() > 64 {
        format!("{shown} … ({} bytes)", bytes.len())
    } else {
        shown
    }
}

fn text_value(e: InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn area_value(e: InputEvent) -> String {
    e.target_unchecked_into::<HtmlTextAreaElement>().value()
}

/// The frame lab.
#[function_component(Frames)]
pub fn frames() -> Html {
    let location = use_location();
    let state = use_reducer(|| {
        FramesLab::from_query(
            location
                .and_then(|l| l.query::<FramesQuery>().ok())
                .unwrap_or_default(),
        )
    });
    let too_long = use_url_state(Route::Frames, state.query());

    // The payload and the frame, recomputed only when their inputs change.
    let payload: Result<Bytes, String> = {
        let deps = (
            state.mode,
            state.text.clone(),
            state.hex_payload.clone(),
            state.file.clone().map(|f| f.1),
        );
        (*use_memo(deps, |(mode, text, hex, file)| match mode {
            PayloadMode::Text => Ok(Bytes::from(text.as_bytes().to_vec())),
            PayloadMode::Hex => parse_hex(hex).map(Bytes::from).map_err(|e| e.to_string()),
            PayloadMode::File => Ok(file.clone().unwrap_or_default()),
        }))
        .clone()
    };
    let key: Result<[u8; 4], String> = parse_hex(&state.key_text)
        .map_err(|e| e.to_string())
        .and_then(|b| {
            <[u8; 4]>::try_from(b.as_slice())
                .map_err(|_| format!("the masking key is {} bytes; it must be exactly 4", b.len()))
        });
    let payload_bytes = payload.clone().unwrap_or_default();
    let frame_key = key.clone().unwrap_or([0; 4]);
    let built = use_memo(
        (
            state.fin,
            state.rsv,
            state.opcode,
            state.mask,
            frame_key,
            payload_bytes.clone(),
            state.compress,
        ),
        |(fin, rsv, op, mask, key, payload, compress)| {
            // permessage-deflate: the payload compressed as one message, RSV1 set (RFC 7692 §6, §7.2.1).
            let frame = Frame {
                fin: *fin,
                rsv: [rsv[0] || *compress, rsv[1], rsv[2]],
                opcode: OpCode::from_nibble(*op),
                mask: mask.then_some(*key),
                payload: if *compress {
                    Compressor::new(false).compress(&payload.0)
                } else {
                    payload.0.to_vec()
                },
            };
            let bytes = Bytes::from(frame.encode());
            // The payload as it is masked: compressed, when the builder compresses.
            let sent = if *compress {
                Bytes::from(frame.payload.clone())
            } else {
                payload.clone()
            };
            (frame, bytes, sent)
        },
    );
    let (frame, wire_bytes) = (&built.0, built.1.clone());
    let header = frame.header();
    let header_len = header.encoded_len();
    let broken = violations_agreed(frame, state.sender, state.compress);
    let hovered_range = state
        .hovered
        .and_then(|k| layout(&header).into_iter().find(|f| f.kind == k))
        .map(|f| f.byte_range());

    let set = |make: fn(String) -> FramesAction| {
        let state = state.clone();
        Callback::from(move |v: String| state.dispatch(make(v)))
    };
    let flag = |make: fn(bool) -> FramesAction| {
        let state = state.clone();
        Callback::from(move |v: bool| state.dispatch(make(v)))
    };
    let rsv_flag = |i: usize| {
        let state = state.clone();
        Callback::from(move |v: bool| state.dispatch(FramesAction::Rsv(i, v)))
    };
    let on_opcode = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            state.dispatch(FramesAction::Opcode(v.parse().unwrap_or(1)))
        })
    };
    let on_sender = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            state.dispatch(FramesAction::Sender(v.parse().unwrap_or(Role::Client)))
        })
    };
    let on_mode = |mode: PayloadMode| {
        let state = state.clone();
        Callback::from(move |_: Event| state.dispatch(FramesAction::Mode(mode)))
    };
    let on_random_key = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            state.dispatch(FramesAction::Key(to_hex(&random_bytes::<4>())))
        })
    };
    let on_file = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                let state = state.clone();
                read_file(
                    file,
                    Callback::from(move |(name, bytes): (String, Vec<u8>)| {
                        state.dispatch(FramesAction::File(name, bytes.into()))
                    }),
                );
            }
        })
    };
    let on_hover = {
        let state = state.clone();
        Callback::from(move |k| state.dispatch(FramesAction::Hover(k)))
    };
    let to_decoder = {
        let state = state.clone();
        let hex = to_hex(&wire_bytes.0);
        let (sender, compressed) = (state.sender, state.compress);
        Callback::from(move |_: MouseEvent| {
            state.dispatch(FramesAction::DecoderSender(Some(sender)));
            state.dispatch(FramesAction::DecoderDeflate(compressed));
            state.dispatch(FramesAction::DecoderHex(hex.clone()));
        })
    };

    let opcode_options = OpCode::ALL.iter().map(|op| {
        let label = format!("{:#x} {}", op.value(), op.name());
        html! { <option value={op.value().to_string()} selected={op.value() == state.opcode}>{ label }</option> }
    });
    let len_form = header.length_form;
    let form_note = match len_form {
        LengthForm::Short => format!(
            "{} bytes fit in the 7-bit field (0–125).",
            header.payload_len
        ),
        LengthForm::Medium => format!(
            "{} bytes: the 7-bit field says 126, and a 16-bit length follows (126–65,535).",
            header.payload_len
        ),
        LengthForm::Long => format!(
            "{} bytes: the 7-bit field says 127, and a 64-bit length follows (over 65,535).",
            header.payload_len
        ),
    };

    html! {
        <article class="lab">
            <h1>{ Route::Frames.title() }</h1>
            <p class="lead">{ Route::Frames.summary() }</p>
            <NeedsJs what="The frame builder and decoder on this page run in your browser." />
            <LessonView lesson={&FRAMES} lab_below=true />
            <h2 id="lab" class="lab-heading">{ "Try it" }</h2>

            <section class="card" aria-labelledby="builder-title">
                <h2 id="builder-title">{ "Build a frame" }</h2>
                <div class="controls">
                    <fieldset>
                        <legend>{ "Bits" }</legend>
                        { checkbox("fb-fin", "FIN", state.fin, flag(FramesAction::Fin)) }
                        { checkbox("fb-rsv1", "RSV1", state.rsv[0] || state.compress, rsv_flag(0)) }
                        { checkbox("fb-rsv2", "RSV2", state.rsv[1], rsv_flag(1)) }
                        { checkbox("fb-rsv3", "RSV3", state.rsv[2], rsv_flag(2)) }
                        { checkbox("fb-mask", "MASK", state.mask, flag(FramesAction::Mask)) }
                    </fieldset>
                    { checkbox("fb-compress", "Compress the payload (permessage-deflate agreed: RSV1 set, DEFLATE data on the wire)", state.compress, flag(FramesAction::Compress)) }
                    if state.compress {
                        <p class="muted" id="fb-compressed">{ format!("{} bytes of payload compress to {} on the wire (RFC 7692 §7.2.1: DEFLATE, sync flush, its last 4 bytes dropped).", payload_bytes.0.len(), frame.payload.len()) }</p>
                    }
                    <div class="row">
                        <label for="fb-opcode">{ "Opcode" }</label>
                        <select id="fb-opcode" onchange={on_opcode}>{ for opcode_options }</select>
                    </div>
                    <p class="muted" id="fb-opcode-meaning">{ frame.opcode.meaning() }</p>
                    <div class="row">
                        <label for="fb-key">{ "Masking key" }</label>
                        <input id="fb-key" type="text" value={state.key_text.clone()} oninput={set(FramesAction::Key).reform(text_value)}
                            disabled={!state.mask} spellcheck="false" autocomplete="off" />
                        <button type="button" id="fb-random-key" onclick={on_random_key} disabled={!state.mask}>{ "Random key" }</button>
                    </div>
                    if let Err(e) = &key { if state.mask { <p class="bad-text" id="fb-key-error">{ format!("{e}; using 00 00 00 00 meanwhile.") }</p> } }
                    if state.mask { <p class="muted">{ "The default is RFC 6455 §5.7's key, so the bytes can be compared with the RFC. A real client draws a fresh, unpredictable key for every frame (§5.3): press Random key to do the same." }</p> }
                    <div class="row">
                        <label for="fb-sender">{ "Sent by" }</label>
                        <select id="fb-sender" onchange={on_sender}>
                            <option value={Role::Client.as_str()} selected={state.sender == Role::Client}>{ "client (must mask)" }</option>
                            <option value={Role::Server.as_str()} selected={state.sender == Role::Server}>{ "server (must not mask)" }</option>
                        </select>
                    </div>
                    <fieldset>
                        <legend>{ "Payload" }</legend>
                        <label class="check"><input type="radio" name="fb-mode" id="fb-mode-text" checked={state.mode == PayloadMode::Text} onchange={on_mode(PayloadMode::Text)} />{ "text (UTF-8)" }</label>
                        <label class="check"><input type="radio" name="fb-mode" id="fb-mode-hex" checked={state.mode == PayloadMode::Hex} onchange={on_mode(PayloadMode::Hex)} />{ "hex" }</label>
                        <label class="check"><input type="radio" name="fb-mode" id="fb-mode-file" checked={state.mode == PayloadMode::File} onchange={on_mode(PayloadMode::File)} />{ "a file" }</label>
                        { match state.mode {
                            PayloadMode::Text => html! {
                                <textarea id="fb-payload" aria-label="Payload text" rows="3" value={state.text.clone()} oninput={set(FramesAction::Text).reform(area_value)} />
                            },
                            PayloadMode::Hex => html! {
                                <textarea id="fb-payload" aria-label="Payload bytes in hex" rows="3" spellcheck="false" value={state.hex_payload.clone()} oninput={set(FramesAction::HexPayload).reform(area_value)} />
                            },
                            PayloadMode::File => html! {
                                <>
                                    <input id="fb-file" type="file" aria-label="Payload file" onchange={on_file} />
                                    <p class="muted">{ match &state.file {
                                        Some((name, bytes)) => format!("{name}: {} bytes. Images, audio, any file: binary frames (opcode 0x2) carry them as they are.", bytes.0.len()),
                                        None => "Choose a file, an image for example: binary frames (opcode 0x2) carry any bytes. Files are not put in links.".to_owned(),
                                    } }</p>
                                </>
                            },
                        } }
                    </fieldset>
                    if let Err(e) = &payload { <p class="bad-text" id="fb-payload-error">{ e }</p> }
                </div>

                <h3>{ "The header, bit by bit" }</h3>
                <p id="fb-length-form">{ format!("Length form: {}. {form_note}", len_form.name()) }</p>
                <BitDiagram header={header} hovered={state.hovered} on_hover={on_hover} />

                <h3>{ "On the wire" }</h3>
                <p class="muted">{ format!("{} bytes: {header_len} of header (bold, underlined) and {} of payload{}.",
                    wire_bytes.0.len(), header.payload_len, if state.mask { ", masked" } else { "" }) }</p>
                <HexDump id="fb-hex" bytes={wire_bytes.clone()} headers={vec![0..header_len]} highlight={hovered_range} />
                <p class="row">
                    <code id="fb-wire-hex" class="wire-hex">{ short_hex(&wire_bytes.0) }</code>
                    <CopyButton text={to_hex(&wire_bytes.0)} what="the frame's bytes in hex" />
                </p>
                <div class="row"><button type="button" id="fb-to-decoder" onclick={to_decoder}>{ "Take these bytes apart in the decoder" }</button></div>

                if let Some(key) = frame.mask {
                    <h3>{ "Masking, byte by byte" }</h3>
                    <MaskTable payload={built.2.clone()} mask_key={key} />
                } else {
                    <p class="muted">{ "MASK is 0: the payload goes on the wire as it is. Set MASK to see the XOR arithmetic." }</p>
                }

                <h3>{ "Rules" }</h3>
                if broken.is_empty() {
                    <p class="ok-text" id="fb-verdict">{ format!("A valid frame from a {}.", state.sender) }</p>
                } else {
                    <p class="bad-text" id="fb-verdict">{ format!("This frame breaks {} rule(s); a receiver fails the connection:", broken.len()) }</p>
                    <ul class="problems" id="fb-violations">
                        { for broken.iter().map(|v| html! { <li>{ v.to_string() }{ " " }<span class="badge">{ format!("close {}", v.close_code()) }</span></li> }) }
                    </ul>
                }
            </section>

            <Decoder hex={state.decoder_hex.clone()} sender={state.decoder_sender} deflate={state.decoder_deflate}
                on_hex={set(FramesAction::DecoderHex)} on_deflate={flag(FramesAction::DecoderDeflate)}
                on_sender={{ let state = state.clone(); Callback::from(move |r| state.dispatch(FramesAction::DecoderSender(r))) }} />

            <Fragmenter message={state.message.clone()} size={state.size.clone()} ping={state.ping}
                on_message={set(FramesAction::Message)} on_size={set(FramesAction::Size)} on_ping={flag(FramesAction::Ping)} />

            <DeflateLab />

            if too_long {
                <p class="notice">{ "This state is too long to keep in the address bar, so the link shows the default lab." }</p>
            }
        </article>
    }
}

/// The messages a run of frames makes, or the first error (with its close code).
/// With `deflate`, compressed messages are inflated by `wire` (keeping the
/// window between messages, as a receiver must when the sender uses context
/// takeover); the rest go through the reassembler.
fn messages_of(
    frames: &[(usize, wire::decode::DecodedFrame)],
    deflate: bool,
) -> Vec<Result<WsEvent, (String, u16)>> {
    let mut reassembler = Reassembler::new(u64::MAX);
    let mut inflater = deflate.then(|| MessageInflater::new(true, MAX_INFLATED));
    let mut out = Vec::new();
    for (_, f) in frames {
        let step = inflater
            .as_mut()
            .map_or(InflateStep::Plain, |i| i.push(&f.frame));
        let event = match step {
            InflateStep::Gathering => continue,
            InflateStep::Done(m) => match (m.opcode, m.message) {
                (_, Err(e)) => Err((e.to_string(), e.close_code())),
                (OpCode::Text, Ok(bytes)) => {
                    String::from_utf8(bytes).map(WsEvent::Text).map_err(|_| {
                        (
                            "the inflated text is not valid UTF-8 (RFC 6455 §8.1)".to_owned(),
                            1007,
                        )
                    })
                }
                (_, Ok(bytes)) => Ok(WsEvent::Binary(bytes)),
            },
            InflateStep::Plain => match reassembler.push(f.frame.clone()) {
                Ok(Some(event)) => Ok(event),
                Ok(None) => continue,
                Err(e) => Err((e.to_string(), e.close_code())),
            },
        };
        let failed = event.is_err();
        out.push(event);
        if failed {
            break;
        }
    }
    out
}

/// The most the decoder inflates of one message.
const MAX_INFLATED: usize = 16 << 20;

#[derive(Properties, PartialEq)]
struct DecoderProps {
    hex: AttrValue,
    sender: Option<Role>,
    /// permessage-deflate agreed: RSV1 allowed, compressed messages inflated.
    deflate: bool,
    on_hex: Callback<String>,
    on_deflate: Callback<bool>,
    on_sender: Callback<Option<Role>>,
}

/// Pasted bytes taken apart, frame by frame.
#[function_component(Decoder)]
fn decoder(props: &DecoderProps) -> Html {
    let parsed = use_memo(props.hex.clone(), |hex| parse_hex(hex).map(Bytes::from));
    let run = use_memo(
        ((*parsed).clone().ok(), props.sender, props.deflate),
        |(bytes, sender, deflate)| {
            bytes.as_ref().map(|b| {
                decode_all(
                    &b.0,
                    &DecodeOptions {
                        sender: *sender,
                        allowed_rsv: u8::from(*deflate),
                        ..DecodeOptions::default()
                    },
                )
            })
        },
    );
    let on_sender = props.on_sender.reform(|e: Event| {
        e.target_unchecked_into::<HtmlSelectElement>()
            .value()
            .parse()
            .ok()
    });
    let examples = rfc_5_7().into_iter().enumerate().map(|(i, ex)| {
        let on_hex = props.on_hex.clone();
        let on_sender = props.on_sender.clone();
        let hex = to_hex(&ex.bytes);
        let sender = ex.sender;
        let onclick = Callback::from(move |_: MouseEvent| {
            on_sender.emit(Some(sender));
            on_hex.emit(hex.clone());
        });
        html! { <li><button type="button" class="link" id={format!("example-{i}")} {onclick}>{ ex.name }</button></li> }
    });

    let body = match (&*parsed, &*run) {
        (Err(e), _) => {
            html! { <p class="bad-text" id="decoder-status" role="alert">{ format!("Not hex: {e}.") }</p> }
        }
        (Ok(bytes), Some(run)) => {
            let headers: Vec<std::ops::Range<usize>> = run
                .frames
                .iter()
                .map(|(at, f)| *at..*at + f.header.encoded_len())
                .collect();
            let error_at = match &run.end {
                RunEnd::Error(e) => Some(e.offset),
                _ => None,
            };
            let messages = messages_of(&run.frames, props.deflate);
            let status = match &run.end {
                RunEnd::Clean if bytes.0.is_empty() => {
                    html! { <p class="muted" id="decoder-status">{ "Paste some bytes to decode." }</p> }
                }
                RunEnd::Clean => {
                    html! { <p class="ok-text" id="decoder-status">{ format!("{} frame(s), every byte accounted for.", run.frames.len()) }</p> }
                }
                RunEnd::Incomplete { offset, needed } => html! {
                    <p class="bad-text" id="decoder-status">{ format!("The frame at byte {offset} is incomplete: {needed} more byte(s) needed{}.", if *needed <= 2 && bytes.0.len() - offset < 2 { " at least" } else { "" }) }</p>
                },
                RunEnd::Error(e) => {
                    html! { <p class="bad-text" id="decoder-status" role="alert">{ e.to_string() }</p> }
                }
            };
            html! {
                <>
                    { status }
                    <ol class="decoded" id="decoder-frames">
                        { for run.frames.iter().take(MAX_FRAMES_SHOWN).map(|(at, f)| {
                            let h = &f.header;
                            let payload = &f.frame.payload;
                            let preview = match std::str::from_utf8(payload) {
                                Ok(t) if h.opcode == OpCode::Text || h.opcode == OpCode::Continuation => format!("{:?}", t.chars().take(80).collect::<String>()),
                                _ => to_hex(&payload[..payload.len().min(32)]) + if payload.len() > 32 { " …" } else { "" },
                            };
                            html! {
                                <li>
                                    <strong>{ format!("Frame at byte {at}: ") }</strong>
                                    { format!("FIN {}, RSV {}{}{}, opcode {}, MASK {}{}, {} length {} → payload {}",
                                        u8::from(h.fin), u8::from(h.rsv[0]), u8::from(h.rsv[1]), u8::from(h.rsv[2]), h.opcode,
                                        u8::from(h.mask.is_some()), h.mask.map(|k| format!(" key {}", to_hex(&k))).unwrap_or_default(),
                                        h.length_form.name(), h.payload_len, preview) }
                                    { for f.warnings.iter().map(|w| html! { <p class="warn">{ w.to_string() }</p> }) }
                                </li>
                            }
                        }) }
                    </ol>
                    if run.frames.len() > MAX_FRAMES_SHOWN {
                        <p class="muted">{ format!("… and {} more frames.", run.frames.len() - MAX_FRAMES_SHOWN) }</p>
                    }
                    if !messages.is_empty() {
                        <h3>{ "Messages" }</h3>
                        <ul id="decoder-messages">
                            { for messages.iter().take(MAX_FRAMES_SHOWN).map(|m| match m {
                                Ok(WsEvent::Text(t)) => html! { <li>{ format!("text: {:?}", t.chars().take(200).collect::<String>()) }</li> },
                                Ok(WsEvent::Binary(b)) => html! { <li>{ format!("binary: {} bytes", b.len()) }</li> },
                                Ok(WsEvent::Ping(p)) => html! { <li>{ format!("ping: {} bytes (the receiver answers with a pong carrying them)", p.len()) }</li> },
                                Ok(WsEvent::Pong(p)) => html! { <li>{ format!("pong: {} bytes", p.len()) }</li> },
                                Ok(WsEvent::Close(c)) => html! { <li>{ format!("close: {c}") }</li> },
                                Err((e, code)) => html! { <li class="bad-text">{ format!("{e} (close {code})") }</li> },
                            }) }
                        </ul>
                    }
                    <HexDump id="decoder-hex-dump" bytes={bytes.clone()} {headers} {error_at} />
                </>
            }
        }
        (Ok(_), None) => html! {},
    };

    html! {
        <section class="card" aria-labelledby="decoder-title">
            <h2 id="decoder-title">{ "Take bytes apart" }</h2>
            <p class="muted">{ "Paste bytes as hex: spaces, newlines, commas and 0x are all fine. Frames are decoded one after another." }</p>
            <label for="decoder-hex" class="sr-only">{ "Bytes to decode, in hex" }</label>
            <textarea id="decoder-hex" rows="4" spellcheck="false" value={props.hex.clone()}
                oninput={props.on_hex.reform(area_value)} />
            { checkbox("decoder-deflate", "permessage-deflate agreed: RSV1 allowed, compressed messages inflated", props.deflate, props.on_deflate.clone()) }
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
struct FragmenterProps {
    message: AttrValue,
    size: AttrValue,
    ping: bool,
    on_message: Callback<String>,
    on_size: Callback<String>,
    on_ping: Callback<bool>,
}

/// One message split into frames, a ping in the middle, and put back together.
#[function_component(Fragmenter)]
fn fragmenter(props: &FragmenterProps) -> Html {
    let size: Result<usize, String> = props
        .size
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            format!(
                "{:?} is not a whole number of bytes, 1 or more",
                props.size.as_str()
            )
        });
    let per_frame = *size.as_ref().unwrap_or(&8);
    let count = props.message.len().div_ceil(per_frame);
    let size = size.and_then(|s| {
        if count > 200 {
            Err(format!(
                "{count} frames is more than this table shows (200); use more bytes per frame"
            ))
        } else {
            Ok(s)
        }
    });
    let mut frames = if size.is_ok() {
        fragment(MessageKind::Text, props.message.as_bytes(), per_frame)
    } else {
        Vec::new()
    };
    if props.ping && frames.len() > 1 {
        frames.insert(1, Frame::new(OpCode::Ping, b"are you there?".to_vec()));
    }
    let mut r = Reassembler::new(u64::MAX);
    let events: Vec<String> = frames
        .iter()
        .filter_map(|f| match r.push(f.clone()) {
            Ok(Some(WsEvent::Text(t))) => Some(format!("text message: {t:?}")),
            Ok(Some(WsEvent::Ping(p))) => Some(format!(
                "ping handled at once, mid-message ({} bytes)",
                p.len()
            )),
            Ok(_) => None,
            Err(e) => Some(e.to_string()),
        })
        .collect();
    html! {
        <section class="card" aria-labelledby="frag-title">
            <h2 id="frag-title">{ "Fragmentation and control frames" }</h2>
            <p class="muted">{ "A message may be split into frames: the first carries the opcode, the rest are continuations (opcode 0), and only the last has FIN = 1. Control frames may arrive between fragments (RFC 6455 §5.4)." }</p>
            <div class="row">
                <label for="frag-message">{ "Message" }</label>
                <input id="frag-message" type="text" value={props.message.clone()} oninput={props.on_message.reform(text_value)} />
            </div>
            <div class="row">
                <label for="frag-size">{ "Bytes per frame" }</label>
                <input id="frag-size" type="number" min="1" value={props.size.clone()} oninput={props.on_size.reform(text_value)} />
            </div>
            { checkbox("frag-ping", "insert a ping after the first fragment", props.ping, props.on_ping.clone()) }
            if let Err(e) = &size { <p class="bad-text">{ e }</p> }
            <div class="table-scroll">
                <table class="frag-table" id="frag-frames">
                    <thead><tr><th scope="col">{ "#" }</th><th scope="col">{ "FIN" }</th><th scope="col">{ "opcode" }</th><th scope="col">{ "payload" }</th><th scope="col">{ "bytes on the wire" }</th></tr></thead>
                    <tbody>
                        { for frames.iter().enumerate().map(|(i, f)| html! {
                            <tr class={classes!(f.opcode.is_control().then_some("control"))}>
                                <td>{ i + 1 }</td>
                                <td>{ u8::from(f.fin) }</td>
                                <td>{ f.opcode.to_string() }</td>
                                <td><code>{ format!("{:?}", String::from_utf8_lossy(&f.payload)) }</code></td>
                                <td><code>{ to_hex(&f.encode()) }</code></td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <h3>{ "The receiver sees" }</h3>
            <ol id="frag-result">{ for events.iter().map(|e| html! { <li>{ e }</li> }) }</ol>
        </section>
    }
}
