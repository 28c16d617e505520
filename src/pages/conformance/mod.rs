//! `/conformance`: test your own server. wslab-echo's `/probe` runs the
//! cases of `wslab-probe` against it (a browser cannot send a broken frame;
//! the server can) and streams each verdict here.

use std::cell::RefCell;
use std::rc::Rc;

use crate::components::form::file_of;
use crate::components::mebibytes;
use conformance::case::Group;
use conformance::report::{CaseResult, Report, Rule, Verdict};
use yew::prelude::*;

use wire::session::Content;
use wire::tap::Direction;

mod browser_run;
mod form;

use crate::components::{FrameLine, Link, record_of};
use form::{ClientForm, RunForm};

use crate::components::NeedsJs;
use crate::components::later::Later;
use crate::hooks::{use_linked_landing, use_url_reducer};
use crate::route::Route;
use crate::services::browser::{download, read_file};
use crate::services::socket::{Socket, SocketEvent};
use crate::state::QueryState;
use crate::state::conformance::{
    ConformanceQuery, Run, RunAction, frame_link, read_event, write_request,
};

/// The largest report file opened.
const MAX_FILE: f64 = conformance::report::MAX_REPORT as f64;

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "verdict verdict-pass",
        Verdict::NonStrict => "verdict verdict-non-strict",
        Verdict::Fail => "verdict verdict-fail",
        Verdict::Info => "verdict verdict-info",
    }
}

/// How the page reads `/probe`'s events and writes its run request: JSON,
/// which only a run needs, so it arrives with the results' chunk.
#[derive(Clone, Copy)]
pub struct Codec {
    read: fn(&str) -> Result<conformance::report::Event, String>,
    write: fn(&conformance::report::RunRequest) -> String,
}

crate::later!(
    CODEC: Codec = Codec {
        read: read_event,
        write: write_request,
    },
    conformance_results,
    "split-conformance"
);

/// Runs `then` with the codec once its chunk is here, unless the run was
/// replaced or cancelled meanwhile (`generation` moved on); stops the run
/// with the reason should the chunk not arrive.
fn with_codec(
    run: &UseReducerDispatcher<Run>,
    generation: &Rc<std::cell::Cell<u32>>,
    then: impl FnOnce(Codec) + 'static,
) {
    let (run, generation) = (run.clone(), generation.clone());
    let mine = generation.get();
    wasm_bindgen_futures::spawn_local(async move {
        let codec = CODEC.get().await;
        if generation.get() != mine {
            return;
        }
        match codec {
            Ok(codec) => then(codec),
            Err(why) => run.dispatch(RunAction::Stop(format!(
                "the code that reads the run's results could not be loaded ({why}): fetch it with \"Try again\" below, then start again"
            ))),
        }
    });
}

