//! Leaderboard updates with the in-process backend (`Leaderboards::Memory`, the embedded
//! default): one player's new entry, a closed question's batch of entries, and the reads a
//! screen makes, on a board of 19,000 players (the province event's game).
//!
//! `Leaderboards` is async (the Redis backend does I/O); the memory backend's futures are
//! ready at once, so each call is driven by a current-thread runtime's `block_on`, whose own
//! cost is part of the figure (well under a microsecond).

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use hoithi::domain::ranking::RankOrder;
use hoithi::leaderboard::{Leaderboards, MemoryBoards, Update};

const PLAYERS: usize = 19_000;
const BOARD: &str = "bench/game/1";

fn entry(order: &RankOrder, player: usize, score: i64) -> Update {
    let member = player.to_string();
    Update {
        board: BOARD.to_owned(),
        entry: order.encode(&[score, (player as i64 * 7919) % 20_000], &member),
        member,
    }
}

fn leaderboard(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    let order = RankOrder::live_game();
    let boards = Leaderboards::Memory(MemoryBoards::new());
    let filled: Vec<Update> = (0..PLAYERS)
        .map(|p| entry(&order, p, (p as i64 * 31) % 10_000))
        .collect();
    rt.block_on(boards.set(&filled))
        .expect("memory boards do not fail");

    c.bench_function("rank_order_encode", |b| {
        b.iter(|| order.encode(black_box(&[8_750, 12_345]), black_box("12345")))
    });
    let mut round = 0i64;
    c.bench_function("set_one_entry_19k_board", |b| {
        b.iter_batched(
            || {
                round += 1;
                vec![entry(
                    &order,
                    (round as usize * 104_729) % PLAYERS,
                    10_000 + round,
                )]
            },
            |update| rt.block_on(boards.set(&update)),
            BatchSize::SmallInput,
        )
    });
    c.bench_function("set_1000_entries_19k_board", |b| {
        b.iter_batched(
            || {
                round += 1;
                (0..1000)
                    .map(|i| {
                        entry(
                            &order,
                            (round as usize * 7 + i * 19) % PLAYERS,
                            20_000 + round,
                        )
                    })
                    .collect::<Vec<_>>()
            },
            |updates| rt.block_on(boards.set(&updates)),
            BatchSize::LargeInput,
        )
    });
    c.bench_function("top10_19k_board", |b| {
        b.iter(|| rt.block_on(boards.page(black_box(BOARD), 0, 10)))
    });
    c.bench_function("around_member_19k_board", |b| {
        b.iter(|| rt.block_on(boards.around(black_box(BOARD), black_box("9500"), 5)))
    });
}

criterion_group! {
    name = benches;
    config = common::quick();
    targets = leaderboard
}
criterion_main!(benches);
