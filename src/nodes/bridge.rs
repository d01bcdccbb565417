//! The owner's side of a game played from several nodes: one task per owned game. It turns
//! the relays' commands into the room's own commands, giving each remote connection an
//! outbox that forwards to its node's link, keeps the game's lease, and lets go of the game
//! (links, channel, lease) once the room has ended.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{interval, Instant, MissedTickBehavior};

use super::lease::Grant;
use super::wire::{self, FromConn, NodeMessage, RemoteCommand, ToNode, ToOwner};
use super::{lease_name, link, Cluster, LEASE_RENEW_EVERY};
use crate::domain::Nickname;
use crate::engine::{Command, RoomHandle};
use crate::outbox::{Outbox, Outgoing};
use crate::protocol::ErrorCode;

/// Numbers the room knows remote connections by start here, far above a process's own
/// connection numbers, so the two never meet in one room.
const REMOTE_IDS: u64 = 1 << 62;

struct Bridge {
    cluster: Cluster,
    room: RoomHandle,
    /// The room's number for each remote connection, by (node, connection there).
    conns: HashMap<(String, u64), u64>,
    /// The queue of each node's link.
    links: HashMap<String, mpsc::Sender<(u64, Outgoing)>>,
    next_id: u64,
}

pub async fn run(
    cluster: Cluster,
    room: RoomHandle,
    grant: Grant,
    mut commands: mpsc::UnboundedReceiver<ToOwner>,
) {
    let game = room.game_id;
    let mut bridge = Bridge {
        cluster: cluster.clone(),
        room: room.clone(),
        conns: HashMap::new(),
        links: HashMap::new(),
        next_id: REMOTE_IDS,
    };
    let mut renew = interval(LEASE_RENEW_EVERY);
    renew.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            msg = commands.recv() => match msg {
                Some(msg) => bridge.handle(msg).await,
                None => break,
            },
            _ = renew.tick() => match cluster.leases().renew(&lease_name(game), &grant).await {
                Ok(true) => {}
                Ok(false) => tracing::error!(game = %game, "this node lost the game's lease"),
                Err(e) => tracing::error!(game = %game, error = %e, "renewing the game's lease failed"),
            },
            _ = room.closed() => break,
        }
    }
    // The links end (saying `Closed` to their nodes) once the room's outboxes and these are gone.
    drop(bridge);
    cluster.disown(game, &grant).await;
}

impl Bridge {
    fn link(&mut self, node: &str) -> mpsc::Sender<(u64, Outgoing)> {
        if let Some(tx) = self.links.get(node) {
            return tx.clone();
        }
        let (tx, rx) = mpsc::channel(link::LINK_CAPACITY);
        self.cluster.spawn(link::run(
            self.cluster.clone(),
            self.room.game_id,
            node.to_owned(),
            rx,
        ));
        self.links.insert(node.to_owned(), tx.clone());
        tx
    }

    /// A new remote connection: its number in the room and its outbox.
    fn attach(&mut self, node: &str, conn: u64) -> Outbox {
        let id = self.next_id;
        self.next_id += 1;
        self.conns.insert((node.to_owned(), conn), id);
        Outbox::forward(id, self.link(node), conn)
    }

    async fn handle(&mut self, msg: ToOwner) {
        for FromConn { conn, cmd } in msg.cmds {
            self.handle_one(msg.node.clone(), conn, cmd).await;
        }
    }

    async fn handle_one(&mut self, node: String, conn: u64, cmd: RemoteCommand) {
        let local = self.conns.get(&(node.clone(), conn)).copied();
        let room = self.room.clone();
        match cmd {
            RemoteCommand::Join {
                nickname,
                secret,
                school,
            } => {
                let Ok(nickname) = Nickname::parse(&nickname) else {
                    self.seated(&node, conn, Err(ErrorCode::InvalidNickname));
                    return;
                };
                let outbox = self.attach(&node, conn);
                let (reply, answer) = oneshot::channel();
                let cmd = Command::Join {
                    nickname,
                    token_secret: secret,
                    class: None,
                    school,
                    outbox,
                    reply,
                };
                self.ask_seat(node, conn, cmd, answer).await;
            }
            RemoteCommand::Resume { player, secret } => {
                let outbox = self.attach(&node, conn);
                let (reply, answer) = oneshot::channel();
                let cmd = Command::Resume {
                    player,
                    secret,
                    outbox,
                    reply,
                };
                self.ask_seat(node, conn, cmd, answer).await;
            }
            RemoteCommand::Host => {
                let outbox = self.attach(&node, conn);
                let (reply, answer) = oneshot::channel();
                let sent = room.send(Command::Host { outbox, reply }).await;
                let cluster = self.cluster.clone();
                let game = room.game_id;
                tokio::spawn(async move {
                    let result = match (sent, answer.await) {
                        (true, Ok(result)) => result.map(|t| t.as_str().to_owned()),
                        _ => Err(ErrorCode::GameNotFound),
                    };
                    let msg = NodeMessage::Hosted { conn, result };
                    reply_to(&cluster, &node, game, msg).await;
                });
            }
            RemoteCommand::Answer {
                player,
                q,
                answer,
                took_ms,
            } => {
                let Some(local) = local else { return };
                let now = Instant::now();
                let sent_at = took_ms.and_then(|ms| now.checked_sub(Duration::from_millis(ms)));
                room.send(Command::Answer {
                    player,
                    conn: local,
                    q,
                    answer,
                    sent_at,
                    received_at: now,
                })
                .await;
            }
            RemoteCommand::Action { action } => {
                if let Some(local) = local {
                    room.send(Command::HostAction {
                        conn: local,
                        action,
                    })
                    .await;
                }
            }
            RemoteCommand::TeamPick { player, team } => {
                if let Some(local) = local {
                    room.send(Command::TeamPick {
                        player,
                        conn: local,
                        team,
                    })
                    .await;
                }
            }
            RemoteCommand::Detach { player } => {
                if let Some(local) = self.conns.remove(&(node, conn)) {
                    room.send(Command::Detach {
                        player,
                        conn: local,
                    })
                    .await;
                }
            }
        }
    }

    /// Hands the room a join or resume and, once it answers (after the player's row is on
    /// disk, for a join), tells the relay, without holding up the next command.
    async fn ask_seat(
        &mut self,
        node: String,
        conn: u64,
        cmd: Command,
        answer: oneshot::Receiver<crate::engine::room::Joined>,
    ) {
        let sent = self.room.send(cmd).await;
        let cluster = self.cluster.clone();
        let game = self.room.game_id;
        tokio::spawn(async move {
            let result = match (sent, answer.await) {
                (true, Ok(result)) => {
                    result.map(|(player, text, open)| (player, text.as_str().to_owned(), open))
                }
                (false, _) => Err(ErrorCode::GameNotFound),
                (true, Err(_)) => Err(ErrorCode::ServerBusy),
            };
            reply_to(&cluster, &node, game, NodeMessage::Seated { conn, result }).await;
        });
    }

    fn seated(
        &self,
        node: &str,
        conn: u64,
        result: Result<(u32, String, Option<usize>), ErrorCode>,
    ) {
        let cluster = self.cluster.clone();
        let node = node.to_owned();
        let game = self.room.game_id;
        tokio::spawn(async move {
            reply_to(&cluster, &node, game, NodeMessage::Seated { conn, result }).await;
        });
    }
}

async fn reply_to(cluster: &Cluster, node: &str, game: crate::domain::GameId, msg: NodeMessage) {
    let channel = wire::node_channel(cluster.prefix(), node);
    cluster
        .publish(&channel, wire::encode(&ToNode { game, msg }))
        .await;
}
