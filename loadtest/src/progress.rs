//! The progress line on stderr: what the workers report, added up, and where the run is.
//! Redrawn in place a few times a second on a terminal; a plain line every few seconds when
//! stderr is a file.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::fleet::total;
use crate::wire::Progress;

pub struct Status {
    /// Where the run is ("joining", "question 2/5"…), set by the coordinator.
    pub stage: Mutex<String>,
    pub workers: Arc<Mutex<Vec<Progress>>>,
    /// Clients asked for.
    pub clients: usize,
    /// What the clients are called on the line.
    pub noun: &'static str,
}

impl Status {
    pub fn set(&self, stage: impl Into<String>) {
        *self.stage.lock().unwrap_or_else(|p| p.into_inner()) = stage.into();
    }

    fn line(&self, elapsed: Duration) -> String {
        let p = total(&self.workers.lock().unwrap_or_else(|p| p.into_inner()));
        let stage = self.stage.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut line = format!(
            "[{:>6.1}s] {stage} · {} {}/{}",
            elapsed.as_secs_f64(),
            self.noun,
            p.joined,
            self.clients
        );
        if p.failed > 0 {
            line.push_str(&format!(" ({} failed)", p.failed));
        }
        if p.answers > 0 {
            line.push_str(&format!(" · answers {} acked {}", p.answers, p.acks));
        }
        if p.finished > 0 {
            line.push_str(&format!(" · finished {}", p.finished));
        }
        if p.updates > 0 {
            line.push_str(&format!(" · board updates {}", p.updates));
        }
        line.push_str(&format!(" · errors {}", p.errors));
        line
    }
}

/// Draws the line until the returned task is aborted (see [`finish`]).
pub fn show(status: Arc<Status>) -> JoinHandle<()> {
    let started = Instant::now();
    tokio::spawn(async move {
        let tty = std::io::stderr().is_terminal();
        let every = if tty {
            Duration::from_millis(250)
        } else {
            Duration::from_secs(5)
        };
        loop {
            tokio::time::sleep(every).await;
            let line = status.line(started.elapsed());
            let mut err = std::io::stderr().lock();
            let _ = if tty {
                write!(err, "\r{line}\x1b[K")
            } else {
                writeln!(err, "{line}")
            };
            let _ = err.flush();
        }
    })
}

/// Stops the line and leaves the cursor on a fresh line.
pub fn finish(task: JoinHandle<()>) {
    task.abort();
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
}
