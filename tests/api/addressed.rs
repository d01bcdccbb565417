//! Clients from a chosen loopback address (127.0.0.0/8 has them all): HTTP requests and half
//! requests, as another school, an attacker or a slowloris client sends them.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// `127.0.0.{last}`.
pub fn loopback(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

/// A TCP connection to `server` from `from`.
pub async fn connect_from(server: SocketAddr, from: IpAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    socket.connect(server).await
}

/// What came back: the status (0 when the connection ended without a response), the headers'
/// text and the JSON body (`Null` when not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub json: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }
}

/// One request with a JSON body (or none) from `from`, with this server's Origin as a page
/// of it sends.
pub async fn http_from(
    server: SocketAddr,
    from: IpAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<Answer> {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {server}\r\nOrigin: http://{server}\r\n\
         Connection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(cookie) = cookie {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = connect_from(server, from).await?;
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return Ok(Answer {
            status: 0,
            head: text.into_owned(),
            json: Value::Null,
        });
    };
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(Answer {
        status,
        head: head.to_owned(),
        json: serde_json::from_str(body).unwrap_or(Value::Null),
    })
}

/// Signs in from `from`: the cookie, or the status and body of the refusal.
pub async fn sign_in_from(
    server: SocketAddr,
    from: IpAddr,
    user: &str,
    password: &str,
) -> Result<String, (u16, Value)> {
    let body = serde_json::json!({"username": user, "password": password});
    let answer = http_from(server, from, "POST", "/api/session", None, Some(&body))
        .await
        .map_err(|e| (0, Value::String(e.to_string())))?;
    match answer.header("set-cookie") {
        Some(cookie) if answer.status == 200 => {
            Ok(cookie.split(';').next().unwrap_or_default().to_owned())
        }
        _ => Err((answer.status, answer.json)),
    }
}

/// Whether the server has closed `stream` (end of file or reset) within `wait`.
pub async fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let until = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(until, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            // A response (a 408 or an error page) before the close: keep reading.
            Ok(Ok(_)) => continue,
        }
    }
}
