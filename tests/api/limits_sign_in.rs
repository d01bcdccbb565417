//! Sign-ins as a flood sends them, against the real binary, its memory read from /proc.
//! Before: 200 sign-ins at once (25 from each of 8 addresses, under the per-address limit)
//! hashed 200 passwords in parallel and took the server to 3.97 GB; 1,500 sign-ins with long
//! names grew the rate limiter by 90 MB.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::task::JoinSet;

use crate::addressed::{http_from, loopback, sign_in_from};
use crate::helpers::ADMIN_PASSWORD;
use crate::process::{hoithi, rss_kib, Server};

/// Samples the server's VmRSS every 5 ms until `stop`, keeping the highest.
fn watch_peak(pid: u32, stop: Arc<AtomicBool>) -> (Arc<AtomicU64>, tokio::task::JoinHandle<()>) {
    let peak = Arc::new(AtomicU64::new(rss_kib(pid)));
    let seen = peak.clone();
    let task = tokio::spawn(async move {
        while !stop.load(Ordering::Relaxed) {
            seen.fetch_max(rss_kib(pid), Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    (peak, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_sign_ins_at_once_are_hashed_a_few_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let idle = server.rss_kib();
    let stop = Arc::new(AtomicBool::new(false));
    let (peak, sampler) = watch_peak(server.pid(), stop.clone());
    let started = Instant::now();
    let mut attempts = JoinSet::new();
    for i in 0..200u8 {
        let addr = server.addr;
        attempts.spawn(async move {
            let from = loopback(41 + i % 8);
            let body = json!({"username": format!("khach-{i}"), "password": "doan-mo-thoi"});
            http_from(addr, from, "POST", "/api/session", None, Some(&body))
                .await
                .expect("an answer")
        });
    }
    let answers = attempts.join_all().await;
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    sampler.await.unwrap();
    let peak = peak.load(Ordering::Relaxed);
    let wrong = answers.iter().filter(|a| a.status == 401).count();
    let busy: Vec<_> = answers.iter().filter(|a| a.status == 503).collect();
    println!(
        "200 sign-ins at once: {wrong} checked (401), {} refused (503) in {took:?}; VmRSS \
         {} MiB idle, {} MiB at the peak",
        busy.len(),
        idle / 1024,
        peak / 1024
    );
    assert_eq!(wrong + busy.len(), 200, "only 401 or 503");
    // The default: one hashing thread fewer than the cores (at least one), 32 waiting.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .max(1);
    assert!(
        wrong >= threads + 32,
        "the running and the queued were all checked: {wrong}"
    );
    for answer in &busy {
        assert_eq!(answer.json["code"], "server_busy", "{answer:?}");
        assert!(answer.json["message"].as_str().unwrap().contains("bận"));
        assert!(answer.json["retry_after_ms"].as_u64().unwrap() > 0);
        assert_eq!(answer.header("retry-after").as_deref(), Some("1"));
    }
    // One argon2id hash takes 19 MiB: a core's worth at once, not 200 (3.97 GB before).
    assert!(
        peak < idle + 150 * 1024,
        "VmRSS {} MiB → {} MiB",
        idle / 1024,
        peak / 1024
    );
    assert!(
        sign_in_from(server.addr, loopback(1), "admin", ADMIN_PASSWORD)
            .await
            .is_ok(),
        "the organizer signs in once the flood is answered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ins_with_long_names_leave_no_memory_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = hoithi(dir.path());
    // The per-address limit would stop one address after 30; this test is about the
    // per-account limiter's keys, so it lets the address through.
    cmd.env("HOITHI_SIGN_INS_PER_ADDRESS_PER_MINUTE", "100000");
    let server = Server::start_with(cmd).await;
    let before = server.rss_kib();
    let gate = Arc::new(tokio::sync::Semaphore::new(20));
    let mut attempts = JoinSet::new();
    for i in 0..1500 {
        let (addr, gate) = (server.addr, gate.clone());
        attempts.spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            // 60,000 characters: the body limit is 64 KiB.
            let body = json!({"username": format!("{i}{}", "a".repeat(60_000)), "password": "x"});
            http_from(
                addr,
                loopback(51),
                "POST",
                "/api/session",
                None,
                Some(&body),
            )
            .await
            .expect("an answer")
            .status
        });
    }
    let statuses = attempts.join_all().await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    let after = server.rss_kib();
    println!(
        "1,500 sign-ins with 60 KB names: VmRSS {} MiB before, {} MiB after",
        before / 1024,
        after / 1024
    );
    // The names' keys used to stay: 1,500 × 60 KB = 90 MB.
    assert!(
        after < before + 30 * 1024,
        "VmRSS {} MiB → {} MiB",
        before / 1024,
        after / 1024
    );
}
