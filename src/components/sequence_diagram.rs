//! The opening handshake as a client–server sequence diagram (SVG), each arrow
//! a button that shows what it carries.

use yew::prelude::*;

/// The three exchanges of a WebSocket's opening.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The client's GET with its Upgrade headers.
    Request,
    /// The server's answer.
    Response,
    /// Frames in both directions on the same TCP connection.
    Frames,
}

/// Props of [`SequenceDiagram`].
#[derive(Properties, PartialEq)]
pub struct SequenceDiagramProps {
    /// The request line, as the client sends it.
    pub request_line: AttrValue,
    /// The server's status line.
    pub status_line: AttrValue,
    /// Whether the server upgraded (101): otherwise no frames follow.
    pub upgraded: bool,
    /// The arrow whose contents are shown.
    pub selected: Step,
    /// Called with the arrow chosen.
    pub on_select: Callback<Step>,
}

/// Draws the exchange; arrows are focusable buttons (Enter or Space selects).
#[function_component(SequenceDiagram)]
pub fn sequence_diagram(props: &SequenceDiagramProps) -> Html {
    let arrow = |step: Step,
                 y: u32,
                 label: String,
                 from_client: bool,
                 both: bool,
                 enabled: bool| {
        let on_select = props.on_select.clone();
        let onclick = on_select.reform(move |_: MouseEvent| step);
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                on_select.emit(step);
            }
        });
        let (x1, x2) = if from_client { (110, 490) } else { (490, 110) };
        let class = classes!(
            "arrow",
            (props.selected == step).then_some("selected"),
            (!enabled).then_some("disabled"),
            both.then_some("both")
        );
        html! {
            <g {class} role="button" tabindex="0" aria-pressed={(props.selected == step).to_string()}
               aria-label={label.clone()} {onclick} {onkeydown}>
                <rect x="100" y={(y - 26).to_string()} width="400" height="40" class="hit" />
                <line x1={x1.to_string()} y1={y.to_string()} x2={x2.to_string()} y2={y.to_string()}
                      marker-end="url(#arrowhead)"
                      marker-start={if both { "url(#arrowhead-start)" } else { "" }} />
                <text x="300" y={(y - 8).to_string()} text-anchor="middle">{ label }</text>
            </g>
        }
    };
    let frames_label = if props.upgraded {
        "WebSocket frames, both ways, same TCP connection".to_owned()
    } else {
        "no upgrade: no frames follow".to_owned()
    };
    html! {
        <figure class="sequence">
            <svg viewBox="0 0 600 250" role="group" aria-label="The opening handshake as a sequence diagram">
                <defs>
                    <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                    <marker id="arrowhead-start" viewBox="0 0 10 10" refX="1" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                </defs>
                <rect class="band http" x="0" y="34" width="600" height="110" />
                <text class="band-label" x="6" y="50">{ "HTTP/1.1" }</text>
                <rect class="band ws" x="0" y="152" width="600" height="70" />
                <text class="band-label" x="6" y="168">{ "WebSocket" }</text>
                <text class="actor" x="100" y="22" text-anchor="middle">{ "Client" }</text>
                <text class="actor" x="500" y="22" text-anchor="middle">{ "Server" }</text>
                <line class="lifeline" x1="100" y1="28" x2="100" y2="240" />
                <line class="lifeline" x1="500" y1="28" x2="500" y2="240" />
                { arrow(Step::Request, 80, format!("{} + Upgrade headers", props.request_line), true, false, true) }
                { arrow(Step::Response, 128, props.status_line.to_string(), false, false, true) }
                { arrow(Step::Frames, 200, frames_label, true, true, props.upgraded) }
            </svg>
            <figcaption>{ "Select an arrow to see what it carries." }</figcaption>
        </figure>
    }
}
