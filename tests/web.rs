//! Browser tests: the app's components mounted in headless Chromium
//! (wasm-bindgen-test), inspected through the real DOM.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast as _;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

use wslab::route::Route;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;

use dom::{mount, settle, until};

fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn start_page_shows_accept_key_computed_by_the_core() {
    let root = mount("/").await;
    assert_eq!(text_of(&root, "h1"), "WebSocket protocol basics");
    assert_eq!(
        text_of(&root, "#home-accept"),
        wire::handshake::accept_key("dGhlIHNhbXBsZSBub25jZQ==")
    );
}

#[wasm_bindgen_test]
async fn navigation_lists_every_chapter_route_and_marks_the_current_one() {
    let root = mount("/frames").await;
    let links = root.query_selector_all(".chapter-nav a").unwrap();
    assert_eq!(links.length() as usize, Route::CHAPTER.len());
    assert_eq!(
        text_of(&root, ".chapter-nav a.active"),
        Route::Frames.title()
    );
    assert_eq!(text_of(&root, "main h1"), Route::Frames.title());
}

#[wasm_bindgen_test]
async fn unknown_path_shows_not_found() {
    let root = mount("/no/such/page").await;
    assert_eq!(text_of(&root, "main h1"), Route::NotFound.title());
}

#[wasm_bindgen_test]
async fn live_page_offers_the_local_echo_server() {
    let root = mount("/live").await;
    let input = root
        .query_selector("#echo-url")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap();
    assert_eq!(input.value(), wslab::pages::default_echo_url());
    assert_eq!(text_of(&root, "#echo-status"), "not connected");
}

/// The live page reads a URL's scheme, Host and resource with the browser's
/// own URL parser (as `new WebSocket` does), so it carries no URI parser:
/// here that reading is held to `wire::uri`'s, which the tests and the
/// prerenderer use, on URLs of every shape the live page meets, and on the
/// ones both refuse.
#[wasm_bindgen_test]
fn the_browsers_url_reading_is_wires() {
    use wslab::services::browser::{ws_url_parts, ws_url_parts_by_wire};
    for url in [
        "ws://127.0.0.1:9001/echo",
        "ws://127.0.0.1:9001/echo?session=00112233445566778899aabbccddeeff&ping=5",
        "wss://127.0.0.1:9443/echo?deflate=0",
        "ws://localhost/idle/3",
        "ws://LOCALHOST:80/Echo",
        "wss://example.com:443/chat?x=1&y=a%20b",
        "http://example.com/chat",
        "https://example.com:8443/",
        "ws://example.com",
        "ws://[::1]:9001/echo",
        "ws://[0:0:0:0:0:0:0:1]/echo",
        "ws://user:pw@example.com/echo",
        "ws://bücher.example/echo",
        "ws://example.com/a b",
        "ws://example.com/a/../echo",
        "ws://127.1:9001/echo",
        "ws://0x7f.0.0.1:9001/echo",
        "ws://example.com/chat#room",
        "ftp://example.com/",
        "/echo",
        "echo",
        "",
        "ws://",
        "ws://example.com:99999/",
    ] {
        assert_eq!(ws_url_parts(url), ws_url_parts_by_wire(url), "{url:?}");
    }
    // A space in the host: WHATWG's parser (and wire's) refuses it; Chromium's
    // percent-encodes it, and its `new WebSocket` then tries that host. The
    // live page follows the browser: a tap there fails as the socket does.
    let url = "ws://exa mple.com/";
    assert_eq!(ws_url_parts_by_wire(url), None);
    if let Some(parts) = ws_url_parts(url) {
        assert_eq!(parts.host, "exa%20mple.com");
    }
}

/// Sets a field's value and fires the `input` event Yew listens for.
async fn type_into(root: &Element, selector: &str, value: &str) {
    let el = root
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"));
    if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(value);
    } else {
        el.dyn_ref::<web_sys::HtmlInputElement>()
            .unwrap()
            .set_value(value);
    }
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    el.dispatch_event(&event).unwrap();
    settle().await;
}

/// Chooses an option of a select and fires `change`.
async fn choose(root: &Element, selector: &str, value: &str) {
    let select = root
        .query_selector(selector)
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlSelectElement>()
        .unwrap();
    select.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    select
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    settle().await;
}

