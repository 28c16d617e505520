//! `wslab-probe`: wslab's conformance cases (the `conformance` crate) run
//! against a real server: the target's URI and addresses, TCP and TLS
//! connections with deadlines, and running a selection of cases one after
//! another, each on its own connection. The binary is the command line;
//! wslab-echo's `/probe` uses the library.
#![deny(missing_docs)]

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use wire::uri::{WsUri, parse_uri};

use conformance::case::{Expect, HandshakeExpect};
use conformance::cases::Case;
use conformance::report::{CaseResult, Event, Report, Verdict};
use conformance::run::{Connector, Recv, Timing, Transport, result, run_case};

/// How long a TCP connect and a TLS handshake may take, each.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// How long one write may take before the server is taken to have stopped reading.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// After this many cases in a row without any answer to the opening
/// request, the rest are not run.
pub const GIVE_UP_AFTER: usize = 3;

/// Which hosts a run may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Any host (the command line, run by the learner on their own machine).
    Any,
    /// Loopback addresses, and these host names or addresses besides.
    LoopbackAnd(Vec<String>),
}

impl Reach {
    fn allows(&self, uri: &WsUri, addr: &IpAddr) -> bool {
        match self {
            Reach::Any => true,
            Reach::LoopbackAnd(hosts) => {
                addr.is_loopback()
                    || hosts.iter().any(|h| {
                        h == "*"
                            || h.eq_ignore_ascii_case(&uri.host)
                            || h.parse::<IpAddr>().is_ok_and(|ip| ip == *addr)
                    })
            }
        }
    }
}

/// A server to test: its URI and the addresses it resolved to (checked
/// against the [`Reach`] once, then used as they are, so a name cannot
/// resolve elsewhere later).
#[derive(Debug, Clone)]
pub struct Target {
    /// The URI.
    pub uri: WsUri,
    /// Where to connect.
    pub addrs: Vec<SocketAddr>,
}

impl Target {
    /// Parses and resolves `text`, refusing what `reach` does not allow.
    pub async fn resolve(text: &str, reach: &Reach) -> Result<Target, String> {
        if text.len() > 2000 {
            return Err("the target URI is longer than 2000 characters".into());
        }
        let uri = parse_uri(text).map_err(|e| format!("{text:?} is not a WebSocket URI: {e}"))?;
        let host = uri
            .host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let lookup = tokio::time::timeout(
            CONNECT_TIMEOUT,
            tokio::net::lookup_host((host.as_str(), uri.port)),
        )
        .await
        .map_err(|_| {
            format!(
                "looking up {host} took longer than {} s",
                CONNECT_TIMEOUT.as_secs()
            )
        })?
        .map_err(|e| format!("cannot look up {host}: {e}"))?;
        let addrs: Vec<SocketAddr> = lookup.collect();
        if addrs.is_empty() {
            return Err(format!("{host} has no address"));
        }
        if let Some(bad) = addrs.iter().find(|a| !reach.allows(&uri, &a.ip())) {
            return Err(format!(
                "{host} resolves to {}, which is not a loopback address: this wslab-echo tests servers on its own machine only (start it with --probe-allow {host} to allow more)",
                bad.ip()
            ));
        }
        Ok(Target { uri, addrs })
    }
}

/// A connection, plain or TLS.
pub enum Conn {
    /// ws://
    Plain(TcpStream),
    /// wss://
    Tls(Box<TlsStream<TcpStream>>),
}

/// A connection with whatever must live as long as it does (a socket's
/// place in a server's budget).
pub struct NetConn {
    conn: Conn,
    _hold: Option<Box<dyn Send>>,
}

impl Transport for NetConn {
    async fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        let write = async {
            match &mut self.conn {
                Conn::Plain(s) => s.write_all(bytes).await,
                Conn::Tls(s) => {
                    s.write_all(bytes).await?;
                    s.flush().await
                }
            }
        };
        match tokio::time::timeout(WRITE_TIMEOUT, write).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(format!("writing failed: {e}")),
            Err(_) => Err(format!(
                "the server read nothing for {} s",
                WRITE_TIMEOUT.as_secs()
            )),
        }
    }

    async fn recv(&mut self, buf: &mut [u8], wait: Duration) -> Result<Recv, String> {
        let read = async {
            match &mut self.conn {
                Conn::Plain(s) => s.read(buf).await,
                Conn::Tls(s) => s.read(buf).await,
            }
        };
        match tokio::time::timeout(wait, read).await {
            Err(_) => Ok(Recv::Quiet),
            Ok(Ok(0)) => Ok(Recv::Closed),
            Ok(Ok(n)) => Ok(Recv::Data(n)),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(Recv::Closed),
            Ok(Err(e)) => Err(format!("reading failed: {e}")),
        }
    }
}

/// Asks for a place in a budget before each connection: the guard it
/// returns lives as long as the connection.
pub type Admit = Box<dyn FnMut(IpAddr) -> Result<Box<dyn Send>, String> + Send>;

/// Opens connections to a [`Target`].
pub struct NetConnector {
    target: Target,
    tls: Option<TlsConnector>,
    admit: Option<Admit>,
    /// State of the stand-in generator, used only when the OS has no randomness.
    fallback: u64,
}

