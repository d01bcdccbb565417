//! Live boards for viewers (the projector at a 10/10 event, a phone following its school).
//! One task per watched board — a (context, scope), whoever asks and whatever page length —
//! reads the board at most twice a second when results of its context arrived (and every few
//! seconds when boards live in Redis, which other nodes write), and sends each page length in
//! use to its viewers only when that page changed: serialized once, the same bytes to every
//! viewer of that length. A viewer costs one queue push per update, whatever the number of
//! viewers; a burst of answers costs each viewer at most two messages a second.
//!
//! Only boards that exist may be watched (see [`super::known`]), and the number of boards is
//! capped in total and per client address, since each costs a read on every change.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch, Semaphore};
use tokio::time::{interval, MissedTickBehavior};

use super::known::Known;
use super::{Line, Rankings};
use crate::domain::context::Context;
use crate::domain::scopes::Scope;
use crate::leaderboard::Leaderboards;
use crate::outbox::{Outbox, Outgoing};
use crate::protocol::{encode, BoardPage, ServerMsg, Text};

/// Shortest time between two updates of a watched board.
pub const REFRESH_EVERY: Duration = Duration::from_millis(500);
/// Refreshes without a local change, for results recorded by other nodes (Redis only).
const IDLE_REFRESH_TICKS: u32 = 10;
/// Refreshes of a province event game's board: its feed writes after every question without
/// a word to the viewers (on this node or another), so the board is read every second and
/// sent only when its page changed.
const EVENT_REFRESH_TICKS: u32 = 2;
/// Longest page a viewer may watch.
pub const MAX_WATCH: u64 = 100;
/// Board reads at once, whatever the number of boards: viewers wait a little, live games'
/// queries keep their database connections.
const READS_AT_ONCE: usize = 2;

type Key = (Context, Scope);

/// A viewer of the top `limit` lines of a board.
pub struct Viewer {
    pub limit: usize,
    pub outbox: Outbox,
}

/// Why a watch was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchError {
    /// No such context (with results) or no such unit.
    NoSuchBoard,
    /// This address has opened as many boards as it may.
    AddressFull,
    /// The server watches as many boards as it may.
    Full,
}

/// Caps on watched boards.
#[derive(Debug, Clone, Copy)]
pub struct BoardCaps {
    pub total: usize,
    pub per_address: u32,
}

#[derive(Default)]
struct Boards {
    /// Each watched board's queue of new viewers.
    tasks: HashMap<Key, mpsc::Sender<Viewer>>,
    /// Per context, a counter its boards wait on: bumped when results of it change here.
    contexts: HashMap<Context, watch::Sender<u64>>,
    /// Boards each address started that are still watched.
    started_by: HashMap<IpAddr, u32>,
}

#[derive(Clone)]
pub struct Hub {
    rankings: Rankings,
    known: Arc<Known>,
    caps: BoardCaps,
    reads: Arc<Semaphore>,
    // A std mutex: held to find or insert a board's queue, never across an await.
    boards: Arc<Mutex<Boards>>,
}

impl Hub {
    pub fn new(rankings: Rankings, caps: BoardCaps) -> Hub {
        Hub {
            known: Arc::new(Known::new(rankings.store().clone())),
            rankings,
            caps,
            reads: Arc::new(Semaphore::new(READS_AT_ONCE)),
            boards: Arc::default(),
        }
    }

    /// What may be watched.
    pub fn known(&self) -> &Known {
        &self.known
    }

    /// Says that results of `context` changed here (its boards refresh on their next tick).
    pub fn touched(&self, context: &Context) {
        self.known.add_context(context);
        let boards = self.boards.lock().expect("boards lock");
        if let Some(tx) = boards.contexts.get(context) {
            tx.send_modify(|n| *n += 1);
        }
    }

    /// Boards watched now.
    pub fn boards(&self) -> usize {
        self.boards.lock().expect("boards lock").tasks.len()
    }

