//! The root component: router, progress and theme, header, navigation, page, footer.

use gloo_storage::{LocalStorage, Storage};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{Footer, Header, Nav};
use crate::route::{Route, switch};
use crate::state::progress::{self, LoadNotice, Progress, ProgressContext};
use crate::state::theme::{self, Theme};

/// The whole app, routed by the browser's address bar.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <BrowserRouter>
            <Shell />
        </BrowserRouter>
    }
}

/// The theme and a way to change it.
#[derive(Clone, PartialEq)]
pub struct ThemeContext {
    /// The current choice.
    pub theme: Theme,
    /// Moves to the next choice.
    pub cycle: Callback<()>,
}

/// The page frame around every route, with the app-wide state. Separate from
/// [`App`] so tests can mount it inside a router of their own.
#[function_component(Shell)]
pub fn shell() -> Html {
    let loaded = use_memo((), |_| {
        let stored: Option<String> = LocalStorage::raw()
            .get_item(progress::STORAGE_KEY)
            .ok()
            .flatten();
        progress::parse(stored.as_deref())
    });
    let progress = use_reducer({
        let loaded = loaded.clone();
        move || loaded.0.clone()
    });
    let notice = use_state(|| loaded.1.clone());
    {
        // Persisting is an effect of the state changing, not part of the reducer.
        use_effect_with((*progress).clone(), |p: &Progress| {
            if let Ok(text) = serde_json::to_string(p) {
                let _ = LocalStorage::raw().set_item(progress::STORAGE_KEY, &text);
            }
        });
    }

    let theme = use_state(|| {
        let stored: Option<String> = LocalStorage::raw()
            .get_item(theme::STORAGE_KEY)
            .ok()
            .flatten();
        Theme::parse(stored.as_deref())
    });
    use_effect_with(*theme, |t: &Theme| {
        let _ = LocalStorage::raw().set_item(theme::STORAGE_KEY, t.name());
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = match t {
                Theme::System => root.remove_attribute("data-theme"),
                other => root.set_attribute("data-theme", other.name()),
            };
        }
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
                        <Switch<Route> render={switch} />
                    </main>
                </div>
                <Footer />
            </div>
        </ContextProvider<ThemeContext>>
        </ContextProvider<ProgressContext>>
    }
}
