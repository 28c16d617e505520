//! Progress bars and the "mark as done" control, reading the progress context.

use yew::prelude::*;

use crate::state::progress::{ProgressAction, ProgressContext, lesson_fraction};

/// Props of [`ProgressBar`].
#[derive(Properties, PartialEq)]
pub struct ProgressBarProps {
    /// From 0 to 1.
    pub value: f64,
    /// What it measures, for its accessible name.
    pub label: AttrValue,
    /// The element id.
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

/// A labelled bar (a native `<progress>`, so assistive technology reads it).
#[function_component(ProgressBar)]
pub fn progress_bar(props: &ProgressBarProps) -> Html {
    // A whole number: formatting an f64 would link the float formatter.
    let percent = (props.value.clamp(0.0, 1.0) * 100.0).round() as u32;
    html! {
        <span class="progress">
            <progress id={props.id.clone()} max="100" value={percent.to_string()} aria-label={props.label.clone()}></progress>
            <span class="progress-text">{ format!("{percent}%") }</span>
        </span>
    }
}

/// Props of [`LabDone`].
#[derive(Properties, PartialEq)]
pub struct LabDoneProps {
    /// The lesson id.
    pub lesson: AttrValue,
}

/// A checkbox that marks a lesson (and its lab) done, with its progress bar.
#[function_component(LabDone)]
pub fn lab_done(props: &LabDoneProps) -> Html {
    let Some(progress) = use_context::<ProgressContext>() else {
        return html! {};
    };
    let done = progress.done.contains(props.lesson.as_str());
    let id = format!("done-{}", props.lesson);
    let onchange = {
        let progress = progress.clone();
        let lesson = props.lesson.to_string();
        Callback::from(move |_: Event| {
            progress.dispatch(ProgressAction::Done {
                lesson: lesson.clone(),
                done: !done,
            })
        })
    };
    html! {
        <span class="lab-done">
            <label class="check" for={id.clone()}>
                <input type="checkbox" id={id} checked={done} {onchange} />
                { "I have read this and tried the lab" }
            </label>
            <ProgressBar value={lesson_fraction(&progress, &props.lesson)} label={format!("Progress in lesson {}", props.lesson)} />
        </span>
    }
}