    /// Adds a viewer, from `address`, of the top `viewer.limit` of `scope` in `context`; it
    /// gets the page now and on every change.
    pub async fn watch(
        &self,
        address: IpAddr,
        context: &Context,
        scope: Scope,
        viewer: Viewer,
    ) -> Result<(), WatchError> {
        if !self.known.board_exists(context, &scope).await {
            return Err(WatchError::NoSuchBoard);
        }
        let key = (context.clone(), scope);
        let mut viewer = viewer;
        loop {
            let running = self
                .boards
                .lock()
                .expect("boards lock")
                .tasks
                .get(&key)
                .cloned();
            if let Some(tx) = running {
                // Waits when thousands arrive at once and the board is busy: they queue.
                match tx.send(viewer).await {
                    Ok(()) => return Ok(()),
                    // The board's task is ending (its last viewer left): start it afresh.
                    Err(mpsc::error::SendError(v)) => {
                        viewer = v;
                        let mut boards = self.boards.lock().expect("boards lock");
                        if boards.tasks.get(&key).is_some_and(|tx| tx.is_closed()) {
                            boards.tasks.remove(&key);
                        }
                        continue;
                    }
                }
            }
            let mut boards = self.boards.lock().expect("boards lock");
            if boards.tasks.contains_key(&key) {
                // Another viewer started it meanwhile.
                continue;
            }
            if boards.tasks.len() >= self.caps.total {
                return Err(WatchError::Full);
            }
            let started = boards.started_by.entry(address).or_insert(0);
            if *started >= self.caps.per_address {
                return Err(WatchError::AddressFull);
            }
            *started += 1;
            self.spawn(&mut boards, key, address, viewer);
            return Ok(());
        }
    }

    fn spawn(&self, boards: &mut Boards, key: Key, address: IpAddr, first: Viewer) {
        let (tx, rx) = mpsc::channel(256);
        let _ = tx.try_send(first);
        boards.tasks.insert(key.clone(), tx);
        let changed = boards
            .contexts
            .entry(key.0.clone())
            .or_insert_with(|| watch::channel(0).0)
            .subscribe();
        let hub = self.clone();
        tokio::spawn(async move {
            run(&hub, &key, rx, changed).await;
            let mut boards = hub.boards.lock().expect("boards lock");
            if boards.tasks.get(&key).is_some_and(|tx| tx.is_closed()) {
                boards.tasks.remove(&key);
            }
            if boards
                .contexts
                .get(&key.0)
                .is_some_and(|tx| tx.receiver_count() == 0)
            {
                boards.contexts.remove(&key.0);
            }
            if let Some(n) = boards.started_by.get_mut(&address) {
                *n -= 1;
                if *n == 0 {
                    boards.started_by.remove(&address);
                }
            }
        });
    }
}

/// Viewers of one page length, and the last page they were sent.
#[derive(Default)]
struct Group {
    viewers: Vec<Outbox>,
    /// The last page's total and lines, to tell whether it changed.
    last: Option<(u64, Vec<Line>)>,
    text: Option<Text>,
}

