//! The wslab echo server: every text and binary message sent to `/echo` comes
//! back unchanged.

use std::io;
use std::net::SocketAddr;

use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tracing::{debug, info};

/// The path that echoes.
pub const ECHO_PATH: &str = "/echo";

/// Command-line configuration of `wslab-echo`.
#[derive(Parser, Debug, Clone)]
#[command(name = "wslab-echo", version, about = "The wslab echo server")]
pub struct Config {
    /// Address to listen on for ws:// (use port 0 for any free port).
    #[arg(long, default_value = "127.0.0.1:9001")]
    pub listen: SocketAddr,
}

/// Binds the listener and serves until Ctrl-C.
pub async fn run(config: Config) -> io::Result<()> {
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    // Tests and the xtask read this line to learn the port.
    println!("wslab-echo listening on ws://{addr}{ECHO_PATH}");
    info!(%addr, "listening");
    tokio::select! {
        result = serve(listener) => result,
        _ = tokio::signal::ctrl_c() => {
            info!("shutting down");
            Ok(())
        }
    }
}

/// Accepts connections on `listener` forever.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, peer) = listener.accept().await?;
        tokio::spawn(async move {
            if let Err(err) = handle(stream).await {
                debug!(%peer, %err, "connection ended with an error");
            }
        });
    }
}

// tungstenite's callback signature fixes the large error type.
#[allow(clippy::result_large_err)]
async fn handle(stream: TcpStream) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let check_path = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        if req.uri().path() == ECHO_PATH {
            Ok(resp)
        } else {
            let mut err = ErrorResponse::new(Some(format!(
                "no WebSocket endpoint at {}; try {ECHO_PATH}\n",
                req.uri().path()
            )));
            *err.status_mut() = StatusCode::NOT_FOUND;
            Err(err)
        }
    };
    let mut ws = tokio_tungstenite::accept_hdr_async(stream, check_path).await?;
    while let Some(msg) = ws.next().await {
        match msg? {
            msg @ (Message::Text(_) | Message::Binary(_)) => ws.send(msg).await?,
            Message::Close(frame) => {
                debug!(?frame, "client closed");
            }
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
        }
    }
    debug!("connection closed");
    Ok(())
}
