//! The lines the server prints when it starts: where the teacher opens the admin page and
//! where the class's phones go. A server bound to every interface (`0.0.0.0`) is reached at
//! none of them by that address, so it names the machine's own addresses instead, as
//! `GET /api/network` finds them (`transport::lan`).

use std::net::{Ipv4Addr, SocketAddr};

use crate::transport::lan;

/// The start-up lines for a server listening on `addr`, with `lan` the machine's classroom
/// addresses, best first.
pub fn lines(addr: SocketAddr, lan_addresses: &[Ipv4Addr]) -> Vec<String> {
    let port = addr.port();
    // What the teacher types on this machine: the address itself, or loopback for 0.0.0.0.
    let here = if addr.ip().is_unspecified() {
        format!("127.0.0.1:{port}")
    } else {
        addr.to_string()
    };
    let mut lines = vec![format!(
        "  hoithi: http://{here}/admin.html  (giáo viên, trên máy này / teachers, on this machine)"
    )];
    if !lan::listens_beyond_loopback(addr) {
        lines.push(format!("          http://{here}/  (người chơi / players)"));
        lines.push(format!(
            "  Chỉ máy này vào được. Để điện thoại trong lớp vào được, chạy với {} \
             ({}). / Only this machine can reach it; for phones, run with {}.",
            lan::LAN_FLAG,
            lan::LAN_ENV,
            lan::LAN_FLAG
        ));
    } else if addr.ip().is_unspecified() {
        if lan_addresses.is_empty() {
            lines.push(format!(
                "  Học sinh vào / players: http://<địa chỉ IP của máy này>:{port}/ \
                 (chưa tìm thấy mạng Wi-Fi nào / no network found)"
            ));
        }
        for ip in lan_addresses {
            lines.push(format!("  Học sinh vào / players: http://{ip}:{port}/"));
        }
    } else {
        lines.push(format!("  Học sinh vào / players: http://{here}/"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_server_on_every_interface_names_the_machines_addresses_never_0_0_0_0() {
        let lan = [Ipv4Addr::new(192, 168, 1, 20), Ipv4Addr::new(10, 0, 0, 5)];
        let lines = lines(addr("0.0.0.0:8080"), &lan);
        assert!(lines.iter().all(|l| !l.contains("0.0.0.0")), "{lines:?}");
        assert!(lines[0].contains("http://127.0.0.1:8080/admin.html"));
        assert!(lines[1].ends_with("http://192.168.1.20:8080/"));
        assert!(lines[2].ends_with("http://10.0.0.5:8080/"));
        let none = super::lines(addr("0.0.0.0:8080"), &[]);
        assert!(none.iter().all(|l| !l.contains("0.0.0.0")), "{none:?}");
        assert!(none[1].contains("<địa chỉ IP của máy này>:8080"));
    }

    #[test]
    fn a_server_on_loopback_says_phones_cannot_reach_it_and_how_to_fix_it() {
        let lines = lines(addr("127.0.0.1:8080"), &[Ipv4Addr::new(192, 168, 1, 20)]);
        assert!(lines[0].contains("http://127.0.0.1:8080/admin.html"));
        assert!(lines.iter().any(|l| l.contains("--bind 0.0.0.0")));
        assert!(!lines.iter().any(|l| l.contains("192.168.1.20")));
    }

    #[test]
    fn a_server_on_one_address_names_that_address() {
        let lines = lines(addr("192.168.1.20:80"), &[]);
        assert!(lines[0].contains("http://192.168.1.20:80/admin.html"));
        assert!(lines[1].ends_with("http://192.168.1.20:80/"));
    }
}
