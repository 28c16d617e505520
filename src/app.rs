//! The root component: progress and theme, header, navigation, page, footer.
//!
//! Every build shares this frame ([`Pages`]; which build holds which page is
//! `route::Build`): the **full** app ([`Full`], binary `wslab`: every page,
//! routed in the page by yew-router; started where a host answers a path
//! with another page's HTML), and builds whose links load the next
//! page, which the host serves prerendered, with no client-side router
//! ([`LoadedShell`]): the **reader** ([`Reader`], binary `wslab-reader`: the
//! start page, the pure lessons, the lifecycle and the 404 page), the
//! **handshake** lab ([`HandshakePages`]), the **URI** lab ([`UriPages`]),
//! the **quiz** ([`QuizPages`]), the **frame** lab
//! ([`FramesPages`]), the **conformance** lab ([`ConformancePages`]) and the
//! **live** connection with the illustrated session ([`LivePages`], which
//! moves between its two pages in the page: [`InPageShell`]).
//! `assets/boot.js` starts the build that holds the address bar's page;
//! should a page reach a build that does not hold it, `pages::Handoff` loads
//! it again.
//!
//! The same [`Frame`] also renders natively under [`StaticApp`], which
//! `wslab-prerender` turns into each route's HTML file at build time. When the
//! app starts it renders into the hidden `#app` element and, once its first
//! render is done, removes the prerendered `#prerendered` copy and shows
//! itself in one step, so the page does not flash.

use yew::prelude::*;
use yew_router::history::{AnyHistory, History, MemoryHistory};
use yew_router::prelude::*;

use crate::components::lesson_view::{self, Lessons};
use crate::components::link::{CurrentRoute, Spa, href};
use crate::components::{Footer, Header, Nav};
use crate::pages;
use crate::route::{Build, Route};
use crate::services::browser;
use crate::state::illustrated::Handover;
use crate::state::progress::{self, LoadNotice, Progress, ProgressContext};
use crate::state::theme::{self, Theme, ThemeContext};

/// The element the app renders into (hidden until its first render is done).
pub const APP_ROOT_ID: &str = "app";
/// The element holding the page `wslab-prerender` wrote at build time.
pub const PRERENDERED_ID: &str = "prerendered";

/// A build of the app: what renders below the root. Chosen at compile time,
/// so each binary links only its own pages and machinery.
pub trait Pages: PartialEq + 'static {
    /// The tree below the root.
    fn root() -> Html;
}

/// Every page, routed in the page (binary `wslab`).
#[derive(PartialEq)]
pub struct Full;

impl Pages for Full {
    fn root() -> Html {
        html! { <BrowserRouter><Shell /></BrowserRouter> }
    }
}

/// A build whose links load pages ([`LoadedShell`]): the pages it holds and
/// which [`Build`] it is. Its pages' lessons are the prerendered ones, kept
/// (`lesson_view::kept_lesson`): the host serves each page prerendered, and
/// `assets/boot.js` starts the full build where it does not.
pub trait LoadedPages: PartialEq + 'static {
    /// Which build this is.
    const BUILD: Build;
    /// A page this build holds.
    fn page(route: Route) -> Html;
    /// Whether a move between its own pages stays in the page
    /// ([`InPageShell`]) instead of loading the next one.
    const IN_PAGE: bool = false;
    /// How its pages show their lessons: as prerendered.
    fn lessons() -> Lessons {
        Lessons(lesson_view::kept_lesson)
    }
}

/// Every build whose links load pages is its pages under [`LoadedShell`],
/// or [`InPageShell`] when it moves between its own pages in the page.
impl<P: LoadedPages> Pages for P {
    fn root() -> Html {
        if P::IN_PAGE {
            html! { <InPageShell<P> /> }
        } else {
            html! { <LoadedShell<P> /> }
        }
    }
}

/// The start page, the pure lessons, the lifecycle and the 404 page (binary
/// `wslab-reader`).
#[derive(PartialEq)]
pub struct Reader;

impl LoadedPages for Reader {
    const BUILD: Build = Build::Reader;
    fn page(route: Route) -> Html {
        reader_switch(route)
    }
}

