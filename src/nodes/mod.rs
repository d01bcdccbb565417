//! Several nodes sharing one PostgreSQL and one Redis (issue 18; docs/architecture.md,
//! «Several nodes for 10/10»). A game is run by one node, its owner (the room task, under a
//! lease in Redis); a player or host who reaches another node talks to a relay there, which
//! looks to the connections like the room and passes commands and messages over Redis pub/sub.
//!
//! - `mod.rs` (here): the [`Cluster`] a node keeps: its name, its Redis connections, the one
//!   subscription that hears everything for this node, and its relays and owned games;
//! - `lease.rs`: who owns a game (a Redis lease with an epoch);
//! - `wire.rs`: the messages and channels;
//! - `bridge.rs`: the owner's side of a game: remote commands into the room, the room's
//!   messages out per node (`link.rs` batches them, one publication per node and message);
//! - `relay.rs`: the other nodes' side: one task per game per node;
//! - `orphans.rs`: open games whose owner died and that nobody came back to, ended.

pub mod bridge;
pub mod lease;
pub mod link;
pub mod orphans;
pub mod relay;
pub mod wire;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use futures_util::future::BoxFuture;
use futures_util::StreamExt;
use redis::aio::{ConnectionManager, PubSubSink};
use tokio::sync::{mpsc, watch};

use crate::domain::GameId;
use crate::engine::{Elsewhere, Found, RoomHandle};
use crate::storage::Store;
use lease::Leases;
use wire::{NodeMessage, ToNode, ToOwner};

/// Prefix of every key and channel of the nodes in Redis (the boards use the same).
const PREFIX: &str = "hoithi:";
/// How long a game's lease outlives its owner's last renewal: a dead owner's game waits this
/// long before another node may take it.
pub const LEASE_TTL: Duration = Duration::from_secs(10);
/// How often the owner renews: three chances before the lease runs out.
pub const LEASE_RENEW_EVERY: Duration = Duration::from_millis(LEASE_TTL.as_millis() as u64 / 3);

/// The lease's name for a game.
fn lease_name(game: GameId) -> String {
    format!("game:{game}")
}

/// This node's part in a cluster. Cheap to clone.
#[derive(Clone)]
pub struct Cluster {
    inner: Arc<Inner>,
}

struct Inner {
    node: String,
    /// Publications and leases (a multiplexed connection that reconnects by itself).
    conn: ConnectionManager,
    leases: Leases,
    /// Subscribes the games this node owns while the dispatcher reads; replaced on reconnect.
    // A std mutex: held only to clone the sink out, never across an await.
    sink: Mutex<Option<PubSubSink>>,
    /// The channels to subscribe again after a reconnect (the node's own and its games').
    channels: Mutex<HashSet<String>>,
    /// Games this node owns: where their remote commands go (the game's bridge).
    owned: Mutex<HashMap<GameId, mpsc::UnboundedSender<ToOwner>>>,
    /// Games other nodes own that this node's connections play: their relays.
    relays: Mutex<HashMap<GameId, (RoomHandle, mpsc::UnboundedSender<NodeMessage>)>>,
    shutdown: watch::Receiver<bool>,
    /// The bridges of owned games and their links: at shutdown, the last messages of a room
    /// (its `bye`) reach the other nodes' phones and the lease is given up before the
    /// process ends ([`Cluster::wait_closed`]).
    // A std mutex: held only to spawn or take the set, never across an await.
    tasks: Mutex<tokio::task::JoinSet<()>>,
}

