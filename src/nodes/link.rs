//! The owner's link to one other node for one game: the room queues each remote connection's
//! messages here as it would on a local connection (an `Outbox::forward`), and the link
//! publishes what is queued, merging a run of the same message to many connections into one
//! delivery, and what was queued together into one publication. A broadcast to the node's
//! 16,000 players is then one Redis message, not 16,000.

use tokio::sync::mpsc;

use super::wire::{self, Kind, NodeMessage, ToNode};
use super::Cluster;
use crate::domain::GameId;
use crate::outbox::Outgoing;
use crate::protocol::Text;

/// Messages a link may hold before its node counts as not reading (its connections are let
/// go and resume): a broadcast to every player of a large node, with room to spare.
pub const LINK_CAPACITY: usize = 65_536;
/// Queued messages published per round.
const BATCH: usize = 65_536;

/// One publication: `text` (of `kind`) for every connection in `conns`.
#[derive(Debug, PartialEq)]
pub struct Delivery {
    pub conns: Vec<u64>,
    pub kind: Kind,
    pub text: Text,
}

fn split(msg: Outgoing) -> (Kind, Text) {
    match msg {
        Outgoing::Text(text) => (Kind::Text, text),
        Outgoing::Question { index, text } => (Kind::Question { index }, text),
        Outgoing::Last(text) => (Kind::Last, text),
    }
}

/// Queued messages in order, a run of the same message (kind and text) made into one delivery.
/// Only runs merge, so every connection still gets its messages in the order queued.
pub fn group(queued: impl IntoIterator<Item = (u64, Outgoing)>) -> Vec<Delivery> {
    let mut out: Vec<Delivery> = Vec::new();
    for (conn, msg) in queued {
        let (kind, text) = split(msg);
        match out.last_mut() {
            Some(last) if last.kind == kind && last.text == text => last.conns.push(conn),
            _ => out.push(Delivery {
                conns: vec![conn],
                kind,
                text,
            }),
        }
    }
    out
}

/// A publication is cut after this many bytes of texts and connection numbers: far below
/// Redis's limit for a subscriber's output buffer (8 MB over 60 s by default), so a node's
/// 16,000 personal results go out in a few publications, none of which stalls the others.
const PUBLICATION_BYTES: usize = 256 * 1024;

/// Publishes what the room queues for `node`'s connections until the room lets go of the link
/// (it has ended and said goodbye), then tells the node's relay the game is over. What is
/// queued together goes out together: a broadcast as one delivery, the personal messages of a
/// close (results, finals) in as few publications as `PUBLICATION_BYTES` allows.
pub async fn run(
    cluster: Cluster,
    game: GameId,
    node: String,
    mut queue: mpsc::Receiver<(u64, Outgoing)>,
) {
    let channel = wire::node_channel(cluster.prefix(), &node);
    let mut queued = Vec::new();
    while queue.recv_many(&mut queued, BATCH).await > 0 {
        let mut batch = Vec::new();
        let mut bytes = 0;
        for delivery in group(queued.drain(..)) {
            bytes += delivery.text.len() + 8 * delivery.conns.len();
            batch.push(wire::Delivery {
                conns: delivery.conns,
                kind: delivery.kind,
                text: delivery.text.as_str().to_owned(),
            });
            if bytes >= PUBLICATION_BYTES {
                publish(&cluster, &channel, game, std::mem::take(&mut batch)).await;
                bytes = 0;
            }
        }
        if !batch.is_empty() {
            publish(&cluster, &channel, game, batch).await;
        }
    }
    let closed = ToNode {
        game,
        msg: NodeMessage::Closed,
    };
    cluster.publish(&channel, wire::encode(&closed)).await;
}

async fn publish(cluster: &Cluster, channel: &str, game: GameId, batch: Vec<wire::Delivery>) {
    let msg = ToNode {
        game,
        msg: NodeMessage::Deliver { batch },
    };
    cluster.publish(channel, wire::encode(&msg)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Text {
        Text::from(s.to_owned())
    }

    #[test]
    fn a_broadcast_between_personal_messages_is_one_delivery_and_order_is_kept() {
        let question = text("q1");
        let queued = vec![
            (1, Outgoing::Text(text("receipt"))),
            (
                1,
                Outgoing::Question {
                    index: 0,
                    text: question.clone(),
                },
            ),
            (
                2,
                Outgoing::Question {
                    index: 0,
                    text: question.clone(),
                },
            ),
            (
                3,
                Outgoing::Question {
                    index: 0,
                    text: question,
                },
            ),
            (2, Outgoing::Text(text("result 2"))),
            (3, Outgoing::Text(text("result 3"))),
            (1, Outgoing::Last(text("bye"))),
            (2, Outgoing::Last(text("bye"))),
        ];
        let groups = group(queued);
        let shape: Vec<(Vec<u64>, Kind, &str)> = groups
            .iter()
            .map(|d| (d.conns.clone(), d.kind, d.text.as_str()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (vec![1], Kind::Text, "receipt"),
                (vec![1, 2, 3], Kind::Question { index: 0 }, "q1"),
                (vec![2], Kind::Text, "result 2"),
                (vec![3], Kind::Text, "result 3"),
                (vec![1, 2], Kind::Last, "bye"),
            ]
        );
    }

    #[test]
    fn the_same_text_of_another_kind_is_not_merged() {
        let bye = text("bye");
        let groups = group(vec![
            (1, Outgoing::Text(bye.clone())),
            (2, Outgoing::Last(bye)),
        ]);
        assert_eq!(groups.len(), 2);
    }
}