/// The opening handshake lab (binary `wslab-handshake`).
#[derive(PartialEq)]
pub struct HandshakePages;

impl LoadedPages for HandshakePages {
    const BUILD: Build = Build::Handshake;
    fn page(_: Route) -> Html {
        html! { <pages::Handshake /> }
    }
}

/// The URI lab (binary `wslab-uris`).
#[derive(PartialEq)]
pub struct UriPages;

impl LoadedPages for UriPages {
    const BUILD: Build = Build::Uris;
    fn page(_: Route) -> Html {
        html! { <pages::Uris /> }
    }
}

/// The questions and exercises (binary `wslab-quiz`).
#[derive(PartialEq)]
pub struct QuizPages;

impl LoadedPages for QuizPages {
    const BUILD: Build = Build::Quiz;
    fn page(_: Route) -> Html {
        html! { <pages::Quiz /> }
    }
    fn lessons() -> Lessons {
        // No page of this build shows a lesson.
        Lessons(|_, _| Html::default())
    }
}

/// The frame lab (binary `wslab-frames`).
#[derive(PartialEq)]
pub struct FramesPages;

impl LoadedPages for FramesPages {
    const BUILD: Build = Build::Frames;
    fn page(_: Route) -> Html {
        html! { <pages::Frames /> }
    }
}

/// The conformance lab (binary `wslab-conformance`).
#[derive(PartialEq)]
pub struct ConformancePages;

impl LoadedPages for ConformancePages {
    const BUILD: Build = Build::Conformance;
    fn page(_: Route) -> Html {
        html! { <pages::Conformance /> }
    }
}

/// The live connection and the illustrated session (binary `wslab-live`):
/// the console hands its session to `/illustrated` in memory, so the move
/// from one to the other stays in the page.
#[derive(PartialEq)]
pub struct LivePages;

impl LoadedPages for LivePages {
    const BUILD: Build = Build::Live;
    const IN_PAGE: bool = true;
    fn page(route: Route) -> Html {
        match route {
            Route::Illustrated => html! { <pages::Illustrated /> },
            _ => html! { <pages::Live /> },
        }
    }
}

/// The whole app of build `P`.
#[function_component(App)]
pub fn app<P: Pages>() -> Html {
    use_effect_with((), |_| take_over_prerendered());
    P::root()
}

/// Mounts build `P` into `#app` (or the body, when the page has no such
/// element). Called by the binaries' `main`.
pub fn start<P: Pages>() {
    match browser::element(APP_ROOT_ID) {
        Some(root) => yew::Renderer::<App<P>>::with_root(root).render(),
        None => yew::Renderer::<App<P>>::new().render(),
    };
}

/// Replaces the prerendered page with the running app in one step, the
/// navigation's current item in view.
fn take_over_prerendered() {
    if let Some(old) = browser::element(PRERENDERED_ID) {
        old.remove();
    }
    if let Some(root) = browser::element(APP_ROOT_ID) {
        let _ = root.remove_attribute("hidden");
    }
    // On a phone the chapter navigation is one row that scrolls sideways:
    // bring the current page's item into it, not only "Start" and its
    // neighbours.
    browser::center_sideways(crate::components::nav::LIST_ID, "a.active");
}

/// Props of [`StaticApp`].
#[derive(Properties, PartialEq, Clone)]
pub struct StaticAppProps {
    /// The path to render, e.g. `/frames`.
    pub path: String,
}

/// The full app at one fixed path, for rendering to HTML natively (no
/// browser: the router's history is in memory, nothing is stored, no effect
/// runs).
#[function_component(StaticApp)]
pub fn static_app(props: &StaticAppProps) -> Html {
    let history = use_memo(props.path.clone(), |path| {
        let history = MemoryHistory::new();
        history.push(path.clone());
        AnyHistory::from(history)
    });
    html! {
        <Router history={(*history).clone()}>
            <Shell />
        </Router>
    }
}

