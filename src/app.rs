//! The root component: router, header, navigation, page, footer.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{Footer, Header, Nav};
use crate::route::{Route, switch};

/// The whole app, routed by the browser's address bar.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <BrowserRouter>
            <Shell />
        </BrowserRouter>
    }
}

/// The page frame around every route. Separate from [`App`] so tests can mount
/// it inside a router of their own.
#[function_component(Shell)]
pub fn shell() -> Html {
    html! {
        <div class="shell">
            <a class="skip-link" href="#main">{ "Skip to content" }</a>
            <Header />
            <div class="layout">
                <Nav />
                <main id="main" class="page" tabindex="-1">
                    <Switch<Route> render={switch} />
                </main>
            </div>
            <Footer />
        </div>
    }
}
