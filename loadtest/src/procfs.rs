//! The server's memory, read from /proc: its resident set (`VmRSS`), and its process id found
//! from the port it listens on when not given.

use std::fs;

/// The process listening on TCP `port`, if this user may see it.
pub fn listening_pid(port: u16) -> Option<u32> {
    let inodes: Vec<String> = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|path| fs::read_to_string(path).ok())
        .flat_map(|table| listening_inodes(&table, port))
        .collect();
    if inodes.is_empty() {
        return None;
    }
    let wanted: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(fds) = fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if let Ok(target) = fs::read_link(fd.path()) {
                if wanted.iter().any(|w| target.as_os_str() == w.as_str()) {
                    return Some(pid);
                }
            }
        }
    }
    None
}

/// Inodes of the sockets listening on `port` in a /proc/net/tcp table.
fn listening_inodes(table: &str, port: u16) -> Vec<String> {
    const LISTEN: &str = "0A";
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let local_port = fields.get(1)?.rsplit(':').next()?;
            let listening =
                u16::from_str_radix(local_port, 16).ok()? == port && *fields.get(3)? == LISTEN;
            listening.then(|| fields.get(9).map(|s| s.to_string()))?
        })
        .collect()
}

/// The resident set of `pid`, in KiB.
pub fn vm_rss_kb(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    field_kb(&status, "VmRSS:")
}

/// Connections the kernel dropped because a listener's accept queue was full, machine-wide
/// (`ListenOverflows` of /proc/net/netstat). A dropped SYN is retried after a second, which
/// shows as joins taking just over 1 s.
pub fn listen_overflows() -> Option<u64> {
    netstat_field(
        &fs::read_to_string("/proc/net/netstat").ok()?,
        "TcpExt:",
        "ListenOverflows",
    )
}

fn netstat_field(table: &str, prefix: &str, name: &str) -> Option<u64> {
    let mut rows = table.lines().filter(|l| l.starts_with(prefix));
    let (names, values) = (rows.next()?, rows.next()?);
    let at = names.split_whitespace().position(|n| n == name)?;
    values.split_whitespace().nth(at)?.parse().ok()
}

fn field_kb(status: &str, name: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listening_socket_is_found_by_its_port() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 0100007F:205A 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 424242 1 0000000000000000 100 0 0 10 0\n\
   1: 0100007F:205A 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 515151 1 0000000000000000 20 4 30 10 -1\n";
        assert_eq!(listening_inodes(table, 8282), vec!["424242".to_owned()]);
        assert!(listening_inodes(table, 8080).is_empty());
    }

    #[test]
    fn listen_overflows_are_read_by_name() {
        let table = "TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 116 116\nIpExt: InNoRoutes\nIpExt: 0\n";
        assert_eq!(
            netstat_field(table, "TcpExt:", "ListenOverflows"),
            Some(116)
        );
        assert_eq!(netstat_field(table, "TcpExt:", "Nothing"), None);
    }

    #[test]
    fn our_own_resident_set_is_read() {
        assert!(vm_rss_kb(std::process::id()).is_some_and(|kb| kb > 0));
        assert_eq!(field_kb("VmRSS:\t  20480 kB\n", "VmRSS:"), Some(20480));
    }
}
