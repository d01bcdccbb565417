//! A connection's outgoing queue. Rooms (`engine`) and live boards (`rankings`) never write to
//! sockets: they push already-serialized messages here, and the connection's task
//! (`transport::ws`) writes them out. It sits below all three, so none imports another for it.

use tokio::sync::mpsc;

use crate::protocol::Text;

/// Messages a room may queue for one connection before it counts as not reading. A phone
/// that falls this far behind is disconnected (it comes back with `resume`) rather than
/// buffered without bound.
pub const OUTBOX_CAPACITY: usize = 64;

#[derive(Debug)]
pub enum Outgoing {
    Text(Text),
    /// A question: the connection notes when it finished writing it, because scoring counts
    /// from when the question reached this player.
    Question {
        index: usize,
        text: Text,
    },
    /// Write this message, then close the connection.
    Last(Text),
}

/// The room's end of a connection's queue.
#[derive(Debug, Clone)]
pub struct Outbox {
    /// Unique per connection, so a room can tell a player's old connection from their new one.
    pub id: u64,
    sink: Sink,
}

#[derive(Debug, Clone)]
enum Sink {
    /// A connection of this process.
    Local(mpsc::Sender<Outgoing>),
    /// A connection of another node (`nodes`): the message joins the queue of the link to
    /// that node, under the connection's number there; the link sends what is queued together.
    Forward {
        link: mpsc::Sender<(u64, Outgoing)>,
        remote: u64,
    },
}

impl Outbox {
    pub fn new(id: u64) -> (Outbox, mpsc::Receiver<Outgoing>) {
        let (tx, rx) = mpsc::channel(OUTBOX_CAPACITY);
        (
            Outbox {
                id,
                sink: Sink::Local(tx),
            },
            rx,
        )
    }

    /// The outbox of connection `remote` of another node, reached through `link`.
    pub fn forward(id: u64, link: mpsc::Sender<(u64, Outgoing)>, remote: u64) -> Outbox {
        Outbox {
            id,
            sink: Sink::Forward { link, remote },
        }
    }

    /// Queues a message without waiting. `false`: the connection is gone or not reading, and
    /// the room should let go of it.
    pub fn push(&self, msg: Outgoing) -> bool {
        match &self.sink {
            Sink::Local(tx) => tx.try_send(msg).is_ok(),
            Sink::Forward { link, remote } => link.try_send((*remote, msg)).is_ok(),
        }
    }

    /// Whether the connection is one of this process's (not reached through another node).
    pub fn is_local(&self) -> bool {
        matches!(self.sink, Sink::Local(_))
    }

    /// Whether the connection has gone.
    pub fn is_closed(&self) -> bool {
        match &self.sink {
            Sink::Local(tx) => tx.is_closed(),
            Sink::Forward { link, .. } => link.is_closed(),
        }
    }
}