async fn run(
    hub: &Hub,
    key: &Key,
    mut joins: mpsc::Receiver<Viewer>,
    mut changed: watch::Receiver<u64>,
) {
    let (context, scope) = key;
    // Boards in Redis may change on another node without a word to this one; an event game's
    // boards change without a word to anyone.
    let shared = matches!(hub.rankings.boards(), Leaderboards::Redis(_));
    let idle_ticks = match (context.game(), shared) {
        (Some(_), _) => Some(EVENT_REFRESH_TICKS),
        (None, true) => Some(IDLE_REFRESH_TICKS),
        (None, false) => None,
    };
    let mut groups: BTreeMap<usize, Group> = BTreeMap::new();
    let mut joining = true;
    let mut seq = 0u64;
    let mut dirty = true;
    let mut idle = 0;
    let mut tick = interval(REFRESH_EVERY);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            joined = joins.recv(), if joining => match joined {
                Some(viewer) => {
                    let group = groups.entry(viewer.limit).or_default();
                    match &group.text {
                        Some(text) => {
                            if viewer.outbox.push(Outgoing::Text(text.clone())) {
                                group.viewers.push(viewer.outbox);
                            }
                        }
                        None => group.viewers.push(viewer.outbox),
                    }
                }
                // Nobody can hand us viewers any more; serve the ones we have.
                None => joining = false,
            },
            // A closed sender (the hub let go of the context) just means no more touches.
            Ok(()) = changed.changed() => dirty = true,
            _ = tick.tick() => {
                idle += 1;
                let unsent = groups.values().any(|g| g.text.is_none());
                if dirty || unsent || idle_ticks.is_some_and(|n| idle >= n) {
                    dirty = false;
                    idle = 0;
                    if let Err(e) = refresh(hub, context, scope, &mut groups, &mut seq).await {
                        tracing::warn!(error = %format!("{e:#}"), "a live board could not be read");
                    }
                }
                groups.retain(|_, g| {
                    g.viewers.retain(|v| !v.is_closed());
                    !g.viewers.is_empty()
                });
                if groups.is_empty() {
                    // Refuse new viewers from now on (the hub starts a fresh task for them),
                    // then take any that arrived meanwhile, so none is lost.
                    joins.close();
                    while let Ok(viewer) = joins.try_recv() {
                        groups.entry(viewer.limit).or_default().viewers.push(viewer.outbox);
                    }
                    if groups.is_empty() {
                        return;
                    }
                }
            }
        }
    }
}

