//! Password hashing with a bound. An argon2id hash takes 19 MiB and tens of milliseconds of
//! a core; 200 sign-ins at once, all hashed in parallel, took the server to 3.97 GB. Here at
//! most one hash per core runs (off the async workers, in `spawn_blocking`), a bounded number
//! wait their turn, and anything beyond is refused at once with `server_busy` — before any
//! memory is spent on it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;

/// The gate is full: try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// How long a refused client should wait: a queue's worth of hashes on two cores.
pub const RETRY_AFTER_MS: u64 = 1000;

#[derive(Clone)]
pub struct PasswordGate {
    running: Arc<Semaphore>,
    /// Hashes running or waiting now.
    admitted: Arc<AtomicUsize>,
    /// Most admitted at once: running plus waiting.
    most: usize,
}

/// An admitted hash's place; given back when the hash is done (or never started).
struct Admitted(Arc<AtomicUsize>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl PasswordGate {
    /// `at_once` hashes run together; `queue` more may wait.
    pub fn new(at_once: usize, queue: usize) -> PasswordGate {
        let at_once = at_once.max(1);
        PasswordGate {
            running: Arc::new(Semaphore::new(at_once)),
            admitted: Arc::default(),
            most: at_once + queue,
        }
    }

    /// Runs `work` (a hash) on the blocking pool when its turn comes, or refuses at once when
    /// the queue is full. The place and the permit move into the blocking task, so a client
    /// that hangs up does not free its place while its hash still runs.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let admitted = self.admit()?;
        let permit = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Busy)?;
        tokio::task::spawn_blocking(move || {
            let _held = (admitted, permit);
            work()
        })
        .await
        .map_err(|_| Busy)
    }

    fn admit(&self) -> Result<Admitted, Busy> {
        let mut now = self.admitted.load(Ordering::Acquire);
        loop {
            if now >= self.most {
                return Err(Busy);
            }
            match self.admitted.compare_exchange_weak(
                now,
                now + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(Admitted(self.admitted.clone())),
                Err(actual) => now = actual,
            }
        }
    }

    /// Hashes running or waiting now.
    pub fn admitted(&self) -> usize {
        self.admitted.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_n_run_at_once_a_queue_waits_and_the_rest_are_refused() {
        let gate = PasswordGate::new(2, 3);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..5 {
            let (gate, running, most) = (gate.clone(), running.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                gate.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(100));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(gate.admitted(), 5);
        assert_eq!(gate.run(|| ()).await, Err(Busy), "the sixth is refused");
        for task in tasks {
            assert_eq!(task.await.unwrap(), Ok(()));
        }
        assert_eq!(
            most.load(Ordering::SeqCst),
            2,
            "two ran at once, never more"
        );
        assert_eq!(gate.admitted(), 0);
        assert_eq!(gate.run(|| 7).await, Ok(7), "free again");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_caller_that_gives_up_keeps_its_place_until_its_hash_is_done() {
        let gate = PasswordGate::new(1, 0);
        let g = gate.clone();
        let abandoned = tokio::spawn(async move {
            g.run(|| std::thread::sleep(Duration::from_millis(200)))
                .await
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        abandoned.abort();
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(
            gate.run(|| ()).await,
            Err(Busy),
            "the hash still runs, so its place is still taken"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(gate.run(|| ()).await, Ok(()));
    }
}
