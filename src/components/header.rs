//! The site header, with the theme switch.

use yew::prelude::*;

use crate::components::Link;

use crate::route::Route;
use crate::state::theme::Theme;
use crate::state::theme::ThemeContext;

/// The banner at the top of every page.
#[function_component(Header)]
pub fn header() -> Html {
    let theme = use_context::<ThemeContext>();
    let switch = theme.map(|t| {
        let label = match t.theme {
            Theme::System => "Theme: system",
            Theme::Light => "Theme: light",
            Theme::Dark => "Theme: dark",
        };
        let onclick = t.cycle.reform(|_: MouseEvent| ());
        html! {
            <button type="button" class="theme-switch" id="theme-switch" {onclick}
                aria-label={format!("{label}. Press to change.")}>{ label }</button>
        }
    });
    html! {
        <header class="site-header">
            <Link to={Route::Home} classes="brand">
                <span class="brand-mark" aria-hidden="true">{ "⇄" }</span>
                { "wslab" }
            </Link>
            <span class="tagline">{ "The WebSocket protocol, down to the bit" }</span>
            { for switch }
        </header>
    }
}