fn click(root: &Element, selector: &str) {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
}

const RFC_ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

#[wasm_bindgen_test]
async fn handshake_lab_answers_the_rfc_request_with_101() {
    let root = mount("/handshake").await;
    assert_eq!(text_of(&root, "#handshake-status"), "101");
    let answer = text_of(&root, "#handshake-response");
    assert!(
        answer.contains(&format!("Sec-WebSocket-Accept: {RFC_ACCEPT}")),
        "{answer}"
    );
    assert_eq!(text_of(&root, "#accept-value"), RFC_ACCEPT);
    assert_eq!(
        text_of(&root, "#accept-step-sha1"),
        "b3 7a 4f 2c c0 62 4f 16 90 f6 46 06 cf 38 59 45 b2 be c4 ea"
    );
}

#[wasm_bindgen_test]
async fn every_bad_request_gets_a_specific_answer() {
    let root = mount("/handshake").await;
    let rfc = wslab::pages::rfc_request("dGhlIHNhbXBsZSBub25jZQ==");
    let cases: Vec<(String, &str, &str)> = vec![
        (String::new(), "400", "empty"),
        (
            "\u{1}\u{2}\u{7f}garbage\u{0}".into(),
            "400",
            "not a request line",
        ),
        (
            rfc.replace("dGhlIHNhbXBsZSBub25jZQ==", "AAAAAAAAAAAAAAAAAAAA"),
            "400",
            "decodes to 15 bytes",
        ),
        (
            rfc.replace("dGhlIHNhbXBsZSBub25jZQ==", "AAAAAAAAAAAAAAAAAAAAAAA="),
            "400",
            "decodes to 17 bytes",
        ),
        (
            rfc.replace("Version: 13", "Version: 8"),
            "426",
            "speaks only 13",
        ),
        (
            rfc.replace("Connection: Upgrade", "Connection: keep-alive"),
            "400",
            "Connection is \"keep-alive\"",
        ),
        (
            format!("{}\r\nHost: again\r\n\r\n", rfc.trim_end()),
            "400",
            "Host appears 2 times",
        ),
    ];
    for (request, status, needle) in cases {
        type_into(&root, "#handshake-request", &request).await;
        assert_eq!(text_of(&root, "#handshake-status"), status, "{request:?}");
        let problems = text_of(&root, "#handshake-problems");
        assert!(problems.contains(needle), "{request:?}: {problems}");
    }
    // Tolerated where the RFC is: lowercase names, a Connection list.
    let relaxed = "GET /chat HTTP/1.1\nhost: a\nupgrade: WebSocket\nconnection: keep-alive, Upgrade\n\
                   sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\nsec-websocket-version: 13\n";
    type_into(&root, "#handshake-request", relaxed).await;
    assert_eq!(text_of(&root, "#handshake-status"), "101");
}

#[wasm_bindgen_test]
async fn a_megabyte_paste_is_answered_and_not_drawn_line_by_line() {
    let root = mount("/handshake").await;
    let huge = format!(
        "GET / HTTP/1.1\r\n{}",
        "X-Filler: 0123456789abcdef0123456789abcdef\r\n".repeat(25_000)
    );
    assert!(huge.len() > 1_000_000);
    type_into(&root, "#handshake-request", &huge).await;
    assert_eq!(text_of(&root, "#handshake-status"), "400");
    let shown = root
        .query_selector_all("#request-lines li")
        .unwrap()
        .length();
    assert!(shown <= 200, "{shown} lines drawn");
}

#[wasm_bindgen_test]
async fn accept_calculator_checks_a_claimed_value() {
    let root = mount("/handshake").await;
    type_into(&root, "#accept-claimed", RFC_ACCEPT).await;
    assert!(text_of(&root, "#accept-check").contains("They match"));
    type_into(&root, "#accept-claimed", "AAAA").await;
    assert!(text_of(&root, "#accept-check").contains(RFC_ACCEPT));
    click(&root, "#accept-random");
    until("a new random key", || {
        text_of(&root, "#accept-step-key") != "dGhlIHNhbXBsZSBub25jZQ=="
    })
    .await;
    let key = text_of(&root, "#accept-step-key");
    assert_ne!(key, "dGhlIHNhbXBsZSBub25jZQ==");
    assert_eq!(
        text_of(&root, "#accept-value"),
        wire::handshake::accept_key(&key)
    );
    assert!(text_of(&root, "#accept-key-verdict").contains("valid key"));
}

