//! One suite, both backends: every test runs against the in-process boards and against a real
//! redis-server (`HOITHI_TEST_REDIS_URL`, default `redis://127.0.0.1:6379`; `scripts/test.sh`
//! starts one when none runs). Without Redis these tests fail; they never skip.

use super::*;
use crate::domain::ranking::RankOrder;

pub fn redis_url() -> String {
    std::env::var("HOITHI_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Deletes the test's keys when the test ends, pass or fail.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let Ok(client) = ::redis::Client::open(redis_url()) else {
            return;
        };
        let Ok(mut conn) = client.get_connection() else {
            return;
        };
        let keys: Vec<String> = ::redis::cmd("KEYS")
            .arg(format!("{}*", self.0))
            .query(&mut conn)
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: ::redis::RedisResult<()> = ::redis::cmd("DEL").arg(keys).query(&mut conn);
        }
    }
}

/// Both backends, the Redis one under a fresh key prefix.
async fn backends() -> Vec<(&'static str, Leaderboards, Option<Cleanup>)> {
    let prefix = format!("hoithi-test-{:016x}:", rand::random::<u64>());
    let redis = RedisBoards::connect(&redis_url(), &prefix)
        .await
        .unwrap_or_else(|e| panic!("Redis at {} is needed by these tests: {e}", redis_url()));
    vec![
        ("memory", Leaderboards::Memory(MemoryBoards::new()), None),
        ("redis", Leaderboards::Redis(redis), Some(Cleanup(prefix))),
    ]
}

fn up(board: &str, member: &str, score: i64, time: i64) -> Update {
    Update {
        board: board.into(),
        member: member.into(),
        entry: RankOrder::live_game().encode(&[score, time], member),
    }
}

