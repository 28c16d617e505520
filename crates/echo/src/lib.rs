//! The wslab echo server.
//!
//! - `/echo` sends every text and binary message back unchanged. With
//!   `?session=ID` (an id `/tap` issued) its raw bytes are tapped; with
//!   `?ping=N` the server pings every N seconds; with `?close=N` it closes
//!   first after N seconds. Parameters and their ranges: `wire::endpoint`.
//! - `/tap` issues a session, then passes on the handshake and every byte of
//!   the `/echo` connection that claims it (`wire::tap` items).
//! - `/legacy-proxy` answers the Upgrade with a plain HTTP page, as an old proxy would.
//! - `/probe` runs conformance cases (`wslab-probe`) against the server the
//!   page names, loopback only unless `--probe-allow`, and streams each verdict.
//! - `/idle?timeout=N` echoes, but drops the TCP connection after N seconds
//!   without traffic in either direction, as an idle-timeout proxy would.
//!
//! The opening handshake is checked and answered by `wire`; frames are read,
//! checked and written by [`ws`], on `wire`'s decoder, with buffers that
//! grow with the frame being read and are freed when the connection is idle.

mod client_lab;
mod config;
mod conn;
mod lab;
mod shared;
pub mod tap;
mod tls;
pub mod ws;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tracing::{info, warn};

pub use config::Config;
pub use shared::CLOSE_WAIT;
use shared::{Admission, Shared, SocketGuard};

/// How long shutdown waits for connections to finish their closing handshakes.
pub const SHUTDOWN_WAIT: Duration = Duration::from_millis(2500);

/// A server bound to its ports, ready to serve.
pub struct Server {
    listener: TcpListener,
    tls: Option<(TcpListener, tokio_rustls::TlsAcceptor)>,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
}

/// Logs a repeated warning at most once a second, with how many were held back.
struct RateLimitedLog {
    last: Option<Instant>,
    held: u64,
}

impl RateLimitedLog {
    fn new() -> Self {
        RateLimitedLog {
            last: None,
            held: 0,
        }
    }

    fn warn(&mut self, what: &str, error: &io::Error) {
        let now = Instant::now();
        if self
            .last
            .is_some_and(|t| now.duration_since(t) < Duration::from_secs(1))
        {
            self.held += 1;
            return;
        }
        warn!(%error, held_back = self.held, "{what}");
        self.last = Some(now);
        self.held = 0;
    }
}

/// Accepts sockets until shutdown. An error (out of file descriptors, say)
/// backs off, from 10 ms doubling to 1 s, so the loop never spins; its log
/// line is rate-limited.
async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    name: &'static str,
    serve: impl Fn(TcpStream, SocketAddr, SocketGuard, Admission),
) {
    let mut shutdown = shared.shutdown.clone();
    let mut backoff = Duration::from_millis(10);
    let mut log = RateLimitedLog::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    backoff = Duration::from_millis(10);
                    let (guard, admission) = SocketGuard::admit(&shared, peer.ip());
                    if admission == Admission::Refused {
                        continue;
                    }
                    let _ = tcp.set_nodelay(true);
                    serve(tcp, peer, guard, admission);
                }
                Err(e) => {
                    log.warn(name, &e);
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = shutdown.changed() => break,
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                }
            },
            _ = shutdown.changed() => break,
        }
    }
}

