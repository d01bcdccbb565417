//! A participant's device as the server sees it: one HTTP/1.1 connection kept alive between
//! requests that follow each other closely (sign-in → start, prediction → submission), as a
//! phone's browser keeps it, and a fresh one after a pause (the server closes a connection
//! that sends nothing for 10 s; a device here never reuses one idle for more than
//! [`KEEP_IDLE`], and lets it go before a longer pause). It holds the session cookie.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HeaderValue, CONTENT_TYPE, COOKIE, HOST, ORIGIN, SET_COOKIE};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpSocket;
use tokio::time::Instant;

/// A connection idle this long is not used again: well inside the server's 10 s header
/// timeout, so a request never meets a connection the server is closing.
pub const KEEP_IDLE: Duration = Duration::from_secs(4);

pub struct Device {
    server: SocketAddr,
    source: Option<IpAddr>,
    conn: Option<(SendRequest<Full<Bytes>>, Instant)>,
    cookie: Option<String>,
    /// TCP connections this device opened.
    pub connects: u64,
}

/// What came back: the status and the body as JSON (`Null` if it is not JSON).
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The refusal's `code`, or the status when there is none.
    pub fn code(&self) -> String {
        match self.body["code"].as_str() {
            Some(code) => code.to_owned(),
            None => "no code".to_owned(),
        }
    }

    /// How long the server asks to wait before trying again (429, 503).
    pub fn retry_after(&self) -> Option<Duration> {
        self.body["retry_after_ms"]
            .as_u64()
            .map(Duration::from_millis)
    }
}

impl Device {
    pub fn new(server: SocketAddr, source: Option<IpAddr>) -> Device {
        Device {
            server,
            source,
            conn: None,
            cookie: None,
            connects: 0,
        }
    }

    /// Lets the connection go (before a pause longer than [`KEEP_IDLE`]).
    pub fn rest(&mut self) {
        self.conn = None;
    }

    /// Sends one request with a JSON body and reads the whole response; a `Set-Cookie` in it
    /// becomes the device's cookie.
    pub async fn call(
        &mut self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> std::io::Result<Reply> {
        let mut sender = self.sender().await?;
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.server.to_string())
            // The server's own origin, as its pages send it (state-changing requests without
            // one are refused).
            .header(ORIGIN, format!("http://{}", self.server));
        if body.is_some() {
            req = req.header(CONTENT_TYPE, "application/json");
        }
        if let Some(cookie) = &self.cookie {
            let value = HeaderValue::from_str(cookie).map_err(std::io::Error::other)?;
            req = req.header(COOKIE, value);
        }
        let payload = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
        let req = req
            .body(Full::new(payload))
            .map_err(std::io::Error::other)?;
        let resp = sender
            .send_request(req)
            .await
            .map_err(std::io::Error::other)?;
        let status = resp.status().as_u16();
        if let Some(set) = resp.headers().get(SET_COOKIE) {
            let text = String::from_utf8_lossy(set.as_bytes());
            self.cookie = text.split(';').next().map(str::to_owned);
        }
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map_err(std::io::Error::other)?
            .to_bytes();
        // Kept for the next request unless the server is closing it.
        if !sender.is_closed() {
            self.conn = Some((sender, Instant::now()));
        }
        Ok(Reply {
            status,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        })
    }

    /// The kept connection if it is fresh and open, else a new one.
    async fn sender(&mut self) -> std::io::Result<SendRequest<Full<Bytes>>> {
        if let Some((mut sender, used)) = self.conn.take() {
            if used.elapsed() < KEEP_IDLE && sender.ready().await.is_ok() {
                return Ok(sender);
            }
        }
        let socket = match self.server {
            SocketAddr::V4(_) => TcpSocket::new_v4()?,
            SocketAddr::V6(_) => TcpSocket::new_v6()?,
        };
        if let Some(ip) = self.source {
            socket.bind(SocketAddr::new(ip, 0))?;
        }
        let stream = socket.connect(self.server).await?;
        stream.set_nodelay(true)?;
        self.connects += 1;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(std::io::Error::other)?;
        // Drives the socket until the sender is dropped or the server closes it.
        tokio::spawn(connection);
        Ok(sender)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_says_its_code_and_when_to_come_back() {
        let busy = Reply {
            status: 503,
            body: serde_json::json!({"code": "server_busy", "message": "…", "retry_after_ms": 250}),
        };
        assert!(!busy.ok());
        assert_eq!(busy.code(), "server_busy");
        assert_eq!(busy.retry_after(), Some(Duration::from_millis(250)));
        let bare = Reply {
            status: 502,
            body: Value::Null,
        };
        assert_eq!(
            (bare.code().as_str(), bare.retry_after()),
            ("no code", None)
        );
        assert!(Reply {
            status: 201,
            body: Value::Null
        }
        .ok());
    }
}
