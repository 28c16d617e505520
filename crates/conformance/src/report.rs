//! What a run produces, as one typed format: the events wslab-echo streams to
//! the page, the JSON `wslab-probe --json` writes and the page exports and
//! opens again, and the self-contained HTML report.

use serde::{Deserialize, Serialize};

use crate::case::Group;
pub use crate::rfc::Rule;

/// The verdict of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The server did what the RFC requires.
    Pass,
    /// The server kept the protocol safe but not in the way the RFC names
    /// (another close code, no Close frame, failing late).
    NonStrict,
    /// The server broke a rule.
    Fail,
    /// The RFC allows more than one answer: this says which one came.
    Info,
}

impl Verdict {
    /// The word on screen and in the command line's lines.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::NonStrict => "non-strict",
            Verdict::Fail => "fail",
            Verdict::Info => "info",
        }
    }
}

/// Who sent a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The probe (a client).
    Probe,
    /// The server under test.
    Server,
    /// wslab-echo, as the server testing a client.
    Echo,
    /// The client under test.
    Client,
}

impl Side {
    /// Whether the frame went from a client to a server.
    pub fn from_client(self) -> bool {
        matches!(self, Side::Probe | Side::Client)
    }

    /// Who sent it, in a word.
    pub fn name(self) -> &'static str {
        match self {
            Side::Probe => "probe",
            Side::Server => "server",
            Side::Echo => "wslab-echo",
            Side::Client => "client",
        }
    }
}

/// A frame that crossed the wire, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameView {
    /// Who sent it.
    pub from: Side,
    /// What it is, in a line: "Text, FIN, masked, 5 bytes".
    pub summary: String,
    /// The frame's bytes in hex, when the whole frame is at most
    /// [`MAX_FRAME_HEX`] bytes (it then opens in the frame lab).
    pub hex: Option<String>,
    /// The frame's size in bytes.
    pub len: usize,
}

/// The largest frame whose bytes the report keeps.
pub const MAX_FRAME_HEX: usize = 1024;

/// Frames the report keeps per case; later ones are counted only.
pub const MAX_FRAMES: usize = 24;

/// One finished case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseResult {
    /// `group.sub.n`.
    pub id: String,
    /// Its group.
    pub group: Group,
    /// What it sends.
    pub title: String,
    /// What a conforming server does.
    pub expected: String,
    /// How non-strict differs from fail here.
    pub non_strict: String,
    /// The close codes accepted.
    pub codes: Vec<u16>,
    /// Where the RFC says so.
    pub rfc: String,
    /// Why it matters.
    pub why: String,
    /// The MUST a fail of this case rests on; none: the case cannot fail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_rule: Option<Rule>,
    /// The sentence a non-strict verdict rests on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_strict_rule: Option<Rule>,
    /// The verdict.
    pub verdict: Verdict,
    /// What happened, and for anything but a pass, what was wrong.
    pub detail: String,
    /// The opening response's head, when one came.
    pub response: Option<String>,
    /// The frames sent and received, in order (at most [`MAX_FRAMES`]).
    pub frames: Vec<FrameView>,
    /// Frames not kept.
    pub frames_left_out: usize,
    /// How long the case took, in milliseconds.
    pub millis: u64,
}

impl CaseResult {
    /// The sentence this result's verdict rests on: the MUST for a fail,
    /// the SHOULD (or the words that allow it) for a non-strict.
    pub fn rule(&self) -> Option<&Rule> {
        match self.verdict {
            Verdict::Fail => self.fail_rule.as_ref(),
            Verdict::NonStrict => self.non_strict_rule.as_ref(),
            Verdict::Pass | Verdict::Info => None,
        }
    }

    /// What the case's fail and non-strict rest on, one line each.
    pub fn rule_lines(&self) -> Vec<String> {
        let mut lines = vec![match &self.fail_rule {
            Some(rule) => format!("Fails on {rule}"),
            None => "Cannot fail: no MUST of the RFC binds the server here.".to_owned(),
        }];
        if let Some(rule) = &self.non_strict_rule {
            lines.push(format!("Non-strict on {rule}"));
        }
        lines
    }
}

/// What the run streams, one JSON text message each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// The run starts.
    Started {
        /// The server under test.
        target: String,
        /// How many cases will run.
        total: usize,
    },
    /// A case finished.
    Case(Box<CaseResult>),
    /// Every case finished.
    Finished {
        /// The whole run, in milliseconds.
        millis: u64,
    },
    /// The run could not start, or stopped: why.
    Stopped {
        /// Why, in a sentence.
        reason: String,
    },
}

/// What the page asks wslab-echo to run (its first message on `/probe`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRequest {
    /// The server under test: `ws://host:port/path`.
    pub target: String,
    /// Which cases: see [`crate::select`].
    pub cases: String,
}

/// A whole run: what `--json` writes and the page exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// What wrote it: `wslab-probe 0.1.0`.
    pub tool: String,
    /// The server under test.
    pub target: String,
    /// The cases, in the order they ran.
    pub results: Vec<CaseResult>,
    /// The whole run, in milliseconds, when it finished.
    pub millis: Option<u64>,
}

/// The largest report file read back, in bytes.
pub const MAX_REPORT: usize = 32 << 20;

/// Counts of one kind of verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Passed.
    pub passed: usize,
    /// Non-strict.
    pub non_strict: usize,
    /// Failed.
    pub failed: usize,
    /// Informational.
    pub info: usize,
}

