//! Live boards for viewers (the projector at a 10/10 event, a phone following its school): a
//! viewer watches one page of one board; one task per watched page refreshes it at most twice
//! a second when results of its context arrived, and at least every few seconds (results may
//! come from another node), and sends it to its viewers only when it changed — serialized
//! once, whatever the number of viewers. A burst of answers costs each viewer at most two
//! messages a second.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::sync::{broadcast, mpsc};
use tokio::time::{interval, MissedTickBehavior};

use super::Rankings;
use crate::domain::scopes::Scope;
use crate::engine::{Outbox, Outgoing};
use crate::protocol::Text;

/// Shortest time between two updates of a watched page.
pub const REFRESH_EVERY: Duration = Duration::from_millis(500);
/// Refreshes without a local change, for results recorded by other nodes.
const IDLE_REFRESH_TICKS: u32 = 10;
/// Largest page a viewer may watch.
pub const MAX_WATCH: u64 = 100;

type Key = (String, Scope, u64);

#[derive(Clone)]
pub struct Hub {
    rankings: Rankings,
    // A std mutex: only held to find or insert a watcher's queue.
    watchers: Arc<Mutex<HashMap<Key, mpsc::Sender<Outbox>>>>,
    changed: broadcast::Sender<String>,
}

impl Hub {
    pub fn new(rankings: Rankings) -> Hub {
        let (changed, _) = broadcast::channel(1024);
        Hub {
            rankings,
            watchers: Arc::default(),
            changed,
        }
    }

    /// Says that results of `context` changed here (watchers refresh on their next tick).
    pub fn touched(&self, context: &str) {
        let _ = self.changed.send(context.to_owned());
    }

    /// Adds a viewer of the top `limit` of `scope` in `context`; it gets the page now and on
    /// every change.
    pub fn watch(&self, context: &str, scope: Scope, limit: u64, viewer: Outbox) {
        let key = (context.to_owned(), scope, limit.clamp(1, MAX_WATCH));
        let mut watchers = self.watchers.lock().expect("watchers lock");
        if let Some(tx) = watchers.get(&key) {
            match tx.try_send(viewer) {
                Ok(()) => return,
                Err(mpsc::error::TrySendError::Full(v) | mpsc::error::TrySendError::Closed(v)) => {
                    watchers.remove(&key);
                    return self.spawn(&mut watchers, key, v);
                }
            }
        }
        self.spawn(&mut watchers, key, viewer);
    }

    fn spawn(&self, watchers: &mut HashMap<Key, mpsc::Sender<Outbox>>, key: Key, first: Outbox) {
        let (tx, rx) = mpsc::channel(256);
        let _ = tx.try_send(first);
        watchers.insert(key.clone(), tx);
        let (hub, changed) = (self.clone(), self.changed.subscribe());
        tokio::spawn(async move {
            run(&hub, &key, rx, changed).await;
            let mut watchers = hub.watchers.lock().expect("watchers lock");
            if watchers.get(&key).is_some_and(|tx| tx.is_closed()) {
                watchers.remove(&key);
            }
        });
    }
}

async fn run(
    hub: &Hub,
    key: &Key,
    mut joins: mpsc::Receiver<Outbox>,
    mut changed: broadcast::Receiver<String>,
) {
    let (context, scope, limit) = key;
    let mut viewers: Vec<Outbox> = Vec::new();
    let mut last: Option<Text> = None;
    let mut seq = 0u64;
    let mut dirty = true;
    let mut idle = 0;
    let mut tick = interval(REFRESH_EVERY);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            joined = joins.recv() => match joined {
                Some(viewer) => {
                    if let Some(text) = &last {
                        if viewer.push(Outgoing::Text(text.clone())) {
                            viewers.push(viewer);
                        }
                    } else {
                        viewers.push(viewer);
                    }
                }
                None => return,
            },
            msg = changed.recv() => match msg {
                Ok(ctx) if &ctx == context => dirty = true,
                Err(broadcast::error::RecvError::Lagged(_)) => dirty = true,
                _ => {}
            },
            _ = tick.tick() => {
                idle += 1;
                if dirty || idle >= IDLE_REFRESH_TICKS || last.is_none() {
                    dirty = false;
                    idle = 0;
                    match page(hub, context, scope, *limit, seq + 1).await {
                        Ok((body, text)) if last.as_ref().map(strip_seq) != Some(body.clone()) => {
                            seq += 1;
                            viewers.retain(|v| v.push(Outgoing::Text(text.clone())));
                            last = Some(text);
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %format!("{e:#}"), "a live board could not be read"),
                    }
                }
                viewers.retain(|v| !v.is_closed());
                if viewers.is_empty() {
                    // Refuse new viewers from now on (the hub starts a fresh watcher for them),
                    // then take any that arrived meanwhile, so none is lost.
                    joins.close();
                    while let Ok(viewer) = joins.try_recv() {
                        viewers.push(viewer);
                    }
                    if viewers.is_empty() {
                        return;
                    }
                }
            }
        }
    }
}

/// The page as a `board` message, and its content without the sequence number (to tell
/// whether anything changed).
async fn page(
    hub: &Hub,
    context: &str,
    scope: &Scope,
    limit: u64,
    seq: u64,
) -> anyhow::Result<(String, Text)> {
    let mut lines = hub.rankings.page(context, scope, 0, limit).await?;
    if scope.is_individual() {
        lines.iter_mut().for_each(|l| l.member = None);
    }
    let total = hub.rankings.len(context, scope).await?;
    let body =
        json!({"context": context, "scope": scope, "total": total, "lines": lines}).to_string();
    let text = format!("{{\"type\":\"board\",\"seq\":{seq},{}", &body[1..]);
    Ok((body, Text::from(text)))
}

/// A `board` message without its `type` and `seq`, in the form [`page`] compares.
fn strip_seq(text: &Text) -> String {
    let s = text.as_str();
    match s.find(",\"context\"") {
        Some(i) => format!("{{{}", &s[i + 1..]),
        None => s.to_owned(),
    }
}