/// The full build's frame: the page for the router's route, links that
/// navigate in the page. Separate from [`App`] so tests can mount it inside
/// a router of their own.
#[function_component(Shell)]
pub fn shell() -> Html {
    let route = use_route::<Route>();
    let navigator = use_navigator();
    let spa = use_memo(navigator, |navigator| {
        let navigator = navigator.clone();
        Spa(Callback::from(
            move |(to, query): (Route, Option<AttrValue>)| {
                let Some(navigator) = &navigator else {
                    return;
                };
                match query {
                    Some(query) => {
                        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                            .into_owned()
                            .collect();
                        let _ = navigator.push_with_query(&to, &pairs);
                    }
                    None => navigator.push(&to),
                }
                browser::scroll_to_top();
            },
        ))
    });
    // The live console's session on its way to `/illustrated`.
    let handover = use_memo((), |_| Handover::default());
    // The tab's title follows the page moved to (a page load brings its own:
    // the prerendered page's, so the builds whose links load pages leave it).
    use_effect_with(route, |route: &Option<Route>| {
        if let Some(route) = route {
            browser::set_title(&route.document_title());
        }
    });
    html! {
        <ContextProvider<Spa> context={(*spa).clone()}>
        <ContextProvider<Handover> context={(*handover).clone()}>
            <Frame {route} lessons={Lessons(lesson_view::full_lesson)}>
                <Switch<Route> render={switch} />
            </Frame>
        </ContextProvider<Handover>>
        </ContextProvider<Spa>>
    }
}

/// The page the address bar's path names; any other path is the 404 page
/// (as the router's `#[not_found]` has it).
fn address_route() -> Route {
    Route::at_path(&browser::location_path()).unwrap_or(Route::NotFound)
}

/// Page `shown` of build `P` in the frame, or, for a page another build
/// holds, a hand-over to it.
fn loaded_page<P: LoadedPages>(shown: Route) -> Html {
    let page = if Build::of(shown) == P::BUILD {
        P::page(shown)
    } else {
        html! { <pages::Handoff route={shown} from={P::BUILD} /> }
    };
    html! {
        <Frame route={Some(shown)} lessons={P::lessons()}>
            { page }
        </Frame>
    }
}

/// The frame of a build whose links load the next page: the page for the
/// address bar's path.
#[function_component(LoadedShell)]
pub fn loaded_shell<P: LoadedPages>() -> Html {
    let shown = *use_memo((), |_| address_route());
    loaded_page::<P>(shown)
}

/// The frame of a build that moves between its own pages in the page: a
/// link to one of them (through [`Spa`]) adds a history entry and shows it,
/// the back and forward buttons move between them, and a link to a page of
/// another build loads that page. The live console's hand-over slot lives
/// here, as in the full build's [`Shell`].
#[function_component(InPageShell)]
pub fn in_page_shell<P: LoadedPages>() -> Html {
    let shown = use_state(address_route);
    let handover = use_memo((), |_| Handover::default());
    let spa = use_memo((), {
        let shown = shown.setter();
        move |_| {
            Spa(Callback::from(
                move |(to, query): (Route, Option<AttrValue>)| {
                    let address = href(to, query.as_deref());
                    if Build::of(to) == P::BUILD {
                        browser::push_address(&address);
                        shown.set(to);
                        browser::scroll_to_top();
                    } else {
                        browser::load(&address);
                    }
                },
            ))
        }
    });
    {
        let shown = shown.setter();
        use_effect_with((), move |_| {
            let listener =
                browser::on_popstate(Callback::from(move |_| shown.set(address_route())));
            move || drop(listener)
        });
    }
    // The tab's title follows the page moved to.
    use_effect_with(*shown, |route: &Route| {
        browser::set_title(&route.document_title())
    });
    html! {
        <ContextProvider<Spa> context={(*spa).clone()}>
        <ContextProvider<Handover> context={(*handover).clone()}>
            { loaded_page::<P>(*shown) }
        </ContextProvider<Handover>>
        </ContextProvider<Spa>>
    }
}

/// Props of [`Frame`].
#[derive(Properties, PartialEq)]
pub struct FrameProps {
    /// The page shown, if the path names one.
    pub route: Option<Route>,
    /// How this build shows a page's lesson.
    pub lessons: Lessons,
    /// The page.
    pub children: Html,
}

