//! The conformance lab's state: what the page asks for (in its URL), and the
//! run as it streams in from wslab-echo's `/probe`, or as a saved report.

use conformance::case::Group;
use conformance::report::{Event, Report, RunRequest, Side};

use crate::state::query::{self, QueryForm};

/// The server a learner runs by default.
pub const DEFAULT_TARGET: &str = "ws://127.0.0.1:8000/";

/// `/conformance?target=…&groups=…&ids=…&server=…`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConformanceQuery {
    /// The server under test.
    pub target: String,
    /// The groups to run, comma-separated slugs; absent: every group.
    pub groups: Option<String>,
    /// Case ids (with `*`) that replace the groups when given.
    pub ids: String,
    /// wslab-echo's `/probe` URL.
    pub server: String,
    /// The client lab's tab, with the agent name the learner's client runs
    /// under; absent: the server tab.
    pub agent: Option<String>,
}

/// The agent name the client tab starts with.
pub const DEFAULT_AGENT: &str = "my-client";

fn default_target() -> String {
    DEFAULT_TARGET.to_owned()
}

/// `/probe` on the echo server the page was served with.
fn default_server() -> String {
    format!("{}/probe", crate::services::browser::echo_base())
}

impl Default for ConformanceQuery {
    fn default() -> Self {
        ConformanceQuery {
            target: default_target(),
            groups: None,
            ids: String::new(),
            server: default_server(),
            agent: None,
        }
    }
}

impl QueryForm for ConformanceQuery {
    fn set(&mut self, name: &str, value: &str) {
        let value = value.to_owned();
        match name {
            "target" => self.target = value,
            "groups" => self.groups = Some(value),
            "ids" => self.ids = value,
            "server" => self.server = value,
            "agent" => self.agent = Some(value),
            _ => {}
        }
    }

    /// The target and the server always; the rest when set.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("target", self.target.clone())];
        if let Some(groups) = &self.groups {
            pairs.push(("groups", groups.clone()));
        }
        if !self.ids.is_empty() {
            pairs.push(("ids", self.ids.clone()));
        }
        pairs.push(("server", self.server.clone()));
        if let Some(agent) = &self.agent {
            pairs.push(("agent", agent.clone()));
        }
        pairs
    }
}

impl ConformanceQuery {
    /// The groups ticked.
    pub fn selected(&self) -> Vec<Group> {
        match &self.groups {
            None => Group::ALL.to_vec(),
            Some(list) => Group::ALL
                .into_iter()
                .filter(|g| list.split(',').any(|s| s.trim() == g.slug()))
                .collect(),
        }
    }

    /// Ticks or unticks `group`.
    pub fn toggle(&mut self, group: Group) {
        let mut now = self.selected();
        match now.iter().position(|g| *g == group) {
            Some(i) => {
                now.remove(i);
            }
            None => now.push(group),
        }
        self.groups = if now.len() == Group::ALL.len() {
            None
        } else {
            let slugs: Vec<&str> = Group::ALL
                .into_iter()
                .filter(|g| now.contains(g))
                .map(Group::slug)
                .collect();
            Some(slugs.join(","))
        };
    }

    /// The case pattern sent to the server and shown for the command line.
    pub fn pattern(&self) -> String {
        if !self.ids.trim().is_empty() {
            return self.ids.trim().to_owned();
        }
        match &self.groups {
            None => "*".to_owned(),
            Some(_) => {
                let slugs: Vec<&str> = self.selected().into_iter().map(Group::slug).collect();
                slugs.join(",")
            }
        }
    }

    /// What the page sends to `/probe`.
    pub fn request(&self) -> RunRequest {
        RunRequest {
            target: self.target.trim().to_owned(),
            cases: self.pattern(),
        }
    }

    /// wslab-echo's address, from its `/probe` URL: `ws://127.0.0.1:9001`.
    pub fn echo_base(&self) -> String {
        let server = self.server.trim();
        server
            .strip_suffix("/probe")
            .unwrap_or(server)
            .trim_end_matches('/')
            .to_owned()
    }