#[wasm_bindgen_test]
async fn a_wrong_accept_in_a_response_is_refused_as_a_browser_would() {
    let root = mount("/handshake").await;
    assert!(text_of(&root, "#client-verdict").contains("accepts"));
    let bad = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n";
    type_into(&root, "#handshake-client-response", bad).await;
    assert!(text_of(&root, "#client-verdict").contains("refuses"));
    assert!(text_of(&root, "#client-problems").contains(RFC_ACCEPT));
}

#[wasm_bindgen_test]
async fn a_101_that_names_no_offered_subprotocol_passes_the_rfc_but_not_a_browser() {
    let root = mount("/handshake").await;
    // The RFC's request offers chat and superchat; this answer picks neither.
    let none = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {RFC_ACCEPT}\r\n\r\n"
    );
    type_into(&root, "#handshake-client-response", &none).await;
    let verdict = text_of(&root, "#client-verdict");
    assert!(verdict.contains("RFC 6455 alone accepts"), "{verdict}");
    let problems = text_of(&root, "#client-problems");
    assert!(
        problems.contains("WHATWG WebSockets Standard"),
        "{problems}"
    );
    assert!(problems.contains("RFC 6455 allows that"), "{problems}");
}

#[wasm_bindgen_test]
async fn sequence_diagram_arrows_select_what_they_carry() {
    let root = mount("/handshake").await;
    let arrows = root.query_selector_all(".sequence .arrow").unwrap();
    assert_eq!(arrows.length(), 3);
    let second: web_sys::Element = arrows.item(1).unwrap().dyn_into().unwrap();
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    second
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("click", &init).unwrap())
        .unwrap();
    until("the answer's detail", || {
        text_of(&root, ".step-detail").contains("101 Switching Protocols")
    })
    .await;
}

#[wasm_bindgen_test]
async fn uri_explorer_derives_the_handshake_and_names_errors() {
    let root = mount("/uris").await;
    type_into(&root, "#uri-input", "WSS://Example.com:443/chat?x=1").await;
    assert_eq!(
        text_of(&root, "#uri-request-line"),
        "GET /chat?x=1 HTTP/1.1"
    );
    assert_eq!(text_of(&root, "#uri-host-header"), "Host: example.com");
    type_into(&root, "#uri-input", "ws://example.com:8080").await;
    assert_eq!(text_of(&root, "#uri-host-header"), "Host: example.com:8080");
    // What page code passes, resolved against the page as a browser does.
    type_into(&root, "#uri-base", "https://example.com/app/page").await;
    type_into(&root, "#uri-input", "chat?room=1").await;
    assert_eq!(
        text_of(&root, "#uri-request-line"),
        "GET /app/chat?room=1 HTTP/1.1"
    );
    assert!(text_of(&root, "#uri-scheme").starts_with("wss"));
    assert!(
        text_of(&root, "#uri-opened").contains("opens wss://example.com/app/chat?room=1"),
        "{}",
        text_of(&root, "#uri-opened")
    );
    type_into(&root, "#uri-input", "ws://h/a/../b c").await;
    assert_eq!(text_of(&root, "#uri-request-line"), "GET /b%20c HTTP/1.1");
    // A host that ends in a number is an IPv4 address to a browser.
    type_into(&root, "#uri-input", "ws://0x7f.1:9001/").await;
    assert_eq!(text_of(&root, "#uri-host-header"), "Host: 127.0.0.1:9001");
    assert!(
        text_of(&root, "#uri-opened").contains("dotted-decimal IPv4"),
        "{}",
        text_of(&root, "#uri-opened")
    );
    for (bad, needle) in [
        ("ws://1.2.3.256/", "IPv4 parser"),
        ("ws://h/#x", "fragment"),
        ("ftp://h", "not ws or wss"),
        ("ws://h:70000", "port"),
        ("ws:///p", "host is missing"),
    ] {
        type_into(&root, "#uri-input", bad).await;
        assert!(text_of(&root, "#uri-error").contains(needle), "{bad}");
    }
}

