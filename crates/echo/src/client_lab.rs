//! The client lab: wslab-echo as the server a learner's client is tested
//! against, in the URL scheme of Autobahn|Testsuite's fuzzingserver so that
//! an existing client driver runs unchanged. `/runCase?case=N&agent=NAME`
//! runs case N of `conformance::cases::client` (the client echoes every
//! message); `/getCaseCount`, `/getCaseInfo?case=N` and
//! `/getCaseStatus?case=N&agent=NAME` answer with one text message and a
//! Close; `/updateReports` closes at once. Results are kept in memory by
//! agent name, within a budget ([`ClientRuns`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use conformance::cases::{Case, client};
use conformance::report::{CaseResult, Event, Verdict};
use conformance::run::{Keys, Recv, Timing, Transport, run_client_case};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::broadcast;
use tokio::time::timeout;
use wire::OpCode;
use wire::endpoint::{Agent, ClientLab};

use crate::shared::{Shared, answer_listener, close_with, within};
use crate::ws::{Limits, Readiness, WebSocket};

/// Agents whose results are kept at once; past it, the least recently used
/// agent's results go.
pub const MAX_AGENTS: usize = 256;
/// The bytes of results kept for one agent (as JSON); past it, a result is
/// kept without its frames.
pub const MAX_AGENT_BYTES: usize = 8 << 20;
/// How long an agent's results are kept after its last case.
pub const KEEP_FOR: Duration = Duration::from_secs(3600);

struct AgentRuns {
    results: BTreeMap<u32, CaseResult>,
    bytes: usize,
    touched: Instant,
}

/// Results a watch may fall behind by before it misses some.
const WATCH_BACKLOG: usize = 256;

/// Every agent's results, within [`MAX_AGENTS`], [`MAX_AGENT_BYTES`] and
/// [`KEEP_FOR`], and the news of each new one for the pages watching.
pub struct ClientRuns {
    agents: Mutex<HashMap<Agent, AgentRuns>>,
    news: broadcast::Sender<(Agent, u32, Arc<CaseResult>)>,
}

impl Default for ClientRuns {
    fn default() -> Self {
        ClientRuns {
            agents: Mutex::default(),
            news: broadcast::channel(WATCH_BACKLOG).0,
        }
    }
}

impl ClientRuns {
    /// `agent`'s results so far, by case number.
    pub fn results(&self, agent: Agent) -> Vec<(u32, CaseResult)> {
        let agents = self.agents.lock().unwrap_or_else(|p| p.into_inner());
        agents.get(&agent).map_or_else(Vec::new, |runs| {
            runs.results.iter().map(|(n, r)| (*n, r.clone())).collect()
        })
    }

    /// Keeps `result` as case `case` of `agent`'s run.
    pub fn record(&self, agent: Agent, case: u32, mut result: CaseResult) {
        let now = Instant::now();
        let mut agents = self.agents.lock().unwrap_or_else(|p| p.into_inner());
        agents.retain(|_, runs| now.duration_since(runs.touched) < KEEP_FOR);
        if !agents.contains_key(&agent) && agents.len() >= MAX_AGENTS {
            let oldest = agents
                .iter()
                .min_by_key(|(_, runs)| runs.touched)
                .map(|(a, _)| *a);
            if let Some(oldest) = oldest {
                agents.remove(&oldest);
            }
        }
        let runs = agents.entry(agent).or_insert_with(|| AgentRuns {
            results: BTreeMap::new(),
            bytes: 0,
            touched: now,
        });
        runs.touched = now;
        let mut size = serde_json::to_string(&result).map_or(0, |s| s.len());
        if runs.bytes + size > MAX_AGENT_BYTES {
            result.frames_left_out += result.frames.len();
            result.frames.clear();
            size = serde_json::to_string(&result).map_or(0, |s| s.len());
        }
        let _ = self.news.send((agent, case, Arc::new(result.clone())));
        if let Some(old) = runs.results.insert(case, result) {
            runs.bytes = runs
                .bytes
                .saturating_sub(serde_json::to_string(&old).map_or(0, |s| s.len()));
        }
        runs.bytes += size;
    }

    /// The verdict of case `case` in `agent`'s run, if it ran.
    pub fn verdict(&self, agent: Agent, case: u32) -> Option<Verdict> {
        let agents = self.agents.lock().unwrap_or_else(|p| p.into_inner());
        agents
            .get(&agent)
            .and_then(|runs| runs.results.get(&case))
            .map(|r| r.verdict)
    }
}

/// Autobahn's word for a verdict.
pub fn behavior(verdict: Option<Verdict>) -> &'static str {
    match verdict {
        Some(Verdict::Pass) => "OK",
        Some(Verdict::NonStrict) => "NON-STRICT",
        Some(Verdict::Fail) => "FAILED",
        Some(Verdict::Info) => "INFORMATIONAL",
        None => "NOT RUN",
    }
}

