//! The frame lab (`/frames`): build a frame field by field, take bytes apart,
//! and split a message into fragments — one component each. Every layout,
//! byte and rule comes from `wire`; the whole state lives in the URL, and a
//! link lands on the part its query sets.

mod builder;
mod decoder;
mod fragmenter;

use yew::prelude::*;

use crate::components::form::checked_of;
use crate::components::later::Later;
use crate::components::{DeflateLab, NeedsJs, PageLesson};
use crate::hooks::{use_landing, use_query, use_url_reducer};
use crate::route::Route;
use crate::state::frames::{FramesAction, FramesLab, FramesQuery};
use builder::Builder;
use decoder::Decoder;
use fragmenter::Fragmenter;
use wire::hex::to_hex;

fn checkbox(id: &'static str, label: &'static str, checked: bool, on: Callback<bool>) -> Html {
    let onchange = on.reform(|e: Event| checked_of(&e));
    html! {
        <label class="check" for={id}>
            <input type="checkbox" {id} {checked} {onchange} />{ label }
        </label>
    }
}

/// A callback that turns a field's new value into the lab's action.
fn send<T: 'static>(
    state: &UseReducerHandle<FramesLab>,
    make: fn(T) -> FramesAction,
) -> Callback<T> {
    let state = state.clone();
    Callback::from(move |v: T| state.dispatch(make(v)))
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

/// What the lab's lower parts (the decoder, the fragmenter and the
/// compression lab) draw from: the lab's state.
#[derive(PartialEq)]
pub struct Lower {
    state: UseReducerHandle<FramesLab>,
}

/// The decoder, the fragmenter and the compression lab: below the builder,
/// so the frame build loads them after the page answers input (a chunk of
/// their own, with the inflater they alone use).
fn draw_lower(lower: &Lower) -> Html {
    let state = &lower.state;
    let set = |make| send(state, make);
    let flag = |make| send(state, make);
    let on_decoder_sender = {
        let state = state.clone();
        Callback::from(move |r| state.dispatch(FramesAction::DecoderSender(r)))
    };
    html! {
        <>
            <Decoder hex={state.decoder_hex.clone()} sender={state.decoder_sender} deflate={state.decoder_deflate}
                on_hex={set(FramesAction::DecoderHex)} on_deflate={flag(FramesAction::DecoderDeflate)}
                on_sender={on_decoder_sender} />
            <Fragmenter message={state.message.clone()} size={state.size.clone()} ping={state.ping}
                on_message={set(FramesAction::Message)} on_size={set(FramesAction::Size)} on_ping={flag(FramesAction::Ping)} />
            <DeflateLab />
        </>
    }
}

/// The payload compressed as one permessage-deflate message (RFC 7692
/// §7.2.1), for the builder's "Compress" option: the compressor arrives
/// with the lower parts' chunk, which alone use DEFLATE otherwise.
fn compress_message(payload: &[u8]) -> Vec<u8> {
    wire::deflate::Compressor::new(false).compress(payload)
}

crate::later!(
    COMPRESS: fn(&[u8]) -> Vec<u8> = compress_message,
    frames_lower,
    "split-frames"
);

crate::part!(
    LOWER,
    frames_lower,
    draw_lower,
    Lower,
    "frames-lower",
    "split-frames"
);

/// The frame lab.
#[function_component(Frames)]
pub fn frames() -> Html {
    let (state, too_long) = use_url_reducer::<FramesLab>(Route::Frames);
    // A link that sets one part of the lab (the conformance report links
    // every frame to the decoder) opens there, not at the top of the lesson.
    let part = use_query::<FramesQuery>().part();
    use_landing(part.map(|p| p.target()));
    let lower = Lower {
        state: state.clone(),
    };
    html! {
        <article class="lab">
            <h1>{ Route::Frames.title() }</h1>
            <p class="lead">{ Route::Frames.summary() }</p>
            <NeedsJs what="The frame builder and decoder on this page run in your browser." />
            <PageLesson id="frames" lab_below=true />
            <h2 id="lab" class="lab-heading">{ "Try it" }</h2>
            <Builder state={state.clone()} />
            <Later<Lower> part={LOWER} props={lower} />
            if too_long {
                <p class="notice">{ "This state is too long to keep in the address bar, so the link shows the default lab." }</p>
            }
        </article>
    }
}
