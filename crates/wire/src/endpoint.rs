//! The endpoints of wslab-echo and their query parameters, as types with
//! their ranges (not part of RFC 6455). The page builds its URLs with
//! [`Endpoint::target`]; the server reads the request target with
//! [`Endpoint::parse`], so a value out of range gets a clear answer (which
//! parameter, which range) and never reaches a timer.

use std::fmt;

use crate::tap::SessionId;

/// The longest interval a query parameter may set, in seconds (one hour).
pub const MAX_SECONDS: u32 = 3600;

/// What `/idle` waits for when `timeout` is not given, in seconds.
pub const DEFAULT_IDLE_TIMEOUT: u32 = 5;

/// Options of an echo connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EchoOptions {
    /// `session=<32 hex digits>`: the tap session this connection reports to.
    pub session: Option<SessionId>,
    /// `ping=N`: the server pings every N seconds (1–3600; 0 or absent: never).
    pub ping: Option<u32>,
    /// `close=N`: the server starts the closing handshake after N seconds (1–3600).
    pub close: Option<u32>,
    /// `deflate=0`: the server declines permessage-deflate (RFC 7692) on this
    /// connection even if it offers it (`deflate=1`, the default).
    pub no_deflate: bool,
}

/// The longest agent name of the client lab, in bytes.
pub const MAX_AGENT: usize = 64;

/// The most cases a client-lab request may name (case numbers are 1-based).
pub const MAX_CASE: u32 = 10_000;

/// The name a client under test runs under (`agent=`): 1 to [`MAX_AGENT`]
/// bytes of letters, digits, space and `.-_~+/`, percent-decoded first.
/// Runs are kept by it, so learners who choose different names never see
/// each other's runs.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Agent {
    bytes: [u8; MAX_AGENT],
    len: u8,
}

impl Agent {
    /// Reads a name as it appears in a query string.
    pub fn parse(text: &str) -> Option<Agent> {
        let name = crate::uri::percent_decode(text)?;
        let allowed = |b: &u8| b.is_ascii_alphanumeric() || b" .-_~+/".contains(b);
        if name.is_empty() || name.len() > MAX_AGENT || !name.as_bytes().iter().all(allowed) {
            return None;
        }
        let mut bytes = [0u8; MAX_AGENT];
        bytes[..name.len()].copy_from_slice(name.as_bytes());
        Some(Agent {
            bytes,
            len: name.len() as u8,
        })
    }

    /// The name as a query value: space, `+` and `/` percent-encoded (the
    /// other characters a name may hold need no escape), so that
    /// [`Agent::parse`] reads it back.
    pub fn query_value(&self) -> String {
        self.as_str()
            .bytes()
            .map(|b| match b {
                b' ' | b'+' | b'/' => format!("%{b:02X}"),
                b => (b as char).to_string(),
            })
            .collect()
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl fmt::Debug for Agent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl fmt::Display for Agent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request of the client lab, in the URL scheme of Autobahn|Testsuite's
/// fuzzingserver, so that a client's existing driver runs unchanged (the
/// same paths also work under `/client-lab/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientLab {
    /// `/getCaseCount`: a text message with the number of cases, then a Close.
    CaseCount,
    /// `/runCase?case=N&agent=NAME`: runs case N (1-based); the client echoes
    /// every text and binary message it receives.
    RunCase {
        /// The case, 1-based.
        case: u32,
        /// Who runs it.
        agent: Agent,
    },
    /// `/getCaseInfo?case=N`: a JSON text message `{"id", "description"}`.
    CaseInfo {
        /// The case, 1-based.
        case: u32,
    },
    /// `/getCaseStatus?case=N&agent=NAME`: `{"behavior": "OK"}` (or
    /// `NON-STRICT`, `FAILED`, `INFORMATIONAL`, `NOT RUN`).
    CaseStatus {
        /// The case, 1-based.
        case: u32,
        /// Whose run.
        agent: Agent,
    },
    /// `/updateReports?agent=NAME`: closes at once (the run's report is kept
    /// as it goes).
    UpdateReports {
        /// Whose run (optional, as in Autobahn).
        agent: Option<Agent>,
    },
    /// `/client-lab/watch?agent=NAME`: the page's view of a run, as it goes:
    /// every result of that agent so far, then each new one, as the
    /// conformance lab's `case` events.
    Watch {
        /// Whose run.
        agent: Agent,
    },
}

/// A wslab-echo endpoint, with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/echo`: sends every text and binary message back.
    Echo(EchoOptions),
    /// `/idle?timeout=N`: echoes, but drops the TCP connection after N
    /// seconds (1–3600, default 5) without traffic, as an idle proxy would.
    Idle {
        /// Seconds of silence before the drop.
        timeout: u32,
        /// The echo options (`ping` keeps the connection alive).
        echo: EchoOptions,
    },
    /// `/tap`: the server issues a session and passes on what crosses the
    /// wire of the `/echo` connection that claims it.
    Tap,
    /// `/legacy-proxy`: answers the Upgrade with a plain page, as an old proxy would.
    LegacyProxy,
    /// `/probe`: runs conformance cases against the server the page names in
    /// its first message, and streams each verdict back (`wslab-probe`'s
    /// events, as JSON text messages).
    Probe,
    /// The client lab (Autobahn fuzzingserver's URL scheme).
    ClientLab(ClientLab),
}

