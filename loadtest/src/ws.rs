//! A WebSocket client of the hoithi protocol.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A connection failure, by kind (not by message: ports and addresses would split the counts).
pub fn connect_error(e: &tokio_tungstenite::tungstenite::Error) -> String {
    use tokio_tungstenite::tungstenite::Error;
    match e {
        Error::Io(io) => format!("connect: {:?}", io.kind()),
        Error::Http(response) => format!("connect: HTTP {}", response.status().as_u16()),
        other => format!(
            "connect: {}",
            other.to_string().chars().take(40).collect::<String>()
        ),
    }
}

pub type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub struct Ws {
    pub stream: Stream,
    /// The player's resume token, once joined.
    pub token: String,
    /// The `welcome` message, once received.
    pub welcome: Value,
}

impl Ws {
    /// Connects to `/ws`, with a session cookie for a host screen.
    pub async fn connect(
        addr: SocketAddr,
        cookie: Option<&str>,
    ) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
        Ws::connect_from(addr, None, cookie).await
    }

    /// Connects to `/ws` from a chosen local address (e.g. 127.0.0.2). Thousands of clients
    /// from one address would use up its ephemeral ports and meet the server's per-address
    /// limit on upgrades; spreading them over loopback addresses avoids both.
    pub async fn connect_from(
        addr: SocketAddr,
        source: Option<IpAddr>,
        cookie: Option<&str>,
    ) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
        Ws::connect_path(addr, source, "/ws", cookie).await
    }

    /// As [`Ws::connect_from`], to the endpoint at `path` (`/ws/bell` for Rung chuông vàng).
    pub async fn connect_path(
        addr: SocketAddr,
        source: Option<IpAddr>,
        path: &str,
        cookie: Option<&str>,
    ) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
        let mut request = format!("ws://{addr}{path}").into_client_request()?;
        if let Some(cookie) = cookie {
            let value = cookie
                .parse()
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
            request.headers_mut().insert("cookie", value);
        }
        let socket = match addr {
            SocketAddr::V4(_) => TcpSocket::new_v4()?,
            SocketAddr::V6(_) => TcpSocket::new_v6()?,
        };
        if let Some(ip) = source {
            socket.bind(SocketAddr::new(ip, 0))?;
        }
        let tcp = socket.connect(addr).await?;
        tcp.set_nodelay(true)?;
        // Many clients in one process: keep their buffers small.
        let config = WebSocketConfig::default()
            .read_buffer_size(8 * 1024)
            .write_buffer_size(0);
        let (stream, _) = tokio_tungstenite::client_async_with_config(
            request,
            MaybeTlsStream::Plain(tcp),
            Some(config),
        )
        .await?;
        Ok(Ws {
            stream,
            token: String::new(),
            welcome: Value::Null,
        })
    }

    pub async fn send(&mut self, v: &Value) -> Result<(), tokio_tungstenite::tungstenite::Error> {
        self.stream.send(Message::text(v.to_string())).await
    }

    pub async fn send_text(
        &mut self,
        text: &str,
    ) -> Result<(), tokio_tungstenite::tungstenite::Error> {
        self.stream.send(Message::text(text)).await
    }

    /// The next JSON message, or `None` on timeout, close or error.
    pub async fn try_recv(&mut self, wait: Duration) -> Option<Value> {
        loop {
            let frame = tokio::time::timeout(wait, self.stream.next())
                .await
                .ok()??;
            match frame.ok()? {
                Message::Text(t) => return serde_json::from_str(&t).ok(),
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// Skips messages until one of type `ty`; `None` on timeout or close.
    pub async fn recv_type(&mut self, ty: &str, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let msg = self.try_recv(left).await?;
            if msg["type"] == ty {
                return Some(msg);
            }
        }
    }

    /// Joins a game as a player; `Err` carries the server's error message.
    pub async fn join(&mut self, pin: &str, nickname: &str) -> Result<(), Value> {
        self.join_at(pin, nickname, None).await
    }

    /// Joins as [`Ws::join`], naming the player's school (a province event game needs one).
    pub async fn join_at(
        &mut self,
        pin: &str,
        nickname: &str,
        school: Option<&str>,
    ) -> Result<(), Value> {
        let mut msg = serde_json::json!({"type": "join", "v": 1, "pin": pin, "nickname": nickname});
        if let Some(school) = school {
            msg["school"] = school.into();
        }
        self.send(&msg)
            .await
            .map_err(|e| Value::String(e.to_string()))?;
        let reply = self
            .try_recv(Duration::from_secs(60))
            .await
            .unwrap_or(Value::Null);
        if reply["type"] != "welcome" {
            return Err(reply);
        }
        self.token = reply["token"].as_str().unwrap_or_default().to_owned();
        self.welcome = reply;
        Ok(())
    }

    /// Comes back as the player of `token`; `Err` carries the server's error message.
    pub async fn resume(&mut self, token: &str) -> Result<(), Value> {
        let msg = serde_json::json!({"type": "resume", "v": 1, "token": token});
        self.send(&msg)
            .await
            .map_err(|e| Value::String(e.to_string()))?;
        let reply = self
            .try_recv(Duration::from_secs(60))
            .await
            .unwrap_or(Value::Null);
        if reply["type"] != "welcome" {
            return Err(reply);
        }
        self.token = token.to_owned();
        self.welcome = reply;
        Ok(())
    }
}