    /// The agent name as a query parameter, written as wslab-echo reads it
    /// (`wire::endpoint::Agent`); a name out of its range is sent as typed,
    /// encoded, for wslab-echo to refuse with the range.
    fn agent_param(&self) -> String {
        let agent = self.agent.as_deref().unwrap_or(DEFAULT_AGENT).trim();
        match wire::endpoint::Agent::parse(agent) {
            Some(a) => format!("agent={}", a.query_value()),
            None => query::encode([("agent", agent)]),
        }
    }

    /// Where the learner points a client: case `n`.
    pub fn run_case_url(&self, n: &str) -> String {
        format!(
            "{}/runCase?case={n}&{}",
            self.echo_base(),
            self.agent_param()
        )
    }

    /// The page's view of the agent's run.
    pub fn watch_url(&self) -> String {
        format!(
            "{}/client-lab/watch?{}",
            self.echo_base(),
            self.agent_param()
        )
    }

    /// The same run on the command line.
    pub fn command(&self) -> String {
        let pattern = self.pattern();
        let target = self.target.trim();
        if pattern == "*" {
            format!("wslab-probe {target}")
        } else {
            format!("wslab-probe {target} --cases '{pattern}'")
        }
    }
}

/// Where a run stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing has run.
    Idle,
    /// Connecting to wslab-echo.
    Connecting,
    /// Cases are coming in.
    Running,
    /// Every case ran.
    Finished,
    /// The run ended early: why.
    Stopped(String),
    /// A saved report, from this file.
    Opened(String),
    /// Watching a client's run, under this agent name.
    Watching(String),
}

/// A run, as far as it has come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Where it stands.
    pub status: Status,
    /// How many cases it will run, once known.
    pub total: Option<usize>,
    /// The results so far.
    pub report: Report,
}

impl Default for Run {
    fn default() -> Self {
        Run {
            status: Status::Idle,
            total: None,
            report: Report::new("", Vec::new(), None),
        }
    }
}

impl Run {
    /// A run starting against `target`.
    pub fn connecting(target: &str) -> Run {
        Run {
            status: Status::Connecting,
            total: None,
            report: Report::new(target, Vec::new(), None),
        }
    }

