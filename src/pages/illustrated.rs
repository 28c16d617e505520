//! `/illustrated`: one whole session, record by record, every byte
//! explained — the example session `wire` computes, the learner's own from
//! the live console, a saved file or a shared link.

use std::collections::HashSet;
use std::rc::Rc;

use yew::prelude::*;

use crate::components::later::Later;

use crate::components::{FileDrop, NeedsJs, RecordCard};
use crate::route::Route;
use crate::services::browser::{copy_text, download, set_location_hash};
use crate::state::illustrated::{Handover, MAX_LINK, from_fragment};
use wire::session::{Record, Session, example};

/// The largest session file opened.
const MAX_FILE: usize = 64 << 20;

/// Where the shown session came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Example,
    Live,
    File,
    Link,
}

#[derive(Clone, PartialEq)]
struct Shown {
    session: Rc<Session>,
    /// The records again, each shared with its card (not copied per render).
    records: Rc<Vec<Rc<Record>>>,
    titles: Rc<Vec<String>>,
    source: Source,
    /// Why the last file or link could not be read at all.
    refused: Option<String>,
}

impl Shown {
    fn new(session: Session, source: Source) -> Self {
        Shown {
            titles: Rc::new(session.titles()),
            records: Rc::new(session.records.iter().cloned().map(Rc::new).collect()),
            session: Rc::new(session),
            source,
            refused: None,
        }
    }
}

fn initial(handover: Option<&Handover>) -> Shown {
    let hash = crate::services::browser::location_hash();
    match from_fragment(&hash) {
        Some(Ok(s)) => return Shown::new(s, Source::Link),
        Some(Err(why)) => {
            let mut shown = Shown::new(example(), Source::Example);
            shown.refused = Some(format!(
                "The link could not be read: {why}. Showing the example session instead."
            ));
            return shown;
        }
        None => {}
    }
    match handover.and_then(Handover::take) {
        Some(s) => Shown::new(s, Source::Live),
        None => Shown::new(example(), Source::Example),
    }
}

/// The page. In the live build it arrives after `/live` answers input (a
/// chunk of its own, with the session file and link codecs it alone uses):
/// a learner on `/live` who never opens it never loads it.
#[function_component(Illustrated)]
pub fn illustrated() -> Html {
    html! { <Later<()> part={PAGE} props={()} /> }
}

fn draw_page(_: &()) -> Html {
    html! { <IllustratedPage /> }
}

crate::part!(
    PAGE,
    live_illustrated,
    draw_page,
    (),
    "illustrated-page",
    "split-live"
);

/// The page's content.
#[function_component(IllustratedPage)]
fn illustrated_page() -> Html {
    let handover = use_context::<Handover>();
    let shown = use_state(|| initial(handover.as_ref()));
    let open = use_state(HashSet::<usize>::new);
    let show_all = use_state(|| false);
    let notice = use_state(|| None::<String>);

    let load = {
        let (shown, open, notice) = (shown.clone(), open.clone(), notice.clone());
        Callback::from(move |(name, bytes): (String, Vec<u8>)| {
            open.set(HashSet::new());
            notice.set(None);
            match Session::from_file(&bytes) {
                Ok(s) => shown.set(Shown::new(s, Source::File)),
                Err(why) => {
                    let mut s = (*shown).clone();
                    s.refused = Some(format!("{name}: {why}."));
                    shown.set(s);
                }
            }
        })
    };
    let refuse = {
        let shown = shown.clone();
        Callback::from(move |why: String| {
            let mut s = (*shown).clone();
            s.refused = Some(why);
            shown.set(s);
        })
    };
    let on_download = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| {
            download(
                "wslab-session.wslab",
                "application/octet-stream",
                &shown.session.to_file(),
            )
        })
    };
    let on_link = {
        let (shown, notice) = (shown.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            let text = shown.session.to_link();
            if text.len() > MAX_LINK {
                notice.set(Some(format!(
                    "This session is too long for a link: {} characters compressed, and links hold at most {MAX_LINK}. Download it as a file instead.",
                    text.len()
                )));
                return;
            }
            let href = set_location_hash(&format!("s={text}"));
            copy_text(&href);
            notice.set(Some(format!(
                "The link is in the address bar and on the clipboard ({} characters). The session travels in the part after #, which browsers never send to a server.",
                href.len()
            )));
        })
    };
    let on_example = {
        let (shown, open, notice) = (shown.clone(), open.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(HashSet::new());
            notice.set(None);
            shown.set(Shown::new(example(), Source::Example));
        })
    };
    let on_show_all = {
        let show_all = show_all.clone();
        Callback::from(move |_: MouseEvent| show_all.set(!*show_all))
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |i: usize| {
            let mut set = (*open).clone();
            if !set.remove(&i) {
                set.insert(i);
            }
            open.set(set);
        })
    };

    let session = &shown.session;
    let source = match shown.source {
        Source::Example => "The example session below is computed by wire as this page loads: RFC 6455 §1.3's handshake, a text message and its echo, a ping and its pong, a binary message in three fragments with a ping between them, and the closing handshake.".to_owned(),
        Source::Live => "Your own session, as wslab-echo saw it: your browser's request (cookies and credentials redacted), the server's answer, and every frame with your browser's real masking keys.".to_owned(),
        Source::File => "A session opened from a file.".to_owned(),
        Source::Link => "A session opened from a link.".to_owned(),
    };
    html! {
        <article class="lab illustrated">
            <h1>{ Route::Illustrated.title() }</h1>
            <p class="lead">{ Route::Illustrated.summary() }</p>
            <NeedsJs what="The illustrated session on this page is drawn by the app in your browser." />
            <p id="illustrated-source">{ source }</p>
            <div class="row illustrated-tools">
                <button type="button" id="illustrated-show-all" aria-pressed={show_all.to_string()} onclick={on_show_all}>
                    { if *show_all { "Close all records" } else { "Show all records" } }
                </button>
                <button type="button" id="illustrated-download" onclick={on_download}>{ "Download this session" }</button>
                <button type="button" id="illustrated-link" onclick={on_link}>{ "Share as a link" }</button>
                if shown.source != Source::Example {
                    <button type="button" onclick={on_example}>{ "Show the example" }</button>
                }
            </div>
            <FileDrop id="illustrated-file" label="Open a saved session (or drop its file here): " accept=".wslab,application/octet-stream"
                max_bytes={MAX_FILE} on_file={load} on_refused={refuse} />
            if let Some(n) = &*notice { <p class="notice" id="illustrated-notice" role="status">{ n }</p> }
            if let Some(r) = &shown.refused { <p class="bad-text" id="illustrated-refused" role="alert">{ r }</p> }
            <p class="muted">{ format!("{} records. Open one to see its bytes; point at a byte to see what it is, or at an explanation to see its bytes.", session.records.len()) }</p>
            <ol class="records" id="records">
                { for shown.records.iter().enumerate().map(|(i, r)| {
                    let is_open = *show_all || open.contains(&i);
                    html! {
                        <RecordCard key={i} index={i} record={r.clone()} title={AttrValue::from(shown.titles.get(i).cloned().unwrap_or_default())}
                            open={is_open} on_toggle={toggle.clone()} />
                    }
                }) }
            </ol>
            if let Some(p) = &session.problem {
                <p class="bad-text" id="illustrated-problem" role="alert">{ format!("The session stops here: {p}") }</p>
            }
        </article>
    }
}