/// Why a request target names no endpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// No endpoint has this path (answered 404).
    #[error("no WebSocket endpoint at {0}; try /echo")]
    NotFound(String),
    /// A parameter's value is not allowed (answered 400).
    #[error("query parameter {name}={value:?}: {expected}")]
    BadValue {
        /// The parameter.
        name: &'static str,
        /// The value as sent (cut to 40 characters).
        value: String,
        /// What the parameter takes.
        expected: &'static str,
    },
    /// A parameter given twice (answered 400).
    #[error("query parameter {0} is given more than once")]
    Repeated(&'static str),
}

const SECONDS: &str = "a whole number of seconds from 1 to 3600";
const PING_SECONDS: &str = "a whole number of seconds from 0 (off) to 3600";

fn seconds(name: &'static str, value: &str, zero_ok: bool) -> Result<Option<u32>, EndpointError> {
    let bad = || EndpointError::BadValue {
        name,
        value: value.chars().take(40).collect(),
        expected: if zero_ok { PING_SECONDS } else { SECONDS },
    };
    // Plain ASCII digits only: no sign, no spaces, no "0x", no exponent.
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let digits = value.trim_start_matches('0');
    let n: u32 = if digits.is_empty() {
        0
    } else if digits.len() > 4 {
        return Err(bad());
    } else {
        digits.parse().map_err(|_| bad())?
    };
    match n {
        0 if zero_ok => Ok(None),
        1..=MAX_SECONDS => Ok(Some(n)),
        _ => Err(bad()),
    }
}

