//! The frame lab's first part: a frame built field by field — its bits, its
//! bytes on the wire, the masking arithmetic and every rule it breaks, all
//! computed by `wire`.

use yew::prelude::*;

use super::{COMPRESS, checkbox, send, short_hex};
use crate::components::form::{file_of, value_of};
use crate::components::later::{Later, use_later};
use crate::components::{BitDiagram, Bytes, CopyButton, HexDump, MaskTable};
use crate::services::browser::{bring_into_view, random_bytes, read_file};
use crate::state::frames::{FramesAction, FramesLab, PayloadMode};
use wire::Role;
use wire::frame::{Frame, LengthForm, layout};
use wire::hex::{parse_hex, to_hex};
use wire::opcode::OpCode;
use wire::rules::violations_agreed;

/// What the builder's lower half (the masking table and the rules) draws
/// from: the frame built, its bytes, the payload as masked, and who sends it.
pub struct Checked {
    built: std::rc::Rc<(Frame, Bytes, Bytes)>,
    sender: Role,
    compressed: bool,
}

impl PartialEq for Checked {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.built, &other.built)
            && self.sender == other.sender
            && self.compressed == other.compressed
    }
}

/// The masking arithmetic and every rule the frame breaks: below the frame's
/// bits and bytes, so they arrive with the lab's lower parts (the rule
/// checks are the decoder's own functions, which that chunk holds).
fn draw_checked(c: &Checked) -> Html {
    let frame = &c.built.0;
    let broken = violations_agreed(frame, c.sender, c.compressed);
    html! {
        <>
            if let Some(key) = frame.mask {
                <h3>{ "Masking, byte by byte" }</h3>
                <MaskTable payload={c.built.2.clone()} mask_key={key} />
            } else {
                <p class="muted">{ "MASK is 0: the payload goes on the wire as it is. Set MASK to see the XOR arithmetic." }</p>
            }

            <h3>{ "Rules" }</h3>
            if broken.is_empty() {
                <p class="ok-text" id="fb-verdict">{ format!("A valid frame from a {}.", c.sender) }</p>
            } else {
                <p class="bad-text" id="fb-verdict">{ format!("This frame breaks {} rule(s); a receiver fails the connection:", broken.len()) }</p>
                <ul class="problems" id="fb-violations">
                    { for broken.iter().map(|v| html! { <li>{ v.to_string() }{ " " }<span class="badge">{ format!("close {}", v.close_code()) }</span></li> }) }
                </ul>
            }
        </>
    }
}

crate::part!(
    CHECKED,
    frames_lower,
    draw_checked,
    Checked,
    "fb-checked",
    "split-frames"
);

/// Props of [`Builder`] and its controls.
#[derive(Properties, PartialEq)]
pub struct BuilderProps {
    /// The lab's state.
    pub state: UseReducerHandle<FramesLab>,
}

