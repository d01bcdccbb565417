//! What one closed question of a province event game costs the board feed: PLAYERS players of
//! 1,400 schools in the 102 communes, their totals handed over as the room does
//! (`BoardFeed::game_totals`), written to Redis as the event's boards (every player on the
//! province, their commune and their school; every school and commune tallied again). Times
//! the first close (the feed reads the players' schools from the database once) and a second
//! one where every total changed, and counts the commands Redis processed for each (the game's
//! own `players` board included, which the feed writes anyway).
//! Figures go to docs/performance.md.
//!
//! ```text
//! redis-server --port 6390 --save '' --appendonly no &
//! cargo run --release --example event_feed_cost -- redis://127.0.0.1:6390 48000
//! cargo run --release --example event_feed_cost -- redis://127.0.0.1:6390 48000 plain
//! ```
//! `plain` feeds the same totals as an ordinary game's (its `players` board only).
//! Uses a temporary SQLite database whose game is game 1: run it against a Redis of its own
//! (its boards are `hoithi:lb:game-1/…`, which a shared Redis may hold for someone else).

use std::time::{Duration, Instant};

use hoithi::domain::bank::Level;
use hoithi::domain::roster::School;
use hoithi::domain::AccountId;
use hoithi::leaderboard::{Leaderboards, RedisBoards};
use hoithi::rankings::feed::{BoardFeed, GameTotal};
use hoithi::storage::writer::{self, Write};
use hoithi::storage::{NewGame, Role, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SCHOOLS: usize = 1_400;

async fn commands(url: &str) -> u64 {
    let client = redis::Client::open(url).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let info: String = redis::cmd("INFO")
        .arg("stats")
        .query_async(&mut conn)
        .await
        .unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("total_commands_processed:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "redis://127.0.0.1:6379".into());
    let players: usize = args.next().map_or(48_000, |n| n.parse().unwrap());
    // `plain`: the same game as an ordinary one (its `players` board only), for comparison.
    let plain = args.next().as_deref() == Some("plain");
    let dir = tempfile::tempdir()?;
    let store = Store::open(&Store::sqlite_url(&dir.path().join("cost.db"))).await?;
    store.seed_communes().await?;
    let communes: Vec<String> = store
        .communes()
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let schools: Vec<School> = (0..SCHOOLS)
        .map(|i| School {
            code: format!("S{i:04}"),
            name: format!("Trường {i}"),
            levels: vec![Level::Thcs],
            commune: communes[i % communes.len()].clone(),
            enrolment: 500,
        })
        .collect();
    store.upsert_schools(&schools).await?;
    let host = match store
        .create_account("bench", "Bench", Role::Organizer, None, "x")
        .await?
    {
        hoithi::storage::Inserted::New(id) => AccountId::new(id),
        hoithi::storage::Inserted::Taken => anyhow::bail!("account taken"),
    };
    let quiz = store.create_quiz(host, "Đo", &[]).await?;
    let game = store
        .create_game(&NewGame {
            quiz_id: quiz,
            host_id: host,
            pin: "999999",
            title: "Đo",
            settings_json: "{}",
            seed: 1,
        })
        .await?;
    store.set_game_event(game).await?;
    let (writer, _task) = writer::spawn(store.clone());
    for p in 0..players as i64 {
        let row = Write::Player {
            game,
            player: p,
            nickname: format!("p{p}"),
            token_hash: String::new(),
            school: Some(format!("S{:04}", p as usize % SCHOOLS)),
        };
        writer.write(row, None).await;
    }
    writer.flush().await;

    let boards = Leaderboards::Redis(RedisBoards::connect(&url, "hoithi:").await?);
    let feed = if plain {
        BoardFeed::spawn(boards.clone())
    } else {
        BoardFeed::spawn_with_events(boards.clone(), store.clone())
    };
    // The polls below on a connection of their own, not queued behind the feed's pipelines.
    let boards = Leaderboards::Redis(RedisBoards::connect(&url, "hoithi:").await?);
    let mut rng = StdRng::seed_from_u64(7);
    let province = if plain {
        format!("game-{game}/players")
    } else {
        format!("game-{game}/i/province")
    };
    let schools_board = format!("game-{game}/schools/province");
    for round in 1..=2 {
        let totals: Vec<GameTotal> = (0..players as i64)
            .map(|player| GameTotal {
                player,
                score: rng.random_range(0..=2_000 * round),
                answer_time_ms: rng.random_range(1_000..20_000 * round),
            })
            .collect();
        // The province board's first player once this close is written.
        let first = totals
            .iter()
            .min_by_key(|t| (std::cmp::Reverse(t.score), t.answer_time_ms, t.player))
            .map(|t| format!("{:07}", t.player))
            .unwrap();
        let before = commands(&url).await;
        let started = Instant::now();
        feed.game_totals(game, totals);
        // Written when the first player is on top and Redis has had nothing more to do for
        // 50 ms (the feed's chunks go out together; these polls cost 3 commands each).
        let mut last = commands(&url).await;
        let mut settled_at = None;
        loop {
            tokio::time::sleep(Duration::from_millis(10)).await;
            let top = boards.page(&province, 0, 1).await?;
            let on_top = top
                .first()
                .is_some_and(|r| r.entry.ends_with(&format!("|{first}")));
            let now = commands(&url).await;
            let quiet = now - last <= 3;
            last = now;
            match (on_top && quiet, settled_at) {
                (true, None) => settled_at = Some(started.elapsed()),
                (true, Some(at)) if started.elapsed() - at >= Duration::from_millis(50) => break,
                (false, _) => settled_at = None,
                _ => {}
            }
        }
        let took = settled_at.expect("settled");
        // Includes the game's own board (`players`) and this loop's polls (3 per 10 ms).
        let after = commands(&url).await;
        println!(
            "close {round}: {players} players, {SCHOOLS} schools: written in {:.0} ms, {} Redis commands",
            took.as_secs_f64() * 1000.0,
            after - before
        );
    }
    feed.game_over(game);
    tokio::time::sleep(Duration::from_millis(500)).await;
    for board in [province, schools_board, format!("game-{game}/communes")] {
        boards.remove(&board).await?;
    }
    Ok(())
}
