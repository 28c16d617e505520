//! A lesson rendered from its data, with every example computed by `wire`.

use yew::prelude::*;

use crate::components::copy_button::COPIED;
use crate::components::{CodeBlock, LabDone, Link};
use crate::content::lessons::{self, Block, Example, Lesson};
use crate::route::Route;
use crate::services::browser;
use wire::close::REGISTERED;
use wire::frame::{Frame, FrameHeader, LengthForm};
use wire::handshake::{accept_steps, check_request, respond, rfc_request};
use wire::hex::to_hex;
use wire::opcode::OpCode;
use wire::uri::parse_uri;

const SAMPLE_KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const RFC_KEY_BYTES: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

fn sample_request() -> String {
    rfc_request(SAMPLE_KEY)
}

/// Renders an example.
fn example(e: Example) -> Html {
    match e {
        Example::HandshakeRequest => handshake_request(),
        Example::HandshakeResponse => handshake_response(),
        Example::AcceptSteps => accept_steps_list(),
        Example::UriTable => uri_table(),
        Example::OpcodeTable => opcode_table(),
        Example::LengthForms => length_forms(),
        Example::MaskedHello => masked_hello(),
        Example::CloseCodeTable => close_code_table(),
        Example::CloseFrames => close_frames(),
        Example::PingPong => ping_pong(),
        Example::BinaryHeader => binary_header(),
    }
}

fn handshake_request() -> Html {
    html! { <CodeBlock lang="http" code={sample_request().replace("\r\n", "\n")} /> }
}

fn handshake_response() -> Html {
    let answer = respond(&check_request(&sample_request()), &["chat"], None);
    html! { <CodeBlock lang="http" code={answer.text.replace("\r\n", "\n")} /> }
}

fn accept_steps_list() -> Html {
    let s = accept_steps(SAMPLE_KEY);
    html! {
        <ol class="computed">
            <li>{ "key: " }<code>{ &s.key }</code></li>
            <li>{ "key + GUID: " }<code>{ &s.concatenated }</code></li>
            <li>{ "SHA-1: " }<code>{ to_hex(&s.sha1) }</code></li>
            <li>{ "base64: " }<code>{ &s.accept }</code></li>
        </ol>
    }
}

fn uri_table() -> Html {
    let rows = [
        "ws://example.com/chat",
        "wss://example.com/chat?room=1",
        "ws://localhost:9001/echo",
        "wss://example.com:8443/",
    ]
    .iter()
    .filter_map(|u| parse_uri(u).ok().map(|p| (u, p)))
    .map(|(u, p)| {
        html! {
            <tr>
                <td><code>{ *u }</code></td>
                <td>{ if p.secure { "yes" } else { "no" } }</td>
                <td>{ p.port }</td>
                <td><code>{ p.request_line() }</code></td>
                <td><code>{ format!("Host: {}", p.host_header()) }</code></td>
            </tr>
        }
    });
    html! {
        <div class="table-scroll"><table class="data">
            <thead><tr><th scope="col">{ "URI" }</th><th scope="col">{ "TLS" }</th><th scope="col">{ "port" }</th><th scope="col">{ "request line" }</th><th scope="col">{ "Host header" }</th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table></div>
    }
}

fn opcode_table() -> Html {
    html! {
        <div class="table-scroll"><table class="data" id="opcode-table">
            <thead><tr><th scope="col">{ "opcode" }</th><th scope="col">{ "name" }</th><th scope="col">{ "kind" }</th><th scope="col">{ "meaning" }</th></tr></thead>
            <tbody>
                { for OpCode::ALL.iter().map(|op| html! {
                    <tr class={classes!(op.is_reserved().then_some("reserved"))}>
                        <td><code>{ format!("{:#x}", op.value()) }</code></td>
                        <td>{ op.name() }</td>
                        <td>{ if op.is_control() { "control" } else { "data" } }</td>
                        <td>{ op.meaning() }</td>
                    </tr>
                }) }
            </tbody>
        </table></div>
    }
}

fn length_forms() -> Html {
    let rows = [5u64, 125, 126, 65535, 65536].iter().map(|&len| {
        let h = FrameHeader::new(true, [false; 3], OpCode::Binary, None, len);
        let mut bytes = Vec::new();
        h.encode_into(&mut bytes);
        html! {
            <tr>
                <td>{ len }</td>
                <td>{ h.length_form.name() }</td>
                <td>{ h.len7() }</td>
                <td><code>{ to_hex(&bytes) }</code></td>
            </tr>
        }
    });
    html! {
        <div class="table-scroll"><table class="data">
            <thead><tr><th scope="col">{ "payload bytes" }</th><th scope="col">{ "form" }</th><th scope="col">{ "7-bit field" }</th><th scope="col">{ "header of an unmasked binary frame" }</th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table></div>
    }
}

