//! Measures the Redis leaderboards at province size: 700,000 students on the province board,
//! 102 commune boards, 1,400 school boards and 20,000 class boards; then the latency of the
//! queries the pages make (top 100, a student's rank and neighbours) and the rate at which
//! results can update all four boards of each student. Figures go to docs/performance.md.
//!
//! ```text
//! cargo run --release --example leaderboard_bench -- redis://127.0.0.1:6379 700000 contest
//! cargo run --release --example leaderboard_bench -- redis://127.0.0.1:6379 700000 live
//! cargo run --release --example leaderboard_bench -- redis://127.0.0.1:6379 700000 live 4
//! ```
//! `contest` ranks by the contest's five keys (score and time in the sorted set's score, three
//! tie-breaks after it: a Lua script per student); `live` by a live event's score and time
//! (all in the score: plain `ZADD`s).
//! Uses keys under `hoithi-bench:` and deletes them at the end.

use std::time::{Duration, Instant};

use hoithi::domain::ranking::RankOrder;
use hoithi::domain::scopes::Scope;
use hoithi::leaderboard::{Leaderboards, RedisBoards, Update};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const CONTEXT: &str = "bench";

fn context() -> hoithi::domain::context::Context {
    CONTEXT.parse().expect("a context name")
}

struct Student {
    code: String,
    commune: String,
    school: String,
    class: String,
}

fn students(n: usize) -> Vec<Student> {
    (0..n)
        .map(|i| {
            let school = i / 500;
            Student {
                code: format!("DEMO{i:07}"),
                commune: format!("C{:03}", school % 102),
                school: format!("S{school:04}"),
                class: format!("{}A", (i % 500) / 35),
            }
        })
        .collect()
}

fn entry(order: &RankOrder, rng: &mut StdRng, code: &str) -> String {
    if order.all_in_head() {
        // A live event: points and total answer time.
        return order.encode(
            &[rng.random_range(0..=20_000), rng.random_range(0..3_600_000)],
            code,
        );
    }
    order.encode(
        &[
            rng.random_range(0..=10),
            rng.random_range(60_000..600_000),
            rng.random_range(0..50_000),
            rng.random_range(1..8),
            rng.random_range(0..1_000_000),
        ],
        code,
    )
}

fn updates(order: &RankOrder, rng: &mut StdRng, s: &Student) -> Vec<Update> {
    let e = entry(order, rng, &s.code);
    Scope::of_participant(&s.commune, &s.school, &s.class)
        .into_iter()
        .map(|scope| Update {
            board: scope.board(&context()),
            member: s.code.clone(),
            entry: e.clone(),
        })
        .collect()
}

fn percentiles(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p) as usize].as_secs_f64() * 1000.0;
    println!(
        "{what}: n={} p50={:.3} ms p99={:.3} ms max={:.3} ms",
        samples.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "redis://127.0.0.1:6379".into());
    let n: usize = args
        .get(2)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(700_000);
    let boards = Leaderboards::Redis(RedisBoards::connect(&url, "hoithi-bench:").await?);
    let order = match args.get(3).map(String::as_str) {
        None | Some("contest") => RankOrder::contest(),
        Some("live") => RankOrder::live_game(),
        Some(other) => anyhow::bail!("order {other:?}: contest or live"),
    };
    let mut rng = StdRng::seed_from_u64(7);
    let roster = students(n);

    // Fill every board, 5,000 students (20,000 updates) per round trip.
    let started = Instant::now();
    for chunk in roster.chunks(5_000) {
        let batch: Vec<Update> = chunk
            .iter()
            .flat_map(|s| updates(&order, &mut rng, s))
            .collect();
        boards.set(&batch).await?;
    }
    let fill = started.elapsed();
    println!(
        "filled {} boards entries for {n} students in {:.1} s ({:.0} students/s)",
        4 * n,
        fill.as_secs_f64(),
        n as f64 / fill.as_secs_f64()
    );

    let province = Scope::Province.board(&context());
    println!("province board: {} members", boards.len(&province).await?);

    let queries = 10_000;
    let mut top = Vec::with_capacity(queries);
    let mut around = Vec::with_capacity(queries);
    let mut school_top = Vec::with_capacity(queries);
    for _ in 0..queries {
        let t = Instant::now();
        let page = boards.page(&province, 0, 100).await?;
        top.push(t.elapsed());
        assert_eq!(page.len(), 100.min(n));
        let s = &roster[rng.random_range(0..n)];
        let t = Instant::now();
        let found = boards.around(&province, &s.code, 5).await?;
        around.push(t.elapsed());
        assert!(found.is_some());
        let school = Scope::School {
            school: s.school.clone(),
        }
        .board(&context());
        let t = Instant::now();
        boards.page(&school, 0, 100).await?;
        school_top.push(t.elapsed());
    }
    percentiles("top 100 of the province", top);
    percentiles(
        "a student's rank and 5 neighbours each side (province)",
        around,
    );
    percentiles("top 100 of a school", school_top);

    // Sustained updates: results of random students, each updating its four boards, in
    // pipelined batches of 2,000 results, for 10 seconds. Several submitters (default two;
    // the fifth argument) run at once, as several rooms' feeds or nodes do, each over its own
    // share of the roster, so the client builds one batch while Redis applies another.
    let lanes: usize = args.get(4).map(|s| s.parse()).transpose()?.unwrap_or(2);
    let started = Instant::now();
    let share = n / lanes;
    let lanes = (0..lanes).map(|lane| {
        let (boards, order, roster) = (boards.clone(), order.clone(), &roster);
        async move {
            let mut rng = StdRng::seed_from_u64(100 + lane as u64);
            let mut done = 0usize;
            while started.elapsed() < Duration::from_secs(10) {
                let mut batch = Vec::with_capacity(8_000);
                for _ in 0..2_000 {
                    let who = lane * share + rng.random_range(0..share);
                    batch.extend(updates(&order, &mut rng, &roster[who]));
                }
                boards.set(&batch).await?;
                done += 2_000;
            }
            anyhow::Ok(done)
        }
    });
    let done: usize = futures_util::future::try_join_all(lanes)
        .await?
        .into_iter()
        .sum();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "updates: {done} results ({} board updates) in {secs:.1} s = {:.0} results/s",
        done * 4,
        done as f64 / secs
    );

    // Clean up.
    let client = redis::Client::open(url.as_str())?;
    let mut conn = client.get_multiplexed_async_connection().await?;
    let mut cursor: u64 = 0;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg("hoithi-bench:*")
            .arg("COUNT")
            .arg(5000)
            .query_async(&mut conn)
            .await?;
        if !keys.is_empty() {
            redis::cmd("UNLINK")
                .arg(keys)
                .query_async::<()>(&mut conn)
                .await?;
        }
        cursor = next;
        if cursor == 0 {
            break;
        }
    }
    Ok(())
}
