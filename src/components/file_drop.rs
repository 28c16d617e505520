//! A file input that also takes a dropped file, refuses files over a size
//! before reading them, and hands over the bytes read.

use yew::prelude::*;

use crate::components::form::file_of;
use crate::services::browser::read_file;
use wire::describe::decimal;

/// A file's size (as the browser gives it, in bytes) in MiB to one decimal,
/// rounded: "1.5 MiB" (see `wire::describe::decimal`).
pub fn mebibytes(size: f64) -> String {
    // `as` saturates: a negative or NaN size is 0.
    let tenths = ((size as u64 as u128) * 10 + (1 << 19)) >> 20;
    format!("{} MiB", decimal(tenths as u64, 1))
}

/// Props of [`FileDrop`].
#[derive(Properties, PartialEq)]
pub struct FileDropProps {
    /// The input's id.
    pub id: AttrValue,
    /// What the label says.
    pub label: AttrValue,
    /// The input's `accept`.
    pub accept: AttrValue,
    /// The largest file read, in bytes.
    pub max_bytes: usize,
    /// A file was read: its name and bytes.
    pub on_file: Callback<(String, Vec<u8>)>,
    /// A file was too large: why, in a sentence.
    pub on_refused: Callback<String>,
}

/// The drop zone and its file input.
#[function_component(FileDrop)]
pub fn file_drop(props: &FileDropProps) -> Html {
    let dragging = use_state(|| false);
    let take = {
        let (on_file, on_refused, max) = (
            props.on_file.clone(),
            props.on_refused.clone(),
            props.max_bytes,
        );
        Callback::from(move |file: web_sys::File| {
            if file.size() > max as f64 {
                on_refused.emit(format!(
                    "{}: {} is more than the {} MiB a file may have here.",
                    file.name(),
                    mebibytes(file.size()),
                    max >> 20
                ));
            } else {
                read_file(file, on_file.clone());
            }
        })
    };
    let on_change = {
        let take = take.clone();
        Callback::from(move |e: Event| {
            if let Some(file) = file_of(&e) {
                take.emit(file);
            }
        })
    };
    let on_drop = {
        let (take, dragging) = (take.clone(), dragging.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                take.emit(file);
            }
        })
    };
    let drag = |over: bool| {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(over);
        })
    };
    html! {
        <div class={classes!("drop-zone", "illustrated-tools", dragging.then_some("dragging"))}
            ondrop={on_drop} ondragover={drag(true)} ondragleave={drag(false)}>
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <input id={props.id.clone()} type="file" accept={props.accept.clone()} onchange={on_change} />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::mebibytes;

    #[test]
    fn sizes_read_in_mebibytes_to_one_decimal() {
        assert_eq!(mebibytes(0.0), "0.0 MiB");
        assert_eq!(mebibytes(f64::from(1 << 20)), "1.0 MiB");
        assert_eq!(mebibytes(1.5 * f64::from(1 << 20)), "1.5 MiB");
        assert_eq!(mebibytes(17.0 * f64::from(1 << 20) + 1.0), "17.0 MiB");
        assert_eq!(mebibytes(104_857.0), "0.1 MiB");
        assert_eq!(mebibytes(-3.0), "0.0 MiB");
        assert_eq!(mebibytes(f64::NAN), "0.0 MiB");
    }
}