/// The raw connection a case runs over, after the 101.
struct Raw<S> {
    stream: S,
    deadline: Duration,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Transport for Raw<S> {
    async fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        match timeout(self.deadline, self.stream.write_all(bytes)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!(
                "the client read nothing for {:.0} s",
                self.deadline.as_secs_f64()
            )),
        }
    }

    async fn recv(&mut self, buf: &mut [u8], wait: Duration) -> Result<Recv, String> {
        match timeout(wait, self.stream.read(buf)).await {
            Err(_) => Ok(Recv::Quiet),
            Ok(Ok(0)) => Ok(Recv::Closed),
            Ok(Ok(n)) => Ok(Recv::Data(n)),
            Ok(Err(e)) => Err(e.to_string()),
        }
    }
}

/// Masking keys for the frames a case masks on purpose: they need not be
/// unpredictable (no script chose those bytes), only varied.
struct Stir(u64);

impl Keys for Stir {
    fn random(&mut self, out: &mut [u8]) {
        for b in out {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *b = self.0 as u8;
        }
    }
}

/// Case `n` (1-based) of the client catalogue.
fn case_at(cases: &[Case], n: u32) -> Option<&Case> {
    cases.get(usize::try_from(n).ok()?.checked_sub(1)?)
}

/// Serves one client-lab request whose 101 has gone out; `leftover` is what
/// the client sent after its request head.
pub async fn serve<S>(request: ClientLab, stream: S, leftover: Vec<u8>, shared: &Shared)
where
    S: AsyncRead + AsyncWrite + Readiness + Unpin,
{
    let deadline = shared.config.send_timeout();
    let cases = client::all();
    let answer = match request {
        ClientLab::RunCase { case, agent } => {
            let Some(c) = case_at(&cases, case) else {
                let mut ws = small(stream, leftover);
                let reason = format!("no case {case}: there are {}", cases.len());
                close_with(&mut ws, 1008, &reason, deadline).await;
                return;
            };
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            let seed = (now ^ u64::from(case)) | 1;
            let raw = Raw { stream, deadline };
            let result =
                run_client_case(raw, &leftover, &mut Stir(seed), c, &Timing::default()).await;
            tracing::info!(case, %agent, millis = result.millis, verdict = result.verdict.word(), "client case");
            shared.client_runs.record(agent, case, result);
            return;
        }
        ClientLab::CaseCount => cases.len().to_string(),
        ClientLab::CaseInfo { case } => match case_at(&cases, case) {
            Some(c) => serde_json::json!({ "id": c.id, "description": c.title }).to_string(),
            None => serde_json::json!({ "id": null, "description": format!("no case {case}: there are {}", cases.len()) }).to_string(),
        },
        ClientLab::CaseStatus { case, agent } => {
            serde_json::json!({ "behavior": behavior(shared.client_runs.verdict(agent, case)) })
                .to_string()
        }
        ClientLab::Watch { agent } => {
            watch(small(stream, leftover), agent, shared).await;
            return;
        }
        ClientLab::UpdateReports { .. } => {
            let mut ws = small(stream, leftover);
            close_with(&mut ws, 1000, "", deadline).await;
            return;
        }
    };
    let mut ws = small(stream, leftover);
    if within(deadline, ws.send(OpCode::Text, answer.as_bytes())).await {
        close_with(&mut ws, 1000, "", deadline).await;
    }
}

/// The page's view of `agent`'s run: the results so far, then each new
/// one, as `case` events (the conformance lab's own type), until the page
/// closes the socket or [`KEEP_FOR`] passes.
async fn watch<S>(mut ws: WebSocket<S>, agent: Agent, shared: &Shared)
where
    S: AsyncRead + AsyncWrite + Readiness + Unpin,
{
    let deadline = shared.config.send_timeout();
    let mut news = shared.client_runs.news.subscribe();
    let send = |r: CaseResult| serde_json::to_string(&Event::Case(Box::new(r))).unwrap_or_default();
    for (_, result) in shared.client_runs.results(agent) {
        if !within(deadline, ws.send(OpCode::Text, send(result).as_bytes())).await {
            return;
        }
    }
    let until = tokio::time::Instant::now() + KEEP_FOR;
    let mut shutdown = shared.shutdown.clone();
    loop {
        tokio::select! {
            _ = shutdown.changed() => {
                close_with(&mut ws, 1001, "the server is shutting down", deadline).await;
                return;
            }
            item = news.recv() => match item {
                Ok((who, _, result)) if who == agent => {
                    let text = send((*result).clone());
                    if !within(deadline, ws.send(OpCode::Text, text.as_bytes())).await {
                        return;
                    }
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    let stopped = Event::Stopped {
                        reason: format!("the watch fell {n} results behind; open it again to see them all"),
                    };
                    let text = serde_json::to_string(&stopped).unwrap_or_default();
                    if within(deadline, ws.send(OpCode::Text, text.as_bytes())).await {
                        close_with(&mut ws, 1008, "fell behind", deadline).await;
                    }
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            incoming = ws.next() => {
                if !answer_listener(&mut ws, incoming, deadline).await {
                    return;
                }
            }
            _ = tokio::time::sleep_until(until) => {
                close_with(&mut ws, 1000, "the watch ends after an hour", deadline).await;
                return;
            }
        }
    }
}

/// A connection that carries one small answer.
fn small<S>(stream: S, leftover: Vec<u8>) -> WebSocket<S>
where
    S: AsyncRead + AsyncWrite + Readiness + Unpin,
{
    let limits = Limits {
        max_frame: 4096,
        max_message: 4096,
    };
    WebSocket::new(stream, leftover, limits, None)
}
