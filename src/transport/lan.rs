//! Where phones in the classroom can reach this server. A teacher who starts hoithi and opens
//! `http://127.0.0.1:8080` gets a projector telling the class to open 127.0.0.1, which on a
//! phone is the phone itself. So the join address is chosen here: the configured public URL;
//! else, when the teacher used a loopback address and the server listens on every interface,
//! one of this machine's LAN addresses; else the address the teacher used. The host page asks
//! `GET /api/network` (transport/http/network.rs) whether phones can reach that address, and
//! says how to fix it when not.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The setting that makes the server listen on the classroom's network (the `--bind` flag of
/// `app::Config`, and its environment variable), as the host page quotes it.
pub const LAN_FLAG: &str = "--bind 0.0.0.0";
pub const LAN_ENV: &str = "HOITHI_BIND=0.0.0.0";

/// This machine's addresses that phones on the same Wi-Fi may reach, best first (see
/// [`classroom_addresses`]). Empty when the interfaces cannot be read.
pub fn lan_addresses() -> Vec<Ipv4Addr> {
    match if_addrs::get_if_addrs() {
        Ok(interfaces) => classroom_addresses(interfaces.iter().map(|i| (i.name.as_str(), i.ip()))),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the network interfaces");
            Vec::new()
        }
    }
}

/// Interface names of virtual networks a phone is never on (containers, virtual machines).
const VIRTUAL: &[&str] = &[
    "docker", "veth", "br-", "virbr", "vmnet", "vboxnet", "lxc", "cni",
];

/// Of `(interface name, address)` pairs, the IPv4 addresses a phone could type: not loopback,
/// link-local (169.254.x: no DHCP answered) or unspecified, not on a virtual bridge. A
/// classroom's Wi-Fi or a laptop's hotspot is a private range, so those come first (192.168
/// before 10 before 172.16–31), then any other. IPv6 is left out: nobody types one on a phone.
pub fn classroom_addresses<'a>(
    interfaces: impl IntoIterator<Item = (&'a str, IpAddr)>,
) -> Vec<Ipv4Addr> {
    let mut found: Vec<Ipv4Addr> = interfaces
        .into_iter()
        .filter(|(name, _)| !VIRTUAL.iter().any(|v| name.starts_with(v)))
        .filter_map(|(_, ip)| match ip {
            IpAddr::V4(v4) if !(v4.is_loopback() || v4.is_link_local() || v4.is_unspecified()) => {
                Some(v4)
            }
            _ => None,
        })
        .collect();
    found.sort_by_key(|ip| {
        let [a, b, ..] = ip.octets();
        let rank = match (a, b) {
            (192, 168) => 0,
            (10, _) => 1,
            (172, 16..=31) => 2,
            _ => 3,
        };
        (rank, *ip)
    });
    found.dedup();
    found
}

/// Whether `host` (a `Host` header or a URL's authority: `127.0.0.1:8080`, `[::1]:8080`,
/// `localhost`) names this machine only: a loopback name, or `0.0.0.0`, which a browser on
/// the server's machine may be given and which a phone would take for itself.
pub fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
}

/// The address players are told to open (without the PIN): `public_url` when configured;
/// else, when the teacher came by a loopback `request_host` and the server listens on every
/// interface, its first LAN address (`lan` is only asked then); else `request_host`.
pub fn join_base(
    public_url: Option<&str>,
    request_host: Option<&str>,
    listen: SocketAddr,
    lan: impl FnOnce() -> Vec<Ipv4Addr>,
) -> String {
    if let Some(url) = public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = request_host.map_or_else(|| listen.to_string(), str::to_owned);
    if is_loopback_host(&host) && listen.ip().is_unspecified() {
        if let Some(ip) = lan().first() {
            return format!("http://{ip}:{}", listen.port());
        }
    }
    format!("http://{host}")
}

/// Whether a server listening on `listen` can be reached from another machine.
pub fn listens_beyond_loopback(listen: SocketAddr) -> bool {
    !listen.ip().is_loopback()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_phone_is_offered_the_classroom_network_first_and_never_loopback_or_a_container() {
        let found = classroom_addresses([
            ("lo", ip("127.0.0.1")),
            ("docker0", ip("172.17.0.1")),
            ("eth0", ip("203.0.113.7")),
            ("wlan0", ip("192.168.1.20")),
            ("enp3s0", ip("10.0.0.5")),
            ("eth1", ip("169.254.3.3")),
            ("wlan0", ip("fe80::1")),
            ("wlan0", ip("192.168.1.20")),
        ]);
        assert_eq!(
            found,
            ["192.168.1.20", "10.0.0.5", "203.0.113.7"].map(|s| s.parse::<Ipv4Addr>().unwrap())
        );
    }

    #[test]
    fn loopback_hosts_are_told_apart_from_reachable_ones() {
        for host in [
            "127.0.0.1:8080",
            "127.1.2.3",
            "localhost:8080",
            "LOCALHOST",
            "[::1]:8080",
            "app.localhost:80",
            "0.0.0.0:8080",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "192.168.1.20:8080",
            "hoithi.daklak.edu.vn",
            "[fd00::2]:8080",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    /// One request for a join address: configured URL, the teacher's `Host`, where the
    /// server listens, whether the machine has a LAN address, and the answer.
    struct Case(
        Option<&'static str>,
        &'static str,
        &'static str,
        bool,
        &'static str,
    );

    #[test]
    fn the_join_address_is_one_phones_can_reach_when_the_server_listens_for_them() {
        let cases = [
            // configured: always that
            Case(
                Some("http://lop.example/"),
                "127.0.0.1:8080",
                "0.0.0.0:8080",
                true,
                "http://lop.example",
            ),
            // teacher on loopback, server on every interface: the LAN address
            Case(
                None,
                "127.0.0.1:8080",
                "0.0.0.0:8080",
                true,
                "http://192.168.1.20:8080",
            ),
            Case(
                None,
                "localhost:8080",
                "0.0.0.0:8080",
                true,
                "http://192.168.1.20:8080",
            ),
            Case(
                None,
                "localhost:8080",
                "[::]:8080",
                true,
                "http://192.168.1.20:8080",
            ),
            // teacher already on a LAN address: kept
            Case(
                None,
                "10.1.1.1:8080",
                "0.0.0.0:8080",
                true,
                "http://10.1.1.1:8080",
            ),
            // server on loopback only: nothing better to offer (the page warns)
            Case(
                None,
                "127.0.0.1:8080",
                "127.0.0.1:8080",
                true,
                "http://127.0.0.1:8080",
            ),
            // no LAN at all
            Case(
                None,
                "127.0.0.1:8080",
                "0.0.0.0:8080",
                false,
                "http://127.0.0.1:8080",
            ),
        ];
        for Case(public, host, listen, has_lan, want) in cases {
            let lan = || {
                if has_lan {
                    vec![Ipv4Addr::new(192, 168, 1, 20)]
                } else {
                    Vec::new()
                }
            };
            let got = join_base(public, Some(host), listen.parse().unwrap(), lan);
            assert_eq!(got, want, "{public:?} {host} {listen}");
        }
    }
}
