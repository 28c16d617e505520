//! First contentful paint and the time until the page answers input, for
//! `/` and a page of each lab build (`/handshake`, `/frames`, `/live`,
//! `/conformance`, `/quiz`), in headless Chromium with a cold cache, for
//! each built site named in `WSLAB_BENCH_SITES` (`name=folder;name=folder`,
//! the first one being the baseline the others are compared with).
//! `cargo xtask bench` builds this tree and the baseline commit and runs it.
//!
//! "Answers input": a script injected before the page's own (Chrome
//! DevTools `Page.addScriptToEvaluateOnNewDocument`) clicks the theme switch
//! every 4 ms until the page's theme changes, and records when it did. A
//! prerendered page shows the switch before the app runs, but it does
//! nothing until then, so both kinds of build are measured the same way.
//!
//! Each load is measured twice: cold (a new browser profile, nothing cached)
//! and warm (the same page loaded again once the service worker controls it,
//! as a learner's second visit). Each figure is the median of
//! `WSLAB_BENCH_RUNS` (default 7) such pairs, each in a new browser profile. Two network profiles: loopback as is, and a slow
//! mobile link (Chrome DevTools emulation: 150 ms round trip, 1.6 Mbit/s
//! down, 750 kbit/s up). Assets are served gzipped, as `cargo xtask dist`
//! writes them.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Duration;

use support::{Browser, StaticServer};

const PROBE: &str = r#"
(() => {
  const timer = setInterval(() => {
    const button = document.getElementById("theme-switch");
    if (button) button.click();
    if (document.documentElement.hasAttribute("data-theme")) {
      window.__answered = performance.now();
      clearInterval(timer);
    }
  }, 4);
})();
"#;

const ROUTES: [&str; 6] = [
    "/",
    "/handshake",
    "/frames",
    "/live",
    "/conformance",
    "/quiz",
];

#[derive(Clone, Copy)]
struct Network {
    name: &'static str,
    /// (round trip ms, down bytes/s, up bytes/s); None: loopback as is.
    emulate: Option<(u32, u32, u32)>,
}

const NETWORKS: [Network; 2] = [
    Network {
        name: "loopback",
        emulate: None,
    },
    Network {
        name: "slow mobile (150 ms, 1.6 Mbit/s)",
        emulate: Some((150, 200_000, 93_750)),
    },
];

/// (first contentful paint, answers input) of one page load, in ms.
type Timing = (f64, f64);

/// Waits for the page's timings, as the probe records them.
async fn timing(driver: &thirtyfour::WebDriver, route: &str) -> Timing {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let got = driver
            .execute(
                "const p = performance.getEntriesByName('first-contentful-paint')[0]; \
                 return [p ? p.startTime : null, window.__answered || null];",
                vec![],
            )
            .await
            .expect("read the timings");
        let v = got.json();
        if let (Some(fcp), Some(answered)) = (v[0].as_f64(), v[1].as_f64()) {
            return (fcp, answered);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{route} never answered input: {v}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A cold load, then a warm one once the service worker controls the page.
async fn load(site: &StaticServer, route: &str, network: Network) -> (Timing, Timing) {
    let browser = Browser::start().await;
    let driver = &browser.driver;
    let cdp = driver.cdp();
    cdp.send_raw(
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({ "source": PROBE }),
    )
    .await
    .expect("inject the probe");
    if let Some((rtt, down, up)) = network.emulate {
        cdp.send_raw("Network.enable", serde_json::json!({}))
            .await
            .expect("enable the network domain");
        cdp.send_raw(
            "Network.emulateNetworkConditions",
            serde_json::json!({
                "offline": false,
                "latency": rtt,
                "downloadThroughput": down,
                "uploadThroughput": up,
            }),
        )
        .await
        .expect("emulate the slow link");
    }
    driver.goto(site.url(route)).await.expect("load the page");
    let cold = timing(driver, route).await;
    // The service worker installs once the app runs, keeping every page and
    // build (over the same link): wait until it controls the page.
    browser.wait_service_worker(Duration::from_secs(120)).await;
    driver
        .goto(site.url(route))
        .await
        .expect("load the page again");
    let warm = timing(driver, route).await;
    browser.quit().await;
    (cold, warm)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let Ok(spec) = std::env::var("WSLAB_BENCH_SITES") else {
        eprintln!(
            "first_load: set WSLAB_BENCH_SITES=name=folder;name=folder (cargo xtask bench does)"
        );
        return;
    };
    let runs: usize = std::env::var("WSLAB_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|r| (1..=50).contains(r))
        .unwrap_or(7);
    // A subset of the routes and networks, for a quicker look at one change:
    // `WSLAB_BENCH_ROUTES=/quiz,/frames`, `WSLAB_BENCH_NETWORK=slow` (or `loopback`).
    let routes: Vec<&str> = match std::env::var("WSLAB_BENCH_ROUTES") {
        Ok(list) => {
            let picked: Vec<&str> = ROUTES
                .into_iter()
                .filter(|r| list.split(',').any(|x| x.trim() == *r))
                .collect();
            assert!(
                !picked.is_empty(),
                "WSLAB_BENCH_ROUTES names none of {ROUTES:?}"
            );
            picked
        }
        Err(_) => ROUTES.to_vec(),
    };
    let networks: Vec<Network> = match std::env::var("WSLAB_BENCH_NETWORK") {
        Ok(name) => {
            let picked: Vec<Network> = NETWORKS
                .into_iter()
                .filter(|n| n.name.starts_with(name.trim()))
                .collect();
            assert!(
                !picked.is_empty(),
                "WSLAB_BENCH_NETWORK is `loopback` or `slow`"
            );
            picked
        }
        Err(_) => NETWORKS.to_vec(),
    };
    let sites: Vec<(String, StaticServer)> = spec
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, dir)| (name.to_owned(), StaticServer::start(PathBuf::from(dir))))
        .collect();
    assert!(
        sites.len() >= 2,
        "give a baseline and at least one site to compare"
    );
    println!(
        "first load (cold cache) and warm load (service worker installed), median of {runs}; ratio = site / {}",
        sites[0].0
    );
    for &network in &networks {
        for &route in &routes {
            // Run by run, every site in turn, so a slower minute of the
            // machine weighs on every site alike.
            let mut samples = vec![<[(Vec<f64>, Vec<f64>); 2]>::default(); sites.len()];
            for _ in 0..runs {
                for (i, (_, site)) in sites.iter().enumerate() {
                    let (cold, warm) = load(site, route, network).await;
                    for (k, (fcp, answered)) in [cold, warm].into_iter().enumerate() {
                        samples[i][k].0.push(fcp);
                        samples[i][k].1.push(answered);
                    }
                }
            }
            let mut base = [(0.0, 0.0); 2];
            for (i, ((name, _), site_samples)) in sites.iter().zip(samples).enumerate() {
                for (k, (fcps, answers)) in site_samples.into_iter().enumerate() {
                    let (fcp, answered) = (median(fcps), median(answers));
                    if i == 0 {
                        base[k] = (fcp, answered);
                    }
                    println!(
                        "BENCH {} {} {route} {name}: first contentful paint {fcp:.0} ms ({:.2}x), answers input {answered:.0} ms ({:.2}x)",
                        ["first-load", "warm-load"][k],
                        network.name,
                        fcp / base[k].0,
                        answered / base[k].1
                    );
                }
            }
        }
    }
}
