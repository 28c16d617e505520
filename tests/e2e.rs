//! End-to-end: the built app in headless Chromium, served from a loopback
//! port, talking to a real `wslab-echo` process.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use support::{Browser, EchoServer, StaticServer, dist};
use thirtyfour::Key;
use thirtyfour::prelude::*;
use wslab::route::{Build, Route};
use yew_router::Routable as _;

#[tokio::test(flavor = "multi_thread")]
async fn echo_round_trip_through_a_real_browser_websocket() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let driver = &browser.driver;

    let url = echo.echo_url();
    browser.open(site.url(&format!("/live?url={url}"))).await;
    let field = driver.query(By::Id("echo-url")).first().await.unwrap();
    assert_eq!(
        field.prop("value").await.unwrap().as_deref(),
        Some(url.as_str())
    );

    browser.click(By::Id("echo-connect")).await;
    browser.live_state("OPEN").await;
    let message = format!("round trip {}", std::process::id());
    assert_eq!(browser.live_send_text(&message).await, message);

    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_loads_from_its_own_url() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    for route in Route::CHAPTER {
        let path = route.to_path();
        browser.open(site.url(&path)).await;
        let title = route.title();
        browser
            .wait_text(By::Css("main h1"), &format!("heading of {path}"), |t| {
                t == title || (route == Route::Home && t == "WebSocket protocol basics")
            })
            .await;
    }
    browser.open(site.url("/nowhere/at/all")).await;
    browser
        .wait_text(By::Css("main h1"), "the not-found page", |t| {
            t == Route::NotFound.title()
        })
        .await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn handshake_lab_answers_typing_and_round_trips_through_its_url() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let driver = &browser.driver;

    // A deep link with a key puts it in the request and computes its accept.
    let key = "AQIDBAUGBwgJCgsMDQ4PEA==";
    browser
        .open(site.url(&format!(
            "/handshake?key={}",
            key.replace('+', "%2B").replace('=', "%3D")
        )))
        .await;
    let expected = wire::handshake::accept_key(key);
    browser
        .wait_text(By::Id("accept-value"), "the accept value", |t| {
            t == expected
        })
        .await;
    // The lab runs its group's own build, which has no router.
    assert_eq!(browser.state().await["build"], "wslab-handshake");
    let response = browser
        .wait_text(By::Id("handshake-response"), "the 101 answer", |t| {
            t.contains("101")
        })
        .await;
    assert!(response.contains(&expected), "{response}");

    // Typing into the request changes the answer on every keystroke.
    // (Text after the blank line would be a body, which the handshake ignores,
    // so the X goes at the very start, into the method.)
    let request = driver.find(By::Id("handshake-request")).await.unwrap();
    request.send_keys(Key::Control + Key::Home).await.unwrap();
    request.send_keys("X").await.unwrap();
    browser
        .wait_text(By::Id("handshake-status"), "a 400 after a stray X", |t| {
            t == "400"
        })
        .await;
    request.send_keys(Key::Backspace).await.unwrap();
    browser
        .wait_text(By::Id("handshake-status"), "101 again", |t| t == "101")
        .await;

    // Break the version: 426, with the line marked.
    let text = request.prop("value").await.unwrap().unwrap_or_default();
    browser
        .replace_text(
            By::Id("handshake-request"),
            &text.replace("Version: 13", "Version: 7"),
        )
        .await;
    browser
        .wait_text(By::Id("handshake-status"), "426", |t| t == "426")
        .await;
    let marked = driver
        .find(By::Css("#request-lines li.bad code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(marked, "Sec-WebSocket-Version: 7");

    // The address bar now holds the state: reloading it reproduces the lab.
    let url = browser
        .wait_url("the request in the URL", |u| {
            u.contains("req=") && u.contains("Version%3A+7")
        })
        .await;
    browser.open(&url).await;
    browser
        .wait_text(By::Id("handshake-status"), "426 after reload", |t| {
            t == "426"
        })
        .await;

    // The RFC key, computed through the calculator's own field.
    browser
        .replace_text(By::Id("accept-key"), "dGhlIHNhbXBsZSBub25jZQ==")
        .await;
    browser
        .wait_text(By::Id("accept-value"), "the RFC accept", |t| {
            t == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        })
        .await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn uri_explorer_deep_link() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    browser
        .open(site.url("/uris?uri=wss%3A%2F%2Fexample.com%3A8443%2Fchat%3Froom%3D1"))
        .await;
    browser
        .wait_text(By::Id("uri-request-line"), "the request line", |t| {
            t == "GET /chat?room=1 HTTP/1.1"
        })
        .await;
    browser
        .wait_text(By::Id("uri-host-header"), "the Host header", |t| {
            t == "Host: example.com:8443"
        })
        .await;
    browser
        .open(site.url("/uris?uri=ws%3A%2F%2Fexample.com%2F%23top"))
        .await;
    browser
        .wait_text(By::Id("uri-error"), "the fragment error", |t| {
            t.contains("fragment")
        })
        .await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn frame_lab_builds_the_rfc_masked_hello_and_decodes_every_rfc_example() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let driver = &browser.driver;

    // Build it through the controls, starting from a binary unmasked frame.
    browser.open(site.url("/frames?op=2&mask=0&p=x")).await;
    browser
        .wait_text(By::Id("fb-wire-hex"), "the starting frame", |t| {
            t == "82 01 78"
        })
        .await;
    let opcode = driver.find(By::Id("fb-opcode")).await.unwrap();
    opcode.click().await.unwrap();
    browser.click(By::Css("#fb-opcode option[value='1']")).await;
    browser.click(By::Id("fb-mask")).await;
    browser.replace_text(By::Id("fb-key"), "37 fa 21 3d").await;
    browser.replace_text(By::Id("fb-payload"), "Hello").await;
    browser
        .wait_text(By::Id("fb-wire-hex"), "the RFC masked Hello", |t| {
            t == "81 85 37 fa 21 3d 7f 9f 4d 51 58"
        })
        .await;

    // Toggling FIN changes the diagram and the first byte.
    browser.click(By::Id("fb-fin")).await;
    browser
        .wait_text(
            By::Css("[data-field=fin] .fvalue"),
            "FIN 0 in the diagram",
            |t| t == "0",
        )
        .await;
    browser
        .wait_text(By::Id("fb-wire-hex"), "first byte 01", |t| {
            t.starts_with("01 85")
        })
        .await;

    // Every §5.7 example, from a deep link.
    for example in wire::examples::rfc_5_7() {
        let hex = wire::hex::to_hex(&example.bytes).replace(' ', "");
        let from = example.sender;
        browser
            .open(site.url(&format!("/frames?hex={hex}&dfrom={from}")))
            .await;
        let frames = if example.bytes[0] == 0x01 { 2 } else { 1 };
        browser
            .wait_text(By::Id("decoder-status"), example.name, |t| {
                t == format!("{frames} frame(s), every byte accounted for.")
            })
            .await;
        // The link lands on the decoder, in view and focused, not at the top of the lesson.
        let deadline = Instant::now() + support::WAIT;
        loop {
            let landed = browser
                .driver
                .execute(
                    "const e = document.activeElement; const r = e.getBoundingClientRect(); \
                     return [e.id, r.bottom > 0 && r.top < window.innerHeight];",
                    vec![],
                )
                .await
                .unwrap();
            if landed.json() == &serde_json::json!(["decoder-hex", true]) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{}: landed on {:?}",
                example.name,
                landed.json()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    browser.quit().await;
}

/// Every page of the app.
fn all_paths() -> Vec<String> {
    Route::CHAPTER.iter().map(|r| r.to_path()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn progress_survives_a_reload_and_corrupt_data_is_set_aside() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let driver = &browser.driver;
    // The questions run their own build, which reads the query without a router.
    browser.open(site.url("/quiz?lesson=frames")).await;
    browser
        .wait_state("the quiz build", |s| {
            s["build"] == "wslab-quiz" && s["prerendered"] == false
        })
        .await;
    let first = driver
        .find(By::Css("section.quiz-group"))
        .await
        .unwrap()
        .id()
        .await
        .unwrap();
    assert_eq!(
        first.as_deref(),
        Some("quiz-frames"),
        "?lesson=frames first"
    );
    browser.click(By::Id("mcq-101-0")).await;
    browser.click(By::Css("#mcq-101 button")).await;
    browser
        .wait_text(By::Css("#mcq-101 [role=status]"), "feedback", |t| {
            t.starts_with("Correct.")
        })
        .await;
    // A link to a lab loads it, and the build that holds it.
    browser
        .click(By::LinkText("Try it here, on the live connection page"))
        .await;
    browser
        .wait_state("the live page, from the quiz", |s| {
            s["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/live?url="))
                && s["build"] == "wslab-live"
                && s["h1"] == "Live connection"
        })
        .await;

    browser.open(site.url("/")).await;
    browser.reload().await;
    let bar = browser
        .wait_attr(
            By::Id("chapter-progress"),
            "value",
            "chapter progress above 0",
            |v| v != "0",
        )
        .await;
    assert!(bar.parse::<f64>().unwrap() > 0.0);

    // Corrupt the saved data: the app still works and says what it did.
    driver
        .execute(
            "localStorage.setItem('wslab.progress', '{broken'); return true;",
            vec![],
        )
        .await
        .unwrap();
    browser.reload().await;
    browser
        .wait_text(By::Id("progress-notice"), "the notice", |t| {
            t.contains("could not be read")
        })
        .await;
    browser
        .wait_attr(
            By::Id("chapter-progress"),
            "value",
            "progress back to 0",
            |v| v == "0",
        )
        .await;
    browser.quit().await;
}

/// On a phone the chapter navigation is one row that scrolls sideways: the
/// current page's item is scrolled into it, and the page stays at its top.
#[tokio::test(flavor = "multi_thread")]
async fn on_a_phone_the_navigation_shows_the_current_page() {
    let site = StaticServer::start(dist());
    let browser = Browser::start_with(&["--window-size=390,844"]).await;
    for (path, build) in [
        ("/conformance", "wslab-conformance"),
        ("/summary", "wslab-reader"),
        ("/live", "wslab-live"),
    ] {
        browser.open(site.url(path)).await;
        browser
            .wait_state(path, |s| s["build"] == build && s["prerendered"] == false)
            .await;
        browser
            .wait_for(
                "the current page's item inside the navigation's row",
                || async {
                    browser
                        .driver
                        .execute(
                            r#"const list = document.querySelector('.chapter-nav ol');
                               const item = list.querySelector('a.active').getBoundingClientRect();
                               const row = list.getBoundingClientRect();
                               return { scrolls: list.scrollWidth > list.clientWidth,
                                        inside: item.left >= row.left - 1 && item.right <= row.right + 1,
                                        top: window.scrollY };"#,
                            vec![],
                        )
                        .await
                        .unwrap()
                        .json()
                        .clone()
                },
                |seen| {
                    *seen == serde_json::json!({"scrolls": true, "inside": true, "top": 0})
                        || *seen == serde_json::json!({"scrolls": true, "inside": true, "top": 0.0})
                },
            )
            .await;
    }
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn theme_choice_is_applied_and_remembered() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let driver = &browser.driver;
    browser.open(site.url("/")).await;
    let theme = || async {
        driver
            .execute(
                "return document.documentElement.getAttribute('data-theme');",
                vec![],
            )
            .await
            .unwrap()
            .json()
            .clone()
    };
    browser
        .wait_text(By::Id("theme-switch"), "the switch", |t| {
            t == "Theme: system"
        })
        .await;
    browser.click(By::Id("theme-switch")).await;
    browser
        .wait_text(By::Id("theme-switch"), "light", |t| t == "Theme: light")
        .await;
    browser.click(By::Id("theme-switch")).await;
    browser
        .wait_text(By::Id("theme-switch"), "dark", |t| t == "Theme: dark")
        .await;
    assert_eq!(theme().await, serde_json::json!("dark"));
    browser.reload().await;
    browser
        .wait_text(By::Id("theme-switch"), "dark after reload", |t| {
            t == "Theme: dark"
        })
        .await;
    assert_eq!(theme().await, serde_json::json!("dark"));
    browser.quit().await;
}

/// The violations the page's own listener recorded (see assets/boot.js).
async fn csp_violations(browser: &Browser) -> Vec<String> {
    let ret = browser
        .driver
        .execute("return window.__wslabCsp || null;", vec![])
        .await
        .unwrap();
    serde_json::from_value::<Option<Vec<String>>>(ret.json().clone())
        .unwrap()
        .expect("boot.js ran and installed its listener")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_runs_under_the_content_security_policy() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    for path in all_paths() {
        browser.open(site.url(&path)).await;
        browser
            .wait_text(By::Css("main h1"), &format!("the page at {path}"), |t| {
                !t.is_empty()
            })
            .await;
        // Hover the bit diagram and open a line: code paths that add classes and attributes.
        if path == "/frames" {
            browser.click(By::Css("[data-field=opcode]")).await;
        }
        browser.settle().await;
        assert_eq!(
            csp_violations(&browser).await,
            Vec::<String>::new(),
            "CSP violations on {path}"
        );
    }
    // The check can fail: an inline style attribute is a violation it catches.
    browser
        .driver
        .execute("const d = document.createElement('div'); d.setAttribute('style', 'color: red'); document.body.append(d); return true;", vec![])
        .await
        .unwrap();
    browser
        .wait_for(
            "the style-src violation",
            || csp_violations(&browser),
            |caught| caught.iter().any(|v| v.starts_with("style-src")),
        )
        .await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn accessibility_checker_finds_no_serious_violations() {
    let axe_path = std::env::var("WSLAB_AXE").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/.tools/node_modules/axe-core/axe.min.js"
        )
        .into()
    });
    let axe = std::fs::read_to_string(&axe_path).unwrap_or_else(|e| {
        panic!("axe-core is needed at {axe_path} ({e}); `cargo xtask setup` installs it")
    });
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let mut report = Vec::new();
    let mut checks = 0;
    for path in all_paths() {
        browser.open(site.url(&path)).await;
        browser
            .wait_text(By::Css("main h1"), &format!("the page at {path}"), |t| {
                !t.is_empty()
            })
            .await;
        browser
            .driver
            .execute(&format!("{axe}\nreturn true;"), vec![])
            .await
            .unwrap();
        let result = browser
            .driver
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done({ passes: r.passes.length, violations: r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help })) }))
                   .catch(e => done({ passes: 0, violations: [{ id: 'axe-error', impact: 'critical', nodes: 0, help: String(e) }] }));",
                vec![],
            )
            .await
            .unwrap();
        let passes = result.json()["passes"].as_u64().unwrap_or(0);
        assert!(passes > 0, "axe-core ran no check on {path}");
        checks += passes;
        let violations = result.json()["violations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for v in &violations {
            report.push(format!(
                "{path}: {} ({}, {} nodes): {}",
                v["id"], v["impact"], v["nodes"], v["help"]
            ));
        }
    }
    println!(
        "axe-core: {checks} rule checks passed over {} pages; {} findings:\n{}",
        all_paths().len(),
        report.len(),
        report.join("\n")
    );
    let serious: Vec<&String> = report
        .iter()
        .filter(|r| r.contains("\"serious\"") || r.contains("\"critical\""))
        .collect();
    assert!(
        serious.is_empty(),
        "serious accessibility violations:\n{serious:#?}"
    );
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_javascript_off_every_lesson_reads_and_the_labs_say_they_need_it() {
    let site = StaticServer::start(dist());
    let browser = Browser::start_without_javascript().await;
    let driver = &browser.driver;
    for route in Route::CHAPTER {
        driver.goto(site.url(&route.to_path())).await.unwrap();
        let h1 = driver
            .find(By::Css("main h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !h1.is_empty(),
            "{route:?} has no heading without JavaScript"
        );
        let nav = driver.find_all(By::Css("nav.chapter-nav a")).await.unwrap();
        assert_eq!(nav.len(), Route::CHAPTER.len(), "{route:?}: the navigation");
        let notice = driver.find_all(By::Css(".needs-js")).await.unwrap();
        let lesson = driver.find_all(By::Css("section.lesson p")).await.unwrap();
        if route.is_lab() {
            // Every lab says it needs JavaScript, visibly.
            assert_eq!(notice.len(), 1, "{route:?}: the lab's notice");
            let text = notice[0].text().await.unwrap();
            assert!(text.contains("Turn on JavaScript"), "{route:?}: {text}");
        } else {
            assert!(notice.is_empty(), "{route:?} is not a lab");
        }
        if matches!(
            route,
            Route::Home
                | Route::Handshake
                | Route::Uris
                | Route::Lifecycle
                | Route::Frames
                | Route::Heartbeats
                | Route::Summary
        ) {
            assert!(lesson.len() > 2, "{route:?}: the lesson's text");
        }
    }
    // The computed examples are in the HTML too.
    driver.goto(site.url("/frames")).await.unwrap();
    let masked = driver
        .find(By::Id("lesson-masked-hello"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(masked, "81 85 37 fa 21 3d 7f 9f 4d 51 58");
    // Links work as plain links.
    driver
        .find(By::LinkText("Ping, pong and pitfalls"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_text(By::Css("main h1"), "the heartbeats lesson", |t| {
            t == "Ping, pong and pitfalls"
        })
        .await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_start_page_runs_the_reader_build_and_a_lab_brings_its_own() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let driver = &browser.driver;
    browser.open(site.url("/")).await;
    let state = browser
        .wait_state("the reader on /", |s| s["build"] == "wslab-reader")
        .await;
    assert_eq!(
        state["prerendered"], false,
        "the app replaced the prerendered page: {state}"
    );
    assert_eq!(state["hidden"], false, "{state}");
    // A lesson link loads the next page (prerendered), still with the reader.
    browser.click(By::LinkText("Ping, pong and pitfalls")).await;
    browser
        .wait_state("the heartbeats page", |s| {
            s["path"] == "/heartbeats"
                && s["build"] == "wslab-reader"
                && s["h1"] == "Ping, pong and pitfalls"
        })
        .await;
    // A lab brings its build: the frame lab's own.
    browser.click(By::LinkText("Frames and masking")).await;
    browser
        .wait_state("the frame lab", |s| {
            s["path"] == "/frames"
                && s["build"] == "wslab-frames"
                && s["h1"] == "Frames and masking"
                && s["prerendered"] == false
        })
        .await;
    // The live page's build holds /illustrated too, and moves there in the
    // page (the console hands its session over in memory): the window stays
    // the same, the tab's title follows, and the back button returns.
    browser.click(By::LinkText("Live connection")).await;
    browser
        .wait_state("the live page", |s| {
            s["path"] == "/live"
                && s["build"] == "wslab-live"
                && s["h1"] == "Live connection"
                && s["prerendered"] == false
        })
        .await;
    // Followed from the bottom of the page (a script's click does not scroll).
    let scrolled = driver
        .execute(
            r#"window.__stayed = 'yes';
               window.scrollTo(0, document.body.scrollHeight);
               const from = window.scrollY;
               document.querySelector('nav a[href="/illustrated"]').click();
               return from;"#,
            vec![],
        )
        .await
        .unwrap();
    assert!(
        scrolled.json().as_f64().unwrap() > 0.0,
        "scrolled down first"
    );
    let state = browser
        .wait_state("the illustrated session, in the page", |s| {
            s["path"] == "/illustrated" && s["h1"] == Route::Illustrated.title()
        })
        .await;
    assert_eq!(state["marker"], "yes", "no page load: {state}");
    assert_eq!(
        driver.title().await.unwrap(),
        Route::Illustrated.document_title()
    );
    // It starts at its top, as a loaded page does.
    let scrolled = driver
        .execute("return window.scrollY;", vec![])
        .await
        .unwrap();
    assert_eq!(
        scrolled.json(),
        &serde_json::json!(0),
        "the page moved to starts at the top"
    );
    driver.back().await.unwrap();
    let state = browser
        .wait_state("back to the live page", |s| s["h1"] == "Live connection")
        .await;
    assert_eq!(state["marker"], "yes", "no page load: {state}");
    assert_eq!(driver.title().await.unwrap(), Route::Live.document_title());
    // A link to a page of another build loads it.
    browser.click(By::LinkText("FAQ and summary")).await;
    let state = browser
        .wait_state("the summary, loaded", |s| {
            s["h1"] == "FAQ and summary" && s["build"] == "wslab-reader"
        })
        .await;
    assert_eq!(
        state["marker"],
        serde_json::Value::Null,
        "a page load: {state}"
    );
    // A deep link with a query opens in its state over the prerendered page.
    browser.open(site.url("/frames?op=2&mask=0&p=x")).await;
    browser
        .wait_state("the deep link", |s| {
            s["build"] == "wslab-frames" && s["prerendered"] == false
        })
        .await;
    browser
        .wait_text(By::Id("fb-wire-hex"), "the built frame", |t| {
            t == "82 01 78"
        })
        .await;
    browser.quit().await;
}

/// The page builds show a page's lesson as it was prerendered (they carry no
/// lesson text) and keep its live parts working: the copy buttons (where the
/// lesson has a code sample) and the "read and tried" checkbox, which moves the progress. A host that answers
/// every path with index.html gets the full build, which renders the lesson
/// itself.
#[tokio::test(flavor = "multi_thread")]
async fn the_page_builds_keep_the_prerendered_lesson_and_its_live_parts() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let driver = &browser.driver;
    for (path, build, lesson, copied) in [
        ("/heartbeats", "wslab-reader", "heartbeats", Some("Copied")),
        ("/lifecycle", "wslab-reader", "lifecycle", Some("Copied")),
        ("/handshake", "wslab-handshake", "handshake", Some("Copied")),
        ("/uris", "wslab-uris", "uris", None),
        ("/frames", "wslab-frames", "frames", None),
    ] {
        browser.open(site.url(path)).await;
        browser
            .wait_state(path, |s| s["build"] == build && s["prerendered"] == false)
            .await;
        let seen = driver
            .execute(
                r#"const [lesson, build] = arguments;
                   const copy = document.querySelector(`#lesson-${lesson} .code-block button.copy`);
                   copy?.click();
                   const done = document.getElementById(`done-${lesson}`);
                   done.click();
                   // The wasm preloaded by the page's head is the one the app
                   // ran: fetched once.
                   const fetched = performance.getEntriesByType('resource')
                     .filter((e) => e.name.endsWith(`/${build}_bg.wasm`)).length;
                   return { copied: copy ? copy.textContent : null, checked: done.checked, fetched,
                            lessons: document.querySelectorAll(`#lesson-${lesson}`).length };"#,
                vec![serde_json::json!(lesson), serde_json::json!(build)],
            )
            .await
            .unwrap();
        assert_eq!(
            seen.json(),
            &serde_json::json!({"copied": copied, "checked": true, "fetched": 1, "lessons": 1}),
            "{path}"
        );
        let deadline = Instant::now() + support::WAIT;
        loop {
            let stored = driver
                .execute(
                    "return localStorage.getItem('wslab.progress') || '';",
                    vec![],
                )
                .await
                .unwrap();
            let stored = stored.json().as_str().unwrap_or_default().to_owned();
            if stored.contains(&format!(r#""{lesson}""#)) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{path}: progress not kept: {stored}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    drop(site);
    let spa = StaticServer::single_page(dist());
    browser.open(spa.url("/handshake")).await;
    browser
        .wait_state("the full build on a single-page host", |s| {
            s["build"] == "wslab" && s["h1"] == "The opening handshake"
        })
        .await;
    browser
        .wait_text(
            By::Css("#lesson-handshake h2"),
            "the lesson, rendered",
            |t| t.starts_with("Lesson:"),
        )
        .await;
    // The lab writes its state into the address bar there too.
    let request = driver.find(By::Id("handshake-request")).await.unwrap();
    request.send_keys(Key::Control + Key::Home).await.unwrap();
    request.send_keys("X").await.unwrap();
    browser
        .wait_text(By::Id("handshake-status"), "a 400 after a stray X", |t| {
            t == "400"
        })
        .await;
    let deadline = Instant::now() + support::WAIT;
    while !driver
        .current_url()
        .await
        .unwrap()
        .query()
        .is_some_and(|q| q.contains("X"))
    {
        assert!(
            Instant::now() < deadline,
            "the lab's state never reached the address bar"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // There, links move in the page (yew-router): the window stays the same.
    driver
        .execute("window.__stayed = 'yes';", vec![])
        .await
        .unwrap();
    browser.click(By::LinkText("FAQ and summary")).await;
    let state = browser
        .wait_state("the summary, in the page", |s| s["h1"] == "FAQ and summary")
        .await;
    assert_eq!(state["marker"], "yes", "no page load: {state}");
    assert_eq!(state["path"], "/summary");
    assert_eq!(
        driver.title().await.unwrap(),
        Route::Summary.document_title()
    );
    driver.back().await.unwrap();
    browser
        .wait_state("back to the handshake", |s| {
            s["h1"] == "The opening handshake" && s["marker"] == "yes"
        })
        .await;
    // Back again, the lab reads its state from the address bar.
    browser
        .wait_text(By::Id("handshake-status"), "the 400 again", |t| t == "400")
        .await;
    browser.quit().await;
}

/// A lab whose later part cannot be fetched keeps running: the builder
/// answers, the part keeps its prerendered copy and says why, and its
/// "Try again" draws it once the chunk can be fetched.
#[tokio::test(flavor = "multi_thread")]
async fn a_lab_runs_without_its_chunk_and_fetches_it_when_asked() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    browser.block_urls(&["*split_frames_lower.wasm"]).await;
    browser.open(site.url("/frames?op=2&mask=0&p=x")).await;
    browser
        .wait_text(By::Css("[role=alert]"), "the failure told", |t| {
            t.contains("could not be loaded")
        })
        .await;
    // The builder above it runs.
    browser.replace_text(By::Id("fb-payload"), "xy").await;
    browser
        .wait_text(By::Id("fb-wire-hex"), "the builder's answer", |t| {
            t == "82 02 78 79"
        })
        .await;
    // The copy takes no input.
    let inert: bool = browser
        .driver
        .execute(
            "return document.getElementById('frames-lower').hasAttribute('inert')",
            vec![],
        )
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert!(inert, "the prerendered copy is inert");
    browser.block_urls(&[]).await;
    browser.click(By::Css("[role=alert] button")).await;
    browser
        .wait_text(
            By::Css("#frames-lower:not([inert]) #decoder-status"),
            "the decoder, drawn",
            |t| !t.is_empty(),
        )
        .await;
    browser.quit().await;
}

/// The questions answer at once in the quiz build; the generated practice
/// below them arrives in its chunk and is checked by the protocol core there.
#[tokio::test(flavor = "multi_thread")]
async fn the_quizs_practice_arrives_in_its_chunk_and_checks_answers() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    browser.open(site.url("/quiz#practice")).await;
    browser
        .wait_state("/quiz", |s| {
            s["build"] == "wslab-quiz" && s["prerendered"] == false
        })
        .await;
    let prompt = browser
        .wait_text(
            By::Css("#quiz-practice:not([inert]) #practice-accept-prompt"),
            "the practice, drawn",
            |t| t.contains("Key: "),
        )
        .await;
    let key = prompt
        .split("Key: ")
        .nth(1)
        .and_then(|rest| rest.split(". ").next())
        .unwrap_or_default();
    browser
        .replace_text(
            By::Id("practice-accept-answer"),
            &wire::handshake::accept_key(key),
        )
        .await;
    browser.click(By::Id("practice-accept-check")).await;
    browser
        .wait_text(By::Id("practice-accept-verdict"), "the verdict", |t| {
            t == "Correct."
        })
        .await;
    let fetched: u64 = browser
        .driver
        .execute(
            "return performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/split_quiz_practice.wasm')).length;",
            vec![],
        )
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert_eq!(fetched, 1, "the practice's chunk, fetched once");
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_live_page_connects_without_its_chunk_and_talks_and_reads_the_wire_once_it_arrives() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    browser.block_urls(&["*split_live_illustrated.wasm"]).await;
    browser.open_live(&site, &echo.echo_url()).await;
    browser
        .wait_text(By::Css("[role=alert]"), "the failure told", |t| {
            t.contains("could not be loaded")
        })
        .await;
    // The socket opens as typed, without the tap.
    browser.click(By::Id("echo-connect")).await;
    browser.live_state("OPEN").await;
    browser.block_urls(&[]).await;
    browser.click(By::Css("[role=alert] button")).await;
    // The send form and the log arrive, on the open connection.
    browser.live_send_text("sent once the chunk came").await;
    // The next connection has the wire view: the browser's own request.
    browser.click(By::Id("echo-connect")).await;
    browser.live_wire_request().await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_works_offline_once_loaded() {
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    browser.open(site.url("/frames")).await;
    browser
        .wait_text(By::Css("main h1"), "the frame lab", |t| !t.is_empty())
        .await;
    // Wait until the service worker controls the page (its cache is filled on install).
    browser.wait_service_worker(support::WAIT).await;
    // It keeps every build the pages start, and the chunks they load later;
    // the full build, which only a host answering every path with
    // index.html needs, stays out.
    let cached = browser.cached_wasm().await;
    let expected: Vec<String> = Build::ALL
        .into_iter()
        .filter(|b| *b != Build::Full)
        .flat_map(|b| {
            let chunks = b.chunks().iter().map(|c| format!("/split_{c}.wasm"));
            std::iter::once(format!("/{}_bg.wasm", b.bin())).chain(chunks)
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(cached, expected);
    let url = site.url("/handshake");
    let summary = site.url("/summary");
    let quiz = site.url("/quiz");
    drop(site); // The server is gone (its port is closed): from now on only the cache can answer.
    // A page never opened before, and the reader build, come from the cache too.
    browser.open(&summary).await;
    browser
        .wait_state("the summary, offline", |s| {
            s["build"] == "wslab-reader" && s["h1"] == "FAQ and summary"
        })
        .await;
    browser.open(&quiz).await;
    browser
        .wait_state("the quiz, offline", |s| {
            s["build"] == "wslab-quiz" && s["prerendered"] == false
        })
        .await;
    browser.open(&url).await;
    browser
        .wait_text(
            By::Id("handshake-status"),
            "the handshake lab, offline",
            |t| t == "101",
        )
        .await;
    // Its lower part, a chunk loaded after the page runs, comes from the cache too.
    browser
        .wait_text(
            By::Css("#handshake-lower.part:not([inert]) #lines-title"),
            "the handshake lab's lower part, offline",
            |t| t == "Line by line",
        )
        .await;
    browser.quit().await;
}

/// On a host that answers every path with index.html, the service worker
/// also keeps the full build, which every page there starts: a page never
/// opened works offline too.
#[tokio::test(flavor = "multi_thread")]
async fn a_single_page_host_works_offline_with_the_full_build() {
    let site = StaticServer::single_page(dist());
    let browser = Browser::start().await;
    browser.open(site.url("/")).await;
    browser
        .wait_state("the start page", |s| s["prerendered"] == false)
        .await;
    browser.wait_service_worker(support::WAIT).await;
    assert!(
        browser
            .cached_wasm()
            .await
            .contains(&"/wslab_bg.wasm".to_owned())
    );
    let url = site.url("/handshake");
    drop(site);
    browser.open(&url).await;
    browser
        .wait_state("the handshake lab, offline, in the full build", |s| {
            s["build"] == "wslab" && s["h1"] == "The opening handshake"
        })
        .await;
    browser
        .wait_text(
            By::Id("handshake-status"),
            "the handshake lab's answer, offline",
            |t| t == "101",
        )
        .await;
    browser.quit().await;
}

/// Once the service worker controls the site, pages start from its cache; a
/// new build (a new `sw.js`) is installed in the background and the next
/// page is the new version.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_build_replaces_the_cached_one_on_the_next_page() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sw-update-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    // Not the precompressed copies (`cargo xtask dist` writes them): the
    // server would send the old `sw.js.gz` for the edited `sw.js`.
    for entry in std::fs::read_dir(dist()).unwrap().flatten() {
        let precompressed = entry
            .path()
            .extension()
            .is_some_and(|e| e == "gz" || e == "br");
        if entry.path().is_file() && !precompressed {
            std::fs::copy(entry.path(), root.join(entry.file_name())).unwrap();
        }
    }
    let site = StaticServer::start(root.clone());
    let browser = Browser::start().await;
    let driver = &browser.driver;
    let heading = "return document.querySelector('#lesson-summary h2')?.textContent || '';";
    let url = site.url("/summary");
    browser.open(&url).await;
    browser.wait_service_worker(support::WAIT).await;
    // A new build: another page text, and so another service worker.
    let page = std::fs::read_to_string(root.join("summary.html")).unwrap();
    assert!(page.contains("Lesson: "));
    std::fs::write(
        root.join("summary.html"),
        page.replacen("Lesson: ", "Lesson (new build): ", 1),
    )
    .unwrap();
    let sw = std::fs::read_to_string(root.join("sw.js")).unwrap();
    let cache = sw
        .find("const CACHE = \"wslab-")
        .expect("sw.js names its cache");
    std::fs::write(
        root.join("sw.js"),
        format!(
            "{}const CACHE = \"wslab-next-{}",
            &sw[..cache],
            &sw[cache + "const CACHE = \"wslab-".len()..]
        ),
    )
    .unwrap();
    // The next load comes from the cache, as it was.
    browser.open(&url).await;
    let first = driver.execute(heading, vec![]).await.unwrap();
    assert!(
        first
            .json()
            .as_str()
            .unwrap_or_default()
            .starts_with("Lesson: "),
        "{first:?}"
    );
    // The new build takes over in the background (each page asks for one
    // once it runs): its cache replaces the old one, and the next page is new.
    browser
        .wait_state("the page running", |s| s["build"] == "wslab-reader")
        .await;
    let deadline = Instant::now() + support::WAIT;
    loop {
        let keys = driver
            .execute_async(
                "const done = arguments[0]; caches.keys().then(done, () => done([]));",
                vec![],
            )
            .await
            .unwrap();
        let keys = keys.json().clone();
        if keys
            == serde_json::json!([format!(
                "wslab-next-{}",
                &sw[cache + "const CACHE = \"wslab-".len()..][..16]
            )])
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new build never took over: {keys}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    browser.open(&url).await;
    let now = driver.execute(heading, vec![]).await.unwrap();
    assert!(
        now.json()
            .as_str()
            .unwrap_or_default()
            .starts_with("Lesson (new build): "),
        "{now:?}"
    );
    browser.quit().await;
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test(flavor = "multi_thread")]
async fn live_console_shows_the_browsers_own_masked_frames_and_closes_with_a_code() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    browser.live_connect(&site, &echo.echo_url()).await;
    browser.live_state("OPEN").await;

    // The browser's real handshake, as the server got it, with the accept checked by wire.
    let request = browser.live_wire_request().await;
    assert!(
        request.contains("Sec-WebSocket-Key: ") && request.contains("User-Agent: "),
        "{request}"
    );
    browser
        .wait_text(By::Id("wire-accept"), "the accept check", |t| {
            t.starts_with("Sec-WebSocket-Accept checked")
        })
        .await;

    // Text: echoed, and on the wire masked with a key the browser chose.
    browser.live_send_text("masked by my browser").await;
    let frame = browser
        .wait_text(By::Css("#wire-frames li.in"), "the inbound frame", |t| {
            t.contains("masked by my browser") && t.contains("same payload")
        })
        .await;
    assert!(frame.contains("masking key"), "{frame}");
    browser
        .wait_text(By::Css("#wire-frames li.out"), "the outbound frame", |t| {
            t.contains("unmasked")
        })
        .await;

    // Binary: echoed unchanged.
    browser.live_send_hex("00 01 02 ff").await;
    browser
        .wait_text(
            By::Css("#echo-log li.received:last-child .meta"),
            "the binary echo",
            |t| t.contains("binary · 4 bytes"),
        )
        .await;

    // A code page code may not use throws; 4000 with a reason closes cleanly.
    browser.live_close("1001", "done").await;
    browser
        .wait_text(By::Id("live-exception"), "the InvalidAccessError", |t| {
            t.contains("InvalidAccessError")
        })
        .await;
    browser.live_close("4000", "bye").await;
    browser
        .live_close_event("a clean close", |t| {
            t == "close event: code 4000, reason \"bye\", wasClean true"
        })
        .await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn close_with_no_code_sends_an_empty_close_frame_and_the_server_reports_1005() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    browser.live_connect(&site, &echo.echo_url()).await;
    browser.live_state("OPEN").await;
    // An empty code field is close() with no arguments: valid, and explained.
    browser.live_close("", "").await;
    browser
        .wait_text(By::Id("close-no-code"), "the explanation", |t| {
            t.contains("1005")
        })
        .await;
    browser
        .live_close_event("the 1005 close", |t| {
            t == "close event: code 1005, reason \"\", wasClean true"
        })
        .await;
    // On the wire: the browser's empty Close (masked, length 0) and the server's 88 00.
    let wire = browser
        .wait_text(By::Id("wire-frames"), "both empty Close frames", |t| {
            t.matches("no status code").count() >= 2
        })
        .await;
    let words = wire.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("00000000 88 80"), "{words}");
    assert!(words.contains("00000000 88 00"), "{words}");
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_connections_show_error_then_close_1006() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    // The chapter's challenge: a host that does not exist.
    browser.open(site.url("/live")).await;
    browser.click(By::Id("challenge-run")).await;
    let log = browser
        .wait_text(By::Id("transitions"), "error then close 1006", |t| {
            t.contains("close event: code 1006")
        })
        .await;
    assert!(log.contains("error event"), "{log}");
    browser
        .wait_text(By::Id("failure-explained"), "the explanation", |t| {
            t.contains("must not learn whether a host exists")
        })
        .await;

    // The legacy proxy answers the Upgrade with a plain page: the handshake fails the same way.
    browser
        .live_connect(&site, &format!("ws://{}/legacy-proxy", echo.addr))
        .await;
    browser
        .wait_text(By::Id("transitions"), "the legacy proxy failure", |t| {
            t.contains("close event: code 1006")
        })
        .await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_proxy_drops_a_silent_connection_and_heartbeats_keep_it() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    browser
        .live_connect(&site, &format!("ws://{}/idle?timeout=2", echo.addr))
        .await;
    browser.live_state("OPEN").await;
    browser
        .live_close_event("the drop", |t| t.contains("code 1006"))
        .await;

    // With the server pinging every second, the browser's automatic pongs keep it alive.
    browser
        .open_live(&site, &format!("ws://{}/idle?timeout=2", echo.addr))
        .await;
    browser.replace_text(By::Id("live-ping"), "1").await;
    browser.click(By::Id("echo-connect")).await;
    browser.live_state("OPEN").await;
    // Four pongs: twice the proxy's 2-second idle limit has passed with the connection alive.
    browser
        .wait_text(By::Id("wire-frames"), "four pongs", |t| {
            t.matches("after the ping").count() >= 4
        })
        .await;
    assert_eq!(
        browser
            .driver
            .find(By::Id("echo-status"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "OPEN"
    );
    browser
        .wait_text(By::Id("wire-frames"), "a pong with its delay", |t| {
            t.contains("after the ping")
        })
        .await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wss_to_the_local_tls_port_works() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    // The certificate is self-signed: this test, and only this test, tells Chromium to accept it.
    let browser = Browser::start_with(&["--ignore-certificate-errors"]).await;
    browser
        .live_connect(&site, &format!("wss://{}/echo", echo.tls_addr))
        .await;
    browser.live_state("OPEN").await;
    browser.live_send_text("Hello over TLS").await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn when_the_server_closes_first_the_browser_answers_by_itself() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    browser
        .live_connect(&site, &format!("ws://{}/echo?close=1", echo.addr))
        .await;
    browser
        .live_close_event("the server's close", |t| {
            t == "close event: code 1000, reason \"the server is done\", wasClean true"
        })
        .await;
    browser
        .wait_text(By::Id("server-closed-first"), "the explanation", |t| {
            t.contains("answered with its own Close")
        })
        .await;
    // The wire view shows the server's Close and the browser's masked answer.
    let wire = browser
        .wait_text(By::Id("wire-frames"), "both Close frames", |t| {
            t.matches("(close)").count() >= 2
        })
        .await;
    assert!(wire.contains("masking key"), "{wire}");
    browser.quit().await;
}

/// The size of the big upload.
const BIG: usize = 2 << 20;

/// The smallest valid PNG: one transparent pixel.
const PIXEL_PNG: [u8; 67] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

#[tokio::test(flavor = "multi_thread")]
async fn an_image_file_is_echoed_and_shown_and_a_big_upload_shows_its_queue() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let dir = std::env::temp_dir().join(format!("wslab-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("pixel.png");
    std::fs::write(&png, PIXEL_PNG).unwrap();
    let big = dir.join("big.bin");
    std::fs::write(&big, vec![0x5a; BIG]).unwrap();

    // Without compression, so that the 2 MiB file crosses as Chromium's own fragments
    // (compressed, it would be one small frame).
    browser.open_live(&site, &echo.echo_url()).await;
    browser.click(By::Id("live-deflate")).await;
    browser.click(By::Id("echo-connect")).await;
    browser.live_state("OPEN").await;
    let file = browser.driver.find(By::Id("send-file")).await.unwrap();
    file.send_keys(png.to_string_lossy()).await.unwrap();
    browser
        .driver
        .query(By::Css("#echo-log li.received img.echoed-image"))
        .first()
        .await
        .unwrap();

    // A 2 MiB file: the browser queues it (Chromium splits it into frames), and
    // the page shows bufferedAmount while it drains.
    let file = browser.driver.find(By::Id("send-file")).await.unwrap();
    file.send_keys(big.to_string_lossy()).await.unwrap();
    browser
        .driver
        .query(By::Id("buffered"))
        .first()
        .await
        .unwrap();
    browser
        .wait_text(
            By::Css("#echo-log li:nth-child(4) .meta"),
            "the big echo",
            |t| t.contains(&format!("received binary · {BIG} bytes")),
        )
        .await;
    // The wire view shows the fragments the browser chose: a first frame, then continuations.
    browser
        .wait_text(By::Id("wire-frames"), "the fragments", |t| {
            t.contains("0x2 (binary), FIN 0") && t.contains("0x0 (continuation)")
        })
        .await;
    let _ = std::fs::remove_dir_all(&dir);
    browser.quit().await;
}

/// Chromium offers permessage-deflate by itself; wslab-echo accepts it, and
/// the wire view shows the browser's real compressed frames (RSV1), inflated
/// by wire. With the toggle off (`?deflate=0`) nothing is compressed.
#[tokio::test(flavor = "multi_thread")]
async fn the_wire_view_shows_chromiums_compressed_frames_and_the_toggle_turns_them_off() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let text = "squeeze this, squeeze this, squeeze this, squeeze this, squeeze this!";

    browser.live_connect(&site, &echo.echo_url()).await;
    browser.live_state("OPEN").await;
    let request = browser
        .wait_text(By::Id("wire-request"), "the browser's request", |t| {
            t.contains("Sec-WebSocket-Extensions")
        })
        .await;
    assert!(request.contains("permessage-deflate"), "{request}");
    let response = browser
        .wait_text(By::Id("wire-response"), "the server's answer", |t| {
            t.contains("101")
        })
        .await;
    assert!(
        response.contains("Sec-WebSocket-Extensions: permessage-deflate"),
        "{response}"
    );
    browser.live_send_text(text).await;
    for (side, what) in [("in", "the browser's"), ("out", "the server's")] {
        let frame = browser
            .wait_text(
                By::Css(format!("#wire-frames li.{side}")),
                &format!("{what} compressed frame"),
                |t| {
                    t.contains("RSV1 = 1")
                        && t.contains("inflated (00 00 ff ff restored")
                        && t.contains(text)
                },
            )
            .await;
        assert!(frame.contains("% of the original"), "{frame}");
    }
    // The same session on /illustrated: the same frames, read by the same
    // reader and described in the same words, the message inflated there too.
    let wire_lines: Vec<String> = {
        let mut lines = Vec::new();
        for li in browser
            .driver
            .find_all(By::Css("#wire-frames .frame-line"))
            .await
            .unwrap()
        {
            lines.push(li.text().await.unwrap());
        }
        lines
    };
    browser.click(By::Id("illustrate")).await;
    browser
        .wait_url("/illustrated", |u| u.ends_with("/illustrated"))
        .await;
    browser.click(By::Id("illustrated-show-all")).await;
    let records = browser
        .wait_text(
            By::Id("records"),
            "the inflated message on /illustrated",
            |t| t.matches("inflated (00 00 ff ff restored").count() >= 2,
        )
        .await;
    for line in &wire_lines {
        // The wire view adds its own checks after the description; the description itself is shared.
        let said = line.split(" · masking key").next().unwrap_or(line);
        let said = said.split(" RSV1 = 1").next().unwrap_or(said).trim();
        assert!(records.contains(said), "{said:?} not on /illustrated");
    }

    // The same message without the extension: plain frames, the text readable as it is.
    browser.open_live(&site, &echo.echo_url()).await;
    browser.click(By::Id("live-deflate")).await;
    browser.click(By::Id("echo-connect")).await;
    browser.live_state("OPEN").await;
    let request = browser
        .wait_text(By::Id("wire-request"), "the request with deflate=0", |t| {
            t.starts_with("GET /echo?session=")
        })
        .await;
    assert!(request.contains("deflate=0"), "{request}");
    let response = browser
        .wait_text(By::Id("wire-response"), "the server's answer", |t| {
            t.contains("101")
        })
        .await;
    assert!(!response.contains("Sec-WebSocket-Extensions"), "{response}");
    browser.live_send_text(text).await;
    let frames = browser
        .wait_text(By::Id("wire-frames"), "both plain frames", |t| {
            t.matches(text).count() >= 2
        })
        .await;
    assert!(!frames.contains("RSV1 = 1"), "{frames}");
    browser.quit().await;
}

/// The learner's own session, illustrated: the browser's real masking key is
/// in the records; the session downloads as a file that opens again.
#[tokio::test(flavor = "multi_thread")]
async fn a_live_session_is_illustrated_with_the_browsers_own_masking_key_and_reopens_from_its_file()
{
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    browser.live_connect(&site, &echo.echo_url()).await;
    browser.live_state("OPEN").await;
    browser.live_send_text("illustrate me").await;
    let key = browser
        .wait_text(
            By::Css("#wire-frames li.in .mask-key"),
            "the browser's masking key",
            |t| t.len() == 11,
        )
        .await;
    browser.click(By::Id("illustrate")).await;
    browser
        .wait_url("/illustrated", |u| u.ends_with("/illustrated"))
        .await;
    browser
        .wait_text(By::Id("illustrated-source"), "the live session", |t| {
            t.starts_with("Your own session")
        })
        .await;
    browser.click(By::Id("illustrated-show-all")).await;
    let records = browser
        .wait_text(By::Id("records"), "the browser's key in the records", |t| {
            t.contains(&format!("Masking key {key}"))
        })
        .await;
    assert!(records.contains("Opening request") && records.contains("\"illustrate me\""));

    // Download it, then open the file again.
    browser.click(By::Id("illustrated-download")).await;
    let file = browser.downloads.join("wslab-session.wslab");
    let deadline = Instant::now() + support::WAIT;
    while std::fs::metadata(&file).map_or(true, |m| m.len() == 0) {
        assert!(
            Instant::now() < deadline,
            "no download in {:?}",
            browser.downloads
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let saved = wire::session::Session::from_file(&std::fs::read(&file).unwrap()).unwrap();
    assert!(saved.records.len() >= 4, "{saved:?}");
    browser.open(site.url("/illustrated")).await;
    browser.choose_file(By::Id("illustrated-file"), &file).await;
    browser
        .wait_text(By::Id("illustrated-source"), "the file's session", |t| {
            t.contains("from a file")
        })
        .await;
    browser.click(By::Id("illustrated-show-all")).await;
    browser
        .wait_text(By::Id("records"), "the key again, from the file", |t| {
            t.contains(&format!("Masking key {key}"))
        })
        .await;
    // Not a session: a clear answer, the page still works.
    let bogus = browser.downloads.join("not-a-session.wslab");
    std::fs::write(&bogus, b"GIF89a").unwrap();
    browser
        .choose_file(By::Id("illustrated-file"), &bogus)
        .await;
    browser
        .wait_text(By::Id("illustrated-refused"), "the refusal", |t| {
            t.contains("not a wslab session file")
        })
        .await;
    let _ = std::fs::remove_dir_all(&browser.downloads);
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_conformance_lab_runs_a_group_through_wslab_echo_and_shows_each_verdict() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    // The server under test is wslab-echo's own /echo; the cases run from its /probe.
    let target = echo.echo_url();
    let server = format!("ws://{}/probe", echo.addr);
    browser
        .open(site.url(&format!(
            "/conformance?target={target}&server={server}&groups=ping-pong,masking"
        )))
        .await;
    let command = browser
        .wait_text(By::Id("conformance-command"), "the command line", |t| {
            t.contains("--cases 'ping-pong,masking'")
        })
        .await;
    assert!(
        command.starts_with(&format!("wslab-probe {target}")),
        "{command}"
    );
    browser.click(By::Id("conformance-run")).await;
    let status = browser
        .wait_text(By::Id("conformance-status"), "the finished run", |t| {
            t.starts_with("Finished")
        })
        .await;
    assert!(status.contains(" 0 failed of "), "{status}");
    let verdicts = browser
        .driver
        .find_all(By::Css("#conformance-results li.case"))
        .await
        .unwrap();
    assert!(verdicts.len() >= 15, "{} cases shown", verdicts.len());
    for case in &verdicts {
        assert_eq!(
            case.attr("data-verdict").await.unwrap().as_deref(),
            Some("pass")
        );
    }
    // A case says what came back, and each frame opens in the frame lab.
    let unmasked = browser
        .wait_text(By::Css("#case-9\\.1\\.1"), "the unmasked-frame case", |t| {
            t.contains("9.1.1")
        })
        .await;
    assert!(unmasked.contains("An unmasked text message"), "{unmasked}");
    let link = browser
        .driver
        .query(By::Css("#case-3\\.1\\.1 a.open-frame"))
        .first()
        .await
        .unwrap();
    let href = link.attr("href").await.unwrap().unwrap_or_default();
    assert!(
        href.starts_with("/frames?hex=") && href.ends_with("&dfrom=client"),
        "{href}"
    );

    // Export the run as JSON and as HTML, then open the JSON again on a fresh page.
    browser.click(By::Id("conformance-export-html")).await;
    browser.click(By::Id("conformance-export-json")).await;
    let file = browser.downloads.join("wslab-conformance.json");
    let page = browser.downloads.join("wslab-conformance.html");
    let deadline = Instant::now() + support::WAIT;
    while [&file, &page]
        .iter()
        .any(|f| std::fs::metadata(f).map_or(true, |m| m.len() == 0))
    {
        assert!(
            Instant::now() < deadline,
            "no downloads in {:?}",
            browser.downloads
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let report = conformance::Report::from_json(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(report.results.len(), verdicts.len());
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("3.1.1") && !html.contains("<script"));
    browser.open(site.url("/conformance")).await;
    browser.choose_file(By::Id("conformance-open"), &file).await;
    let status = browser
        .wait_text(By::Id("conformance-status"), "the reopened report", |t| {
            t.starts_with("Opened")
        })
        .await;
    assert!(
        status.contains(&format!("{} passed", verdicts.len())),
        "{status}"
    );
    let _ = std::fs::remove_dir_all(&browser.downloads);
    browser.quit().await;
}

/// A small client written for this test (blocking, on `wire`): it runs case
/// `n` of the client lab under `agent`, echoing every message, answering
/// Pings and the Close.
fn run_client_case(addr: std::net::SocketAddr, n: u32, agent: &str) {
    use std::io::{Read, Write};
    use wire::decode::{DecodeOptions, Role, Split, Splitter};
    use wire::frame::Frame;
    use wire::opcode::OpCode;
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let key = wire::handshake::generate_key([9; 16]);
    write!(
        tcp,
        "GET /runCase?case={n}&agent={agent} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .unwrap();
    let mut head = wire::handshake::HeadReader::new(16 * 1024);
    let mut buf = vec![0u8; 1 << 16];
    let mut rest = loop {
        let got = tcp.read(&mut buf).unwrap();
        assert!(got > 0, "no answer to the opening request");
        if let wire::handshake::HeadRead::Complete { rest, .. } = head.push(&buf[..got]) {
            break rest;
        }
    };
    let mut splitter = Splitter::new(DecodeOptions::for_sender(Role::Server));
    loop {
        for split in splitter.push(&rest) {
            let Split::Frame { frame, .. } = split else {
                return;
            };
            let frame = frame.frame;
            let answer = match frame.opcode {
                OpCode::Text | OpCode::Binary => Some(Frame::new(frame.opcode, frame.payload)),
                OpCode::Ping => Some(Frame::new(OpCode::Pong, frame.payload)),
                OpCode::Close => Some(Frame::new(OpCode::Close, frame.payload)),
                _ => None,
            };
            if let Some(answer) = answer {
                let close = answer.opcode == OpCode::Close;
                let _ = tcp.write_all(&answer.masked([1, 2, 3, 4]).encode());
                if close {
                    return;
                }
            }
        }
        match tcp.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(got) => rest = buf[..got].to_vec(),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_client_tab_watches_a_client_run_its_cases() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let server = format!("ws://{}/probe", echo.addr);
    browser
        .open(site.url(&format!("/conformance?server={server}&agent=e2e-client")))
        .await;
    let url = browser
        .wait_text(By::Id("client-run-url"), "where the client connects", |t| {
            t.contains("/runCase?case=N&agent=e2e-client")
        })
        .await;
    assert!(url.starts_with(&format!("ws://{}", echo.addr)), "{url}");
    browser.click(By::Id("client-watch")).await;
    browser
        .wait_text(By::Id("conformance-status"), "the open watch", |t| {
            t.starts_with("Watching e2e-client")
        })
        .await;
    let addr = echo.addr;
    tokio::task::spawn_blocking(move || {
        for n in 1..=3 {
            run_client_case(addr, n, "e2e-client");
        }
    })
    .await
    .unwrap();
    let status = browser
        .wait_text(By::Id("conformance-status"), "three results", |t| {
            t.contains("3 cases so far")
        })
        .await;
    assert!(status.contains("(3 passed"), "{status}");
    let first = browser
        .wait_text(By::Css("#conformance-results li.case"), "a case", |t| {
            t.contains("2.1.1")
        })
        .await;
    assert!(first.contains("pass"), "{first}");
    browser.click(By::Id("tab-server")).await;
    browser
        .wait_text(By::Id("conformance-command"), "the server tab again", |t| {
            t.starts_with("wslab-probe")
        })
        .await;
    browser.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn test_this_browser_runs_cases_with_the_pages_own_websocket() {
    let echo = EchoServer::start();
    let site = StaticServer::start(dist());
    let browser = Browser::start().await;
    let server = format!("ws://{}/probe", echo.addr);
    browser
        .open(site.url(&format!(
            "/conformance?server={server}&agent=headless-chromium"
        )))
        .await;
    // The first echo cases, and the masking group: a masked server frame.
    browser
        .replace_text(By::Id("client-browser-cases"), "1-3")
        .await;
    browser.click(By::Id("client-browser-run")).await;
    let line = browser
        .wait_text(
            By::Id("client-browser-status"),
            "the browser run's end",
            |t| t.contains("done"),
        )
        .await;
    assert!(line.contains("close 1000"), "{line}");
    let status = browser
        .wait_text(By::Id("conformance-status"), "three verdicts", |t| {
            t.contains("3 cases so far")
        })
        .await;
    assert!(status.contains("(3 passed"), "{status}");
    // The browser run's results come back from a saved report.
    browser.click(By::Id("conformance-export-json")).await;
    let file = browser.downloads.join("wslab-conformance.json");
    let deadline = Instant::now() + support::WAIT;
    while std::fs::metadata(&file).map_or(true, |m| m.len() == 0) {
        assert!(
            Instant::now() < deadline,
            "no download in {:?}",
            browser.downloads
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let report = conformance::Report::from_json(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(report.results.len(), 3);
    assert!(report.results.iter().all(|r| {
        r.frames
            .iter()
            .any(|f| f.from == conformance::report::Side::Client)
    }));
    browser.open(site.url("/conformance")).await;
    browser.choose_file(By::Id("conformance-open"), &file).await;
    browser
        .wait_text(
            By::Id("conformance-status"),
            "the reopened browser run",
            |t| t.starts_with("Opened") && t.contains("3 passed"),
        )
        .await;
    let _ = std::fs::remove_dir_all(&browser.downloads);
    browser
        .open(site.url(&format!(
            "/conformance?server={server}&agent=headless-chromium"
        )))
        .await;
    // A range that is not one is said so.
    browser
        .replace_text(By::Id("client-browser-cases"), "9-3")
        .await;
    browser.click(By::Id("client-browser-run")).await;
    browser
        .wait_text(By::Id("client-browser-status"), "the refused range", |t| {
            t.contains("is not a range")
        })
        .await;
    browser.quit().await;
}