    /// Takes one event from `/probe`.
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Started { target, total } => {
                self.status = Status::Running;
                self.total = Some(total);
                self.report.target = target;
            }
            Event::Case(result) => {
                if !matches!(self.status, Status::Watching(_)) {
                    self.status = Status::Running;
                }
                // A client may run a case again: the latest result stands.
                match self.report.results.iter().position(|r| r.id == result.id) {
                    Some(i) => self.report.results[i] = *result,
                    None => self.report.results.push(*result),
                }
            }
            Event::Finished { millis } => {
                self.status = Status::Finished;
                self.report.millis = Some(millis);
            }
            Event::Stopped { reason } => self.status = Status::Stopped(reason),
        }
    }

    /// Takes a text message from `/probe` as [`read_event`] read it; one
    /// that is not an event stops the run.
    pub fn apply_read(&mut self, read: Result<Event, String>) {
        match read {
            Ok(e) => self.apply(e),
            Err(why) => self.status = Status::Stopped(why),
        }
    }

    /// Takes a text message from `/probe`; one that is not an event stops the run.
    #[cfg(test)]
    pub fn apply_text(&mut self, text: &str) {
        self.apply_read(read_event(text));
    }

    /// The socket to `/probe` closed.
    pub fn closed(&mut self, code: u16, reason: &str) {
        if matches!(self.status, Status::Watching(_)) {
            self.status = Status::Stopped(format!(
                "the watch closed ({code} {reason}); the results so far stay here"
            ));
        } else if matches!(self.status, Status::Connecting | Status::Running) {
            self.status = Status::Stopped(if code == 1006 {
                "could not reach wslab-echo's /probe, or the connection dropped (close 1006). Is wslab-echo running? `cargo xtask serve` starts it.".to_owned()
            } else {
                format!("wslab-echo closed the run early with {code} {reason}")
            });
        }
    }

    /// The learner cancelled: the cases not yet shown did not run.
    pub fn cancel(&mut self) {
        if let Status::Watching(agent) = &self.status {
            self.status = Status::Stopped(format!("stopped watching {agent}"));
        } else if self.running() {
            self.status =
                Status::Stopped("cancelled: the cases after the last one shown did not run".into());
        }
    }

    /// Nothing to show, and why (a file that is not a report).
    pub fn refused(why: String) -> Run {
        Run {
            status: Status::Stopped(why),
            ..Run::default()
        }
    }

    /// The run's state in a sentence, for the status line.
    pub fn status_line(&self) -> String {
        let counts = self.report.counts();
        match &self.status {
            Status::Idle => "No run yet.".to_owned(),
            Status::Connecting => "Connecting to wslab-echo…".to_owned(),
            Status::Running => format!(
                "Running: {} of {} cases done.",
                self.report.results.len(),
                self.total.map_or("?".into(), |t| t.to_string())
            ),
            Status::Finished => {
                // Hundredths of a second, rounded.
                let centis = self.report.millis.unwrap_or(0).saturating_add(5) / 10;
                format!(
                    "Finished in {} s. {}",
                    wire::describe::decimal(centis, 2),
                    counts.line()
                )
            }
            Status::Stopped(why) => format!("Stopped: {why}"),
            Status::Opened(name) => format!("Opened {name}: {}", counts.line()),
            Status::Watching(agent) => format!(
                "Watching {agent}: {} cases so far ({} passed, {} non-strict, {} failed, {} info).",
                self.report.results.len(),
                counts.passed,
                counts.non_strict,
                counts.failed,
                counts.info
            ),
        }
    }

    /// Whether cases are running (or a client's run is watched).
    pub fn running(&self) -> bool {
        matches!(
            self.status,
            Status::Connecting | Status::Running | Status::Watching(_)
        )
    }

    /// A saved report, opened from `name`.
    pub fn opened(name: &str, text: &str) -> Result<Run, String> {
        let report = Report::from_json(text).map_err(|e| format!("{name}: {e}"))?;
        Ok(Run {
            status: Status::Opened(name.to_owned()),
            total: Some(report.results.len()),
            report,
        })
    }
}

/// `/frames?hex=…&dfrom=…`: a frame opened in the frame lab's decoder.
pub fn frame_link(hex: &str, from: Side) -> String {
    let dfrom = if from.from_client() {
        "client"
    } else {
        "server"
    };
    format!(
        "/frames?{}",
        query::encode([("hex", hex), ("dfrom", dfrom)])
    )
}

/// A text message from `/probe` read as an event, or why it is none.
pub fn read_event(text: &str) -> Result<Event, String> {
    serde_json::from_str::<Event>(text).map_err(|e| {
        format!(
            "wslab-echo sent something that is not a probe event ({e}); is the server URL a wslab-echo /probe?"
        )
    })
}

/// The run request as `/probe` reads it (JSON).
pub fn write_request(request: &RunRequest) -> String {
    serde_json::to_string(request).unwrap_or_default()
}

/// What happens to the run on the page.
pub enum RunAction {
    /// A new run, or a report opened (or refused).
    Replace(Box<Run>),
    /// wslab-echo sent a text message, read by [`read_event`] (an event, or
    /// why it is not one).
    Event(Result<Event, String>),
    /// The socket to `/probe` closed, with this code and reason.
    Closed(u16, String),
    /// The learner cancelled.
    Cancel,
    /// The run could not start.
    Stop(String),
    /// The watch of a client's run is open.
    Watching(String),
}

