//! Command-line configuration of `wslab-echo`.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;

/// `wslab-echo`: echoes every message on `/echo`, and shows what crossed the wire on `/tap`.
#[derive(Parser, Debug, Clone)]
#[command(name = "wslab-echo", version, about)]
pub struct Config {
    /// Address for ws:// (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:9001")]
    pub listen: SocketAddr,
    /// Address for wss://, with a self-signed certificate made at start.
    #[arg(long, default_value = "127.0.0.1:9443")]
    pub tls_listen: SocketAddr,
    /// Do not listen for wss://.
    #[arg(long)]
    pub no_tls: bool,
    /// Largest message accepted, in bytes (1 B–1 GiB); larger ones are refused with close 1009.
    #[arg(long, default_value_t = 16 << 20, value_parser = in_range::<1, { 1 << 30 }>)]
    pub max_message: usize,
    /// Largest frame accepted, in bytes (1 B–1 GiB); larger ones are refused with close 1009.
    #[arg(long, default_value_t = 16 << 20, value_parser = in_range::<1, { 1 << 30 }>)]
    pub max_frame: usize,
    /// Most sockets open at once, of every kind: handshakes (HTTP and TLS),
    /// echo connections and taps. A few more are still answered, with close
    /// 1008 right after the handshake; past those, sockets are closed at once.
    #[arg(long, default_value_t = 10_000, value_parser = in_range::<1, 1_000_000>)]
    pub max_connections: usize,
    /// Most sockets open at once from one client address (0: no cap); the
    /// same 1008 answer applies.
    #[arg(long, default_value_t = 0, value_parser = in_range::<0, 1_000_000>)]
    pub max_per_ip: usize,
    /// Seconds a client has to complete its opening handshake (1–3600); a tap
    /// session not claimed by an /echo connection within it expires too.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub handshake_timeout: u64,
    /// Seconds without any message before the server closes with 1001 (1–86400).
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub idle_timeout: u64,
    /// Seconds one message (or HTTP answer) may take to send before the
    /// connection is dropped as stalled (1–3600).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub send_timeout: u64,
    /// Bytes a tap may hold before it drops some (a "lagged" event tells how
    /// many); 64 KiB to 256 MiB.
    #[arg(long, default_value_t = crate::tap::DEFAULT_TAP_BUDGET, value_parser = in_range::<{ 64 << 10 }, { 256 << 20 }>)]
    pub tap_budget: usize,
    /// An Origin allowed to connect (repeatable); `*` allows any. Without this
    /// flag, pages served from loopback (127.0.0.1, localhost, [::1], any port)
    /// are allowed. Requests without Origin (non-browser clients) are always allowed.
    #[arg(long = "allowed-origin")]
    pub allowed_origins: Vec<String>,
    /// Decline permessage-deflate (RFC 7692) on every connection; without
    /// this flag, the server accepts a client's offer (`/echo?deflate=0`
    /// declines it for one connection).
    #[arg(long)]
    pub no_deflate: bool,
    /// Accept context takeover where a client allows it (RFC 7692 §7.1.1):
    /// both sides keep their window between messages, so similar messages
    /// compress better, at the memory per connection the README gives.
    /// Without it the server answers server_no_context_takeover and
    /// client_no_context_takeover, and an idle connection keeps no compression state.
    #[arg(long)]
    pub deflate_takeover: bool,
    /// This instance's number (0–65535), for running several behind one load
    /// balancer: every tap session it issues starts with it (four hex
    /// digits), and a session another instance issued is refused naming both.
    #[arg(long, value_parser = clap::value_parser!(u16))]
    pub instance: Option<u16>,
    /// A host (name or address) that `/probe` may test besides loopback ones
    /// (repeatable); `*` allows any. Without it, the conformance lab reaches
    /// servers on this machine only: a probe is an outbound connection made on
    /// a page's behalf.
    #[arg(long = "probe-allow")]
    pub probe_allow: Vec<String>,
    /// Conformance runs (`/probe`) at once (1–64); more are refused with a reason.
    #[arg(long, default_value_t = 4, value_parser = in_range::<1, 64>)]
    pub max_probe_runs: usize,
    /// Subprotocols the server speaks, comma-separated; it picks the first one a client offers.
    #[arg(long, default_value = "echo,chat,superchat", value_delimiter = ',')]
    pub protocols: Vec<String>,
}

