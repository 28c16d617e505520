//! The wslab echo server.
//!
//! - `/echo` sends every text and binary message back unchanged. With
//!   `?session=ID` (an id `/tap` issued) its raw bytes are tapped; with
//!   `?ping=N` the server pings every N seconds; with `?close=N` it closes
//!   first after N seconds. Parameters and their ranges: `wire::endpoint`.
//! - `/tap` issues a session, then passes on the handshake and every byte of
//!   the `/echo` connection that claims it (`wire::tap` items).
//! - `/legacy-proxy` answers the Upgrade with a plain HTTP page, as an old proxy would.
//! - `/idle?timeout=N` echoes, but drops the TCP connection after N seconds
//!   without traffic in either direction, as an idle-timeout proxy would.
//!
//! The opening handshake is checked and answered by `wire`; frames are
//! handled by tokio-tungstenite.

mod config;
mod conn;
pub mod tap;
mod tls;

use std::io;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::{info, warn};

pub use config::Config;
use conn::Shared;

/// A server bound to its ports, ready to serve.
pub struct Server {
    listener: TcpListener,
    tls: Option<(TcpListener, tokio_rustls::TlsAcceptor)>,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
}

impl Server {
    /// Binds the ws:// port (and the wss:// one, unless `no_tls`).
    pub async fn bind(config: Config) -> io::Result<Server> {
        let listener = TcpListener::bind(config.listen).await?;
        let tls = if config.no_tls {
            None
        } else {
            Some((
                TcpListener::bind(config.tls_listen).await?,
                tls::acceptor()?,
            ))
        };
        let (stop, shutdown) = watch::channel(false);
        let shared = Arc::new(Shared {
            config,
            open: AtomicUsize::new(0),
            taps: tap::Taps::default(),
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

    /// Serves until the stopper fires.
    pub async fn serve(self) {
        let Server {
            listener,
            tls,
            shared,
            stop,
        } = self;
        let mut shutdown = shared.shutdown.clone();
        if let Some((tls_listener, acceptor)) = tls {
            let shared = shared.clone();
            let mut shutdown = shared.shutdown.clone();
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        accepted = tls_listener.accept() => {
                            let Ok((tcp, peer)) = accepted else { continue };
                            let shared = shared.clone();
                            let acceptor = acceptor.clone();
                            tokio::spawn(async move {
                                let timeout = shared.config.handshake_timeout();
                                if let Ok(Ok(stream)) = tokio::time::timeout(timeout, acceptor.accept(tcp)).await {
                                    conn::handle(stream, peer, shared).await;
                                }
                            });
                        }
                        _ = shutdown.changed() => break,
                    }
                }
            });
        }
        loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((tcp, peer)) => {
                        let _ = tcp.set_nodelay(true);
                        tokio::spawn(conn::handle(tcp, peer, shared.clone()));
                    }
                    // Out of file descriptors and the like: keep serving the others.
                    Err(e) => {
                        warn!(error = %e, "accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    }
                },
                _ = shutdown.changed() => break,
            }
        }
        // Give connections a moment to send their Close frames.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        drop(stop);
    }
}

/// Binds, prints the addresses, and serves until Ctrl-C, then closes every client with 1001.
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
        if tokio::signal::ctrl_c().await.is_ok() {
            info!("shutting down: closing every connection with 1001");
            let _ = stop.send(true);
        }
    });
    server.serve().await;
    Ok(())
}