impl Counts {
    /// Counts `verdict`.
    pub fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Pass => self.passed += 1,
            Verdict::NonStrict => self.non_strict += 1,
            Verdict::Fail => self.failed += 1,
            Verdict::Info => self.info += 1,
        }
    }

    /// Every case counted.
    pub fn total(&self) -> usize {
        self.passed + self.non_strict + self.failed + self.info
    }

    /// The command line's last line: `probe: N passed, N non-strict, N failed of N cases`.
    pub fn line(&self) -> String {
        format!(
            "probe: {} passed, {} non-strict, {} failed of {} cases",
            self.passed,
            self.non_strict,
            self.failed,
            self.total()
        )
    }
}

impl Report {
    /// A report of `results` against `target`.
    pub fn new(target: &str, results: Vec<CaseResult>, millis: Option<u64>) -> Report {
        Report {
            tool: format!("wslab-probe {}", env!("CARGO_PKG_VERSION")),
            target: target.to_owned(),
            results,
            millis,
        }
    }

    /// Counts over every case.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.results {
            c.add(r.verdict);
        }
        c
    }

    /// Counts per group, in group order, for the groups that ran.
    pub fn per_group(&self) -> Vec<(Group, Counts)> {
        Group::ALL
            .into_iter()
            .filter_map(|g| {
                let mut c = Counts::default();
                for r in self.results.iter().filter(|r| r.group == g) {
                    c.add(r.verdict);
                }
                (c.total() > 0).then_some((g, c))
            })
            .collect()
    }

    /// The report as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a report written by [`Report::to_json`], refusing anything that
    /// is not one with a sentence that says why.
    pub fn from_json(text: &str) -> Result<Report, String> {
        if text.len() > MAX_REPORT {
            return Err(format!(
                "the file is {} bytes; a report is at most {} bytes",
                text.len(),
                MAX_REPORT
            ));
        }
        serde_json::from_str(text).map_err(|e| {
            format!("this is not a wslab-probe report (JSON exported from /conformance or written by wslab-probe --json): {e}")
        })
    }

    /// A self-contained HTML page of the report: its own styles, no script,
    /// nothing loaded from elsewhere.
    pub fn to_html(&self) -> String {
        let counts = self.counts();
        let mut out = String::new();
        out.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.push_str(&format!(
            "<title>wslab conformance report: {}</title>\n",
            esc(&self.target)
        ));
        out.push_str("<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1b1b1f}code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{white-space:pre-wrap;word-break:break-all;background:#f3f3f6;padding:.5rem}details{border-top:1px solid #ddd;padding:.3rem 0}summary{cursor:pointer}.pass{color:#17643a}.non-strict{color:#8a5a00}.fail{color:#b00020}.info{color:#304f9e}table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #ddd}</style>\n</head><body>\n");
        out.push_str(&format!(
            "<h1>Conformance report</h1>\n<p>Server: <code>{}</code> · {} · {}</p>\n<p><strong>{}</strong></p>\n",
            esc(&self.target),
            esc(&self.tool),
            match self.millis {
                Some(ms) => seconds(std::time::Duration::from_millis(ms)),
                None => "unfinished run".into(),
            },
            esc(&counts.line())
        ));
        out.push_str("<table><tr><th>group</th><th>pass</th><th>non-strict</th><th>fail</th><th>info</th></tr>\n");
        for (g, c) in self.per_group() {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                g.title(),
                c.passed,
                c.non_strict,
                c.failed,
                c.info
            ));
        }
        out.push_str("</table>\n");
        for r in &self.results {
            let v = r.verdict.word();
            out.push_str(&format!(
                "<details{}><summary><span class=\"{v}\">{v}</span> <code>{}</code> {}</summary>\n",
                if matches!(r.verdict, Verdict::Fail | Verdict::NonStrict) {
                    " open"
                } else {
                    ""
                },
                esc(&r.id),
                esc(&r.title)
            ));
            out.push_str(&format!(
                "<p>{}</p>\n<p>Expected: {} ({})</p>\n<p>{}</p>\n<p>Why: {}</p>\n",
                esc(&r.detail),
                esc(&r.expected),
                esc(&r.rfc),
                esc(&r.non_strict),
                esc(&r.why)
            ));
            for line in r.rule_lines() {
                out.push_str(&format!("<p class=\"rule\">{}</p>\n", esc(&line)));
            }
            if !r.frames.is_empty() {
                out.push_str("<pre>");
                for f in &r.frames {
                    let who = if f.from.from_client() { "→" } else { "←" };
                    out.push_str(&format!("{who} {}", esc(&f.summary)));
                    if let Some(hex) = &f.hex {
                        out.push_str(&format!("\n  {}", esc(hex)));
                    }
                    out.push('\n');
                }
                if r.frames_left_out > 0 {
                    out.push_str(&format!("… {} more frames\n", r.frames_left_out));
                }
                out.push_str("</pre>\n");
            }
            out.push_str("</details>\n");
        }
        out.push_str("</body></html>\n");
        out
    }
}

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A time in seconds to one decimal, rounded half up ("2.5 s"), written
/// from whole units: the page that shows reports links no float formatter.
pub fn seconds(time: std::time::Duration) -> String {
    let tenths = time.as_millis().saturating_add(50) / 100;
    format!(
        "{} s",
        wire::describe::decimal(u64::try_from(tenths).unwrap_or(u64::MAX), 1)
    )
}

#[cfg(test)]
mod tests {
    use super::seconds;
    use std::time::Duration;

    #[test]
    fn seconds_are_written_to_one_decimal_rounded_half_up() {
        assert_eq!(seconds(Duration::from_millis(0)), "0.0 s");
        assert_eq!(seconds(Duration::from_millis(2_000)), "2.0 s");
        assert_eq!(seconds(Duration::from_millis(1_249)), "1.2 s");
        assert_eq!(seconds(Duration::from_millis(1_250)), "1.3 s");
        assert_eq!(seconds(Duration::from_micros(99_999_950)), "100.0 s");
        assert_eq!(seconds(Duration::MAX), "1844674407370955161.5 s");
    }
}
