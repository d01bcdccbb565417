//! What the engine asks of the other nodes when it is one of several (issue 18). The engine
//! only knows this trait; `nodes::Cluster` implements it over Redis. So the rooms never
//! depend on how nodes talk, and the nodes depend on the engine (they relay its commands),
//! not the other way round.

use futures_util::future::BoxFuture;

use super::RoomHandle;
use crate::domain::GameId;
use crate::storage::Store;

/// An open game as another node's connections find it.
pub enum Found {
    /// Run by a live owner: this node's relay to it.
    Relay(RoomHandle),
    /// Its owner is gone (the lease has expired): to be taken over.
    Orphan(GameId),
}

/// The other nodes, as seen from this node's engine.
pub trait Elsewhere: Send + Sync {
    /// The open game of PIN `pin` when another node runs it (or ran it and is gone).
    fn find_by_pin<'a>(&'a self, store: &'a Store, pin: &'a str) -> BoxFuture<'a, Option<Found>>;

    /// As [`Elsewhere::find_by_pin`], by game id (a resume, a host screen).
    fn find_by_game<'a>(&'a self, store: &'a Store, game: GameId) -> BoxFuture<'a, Option<Found>>;

    /// Makes a room this node has just started reachable from the others, before its PIN is
    /// handed out.
    fn own(&self, room: RoomHandle) -> BoxFuture<'_, anyhow::Result<()>>;

    /// Takes over `game`, whose owner is gone: claims it, then runs `rebuild` (which starts
    /// the room and calls [`Elsewhere::own`]); the claim is given up if `rebuild` fails, so
    /// another node (or a later try) may do better.
    fn take_over<'a>(
        &'a self,
        game: GameId,
        rebuild: BoxFuture<'a, anyhow::Result<RoomHandle>>,
    ) -> BoxFuture<'a, anyhow::Result<RoomHandle>>;
}
