//! Questions and exercises (`/quiz`): the chapter's multiple-choice questions
//! and more, its mini exercises and coding challenge, endless generated
//! practice checked by `wire`, and interview questions.

use crate::components::form::value_of;
use yew::prelude::*;

use crate::components::Link;

use crate::components::later::Later;
use crate::components::{NeedsJs, ProgressBar};
use crate::content::lessons::TITLES;
use crate::content::practice::{self, Kind, Problem};
use crate::content::questions::{
    EXERCISES, Exercise, INTERVIEWS, Interview, QUESTIONS, Question, check_exercise,
};
use crate::hooks::use_query_str;
use crate::pages::CHALLENGE_URL;
use crate::route::{LiveFor, QuizFor, Route};
use crate::services::browser::random_bytes;
use crate::state::progress::{ProgressAction, ProgressContext, lesson_fraction};
use crate::state::quiz::{Choice, ChoiceAction, Practice, PracticeAction};

#[derive(Properties, PartialEq)]
struct McqProps {
    question: &'static Question,
}

#[function_component(Mcq)]
fn mcq(props: &McqProps) -> Html {
    let q = props.question;
    let progress = use_context::<ProgressContext>();
    let state = use_reducer(Choice::default);
    let name = format!("{}-choice", q.id);
    let options = q.display_order().into_iter().map(|i| (i, &q.choices[i])).map(|(i, c)| {
        let id = format!("{}-{i}", q.id);
        let onchange = {
            let state = state.clone();
            Callback::from(move |_: Event| state.dispatch(ChoiceAction::Choose(i)))
        };
        // Once checked, every option says why it is right or wrong, and the right one is marked.
        let revealed = state.checked;
        html! {
            <li class={classes!(revealed.then_some(if c.correct { "right" } else { "wrong" }))}>
                <label class="check" for={id.clone()}>
                    <input type="radio" name={name.clone()} id={id} checked={state.chosen == Some(i)} {onchange} />
                    { c.text }
                </label>
                if revealed {
                    <p class="why">
                        <strong>{ if c.correct { "✓ The right answer. " } else { "✗ " } }</strong>{ c.why }
                    </p>
                }
            </li>
        }
    });
    let on_check = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = state.chosen {
                state.dispatch(ChoiceAction::Check);
                if let Some(p) = &progress {
                    p.dispatch(ProgressAction::Answered {
                        id: q.id.to_owned(),
                        correct: q.choices[i].correct,
                    });
                }
            }
        })
    };
    let feedback = match (state.checked, state.chosen) {
        (true, Some(i)) => {
            let c = &q.choices[i];
            html! {
                <p class={if c.correct { "ok-text" } else { "bad-text" }} role="status">
                    { if c.correct { "Correct. " } else { "Not quite. " } }{ c.why }
                </p>
            }
        }
        _ => html! {},
    };
    html! {
        <fieldset class="question" id={q.id}>
            <legend>{ q.prompt }{ if q.from_chapter { " (from the chapter)" } else { "" } }</legend>
            if state.checked { <p class="sr-only" role="note">{ "Every option now shows why it is right or wrong." }</p> }
            <ul class="choices">{ for options }</ul>
            <button type="button" onclick={on_check} disabled={state.chosen.is_none()}>{ "Check" }</button>
            { feedback }
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
struct ExerciseProps {
    exercise: &'static Exercise,
}

#[function_component(ExerciseCard)]
fn exercise_card(props: &ExerciseProps) -> Html {
    let e = props.exercise;
    let progress = use_context::<ProgressContext>();
    let answer = use_state(String::new);
    let verdict = use_state(|| None::<bool>);
    let oninput = {
        let answer = answer.clone();
        Callback::from(move |ev: InputEvent| answer.set(value_of(&ev)))
    };
    let onsubmit = {
        let answer = answer.clone();
        let verdict = verdict.clone();
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            let ok = check_exercise(e, &answer);
            verdict.set(Some(ok));
            if let Some(p) = &progress {
                p.dispatch(ProgressAction::Answered {
                    id: e.id.to_owned(),
                    correct: ok,
                });
            }
        })
    };
    let input_id = format!("{}-answer", e.id);
    html! {
        <form class="question" id={e.id} {onsubmit}>
            <label for={input_id.clone()}><strong>{ e.prompt }</strong></label>
            <div class="row">
                <input id={input_id} type="text" value={(*answer).clone()} {oninput} autocomplete="off" />
                <button type="submit">{ "Check" }</button>
            </div>
            { match *verdict {
                Some(true) => html! { <p class="ok-text" role="status">{ "Correct. " }{ e.answer }</p> },
                Some(false) => html! { <p class="bad-text" role="status">{ "Not quite. " }{ e.answer }</p> },
                None => html! {},
            } }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct PracticeProps {
    kind: Kind,
}

#[function_component(PracticeCard)]
fn practice_card(props: &PracticeProps) -> Html {
    let kind = props.kind;
    let progress = use_context::<ProgressContext>();
    let state = use_reducer(|| Practice::new(kind, random_bytes::<32>()));
    let base = format!("practice-{}", kind.id());
    let next = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            state.dispatch(PracticeAction::Next(random_bytes::<32>()))
        })
    };
    let submit = {
        let state = state.clone();
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            // The reducer checks; progress records the same check.
            if let (Ok(ok), Some(p)) = (practice::check(&state.problem, &state.answer), &progress) {
                p.dispatch(ProgressAction::Practiced {
                    kind: kind.id().to_owned(),
                    correct: ok,
                });
            }
            state.dispatch(PracticeAction::Check);
        })
    };
    let answer_with = |make: fn(&Event) -> String| {
        let state = state.clone();
        Callback::from(move |e: Event| state.dispatch(PracticeAction::Answer(make(&e))))
    };
    let p: &Problem = &state.problem;
    let input = if p.choices.is_empty() {
        let oninput = answer_with(value_of).reform(|e: InputEvent| e.into());
        html! {
            <div class="row">
                <label for={format!("{base}-answer")} class="sr-only">{ "Your answer" }</label>
                <input id={format!("{base}-answer")} type="text" value={state.answer.clone()} {oninput} autocomplete="off" spellcheck="false" />
                <button type="submit" id={format!("{base}-check")}>{ "Check" }</button>
            </div>
        }
    } else {
        let options = p.choices.iter().enumerate().map(|(i, c)| {
            let onchange = {
                let state = state.clone();
                Callback::from(move |_: Event| state.dispatch(PracticeAction::Answer(i.to_string())))
            };
            let id = format!("{base}-{i}");
            html! {
                <li><label class="check" for={id.clone()}>
                    <input type="radio" name={format!("{base}-choice")} id={id} checked={state.answer == i.to_string()} {onchange} />{ c }
                </label></li>
            }
        });
        html! {
            <>
                <ul class="choices">{ for options }</ul>
                <button type="submit" id={format!("{base}-check")}>{ "Check" }</button>
            </>
        }
    };
    let toggle = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(PracticeAction::ToggleSolution))
    };
    html! {
        <form class="question practice" id={base.clone()} onsubmit={submit}>
            <h3>{ kind.title() }</h3>
            <p id={format!("{base}-prompt")}>{ &p.prompt }</p>
            { input }
            { match &state.verdict {
                Some(Ok(true)) => html! { <p class="ok-text" role="status" id={format!("{base}-verdict")}>{ "Correct." }</p> },
                Some(Ok(false)) => html! { <p class="bad-text" role="status" id={format!("{base}-verdict")}>{ "Not quite: open the worked solution to see each step." }</p> },
                Some(Err(why)) => html! { <p class="bad-text" role="status" id={format!("{base}-verdict")}>{ format!("I could not read that: {why}.") }</p> },
                None => html! {},
            } }
            <div class="row">
                <button type="button" class="secondary" onclick={toggle} aria-expanded={state.solution_shown.to_string()}>
                    { if state.solution_shown { "Hide the worked solution" } else { "Show the worked solution" } }
                </button>
                <button type="button" class="secondary" id={format!("{base}-next")} onclick={next}>{ "Another one" }</button>
            </div>
            if state.solution_shown {
                <ol class="solution" id={format!("{base}-solution")}>{ for p.solution.iter().map(|s| html! { <li><code>{ s }</code></li> }) }</ol>
            }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct InterviewProps {
    interview: &'static Interview,
}

#[function_component(InterviewCard)]
fn interview_card(props: &InterviewProps) -> Html {
    let iv = props.interview;
    let draft = use_state(String::new);
    let shown = use_state(|| false);
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| draft.set(value_of(&e)))
    };
    let toggle = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(!*shown))
    };
    let area = format!("{}-draft", iv.id);
    html! {
        <div class="question interview" id={iv.id}>
            <h3>{ iv.prompt }{ if iv.from_chapter { " (from the chapter)" } else { "" } }</h3>
            <p class="muted">{ "Hint: " }{ iv.hint }</p>
            <label for={area.clone()}>{ "Your answer first (kept on this page only)" }</label>
            <textarea id={area} rows="4" value={(*draft).clone()} {oninput} />
            <button type="button" onclick={toggle} aria-expanded={shown.to_string()}>
                { if *shown { "Hide the model answer" } else { "Show the model answer" } }
            </button>
            if *shown {
                <ul class="model-answer">{ for iv.model.iter().map(|m| html! { <li>{ *m }</li> }) }</ul>
            }
        </div>
    }
}