/// The page.
#[function_component(Conformance)]
pub fn conformance() -> Html {
    let (query, _) = use_url_reducer::<QueryState<ConformanceQuery>>(Route::Conformance);
    use_linked_landing("conformance-target");
    // The run, as events arrive (a reducer in `state::conformance`).
    let run = use_reducer(Run::default);
    let socket: Rc<RefCell<Option<Socket>>> = use_mut_ref(|| None);
    // Moves on with every new run, opened report and cancel: a run still
    // waiting for its codec starts only if nothing replaced it meanwhile.
    let generation = use_memo((), |_| Rc::new(std::cell::Cell::new(0u32)));
    let generation: Rc<std::cell::Cell<u32>> = (*generation).clone();

    // Replaces the run (a new one, or a saved report), leaving any socket behind.
    let replace = {
        let (run, socket, generation) = (run.dispatcher(), socket.clone(), generation.clone());
        move |next: Run| {
            generation.set(generation.get().wrapping_add(1));
            socket.borrow_mut().take();
            run.dispatch(RunAction::Replace(Box::new(next)));
        }
    };

    let on_run = {
        let (query, run, socket, replace, generation) = (
            query.clone(),
            run.dispatcher(),
            socket.clone(),
            replace.clone(),
            generation.clone(),
        );
        Callback::from(move |()| {
            let request = query.request();
            replace(Run::connecting(&request.target));
            let (run2, socket, server) =
                (run.clone(), socket.clone(), query.server.trim().to_owned());
            with_codec(&run, &generation, move |codec| {
                let text = (codec.write)(&request);
                let sender = socket.clone();
                stream_into(&run2, &socket, &server, codec.read, move || {
                    if let Some(s) = sender.borrow().as_ref() {
                        let _ = s.send_text(&text);
                    }
                });
            });
        })
    };
    let on_watch = {
        let (query, run, socket, replace, generation) = (
            query.clone(),
            run.dispatcher(),
            socket.clone(),
            replace.clone(),
            generation.clone(),
        );
        Callback::from(move |()| {
            let agent = query.agent.clone().unwrap_or_default().trim().to_owned();
            replace(Run::connecting(&format!("client {agent}")));
            let (run2, socket, url) = (run.clone(), socket.clone(), query.watch_url());
            with_codec(&run, &generation, move |codec| {
                let watching = run2.clone();
                stream_into(&run2, &socket, &url, codec.read, move || {
                    watching.dispatch(RunAction::Watching(agent.clone()))
                });
            });
        })
    };
    // The two tabs: the client tab names an agent, the server tab none.
    let show_tab = {
        let query = query.clone();
        move |client: bool| {
            let mut q = query.0.clone();
            if q.agent.is_some() != client {
                q.agent = client.then(|| crate::state::conformance::DEFAULT_AGENT.to_owned());
                query.dispatch(q);
            }
        }
    };
    let on_tab = |client: bool| {
        let show_tab = show_tab.clone();
        Callback::from(move |_: MouseEvent| show_tab(client))
    };
    let client_tab = query.agent.is_some();
    // The tab pattern's keys (WAI-ARIA): arrows, Home and End move to the
    // other tab, select it and focus it.
    let on_tab_key = {
        let show_tab = show_tab.clone();
        Callback::from(move |e: KeyboardEvent| {
            let client = match e.key().as_str() {
                "ArrowLeft" | "ArrowRight" => !client_tab,
                "Home" => false,
                "End" => true,
                _ => return,
            };
            e.prevent_default();
            show_tab(client);
            crate::services::browser::focus(if client { "tab-client" } else { "tab-server" });
        })
    };
    // "Test this browser": the run's sockets (dropped to stop it) and where it stands.
    let browser_run = use_mut_ref(|| None::<browser_run::Handle>);
    let browser_progress = use_state(|| None::<browser_run::Progress>);
    let on_browser = {
        let (query, on_watch, browser_run, browser_progress) = (
            query.clone(),
            on_watch.clone(),
            browser_run.clone(),
            browser_progress.clone(),
        );
        Callback::from(move |range: String| {
            on_watch.emit(());
            let q = query.0.clone();
            let urls: Rc<dyn Fn(u32) -> String> = Rc::new(move |n| q.run_case_url(&n.to_string()));
            let progress = {
                let browser_progress = browser_progress.clone();
                Callback::from(move |p| browser_progress.set(Some(p)))
            };
            let count_url = format!("{}/getCaseCount", query.echo_base());
            *browser_run.borrow_mut() = Some(browser_run::start(count_url, urls, range, progress));
        })
    };
    let on_cancel = {
        let (run, socket, browser_run, generation) = (
            run.clone(),
            socket.clone(),
            browser_run.clone(),
            generation.clone(),
        );
        Callback::from(move |()| {
            generation.set(generation.get().wrapping_add(1));
            browser_run.borrow_mut().take();
            if let Some(s) = socket.borrow_mut().take() {
                let _ = s.close(Some(1000), "cancelled");
            }
            run.dispatch(RunAction::Cancel);
        })
    };

    let running = run.running();
    let status = run.status_line();

    html! {
        <article class="lesson conformance">
            <h1>{ Route::Conformance.title() }</h1>
            <p class="lead">
                if client_tab {
                    { "Point a WebSocket client you wrote at wslab-echo and it plays the server: several hundred cases of good frames, broken frames, masked frames no server may send, every close code. Each case says what RFC 6455 requires of your client, in which section, and why it matters; the results come in here as your client runs them." }
                } else {
                    { "Point the lab at a WebSocket server you wrote and it runs several hundred cases against it: good frames, broken frames, odd-sized writes, every close code. Each case says what RFC 6455 requires, in which section, and why it matters. A browser cannot send a malformed frame, so wslab-echo runs the cases on this page's behalf, against servers on its own machine only." }
                }
            </p>
            <NeedsJs what="The conformance lab talks to wslab-echo over a WebSocket from your browser." />
            <div class="tabs" role="tablist" aria-label="What is under test" onkeydown={on_tab_key}>
                <button type="button" role="tab" id="tab-server" aria-controls="conformance-panel"
                    aria-selected={(!client_tab).to_string()} tabindex={if client_tab { "-1" } else { "0" }}
                    onclick={on_tab(false)}>{ "Your server" }</button>
                <button type="button" role="tab" id="tab-client" aria-controls="conformance-panel"
                    aria-selected={client_tab.to_string()} tabindex={if client_tab { "0" } else { "-1" }}
                    onclick={on_tab(true)}>{ "Your client" }</button>
            </div>
            <div role="tabpanel" id="conformance-panel" aria-labelledby={if client_tab { "tab-client" } else { "tab-server" }}>
                if client_tab {
                    <ClientForm query={query.clone()} watching={running} on_watch={on_watch} on_stop={on_cancel.clone()} on_browser={on_browser} browser_line={browser_progress.as_ref().map(|p| p.line()).unwrap_or_default()} />
                } else {
                    <RunForm query={query.clone()} {running} on_run={on_run} on_cancel={on_cancel} />
                }
            </div>
            <p id="conformance-status" class="status" role="status" aria-live="polite">{ status }</p>
            <Later<Results> part={RESULTS} props={Results { run: run.clone(), replace: Callback::from(replace) }} />
        </article>
    }
}

