//! An HTTP message shown line by line: each line opens to explain itself, and
//! lines with problems are marked. Each line is its own component, so typing
//! re-renders only the lines that changed.

use yew::prelude::*;

use crate::content::headers::{self, HeaderDoc, Side};

/// Lines shown before the rest is summarised (a 1 MB paste stays responsive).
pub const MAX_LINES: usize = 200;

/// A problem attached to a line.
#[derive(Clone, Debug, PartialEq)]
pub struct LineProblem {
    /// The line, from 1.
    pub line: usize,
    /// The text to show.
    pub text: String,
}

/// Props of [`AnnotatedLines`].
#[derive(Properties, PartialEq)]
pub struct AnnotatedLinesProps {
    /// The message text.
    pub text: AttrValue,
    /// Notes for the first line (request or status line).
    pub start: &'static HeaderDoc,
    /// Whose message it is: the same header is explained differently in a
    /// request and in a response.
    pub side: Side,
    /// Problems by line.
    pub problems: Vec<LineProblem>,
    /// An id prefix for the list.
    pub id: AttrValue,
}

/// The message with an explanation behind every line (hover, focus or tap:
/// each line is a `<details>` element, so keyboard and touch work natively).
#[function_component(AnnotatedLines)]
pub fn annotated_lines(props: &AnnotatedLinesProps) -> Html {
    let lines: Vec<&str> = props
        .text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let total = lines.len();
    let first_nonblank = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
    let items = lines
        .iter()
        .enumerate()
        .take(MAX_LINES)
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, line)| {
            let n = i + 1;
            let doc = if i == first_nonblank {
                Some(props.start)
            } else {
                line.split_once(':')
                    .and_then(|(name, _)| headers::lookup(name.trim(), props.side))
            };
            let problems: Vec<String> = props
                .problems
                .iter()
                .filter(|p| p.line == n)
                .map(|p| p.text.clone())
                .collect();
            // Extension lines are read by wire, parameter by parameter.
            let notes = match line.split_once(':') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("Sec-WebSocket-Extensions") => {
                    headers::extension_notes(value.trim(), props.side)
                }
                _ => Vec::new(),
            };
            html! { <Line key={n} {n} text={AttrValue::from(line.to_string())} {doc} {problems} {notes} /> }
        });
    html! {
        <>
            <ol class="annotated" id={props.id.clone()}>{ for items }</ol>
            if total > MAX_LINES {
                <p class="muted">{ format!("… and {} more lines, not annotated.", total - MAX_LINES) }</p>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct LineProps {
    n: usize,
    text: AttrValue,
    doc: Option<&'static HeaderDoc>,
    problems: Vec<String>,
    notes: Vec<String>,
}

#[function_component(Line)]
fn line(props: &LineProps) -> Html {
    let bad = !props.problems.is_empty();
    html! {
        <li class={classes!("line", bad.then_some("bad"))} data-line={props.n.to_string()}>
            <details>
                <summary title={props.doc.map(|d| d.purpose).unwrap_or("Not a header the WebSocket handshake uses.")}>
                    <span class="lineno" aria-hidden="true">{ props.n }</span>
                    <code>{ props.text.clone() }</code>
                    if bad { <span class="badge bad-badge">{ "problem" }</span> }
                </summary>
                <div class="explain">
                    { for props.problems.iter().map(|p| html! { <p class="problem-text">{ p }</p> }) }
                    { match props.doc {
                        Some(d) => html! {
                            <dl>
                                <dt>{ "What it is for" }</dt><dd>{ d.purpose }</dd>
                                <dt>{ "Who sets it" }</dt><dd>{ d.set_by }</dd>
                                <dt>{ "When it is wrong" }</dt><dd>{ d.if_wrong }</dd>
                                if !props.notes.is_empty() {
                                    <dt>{ "This line, read" }</dt>
                                    <dd><ul class="extension-notes">{ for props.notes.iter().map(|n| html! { <li>{ n }</li> }) }</ul></dd>
                                }
                            </dl>
                        },
                        None => html! { <p>{ "Not a header the WebSocket handshake uses; a server ignores it." }</p> },
                    } }
                </div>
            </details>
        </li>
    }
}
