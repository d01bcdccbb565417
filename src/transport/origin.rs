//! Where a browser says a request comes from (`Origin`), checked the same way for the API's
//! state-changing requests (`csrf.rs`) and the WebSocket upgrade (`ws.rs`).

use axum::http::header::{HOST, ORIGIN};
use axum::http::HeaderMap;

/// What a request's `Origin` says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// No `Origin` header: not a browser's cross-site request (tools, native clients), or a
    /// browser hiding it.
    Missing,
    /// This server's own pages, or an origin the configuration allows.
    Allowed,
    /// Another site, or a header that cannot be read.
    Foreign,
}

/// Classifies `headers`' `Origin` against this server's `Host` and the `allowed` origins.
pub fn of(headers: &HeaderMap, allowed: &[String]) -> Origin {
    let Some(origin) = headers.get(ORIGIN) else {
        return Origin::Missing;
    };
    // Present but unreadable is no origin we know.
    let Ok(origin) = origin.to_str() else {
        return Origin::Foreign;
    };
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let own = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        == Some(host);
    if own || allowed.iter().any(|a| a == origin) {
        Origin::Allowed
    } else {
        Origin::Foreign
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(HOST, "192.168.1.20:8080".parse().unwrap());
        if let Some(o) = origin {
            h.insert(ORIGIN, o.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_servers_own_pages_and_configured_origins_are_allowed() {
        let allowed = ["https://hoithi.daklak.edu.vn".to_owned()];
        assert_eq!(
            of(&headers(Some("http://192.168.1.20:8080")), &allowed),
            Origin::Allowed
        );
        assert_eq!(
            of(&headers(Some("https://192.168.1.20:8080")), &allowed),
            Origin::Allowed
        );
        assert_eq!(
            of(&headers(Some("https://hoithi.daklak.edu.vn")), &allowed),
            Origin::Allowed
        );
        assert_eq!(
            of(&headers(Some("http://evil.example")), &allowed),
            Origin::Foreign
        );
        assert_eq!(
            of(
                &headers(Some("http://192.168.1.20:8080.evil.example")),
                &allowed
            ),
            Origin::Foreign
        );
        assert_eq!(of(&headers(None), &allowed), Origin::Missing);
    }
}