impl Cluster {
    /// Joins the nodes sharing the Redis at `url` as `node` (a name no other node has), and
    /// starts hearing what other nodes send this one.
    pub async fn connect(
        url: &str,
        node: &str,
        shutdown: watch::Receiver<bool>,
    ) -> anyhow::Result<Cluster> {
        anyhow::ensure!(
            !node.is_empty() && !node.contains(char::is_whitespace),
            "--node-name {node:?}: give each node a short name without spaces"
        );
        let client = redis::Client::open(url).context("Failed to parse REDIS_URL")?;
        let conn = ConnectionManager::new(client.clone())
            .await
            .with_context(|| format!("Failed to connect to Redis at {url}"))?;
        let cluster = Cluster {
            inner: Arc::new(Inner {
                node: node.to_owned(),
                leases: Leases::new(conn.clone(), PREFIX, node, LEASE_TTL),
                conn,
                sink: Mutex::new(None),
                channels: Mutex::new(HashSet::from([wire::node_channel(PREFIX, node)])),
                owned: Mutex::new(HashMap::new()),
                relays: Mutex::new(HashMap::new()),
                shutdown,
                tasks: Mutex::new(tokio::task::JoinSet::new()),
            }),
        };
        // The first subscription is made before returning, so a game opened right after is
        // heard; later ones (after a lost connection) by the dispatcher.
        let stream = cluster.subscribe_all(&client).await?;
        tokio::spawn(cluster.clone().dispatch(client, stream));
        Ok(cluster)
    }

    pub fn node(&self) -> &str {
        &self.inner.node
    }

    pub(crate) fn leases(&self) -> &Leases {
        &self.inner.leases
    }

    /// A fresh pub/sub connection subscribed to every channel this node listens on.
    async fn subscribe_all(
        &self,
        client: &redis::Client,
    ) -> anyhow::Result<redis::aio::PubSubStream> {
        let (mut sink, stream) = client
            .get_async_pubsub()
            .await
            .context("Failed to open a Redis pub/sub connection")?
            .split();
        let channels: Vec<String> = self
            .inner
            .channels
            .lock()
            .expect("channels lock")
            .iter()
            .cloned()
            .collect();
        sink.subscribe(channels).await?;
        *self.inner.sink.lock().expect("sink lock") = Some(sink);
        Ok(stream)
    }

    /// Reads the node's subscription and hands each message to its game's bridge or relay;
    /// subscribes again when the connection is lost.
    async fn dispatch(self, client: redis::Client, mut stream: redis::aio::PubSubStream) {
        let mut shutdown = self.inner.shutdown.clone();
        let own = wire::node_channel(PREFIX, &self.inner.node);
        let games = format!("{PREFIX}game:");
        loop {
            tokio::select! {
                msg = stream.next() => match msg {
                    Some(msg) => {
                        let channel = msg.get_channel_name();
                        if channel == own {
                            self.to_relay(msg.get_payload_bytes());
                        } else if let Some(game) = channel.strip_prefix(&games) {
                            self.to_bridge(game, msg.get_payload_bytes());
                        }
                    }
                    None => {
                        tracing::error!("lost the Redis subscription of the nodes; reconnecting");
                        loop {
                            tokio::time::sleep(Duration::from_secs(1)).await;
                            match self.subscribe_all(&client).await {
                                Ok(s) => { stream = s; break }
                                Err(e) => tracing::error!(error = %format!("{e:#}"), "Redis subscription"),
                            }
                            if *shutdown.borrow() { return }
                        }
                    }
                },
                _ = shutdown.changed() => return,
            }
        }
    }

    fn to_relay(&self, payload: &[u8]) {
        let Ok(msg) = serde_json::from_slice::<ToNode>(payload) else {
            tracing::warn!("a node message that does not parse");
            return;
        };
        let relays = self.inner.relays.lock().expect("relays lock");
        if let Some((_, tx)) = relays.get(&msg.game) {
            let _ = tx.send(msg.msg);
        }
    }

    fn to_bridge(&self, game: &str, payload: &[u8]) {
        let (Ok(game), Ok(msg)) = (
            game.parse::<i64>(),
            serde_json::from_slice::<ToOwner>(payload),
        ) else {
            tracing::warn!("a game command that does not parse");
            return;
        };
        let owned = self.inner.owned.lock().expect("owned lock");
        if let Some(tx) = owned.get(&GameId::new(game)) {
            let _ = tx.send(msg);
        }
    }