#[wasm_bindgen_test]
async fn frame_builder_makes_the_rfc_masked_hello_and_follows_every_control() {
    let root = mount("/frames").await;
    assert_eq!(
        text_of(&root, "#fb-wire-hex"),
        "81 85 37 fa 21 3d 7f 9f 4d 51 58"
    );
    assert_eq!(text_of(&root, "[data-field=fin] .fvalue"), "1");
    click(&root, "#fb-fin");
    settle().await;
    assert_eq!(text_of(&root, "[data-field=fin] .fvalue"), "0");
    assert!(text_of(&root, "#fb-wire-hex").starts_with("01 85"));
    click(&root, "#fb-mask");
    settle().await;
    assert_eq!(text_of(&root, "#fb-wire-hex"), "01 05 48 65 6c 6c 6f");
    assert!(text_of(&root, "#fb-violations").contains("a client must mask"));
}

#[wasm_bindgen_test]
async fn length_field_switches_form_at_126_and_65536_bytes() {
    let root = mount("/frames").await;
    for (len, form, len7, header) in [
        (125, "7-bit", "125", 6),
        (126, "7+16-bit", "126", 8),
        (65536, "7+64-bit", "127", 14),
    ] {
        type_into(&root, "#fb-payload", &"a".repeat(len)).await;
        assert!(text_of(&root, "#fb-length-form").contains(form), "{len}");
        let len_html = root
            .query_selector("[data-field=len]")
            .unwrap()
            .unwrap()
            .outer_html();
        assert_eq!(
            text_of(&root, "[data-field=len] .fvalue"),
            len7,
            "{len}: {len_html}"
        );
        assert_eq!(
            root.query_selector_all("[data-field=extlen]")
                .unwrap()
                .length()
                > 0,
            len > 125,
            "{len}"
        );
        assert!(
            text_of(&root, "#fb-wire-hex").contains(&format!("({} bytes)", len + header)),
            "{len}"
        );
        // The dump is paged: never more than a page of byte cells.
        assert!(root.query_selector_all("#fb-hex .byte").unwrap().length() <= 512);
    }
}

#[wasm_bindgen_test]
async fn decoder_names_bad_input_and_partial_frames() {
    let root = mount("/frames").await;
    choose(&root, "#decoder-sender", "server").await;
    let cases = [
        ("81 8", "odd number of hex digits"),
        ("81 zz", "not a hex digit"),
        ("", "Paste some bytes"),
        ("82 05 48 65", "3 more byte(s)"),
        ("82 7e 01", "1 more byte(s)"),
        ("82 7f 80 00 00 00 00 00 00 00", "most significant bit"),
        ("0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f", "1 frame(s)"),
        (
            "81 85 37 fa 21 3d 7f 9f 4d 51 58",
            "MASK is 1, but a server must not mask",
        ),
    ];
    for (hex, needle) in cases {
        type_into(&root, "#decoder-hex", hex).await;
        let status = text_of(&root, "#decoder-status");
        assert!(status.contains(needle), "{hex:?}: {status}");
    }
    // A 64-bit length with the top bit set points at byte 2, bit 16.
    type_into(&root, "#decoder-hex", "82 7f 80 00 00 00 00 00 00 00").await;
    assert!(text_of(&root, "#decoder-status").starts_with("byte 2, bit 16"));
    assert_eq!(text_of(&root, "#decoder-hex-dump .byte.err"), "80");
}

#[wasm_bindgen_test]
async fn decoder_takes_ten_megabytes_of_hex() {
    let root = mount("/frames").await;
    // 5 MiB of bytes (10 MiB of hex digits): 80 binary frames of 64 KiB, unmasked, "from a server".
    let frame = wire::frame::Frame::new(wire::opcode::OpCode::Binary, vec![0x5a; 65536]).encode();
    let hex: String = frame
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .repeat(80);
    assert!(hex.len() > 10_000_000);
    choose(&root, "#decoder-sender", "server").await;
    type_into(&root, "#decoder-hex", &hex).await;
    let status = text_of(&root, "#decoder-status");
    assert!(status.contains("80 frame(s)"), "{status}");
    assert!(
        root.query_selector_all("#decoder-hex-dump .byte")
            .unwrap()
            .length()
            <= 512
    );
}

