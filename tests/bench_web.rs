//! Browser benchmarks, not tests: how long the labs take to update after one
//! change, measured with the Performance API in headless Chromium. Run with
//! `cargo xtask bench`; each prints its figures and asserts nothing about time.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast as _;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, window};

wasm_bindgen_test_configure!(run_in_browser);

mod dom;

use dom::{mount, settle as tick};

const RUNS: usize = 40;

fn now() -> f64 {
    window().unwrap().performance().unwrap().now()
}

fn input_event() -> web_sys::Event {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    web_sys::Event::new_with_event_init_dict("input", &init).unwrap()
}

/// Runs `change`, waits until `done` says the page shows its effect (Yew
/// renders in a microtask the event queues, so this is usually the first
/// check), then forces style and layout. Returns the milliseconds all took.
async fn timed(root: &Element, change: impl FnOnce(), done: impl Fn() -> bool) -> f64 {
    let t0 = now();
    change();
    let mut spins = 0;
    while !done() {
        spins += 1;
        if spins < 100 {
            let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(
                &wasm_bindgen::JsValue::NULL,
            ))
            .await;
        } else {
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        assert!(spins < 10_000, "the page never showed the change");
    }
    let rendered = now() - t0;
    // Reading a layout property makes the browser apply the DOM changes now.
    let _ = root.dyn_ref::<HtmlElement>().map(|e| e.offset_height());
    RENDER_SHARE.with(|r| r.borrow_mut().push(rendered));
    now() - t0
}

thread_local! {
    /// Of each timed update, the part spent before style and layout.
    static RENDER_SHARE: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reports the render-only share of the updates timed since the last call.
fn report_render_share(name: &str) {
    let samples = RENDER_SHARE.with(|r| std::mem::take(&mut *r.borrow_mut()));
    if !samples.is_empty() {
        report(&format!("{name} (Yew render only, before layout)"), samples);
    }
}

fn report(name: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    let median = samples[samples.len() / 2];
    let p90 = samples[samples.len() * 9 / 10];
    let max = samples[samples.len() - 1];
    console_log!(
        "BENCH {name}: median {median:.2} ms, p90 {p90:.2} ms, max {max:.2} ms over {} runs",
        samples.len()
    );
}

#[wasm_bindgen_test]
async fn handshake_keystroke_with_an_8_kib_request() {
    let root = mount("/handshake").await;
    let base = wslab::pages::rfc_request("dGhlIHNhbXBsZSBub25jZQ==");
    let mut request = base.trim_end().to_owned();
    while request.len() < 8 * 1024 - 40 {
        request.push_str("\r\nX-Filler: 0123456789abcdef0123456789");
    }
    request.push_str("\r\n\r\n");
    let area: web_sys::HtmlTextAreaElement = root
        .query_selector("#handshake-request")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    area.set_value(&request);
    area.dispatch_event(&input_event()).unwrap();
    tick().await;
    let mut samples = Vec::new();
    for i in 0..RUNS {
        // One keystroke: a character typed into the key, or taken out again.
        let text = if i % 2 == 0 {
            request.replacen("Key: dGhl", "Key: XdGhl", 1)
        } else {
            request.clone()
        };
        let status = || {
            root.query_selector("#handshake-status")
                .unwrap()
                .unwrap()
                .text_content()
        };
        let before = status();
        samples.push(
            timed(
                &root,
                || {
                    area.set_value(&text);
                    area.dispatch_event(&input_event()).unwrap();
                },
                || status() != before,
            )
            .await,
        );
        tick().await;
    }
    console_log!("request size: {} bytes", request.len());
    // The protocol core's share: check, answer, and check the answer as a client.
    let core: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t0 = now();
            let check = wire::handshake::check_request(&request);
            let answer = wire::handshake::respond(&check, &["chat"], None);
            let _ = wire::handshake::check_response(
                &answer.text,
                "dGhlIHNhbXBsZSBub25jZQ==",
                &["chat"],
                &[],
            );
            now() - t0
        })
        .collect();
    report(
        "handshake core only (check + respond + client check), 8 KiB",
        core,
    );
    report("handshake lab, one keystroke, 8 KiB request", samples);
    report_render_share("handshake lab, one keystroke, 8 KiB request");
}

