//! A frame's header drawn as RFC 6455 §5.2 draws it: 32-bit rows, each field a
//! span with its name and value. Everything comes from `wire::frame::layout`.

use yew::prelude::*;

use wire::frame::{Field, FieldKind, FrameHeader, layout};

/// Props of [`BitDiagram`].
#[derive(Properties, PartialEq)]
pub struct BitDiagramProps {
    /// The header to draw.
    pub header: FrameHeader,
    /// The field under the pointer or focus.
    pub hovered: Option<FieldKind>,
    /// Called when the pointer or focus enters (Some) or leaves (None) a field.
    pub on_hover: Callback<Option<FieldKind>>,
}

fn kind_class(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Fin => "fin",
        FieldKind::Rsv1 | FieldKind::Rsv2 | FieldKind::Rsv3 => "rsv",
        FieldKind::Opcode => "opcode",
        FieldKind::Mask => "mask",
        FieldKind::PayloadLen => "len",
        FieldKind::ExtendedLen16 | FieldKind::ExtendedLen64 => "extlen",
        FieldKind::MaskingKey => "key",
        FieldKind::Payload => "payload",
    }
}

/// The name, shortened for 1-bit columns as the RFC's diagram stacks it.
fn short_name(kind: FieldKind, columns: u64) -> &'static str {
    match (kind, columns) {
        (FieldKind::Fin, 1) => "F",
        (FieldKind::Rsv1, 1) => "R1",
        (FieldKind::Rsv2, 1) => "R2",
        (FieldKind::Rsv3, 1) => "R3",
        (FieldKind::Mask, 1) => "M",
        (FieldKind::PayloadLen, c) if c < 8 => "len",
        _ => kind.name(),
    }
}

/// The value as the diagram prints it.
pub fn field_value(field: &Field, header: &FrameHeader) -> String {
    match field.kind {
        FieldKind::Opcode => format!("{:#x} {}", field.value, header.opcode.name()),
        FieldKind::MaskingKey => format!("{:08x}", field.value),
        FieldKind::Payload => format!("{} bytes", field.value),
        _ => field.value.to_string(),
    }
}

/// The field's bits as 0s and 1s, for fields of 16 bits or fewer.
fn field_bits(field: &Field) -> Option<String> {
    (field.bit_width <= 16)
        .then(|| format!("{:0width$b}", field.value, width = field.bit_width as usize))
}

/// Draws the header (and the start of the payload) in 32-bit rows.
#[function_component(BitDiagram)]
pub fn bit_diagram(props: &BitDiagramProps) -> Html {
    let fields = layout(&props.header);
    let header_bits: u64 = fields
        .iter()
        .filter(|f| f.kind != FieldKind::Payload)
        .map(|f| f.bit_width)
        .sum();
    // The header rows, and one row of payload when there is any.
    let shown_bits =
        (header_bits.div_ceil(32) * 32).max(32) + if props.header.payload_len > 0 { 32 } else { 0 };
    let rows = shown_bits / 32;
    let mut cells = Vec::new();
    for row in 0..rows {
        let (lo, hi) = (row * 32, row * 32 + 32);
        for f in &fields {
            let (start, end) = (f.bit_offset.max(lo), (f.bit_offset + f.bit_width).min(hi));
            if start >= end {
                continue;
            }
            let cont = start > f.bit_offset;
            let more = f.bit_offset + f.bit_width > hi;
            let kind = f.kind;
            let on_hover = props.on_hover.clone();
            let enter = on_hover.reform(move |_: MouseEvent| Some(kind));
            let focus = on_hover.reform(move |_: FocusEvent| Some(kind));
            let leave = on_hover.reform(|_: MouseEvent| None);
            let blur = on_hover.reform(|_: FocusEvent| None);
            let value = field_value(f, &props.header);
            let label = format!(
                "{}: {}, bits {}–{}",
                kind.name(),
                value,
                f.bit_offset,
                f.bit_offset + f.bit_width.max(1) - 1
            );
            let hot = props.hovered == Some(kind);
            cells.push(html! {
                <div class={classes!("field", kind_class(kind), hot.then_some("hot"), cont.then_some("cont"),
                        format!("gc-{}", start - lo + 1), format!("gs-{}", end - start), format!("gr-{}", row + 2))}
                    data-field={kind_class(kind)} tabindex={if cont { "-1" } else { "0" }} aria-label={label}
                    onmouseenter={enter} onmouseleave={leave} onfocus={focus} onblur={blur}>
                    <span class="fname">{ short_name(kind, end - start) }{ if cont { " (cont.)" } else { "" } }</span>
                    if !cont {
                        <span class="fvalue">{ value }</span>
                        if let Some(bits) = field_bits(f) { <span class="fbits">{ bits }</span> }
                    }
                    if more && kind == FieldKind::Payload { <span class="fvalue">{ "…" }</span> }
                </div>
            });
        }
    }
    let ruler = (0..32).map(|b| {
        html! { <div class={classes!("bitno", format!("gc-{}", b + 1), "gr-1")} aria-hidden="true">{ b % 10 }</div> }
    });
    let explanation = props
        .hovered
        .map(|k| format!("{}: {}", k.name(), k.explanation()));
    html! {
        <div class="bit-diagram-wrap">
            <div class="bits" id="bit-diagram" role="group"
                aria-label={format!("Frame header bit layout, length written in the {} form", props.header.length_form.name())}>
                { for ruler }
                { for cells }
            </div>
            <p class="field-explain" id="field-explain" aria-live="polite">
                { explanation.unwrap_or_else(|| "Point at or focus a field to see what it does.".to_owned()) }
            </p>
        </div>
    }
}
