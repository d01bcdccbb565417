//! A minimal HTTP/1.1 client: one request per connection, JSON in, bytes out. Enough for the
//! management API, without pulling a full client into the build.

use std::net::SocketAddr;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

/// Sends one request with a JSON body (or none) and reads the whole response.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<Response> {
    match body {
        Some(b) => {
            request_bytes(
                addr,
                method,
                path,
                cookie,
                Some(("application/json", b.to_string().as_bytes())),
            )
            .await
        }
        None => request_bytes(addr, method, path, cookie, None).await,
    }
}

/// Sends one request with a body of the given content type and reads the whole response.
pub async fn request_bytes(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> std::io::Result<Response> {
    let len = body.map_or(0, |(_, b)| b.len());
    // The server's own origin, as a browser on its pages sends it: state-changing requests
    // without one are refused (CSRF).
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nConnection: close\r\nContent-Length: {len}\r\n");
    if let Some((content_type, _)) = body {
        req.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    if let Some(cookie) = cookie {
        req.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    if let Some((_, b)) = body {
        bytes.extend_from_slice(b);
    }
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(&bytes).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut bytes = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        bytes = dechunk(&bytes);
    }
    Ok(Response {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&data[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || data.len() < eol + 2 + size {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
    out
}

/// Signs in and returns the session cookie (`name=value`).
pub async fn sign_in(addr: SocketAddr, user: &str, password: &str) -> Result<String, Response> {
    let body = serde_json::json!({"username": user, "password": password});
    let resp = request(addr, "POST", "/api/session", None, Some(&body))
        .await
        .map_err(|e| Response {
            status: 0,
            headers: Vec::new(),
            body: e.to_string(),
            bytes: Vec::new(),
        })?;
    match resp.header("set-cookie") {
        Some(cookie) if resp.status == 200 => {
            Ok(cookie.split(';').next().unwrap_or_default().to_owned())
        }
        _ => Err(resp),
    }
}
