//! The start page.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

/// Learning objectives and the path through the chapter.
#[function_component(Home)]
pub fn home() -> Html {
    let example_key = "dGhlIHNhbXBsZSBub25jZQ==";
    let accept = wire::handshake::accept_key(example_key);
    html! {
        <article>
            <h1>{ "WebSocket protocol basics" }</h1>
            <p class="lead">
                { "A WebSocket starts life as an HTTP request and becomes a two-way stream of frames. \
                   This lab takes it apart: edit a handshake, flip a bit in a frame, open a real \
                   connection and see what crossed the wire." }
            </p>
            <p>
                { "For example, the key " }<code>{ example_key }</code>
                { " from RFC 6455 §1.3 is answered with " }
                <code id="home-accept">{ accept }</code>{ "." }
            </p>
            <h2>{ "The path" }</h2>
            <ol class="path">
                { for Route::CHAPTER.iter().skip(1).map(|&route| html! {
                    <li>
                        <Link<Route> to={route}>{ route.title() }</Link<Route>>
                        { " — " }{ route.summary() }
                    </li>
                }) }
            </ol>
        </article>
    }
}