fn masked_hello() -> Html {
    let frame = Frame::new(OpCode::Text, b"Hello".to_vec()).masked(RFC_KEY_BYTES);
    let wire = frame.encode();
    html! {
        <>
            <ol class="computed">
                { for b"Hello".iter().enumerate().map(|(i, b)| {
                    let k = RFC_KEY_BYTES[i % 4];
                    html! { <li><code>{ format!("'{}' {b:02x} ⊕ key[{}] {k:02x} = {:02x}", *b as char, i % 4, b ^ k) }</code></li> }
                }) }
            </ol>
            <p>{ "The whole frame: " }<code id="lesson-masked-hello">{ to_hex(&wire) }</code></p>
        </>
    }
}

fn close_code_table() -> Html {
    html! {
        <div class="table-scroll"><table class="data" id="close-code-table">
            <thead><tr><th scope="col">{ "code" }</th><th scope="col">{ "name" }</th><th scope="col">{ "on the wire?" }</th><th scope="col">{ "meaning" }</th></tr></thead>
            <tbody>
                { for REGISTERED.iter().map(|c| html! {
                    <tr class={classes!((!c.on_wire).then_some("reserved"))}>
                        <td><code>{ c.code }</code></td>
                        <td>{ c.name }</td>
                        <td>{ if c.on_wire { "yes" } else { "never" } }</td>
                        <td>{ c.meaning }</td>
                    </tr>
                }) }
            </tbody>
        </table></div>
    }
}

fn close_frames() -> Html {
    let payload = wire::close::ClosePayload::build(1000, "bye").unwrap_or_default();
    let server = Frame::new(OpCode::Close, payload.clone()).encode();
    let client = Frame::new(OpCode::Close, payload)
        .masked(RFC_KEY_BYTES)
        .encode();
    html! {
        <ul>
            <li>{ "client → server (masked): " }<code>{ to_hex(&client) }</code></li>
            <li>{ "server → client: " }<code>{ to_hex(&server) }</code>{ format!(" — {} is 1000, then \"bye\"", to_hex(&1000u16.to_be_bytes())) }</li>
        </ul>
    }
}

/// A Ping from the server and the client's masked Pong, encoded by `wire`.
fn ping_pong() -> Html {
    let ping = Frame::new(OpCode::Ping, b"hb".to_vec()).encode();
    let pong = Frame::new(OpCode::Pong, b"hb".to_vec())
        .masked(RFC_KEY_BYTES)
        .encode();
    html! {
        <ul>
            <li>{ "server → client, ping \"hb\": " }<code>{ to_hex(&ping) }</code></li>
            <li>{ "client → server, pong \"hb\" (masked): " }<code>{ to_hex(&pong) }</code></li>
        </ul>
    }
}

/// The header of a masked 200 KiB binary frame, encoded by `wire`.
fn binary_header() -> Html {
    let h = FrameHeader::new(
        true,
        [false; 3],
        OpCode::Binary,
        Some(RFC_KEY_BYTES),
        200 * 1024,
    );
    let mut bytes = Vec::new();
    h.encode_into(&mut bytes);
    let form = if h.length_form == LengthForm::Long {
        "the 64-bit length"
    } else {
        "the 16-bit length"
    };
    html! {
        <p><code>{ to_hex(&bytes) }</code>{ format!(" — FIN 1, opcode 0x2, MASK 1, 127 then {form} {}, then the key; {} bytes of header for {} bytes of image.", h.payload_len, bytes.len(), h.payload_len) }</p>
    }
}