/// Reads the board once, as long as the longest page in use, and sends every page length
/// that changed to its viewers.
async fn refresh(
    hub: &Hub,
    context: &Context,
    scope: &Scope,
    groups: &mut BTreeMap<usize, Group>,
    seq: &mut u64,
) -> anyhow::Result<()> {
    let Some(longest) = groups.keys().next_back().copied() else {
        return Ok(());
    };
    let (mut lines, total) = {
        let _turn = hub.reads.acquire().await?;
        let lines = hub.rankings.page(context, scope, 0, longest as u64).await?;
        (lines, hub.rankings.len(context, scope).await?)
    };
    if scope.is_individual() {
        lines.iter_mut().for_each(|l| l.member = None);
    }
    let changed: Vec<usize> = groups
        .iter()
        .filter(|(limit, group)| {
            let page = &lines[..lines.len().min(**limit)];
            group
                .last
                .as_ref()
                .is_none_or(|(t, l)| *t != total || l.as_slice() != page)
        })
        .map(|(limit, _)| *limit)
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    *seq += 1;
    for limit in changed {
        let page = &lines[..lines.len().min(limit)];
        let text = encode(&ServerMsg::Board {
            seq: *seq,
            page: BoardPage {
                context,
                scope,
                total,
                lines: page,
            },
        });
        let group = groups.get_mut(&limit).expect("a group of this length");
        group
            .viewers
            .retain(|v| v.push(Outgoing::Text(text.clone())));
        group.last = Some((total, page.to_vec()));
        group.text = Some(text);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use tokio::sync::mpsc::Receiver;

    use super::*;

    fn dot1() -> Context {
        "dot-1".parse().unwrap()
    }
    use crate::domain::ranking::RankOrder;
    use crate::leaderboard::{MemoryBoards, Update};
    use crate::storage::Store;

    async fn hub(caps: BoardCaps) -> (tempfile::TempDir, Hub) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&Store::sqlite_url(&dir.path().join("live.db")))
            .await
            .unwrap();
        let rankings = Rankings::new(store, Leaderboards::Memory(MemoryBoards::new()));
        (dir, Hub::new(rankings, caps))
    }

    fn address(i: u64) -> IpAddr {
        IpAddr::from([10, 0, 0, (i % 4) as u8])
    }

    async fn next(rx: &mut Receiver<Outgoing>) -> Text {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            Ok(Some(Outgoing::Text(text))) => text,
            other => panic!("no board: {other:?}"),
        }
    }

    /// Where each viewer's message lives in memory: one allocation per page length means the
    /// page was serialized once and shared.
    fn buffers(texts: &[Text]) -> HashSet<usize> {
        texts.iter().map(|t| t.as_str().as_ptr() as usize).collect()
    }

    #[tokio::test]
    async fn a_thousand_viewers_of_a_board_share_one_reader_and_the_same_bytes() {
        let (_dir, hub) = hub(BoardCaps {
            total: 10,
            per_address: 10,
        })
        .await;
        hub.touched(&dot1());
        let mut queues = Vec::new();
        for i in 0..1000 {
            let (outbox, rx) = Outbox::new(i);
            let limit = if i % 2 == 0 { 10 } else { 3 };
            hub.watch(
                address(i),
                &dot1(),
                Scope::Province,
                Viewer { limit, outbox },
            )
            .await
            .unwrap();
            queues.push(rx);
        }
        assert_eq!(hub.boards(), 1, "one board, whoever watches it");
        let mut first = Vec::new();
        for rx in &mut queues {
            first.push(next(rx).await);
        }
        assert_eq!(buffers(&first).len(), 2, "one message per page length");

        let entry = RankOrder::contest().encode(&[7, 1000, 0, 1, 1], "HS01");
        hub.rankings
            .boards()
            .set(&[Update {
                board: Scope::Province.board(&dot1()),
                member: "HS01".into(),
                entry,
            }])
            .await
            .unwrap();
        hub.touched(&dot1());
        let mut second = Vec::new();
        for rx in &mut queues {
            second.push(next(rx).await);
        }
        assert_eq!(buffers(&second).len(), 2);
        assert!(second[0].as_str().contains("\"seq\":2"), "{}", second[0]);
        assert!(second[1].as_str().contains("\"total\":1"), "{}", second[1]);
    }

    #[tokio::test]
    async fn only_boards_that_exist_are_watched_within_the_caps() {
        let (_dir, hub) = hub(BoardCaps {
            total: 3,
            per_address: 2,
        })
        .await;
        let viewer = |i| Viewer {
            limit: 10,
            outbox: Outbox::new(i).0,
        };
        let watch = |i: u64, context: &'static str, scope: Scope| {
            let hub = hub.clone();
            async move {
                hub.watch(address(i), &context.parse().unwrap(), scope, viewer(i))
                    .await
            }
        };
        assert_eq!(
            watch(0, "made-up", Scope::Province).await,
            Err(WatchError::NoSuchBoard)
        );
        hub.touched(&dot1());
        let school = |s: &str| Scope::School { school: s.into() };
        assert_eq!(
            watch(0, "dot-1", school("NOWHERE")).await,
            Err(WatchError::NoSuchBoard),
            "no such school on the roster"
        );
        // The viewers' queues are dropped at once, but a board lives until its next tick.
        assert_eq!(watch(0, "dot-1", Scope::Province).await, Ok(()));
        assert_eq!(watch(0, "dot-1", Scope::Communes).await, Ok(()));
        assert_eq!(
            watch(4, "dot-1", Scope::SchoolsOfProvince).await,
            Err(WatchError::AddressFull),
            "10.0.0.0 started two boards already"
        );
        assert_eq!(watch(1, "dot-1", Scope::SchoolsOfProvince).await, Ok(()));
        assert_eq!(
            watch(2, "dot-1", Scope::Province).await,
            Ok(()),
            "a board already watched costs nothing more"
        );
        hub.touched(&"dot-2".parse().unwrap());
        assert_eq!(
            watch(2, "dot-2", Scope::Province).await,
            Err(WatchError::Full)
        );
    }
}