/// The frame builder: its controls, then the frame they make.
#[function_component(Builder)]
pub fn builder(props: &BuilderProps) -> Html {
    let state = &props.state;
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
    // The compressor comes with the lab's lower parts: until it is here, a
    // frame to compress is shown as it is, and the note says why.
    let loaded = use_later(COMPRESS);
    let compressor = loaded.as_ref().ok().copied().flatten();
    let compressor_state = loaded.map(|c| c.is_some());
    let compressing = state.compress && compressor.is_some();
    let built = use_memo(
        (
            state.fin,
            state.rsv,
            state.opcode,
            state.mask,
            frame_key,
            payload_bytes.clone(),
            compressing,
        ),
        move |(fin, rsv, op, mask, key, payload, compress)| {
            // permessage-deflate: the payload compressed as one message, RSV1 set (RFC 7692 §6, §7.2.1).
            let frame = Frame {
                fin: *fin,
                rsv: [rsv[0] || *compress, rsv[1], rsv[2]],
                opcode: OpCode::from_nibble(*op),
                mask: mask.then_some(*key),
                payload: match compressor.filter(|_| *compress) {
                    Some(compress) => compress(&payload.0),
                    None => payload.0.to_vec(),
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
    let hovered_range = state
        .hovered
        .and_then(|k| layout(&header).into_iter().find(|f| f.kind == k))
        .map(|f| f.byte_range());

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
            bring_into_view("decoder-hex");
        })
    };

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

    let sizes = (payload_bytes.0.len(), frame.payload.len());
    html! {
        <section class="card" id="builder" tabindex="-1" aria-labelledby="builder-title">
            <h2 id="builder-title">{ "Build a frame" }</h2>
            <BuilderControls state={state.clone()} {sizes} compressor={compressor_state}
                key_error={key.as_ref().err().cloned()} payload_error={payload.as_ref().err().cloned()} />
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

                <Later<Checked> part={CHECKED} props={Checked { built: built.clone(), sender: state.sender, compressed: compressing }} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct BuilderControlsProps {
    state: UseReducerHandle<FramesLab>,
    /// The payload's size, and its size on the wire (compressed or not).
    sizes: (usize, usize),
    /// Whether the compressor is here (`Ok(false)`: on its way), or why
    /// it could not be loaded.
    compressor: Result<bool, String>,
    key_error: Option<String>,
    payload_error: Option<String>,
}

/// The builder's fields: bits, opcode, key, sender, payload.
#[function_component(BuilderControls)]
fn builder_controls(props: &BuilderControlsProps) -> Html {
    let state = &props.state;
    let set = |make: fn(String) -> FramesAction| send(state, make);
    let flag = |make: fn(bool) -> FramesAction| send(state, make);
    let rsv_flag = |i: usize| {
        let state = state.clone();
        Callback::from(move |v: bool| state.dispatch(FramesAction::Rsv(i, v)))
    };
    let on_opcode = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let v = value_of(&e);
            state.dispatch(FramesAction::Opcode(v.parse().unwrap_or(1)))
        })
    };
    let on_sender = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let v = value_of(&e);
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
            if let Some(file) = file_of(&e) {
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
    let opcode_options = OpCode::ALL.iter().map(|op| {
        let label = format!("{:#x} {}", op.value(), op.name());
        html! { <option value={op.value().to_string()} selected={op.value() == state.opcode}>{ label }</option> }
    });
    html! {
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
                        <p class="muted" id="fb-compressed">{ match &props.compressor {
                            Ok(true) => format!("{} bytes of payload compress to {} on the wire (RFC 7692 §7.2.1: DEFLATE, sync flush, its last 4 bytes dropped).", props.sizes.0, props.sizes.1),
                            Ok(false) => "The compressor is on its way (it arrives with the lab's lower parts); until then the frame below is shown uncompressed.".to_owned(),
                            Err(why) => format!("The compressor could not be loaded ({why}), so the frame below is shown uncompressed; \"Try again\" below fetches it again."),
                        } }</p>
                    }
                    <div class="row">
                        <label for="fb-opcode">{ "Opcode" }</label>
                        <select id="fb-opcode" onchange={on_opcode}>{ for opcode_options }</select>
                    </div>
                    <p class="muted" id="fb-opcode-meaning">{ OpCode::from_nibble(state.opcode).meaning() }</p>
                    <div class="row">
                        <label for="fb-key">{ "Masking key" }</label>
                        <input id="fb-key" type="text" value={state.key_text.clone()} oninput={set(FramesAction::Key).reform(|e: InputEvent| value_of(&e))}
                            disabled={!state.mask} spellcheck="false" autocomplete="off" />
                        <button type="button" id="fb-random-key" onclick={on_random_key} disabled={!state.mask}>{ "Random key" }</button>
                    </div>
                    if let Some(e) = &props.key_error { if state.mask { <p class="bad-text" id="fb-key-error">{ format!("{e}; using 00 00 00 00 meanwhile.") }</p> } }
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
                                <textarea id="fb-payload" aria-label="Payload text" rows="3" value={state.text.clone()} oninput={set(FramesAction::Text).reform(|e: InputEvent| value_of(&e))} />
                            },
                            PayloadMode::Hex => html! {
                                <textarea id="fb-payload" aria-label="Payload bytes in hex" rows="3" spellcheck="false" value={state.hex_payload.clone()} oninput={set(FramesAction::HexPayload).reform(|e: InputEvent| value_of(&e))} />
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
                    if let Some(e) = &props.payload_error { <p class="bad-text" id="fb-payload-error">{ e }</p> }
                </div>

    }
}