impl Endpoint {
    /// Reads a request target such as `/echo?session=…&ping=5`. Parameters
    /// an endpoint does not take are ignored; one given twice is an error.
    pub fn parse(target: &str) -> Result<Endpoint, EndpointError> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path == "/client-lab/watch" {
            return client_lab("/watch", query).map(Endpoint::ClientLab);
        }
        let lab_path = path.strip_prefix("/client-lab").unwrap_or(path);
        if matches!(
            lab_path,
            "/getCaseCount" | "/runCase" | "/getCaseInfo" | "/getCaseStatus" | "/updateReports"
        ) {
            return client_lab(lab_path, query).map(Endpoint::ClientLab);
        }
        let mut echo = EchoOptions::default();
        let mut timeout = None;
        let mut seen: Vec<&'static str> = Vec::new();
        let takes_echo = matches!(path, "/echo" | "/idle");
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name: &'static str = match (name, path) {
                ("session", "/echo" | "/idle") => "session",
                ("ping", _) if takes_echo => "ping",
                ("close", _) if takes_echo => "close",
                ("deflate", _) if takes_echo => "deflate",
                ("timeout", "/idle") => "timeout",
                _ => continue,
            };
            if seen.contains(&name) {
                return Err(EndpointError::Repeated(name));
            }
            seen.push(name);
            match name {
                "session" => {
                    echo.session = Some(value.parse().map_err(|_| EndpointError::BadValue {
                        name,
                        value: value.chars().take(40).collect(),
                        expected: "32 hexadecimal digits, as the tap issued them",
                    })?)
                }
                "ping" => echo.ping = seconds(name, value, true)?,
                "close" => echo.close = seconds(name, value, false)?,
                "deflate" => {
                    echo.no_deflate = match value {
                        "0" => true,
                        "1" => false,
                        _ => {
                            return Err(EndpointError::BadValue {
                                name,
                                value: value.chars().take(40).collect(),
                                expected: "0 (decline permessage-deflate) or 1 (accept it)",
                            });
                        }
                    }
                }
                _ => timeout = seconds(name, value, false)?,
            }
        }
        match path {
            "/echo" => Ok(Endpoint::Echo(echo)),
            "/idle" => Ok(Endpoint::Idle {
                timeout: timeout.unwrap_or(DEFAULT_IDLE_TIMEOUT),
                echo,
            }),
            "/tap" => Ok(Endpoint::Tap),
            "/legacy-proxy" => Ok(Endpoint::LegacyProxy),
            "/probe" => Ok(Endpoint::Probe),
            other => Err(EndpointError::NotFound(other.chars().take(200).collect())),
        }
    }

    /// The path, without the query.
    pub fn path(&self) -> &'static str {
        match self {
            Endpoint::Echo(_) => "/echo",
            Endpoint::Idle { .. } => "/idle",
            Endpoint::Tap => "/tap",
            Endpoint::LegacyProxy => "/legacy-proxy",
            Endpoint::Probe => "/probe",
            Endpoint::ClientLab(ClientLab::CaseCount) => "/getCaseCount",
            Endpoint::ClientLab(ClientLab::RunCase { .. }) => "/runCase",
            Endpoint::ClientLab(ClientLab::CaseInfo { .. }) => "/getCaseInfo",
            Endpoint::ClientLab(ClientLab::CaseStatus { .. }) => "/getCaseStatus",
            Endpoint::ClientLab(ClientLab::UpdateReports { .. }) => "/updateReports",
            Endpoint::ClientLab(ClientLab::Watch { .. }) => "/client-lab/watch",
        }
    }

    /// The echo options, for the endpoints that echo.
    pub fn echo_options(&self) -> Option<&EchoOptions> {
        match self {
            Endpoint::Echo(o) | Endpoint::Idle { echo: o, .. } => Some(o),
            Endpoint::Tap | Endpoint::LegacyProxy | Endpoint::Probe | Endpoint::ClientLab(_) => {
                None
            }
        }
    }

    /// The request target: the path and the query, parameters in a fixed order.
    pub fn target(&self) -> String {
        let mut query = Vec::new();
        if let Endpoint::Idle { timeout, .. } = self {
            query.push(format!("timeout={timeout}"));
        }
        if let Endpoint::ClientLab(lab) = self {
            let (case, agent) = match lab {
                ClientLab::CaseCount => (None, None),
                ClientLab::RunCase { case, agent } | ClientLab::CaseStatus { case, agent } => {
                    (Some(*case), Some(*agent))
                }
                ClientLab::CaseInfo { case } => (Some(*case), None),
                ClientLab::UpdateReports { agent } => (None, *agent),
                ClientLab::Watch { agent } => (None, Some(*agent)),
            };
            query.extend(case.map(|c| format!("case={c}")));
            query.extend(agent.map(|a| format!("agent={}", a.query_value())));
        }
        if let Some(o) = self.echo_options() {
            query.extend(o.session.map(|s| format!("session={s}")));
            query.extend(o.ping.map(|s| format!("ping={s}")));
            query.extend(o.close.map(|s| format!("close={s}")));
            if o.no_deflate {
                query.push("deflate=0".to_owned());
            }
        }
        if query.is_empty() {
            self.path().to_owned()
        } else {
            format!("{}?{}", self.path(), query.join("&"))
        }
    }
}

const CASE_NUMBER: &str = "a case number from 1 to 10000 (see /getCaseCount)";
const AGENT_NAME: &str =
    "1 to 64 characters: letters, digits, space and . - _ ~ + / (percent-encoded where needed)";