/// How a build shows a lesson on a page: [`full_lesson`] renders it from
/// its data (the full build, and `wslab-prerender`, which writes it into
/// every page's HTML); [`kept_lesson`] takes that prerendered copy from the
/// page (the builds whose links load pages, which so carry no lesson's text
/// or examples). Handed down as a context, so each build links only one.
#[derive(Clone, Copy)]
pub struct Lessons(pub fn(&'static str, bool) -> Html);

impl PartialEq for Lessons {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::fn_addr_eq(self.0, other.0)
    }
}

/// Props of [`PageLesson`].
#[derive(Properties, PartialEq)]
pub struct PageLessonProps {
    /// The lesson's id (`content::lessons`): an id, not the lesson, so a
    /// build that keeps the prerendered lesson links none of its text.
    pub id: &'static str,
    /// Whether this page holds the lesson's lab below it.
    #[prop_or_default]
    pub lab_below: bool,
}

/// A page's lesson, shown the way the build's [`Lessons`] context says.
#[function_component(PageLesson)]
pub fn page_lesson(props: &PageLessonProps) -> Html {
    match use_context::<Lessons>() {
        Some(Lessons(show)) => show(props.id, props.lab_below),
        None => Html::default(),
    }
}

/// Renders the lesson with this id from its data.
pub fn full_lesson(id: &'static str, lab_below: bool) -> Html {
    match lessons::lesson(id) {
        Some(lesson) => html! { <LessonView {lesson} {lab_below} /> },
        None => Html::default(),
    }
}

/// Shows the lesson with this id as the page was prerendered with it.
pub fn kept_lesson(id: &'static str, _lab_below: bool) -> Html {
    html! { <KeptLesson {id} /> }
}

/// Props of [`KeptLesson`].
#[derive(Properties, PartialEq)]
struct KeptLessonProps {
    id: &'static str,
}

/// The prerendered lesson (`#lesson-<id>` inside `#prerendered`), copied
/// before the app replaces the prerendered page. Its two live parts are put
/// back: the copy buttons of its code samples answer through one listener,
/// and the "I have read this" checkbox is the running [`LabDone`], rendered
/// where the prerendered one was.
#[function_component(KeptLesson)]
fn kept_lesson_view(props: &KeptLessonProps) -> Html {
    let kept = use_memo(props.id, |id| {
        browser::prerendered_copy(&format!("lesson-{id}")).map(|lesson| {
            let slot = browser::empty_slot_for(&lesson, ".lab-done");
            (lesson, slot)
        })
    });
    let onclick = Callback::from(|e: MouseEvent| browser::copy_code_sample(&e, COPIED));
    match &*kept {
        Some((lesson, slot)) => html! {
            <>
                <div class="kept" {onclick}>{ Html::VRef(lesson.clone().into()) }</div>
                if let Some(slot) = slot {
                    { create_portal(html! { <LabDone lesson={props.id} /> }, slot.clone()) }
                }
            </>
        },
        None => html! {
            <p class="notice" role="alert">
                { "This lesson's text comes with the page, and this copy of the page does not hold it: reload the page." }
            </p>
        },
    }
}

/// Props of [`LessonView`].
#[derive(Properties, PartialEq)]
pub struct LessonViewProps {
    /// The lesson.
    pub lesson: &'static Lesson,
    /// Whether this page holds the lesson's lab below it.
    #[prop_or_default]
    pub lab_below: bool,
}

/// The lesson's goal, text, and links to its lab and questions.
#[function_component(LessonView)]
pub fn lesson_view(props: &LessonViewProps) -> Html {
    let lesson = props.lesson;
    let blocks = lesson.blocks.iter().map(|b| match *b {
        Block::H(id, text) => html! { <h2 {id}>{ text }</h2> },
        Block::P(text) => html! { <p>{ text }</p> },
        Block::List(items) => html! { <ul>{ for items.iter().map(|i| html! { <li>{ *i }</li> }) }</ul> },
        Block::Steps(items) => html! { <ol class="steps-list">{ for items.iter().map(|i| html! { <li>{ *i }</li> }) }</ol> },
        Block::Note(text) => html! { <p class="notice">{ text }</p> },
        Block::Code(lang, code) => html! { <CodeBlock {lang} {code} /> },
        Block::Example(e) => example(e),
    });
    html! {
        <section class="lesson" id={format!("lesson-{}", lesson.id)} aria-labelledby={format!("lesson-{}-title", lesson.id)}>
            <h2 class="lesson-title" id={format!("lesson-{}-title", lesson.id)}>{ "Lesson: " }{ lesson.title }</h2>
            <p class="goal"><strong>{ "You will be able to " }</strong>{ lesson.goal }</p>
            { for blocks }
            <nav class="lesson-next" aria-label="After this lesson">
                if props.lab_below {
                    <a href="#lab">{ "Try it in the lab below" }</a>
                } else if let Some(lab) = lesson.lab {
                    <Link to={lab}>{ format!("Try it: {}", lab.title()) }</Link>
                }
                // Lesson ids are plain words, so the query needs no encoding.
                <Link to={Route::Quiz} query={format!("lesson={}", lesson.id)}>
                    { "Questions on this lesson" }
                </Link>
                <LabDone lesson={lesson.id} />
            </nav>
        </section>
    }
}
