//! Code of a page that arrives after the page answers input: parts of the
//! page, and code that runs only after an action.
//!
//! Such code is declared with [`later!`](crate::later) (a function pointer,
//! or a table of them), and a part with [`part!`](crate::part): a drawing
//! function and the props it draws from. In the build that holds the page,
//! built with its split feature on wasm32 (`route::Build::chunks`), each
//! declaration is a split point: `wslab::split` cuts it, with every function
//! only it reaches, into the chunk it names (several may share one), fetched
//! when a [`Later`] or [`use_later`] first mounts, or when the page asks for
//! it ([`Source::get`]). Until the chunk is there, a part shows its
//! prerendered markup, inert, so the page neither flashes nor moves; then it
//! draws from its props like any component. Everywhere else (every other
//! build, the tests, the prerenderer) the code is linked as usual and a part
//! draws at once.

use std::future::Future;
use std::pin::Pin;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::services::browser;

/// How a part is drawn from its props.
pub type Draw<P> = fn(&P) -> Html;

/// A chunk's load: resolves to what the chunk holds (a part's drawing
/// function, or a page's code that runs only after an action) once its code
/// is in the module, or to why it could not be fetched. A chunk already
/// fetched resolves at once.
pub type Load<T> = fn() -> Pin<Box<dyn Future<Output = Result<T, String>>>>;

/// Where code is: a function pointer, or a table of them.
#[derive(Clone, Copy)]
pub enum Source<T: 'static> {
    /// Linked into this build.
    Here(T),
    /// In a chunk, loaded on first use.
    Chunk(Load<T>),
}

impl<T: Copy> Source<T> {
    /// The code, from this build or from its chunk (fetched on first use).
    pub async fn get(&self) -> Result<T, String> {
        match self {
            Source::Here(t) => Ok(*t),
            Source::Chunk(load) => load().await,
        }
    }
}

/// Code declared with [`later!`](crate::later), as a component uses it:
/// `Ok(None)` while its chunk is on its way (fetched when the component
/// first mounts), `Ok(Some(code))` once here, `Err(why)` should it not
/// arrive.
#[hook]
pub fn use_later<T: Copy + 'static>(source: Source<T>) -> Result<Option<T>, String> {
    let state = use_state(|| match source {
        Source::Here(t) => Ok(Some(t)),
        Source::Chunk(_) => Ok(None),
    });
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            if let Source::Chunk(load) = source {
                later_into(load, state);
            }
        });
    }
    (*state).clone()
}

/// Loads code declared with `later!` into a [`use_later`] state, keeping a
/// retry for [`retry_failed`] should its chunk not arrive.
fn later_into<T: Copy + 'static>(load: Load<T>, state: UseStateHandle<Result<Option<T>, String>>) {
    wasm_bindgen_futures::spawn_local(async move {
        match load().await {
            Ok(t) => state.set(Ok(Some(t))),
            Err(why) => {
                state.set(Err(why));
                FAILED.with(|f| {
                    f.borrow_mut()
                        .push(Box::new(move || later_into(load, state)))
                });
            }
        }
    });
}

/// A part of a page: its element id (the same in the prerendered page) and
/// its drawing function.
pub struct Part<P: 'static> {
    /// The id of the element that holds it.
    pub id: &'static str,
    /// Where its drawing function is.
    pub source: Source<Draw<P>>,
}

impl<P> PartialEq for Part<P> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

/// Declares code that may arrive after the page answers input:
/// `later!(NAME: Type = value, chunk, "feature")` makes `const NAME:
/// Source<Type>`, where `value` (a function pointer, or a `Copy` table of
/// them) is what its code is reached by. `chunk` names the wasm chunk
/// (`split_<chunk>.wasm`) and must be listed in `route::Build::chunks` for
/// the build that holds the page; `feature` is that build's
/// `route::Build::split_feature`. Only that build compiles the split point
/// (a split point is an export, which would keep the code in any other
/// build); everywhere else `NAME` is `Source::Here(value)`. Several
/// declarations may name one chunk: its code arrives in one fetch.
#[macro_export]
macro_rules! later {
    ($vis:vis $name:ident : $ty:ty = $value:expr, $chunk:ident, $feature:literal) => {
        #[cfg(all(target_arch = "wasm32", feature = $feature))]
        $vis const $name: $crate::components::later::Source<$ty> =
            $crate::components::later::Source::Chunk(|| {
                // Named after the declaration: the split point's export
                // name comes from its function's name and place.
                #[allow(non_snake_case)]
                #[wasm_split_helpers::wasm_split($chunk, fallible)]
                fn $name() -> Result<Box<$ty>, wasm_split_helpers::SplitLoaderError> {
                    Ok(Box::new($value))
                }
                Box::pin(async { $name().await.map(|value| *value).map_err(|e| e.to_string()) })
            });

        #[cfg(not(all(target_arch = "wasm32", feature = $feature)))]
        $vis const $name: $crate::components::later::Source<$ty> =
            $crate::components::later::Source::Here($value);
    };
}