/// What the run's results draw from: the run, and how to replace it with
/// an opened report.
#[derive(PartialEq)]
pub struct Results {
    run: UseReducerHandle<Run>,
    replace: Callback<Run>,
}

/// The summary, the export and open buttons and the cases: below the forms,
/// so the conformance build loads them after the page answers input (a
/// chunk of their own, with the frame reader, the HTML report and the report
/// reader they alone use).
fn draw_results(results: &Results) -> Html {
    html! { <ResultsView run={results.run.clone()} replace={results.replace.clone()} /> }
}

crate::part!(
    RESULTS,
    conformance_results,
    draw_results,
    Results,
    "conformance-results-part",
    "split-conformance"
);

/// Props of [`ResultsView`].
#[derive(Properties, PartialEq)]
struct ResultsViewProps {
    run: UseReducerHandle<Run>,
    replace: Callback<Run>,
}

#[function_component(ResultsView)]
fn results_view(props: &ResultsViewProps) -> Html {
    let run = &props.run;
    let only_problems = use_state(|| false);
    let has_results = !run.report.results.is_empty();
    // The report as a file: JSON (it opens here again) or a self-contained page.
    let export = |name: &'static str, mime: &'static str, text: fn(&Report) -> String| {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| download(name, mime, text(&run.report).as_bytes()))
    };
    let on_export_json = export(
        "wslab-conformance.json",
        "application/json",
        Report::to_json,
    );
    let on_export_html = export("wslab-conformance.html", "text/html", Report::to_html);
    let on_open = {
        let replace = props.replace.clone();
        Callback::from(move |e: Event| {
            if let Some(file) = file_of(&e) {
                if file.size() > MAX_FILE {
                    replace.emit(Run::refused(format!(
                        "{}: {} is more than a report may have ({} MiB)",
                        file.name(),
                        mebibytes(file.size()),
                        conformance::report::MAX_REPORT >> 20
                    )));
                } else {
                    let replace = replace.clone();
                    read_file(
                        file,
                        Callback::from(move |(name, bytes): (String, Vec<u8>)| {
                            let text = String::from_utf8_lossy(&bytes);
                            replace.emit(Run::opened(&name, &text).unwrap_or_else(Run::refused));
                        }),
                    );
                }
            }
        })
    };
    let on_only_problems = {
        let only_problems = only_problems.clone();
        Callback::from(move |_: Event| only_problems.set(!*only_problems))
    };
    html! {
        <>
            if has_results {
                { summary(run) }
            }
            <div class="actions">
                <button id="conformance-export-json" type="button" disabled={!has_results} onclick={on_export_json}>{ "Export JSON" }</button>
                <button id="conformance-export-html" type="button" disabled={!has_results} onclick={on_export_html}>{ "Export HTML report" }</button>
                <input id="conformance-open" class="sr-only" type="file" accept=".json,application/json" onchange={on_open} />
                <label class="file-button" for="conformance-open">{ "Open a saved report" }</label>
            </div>
            if has_results {
                <label class="only-problems"><input type="checkbox" id="conformance-only-problems" checked={*only_problems} onchange={on_only_problems} />{ " Show only fails and non-strict" }</label>
                <ol class="cases" id="conformance-results">
                    { for run.report.results.iter().filter(|r| !*only_problems || matches!(r.verdict, Verdict::Fail | Verdict::NonStrict)).map(case_view) }
                </ol>
            }
        </>
    }
}

