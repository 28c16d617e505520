//! The start page: the introduction lesson, the path, and progress.

use yew::prelude::*;

use crate::components::Link;

use crate::components::{PageLesson, ProgressBar};
use crate::content::lessons::INDEX;
use crate::route::Route;
use crate::services::browser;
use crate::state::progress::{
    ProgressAction, ProgressContext, chapter_fraction, lesson_fraction, lesson_score,
};

/// A lesson's score beside its bar: nothing to count when it has no questions.
fn score_text(right: usize, total: usize, done: bool) -> String {
    let done = if done { ", done" } else { "" };
    if total == 0 {
        format!(" no questions{done}")
    } else {
        format!(" {right}/{total} answered right{done}")
    }
}

/// Objectives, the path through the chapter, and the learner's progress.
#[function_component(Home)]
pub fn home() -> Html {
    let progress = use_context::<ProgressContext>();
    let example_key = "dGhlIHNhbXBsZSBub25jZQ==";
    let accept = wire::handshake::accept_key(example_key);
    let path = INDEX.iter().map(|l| {
        let bar = progress.as_ref().map(|p| {
            let (right, total, done) = lesson_score(p, l.id);
            html! {
                <>
                    <ProgressBar value={lesson_fraction(p, l.id)} label={format!("Progress: {}", l.title)} />
                    <span class="muted">{ score_text(right, total, done) }</span>
                </>
            }
        });
        html! {
            <li>
                <Link to={l.route}>{ l.title }</Link>
                { " — you will be able to " }{ l.goal }
                <div>{ for bar }</div>
            </li>
        }
    });
    let reset = progress.clone().map(|p| {
        let onclick = Callback::from(move |_: MouseEvent| {
            if browser::confirm("Forget every answer and every lesson marked done?") {
                p.dispatch(ProgressAction::Reset);
            }
        });
        html! { <button type="button" id="progress-reset" {onclick}>{ "Reset progress" }</button> }
    });
    html! {
        <article>
            <h1>{ "WebSocket protocol basics" }</h1>
            <p class="lead">
                { "A WebSocket starts life as an HTTP request and becomes a two-way stream of frames. \
                   This lab takes it apart: edit a handshake, flip a bit in a frame, open a real \
                   connection and see what crossed the wire." }
            </p>
            <p>
                { "Every value here is computed as you watch. For example, the key " }<code>{ example_key }</code>
                { " from RFC 6455 §1.3 is answered with " }
                <code id="home-accept">{ accept }</code>{ "." }
            </p>
            <section class="card" aria-labelledby="path-title">
                <h2 id="path-title">{ "Your path through the chapter" }</h2>
                if let Some(p) = &progress {
                    <p>{ "Chapter: " }<ProgressBar id="chapter-progress" value={chapter_fraction(p)} label="Progress through the chapter" /></p>
                }
                <ol class="path">{ for path }</ol>
                <p>
                    <Link to={Route::Quiz}>{ "Questions and exercises" }</Link>{ " · " }
                    <Link to={Route::Live}>{ "Live connection" }</Link>{ " " }
                    { for reset }
                </p>
                <p class="muted">{ "Progress is kept in this browser only (localStorage)." }</p>
            </section>
            <PageLesson id="basics" />
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::score_text;

    #[test]
    fn a_lesson_without_questions_shows_no_count() {
        assert_eq!(score_text(0, 0, false), " no questions");
        assert_eq!(score_text(0, 0, true), " no questions, done");
        assert_eq!(score_text(2, 3, false), " 2/3 answered right");
    }
}