impl Server {
    /// Binds the ws:// port (and the wss:// one, unless `no_tls`).
    pub async fn bind(config: Config) -> io::Result<Server> {
        // A bind error names the address and the flag that moves it.
        let bind = |addr: std::net::SocketAddr, hint: &'static str| async move {
            TcpListener::bind(addr).await.map_err(|e| {
                io::Error::new(e.kind(), format!("cannot listen on {addr}: {e} ({hint})"))
            })
        };
        let listener = bind(config.listen, "--listen ADDR picks another").await?;
        let tls = if config.no_tls {
            None
        } else {
            Some((
                bind(
                    config.tls_listen,
                    "--tls-listen ADDR picks another; --no-tls turns wss:// off",
                )
                .await?,
                tls::acceptor()?,
            ))
        };
        let (stop, shutdown) = watch::channel(false);
        let shared = Arc::new(Shared {
            taps: tap::Taps::new(config.instance),
            config,
            sockets: AtomicUsize::new(0),
            per_ip: Default::default(),
            probe_runs: AtomicUsize::new(0),
            client_runs: client_lab::ClientRuns::default(),
            shutdown,
        });
        Ok(Server {
            listener,
            tls,
            shared,
            stop,
        })
    }

    /// The ws:// address.
    pub fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    /// The wss:// address, when TLS is on.
    pub fn tls_addr(&self) -> Option<std::net::SocketAddr> {
        self.tls.as_ref().and_then(|(l, _)| l.local_addr().ok())
    }

    /// A handle that shuts the server down: open connections are closed with 1001.
    pub fn stopper(&self) -> watch::Sender<bool> {
        self.stop.clone()
    }

    /// Serves until the stopper fires, then gives every connection up to
    /// [`SHUTDOWN_WAIT`] to finish its closing handshake.
    pub async fn serve(self) {
        let Server {
            listener,
            tls,
            shared,
            stop,
        } = self;
        if let Some((tls_listener, acceptor)) = tls {
            let shared2 = shared.clone();
            tokio::spawn(accept_loop(
                tls_listener,
                shared.clone(),
                "accept failed (wss)",
                move |tcp, peer, guard, admission| {
                    let (shared, acceptor) = (shared2.clone(), acceptor.clone());
                    tokio::spawn(async move {
                        let _guard = guard;
                        let timeout = shared.config.handshake_timeout();
                        if let Ok(Ok(stream)) =
                            tokio::time::timeout(timeout, acceptor.accept(tcp)).await
                        {
                            conn::handle(stream, peer, shared, admission).await;
                        }
                    });
                },
            ));
        }
        let shared2 = shared.clone();
        accept_loop(
            listener,
            shared.clone(),
            "accept failed (ws)",
            move |tcp, peer, guard, admission| {
                let shared = shared2.clone();
                tokio::spawn(async move {
                    let _guard = guard;
                    conn::handle(tcp, peer, shared, admission).await;
                });
            },
        )
        .await;
        // Every connection is sending its 1001 and waiting for the answer.
        let deadline = tokio::time::Instant::now() + SHUTDOWN_WAIT;
        while shared.sockets.load(Ordering::SeqCst) > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        drop(stop);
    }

    /// How many sockets are open (for tests of the accounting).
    pub fn open_sockets(&self) -> Arc<dyn Fn() -> usize + Send + Sync> {
        let shared = self.shared.clone();
        Arc::new(move || shared.sockets.load(Ordering::SeqCst))
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Binds, prints the addresses, and serves until Ctrl-C or SIGTERM, then
/// closes every client with 1001 and waits for their answers.
pub async fn run(config: Config) -> io::Result<()> {
    // A classroom behind one address needs many descriptors: raise the soft limit where allowed.
    if let Err(e) = rlimit::increase_nofile_limit(u64::MAX) {
        warn!(error = %e, "could not raise the open-file limit");
    }
    let server = Server::bind(config).await?;
    let addr = server.local_addr()?;
    // Tests and the xtask read this first line to learn the port.
    println!("wslab-echo listening on ws://{addr}/echo");
    if let Some(tls) = server.tls_addr() {
        println!("wslab-echo listening on wss://{tls}/echo (self-signed certificate)");
    }
    info!(%addr, "listening");
    let stop = server.stopper();
    tokio::spawn(async move {
        stop_signal().await;
        info!("shutting down: closing every connection with 1001");
        let _ = stop.send(true);
    });
    server.serve().await;
    Ok(())
}
