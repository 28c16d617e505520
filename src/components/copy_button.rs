//! A button that copies a value to the clipboard.

use yew::prelude::*;

use crate::services::browser::copy_text;

/// Props of [`CopyButton`].
#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    /// The text to copy.
    pub text: AttrValue,
    /// What is copied, for the accessible name ("Copy the accept value").
    pub what: AttrValue,
}

/// What a copy button says once it has copied.
pub const COPIED: &str = "Copied";

/// Copies `text` and says so.
#[function_component(CopyButton)]
pub fn copy_button(props: &CopyButtonProps) -> Html {
    let copied = use_state(|| false);
    let onclick = {
        let copied = copied.clone();
        let text = props.text.clone();
        Callback::from(move |_| {
            copy_text(&text);
            copied.set(true);
        })
    };
    {
        let copied = copied.clone();
        use_effect_with(props.text.clone(), move |_| copied.set(false));
    }
    html! {
        <button type="button" class="copy" {onclick} aria-label={format!("Copy {}", props.what)}>
            { if *copied { COPIED } else { "Copy" } }
        </button>
    }
}