impl NetConnector {
    /// A connector to `target`; `admit`, when given, is asked before each connection.
    pub fn new(target: Target, admit: Option<Admit>) -> NetConnector {
        let tls = target.uri.secure.then(|| {
            let roots =
                rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let config = rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .map(|b| b.with_root_certificates(roots).with_no_client_auth());
            config.ok().map(|c| TlsConnector::from(Arc::new(c)))
        });
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        NetConnector {
            target,
            tls: tls.flatten(),
            admit,
            fallback: seed | 1,
        }
    }
}

impl Connector for NetConnector {
    type Conn = NetConn;

    async fn connect(&mut self) -> Result<NetConn, String> {
        let mut last = String::new();
        for addr in self.target.addrs.clone() {
            let hold = match self.admit.as_mut() {
                Some(admit) => Some(admit(addr.ip())?),
                None => None,
            };
            let tcp = match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
                Err(_) => {
                    last = format!(
                        "{addr} did not accept a connection within {} s",
                        CONNECT_TIMEOUT.as_secs()
                    );
                    continue;
                }
                Ok(Err(e)) => {
                    last = format!("{addr}: {e}");
                    continue;
                }
                Ok(Ok(tcp)) => tcp,
            };
            let _ = tcp.set_nodelay(true);
            if !self.target.uri.secure {
                return Ok(NetConn {
                    conn: Conn::Plain(tcp),
                    _hold: hold,
                });
            }
            let Some(tls) = &self.tls else {
                return Err("TLS is not available in this build".into());
            };
            let host = self
                .target
                .uri
                .host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned();
            let name = ServerName::try_from(host.clone())
                .map_err(|e| format!("{host} is not a name TLS can check: {e}"))?;
            return match tokio::time::timeout(CONNECT_TIMEOUT, tls.connect(name, tcp)).await {
                Err(_) => Err(format!(
                    "the TLS handshake with {addr} took longer than {} s",
                    CONNECT_TIMEOUT.as_secs()
                )),
                Ok(Err(e)) if e.to_string().contains("certificate") => Err(format!(
                    "the TLS handshake with {addr} failed: {e}. The probe trusts the certificates that browsers trust (the Mozilla root store); a self-signed certificate is refused, as a browser would refuse it"
                )),
                Ok(Err(e)) => Err(format!(
                    "the TLS handshake with {addr} failed: {e} (is it a TLS server?)"
                )),
                Ok(Ok(s)) => Ok(NetConn {
                    conn: Conn::Tls(Box::new(s)),
                    _hold: hold,
                }),
            };
        }
        Err(last)
    }

    fn parts(&self) -> (String, String) {
        (
            self.target.uri.resource_name(),
            self.target.uri.host_header(),
        )
    }

    fn random(&mut self, out: &mut [u8]) {
        if getrandom::fill(out).is_err() {
            // No OS randomness: a xorshift generator, so keys still differ per frame.
            for b in out.iter_mut() {
                let x = &mut self.fallback;
                *x ^= *x << 13;
                *x ^= *x >> 7;
                *x ^= *x << 17;
                *b = (*x >> 24) as u8;
            }
        }
    }
}

/// A result for a case that was not run, saying why.
fn not_run(case: &Case, why: &str) -> CaseResult {
    let body = (case.body)();
    result(case, &body.expect, Verdict::Fail, format!("Not run: {why}"))
}

/// Runs `cases` in order against the connector's target, telling `on` of
/// each event, and returns the whole report. After [`GIVE_UP_AFTER`] cases
/// in a row got no answer at all, the rest are reported as not run.
pub async fn run_all<C: Connector>(
    connector: &mut C,
    target: &str,
    cases: &[Case],
    timing: &Timing,
    mut on: impl FnMut(&Event),
) -> Report {
    let started = Instant::now();
    on(&Event::Started {
        target: target.to_owned(),
        total: cases.len(),
    });
    let mut results = Vec::with_capacity(cases.len());
    let mut silent = 0usize;
    let mut gave_up: Option<String> = None;
    for case in cases {
        let result = match &gave_up {
            Some(why) => not_run(case, why),
            None => {
                let r = run_case(connector, case, timing).await;
                // A request the server must refuse may be refused by closing
                // the connection: that is a verdict on the server, not a
                // sign that it has gone.
                let refusal = matches!(
                    (case.body)().expect,
                    Expect::Handshake(HandshakeExpect::Refuses { .. })
                );
                if r.response.is_none() && r.verdict == Verdict::Fail && !refusal {
                    silent += 1;
                    if silent >= GIVE_UP_AFTER {
                        gave_up = Some(format!(
                            "the server gave no answer to the opening request in {GIVE_UP_AFTER} cases in a row (the last, {}: {})",
                            r.id, r.detail
                        ));
                    }
                } else {
                    silent = 0;
                }
                r
            }
        };
        let event = Event::Case(Box::new(result));
        on(&event);
        if let Event::Case(r) = event {
            results.push(*r);
        }
    }
    let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    on(&Event::Finished { millis });
    Report::new(target, results, Some(millis))
}
