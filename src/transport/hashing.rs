//! Password hashing with a bound. An argon2id hash takes 19 MiB and tens of milliseconds of
//! a core; 200 sign-ins at once, all hashed in parallel, took the server to 3.97 GB. Here a
//! few threads of their own (one fewer than the cores) do every hash, a bounded queue waits for them, and
//! anything beyond is refused at once with `server_busy` — before any memory is spent on it.
//!
//! Why threads of their own, each with its hashing memory kept for the next hash
//! ([`verify_password`]): the allocator does not give a freed 19 MiB back to the system. Even
//! one sign-in after another added 19.5 MiB of VmRSS each, up to 237 MiB after a dozen; two
//! at a time through `spawn_blocking` under a semaphore peaked at 483 MiB for 200 sign-ins
//! (the blocking pool starts a fresh thread whenever none is idle at that instant). Two
//! threads that reuse their own memory hold 2 × 19 MiB, whatever comes.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::oneshot;

/// The gate is full: try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// How long a refused client should wait: a queue's worth of hashes on two cores.
pub const RETRY_AFTER_MS: u64 = 1000;

type Job = Box<dyn FnOnce() + Send>;

#[derive(Clone)]
pub struct PasswordGate {
    /// Jobs for the hashing threads; never longer than `most`, since only admitted jobs are
    /// sent.
    queue: Sender<Job>,
    /// Hashes running or waiting now.
    admitted: Arc<AtomicUsize>,
    /// Most admitted at once: running plus waiting.
    most: usize,
}

/// An admitted hash's place; given back when the hash is done (or skipped).
struct Admitted(Arc<AtomicUsize>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl PasswordGate {
    /// `at_once` threads hash; `queue` more hashes may wait for them.
    pub fn new(at_once: usize, queue: usize) -> PasswordGate {
        let (tx, rx) = channel::<Job>();
        let at_once = at_once.max(1);
        // A std mutex: each thread holds it only to take the next job off the queue.
        let rx = Arc::new(Mutex::new(rx));
        for n in 0..at_once {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("hoithi-hash-{n}"))
                .spawn(move || work(&rx))
                .expect("a password-hashing thread starts");
        }
        PasswordGate {
            queue: tx,
            admitted: Arc::default(),
            most: at_once + queue,
        }
    }

    /// Runs `work` (a hash) on a hashing thread when its turn comes, or refuses at once when
    /// the queue is full. A caller that gives up keeps its place until its hash is done, or
    /// until a thread takes the job and sees that nobody waits for it.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let admitted = self.admit()?;
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _admitted = admitted;
            if !tx.is_closed() {
                let _ = tx.send(work());
            }
        });
        self.queue.send(job).map_err(|_| Busy)?;
        rx.await.map_err(|_| Busy)
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

thread_local! {
    /// This thread's argon2 memory, grown to the largest cost it has met and kept: the
    /// stored hashes all have the same cost, so it is allocated once.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Whether `password` matches `hash` (an argon2 PHC string), computed in this thread's kept
/// memory. Any hash that does not parse matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut out = [0u8; 64];
    let out = &mut out[..expected.len()];
    let computed = MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        argon2
            .hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory[..blocks])
            .is_ok()
    });
    // The same time whichever byte differs.
    computed
        && out
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

fn work(jobs: &Mutex<Receiver<Job>>) {
    loop {
        let next = jobs.lock().expect("hash queue lock").recv();
        match next {
            Ok(job) => job(),
            // The gate is gone: the server is done.
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::time::Duration;

    use argon2::password_hash::{PasswordHasher, SaltString};

    use super::*;

    #[test]
    fn a_hash_verifies_its_own_password_only() {
        let salt = SaltString::encode_b64(b"hoithi-test-salt").unwrap();
        let hash = Argon2::default()
            .hash_password(b"mat-khau-dung", &salt)
            .unwrap()
            .to_string();
        assert!(verify_password("mat-khau-dung", &hash));
        assert!(!verify_password("mat-khau-sai", &hash));
        assert!(!verify_password("mat-khau-dung", "not a hash"));
        assert!(
            verify_password("mat-khau-dung", &hash),
            "again, in the memory the first check left"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_n_run_at_once_a_queue_waits_and_the_rest_are_refused() {
        let gate = PasswordGate::new(2, 3);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        // The hashes stay until the test has seen the queue full: no step depends on how fast
        // a loaded machine starts a thread.
        let release = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for _ in 0..5 {
            let (gate, running, most, release) =
                (gate.clone(), running.clone(), most.clone(), release.clone());
            tasks.push(tokio::spawn(async move {
                gate.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    let waited = std::time::Instant::now();
                    while !release.load(Ordering::SeqCst) && waited.elapsed() < LONGEST {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        // All five are admitted (two running, three waiting), and both running have started.
        let waited = std::time::Instant::now();
        while (gate.admitted() < 5 || most.load(Ordering::SeqCst) < 2) && waited.elapsed() < LONGEST
        {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(gate.admitted(), 5);
        assert_eq!(gate.run(|| ()).await, Err(Busy), "the sixth is refused");
        release.store(true, Ordering::SeqCst);
        for task in tasks {
            assert_eq!(task.await.unwrap(), Ok(()));
        }
        assert_eq!(
            most.load(Ordering::SeqCst),
            2,
            "two ran at once, never more"
        );
        // A place is given back when its hashing thread lets go of it, which may be a moment
        // after the caller has its result (CI saw 1 here once): wait for it, within LONGEST.
        let waited = std::time::Instant::now();
        while gate.admitted() > 0 && waited.elapsed() < LONGEST {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(gate.admitted(), 0, "every place is given back");
        assert_eq!(gate.run(|| 7).await, Ok(7), "free again");
    }

    /// A bound for the waits above, only so that a broken gate fails instead of hanging.
    const LONGEST: Duration = Duration::from_secs(30);

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