fn members(ranked: &[Ranked]) -> Vec<String> {
    ranked
        .iter()
        .map(|r| {
            RankOrder::live_game()
                .decode(&r.entry)
                .unwrap()
                .1
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn equal_scores_are_ordered_by_time_then_member_exactly() {
    for (name, lb, _cleanup) in backends().await {
        lb.set(&[
            up("b", "c", 900, 5000),
            up("b", "a", 900, 5000),
            up("b", "z", 900, 4999),
            up("b", "x", 1000, 90_000),
        ])
        .await
        .unwrap();
        let top = lb.page("b", 0, 10).await.unwrap();
        assert_eq!(members(&top), ["x", "z", "a", "c"], "{name}");
        assert_eq!(
            top.iter().map(|r| r.rank).collect::<Vec<_>>(),
            [1, 2, 3, 4],
            "{name}"
        );
    }
}

#[tokio::test]
async fn setting_the_same_total_twice_changes_nothing_and_a_new_total_replaces_the_old() {
    for (name, lb, _cleanup) in backends().await {
        let u = up("b", "lan", 500, 1000);
        lb.set(&[u.clone(), u.clone()]).await.unwrap();
        lb.set(std::slice::from_ref(&u)).await.unwrap();
        assert_eq!(
            lb.len("b").await.unwrap(),
            1,
            "{name}: a retry never double-counts"
        );
        lb.set(&[up("b", "minh", 700, 1000), up("b", "lan", 800, 1000)])
            .await
            .unwrap();
        let top = lb.page("b", 0, 10).await.unwrap();
        assert_eq!(members(&top), ["lan", "minh"], "{name}");
        assert_eq!(lb.len("b").await.unwrap(), 2, "{name}");
    }
}

#[tokio::test]
async fn a_members_rank_and_neighbours() {
    for (name, lb, _cleanup) in backends().await {
        let updates: Vec<Update> = (0..50)
            .map(|i| up("b", &format!("m{i:02}"), 1000 - i, 0))
            .collect();
        lb.set(&updates).await.unwrap();
        let (rank, near) = lb.around("b", "m10", 2).await.unwrap().unwrap();
        assert_eq!(rank, 11, "{name}");
        assert_eq!(
            members(&near),
            ["m08", "m09", "m10", "m11", "m12"],
            "{name}"
        );
        assert_eq!(near[0].rank, 9, "{name}");
        let (rank, near) = lb.around("b", "m00", 3).await.unwrap().unwrap();
        assert_eq!(
            (rank, near.len()),
            (1, 4),
            "{name}: no neighbours above the first"
        );
        assert!(
            lb.around("b", "nobody", 3).await.unwrap().is_none(),
            "{name}"
        );
        assert!(
            lb.around("empty", "m00", 3).await.unwrap().is_none(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn pages_follow_each_other() {
    for (name, lb, _cleanup) in backends().await {
        let updates: Vec<Update> = (0..25)
            .map(|i| up("b", &format!("m{i:02}"), i, 0))
            .collect();
        lb.set(&updates).await.unwrap();
        let first = lb.page("b", 0, 10).await.unwrap();
        let third = lb.page("b", 20, 10).await.unwrap();
        assert_eq!(first[0].rank, 1, "{name}");
        assert_eq!(members(&first)[0], "m24", "{name}");
        assert_eq!(third.len(), 5, "{name}");
        assert_eq!(third[4].rank, 25, "{name}");
        assert!(lb.page("b", 100, 10).await.unwrap().is_empty(), "{name}");
        assert!(
            lb.page("b", u64::MAX, 10).await.unwrap().is_empty(),
            "{name}: a huge offset is an empty page, not a panic"
        );
        assert!(lb.page("b", 0, 0).await.unwrap().is_empty(), "{name}");
    }
}

#[tokio::test]
async fn replacing_a_board_swaps_it_whole() {
    for (name, lb, _cleanup) in backends().await {
        lb.set(&[up("b", "old", 1, 0)]).await.unwrap();
        let fresh: Vec<(String, String)> = (0..3)
            .map(|i| {
                let u = up("b", &format!("n{i}"), i, 0);
                (u.member, u.entry)
            })
            .collect();
        lb.replace("b", &fresh).await.unwrap();
        assert_eq!(
            members(&lb.page("b", 0, 10).await.unwrap()),
            ["n2", "n1", "n0"],
            "{name}"
        );
        assert!(lb.around("b", "old", 1).await.unwrap().is_none(), "{name}");
        lb.set(&[up("b", "n0", 99, 0)]).await.unwrap();
        assert_eq!(
            lb.len("b").await.unwrap(),
            3,
            "{name}: the member index was rebuilt too"
        );
        lb.remove("b").await.unwrap();
        assert_eq!(lb.len("b").await.unwrap(), 0, "{name}");
    }
}

/// A contest entry: score and time in the head, three tie-breaks after it (the path where
/// Redis keeps a member index beside the sorted set).
fn contest(board: &str, member: &str, keys: [i64; 5]) -> Update {
    Update {
        board: board.into(),
        member: member.into(),
        entry: RankOrder::contest().encode(&keys, member),
    }
}

#[tokio::test]
async fn tie_breaks_after_the_head_rank_exactly_and_replace_the_old_entry() {
    for (name, lb, _cleanup) in backends().await {
        lb.set(&[
            contest("c", "an", [9, 300_000, 5, 1, 100]),
            contest("c", "binh", [9, 300_000, 5, 1, 99]),
            contest("c", "chi", [9, 300_000, 4, 2, 500]),
            contest("c", "dung", [10, 900_000, 0, 7, 900]),
        ])
        .await
        .unwrap();
        let names = |ranked: &[Ranked]| -> Vec<String> {
            ranked
                .iter()
                .map(|r| RankOrder::contest().decode(&r.entry).unwrap().1.to_owned())
                .collect()
        };
        let top = lb.page("c", 0, 10).await.unwrap();
        assert_eq!(names(&top), ["dung", "chi", "binh", "an"], "{name}");
        assert_eq!(
            RankOrder::contest().decode(&top[1].entry).unwrap().0,
            [9, 300_000, 4, 2, 500],
            "{name}: every key comes back"
        );
        // A better attempt replaces the old entry; the same one again changes nothing.
        let better = contest("c", "an", [10, 100_000, 9, 2, 1000]);
        lb.set(&[better.clone(), better]).await.unwrap();
        assert_eq!(lb.len("c").await.unwrap(), 4, "{name}");
        let (rank, near) = lb.around("c", "an", 1).await.unwrap().unwrap();
        assert_eq!(rank, 1, "{name}");
        assert_eq!(names(&near), ["an", "dung"], "{name}");
        let fresh = vec![{
            let u = contest("c", "em", [1, 1, 1, 1, 1]);
            (u.member, u.entry)
        }];
        lb.replace("c", &fresh).await.unwrap();
        assert_eq!(names(&lb.page("c", 0, 10).await.unwrap()), ["em"], "{name}");
        assert!(lb.around("c", "an", 1).await.unwrap().is_none(), "{name}");
        assert_eq!(
            lb.around("c", "em", 1).await.unwrap().unwrap().0,
            1,
            "{name}"
        );
    }
}

#[tokio::test]
async fn unset_takes_a_member_off_either_kind_of_board() {
    for (name, lb, _cleanup) in backends().await {
        lb.set(&[up("g", "a", 5, 0), up("g", "b", 4, 0)])
            .await
            .unwrap();
        lb.set(&[
            contest("c", "a", [5, 0, 0, 0, 0]),
            contest("c", "b", [4, 0, 0, 0, 0]),
        ])
        .await
        .unwrap();
        lb.unset(&[("g".into(), "a".into()), ("c".into(), "a".into())])
            .await
            .unwrap();
        lb.unset(&[("g".into(), "nobody".into())]).await.unwrap();
        assert_eq!(lb.len("g").await.unwrap(), 1, "{name}");
        assert_eq!(lb.len("c").await.unwrap(), 1, "{name}");
        assert!(lb.around("g", "a", 1).await.unwrap().is_none(), "{name}");
        assert!(lb.around("c", "a", 1).await.unwrap().is_none(), "{name}");
        assert_eq!(
            lb.around("c", "b", 1).await.unwrap().unwrap().0,
            1,
            "{name}"
        );
    }
}

#[tokio::test]
async fn an_expired_board_is_gone_and_the_instance_is_known_for_redis_only() {
    for (name, lb, _cleanup) in backends().await {
        lb.set(&[up("x", "a", 1, 0), up("keep", "a", 1, 0)])
            .await
            .unwrap();
        lb.expire("x", std::time::Duration::from_secs(1))
            .await
            .unwrap();
        assert_eq!(
            lb.len("x").await.unwrap(),
            1,
            "{name}: still there at first"
        );
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        assert_eq!(lb.len("x").await.unwrap(), 0, "{name}: gone after its time");
        assert_eq!(lb.len("keep").await.unwrap(), 1, "{name}: others stay");
        let instance = lb.instance().await.unwrap();
        match name {
            "redis" => assert!(instance.is_some_and(|id| id.len() == 40), "{name}"),
            _ => assert!(instance.is_none(), "{name}"),
        }
    }
}
