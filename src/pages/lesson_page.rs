//! A page that is only a lesson.

use yew::prelude::*;

use crate::components::LessonView;
use crate::content::lessons::Lesson;
use crate::route::Route;

/// Props of [`LessonPage`].
#[derive(Properties, PartialEq)]
pub struct LessonPageProps {
    /// The route whose title and summary head the page.
    pub route: Route,
    /// The lesson (given rather than looked up, so a build holds only the
    /// lessons its pages show).
    pub lesson: &'static Lesson,
}

/// The page's title, summary and lesson.
#[function_component(LessonPage)]
pub fn lesson_page(props: &LessonPageProps) -> Html {
    html! {
        <article>
            <h1>{ props.route.title() }</h1>
            <p class="lead">{ props.route.summary() }</p>
            <LessonView lesson={props.lesson} />
        </article>
    }
}
