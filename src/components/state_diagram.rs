//! The four readyState values as a state diagram.

use yew::prelude::*;

use crate::state::console::ReadyState;

/// Props of [`StateDiagram`].
#[derive(Properties, PartialEq)]
pub struct StateDiagramProps {
    /// The readyState to light up, if any.
    #[prop_or_default]
    pub current: Option<ReadyState>,
}

/// The four readyState values as a state diagram, the current one lit.
#[function_component(StateDiagram)]
pub fn state_diagram(props: &StateDiagramProps) -> Html {
    let states = ReadyState::ALL.map(|s| (s, 20 + 150 * i32::from(s.number())));
    html! {
        <figure class="states">
            <svg viewBox="0 0 600 130" role="img" aria-label="readyState: CONNECTING (0) to OPEN (1) to CLOSING (2) to CLOSED (3). close() or a received Close frame leads from OPEN to CLOSING. A failed handshake goes from CONNECTING straight to CLOSED; a connection lost later goes from OPEN or CLOSING to CLOSED, with code 1006">
                <defs>
                    <marker id="st-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto">
                        <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                </defs>
                { for states.iter().map(|(state, x)| html! {
                    <g class={classes!("state", (props.current == Some(*state)).then_some("lit"))} data-state={state.number().to_string()}>
                        <rect x={x.to_string()} y="30" width="110" height="46" rx="10" />
                        <text x={(x + 55).to_string()} y="51" text-anchor="middle" class="st-name">{ state.name() }</text>
                        <text x={(x + 55).to_string()} y="68" text-anchor="middle" class="st-num">{ format!("readyState {}", state.number()) }</text>
                    </g>
                }) }
                <line x1="130" y1="53" x2="168" y2="53" marker-end="url(#st-arrow)" />
                <line x1="280" y1="53" x2="318" y2="53" marker-end="url(#st-arrow)" />
                <line x1="430" y1="53" x2="468" y2="53" marker-end="url(#st-arrow)" />
                <path d="M 75 78 C 75 120, 525 120, 525 80" fill="none" marker-end="url(#st-arrow)" />
                <text x="300" y="124" text-anchor="middle" class="st-note">{ "handshake failed: error, then close (1006); lost later: 1006 from OPEN or CLOSING" }</text>
                <text x="149" y="22" text-anchor="middle" class="st-note">{ "101" }</text>
                <text x="299" y="22" text-anchor="middle" class="st-note">{ "close() or Close in" }</text>
                <text x="449" y="22" text-anchor="middle" class="st-note">{ "Close back" }</text>
            </svg>
        </figure>
    }
}
