//! `/probe`: the conformance lab's runs. The page sends one text message, a
//! `probe::report::RunRequest` (target and cases); the server checks the
//! target (loopback only, unless `--probe-allow`), runs the cases one by one
//! with `wslab-probe`, and sends every event back as a JSON text message.
//! Closing the socket cancels the run at once.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use conformance::report::{Event, RunRequest};
use conformance::run::Timing;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio::time::timeout;
use tracing::info;
use wire::OpCode;
use wslab_probe::{Admit, NetConnector, Reach, Target, run_all};

use crate::shared::{
    Admission, CLOSE_WAIT, Shared, SocketGuard, answer_listener, close_with, within,
};
use crate::ws::{Failure, Incoming, Readiness, WebSocket};

/// The largest request a page sends, in bytes.
pub const MAX_REQUEST: usize = 4096;

const NORMAL: u16 = 1000;
const AWAY: u16 = 1001;
const POLICY: u16 = 1008;

/// Counts one run while it lives.
struct RunGuard(Arc<Shared>);

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.0.probe_runs.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn send_event<S>(ws: &mut WebSocket<S>, event: &Event, deadline: Duration) -> bool
where
    S: AsyncRead + AsyncWrite + Readiness + Unpin,
{
    let text = serde_json::to_string(event).unwrap_or_default();
    within(deadline, ws.send(OpCode::Text, text.as_bytes())).await
}

/// Sends a Stopped event with `reason`, then closes.
async fn refuse<S>(ws: &mut WebSocket<S>, code: u16, reason: &str, deadline: Duration)
where
    S: AsyncRead + AsyncWrite + Readiness + Unpin,
{
    let stopped = Event::Stopped {
        reason: reason.to_owned(),
    };
    if send_event(ws, &stopped, deadline).await {
        close_with(ws, code, "the run did not start", deadline).await;
    }
}

/// Serves one `/probe` socket.
pub async fn serve<S>(mut ws: WebSocket<S>, over_limit: Option<&'static str>, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Readiness + Unpin,
{
    let cfg = &shared.config;
    let deadline = cfg.send_timeout();
    if let Some(reason) = over_limit {
        close_with(&mut ws, POLICY, reason, deadline).await;
        return;
    }
    // The request: one text message, within the handshake timeout.
    let request = match timeout(cfg.handshake_timeout(), ws.next()).await {
        Ok(Ok(Incoming::Message { text: true, .. })) => {
            serde_json::from_slice::<RunRequest>(ws.payload()).map_err(|e| {
                format!("the first message must be JSON such as {{\"target\":\"ws://127.0.0.1:8000/\",\"cases\":\"1.*\"}}: {e}")
            })
        }
        Ok(Ok(Incoming::Close(_))) => {
            let _ = within(deadline, ws.send_back(OpCode::Close)).await;
            return;
        }
        Ok(Ok(_)) => Err("the first message must be a text message naming the target and the cases".into()),
        Ok(Err(Failure::Protocol { code, reason })) => {
            close_with(&mut ws, code, &reason, deadline).await;
            return;
        }
        Ok(Err(Failure::Io(_))) => return,
        Err(_) => Err(format!(
            "no run request within {} s",
            cfg.handshake_timeout
        )),
    };
    let request = match request {
        Ok(r) => r,
        Err(reason) => return refuse(&mut ws, POLICY, &reason, deadline).await,
    };
    let cases = match conformance::select(conformance::all(), &request.cases) {
        Ok(c) => c,
        Err(reason) => return refuse(&mut ws, POLICY, &reason, deadline).await,
    };
    let reach = Reach::LoopbackAnd(cfg.probe_allow.clone());
    let target = match Target::resolve(&request.target, &reach).await {
        Ok(t) => t,
        Err(reason) => return refuse(&mut ws, POLICY, &reason, deadline).await,
    };
    let runs = shared.probe_runs.fetch_add(1, Ordering::SeqCst);
    let _run = RunGuard(shared.clone());
    if runs >= cfg.max_probe_runs {
        let reason = format!(
            "{} conformance runs are going on already, the most this server allows at once; try again when one ends",
            cfg.max_probe_runs
        );
        return refuse(&mut ws, POLICY, &reason, deadline).await;
    }
    info!(target = %target.uri, cases = cases.len(), "conformance run");
    // Every connection the probe makes counts toward the server's socket budget.
    let budget = shared.clone();
    let admit: Admit = Box::new(move |ip| {
        let (guard, admission) = SocketGuard::admit(&budget, ip);
        match admission {
            Admission::Within => Ok(Box::new(guard) as Box<dyn Send>),
            Admission::Over(_) | Admission::Refused => Err(
                "wslab-echo has as many connections open as it allows; the run stopped here".into(),
            ),
        }
    });
    let shown = target.uri.to_string();
    let mut connector = NetConnector::new(target, Some(admit));
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let timing = Timing::default();
    let run = run_all(&mut connector, &shown, &cases, &timing, move |e| {
        let _ = tx.send(e.clone());
    });
    tokio::pin!(run);
    let mut running = true;
    let mut shutdown = shared.shutdown.clone();
    loop {
        tokio::select! {
            _ = &mut run, if running => running = false,
            event = rx.recv() => match event {
                Some(event) => {
                    let last = matches!(event, Event::Finished { .. });
                    if !send_event(&mut ws, &event, deadline).await {
                        return;
                    }
                    if last {
                        close_with(&mut ws, NORMAL, "the run is over", deadline).await;
                        return;
                    }
                }
                None => return,
            },
            // The page closing (or going) stops the run with it.
            incoming = ws.next() => if !answer_listener(&mut ws, incoming, deadline).await {
                return;
            },
            _ = shutdown.changed() => {
                close_with(&mut ws, AWAY, "server shutting down", CLOSE_WAIT).await;
                return;
            }
        }
    }
}
