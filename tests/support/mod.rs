//! What the end-to-end tests stand on: the built app served from a loopback
//! port, a real `wslab-echo` process and a real headless Chromium. Every port
//! is chosen free; every process is stopped when its guard is dropped, also
//! when a test fails.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use thirtyfour::Key;
use thirtyfour::prelude::*;

/// How long a test waits for the page (or a process) to get somewhere: long
/// enough that only a real hang runs out, with two Chromiums and a build
/// sharing this 2-core machine.
pub const WAIT: Duration = Duration::from_secs(60);

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built app: `$WSLAB_DIST` (set by `cargo xtask test`), or a fresh
/// `trunk build` into cargo's temporary folder for tests (`CARGO_TARGET_TMPDIR`,
/// inside whatever target folder cargo uses), built once for all the tests
/// of this run.
pub fn dist() -> PathBuf {
    static DIST: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIST.get_or_init(|| {
        if let Some(dir) = std::env::var_os("WSLAB_DIST") {
            return PathBuf::from(dir);
        }
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-dist");
        let status = Command::new("trunk")
            .args(["build", "--dist"])
            .arg(&dir)
            .current_dir(workspace())
            .env("TRUNK_SKIP_VERSION_CHECK", "true")
            .status()
            .expect("trunk must be installed (cargo xtask setup)");
        assert!(status.success(), "trunk build failed");
        dir
    })
    .clone()
}

/// A child process killed (with its whole process group) on drop.
pub struct ProcessGuard {
    child: Child,
}

impl ProcessGuard {
    fn spawn(cmd: &mut Command) -> Self {
        use std::os::unix::process::CommandExt;
        let child = cmd
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {:?}: {e}", cmd.get_program()));
        ProcessGuard { child }
    }
}