impl Config {
    /// The defaults, listening on `listen` without TLS: for tests.
    pub fn for_tests(listen: SocketAddr) -> Config {
        let mut c = Config::parse_from(["wslab-echo"]);
        c.listen = listen;
        c.no_tls = true;
        c
    }

    /// The handshake timeout.
    pub fn handshake_timeout(&self) -> Duration {
        Duration::from_secs(self.handshake_timeout)
    }

    /// The idle timeout.
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout)
    }

    /// The deadline for sending one message.
    pub fn send_timeout(&self) -> Duration {
        Duration::from_secs(self.send_timeout)
    }

    /// Whether a page from `origin` may connect (cross-site WebSocket hijacking protection).
    pub fn origin_allowed(&self, origin: &str) -> bool {
        if self.allowed_origins.is_empty() {
            return is_loopback_origin(origin);
        }
        self.allowed_origins
            .iter()
            .any(|o| o == "*" || o.eq_ignore_ascii_case(origin))
    }
}

/// A whole number from `MIN` to `MAX`, for a flag.
fn in_range<const MIN: usize, const MAX: usize>(text: &str) -> Result<usize, String> {
    let n: usize = text
        .parse()
        .map_err(|_| format!("{text:?} is not a whole number"))?;
    if (MIN..=MAX).contains(&n) {
        Ok(n)
    } else {
        Err(format!("{n} is outside {MIN}–{MAX}"))
    }
}

/// Whether an origin such as `http://127.0.0.1:8080` names a loopback host.
fn is_loopback_origin(origin: &str) -> bool {
    let Some((_, rest)) = origin.split_once("://") else {
        return false;
    };
    let host = if let Some(v6) = rest.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        rest.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins_are_allowed_by_default() {
        let c = Config::for_tests("127.0.0.1:0".parse().unwrap());
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:3000",
            "https://[::1]:8443",
            "http://127.0.0.2",
        ] {
            assert!(c.origin_allowed(ok), "{ok}");
        }
        for bad in [
            "https://evil.example",
            "null",
            "http://127.0.0.1.evil.example",
            "file://",
        ] {
            assert!(!c.origin_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn explicit_origins_replace_the_default() {
        let mut c = Config::for_tests("127.0.0.1:0".parse().unwrap());
        c.allowed_origins = vec!["https://wslab.example".into()];
        assert!(c.origin_allowed("https://wslab.example"));
        assert!(!c.origin_allowed("http://127.0.0.1:8080"));
        c.allowed_origins.push("*".into());
        assert!(c.origin_allowed("https://anything.example"));
    }

    #[test]
    fn flags_out_of_range_are_refused_by_the_parser() {
        for args in [
            ["wslab-echo", "--idle-timeout", "9223372036854775807"],
            ["wslab-echo", "--idle-timeout", "0"],
            ["wslab-echo", "--handshake-timeout", "3601"],
            ["wslab-echo", "--send-timeout", "-1"],
            ["wslab-echo", "--tap-budget", "10"],
            ["wslab-echo", "--max-message", "0"],
            ["wslab-echo", "--max-frame", "99999999999999999999"],
            ["wslab-echo", "--max-connections", "0"],
            ["wslab-echo", "--max-per-ip", "-3"],
        ] {
            assert!(Config::try_parse_from(args).is_err(), "{args:?}");
        }
        assert!(Config::try_parse_from(["wslab-echo", "--idle-timeout", "86400"]).is_ok());
    }
}
