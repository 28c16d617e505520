//! One record of a session in a line — a frame's summary and what its
//! payload says, or why bytes could not be read — in the words of
//! `wire::describe::record_line`. The live wire view, `/illustrated` and the conformance
//! report draw frames with it, so a frame reads the same everywhere.

use std::rc::Rc;

use yew::prelude::*;

use wire::decode::DecodeOptions;
use wire::describe::record_line;
use wire::session::{FrameReader, Record};
use wire::tap::Direction;

/// Props of [`FrameLine`].
#[derive(Properties, PartialEq)]
pub struct FrameLineProps {
    /// The record.
    pub record: Rc<Record>,
    /// Say which way it went (not when the sender is unknown).
    #[prop_or(true)]
    pub show_from: bool,
    /// More, after the description (badges, checks).
    #[prop_or_default]
    pub children: Html,
}

/// A record in a line: direction, then the frame in words.
#[function_component(FrameLine)]
pub fn frame_line(props: &FrameLineProps) -> Html {
    let r = &props.record;
    let class = if r.why().is_some() {
        "frame-line bad-text"
    } else {
        "frame-line"
    };
    let text = record_line(r);
    html! {
        <span class={class}>
            if props.show_from { <strong class="frame-dir">{ format!("{}: ", r.from.arrow()) }</strong> }
            <span class="frame-said">{ text }</span>
            { props.children.clone() }
        </span>
    }
}

/// A frame known only by its bytes (a conformance report keeps hex), read
/// as a record the way every view reads frames: no rule of the sender's
/// role or of extensions applied, since the report's own verdict judges it.
pub fn record_of(from: Direction, bytes: &[u8]) -> Option<Rc<Record>> {
    let opts = DecodeOptions {
        allowed_rsv: 0b111,
        max_payload: u64::MAX,
        ..DecodeOptions::default()
    };
    FrameReader::new(from, opts)
        .push(0, bytes)
        .into_iter()
        .next()
        .map(Rc::new)
}