/// The lesson to read when a group fails.
fn lesson(group: Group) -> Route {
    match group {
        Group::Handshake => Route::Handshake,
        Group::PingPong => Route::Heartbeats,
        Group::Closing => Route::Lifecycle,
        Group::Framing
        | Group::ReservedBits
        | Group::Opcodes
        | Group::Fragmentation
        | Group::Utf8
        | Group::Masking
        | Group::Limits => Route::Frames,
    }
}

fn summary(run: &Run) -> Html {
    let counts = run.report.counts();
    let per_group = run.report.per_group();
    html! {
        <section id="conformance-summary" class="summary" aria-label="Summary">
            <p class="counts">
                <span class="verdict verdict-pass">{ format!("{} passed", counts.passed) }</span>
                <span class="verdict verdict-non-strict">{ format!("{} non-strict", counts.non_strict) }</span>
                <span class="verdict verdict-fail">{ format!("{} failed", counts.failed) }</span>
                <span class="verdict verdict-info">{ format!("{} informational", counts.info) }</span>
            </p>
            <div class="table-scroll">
            <table>
                <thead><tr><th>{ "Group" }</th><th>{ "pass" }</th><th>{ "non-strict" }</th><th>{ "fail" }</th><th>{ "info" }</th><th>{ "Read" }</th></tr></thead>
                <tbody>
                { for per_group.into_iter().map(|(g, c)| html! {
                    <tr class={if c.failed > 0 { "group-failed" } else { "" }}>
                        <td>{ format!("{}. {}", g.number(), g.title()) }</td>
                        <td>{ c.passed }</td><td>{ c.non_strict }</td><td>{ c.failed }</td><td>{ c.info }</td>
                        <td>
                            if c.failed + c.non_strict > 0 {
                                <Link to={lesson(g)} classes="lesson-link">{ "the lesson" }</Link>
                            }
                        </td>
                    </tr>
                }) }
                </tbody>
            </table>
            </div>
        </section>
    }
}

