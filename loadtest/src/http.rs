//! An HTTP/1.1 client for the management API over hyper's client connection: one request per
//! connection (the server's pages keep connections alive; a tool that opens a fresh one each
//! time never meets the header-read timeout between requests), JSON or raw bytes in, the
//! whole response out. hyper's pooled client would add a pool and a resolver this tool does
//! not need; the connection handshake is all of it that is used.

use std::net::{IpAddr, SocketAddr};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{HeaderValue, CONNECTION, CONTENT_TYPE, COOKIE, HOST, ORIGIN};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpSocket;

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
    let json = body.map(Value::to_string);
    let body = json
        .as_deref()
        .map(|text| ("application/json", text.as_bytes()));
    request_from(addr, None, method, path, cookie, body).await
}

/// Sends one request with a body of the given content type and reads the whole response.
pub async fn request_bytes(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> std::io::Result<Response> {
    request_from(addr, None, method, path, cookie, body).await
}

/// [`request_bytes`] from a chosen local address (e.g. 127.0.0.12): the server keeps its
/// per-address limits by the peer address, so another address is another school.
pub async fn request_from(
    addr: SocketAddr,
    source: Option<IpAddr>,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> std::io::Result<Response> {
    let invalid = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, what);
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| invalid(format!("not an HTTP method: {method}")))?;
    let mut req = Request::builder()
        .method(method)
        .uri(encode_path(path))
        .header(HOST, addr.to_string())
        // The server's own origin, as a browser on its pages sends it: state-changing
        // requests without one are refused (CSRF).
        .header(ORIGIN, format!("http://{addr}"))
        .header(CONNECTION, "close");
    if let Some((content_type, _)) = body {
        req = req.header(CONTENT_TYPE, content_type);
    }
    if let Some(cookie) = cookie {
        let value = HeaderValue::from_str(cookie)
            .map_err(|_| invalid(format!("not a cookie header value: {cookie:?}")))?;
        req = req.header(COOKIE, value);
    }
    // A body of known length: hyper sends `Content-Length` for it (0 when there is none).
    let payload = Full::new(Bytes::copy_from_slice(body.map_or(&[][..], |(_, b)| b)));
    let req = req
        .body(payload)
        .map_err(|e| invalid(format!("request for {path}: {e}")))?;

    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    if let Some(ip) = source {
        socket.bind(SocketAddr::new(ip, 0))?;
    }
    let stream = socket.connect(addr).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(std::io::Error::other)?;
    // The connection task drives the socket; it ends when the server closes it, which it
    // does after this one response (`Connection: close`), or when the request fails.
    tokio::spawn(connection);
    let resp = sender
        .send_request(req)
        .await
        .map_err(std::io::Error::other)?;
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
            (k.as_str().to_owned(), value)
        })
        .collect();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes()
        .to_vec();
    Ok(Response {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    })
}

/// `path` as a request target: bytes a URI may not hold (spaces, Vietnamese letters…)
/// percent-encoded, as a browser sends them; what is already valid is left alone.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_graphic() {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sent_as_a_browser_encodes_them() {
        assert_eq!(
            encode_path("/api/units/schools/import?file=truong.csv"),
            "/api/units/schools/import?file=truong.csv"
        );
        assert_eq!(
            encode_path("/api/banks/import?file=Đề thi.xlsx"),
            "/api/banks/import?file=%C4%90%E1%BB%81%20thi.xlsx"
        );
        let uri: hyper::Uri = encode_path("/a b/ư?x=ơ").parse().unwrap();
        assert_eq!(uri.path(), "/a%20b/%C6%B0");
    }
}