#[wasm_bindgen_test]
async fn fragmenter_splits_and_reassembles_with_a_ping_between() {
    let root = mount("/frames").await;
    type_into(&root, "#frag-message", "Hello, world").await;
    type_into(&root, "#frag-size", "5").await;
    let rows = root
        .query_selector_all("#frag-frames tbody tr")
        .unwrap()
        .length();
    assert_eq!(rows, 4, "3 fragments and a ping");
    let result = text_of(&root, "#frag-result");
    assert!(
        result.contains("ping handled at once") && result.contains("\"Hello, world\""),
        "{result}"
    );
    type_into(&root, "#frag-size", "0").await;
    assert_eq!(
        root.query_selector_all("#frag-frames tbody tr")
            .unwrap()
            .length(),
        0
    );
}

#[wasm_bindgen_test]
async fn every_chapter_section_has_its_place() {
    use yew_router::Routable as _;
    for (name, route, anchor) in wslab::content::lessons::CHAPTER_SECTIONS {
        let path: &'static str = Box::leak(route.to_path().into_boxed_str());
        let root = mount(path).await;
        assert!(
            root.query_selector(&format!("#{anchor}"))
                .unwrap()
                .is_some(),
            "{name}: no #{anchor} on {path}"
        );
    }
}

#[wasm_bindgen_test]
async fn answering_a_question_gives_feedback_and_moves_the_progress_bar() {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let root = mount("/quiz?lesson=frames").await;
    // The lesson asked for comes first.
    assert_eq!(
        root.query_selector(".quiz-group").unwrap().unwrap().id(),
        "quiz-frames"
    );
    let bar = || {
        root.query_selector("#quiz-frames progress")
            .unwrap()
            .unwrap()
            .get_attribute("value")
            .unwrap()
    };
    assert_eq!(bar(), "0");
    click(&root, "#mcq-opcode-ping-0");
    settle().await;
    click(&root, "#mcq-opcode-ping button");
    settle().await;
    assert!(text_of(&root, "#mcq-opcode-ping").contains("Correct."));
    assert_ne!(bar(), "0");
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("wslab.progress")
        .unwrap()
        .unwrap();
    assert!(stored.contains("mcq-opcode-ping"), "{stored}");
}

