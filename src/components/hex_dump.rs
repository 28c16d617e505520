//! Bytes as a paged hex dump with offsets and a text column. Pages keep the
//! DOM small whatever the size (a 1 MiB payload is 2,048 pages, not a million
//! nodes).

use std::ops::Range;

use yew::prelude::*;

/// Bytes per row.
pub const ROW: usize = 16;
/// Bytes per page.
pub const PAGE: usize = 512;

pub use crate::state::Bytes;

/// Props of [`HexDump`].
#[derive(Properties, PartialEq)]
pub struct HexDumpProps {
    /// The bytes.
    pub bytes: Bytes,
    /// Spans of header bytes (drawn differently from payload bytes).
    #[prop_or_default]
    pub headers: Vec<Range<usize>>,
    /// Bytes to highlight (the hovered field).
    #[prop_or_default]
    pub highlight: Option<Range<u64>>,
    /// A byte at fault.
    #[prop_or_default]
    pub error_at: Option<usize>,
    /// The element id.
    pub id: AttrValue,
}

/// The dump, one page at a time.
#[function_component(HexDump)]
pub fn hex_dump(props: &HexDumpProps) -> Html {
    let page = use_state(|| 0usize);
    let bytes = &props.bytes.0;
    let pages = bytes.len().div_ceil(PAGE).max(1);
    // Jump to the page of the byte at fault, or stay in range when bytes shrink.
    let wanted = props.error_at.map(|e| e / PAGE);
    {
        let page = page.clone();
        use_effect_with((wanted, pages), move |(wanted, pages)| {
            if let Some(w) = wanted {
                page.set(*w);
            } else if *page >= *pages {
                page.set(0);
            }
        });
    }
    let current = (*page).min(pages - 1);
    let start = current * PAGE;
    let end = (start + PAGE).min(bytes.len());
    let is_header = |i: usize| props.headers.iter().any(|r| r.contains(&i));
    let rows = (start..end).step_by(ROW).map(|row| {
        let row_end = (row + ROW).min(end);
        let cells = (row..row_end).map(|i| {
            let hot = props.highlight.as_ref().is_some_and(|r| r.contains(&(i as u64)));
            let class = classes!(
                "byte",
                if is_header(i) { "hdr" } else { "pl" },
                hot.then_some("hot"),
                (props.error_at == Some(i)).then_some("err")
            );
            html! { <span {class} data-offset={i.to_string()}>{ format!("{:02x}", bytes[i]) }</span> }
        });
        let text: String = bytes[row..row_end]
            .iter()
            .map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '·' })
            .collect();
        html! {
            <div class="hexrow">
                <span class="offset">{ format!("{row:08x}") }</span>
                <span class="hexbytes">{ for cells }</span>
                <span class="ascii">{ text }</span>
            </div>
        }
    });
    let go = |delta: isize| {
        let page = page.clone();
        Callback::from(move |_: MouseEvent| {
            let next = (current as isize + delta).clamp(0, pages as isize - 1) as usize;
            page.set(next);
        })
    };
    html! {
        <div class="hexdump-wrap">
            <div class="hexdump" id={props.id.clone()} role="group" aria-label="Hex dump">
                if bytes.is_empty() { <p class="muted">{ "(no bytes)" }</p> }
                { for rows }
            </div>
            if pages > 1 {
                <div class="row pager">
                    <button type="button" onclick={go(-1)} disabled={current == 0} aria-label="Previous page of bytes">{ "‹ Prev" }</button>
                    <span>{ format!("bytes {start}–{} of {} (page {} of {pages})", end.saturating_sub(1), bytes.len(), current + 1) }</span>
                    <button type="button" onclick={go(1)} disabled={current + 1 == pages} aria-label="Next page of bytes">{ "Next ›" }</button>
                </div>
            }
        </div>
    }
}
