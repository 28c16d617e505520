//! wslab-probe judged against a server wslab did not write: tokio-tungstenite
//! as its own examples use it (accept, echo every text and binary message,
//! let the library answer Pings and Closes). Its verdicts are committed in
//! `tests/peers/tokio-tungstenite.txt`, one line per case (`id verdict`), and
//! compared case by case: a change in the judge, the cases or the library
//! shows here, by id. `WSLAB_BLESS=1` writes the file from a run instead;
//! read its diff before committing it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use conformance::report::Verdict;
use conformance::run::Timing;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::accept_async;
use wslab_probe::{NetConnector, Reach, Target, run_all};

/// The echo loop of tokio-tungstenite's examples, on a free port.
async fn tungstenite_echo() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(mut ws) = accept_async(tcp).await else {
                    return;
                };
                while let Some(Ok(msg)) = ws.next().await {
                    if (msg.is_text() || msg.is_binary()) && ws.send(msg).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("ws://{addr}/")
}

fn expected_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers/tokio-tungstenite.txt")
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::NonStrict => "non-strict",
        Verdict::Fail => "fail",
        Verdict::Info => "info",
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tokio_tungstenite_gets_the_verdicts_on_record() {
    let url = tungstenite_echo().await;
    let cases = conformance::all();
    let target = Target::resolve(&url, &Reach::Any).await.unwrap();
    let mut connector = NetConnector::new(target, None);
    let report = run_all(&mut connector, &url, &cases, &Timing::default(), |_| {}).await;
    let got: BTreeMap<String, (&str, String)> = report
        .results
        .iter()
        .map(|r| (r.id.clone(), (verdict_name(r.verdict), r.detail.clone())))
        .collect();
    let lines: String = report
        .results
        .iter()
        .map(|r| format!("{} {}\n", r.id, verdict_name(r.verdict)))
        .collect();
    if std::env::var_os("WSLAB_BLESS").is_some() {
        std::fs::write(expected_file(), &lines).unwrap();
        return;
    }
    let on_record = std::fs::read_to_string(expected_file()).unwrap_or_default();
    let want: BTreeMap<&str, &str> = on_record
        .lines()
        .filter_map(|l| l.split_once(' '))
        .collect();
    let mut differ = Vec::new();
    for (id, (verdict, detail)) in &got {
        match want.get(id.as_str()) {
            Some(w) if w == verdict => {}
            Some(w) => differ.push(format!("{id}: on record {w}, now {verdict}: {detail}")),
            None => differ.push(format!("{id}: not on record, now {verdict}: {detail}")),
        }
    }
    for id in want.keys().filter(|id| !got.contains_key(**id)) {
        differ.push(format!("{id}: on record, no longer a case"));
    }
    assert!(
        differ.is_empty(),
        "{} case(s) differ from {} (WSLAB_BLESS=1 rewrites it):\n{}",
        differ.len(),
        expected_file().display(),
        differ.join("\n")
    );
}
