//! What the coordinator does in every scenario: split the clients over worker processes,
//! start them, watch the server's memory, wait for the clients to be seated, and put the
//! report together. The scenarios (`live`, `viewers`, `siege`) drive the server in between.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::cli::Args;
use crate::clock::now_us;
use crate::fleet::Fleet;
use crate::procfs;
use crate::progress::{self, Status};
use crate::report::{Report, ServerMemory};
use crate::wire::{Role, WorkerConfig};

pub struct Run {
    pub server: SocketAddr,
    /// Every `--url`, `server` first.
    pub servers: Vec<SocketAddr>,
    pub epoch_us: u64,
    /// Everything stops by this instant (`--timeout`).
    pub deadline: Instant,
    pub status: Arc<Status>,
    pub memory: ServerMemory,
    pub report: Report,
    progress: Option<JoinHandle<()>>,
    peak: Option<(JoinHandle<()>, Arc<AtomicU64>)>,
    overflows_before: Option<u64>,
}

impl Run {
    pub fn begin(args: &Args, scenario: &'static str, noun: &'static str) -> anyhow::Result<Run> {
        let servers = args.servers().map_err(anyhow::Error::msg)?;
        let server = servers[0];
        let pid = args
            .server_pid
            .or_else(|| procfs::listening_pid(server.port()));
        let memory = ServerMemory {
            pid,
            idle_kb: pid.and_then(procfs::vm_rss_kb),
            ..ServerMemory::default()
        };
        let report = Report {
            scenario,
            command: redacted(std::env::args()),
            started_at_unix_ms: now_us() / 1000,
            clients: args.clients(),
            procs: args.procs(),
            source_addresses: args.source_addrs(server).len(),
            ..Report::default()
        };
        let status = Arc::new(Status {
            stage: Mutex::new("starting".into()),
            workers: Arc::default(),
            clients: args.clients(),
            noun,
        });
        Ok(Run {
            server,
            servers,
            epoch_us: now_us(),
            deadline: Instant::now() + args.timeout,
            status,
            memory,
            report,
            progress: None,
            peak: None,
            overflows_before: procfs::listen_overflows(),
        })
    }

    /// Starts the workers, each with its share of the clients.
    pub async fn spawn(&mut self, args: &Args, role: Role) -> anyhow::Result<Fleet> {
        self.spawn_each(args, |_, _| role.clone()).await
    }

    /// Starts the workers, each with its share of the clients and a role of its own:
    /// `role(first, share)` for the worker of clients `first..first + share`.
    pub async fn spawn_each(
        &mut self,
        args: &Args,
        role: impl Fn(usize, usize) -> Role,
    ) -> anyhow::Result<Fleet> {
        let procs = args.procs();
        let clients = args.clients();
        let sources = args.source_addrs(self.server);
        let deadline_us = self.epoch_us + args.timeout.as_micros() as u64;
        let mut first = 0;
        let configs = (0..procs)
            .map(|index| {
                let share = clients / procs + usize::from(index < clients % procs);
                let config = WorkerConfig {
                    index,
                    server: self.server,
                    servers: self.servers.clone(),
                    sources: sources.clone(),
                    first,
                    clients: share,
                    connect_concurrency: (args.connect_concurrency / procs).max(1),
                    epoch_us: self.epoch_us,
                    deadline_us,
                    role: role(first, share),
                };
                first += share;
                config
            })
            .collect();
        let fleet = Fleet::spawn(configs).await?;
        // The line shows what the workers report.
        let status = Arc::new(Status {
            stage: Mutex::new("joining".into()),
            workers: fleet.progress.clone(),
            clients,
            noun: self.status.noun,
        });
        self.status = status;
        self.progress = Some(progress::show(self.status.clone()));
        self.sample_memory();
        Ok(fleet)
    }

    /// Starts sampling the server's memory for its peak (once; the siege starts it before
    /// its attackers, the other scenarios with their clients).
    pub fn sample_memory(&mut self) {
        let Some(pid) = self.memory.pid.filter(|_| self.peak.is_none()) else {
            return;
        };
        let peak = Arc::new(AtomicU64::new(self.memory.idle_kb.unwrap_or(0)));
        let p = peak.clone();
        let task = tokio::spawn(async move {
            loop {
                if let Some(kb) = procfs::vm_rss_kb(pid) {
                    p.fetch_max(kb, Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        });
        self.peak = Some((task, peak));
    }

    /// Waits until every client is seated (or has given up); false at the deadline.
    pub async fn seated(&mut self, fleet: &Fleet) -> bool {
        while !fleet.all_joined() {
            if Instant::now() >= self.deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Let the server finish what the last joins started before reading its memory.
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.memory.joined_kb = self.memory.pid.and_then(procfs::vm_rss_kb);
        true
    }

    pub fn cut_short(&mut self, why: impl std::fmt::Display) {
        if self.report.incomplete_because.is_none() {
            self.report.incomplete_because = Some(why.to_string());
        }
    }

    /// The report, with the memory figures; stops the progress line.
    pub fn end(mut self) -> Report {
        if let Some(task) = self.progress.take() {
            progress::finish(task);
        }
        if let Some((task, peak)) = self.peak.take() {
            task.abort();
            self.memory.peak_kb = Some(peak.load(Relaxed));
        }
        self.memory.settle(self.report.joined);
        self.memory.listen_overflows = self
            .overflows_before
            .zip(procfs::listen_overflows())
            .map(|(before, after)| after.saturating_sub(before));
        let mut report = self.report;
        report.server = self.memory;
        report.completed = report.incomplete_because.is_none();
        report
    }
}

/// The command line as given, without the password: the report is a file people share.
fn redacted(args: impl Iterator<Item = String>) -> String {
    let mut out = Vec::new();
    let mut hide_next = false;
    for arg in args {
        if hide_next {
            out.push("***".to_owned());
            hide_next = false;
        } else if arg == "--admin-password" {
            hide_next = true;
            out.push(arg);
        } else if arg.starts_with("--admin-password=") {
            out.push("--admin-password=***".to_owned());
        } else {
            out.push(arg);
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_stays_out_of_the_report() {
        let args = [
            "loadtest",
            "--admin-password",
            "secret",
            "--players",
            "5",
            "--admin-password=also",
        ];
        let line = redacted(args.iter().map(|a| a.to_string()));
        assert_eq!(
            line,
            "loadtest --admin-password *** --players 5 --admin-password=***"
        );
    }
}