    /// Publishes `payload` on `channel`; an error is logged (a lost message makes a phone
    /// resume; it never loses an answer already acknowledged).
    pub(crate) async fn publish(&self, channel: &str, payload: String) -> bool {
        let sent: redis::RedisResult<i64> = redis::cmd("PUBLISH")
            .arg(channel)
            .arg(payload)
            .query_async(&mut self.inner.conn.clone())
            .await;
        match sent {
            Ok(_) => true,
            Err(e) => {
                tracing::error!(error = %e, channel, "publishing to the other nodes failed");
                false
            }
        }
    }

    pub(crate) fn prefix(&self) -> &'static str {
        PREFIX
    }

    async fn subscribe(&self, channel: String, on: bool) {
        {
            let mut channels = self.inner.channels.lock().expect("channels lock");
            if on {
                channels.insert(channel.clone());
            } else {
                channels.remove(&channel);
            }
        }
        let sink = self.inner.sink.lock().expect("sink lock").clone();
        if let Some(mut sink) = sink {
            let done = if on {
                sink.subscribe(&channel).await
            } else {
                sink.unsubscribe(&channel).await
            };
            if let Err(e) = done {
                tracing::error!(error = %e, channel, "Redis (un)subscribe failed");
            }
        }
    }

    /// Takes ownership of a game this node has just opened: its lease, its channel, and the
    /// bridge that serves the other nodes' connections until the room ends.
    pub async fn own(&self, room: RoomHandle) -> anyhow::Result<()> {
        let game = room.game_id;
        let grant = self
            .claim(game)
            .await?
            .with_context(|| format!("game {game} is owned by another node"))?;
        self.serve(room, grant).await;
        Ok(())
    }

    /// The game's lease, if no other node holds it (this node's grant if it does already).
    pub async fn claim(&self, game: GameId) -> anyhow::Result<Option<lease::Grant>> {
        Ok(self.inner.leases.acquire(&lease_name(game)).await?)
    }

    /// Serves the other nodes' connections of `room`, whose lease this node holds under `grant`.
    pub async fn serve(&self, room: RoomHandle, grant: lease::Grant) {
        let game = room.game_id;
        let (tx, rx) = mpsc::unbounded_channel();
        self.inner
            .owned
            .lock()
            .expect("owned lock")
            .insert(game, tx);
        self.subscribe(wire::game_channel(PREFIX, game), true).await;
        self.spawn(bridge::run(self.clone(), room, grant, rx));
    }

    /// Runs a task the shutdown waits for (a bridge, a link).
    pub(crate) fn spawn(&self, task: impl std::future::Future<Output = ()> + Send + 'static) {
        let mut tasks = self.inner.tasks.lock().expect("tasks lock");
        // Finished ones are let go here, so a node that runs for months keeps only live ones.
        while tasks.try_join_next().is_some() {}
        tasks.spawn(task);
    }

    /// After the rooms have closed: waits for their bridges to say goodbye to the other nodes
    /// and give their leases up.
    pub async fn wait_closed(&self) {
        loop {
            let mut tasks = std::mem::take(&mut *self.inner.tasks.lock().expect("tasks lock"));
            if tasks.is_empty() {
                return;
            }
            while tasks.join_next().await.is_some() {}
        }
    }

    /// Called by a game's bridge when its room has ended.
    pub(crate) async fn disown(&self, game: GameId, grant: &lease::Grant) {
        self.inner.owned.lock().expect("owned lock").remove(&game);
        self.subscribe(wire::game_channel(PREFIX, game), false)
            .await;
        self.release(game, grant).await;
    }

    /// Gives the game's lease up.
    pub async fn release(&self, game: GameId, grant: &lease::Grant) {
        if let Err(e) = self.inner.leases.release(&lease_name(game), grant).await {
            tracing::warn!(error = %e, game = %game, "releasing the game's lease failed");
        }
    }

    /// The open game of PIN `pin` as this node may reach it: through its relay to the owner
    /// (started on first use), or as a game whose owner is gone; `None` when there is none.
    pub async fn find_by_pin(&self, store: &Store, pin: &str) -> Option<Found> {
        let row = match store.open_game_by_pin(pin).await {
            Ok(row) => row?,
            Err(e) => {
                tracing::error!(error = %e, "looking a PIN up in the database failed");
                return None;
            }
        };
        self.relay(row.id, row.pin, row.host_id).await
    }

    /// As [`Cluster::find_by_pin`], by game id (a resume, a host screen).
    pub async fn find_by_game(&self, store: &Store, game: GameId) -> Option<Found> {
        let row = match store.game(game).await {
            Ok(row) => row?,
            Err(e) => {
                tracing::error!(error = %e, "looking a game up in the database failed");
                return None;
            }
        };
        if !matches!(
            row.status,
            crate::storage::GameStatus::Lobby | crate::storage::GameStatus::Running
        ) {
            return None;
        }
        self.relay(row.id, row.pin, row.host_id).await
    }

    async fn relay(
        &self,
        game: GameId,
        pin: String,
        host: crate::domain::AccountId,
    ) -> Option<Found> {
        if let Some((handle, _)) = self.inner.relays.lock().expect("relays lock").get(&game) {
            return Some(Found::Relay(handle.clone()));
        }
        // A game whose lease another node holds is relayed; one whose lease has expired (its
        // owner died) is for this node to take over; one whose lease this node holds but whose
        // room is not here has just ended.
        let owner = match self.inner.leases.holder(&lease_name(game)).await {
            Ok(Some(grant)) if grant.node != self.inner.node => grant,
            Ok(Some(_)) => return None,
            Ok(None) => return Some(Found::Orphan(game)),
            Err(e) => {
                tracing::error!(error = %e, "reading a game's owner failed");
                return None;
            }
        };
        let mut relays = self.inner.relays.lock().expect("relays lock");
        // Another connection may have started it meanwhile.
        if let Some((handle, _)) = relays.get(&game) {
            return Some(Found::Relay(handle.clone()));
        }
        let (handle, commands) = RoomHandle::channel(game, pin, host);
        let (events_tx, events) = mpsc::unbounded_channel();
        relays.insert(game, (handle.clone(), events_tx));
        tokio::spawn(relay::run(
            self.clone(),
            handle.clone(),
            owner,
            commands,
            events,
        ));
        Some(Found::Relay(handle))
    }

    /// Who holds the lease of `game` now.
    pub(crate) async fn owner(&self, game: GameId) -> redis::RedisResult<Option<lease::Grant>> {
        self.inner.leases.holder(&lease_name(game)).await
    }

    /// Called by a relay as it ends.
    pub(crate) fn forget_relay(&self, game: GameId, handle: &RoomHandle) {
        let mut relays = self.inner.relays.lock().expect("relays lock");
        // Only this relay: a newer one for the game may have taken its place already.
        if relays.get(&game).is_some_and(|(h, _)| h.same_room(handle)) {
            relays.remove(&game);
        }
    }
}

impl Elsewhere for Cluster {
    fn find_by_pin<'a>(&'a self, store: &'a Store, pin: &'a str) -> BoxFuture<'a, Option<Found>> {
        Box::pin(Cluster::find_by_pin(self, store, pin))
    }

    fn find_by_game<'a>(&'a self, store: &'a Store, game: GameId) -> BoxFuture<'a, Option<Found>> {
        Box::pin(Cluster::find_by_game(self, store, game))
    }

    fn own(&self, room: RoomHandle) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(Cluster::own(self, room))
    }

    fn take_over<'a>(
        &'a self,
        game: GameId,
        rebuild: BoxFuture<'a, anyhow::Result<RoomHandle>>,
    ) -> BoxFuture<'a, anyhow::Result<RoomHandle>> {
        Box::pin(async move {
            let grant = self
                .claim(game)
                .await?
                .context("another node has taken the game over")?;
            let rebuilt = rebuild.await;
            if rebuilt.is_err() {
                self.release(game, &grant).await;
            }
            rebuilt
        })
    }
}
