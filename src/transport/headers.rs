//! Headers every response carries so a browser holds the pages to what they are: no content
//! sniffing, no framing by another site (a projector page inside a look-alike site could be
//! clicked through), and on pages a Content-Security-Policy that runs only this server's own
//! scripts and talks only to this server — the pages have no inline script or style, so the
//! policy costs nothing, and a nickname that got past `textContent` still could not run.

use axum::extract::Request;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

pub async fn security(request: Request, next: Next) -> Response {
    // The WebSocket address a page may open: this server's, as the browser named it. `'self'`
    // covers ws: and wss: only in newer browsers; cheap phones run older WebViews.
    let host = request
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .map(str::to_owned);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    let is_page = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_page {
        if let Ok(policy) = HeaderValue::from_str(&policy(host.as_deref())) {
            headers.insert(CONTENT_SECURITY_POLICY, policy);
        }
    }
    response
}

/// The pages' policy; `host` is the `Host` the browser used, for the WebSocket.
fn policy(host: Option<&str>) -> String {
    let sockets = host.map_or(String::new(), |h| format!(" ws://{h} wss://{h}"));
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'{sockets}; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_this_servers_websocket_and_nothing_inline() {
        let p = policy(Some("192.168.1.20:8080"));
        assert!(p.contains("connect-src 'self' ws://192.168.1.20:8080 wss://192.168.1.20:8080;"));
        assert!(!p.contains("unsafe-inline") && !p.contains("unsafe-eval"));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(policy(None).contains("connect-src 'self';"));
    }
}
