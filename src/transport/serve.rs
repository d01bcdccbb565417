//! The accept loop: TCP connections into hyper, with the two bounds `axum::serve` does not
//! offer. (1) A cap on open connections per client address and in total, applied at accept,
//! before a byte is read: a connection over the cap is closed at once, so one address cannot
//! hold the process's open files (20,200 half-sent requests from one machine used up all
//! 20,000). A connection keeps its place for as long as its socket lives, upgraded WebSockets
//! included. (2) A header-read timeout: a client that does not finish its request's headers in
//! time (slowloris), or leaves a kept-alive connection idle that long, is closed (800 such
//! connections used to stay open for good).

use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::slots::{Full, Slot, Slots};

/// What the loop needs to know.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub connections_per_address: u32,
    pub connections: u32,
    pub header_read_timeout: Duration,
    /// Peers that speak for many clients: they count only towards the total.
    pub trusted_proxies: Vec<IpAddr>,
}

/// Open files kept back from connections: the database pool, logs, bank files, Redis, the
/// runtime's own descriptors.
fn reserve(limit: u64) -> u64 {
    (limit / 10).clamp(64, 1024)
}

/// The soft limit on open files of this process (`/proc/self/limits`), if it says one.
pub fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Connections in total: as configured, else what the open-file limit leaves after the
/// reserve (1,024 when the limit is unknown).
pub fn total_connections(configured: u32) -> u32 {
    if configured > 0 {
        return configured;
    }
    let limit = open_files_limit().unwrap_or(1024);
    (limit.saturating_sub(reserve(limit))).clamp(1, u64::from(u32::MAX)) as u32
}

/// Serves `app` on `listener` until `shutdown` turns true, then lets every connection finish
/// its request and returns once they have.
pub async fn run(
    listener: TcpListener,
    app: Router,
    config: ServeConfig,
    mut shutdown: watch::Receiver<bool>,
) {
    let slots = Slots::new(config.connections_per_address, config.connections);
    // Each connection task holds a receiver; when all are gone, every connection is done.
    let (done_tx, done_rx) = watch::channel(());
    let mut refused = Refusals::default();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            _ = stopped(&mut shutdown) => break,
        };
        let exempt = config.trusted_proxies.contains(&peer.ip());
        let slot = match slots.take_exempt(peer.ip(), exempt) {
            Ok(slot) => slot,
            Err(full) => {
                refused.note(peer.ip(), full);
                // Dropping the stream closes it: the client sees the connection end at once.
                drop(stream);
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(Counted {
            stream,
            _slot: slot,
        });
        let service = TowerToHyperService::new(WithPeer {
            router: app.clone(),
            peer,
        });
        let mut stop = shutdown.clone();
        let done = done_rx.clone();
        let timeout = config.header_read_timeout;
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(timeout);
            let conn = builder.serve_connection(io, service).with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::trace!(error = %e, "connection ended with an error");
                    }
                }
                _ = stopped(&mut stop) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(done);
        });
    }
    drop(listener);
    drop(done_rx);
    done_tx.closed().await;
}

/// Resolves once `shutdown` says stop (or its sender is gone).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// An accepted socket that holds its connection place until it is dropped — by hyper, or by
/// the WebSocket that took it over.
struct Counted {
    stream: TcpStream,
    _slot: Slot,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// The router, with the peer's address for the `ConnectInfo` extractor.
#[derive(Clone)]
struct WithPeer {
    router: Router,
    peer: SocketAddr,
}

impl tower::Service<hyper::Request<Incoming>> for WithPeer {
    type Response = axum::response::Response;
    type Error = Infallible;
    type Future = <Router as tower::Service<hyper::Request<Incoming>>>::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        tower::Service::<hyper::Request<Incoming>>::poll_ready(&mut self.router, cx)
    }

    fn call(&mut self, mut request: hyper::Request<Incoming>) -> Self::Future {
        request.extensions_mut().insert(ConnectInfo(self.peer));
        self.router.call(request)
    }
}

/// Errors of `accept` that concern one connection (it was reset before we took it) are
/// skipped; others (out of open files) are logged and waited out, as `axum::serve` does.
async fn accept_failed(e: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Refused connections, logged at most every 10 s (a flood must not flood the log too).
#[derive(Default)]
struct Refusals {
    since_log: u64,
    logged_at: Option<Instant>,
}

impl Refusals {
    fn note(&mut self, address: IpAddr, full: Full) {
        self.since_log += 1;
        if self
            .logged_at
            .is_some_and(|at| at.elapsed() < Duration::from_secs(10))
        {
            return;
        }
        let cap = match full {
            Full::Address => "per address",
            Full::Total => "in total",
        };
        tracing::warn!(%address, refused = self.since_log, cap, "connections over the cap closed");
        self.since_log = 0;
        self.logged_at = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_leaves_a_reserve_of_open_files() {
        assert_eq!(reserve(20_000), 1024);
        assert_eq!(reserve(1024), 102);
        assert_eq!(reserve(256), 64);
        assert_eq!(total_connections(300), 300);
        let limit = open_files_limit().expect("Linux says its limit");
        assert_eq!(
            u64::from(total_connections(0)),
            limit - reserve(limit),
            "from the process's own limit"
        );
    }
}
