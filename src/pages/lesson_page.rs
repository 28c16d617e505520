//! A page that is only a lesson.

use yew::prelude::*;

use crate::components::PageLesson;
use crate::route::Route;

/// Props of [`LessonPage`].
#[derive(Properties, PartialEq)]
pub struct LessonPageProps {
    /// The route whose title and summary head the page.
    pub route: Route,
    /// The lesson's id.
    pub lesson: &'static str,
}

/// The page's title, summary and lesson.
#[function_component(LessonPage)]
pub fn lesson_page(props: &LessonPageProps) -> Html {
    html! {
        <article>
            <h1>{ props.route.title() }</h1>
            <p class="lead">{ props.route.summary() }</p>
            <PageLesson id={props.lesson} />
        </article>
    }
}