/// The client lab's request for `path` (without `/client-lab`) and `query`.
fn client_lab(path: &str, query: &str) -> Result<ClientLab, EndpointError> {
    let mut case = None;
    let mut agent = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let bad = |name, expected| EndpointError::BadValue {
            name,
            value: value.chars().take(40).collect(),
            expected,
        };
        match name {
            "case" => {
                if case.is_some() {
                    return Err(EndpointError::Repeated("case"));
                }
                let n = (!value.is_empty()
                    && value.len() <= 5
                    && value.bytes().all(|b| b.is_ascii_digit()))
                .then(|| value.parse::<u32>().ok())
                .flatten()
                .filter(|n| (1..=MAX_CASE).contains(n))
                .ok_or_else(|| bad("case", CASE_NUMBER))?;
                case = Some(n);
            }
            "agent" => {
                if agent.is_some() {
                    return Err(EndpointError::Repeated("agent"));
                }
                agent = Some(Agent::parse(value).ok_or_else(|| bad("agent", AGENT_NAME))?);
            }
            _ => {}
        }
    }
    let missing = |name, expected| EndpointError::BadValue {
        name,
        value: String::new(),
        expected,
    };
    let case = || case.ok_or_else(|| missing("case", CASE_NUMBER));
    let agent_of = || agent.ok_or_else(|| missing("agent", AGENT_NAME));
    Ok(match path {
        "/getCaseCount" => ClientLab::CaseCount,
        "/runCase" => ClientLab::RunCase {
            case: case()?,
            agent: agent_of()?,
        },
        "/getCaseInfo" => ClientLab::CaseInfo { case: case()? },
        "/getCaseStatus" => ClientLab::CaseStatus {
            case: case()?,
            agent: agent_of()?,
        },
        "/watch" => ClientLab::Watch { agent: agent_of()? },
        _ => ClientLab::UpdateReports { agent },
    })
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.target())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_round_trip() {
        let id = SessionId([0x5a; 16]);
        for e in [
            Endpoint::Echo(EchoOptions::default()),
            Endpoint::Echo(EchoOptions {
                session: Some(id),
                ping: Some(5),
                close: Some(3600),
                no_deflate: true,
            }),
            Endpoint::Idle {
                timeout: 1,
                echo: EchoOptions {
                    ping: Some(2),
                    ..EchoOptions::default()
                },
            },
            Endpoint::Tap,
            Endpoint::LegacyProxy,
            Endpoint::Probe,
            Endpoint::ClientLab(ClientLab::CaseCount),
            Endpoint::ClientLab(ClientLab::RunCase {
                case: 17,
                agent: Agent::parse("My client 1.0/beta+x").unwrap(),
            }),
            Endpoint::ClientLab(ClientLab::CaseInfo { case: 1 }),
            Endpoint::ClientLab(ClientLab::CaseStatus {
                case: 10000,
                agent: Agent::parse("tokio-tungstenite").unwrap(),
            }),
            Endpoint::ClientLab(ClientLab::UpdateReports { agent: None }),
            Endpoint::ClientLab(ClientLab::Watch {
                agent: Agent::parse("me").unwrap(),
            }),
        ] {
            assert_eq!(Endpoint::parse(&e.target()), Ok(e), "{e}");
        }
        assert_eq!(
            Endpoint::parse("/client-lab/runCase?case=3&agent=a%20b"),
            Ok(Endpoint::ClientLab(ClientLab::RunCase {
                case: 3,
                agent: Agent::parse("a b").unwrap()
            }))
        );
        for (target, name) in [
            ("/runCase?case=0&agent=a", "case"),
            ("/runCase?case=10001&agent=a", "case"),
            ("/runCase?case=1e3&agent=a", "case"),
            ("/runCase?case=1", "agent"),
            ("/runCase?agent=a", "case"),
            ("/getCaseStatus?case=1&agent=", "agent"),
            ("/getCaseStatus?case=1&agent=%zz", "agent"),
            ("/getCaseStatus?case=1&agent=a;b", "agent"),
        ] {
            assert!(
                matches!(Endpoint::parse(target), Err(EndpointError::BadValue { name: n, .. }) if n == name),
                "{target}: {:?}",
                Endpoint::parse(target)
            );
        }
        let long = format!("/runCase?case=1&agent={}", "a".repeat(MAX_AGENT + 1));
        assert!(Endpoint::parse(&long).is_err());
        assert_eq!(
            Endpoint::parse("/idle").unwrap().target(),
            "/idle?timeout=5"
        );
    }

    #[test]
    fn values_out_of_range_are_refused_with_the_range() {
        for (target, name) in [
            ("/echo?ping=18446744073709551615", "ping"),
            ("/echo?ping=3601", "ping"),
            ("/echo?ping=-1", "ping"),
            ("/echo?ping=", "ping"),
            ("/echo?ping=+5", "ping"),
            ("/echo?close=0", "close"),
            ("/echo?deflate=yes", "deflate"),
            ("/echo?close=99999999999999999999999", "close"),
            ("/idle?timeout=0", "timeout"),
            ("/idle?timeout=1e3", "timeout"),
            ("/echo?session=t1", "session"),
        ] {
            match Endpoint::parse(target) {
                Err(EndpointError::BadValue { name: n, .. }) => assert_eq!(n, name, "{target}"),
                other => panic!("{target}: {other:?}"),
            }
        }
        let e = Endpoint::parse("/echo?close=4000").unwrap_err();
        assert_eq!(
            e.to_string(),
            "query parameter close=\"4000\": a whole number of seconds from 1 to 3600"
        );
        assert_eq!(
            Endpoint::parse("/echo?ping=1&ping=2"),
            Err(EndpointError::Repeated("ping"))
        );
    }

    #[test]
    fn zero_ping_is_off_leading_zeros_are_fine_and_other_parameters_are_ignored() {
        assert_eq!(
            Endpoint::parse("/echo?ping=0&x=1&&utm=y&ping2=9"),
            Ok(Endpoint::Echo(EchoOptions::default()))
        );
        assert_eq!(
            Endpoint::parse("/echo?ping=0005")
                .unwrap()
                .echo_options()
                .unwrap()
                .ping,
            Some(5)
        );
        assert_eq!(Endpoint::parse("/tap?session=whatever"), Ok(Endpoint::Tap));
        assert_eq!(
            Endpoint::parse("/nope?x"),
            Err(EndpointError::NotFound("/nope".into()))
        );
    }
}
