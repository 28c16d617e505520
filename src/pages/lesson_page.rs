//! A page that is only a lesson.

use yew::prelude::*;

use crate::components::LessonView;
use crate::content::lessons::lesson_for;
use crate::route::Route;

/// Props of [`LessonPage`].
#[derive(Properties, PartialEq)]
pub struct LessonPageProps {
    /// The route whose lesson to show.
    pub route: Route,
}

/// The page's title, summary and lesson.
#[function_component(LessonPage)]
pub fn lesson_page(props: &LessonPageProps) -> Html {
    html! {
        <article>
            <h1>{ props.route.title() }</h1>
            <p class="lead">{ props.route.summary() }</p>
            if let Some(l) = lesson_for(props.route) {
                <LessonView lesson={l} />
            }
        </article>
    }
}
