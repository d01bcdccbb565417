//! The coordinator's side of the worker processes: starts them (this same executable with the
//! hidden `worker` subcommand), hands each its share, passes marks on, follows their progress
//! and gathers their reports. A worker is killed when the fleet is dropped.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::wire::{FromWorker, Progress, ToWorker, WorkerConfig, WorkerReport};

pub struct Fleet {
    children: Vec<Child>,
    stdins: Vec<ChildStdin>,
    /// Each worker's latest progress, read by the progress line too.
    pub progress: Arc<Mutex<Vec<Progress>>>,
    reports: mpsc::UnboundedReceiver<WorkerReport>,
    /// Workers whose stdout closed (finished or died).
    gone: Arc<Mutex<usize>>,
}

impl Fleet {
    pub async fn spawn(configs: Vec<WorkerConfig>) -> anyhow::Result<Fleet> {
        let exe = std::env::current_exe().context("finding this executable to start workers")?;
        let progress = Arc::new(Mutex::new(vec![Progress::default(); configs.len()]));
        let gone = Arc::new(Mutex::new(0));
        let (tx, reports) = mpsc::unbounded_channel();
        let (mut children, mut stdins) = (Vec::new(), Vec::new());
        for config in configs {
            let mut child = Command::new(&exe)
                .arg("worker")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .kill_on_drop(true)
                .spawn()
                .context("starting a worker process")?;
            let mut stdin = child.stdin.take().context("worker stdin")?;
            let stdout = child.stdout.take().context("worker stdout")?;
            let mut line = serde_json::to_string(&config)?;
            line.push('\n');
            stdin.write_all(line.as_bytes()).await?;
            let (progress, gone, tx, index) =
                (progress.clone(), gone.clone(), tx.clone(), config.index);
            tokio::spawn(async move {
                let mut lines = BufReader::new(stdout).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    match serde_json::from_str(&line) {
                        Ok(FromWorker::Progress(p)) => lock(&progress)[index] = p,
                        Ok(FromWorker::Report(r)) => {
                            lock(&progress)[index] = r.progress;
                            let _ = tx.send(*r);
                        }
                        Err(_) => {}
                    }
                }
                *lock(&gone) += 1;
            });
            children.push(child);
            stdins.push(stdin);
        }
        Ok(Fleet {
            children,
            stdins,
            progress,
            reports,
            gone,
        })
    }

    pub fn len(&self) -> usize {
        self.children.len()
    }

    /// The workers' counters, added up.
    pub fn totals(&self) -> Progress {
        total(&lock(&self.progress))
    }

    /// Every worker has seated all its clients (or given up on some), or has ended.
    pub fn all_joined(&self) -> bool {
        let gone = *lock(&self.gone);
        gone == self.len() || lock(&self.progress).iter().all(|p| p.join_done)
    }

    /// Tells every worker that event `id` was sent at `at_us`.
    pub async fn mark(&mut self, id: u64, at_us: u64) {
        self.tell(&ToWorker::Mark { id, at_us }).await;
    }

    async fn tell(&mut self, msg: &ToWorker) {
        let Ok(mut line) = serde_json::to_string(msg) else {
            return;
        };
        line.push('\n');
        for stdin in &mut self.stdins {
            // A worker that has ended cannot be told anything; its report says what it did.
            let _ = stdin.write_all(line.as_bytes()).await;
            let _ = stdin.flush().await;
        }
    }

    /// Waits for the workers' reports: `finish` for them to end by themselves, then they are
    /// told to stop, and `grace` later the stragglers are killed.
    pub async fn reports(mut self, finish: Duration, grace: Duration) -> Vec<WorkerReport> {
        let mut got = Vec::new();
        let until = Instant::now() + finish;
        while got.len() < self.len() {
            match tokio::time::timeout_at(until, self.reports.recv()).await {
                Ok(Some(r)) => got.push(r),
                _ => break,
            }
        }
        if got.len() < self.len() {
            self.tell(&ToWorker::Stop).await;
            let until = Instant::now() + grace;
            while got.len() < self.len() {
                match tokio::time::timeout_at(until, self.reports.recv()).await {
                    Ok(Some(r)) => got.push(r),
                    _ => break,
                }
            }
        }
        for child in &mut self.children {
            // Ours, started above: killing by handle touches nothing else.
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
        got
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn total(all: &[Progress]) -> Progress {
    all.iter().fold(Progress::default(), |mut t, p| {
        t.joined += p.joined;
        t.failed += p.failed;
        t.answers += p.answers;
        t.acks += p.acks;
        t.updates += p.updates;
        t.errors += p.errors;
        t.finished += p.finished;
        t.join_done = all.iter().all(|p| p.join_done);
        t
    })
}