/// Opens `url` into `socket`: its text messages are the run's events, its
/// close ends the run, and `on_open` says what the page does once it is open
/// (send a run request, or mark a watch as open).
fn stream_into(
    run: &UseReducerDispatcher<Run>,
    socket: &Rc<RefCell<Option<Socket>>>,
    url: &str,
    read: fn(&str) -> Result<conformance::report::Event, String>,
    on_open: impl Fn() + 'static,
) {
    let on_event = {
        let run = run.clone();
        Callback::from(move |ev: SocketEvent| match ev {
            SocketEvent::Open => on_open(),
            SocketEvent::Text(text) => run.dispatch(RunAction::Event(read(&text))),
            SocketEvent::Binary(_) | SocketEvent::Error => {}
            SocketEvent::Closed { code, reason, .. } => {
                run.dispatch(RunAction::Closed(code, reason))
            }
        })
    };
    match Socket::open(url, on_event) {
        Ok(s) => *socket.borrow_mut() = Some(s),
        Err(why) => run.dispatch(RunAction::Stop(format!("cannot open {url}: {why}"))),
    }
}

/// A quoted rule: the sentence, then where it stands; `none` without one.
fn rule_view(rule: Option<&Rule>, none: &str) -> Html {
    match rule {
        Some(rule) => html! { <><q>{ &rule.text }</q>{ " — " }<cite>{ &rule.section }</cite></> },
        None => html! { { none.to_owned() } },
    }
}

fn case_view(r: &CaseResult) -> Html {
    let open = matches!(r.verdict, Verdict::Fail | Verdict::NonStrict);
    html! {
        <li class="case" id={format!("case-{}", r.id)} data-verdict={r.verdict.word()}>
            <details open={open}>
                <summary>
                    <span class={verdict_class(r.verdict)}>{ r.verdict.word() }</span>
                    <code class="case-id">{ &r.id }</code>
                    <span class="case-title">{ &r.title }</span>
                </summary>
                <p class="case-detail">{ &r.detail }</p>
                <dl>
                    <dt>{ "Expected" }</dt><dd>{ &r.expected }<br /><small>{ &r.non_strict }</small></dd>
                    <dt>{ "RFC" }</dt><dd>{ &r.rfc }</dd>
                    <dt>{ "Why it matters" }</dt><dd>{ &r.why }</dd>
                    <dt>{ "Fails only on" }</dt>
                    <dd class={classes!("rule", (r.verdict == Verdict::Fail).then_some("rule-applied"))}>{ rule_view(r.fail_rule.as_ref(), "No MUST of the RFC binds the server here: this case cannot fail.") }</dd>
                    if r.non_strict_rule.is_some() {
                        <dt>{ "Non-strict on" }</dt>
                        <dd class={classes!("rule", (r.verdict == Verdict::NonStrict).then_some("rule-applied"))}>{ rule_view(r.non_strict_rule.as_ref(), "") }</dd>
                    }
                </dl>
                if let Some(head) = &r.response {
                    <details class="response"><summary>{ "The server's response head" }</summary><pre>{ head }</pre></details>
                }
                if !r.frames.is_empty() {
                    <ol class="frames">
                        { for r.frames.iter().map(|f| {
                            let from = if f.from.from_client() { Direction::FromClient } else { Direction::FromServer };
                            let who = f.from.name();
                            // Read as every view reads a frame; the run's own line when the bytes were not kept.
                            let record = f.hex.as_deref().and_then(|h| wire::hex::parse_hex(h).ok()).and_then(|b| record_of(from, &b));
                            let link = f.hex.as_ref().map(|hex| html! {
                                <>{ " " }<a href={frame_link(hex, f.from)} target="_blank" rel="noopener" class="open-frame">{ "open in the frame lab" }</a></>
                            });
                            html! {
                                <li class={format!("frame from-{who}")}>
                                    { match record.filter(|r| matches!(r.content, Content::Frame(_))) {
                                        Some(record) => html! { <FrameLine {record}>{ for link }</FrameLine> },
                                        None => html! { <span class="frame-line"><strong class="frame-dir">{ format!("{}: ", from.arrow()) }</strong>{ &f.summary }{ for link }</span> },
                                    } }
                                </li>
                            }
                        }) }
                        if r.frames_left_out > 0 {
                            <li>{ format!("… and {} more frames", r.frames_left_out) }</li>
                        }
                    </ol>
                }
                <p class="case-time"><small>{ format!("{} ms", r.millis) }</small></p>
            </details>
        </li>
    }
}
