//! A private nginx in front of the test's nodes, with the documented several-node site
//! (`docs/deploy/compose/nginx.conf`) and only its addresses moved: the upstreams name the
//! test's nodes instead of `node-a`…`node-c`, and it listens on a free loopback port instead of
//! port 80. Debian's nginx runs in the foreground as the test's own user, everything it writes
//! (pid, logs, temporary files) in a folder of its own; it is killed when dropped.

use std::net::SocketAddr;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::process::free_port;

/// Where Debian's `nginx` package puts the binary (scripts/test.sh installs it when missing).
pub const NGINX: &str = "/usr/sbin/nginx";

/// The documented site, read as it is shipped: the test proves this file, not a copy of it.
const SITE: &str = include_str!("../../docs/deploy/compose/nginx.conf");

/// An nginx process serving the documented site on `addr`.
pub struct Nginx {
    child: Child,
    pub addr: SocketAddr,
    dir: TempDir,
}

impl Nginx {
    /// Starts nginx in front of `nodes` and returns once it listens.
    pub async fn start(nodes: &[SocketAddr]) -> Nginx {
        assert!(
            Path::new(NGINX).exists(),
            "{NGINX} is missing: install Debian's nginx (`apt-get install nginx`, as \
             scripts/test.sh does)"
        );
        let dir = tempfile::tempdir().expect("a folder for nginx");
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
        std::fs::write(dir.path().join("site.conf"), site(nodes, addr)).unwrap();
        std::fs::write(dir.path().join("nginx.conf"), main_conf(dir.path())).unwrap();
        let child = Command::new(NGINX)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            // Before it has read its configuration, nginx writes to the compiled-in log.
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // A group of its own, so that dropping it ends the workers with the master.
            .process_group(0)
            .spawn()
            .expect("nginx starts");
        let mut nginx = Nginx { child, addr, dir };
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return nginx;
            }
            if let Some(status) = nginx.child.try_wait().expect("try_wait") {
                panic!("nginx exited ({status}); its log:\n{}", nginx.log());
            }
            assert!(
                Instant::now() < until,
                "nginx does not listen on {addr}; its log:\n{}",
                nginx.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// nginx's error log, then its access log (which node each request went to).
    pub fn log(&self) -> String {
        let read =
            |name: &str| std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
        format!(
            "error.log:\n{}\naccess.log:\n{}",
            read("error.log"),
            read("access.log")
        )
    }
}

impl Drop for Nginx {
    /// Kills the master and its workers at once: a worker outlives a master killed alone, and
    /// would go on holding its port and the nodes' sockets.
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// The documented site with each upstream server `node-a`, `node-b`, `node-c`… replaced by
/// `nodes[0]`, `nodes[1]`, `nodes[2]`…, and its `listen 80;` by `listen`. Fails if the file no
/// longer has those lines, so the test and the documentation cannot drift apart unnoticed.
fn site(nodes: &[SocketAddr], listen: SocketAddr) -> String {
    let mut named = vec![false; nodes.len()];
    let mut listens = 0;
    let mut out = String::new();
    for line in SITE.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let line = match words.as_slice() {
            // `server node-a:8080 max_fails=0;` in an upstream (not `server {`).
            ["server", at, ..] if at.contains(':') => {
                let letter = at
                    .strip_prefix("node-")
                    .and_then(|rest| rest.bytes().next())
                    .unwrap_or_else(|| panic!("an upstream server named node-…: {line}"));
                let i = usize::from(letter - b'a');
                assert!(
                    i < nodes.len(),
                    "the documented site names more nodes than the test has: {line}"
                );
                named[i] = true;
                line.replacen(at, &nodes[i].to_string(), 1)
            }
            ["listen", "80;"] => {
                listens += 1;
                line.replacen("80;", &format!("{listen};"), 1)
            }
            _ => line.to_owned(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    assert!(
        named.iter().all(|n| *n),
        "the documented site names fewer nodes than the test has"
    );
    assert_eq!(listens, 1, "the documented site listens on port 80 once");
    out
}

/// The main configuration around the site, in the place of the nginx image's (which includes
/// `conf.d/*.conf` in its `http` block), with every path nginx writes inside `dir`.
fn main_conf(dir: &Path) -> String {
    // The folder is the test's own, so its owner is the user the test runs as. As root, nginx
    // would run its workers as `nobody`, who cannot enter the folder.
    let user = if std::fs::metadata(dir).expect("nginx's folder").uid() == 0 {
        "user root;"
    } else {
        ""
    };
    let dir = dir.display();
    format!(
        r#"daemon off;
{user}
# One worker: nginx's round-robin turns per worker, so the test knows how phones spread.
worker_processes 1;
pid "{dir}/nginx.pid";
error_log "{dir}/error.log" warn;
events {{
    worker_connections 1024;
}}
http {{
    log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr';
    access_log "{dir}/access.log" upstream;
    client_body_temp_path "{dir}/client_body";
    proxy_temp_path "{dir}/proxy";
    fastcgi_temp_path "{dir}/fastcgi";
    uwsgi_temp_path "{dir}/uwsgi";
    scgi_temp_path "{dir}/scgi";
    include "{dir}/site.conf";
}}
"#
    )
}