/// The page frame around every route, with the app-wide state: progress,
/// theme, the current route and the build's example renderer.
#[function_component(Frame)]
pub fn frame(props: &FrameProps) -> Html {
    let loaded = use_memo((), |_| {
        progress::parse(browser::stored(progress::STORAGE_KEY).as_deref())
    });
    let progress = use_reducer({
        let loaded = loaded.clone();
        move || loaded.0.clone()
    });
    let notice = use_state(|| loaded.1.clone());
    {
        // Persisting is an effect of the state changing, not part of the reducer.
        use_effect_with((*progress).clone(), |p: &Progress| {
            browser::store(progress::STORAGE_KEY, &progress::to_json(p));
        });
    }

    let theme = use_state(|| Theme::parse(browser::stored(theme::STORAGE_KEY).as_deref()));
    use_effect_with(*theme, |t: &Theme| {
        browser::store(theme::STORAGE_KEY, t.name());
        // No attribute: the stylesheet follows the system's preference.
        browser::set_root_attribute("data-theme", (*t != Theme::System).then_some(t.name()));
    });
    let theme_ctx = ThemeContext {
        theme: *theme,
        cycle: {
            let theme = theme.clone();
            Callback::from(move |_| theme.set(theme.next()))
        },
    };
    let dismiss = {
        let notice = notice.clone();
        Callback::from(move |_| notice.set(None))
    };

    html! {
        <ContextProvider<Lessons> context={props.lessons}>
        <ContextProvider<CurrentRoute> context={CurrentRoute(props.route)}>
        <ContextProvider<ProgressContext> context={progress}>
        <ContextProvider<ThemeContext> context={theme_ctx}>
            <div class="shell">
                <a class="skip-link" href="#main">{ "Skip to content" }</a>
                <Header />
                if let Some(n) = &*notice {
                    <div class="notice load-notice" role="status" id="progress-notice">
                        { match n {
                            LoadNotice::Corrupt => "Your saved progress could not be read, so it was set aside and you start afresh.".to_owned(),
                            LoadNotice::OtherVersion(v) => format!("Your saved progress is from another version of wslab (format {v}), so it was set aside."),
                        } }
                        <button type="button" class="link" onclick={dismiss}>{ "Dismiss" }</button>
                    </div>
                }
                <div class="layout">
                    <Nav />
                    <main id="main" class="page" tabindex="-1">
                        { props.children.clone() }
                    </main>
                </div>
                <Footer />
            </div>
        </ContextProvider<ThemeContext>>
        </ContextProvider<ProgressContext>>
        </ContextProvider<CurrentRoute>>
        </ContextProvider<Lessons>>
    }
}

/// Renders the page for a route.
pub fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <pages::Home /> },
        Route::Handshake => html! { <pages::Handshake /> },
        Route::Uris => html! { <pages::Uris /> },
        Route::Frames => html! { <pages::Frames /> },
        Route::Lifecycle => html! { <pages::Lifecycle /> },
        Route::Heartbeats => {
            html! { <pages::LessonPage route={route} lesson="heartbeats" /> }
        }
        Route::Summary => html! { <pages::LessonPage route={route} lesson="summary" /> },
        Route::Quiz => html! { <pages::Quiz /> },
        Route::Live => html! { <pages::Live /> },
        Route::Illustrated => html! { <pages::Illustrated /> },
        Route::Conformance => html! { <pages::Conformance /> },
        Route::NotFound => html! { <pages::NotFound /> },
    }
}

/// Renders a page of the reader build. Only the pages named here are
/// compiled into `wslab-reader`.
fn reader_switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <pages::Home /> },
        Route::Heartbeats => {
            html! { <pages::LessonPage route={route} lesson="heartbeats" /> }
        }
        Route::Lifecycle => html! { <pages::Lifecycle /> },
        Route::Summary => html! { <pages::LessonPage route={route} lesson="summary" /> },
        _ => html! { <pages::NotFound /> },
    }
}