async fn frame_field_toggle(len: usize) {
    let root = mount("/frames").await;
    let area: web_sys::HtmlTextAreaElement = root
        .query_selector("#fb-payload")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    area.set_value(&"a".repeat(len));
    area.dispatch_event(&input_event()).unwrap();
    tick().await;
    let fin: HtmlElement = root
        .query_selector("#fb-fin")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let fin_value = || {
        root.query_selector("[data-field=fin] .fvalue")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap_or_default()
    };
    let mut samples = Vec::new();
    for _ in 0..RUNS {
        let before = fin_value();
        samples.push(timed(&root, || fin.click(), || fin_value() != before).await);
        tick().await;
    }
    report(
        &format!("frame lab, toggle FIN, {} KiB payload", len / 1024),
        samples,
    );
}

#[wasm_bindgen_test]
async fn frame_lab_field_change_with_64_kib_and_1_mib_payloads() {
    frame_field_toggle(64 * 1024).await;
    frame_field_toggle(1024 * 1024).await;
}

/// The illustrated page with 1,000 records and a 1 MiB message: opening
/// every record at once, and the big record alone.
#[wasm_bindgen_test]
async fn illustrated_page_opens_a_thousand_records_and_a_mebibyte_message() {
    use wire::tap::Direction;
    let mut pieces: Vec<(Direction, u32, Vec<u8>)> = wire::session::example()
        .records
        .iter()
        .take(2)
        .map(|r| (r.from, r.t_ms, r.bytes.clone()))
        .collect();
    for i in 0..499u32 {
        let text = format!("message {i}");
        pieces.push((
            Direction::FromClient,
            i,
            wire::Frame::new(wire::OpCode::Text, text.clone())
                .masked([1, 2, 3, 4])
                .encode(),
        ));
        pieces.push((
            Direction::FromServer,
            i,
            wire::Frame::new(wire::OpCode::Text, text).encode(),
        ));
    }
    pieces.push((
        Direction::FromClient,
        600,
        wire::Frame::new(wire::OpCode::Binary, vec![0x5a; 1 << 20])
            .masked([9, 8, 7, 6])
            .encode(),
    ));
    let session =
        wire::session::Session::from_streams(pieces.iter().map(|(d, t, b)| (*d, *t, b.as_slice())));
    let records = session.records.len();
    // The session arrives as a link would bring it (it compresses well).
    let location = web_sys::window().unwrap().location();
    location
        .set_hash(&format!("s={}", session.to_link()))
        .unwrap();
    let root = mount("/illustrated").await;
    location.set_hash("").unwrap();
    let bodies =
        |root: &Element| root.query_selector_all(".record-body").unwrap().length() as usize;
    let show_all = root
        .query_selector("#illustrated-show-all")
        .unwrap()
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap();
    let mut open_all = Vec::new();
    for _ in 0..5 {
        open_all.push(timed(&root, || show_all.click(), || bodies(&root) == records).await);
        timed(&root, || show_all.click(), || bodies(&root) == 0).await;
    }
    report(
        &format!("illustrated: open all {records} records (one of 1 MiB)"),
        open_all,
    );
    let heads = root.query_selector_all(".record-head").unwrap();
    let big = heads
        .item(heads.length() - 1)
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap();
    let mut open_big = Vec::new();
    for _ in 0..10 {
        open_big.push(timed(&root, || big.click(), || bodies(&root) == 1).await);
        timed(&root, || big.click(), || bodies(&root) == 0).await;
    }
    report("illustrated: open the 1 MiB record", open_big);
    tick().await;
}