impl Run {
    /// Applies `action` to this run (what the reducer does, in place).
    pub fn reduce_in_place(&mut self, action: RunAction) {
        match action {
            RunAction::Replace(next) => *self = *next,
            RunAction::Event(read) => self.apply_read(read),
            RunAction::Closed(code, reason) => self.closed(code, &reason),
            RunAction::Cancel => self.cancel(),
            RunAction::Stop(why) => self.status = Status::Stopped(why),
            RunAction::Watching(agent) => self.status = Status::Watching(agent),
        }
    }
}

impl yew::Reducible for Run {
    type Action = RunAction;

    fn reduce(self: std::rc::Rc<Self>, action: RunAction) -> std::rc::Rc<Self> {
        let mut run = std::rc::Rc::unwrap_or_clone(self);
        run.reduce_in_place(action);
        std::rc::Rc::new(run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use conformance::report::{CaseResult, Verdict};

    fn result(id: &str, verdict: Verdict) -> CaseResult {
        CaseResult {
            id: id.into(),
            group: Group::Utf8,
            title: "t".into(),
            expected: "e".into(),
            non_strict: "n".into(),
            codes: vec![1007],
            rfc: "RFC 6455 §8.1".into(),
            why: "w".into(),
            fail_rule: None,
            non_strict_rule: None,
            verdict,
            detail: "d".into(),
            response: None,
            frames: Vec::new(),
            frames_left_out: 0,
            millis: 3,
        }
    }

    #[test]
    fn a_watched_client_run_keeps_the_latest_result_of_each_case() {
        let mut run = Run::connecting("client me");
        run.reduce_in_place(RunAction::Watching("me".into()));
        for (id, v) in [
            ("6.2.1", Verdict::Fail),
            ("6.2.2", Verdict::Pass),
            ("6.2.1", Verdict::Pass),
        ] {
            run.apply(Event::Case(Box::new(result(id, v))));
        }
        assert_eq!(run.report.results.len(), 2);
        assert_eq!(run.report.counts().passed, 2);
        assert!(
            run.status_line()
                .starts_with("Watching me: 2 cases so far (2 passed"),
            "{}",
            run.status_line()
        );
        assert!(run.running());
        run.closed(1006, "");
        assert!(run.status_line().contains("the results so far stay here"));
        let q = ConformanceQuery {
            server: "ws://127.0.0.1:9001/probe".into(),
            agent: Some("my client/1.0".into()),
            ..ConformanceQuery::default()
        };
        assert_eq!(
            q.run_case_url("N"),
            "ws://127.0.0.1:9001/runCase?case=N&agent=my%20client%2F1.0"
        );
        assert_eq!(
            q.watch_url(),
            "ws://127.0.0.1:9001/client-lab/watch?agent=my%20client%2F1.0"
        );
        // The agent name the URL sends is the one wslab-echo reads.
        let target = q.run_case_url("3").split_once("9001").unwrap().1.to_owned();
        assert!(wire::endpoint::Endpoint::parse(&target).is_ok(), "{target}");
    }

    #[test]
    fn groups_toggle_into_a_pattern_and_ids_win() {
        let mut q = ConformanceQuery::default();
        assert_eq!(q.pattern(), "*");
        q.toggle(Group::Utf8);
        assert_eq!(q.selected().len(), 9);
        assert!(!q.pattern().contains("utf8"));
        q.toggle(Group::Utf8);
        assert_eq!(q.groups, None);
        q.groups = Some("closing,utf8".into());
        assert_eq!(q.pattern(), "utf8,closing");
        q.ids = " 7.1.* ".into();
        assert_eq!(q.pattern(), "7.1.*");
        assert_eq!(
            q.command(),
            "wslab-probe ws://127.0.0.1:8000/ --cases '7.1.*'"
        );
    }

    #[test]
    fn the_query_round_trips_through_the_url() {
        let q = ConformanceQuery {
            target: "ws://localhost:8765/chat?x=1".into(),
            groups: Some("handshake,limits".into()),
            ids: String::new(),
            server: "ws://127.0.0.1:9999/probe".into(),
            agent: Some("a b".into()),
        };
        let text = query::write(&q);
        assert_eq!(
            text,
            "target=ws%3A%2F%2Flocalhost%3A8765%2Fchat%3Fx%3D1&groups=handshake%2Climits\
             &server=ws%3A%2F%2F127.0.0.1%3A9999%2Fprobe&agent=a+b"
        );
        assert_eq!(query::read::<ConformanceQuery>(&text), q);
        assert_eq!(
            query::read::<ConformanceQuery>(""),
            ConformanceQuery::default()
        );
    }

    #[test]
    fn events_build_the_run_and_a_bad_message_stops_it() {
        let mut run = Run::connecting("ws://x/");
        run.apply_text(r#"{"event":"started","target":"ws://127.0.0.1:8000/","total":2}"#);
        assert_eq!(run.status, Status::Running);
        assert_eq!(run.status_line(), "Running: 0 of 2 cases done.");
        run.apply(Event::Case(Box::new(result("7.1.1", Verdict::Pass))));
        run.apply(Event::Case(Box::new(result("7.1.2", Verdict::Fail))));
        run.apply(Event::Finished { millis: 12 });
        assert_eq!(run.status, Status::Finished);
        assert!(run.status_line().starts_with("Finished in 0.01 s."));
        assert_eq!(
            run.report.counts().line(),
            "probe: 1 passed, 0 non-strict, 1 failed of 2 cases"
        );
        run.closed(1000, "");
        assert_eq!(
            run.status,
            Status::Finished,
            "a close after the end changes nothing"
        );

        let mut run = Run::connecting("ws://x/");
        run.apply_text("hello");
        assert!(
            matches!(run.status, Status::Stopped(ref why) if why.contains("not a probe event"))
        );
        let mut run = Run::connecting("ws://x/");
        run.cancel();
        assert!(matches!(run.status, Status::Stopped(ref why) if why.starts_with("cancelled")));
        run.cancel();
        let mut run = Run::connecting("ws://x/");
        run.closed(1006, "");
        assert!(
            matches!(run.status, Status::Stopped(ref why) if why.contains("Is wslab-echo running"))
        );
    }

    #[test]
    fn the_page_drives_the_run_through_its_reducer() {
        use std::rc::Rc;
        use yew::Reducible;
        let run = Rc::new(Run::default())
            .reduce(RunAction::Replace(Box::new(Run::connecting("ws://x/"))))
            .reduce(RunAction::Event(read_event(
                r#"{"event":"started","target":"ws://x/","total":1}"#,
            )))
            .reduce(RunAction::Cancel);
        assert!(matches!(run.status, Status::Stopped(ref why) if why.starts_with("cancelled")));
        let run = Rc::new(Run::default()).reduce(RunAction::Stop("cannot open x".into()));
        assert_eq!(run.status_line(), "Stopped: cannot open x");
        let run =
            Rc::new(Run::connecting("ws://x/")).reduce(RunAction::Closed(1006, String::new()));
        assert!(!run.running());
    }

    #[test]
    fn a_saved_report_opens_again_and_anything_else_says_why() {
        let report = Report::new(
            "ws://t/",
            vec![result("7.1.1", Verdict::NonStrict)],
            Some(5),
        );
        let run = Run::opened("r.json", &report.to_json()).unwrap();
        assert_eq!(run.report, report);
        let err = Run::opened("notes.txt", "just text").unwrap_err();
        assert!(
            err.starts_with("notes.txt: this is not a wslab-probe report"),
            "{err}"
        );
    }

    #[test]
    fn frames_open_in_the_decoder_from_the_right_side() {
        assert_eq!(
            frame_link("81 05", Side::Server),
            "/frames?hex=81+05&dfrom=server"
        );
    }
}
