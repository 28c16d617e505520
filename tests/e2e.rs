//! End-to-end: the built app in headless Chromium, served from a loopback
//! port, talking to a real `wslab-echo` process.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::{Browser, EchoServer, StaticServer, dist};
use thirtyfour::prelude::*;
use wslab::route::Route;
use yew_router::Routable as _;

#[tokio::test(flavor = "multi_thread")]
async fn echo_round_trip_through_a_real_browser_websocket() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let driver = &browser.driver;

    let url = echo.echo_url();
    driver
        .goto(site.url(&format!("/live?url={url}")))
        .await
        .unwrap();
    let field = driver.query(By::Id("echo-url")).first().await.unwrap();
    assert_eq!(
        field.prop("value").await.unwrap().as_deref(),
        Some(url.as_str())
    );

    driver
        .find(By::Id("echo-connect"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_text(By::Id("echo-status"), "state OPEN", |t| t == "OPEN")
        .await;

    let message = format!("round trip {}", std::process::id());
    let input = driver.find(By::Id("echo-message")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(&message).await.unwrap();
    driver
        .find(By::Id("echo-send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let reply = browser
        .wait_text(By::Css("#echo-log li.received"), "the echoed reply", |t| {
            t.contains(&message)
        })
        .await;
    assert_eq!(reply, format!("← {message}"));

    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_loads_from_its_own_url() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    for route in Route::CHAPTER {
        let path = route.to_path();
        browser.driver.goto(site.url(&path)).await.unwrap();
        let title = route.title();
        browser
            .wait_text(By::Css("main h1"), &format!("heading of {path}"), |t| {
                t == title || (route == Route::Home && t == "WebSocket protocol basics")
            })
            .await;
    }
    browser
        .driver
        .goto(site.url("/nowhere/at/all"))
        .await
        .unwrap();
    browser
        .wait_text(By::Css("main h1"), "the not-found page", |t| {
            t == Route::NotFound.title()
        })
        .await;
    browser.quit().await;
}