/// The lower part of the page: generated practice (which links the protocol
/// code that makes and checks its problems) and the interview questions,
/// far below the first screen. In the quiz build they arrive in a chunk after
/// the page answers input.
fn draw_practice(_: &()) -> Html {
    html! {
        <>
            <section aria-labelledby="practice">
                <h2 id="practice">{ "Practice that never runs out" }</h2>
                <p class="muted">{ "New numbers every time, checked by the same protocol code the labs use. Hex answers may have spaces or not, in any case." }</p>
                { for Kind::ALL.iter().map(|k| html! { <PracticeCard kind={*k} /> }) }
            </section>
            <section aria-labelledby="interview">
                <h2 id="interview">{ "Interview questions" }</h2>
                { for INTERVIEWS.iter().map(|iv| html! { <InterviewCard interview={iv} /> }) }
            </section>
        </>
    }
}

crate::part!(
    PRACTICE,
    quiz_practice,
    draw_practice,
    (),
    "quiz-practice",
    "split-quiz"
);

/// The quiz page.
#[function_component(Quiz)]
pub fn quiz() -> Html {
    let first = QuizFor::from_query(&use_query_str()).map(|q| q.lesson);
    let progress = use_context::<ProgressContext>();
    // Ids and titles, not the lessons: this build carries no lesson's text.
    let mut order: Vec<&'static str> = TITLES
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| QUESTIONS.iter().any(|q| q.lesson == *id))
        .collect();
    if let Some(f) = &first
        && let Some(pos) = order.iter().position(|id| id == f)
    {
        let id = order.remove(pos);
        order.insert(0, id);
    }
    let groups = order.iter().map(|id| {
        let title = TITLES.iter().find(|(i, _)| i == id).map_or(*id, |(_, t)| *t);
        let bar = progress.as_ref().map(|p| html! { <ProgressBar value={lesson_fraction(p, id)} label={format!("Progress: {title}")} /> });
        html! {
            <section class="quiz-group" id={format!("quiz-{id}")} aria-labelledby={format!("quiz-{id}-title")}>
                <h3 id={format!("quiz-{id}-title")}>{ title }{ " " }{ for bar }</h3>
                { for QUESTIONS.iter().filter(|q| q.lesson == *id).map(|q| html! { <Mcq key={q.id} question={q} /> }) }
            </section>
        }
    });
    html! {
        <article>
            <h1>{ Route::Quiz.title() }</h1>
            <p class="lead">{ Route::Quiz.summary() }</p>
            <NeedsJs what="The questions and exercises are checked in your browser." />
            <nav class="toc" aria-label="On this page">
                <a href="#mcq">{ "Multiple choice" }</a>{ " · " }
                <a href="#exercises">{ "Mini exercises" }</a>{ " · " }
                <a href="#challenge">{ "Coding challenge" }</a>{ " · " }
                <a href="#practice">{ "Practice" }</a>{ " · " }
                <a href="#interview">{ "Interview questions" }</a>
            </nav>
            <section aria-labelledby="mcq">
                <h2 id="mcq">{ "Multiple choice" }</h2>
                <p class="muted">{ format!("{} questions. Every option explains itself once checked.", QUESTIONS.len()) }</p>
                { for groups }
            </section>
            <section aria-labelledby="exercises">
                <h2 id="exercises">{ "Mini exercises" }</h2>
                { for EXERCISES.iter().map(|e| html! { <ExerciseCard exercise={e} /> }) }
            </section>
            <section aria-labelledby="challenge" class="card">
                <h2 id="challenge">{ "Coding challenge" }</h2>
                <p>{ "Create an HTML file that runs " }<code>{ format!("new WebSocket(\"{CHALLENGE_URL}\")") }</code>
                   { " and watch the console. (The chapter uses a .com name; this one ends in .invalid, a name reserved never to \
                      resolve, RFC 6761, so nobody can ever register it.) The handshake cannot even start (the name does not \
                      resolve), so the browser fires an " }
                   <code>{ "error" }</code>{ " event, then a " }<code>{ "close" }</code>{ " event with code 1006 and wasClean false. \
                   The error event carries no reason on purpose: a page must not learn whether a host or port exists. \
                   The console shows a message like \"WebSocket connection to '…' failed\", written by the browser, not readable by the page. \
                   One exception: opened from a page served over https, a ws:// URL is mixed content, and browsers \
                   refuse it at once: Chromium and Firefox throw a SecurityError from the constructor, before any event. Save \
                   the file and open it from disk or over http to see the events." }</p>
                <p>
                    <Link to={Route::Live} query={LiveFor { url: CHALLENGE_URL.to_owned() }.to_query()}>
                        { "Try it here, on the live connection page" }
                    </Link>
                </p>
            </section>
            <Later<()> part={PRACTICE} props={()} />
        </article>
    }
}