#[wasm_bindgen_test]
async fn a_wrong_answer_explains_itself() {
    let root = mount("/quiz").await;
    click(&root, "#mcq-masking-purpose-1");
    settle().await;
    click(&root, "#mcq-masking-purpose button");
    settle().await;
    let text = text_of(&root, "#mcq-masking-purpose");
    assert!(
        text.contains("Not quite.") && text.contains("key travels in clear"),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn corrupt_saved_progress_is_ignored_with_a_notice() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage
        .set_item("wslab.progress", "{\"version\": 1, \"answers\": [oops")
        .unwrap();
    let root = mount("/").await;
    assert!(text_of(&root, "#progress-notice").contains("could not be read"));
    assert_eq!(text_of(&root, "h1"), "WebSocket protocol basics");
    storage.clear().unwrap();
}

#[wasm_bindgen_test]
async fn generated_practice_is_checked_by_the_core() {
    let root = mount("/quiz").await;
    let prompt = text_of(&root, "#practice-accept-prompt");
    let key = prompt
        .split("Key: ")
        .nth(1)
        .unwrap()
        .split(". ")
        .next()
        .unwrap();
    type_into(
        &root,
        "#practice-accept-answer",
        &wire::handshake::accept_key(key),
    )
    .await;
    click(&root, "#practice-accept-check");
    settle().await;
    assert_eq!(text_of(&root, "#practice-accept-verdict"), "Correct.");
    type_into(&root, "#practice-length-answer", "not a number").await;
    click(&root, "#practice-length-check");
    settle().await;
    assert!(text_of(&root, "#practice-length-verdict").contains("whole number"));
    click(&root, "#practice-accept-next");
    settle().await;
    assert_ne!(text_of(&root, "#practice-accept-prompt"), prompt);
}

#[wasm_bindgen_test]
async fn close_builder_accepts_and_refuses_codes_as_the_rfc_does() {
    let root = mount("/lifecycle").await;
    assert_eq!(
        text_of(&root, "#close-server-bytes"),
        "88 05 03 e8 62 79 65"
    );
    type_into(&root, "#close-code", "1006").await;
    assert!(text_of(&root, "#close-verdict").contains("must never be sent"));
    type_into(&root, "#close-code", "4000").await;
    type_into(&root, "#close-reason", &"x".repeat(124)).await;
    assert!(text_of(&root, "#close-verdict").contains("125 bytes"));
}

#[wasm_bindgen_test]
async fn the_illustrated_page_shows_the_example_session_and_explains_its_bytes() {
    let root = mount("/illustrated").await;
    let example = wire::session::example();
    let heads = root.query_selector_all(".record-head").unwrap();
    assert_eq!(heads.length() as usize, example.records.len());
    // Collapsed records draw nothing.
    assert!(root.query_selector(".record-body").unwrap().is_none());
    assert!(text_of(&root, "#records").contains("Fragmented binary message, frame 2 of 3"));
    // Open the client's text frame: its masking key and the unmasked "Hello".
    heads
        .item(2)
        .unwrap()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    let body = text_of(&root, "#record-2");
    assert!(body.contains("Masking key 37 fa 21 3d"), "{body}");
    assert!(
        body.contains("48 65 6c 6c 6f") && body.contains("\"Hello\""),
        "{body}"
    );
    // Show all: every record open, the close code read from its payload.
    root.query_selector("#illustrated-show-all")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert_eq!(
        root.query_selector_all(".record-body").unwrap().length() as usize,
        example.records.len()
    );
    assert!(text_of(&root, "#records").contains("status code 1000 (Normal Closure): \"bye\""));
}

#[wasm_bindgen_test]
async fn the_frame_lab_compresses_a_payload_and_the_decoder_inflates_the_rfc_example() {
    // RFC 7692 §7.2.3.1: "Hello" compressed in one unmasked frame.
    let root =
        mount("/frames?z=1&mask=0&from=server&dz=1&dfrom=server&hex=c1+07+f2+48+cd+c9+c9+07+00")
            .await;
    let note = text_of(&root, "#fb-compressed");
    assert!(note.contains("5 bytes of payload compress to 7"), "{note}");
    let messages = text_of(&root, "#decoder-messages");
    assert!(messages.contains("text: \"Hello\""), "{messages}");
    assert!(text_of(&root, "#decoder-status").contains("1 frame(s)"));
}

#[wasm_bindgen_test]
async fn a_compressed_ping_breaks_rfc_7692_in_the_builder_and_the_decoder() {
    // RSV1 on a Ping, on a connection that agreed on permessage-deflate.
    let root = mount("/frames?z=1&op=9&mask=0&from=server&dz=1&dfrom=server&hex=c9+00").await;
    let rules = text_of(&root, "#fb-violations");
    assert!(rules.contains("RFC 7692 §6"), "{rules}");
    let status = text_of(&root, "#decoder-status");
    assert!(
        status.contains("RFC 7692 §6") && status.starts_with("byte 0, bit 1"),
        "{status}"
    );
    // The first frame of a compressed message may carry it.
    let root = mount("/frames?dz=1&dfrom=server&hex=c1+07+f2+48+cd+c9+c9+07+00").await;
    assert!(text_of(&root, "#decoder-status").contains("1 frame(s)"));
}

#[wasm_bindgen_test]
async fn a_link_opens_its_session_and_a_damaged_one_says_why() {
    let location = web_sys::window().unwrap().location();
    let mut session = wire::session::example();
    session.records.truncate(4);
    location
        .set_hash(&format!("s={}", session.to_link()))
        .unwrap();
    let root = mount("/illustrated").await;
    assert!(text_of(&root, "#illustrated-source").contains("from a link"));
    assert_eq!(root.query_selector_all(".record-head").unwrap().length(), 4);
    location.set_hash("s=AAAA").unwrap();
    let root = mount("/illustrated").await;
    assert!(text_of(&root, "#illustrated-refused").contains("The link could not be read"));
    location.set_hash("").unwrap();
}

/// The two tabs follow the WAI-ARIA tab pattern: arrows, Home and End move
/// the selection and the focus; only the selected tab is in the tab order.
#[wasm_bindgen_test]
async fn the_conformance_tabs_answer_the_arrow_keys() {
    let root = mount("/conformance").await;
    let key = |name: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(name);
        init.set_bubbles(true);
        let event =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        root.query_selector("[role=tab][aria-selected=true]")
            .unwrap()
            .unwrap()
            .dispatch_event(&event)
            .unwrap();
    };
    let selected = || {
        let tab = root
            .query_selector("[role=tab][aria-selected=true]")
            .unwrap()
            .unwrap();
        let focused = web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .active_element()
            .map(|e| e.id());
        let panel = root
            .query_selector("[role=tabpanel]")
            .unwrap()
            .unwrap()
            .get_attribute("aria-labelledby");
        (tab.id(), tab.get_attribute("tabindex"), focused, panel)
    };
    let client = (
        "tab-client".to_owned(),
        Some("0".to_owned()),
        Some("tab-client".to_owned()),
        Some("tab-client".to_owned()),
    );
    let server = (
        "tab-server".to_owned(),
        Some("0".to_owned()),
        Some("tab-server".to_owned()),
        Some("tab-server".to_owned()),
    );
    key("ArrowRight");
    settle().await;
    assert_eq!(selected(), client);
    assert!(text_of(&root, "#conformance-panel").contains("agent"));
    key("Home");
    settle().await;
    assert_eq!(selected(), server);
    key("End");
    settle().await;
    assert_eq!(selected(), client);
    key("ArrowLeft");
    settle().await;
    assert_eq!(selected(), server);
}

