//! Reading what a learner entered: the one place the app takes a value, a
//! check or a file out of the element an event came from.

use wasm_bindgen::JsCast;
use web_sys::{Event, File, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

/// The value of the input, text area or select the event came from ("" for anything else).
pub fn value_of(e: &Event) -> String {
    let Some(target) = e.target() else {
        return String::new();
    };
    if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
        input.value()
    } else if let Some(area) = target.dyn_ref::<HtmlTextAreaElement>() {
        area.value()
    } else if let Some(select) = target.dyn_ref::<HtmlSelectElement>() {
        select.value()
    } else {
        String::new()
    }
}

/// Whether the checkbox (or radio button) the event came from is checked.
pub fn checked_of(e: &Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

/// The file chosen in the file input the event came from; the input is
/// emptied, so choosing the same file again fires again.
pub fn file_of(e: &Event) -> Option<File> {
    let input = e.target()?.dyn_into::<HtmlInputElement>().ok()?;
    let file = input.files().and_then(|f| f.get(0));
    input.set_value("");
    file
}
