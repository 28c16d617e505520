//! Parts of a page whose code arrives after the page answers input.
//!
//! A part is declared with [`part!`](crate::part): a drawing function and the
//! props it draws from. In the build that holds its page, built with its
//! split feature on wasm32 (`route::Build::chunks`), the function is a split
//! point: `wslab::split`
//! cuts it, with every function only it reaches, into a chunk of its own,
//! fetched when [`Later`] first mounts. Until the chunk is there, the part
//! shows its prerendered markup, inert, so the page neither flashes nor moves;
//! then it draws from its props like any component. Everywhere else (every
//! other build, the tests, the prerenderer) the function is called directly
//! and the part draws at once.

use std::future::Future;
use std::pin::Pin;

use yew::prelude::*;

use crate::services::browser;

/// How a part is drawn from its props.
pub type Draw<P> = fn(&P) -> Html;

/// A chunk's load: resolves to the part's drawing function once the chunk's
/// code is in the module, or to why it could not be fetched.
pub type Load<P> = fn() -> Pin<Box<dyn Future<Output = Result<Draw<P>, String>>>>;

/// Where a part's drawing function is.
pub enum Source<P> {
    /// Linked into this build.
    Here(Draw<P>),
    /// In a chunk, loaded on first use.
    Chunk(Load<P>),
}

/// A part of a page: its element id (the same in the prerendered page) and
/// its drawing function.
pub struct Part<P: 'static> {
    /// The id of the element that holds it.
    pub id: &'static str,
    /// Where its drawing function is.
    pub source: Source<P>,
}

impl<P> PartialEq for Part<P> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

/// Declares a part: `part!(NAME, chunk, draw, Props, "element-id",
/// "feature")` makes `const NAME: Part<Props>`. `chunk` names the wasm chunk
/// (`split_<chunk>.wasm`) and must be listed in `route::Build::chunks` for
/// the build that holds the page; `feature` is that build's
/// `route::Build::split_feature`. Only that build compiles the split point:
/// a split point is an export, which would keep the part's code in any
/// other build.
#[macro_export]
macro_rules! part {
    ($vis:vis $name:ident, $chunk:ident, $draw:path, $props:ty, $id:literal, $feature:literal) => {
        #[cfg(all(target_arch = "wasm32", feature = $feature))]
        #[wasm_split_helpers::wasm_split($chunk, fallible)]
        fn $chunk() -> Result<
            Box<$crate::components::later::Draw<$props>>,
            wasm_split_helpers::SplitLoaderError,
        > {
            Ok(Box::new($draw))
        }

        #[cfg(all(target_arch = "wasm32", feature = $feature))]
        $vis const $name: $crate::components::later::Part<$props> = $crate::components::later::Part {
            id: $id,
            source: $crate::components::later::Source::Chunk(|| {
                Box::pin(async { $chunk().await.map(|draw| *draw).map_err(|e| e.to_string()) })
            }),
        };

        #[cfg(not(all(target_arch = "wasm32", feature = $feature)))]
        $vis const $name: $crate::components::later::Part<$props> = $crate::components::later::Part {
            id: $id,
            source: $crate::components::later::Source::Here($draw),
        };
    };
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
    let load = match props.part.source {
        Source::Chunk(load) => Some(load),
        Source::Here(_) => None,
    };
    let fetch = {
        let (draw, failed) = (draw.clone(), failed.clone());
        Callback::from(move |()| {
            if let Some(load) = load {
                let (draw, failed) = (draw.clone(), failed.clone());
                failed.set(None);
                wasm_bindgen_futures::spawn_local(async move {
                    match load().await {
                        Ok(d) => draw.set(Some(d)),
                        Err(why) => failed.set(Some(why)),
                    }
                });
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
    match (*draw, &*failed) {
        (Some(draw), _) => html! { <div class="part" {id}>{ draw(&props.props) }</div> },
        (None, None) => waiting,
        (None, Some(why)) => html! {
            <>
                <p class="notice" role="alert">
                    { format!("This part of the page could not be loaded ({why}), so it only shows how it looked when the page was built. ") }
                    <button type="button" onclick={fetch.reform(|_: MouseEvent| ())}>{ "Try again" }</button>
                </p>
                { waiting }
            </>
        },
    }
}