#[wasm_bindgen_test]
async fn the_conformance_lab_builds_its_command_from_the_groups_and_refuses_a_missing_echo() {
    let root = mount("/conformance").await;
    assert!(text_of(&root, "h1").contains("Test your server"));
    assert_eq!(
        text_of(&root, "#conformance-command"),
        "wslab-probe ws://127.0.0.1:8000/"
    );
    // Untick UTF-8: the other nine groups remain, in order.
    click(&root, "#group-utf8");
    settle().await;
    let command = text_of(&root, "#conformance-command");
    assert!(
        command.contains("--cases 'handshake,framing,ping-pong") && !command.contains("utf8"),
        "{command}"
    );
    // With no wslab-echo at the probe URL, the run stops and says what to do.
    type_into(&root, "#conformance-server", "ws://127.0.0.1:9/probe").await;
    click(&root, "#conformance-run");
    let mut status = String::new();
    for _ in 0..100 {
        gloo_timers::future::TimeoutFuture::new(50).await;
        status = text_of(&root, "#conformance-status");
        if status.starts_with("Stopped") {
            break;
        }
    }
    assert!(status.contains("Is wslab-echo running"), "{status}");
}

/// A part whose code is still on its way shows the page's prerendered copy
/// of it, inert (nothing typed into it is lost), and draws itself once its
/// code is there, in the same place.
#[wasm_bindgen_test]
async fn a_part_shows_its_prerendered_copy_until_its_code_arrives() {
    use std::cell::Cell;
    use wslab::components::later::{Later, Part, Source};
    use yew::prelude::*;

    thread_local! {
        static ARRIVED: Cell<bool> = const { Cell::new(false) };
    }
    fn draw(n: &u32) -> Html {
        html! { <p id="later-drawn">{ format!("drawn with {n}") }</p> }
    }
    /// The chunk's code arrives once ARRIVED is set.
    const SLOW: Part<u32> = Part {
        id: "later-test",
        source: Source::Chunk(|| {
            Box::pin(async {
                while !ARRIVED.with(Cell::get) {
                    gloo_timers::future::TimeoutFuture::new(10).await;
                }
                Ok(draw as fn(&u32) -> Html)
            })
        }),
    };
    #[function_component(Host)]
    fn host() -> Html {
        html! { <Later<u32> part={SLOW} props={7} /> }
    }

    let document = web_sys::window().unwrap().document().unwrap();
    let prerendered = document.create_element("div").unwrap();
    prerendered.set_id(wslab::app::PRERENDERED_ID);
    prerendered.set_inner_html(
        r#"<div class="part" id="later-test"><input id="later-field" value="as prerendered"></div>"#,
    );
    document.body().unwrap().append_child(&prerendered).unwrap();
    let root = dom::mount_root::<Host>();
    settle().await;

    let copy = root
        .query_selector("#later-test")
        .unwrap()
        .expect("the copy");
    assert!(copy.has_attribute("inert"), "the copy takes no input");
    assert!(root.query_selector("#later-field").unwrap().is_some());
    assert!(root.query_selector("#later-drawn").unwrap().is_none());

    ARRIVED.with(|a| a.set(true));
    until("the part drawn", || {
        root.query_selector("#later-drawn").unwrap().is_some()
    })
    .await;
    assert_eq!(text_of(&root, "#later-test #later-drawn"), "drawn with 7");
    let part = root.query_selector("#later-test").unwrap().unwrap();
    assert!(!part.has_attribute("inert"));
    assert!(root.query_selector("#later-field").unwrap().is_none());
    prerendered.remove();
    root.remove();
}

