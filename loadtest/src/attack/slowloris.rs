//! Slowloris: connections that send the start of a request and then nothing, to hold a place
//! on the server. The server closes them when its header-read time is up (or at once, over
//! its per-address cap); each is then opened again, until the siege stops.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;
use tokio::sync::watch;

use super::sources;
use super::tally::{io_outcome, Tally};
use crate::clock::stopped;

/// Half a request: the request line and one header, never the blank line that ends them.
const HALF_REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: siege\r\n";

/// A close sooner than this is the server refusing the connection, not its header timeout.
const AT_ONCE: Duration = Duration::from_secs(1);

/// Slow connection `i`, opened again each time the server closes it, until `stop`.
pub async fn connection(
    server: SocketAddr,
    i: usize,
    tally: Arc<Tally>,
    mut stop: watch::Receiver<bool>,
) {
    let source = sources::slow(i);
    while !*stop.borrow() {
        let started = Instant::now();
        let held = tokio::select! {
            _ = stopped(&mut stop) => return tally.outcome("open when the game ended"),
            held = hold(server, source, &tally) => held,
        };
        let micros = started.elapsed().as_micros() as u64;
        let outcome = match held {
            Held::Closed(None) if started.elapsed() < AT_ONCE => "closed at once".to_owned(),
            Held::Closed(None) => "closed after the header time".to_owned(),
            Held::Closed(Some(status)) => format!("answered HTTP {status}, closed"),
            Held::Failed(what) => {
                tally.outcome(&what);
                // Not a busy loop against a server that refuses every connection.
                sleep_or_stop(AT_ONCE, &mut stop).await;
                continue;
            }
        };
        tally.answered(&outcome, micros);
        if started.elapsed() < AT_ONCE {
            sleep_or_stop(AT_ONCE, &mut stop).await;
        }
    }
}

enum Held {
    /// The server closed the connection, after a status line if it sent one.
    Closed(Option<u16>),
    /// The connection could not be made or written.
    Failed(String),
}

/// Opens one slow connection and waits for the server to end it.
async fn hold(server: SocketAddr, source: std::net::IpAddr, tally: &Tally) -> Held {
    let connect = async {
        let socket = TcpSocket::new_v4()?;
        socket.bind(SocketAddr::new(source, 0))?;
        socket.connect(server).await
    };
    let mut stream = match tokio::time::timeout(Duration::from_secs(10), connect).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => return Held::Failed(io_outcome("connect", &e)),
        Err(_) => return Held::Failed("connect: no answer in 10 s".to_owned()),
    };
    tally.sent(1);
    if let Err(e) = stream.write_all(HALF_REQUEST).await {
        return Held::Failed(io_outcome("write", &e));
    }
    let mut answer = Vec::new();
    // Whatever the server says before closing (hyper closes without a word; a 408 would do).
    let _ = stream.read_to_end(&mut answer).await;
    Held::Closed(status(&answer))
}

/// The status of an HTTP response's first line, if there is one.
fn status(answer: &[u8]) -> Option<u16> {
    let line = answer.split(|&b| b == b'\n').next()?;
    let text = std::str::from_utf8(line).ok()?;
    text.strip_prefix("HTTP/1.")?.get(2..5)?.parse().ok()
}

async fn sleep_or_stop(pause: Duration, stop: &mut watch::Receiver<bool>) {
    tokio::select! {
        _ = stopped(stop) => {}
        _ = tokio::time::sleep(pause) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_line_is_read_and_silence_is_none() {
        assert_eq!(status(b"HTTP/1.1 408 Request Timeout\r\n\r\n"), Some(408));
        assert_eq!(status(b""), None);
        assert_eq!(status(b"garbage"), None);
    }
}
