//! The live console's lifecycle: readyState as a diagram, every transition
//! with its time, and what a failure means.

use yew::prelude::*;

use crate::components::StateDiagram;
use crate::state::console::{Console, tenth_ms};

/// Props of [`Lifecycle`].
#[derive(Properties, PartialEq)]
pub struct LifecycleProps {
    /// The connection.
    pub console: UseReducerHandle<Console>,
}

/// The lifecycle card.
#[function_component(Lifecycle)]
pub fn lifecycle(props: &LifecycleProps) -> Html {
    let console = &props.console;
    html! {
        <section class="card" aria-labelledby="life-title">
            <h2 id="life-title">{ "Lifecycle" }</h2>
            <StateDiagram current={console.ready} />
            <ol class="transitions" id="transitions">
                { for console.transitions.iter().map(|(t, s)| html! { <li><span class="muted">{ format!("{:>7} ms  ", tenth_ms(*t)) }</span>{ s.to_string() }</li> }) }
            </ol>
            if console.errored || console.closed.as_ref().is_some_and(|c| c.code == 1006) {
                <p class="notice" id="failure-explained">
                    { if console.errored {
                        "The connection failed. The browser fired error, then close with code 1006 (abnormal closure: no Close frame was received). "
                    } else {
                        "The connection ended with code 1006 (abnormal closure: no Close frame was received), here without an error event before it: a connection that was open and then dropped need not fire one. "
                    } }
                    { "The browser says no more on purpose: a page must not learn whether a host exists or a port is open, or it could scan the visitor's network. \
                       Only the developer console shows the browser's own message." }
                </p>
            }
        </section>
    }
}