impl Drop for ProcessGuard {
    fn drop(&mut self) {
        // The negative pid names the process group: chromedriver and the
        // Chromium it started go together.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds wslab-echo and returns its path as cargo reports it.
fn build_echo() -> PathBuf {
    let out = Command::new(env!("CARGO"))
        .args([
            "build",
            "-p",
            "wslab-echo",
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(workspace())
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "building wslab-echo failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "wslab-echo")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the wslab-echo executable")
}

/// A real `wslab-echo` process on a free loopback port.
pub struct EchoServer {
    pub addr: SocketAddr,
    pub tls_addr: SocketAddr,
    _process: ProcessGuard,
}

impl EchoServer {
    pub fn start() -> Self {
        let bin = std::env::var_os("WSLAB_ECHO_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(build_echo);
        let mut process = ProcessGuard::spawn(
            Command::new(bin)
                .args(["--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0"])
                .env("RUST_LOG", "warn")
                .stdout(Stdio::piped()),
        );
        let stdout = process.child.stdout.take().expect("piped stdout");
        let mut reader = BufReader::new(stdout);
        // "wslab-echo listening on ws://127.0.0.1:PORT/echo", then the same for wss://.
        let mut read_addr = |scheme: &str| -> SocketAddr {
            let mut line = String::new();
            reader
                .read_line(&mut line)
                .expect("wslab-echo prints its addresses");
            line.split(scheme)
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .and_then(|a| a.parse().ok())
                .unwrap_or_else(|| panic!("unexpected line from wslab-echo: {line:?}"))
        };
        let addr = read_addr("ws://");
        let tls_addr = read_addr("wss://");
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in reader.lines() {});
        EchoServer {
            addr,
            tls_addr,
            _process: process,
        }
    }

    pub fn echo_url(&self) -> String {
        format!("ws://{}/echo", self.addr)
    }
}

/// A static file server for the built app on a free loopback port: a page's
/// prerendered `<page>.html` at its path, and index.html for unknown paths,
/// as on any static host set up for wslab; or, as a host set up for a
/// single-page app, index.html for every path that is not a file
/// ([`single_page`](Self::single_page)).
pub struct StaticServer {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StaticServer {
    pub fn start(root: PathBuf) -> Self {
        Self::serve(root, true)
    }

    /// Serves index.html for every path that is not a file.
    pub fn single_page(root: PathBuf) -> Self {
        Self::serve(root, false)
    }

    fn serve(root: PathBuf, pages: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let root = root.clone();
                    std::thread::spawn(move || serve_file(stream, &root, pages));
                }
            }
        });
        StaticServer {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for StaticServer {
    /// Returns once the port is closed: nothing answers there afterwards.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve_file(mut stream: TcpStream, root: &Path, pages: bool) {
    let mut buf = [0u8; 8192];
    let n = stream.read(&mut buf).unwrap_or(0);
    let request = String::from_utf8_lossy(&buf[..n]);
    let path = request
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .split(['?', '#'])
        .next()
        .unwrap_or("/");
    // As a static host set up for wslab: the file, else the page's
    // prerendered `<page>.html`, else index.html (the app routes itself).
    let relative = path.trim_start_matches('/').trim_end_matches('/');
    let candidate = root.join(relative);
    let page = root.join(format!("{relative}.html"));
    let file = if relative.contains("..") {
        root.join("index.html")
    } else if candidate.is_file() {
        candidate
    } else if pages && !relative.is_empty() && page.is_file() {
        page
    } else {
        root.join("index.html")
    };
    // A precompressed copy (`cargo xtask dist` writes them) is served when
    // the browser accepts gzip, as nginx's gzip_static does.
    let accepts_gzip = request.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("accept-encoding:") && l.contains("gzip")
    });
    let gzipped = PathBuf::from(format!("{}.gz", file.display()));
    let (body, encoding) = if accepts_gzip && gzipped.is_file() {
        (
            std::fs::read(&gzipped).unwrap_or_default(),
            "Content-Encoding: gzip\r\n",
        )
    } else {
        (std::fs::read(&file).unwrap_or_default(), "")
    };
    let mime = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {mime}\r\n{encoding}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Headless Chromium driven through Debian's chromedriver.
pub struct Browser {
    pub driver: WebDriver,
    /// Where this browser saves downloads.
    pub downloads: PathBuf,
    _chromedriver: ProcessGuard,
}

impl Browser {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// Starts Chromium with extra command-line arguments.
    pub async fn start_with(extra: &[&str]) -> Self {
        Self::launch(extra, true).await
    }

    /// Starts Chromium with JavaScript turned off, as some readers browse.
    pub async fn start_without_javascript() -> Self {
        Self::launch(&[], false).await
    }

    async fn launch(extra: &[&str], javascript: bool) -> Self {
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = free_port();
        let process = ProcessGuard::spawn(
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + WAIT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary("/usr/bin/chromium").unwrap();
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
        ] {
            caps.add_arg(arg).unwrap();
        }
        for arg in extra {
            caps.add_arg(arg).unwrap();
        }
        let downloads = std::env::temp_dir().join(format!("wslab-downloads-{port}"));
        let _ = std::fs::remove_dir_all(&downloads);
        std::fs::create_dir_all(&downloads).unwrap();
        caps.add_experimental_option(
            "prefs",
            serde_json::json!({
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
                // 1 allows, 2 blocks (Chromium's content setting values).
                "profile.managed_default_content_settings.javascript": if javascript { 1 } else { 2 },
            }),
        )
        .unwrap();
        let driver = WebDriver::new(&url, caps)
            .await
            .expect("a Chromium session");
        Browser {
            driver,
            downloads,
            _chromedriver: process,
        }
    }

    /// Ends the session; the process guard cleans up if a test never gets here.
    pub async fn quit(self) {
        let _ = self.driver.clone().quit().await;
    }

    /// Opens `url` and waits until the app runs: its build has started and
    /// has replaced the prerendered page (whose controls do nothing yet).
    pub async fn open(&self, url: impl Into<String>) {
        self.driver.goto(url.into()).await.unwrap();
        self.wait_live().await;
    }

    /// Reloads the page and waits until the app runs again.
    pub async fn reload(&self) {
        self.driver.refresh().await.unwrap();
        self.wait_live().await;
    }

    /// Waits until the app has taken over the page.
    pub async fn wait_live(&self) {
        self.wait_state("the app to start", |s| {
            s["build"].is_string() && s["prerendered"] == false
        })
        .await;
    }

    /// What the page says of itself: which build runs (`build`), its address
    /// (`path`), whether the prerendered copy is still there (`prerendered`),
    /// whether the app's root is hidden (`hidden`), the heading (`h1`), and
    /// `window.__stayed` (`marker`, set by a test to see a page survive). Null
    /// while the page cannot answer (mid-load).
    pub async fn state(&self) -> serde_json::Value {
        self.driver
            .execute(
                "return { build: window.__wslabBuild || null, path: location.pathname + location.search, \
                   prerendered: !!document.getElementById('prerendered'), \
                   hidden: !!document.getElementById('app')?.hidden, \
                   h1: document.querySelector('h1')?.textContent || null, \
                   marker: window.__stayed || null };",
                vec![],
            )
            .await
            .map(|r| r.json().clone())
            .unwrap_or(serde_json::Value::Null)
    }

    /// Waits until the page's [`state`](Self::state) satisfies `pred`.
    pub async fn wait_state(
        &self,
        what: &str,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let state = self.state().await;
            if pred(&state) {
                return state;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; last: {state}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The element once it exists and takes input: not inside a part of
    /// the page still waiting for its code (`components::later` keeps the
    /// prerendered copy there, inert, and then replaces it).
    pub async fn usable(&self, by: By) -> WebElement {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(el) = self.driver.find(by.clone()).await
                && let Ok(arg) = el.to_json()
                && let Ok(ret) = self
                    .driver
                    .execute("return arguments[0].closest('[inert]') === null", vec![arg])
                    .await
                && ret.json() == &serde_json::json!(true)
            {
                return el;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {by:?} to take input"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks an element once it exists and takes input.
    pub async fn click(&self, by: By) {
        self.usable(by).await.click().await.unwrap();
    }

    /// Replaces a field's text as a person does: select all, then type. (A
    /// WebDriver clear fires no input event, so an app that re-renders its
    /// controlled fields would put the old text back.)
    pub async fn replace_text(&self, by: By, text: &str) {
        let field = self.usable(by).await;
        field.click().await.unwrap();
        field.send_keys(Key::Control + "a").await.unwrap();
        if text.is_empty() {
            field.send_keys(Key::Backspace).await.unwrap();
        } else {
            field.send_keys(text).await.unwrap();
        }
    }

    /// Waits until the address bar satisfies `pred` (pages write their state
    /// there once typing pauses), returning the URL.
    pub async fn wait_url(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let url = self
                .driver
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            if pred(&url) {
                return url;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; last URL: {url}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until an element's attribute satisfies `pred`, returning its value.
    pub async fn wait_attr(
        &self,
        by: By,
        attr: &str,
        what: &str,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + WAIT;
        let mut last = None;
        loop {
            if let Ok(el) = self.driver.find(by.clone()).await
                && let Ok(Some(value)) = el.attr(attr).await
            {
                if pred(&value) {
                    return value;
                }
                last = Some(value);
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; last value: {last:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the page has drawn two more animation frames: whatever the
    /// last action changed has been rendered and its events have fired.
    pub async fn settle(&self) {
        self.driver
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .expect("the page draws frames");
    }

    /// Polls `probe` until it gives a value that satisfies `pred` (15 s at most).
    pub async fn wait_for<T: std::fmt::Debug, F: std::future::Future<Output = T>>(
        &self,
        what: &str,
        probe: impl Fn() -> F,
        pred: impl Fn(&T) -> bool,
    ) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            let value = probe().await;
            if pred(&value) {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; last value: {value:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Chooses `path` in a file input, once the input exists and takes input.
    pub async fn choose_file(&self, by: By, path: &Path) {
        self.usable(by)
            .await
            .send_keys(path.to_string_lossy())
            .await
            .unwrap();
    }

    /// Waits for the wire view's copy of the browser's opening request
    /// (a tapped connection to wslab-echo's `/echo`); returns it.
    pub async fn live_wire_request(&self) -> String {
        self.wait_text(By::Id("wire-request"), "the browser's request", |t| {
            t.starts_with("GET /echo?session=")
        })
        .await
    }

    /// Blocks requests whose URL matches one of `patterns` (`*` wildcards),
    /// as a network that loses them would; an empty list unblocks.
    pub async fn block_urls(&self, patterns: &[&str]) {
        let cdp = self.driver.cdp();
        cdp.send_raw("Network.enable", serde_json::json!({}))
            .await
            .expect("the network domain turns on");
        cdp.send_raw(
            "Network.setBlockedURLs",
            serde_json::json!({ "urls": patterns }),
        )
        .await
        .expect("URLs are blocked");
    }

    /// Opens the live console with `url` in its field.
    pub async fn open_live(&self, site: &StaticServer, url: &str) {
        let query = wslab::state::query::encode([("url", url)]);
        self.open(site.url(&format!("/live?{query}"))).await;
    }

    /// The learner opens the live console with `url` and presses Connect.
    pub async fn live_connect(&self, site: &StaticServer, url: &str) {
        self.open_live(site, url).await;
        self.click(By::Id("echo-connect")).await;
    }

    /// Waits until the live console's state reads `state` (e.g. "OPEN").
    pub async fn live_state(&self, state: &str) {
        self.wait_text(By::Id("echo-status"), &format!("state {state}"), |t| {
            t == state
        })
        .await;
    }

    /// The learner types `text` and presses Send text; returns the echo's text.
    pub async fn live_send_text(&self, text: &str) -> String {
        self.replace_text(By::Id("echo-message"), text).await;
        self.click(By::Id("echo-send")).await;
        self.wait_text(
            By::Css("#echo-log li.received:last-child .content"),
            &format!("the echo of {text:?}"),
            |t| t == text,
        )
        .await
    }

    /// The learner types bytes as hex and presses Send bytes.
    pub async fn live_send_hex(&self, hex: &str) {
        self.replace_text(By::Id("send-hex"), hex).await;
        self.click(By::Id("send-binary")).await;
    }

    /// The learner fills in the close form and presses Close.
    pub async fn live_close(&self, code: &str, reason: &str) {
        self.replace_text(By::Id("close-code-live"), code).await;
        self.replace_text(By::Id("close-reason-live"), reason).await;
        self.click(By::Id("close-button")).await;
    }

    /// Waits for the close event line and returns it.
    pub async fn live_close_event(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_text(By::Id("close-event"), what, pred).await
    }

    /// Waits until a service worker controls the page (it claims the page
    /// once it has installed, with every page and build in its cache).
    pub async fn wait_service_worker(&self, deadline: Duration) {
        let until = Instant::now() + deadline;
        loop {
            let ready = self
                .driver
                .execute(
                    "return !!(navigator.serviceWorker && navigator.serviceWorker.controller);",
                    vec![],
                )
                .await
                .map(|r| r.json() == &serde_json::json!(true))
                .unwrap_or(false);
            if ready {
                return;
            }
            assert!(Instant::now() < until, "no service worker took control");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The wasm files the service worker's cache holds, by path, sorted.
    pub async fn cached_wasm(&self) -> Vec<String> {
        let seen = self
            .driver
            .execute(
                r#"return (async () => {
                     const names = await caches.keys();
                     const paths = [];
                     for (const name of names) {
                       for (const request of await (await caches.open(name)).keys()) {
                         const path = new URL(request.url).pathname;
                         if (path.endsWith(".wasm")) paths.push(path);
                       }
                     }
                     return paths.sort();
                   })();"#,
                vec![],
            )
            .await
            .expect("read the service worker's cache");
        serde_json::from_value(seen.json().clone()).expect("a list of paths")
    }

    /// Waits until the element's text satisfies `pred`, returning that text.
    pub async fn wait_text(&self, by: By, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        loop {
            if let Ok(el) = self.driver.find(by.clone()).await
                && let Ok(text) = el.text().await
            {
                if pred(&text) {
                    return text;
                }
                last = text;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; last text seen: {last:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
