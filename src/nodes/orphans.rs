//! Open games nobody runs any more. A game's owner may die with nobody coming back to its game
//! (the class went home): no node takes it over, and it would stay «running» in the database
//! and in the reports for ever. Each node's sweep watches the open games whose lease nobody
//! holds; one left so for `linger` (as long as an empty room waits for its players) is marked
//! interrupted, under its lease so that no takeover starts meanwhile.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::{interval, Instant, MissedTickBehavior};

use super::Cluster;
use crate::domain::GameId;
use crate::storage::Store;

/// How often the sweep looks, for a given linger: often enough to end a game near its time,
/// at most once a minute.
fn every(linger: Duration) -> Duration {
    (linger / 4).clamp(Duration::from_millis(250), Duration::from_secs(60))
}

pub async fn sweep(
    cluster: Cluster,
    store: Store,
    linger: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    // Since when this node has seen each open game without an owner.
    let mut unowned: HashMap<GameId, Instant> = HashMap::new();
    let mut tick = interval(every(linger));
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        let open = match store.open_game_ids().await {
            Ok(open) => open,
            Err(e) => {
                tracing::error!(error = %e, "listing the open games failed");
                continue;
            }
        };
        let mut still = HashMap::new();
        for game in open {
            match cluster.owner(game).await {
                Ok(Some(_)) => {}
                Ok(None) => {
                    let since = unowned.get(&game).copied().unwrap_or_else(Instant::now);
                    if since.elapsed() < linger || !end(&cluster, &store, game).await {
                        still.insert(game, since);
                    }
                }
                Err(e) => {
                    tracing::error!(game = %game, error = %e, "reading a game's owner failed");
                    if let Some(&since) = unowned.get(&game) {
                        still.insert(game, since);
                    }
                }
            }
        }
        unowned = still;
    }
}

/// Marks `game` interrupted while holding its lease; whether it is settled (ended here, or
/// taken by a node meanwhile).
async fn end(cluster: &Cluster, store: &Store, game: GameId) -> bool {
    let grant = match cluster.claim(game).await {
        Ok(Some(grant)) => grant,
        // A node has just taken it over: it is alive again.
        Ok(None) => return true,
        Err(e) => {
            tracing::error!(game = %game, error = %e, "claiming an abandoned game failed");
            return false;
        }
    };
    let ended = store.interrupt_game(game).await;
    cluster.release(game, &grant).await;
    match ended {
        Ok(true) => {
            tracing::warn!(game = %game, "a game nobody ran or came back to was marked interrupted");
            true
        }
        Ok(false) => true,
        Err(e) => {
            tracing::error!(game = %game, error = %e, "marking an abandoned game interrupted failed");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sweep_looks_a_few_times_per_linger_and_at_most_once_a_minute() {
        assert_eq!(every(Duration::from_secs(2)), Duration::from_millis(500));
        assert_eq!(every(Duration::from_secs(30 * 60)), Duration::from_secs(60));
        assert_eq!(every(Duration::from_millis(10)), Duration::from_millis(250));
    }
}