/// A part whose chunk cannot be fetched keeps its prerendered copy, says so,
/// and fetches again when asked.
#[wasm_bindgen_test]
async fn a_part_whose_chunk_fails_says_so_and_tries_again() {
    use std::cell::Cell;
    use wslab::components::later::{Later, Part, Source};
    use yew::prelude::*;

    thread_local! {
        static TRIES: Cell<u32> = const { Cell::new(0) };
    }
    fn draw(_: &()) -> Html {
        html! { <p id="retry-drawn">{ "drawn" }</p> }
    }
    /// The first fetch fails, the second succeeds.
    const FLAKY: Part<()> = Part {
        id: "retry-test",
        source: Source::Chunk(|| {
            Box::pin(async {
                let tries = TRIES.with(|t| {
                    t.set(t.get() + 1);
                    t.get()
                });
                if tries == 1 {
                    Err("offline".to_owned())
                } else {
                    Ok(draw as fn(&()) -> Html)
                }
            })
        }),
    };
    #[function_component(Host)]
    fn host() -> Html {
        html! { <Later<()> part={FLAKY} props={()} /> }
    }

    let root = dom::mount_root::<Host>();
    until("the failure told", || {
        root.query_selector("[role=alert]").unwrap().is_some()
    })
    .await;
    assert!(text_of(&root, "[role=alert]").contains("could not be loaded (offline)"));
    assert!(root.query_selector("#retry-drawn").unwrap().is_none());
    click(&root, "[role=alert] button");
    until("the part drawn", || {
        root.query_selector("#retry-drawn").unwrap().is_some()
    })
    .await;
    assert!(root.query_selector("[role=alert]").unwrap().is_none());
    assert_eq!(TRIES.with(Cell::get), 2);
    root.remove();
}

/// A part whose chunk neither arrives nor fails says, after 15 s, that it is
/// still loading, and takes over when the code arrives.
#[wasm_bindgen_test]
async fn a_part_whose_chunk_stalls_says_it_is_still_loading() {
    use std::cell::Cell;
    use wslab::components::later::{Later, Part, Source};
    use yew::prelude::*;

    thread_local! {
        static ARRIVED: Cell<bool> = const { Cell::new(false) };
    }
    fn draw(_: &()) -> Html {
        html! { <p id="stalled-drawn">{ "drawn" }</p> }
    }
    /// Arrives only once the test lets it.
    const STALLED: Part<()> = Part {
        id: "stall-test",
        source: Source::Chunk(|| {
            Box::pin(async {
                while !ARRIVED.with(Cell::get) {
                    gloo_timers::future::TimeoutFuture::new(50).await;
                }
                Ok(draw as fn(&()) -> Html)
            })
        }),
    };
    #[function_component(Host)]
    fn host() -> Html {
        html! { <Later<()> part={STALLED} props={()} /> }
    }

    let root = dom::mount_root::<Host>();
    settle().await;
    assert!(root.query_selector("[role=status]").unwrap().is_none());
    until("the wait told", || {
        root.query_selector("[role=status]").unwrap().is_some()
    })
    .await;
    assert!(text_of(&root, "[role=status]").contains("still loading"));
    ARRIVED.with(|a| a.set(true));
    until("the part drawn", || {
        root.query_selector("#stalled-drawn").unwrap().is_some()
    })
    .await;
    assert!(root.query_selector("[role=status]").unwrap().is_none());
    root.remove();
}