/// Declares a part: `part!(NAME, chunk, draw, Props, "element-id",
/// "feature")` makes `const NAME: Part<Props>`, whose drawing function is
/// declared with [`later!`](crate::later) (`chunk` and `feature` as there).
#[macro_export]
macro_rules! part {
    ($vis:vis $name:ident, $chunk:ident, $draw:path, $props:ty, $id:literal, $feature:literal) => {
        $vis const $name: $crate::components::later::Part<$props> = {
            $crate::later!($name: $crate::components::later::Draw<$props> = $draw, $chunk, $feature);
            $crate::components::later::Part { id: $id, source: $name }
        };
    };
}

/// How long a part waits for its chunk before it says it is still loading.
const PATIENCE_MS: u32 = 15_000;

thread_local! {
    /// How to fetch again each part (and each [`use_later`]) whose chunk
    /// could not be fetched: one "Try again" retries them all, since
    /// several parts may wait on one chunk.
    static FAILED: std::cell::RefCell<Vec<Box<dyn FnOnce()>>> = std::cell::RefCell::default();
}

/// Fetches again every chunk that could not be fetched.
fn retry_failed() {
    let failed = FAILED.with(|f| std::mem::take(&mut *f.borrow_mut()));
    for retry in failed {
        retry();
    }
}

/// Loads a part's chunk into `draw`, or its failure into `failed` (with a
/// retry kept for [`retry_failed`]).
fn fetch_into<P: 'static>(
    load: Load<Draw<P>>,
    draw: UseStateHandle<Option<Draw<P>>>,
    failed: UseStateHandle<Option<String>>,
) {
    failed.set(None);
    wasm_bindgen_futures::spawn_local(async move {
        match load().await {
            Ok(d) => draw.set(Some(d)),
            Err(why) => {
                failed.set(Some(why));
                FAILED.with(|f| {
                    f.borrow_mut()
                        .push(Box::new(move || fetch_into(load, draw, failed)))
                });
            }
        }
    });
}

/// Props of [`Later`].
#[derive(Properties, PartialEq)]
pub struct LaterProps<P: PartialEq + 'static> {
    /// Which part.
    pub part: Part<P>,
    /// What it draws from.
    pub props: P,
}

/// A part of the page, drawn once its code is here. Should its chunk not
/// arrive (the network gone before the service worker kept it), the copy
/// stays, with a notice and a button that tries again.
#[function_component(Later)]
pub fn later<P: PartialEq + 'static>(props: &LaterProps<P>) -> Html {
    let id = props.part.id;
    let draw = use_state(|| match props.part.source {
        Source::Here(draw) => Some(draw),
        Source::Chunk(_) => None,
    });
    let failed = use_state(|| None::<String>);
    // Still waiting after `PATIENCE_MS` (a fetch that stalls rather than fails).
    let slow = use_state(|| false);
    let load = match props.part.source {
        Source::Chunk(load) => Some(load),
        Source::Here(_) => None,
    };
    let fetch = {
        let (draw, failed, slow) = (draw.clone(), failed.clone(), slow.clone());
        Callback::from(move |()| {
            if let Some(load) = load {
                fetch_into(load, draw.clone(), failed.clone());
                slow.set(false);
                let slow = slow.clone();
                Timeout::new(PATIENCE_MS, move || slow.set(true)).forget();
            }
        })
    };
    // The prerendered markup, shown (inert) while the chunk loads.
    let kept = use_memo((), |_| {
        draw.is_none()
            .then(|| browser::prerendered_copy(id))
            .flatten()
            .inspect(|copy| {
                let _ = copy.set_attribute("inert", "");
                let _ = copy.set_attribute("aria-busy", "true");
            })
    });
    {
        let fetch = fetch.clone();
        use_effect_with((), move |_| fetch.emit(()));
    }
    let waiting = match &*kept {
        Some(copy) => Html::VRef(copy.clone().into()),
        None => html! { <div class="part" {id} aria-busy="true"></div> },
    };
    // One element around whatever shows, so the page around a part never
    // sees its first node change: a notice coming and going, or the copy
    // giving way to the part, stays inside it (Yew places a component's
    // nodes before its next sibling's first node; two parts side by side
    // that both change at once must not lose track of each other's).
    let shown = match (*draw, &*failed) {
        (Some(draw), _) => html! { <div class="part" {id}>{ draw(&props.props) }</div> },
        (None, None) if *slow => html! {
            <>
                <p class="notice" role="status">
                    { format!("This part of the page is still loading: its code has not arrived after {} s. It shows how it looked when the page was built, and takes over when the code arrives.", PATIENCE_MS / 1000) }
                </p>
                { waiting }
            </>
        },
        (None, None) => waiting,
        (None, Some(why)) => html! {
            <>
                <p class="notice" role="alert">
                    { format!("This part of the page could not be loaded ({why}), so it only shows how it looked when the page was built. ") }
                    <button type="button" onclick={|_: MouseEvent| retry_failed()}>{ "Try again" }</button>
                </p>
                { waiting }
            </>
        },
    };
    html! { <div class="later">{ shown }</div> }
}
