//! A relay: on a node that does not own a game, the one task that stands for the game's room.
//! The node's connections send it the room's own commands (`engine::Command`) through an
//! ordinary `RoomHandle`, so `transport::ws` cannot tell it from the room; it passes them to
//! the owner over Redis and hands the owner's messages to the connections' outboxes.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{interval, sleep_until, Instant, MissedTickBehavior};

use super::lease::Grant;
use super::wire::{self, FromConn, Kind, NodeMessage, RemoteCommand, ToOwner};
use super::{Cluster, LEASE_RENEW_EVERY};
use crate::domain::game::PlayerId;
use crate::engine::room::Joined;
use crate::engine::{Command, RoomHandle};
use crate::outbox::{Outbox, Outgoing};
use crate::protocol::{ErrorCode, Text};

/// A relay with no connection for this long ends (the next one to come starts another).
const IDLE: Duration = Duration::from_secs(5 * 60);
/// A join, resume or host screen the owner has not answered in this long is refused
/// (`server_busy`): the owner may have died, and the phone tries again.
const ANSWER_WAIT: Duration = Duration::from_secs(5);
/// At most this many commands ride in one publication to the owner.
const BATCH: usize = 512;

/// A connection of this node in the game.
struct Local {
    outbox: Outbox,
    /// `None` for a host screen, and for a player until the owner has seated them.
    player: Option<PlayerId>,
}

struct Relay {
    cluster: Cluster,
    channel: String,
    conns: HashMap<u64, Local>,
    joins: HashMap<u64, (oneshot::Sender<Joined>, Instant)>,
    hosts: HashMap<u64, (oneshot::Sender<Result<Text, ErrorCode>>, Instant)>,
    /// Commands for the owner not published yet ([`Relay::flush`]).
    pending: Vec<FromConn>,
}

pub async fn run(
    cluster: Cluster,
    handle: RoomHandle,
    owner: Grant,
    mut commands: mpsc::Receiver<Command>,
    mut events: mpsc::UnboundedReceiver<NodeMessage>,
) {
    let game = handle.game_id;
    let mut relay = Relay {
        channel: wire::game_channel(cluster.prefix(), game),
        cluster: cluster.clone(),
        conns: HashMap::new(),
        joins: HashMap::new(),
        hosts: HashMap::new(),
        pending: Vec::new(),
    };
    let mut idle_since = Instant::now();
    let mut watch = interval(LEASE_RENEW_EVERY);
    watch.set_missed_tick_behavior(MissedTickBehavior::Delay);
    tracing::info!(game = %game, owner = %owner.node, "relay started");
    loop {
        tokio::select! {
            cmd = commands.recv() => match cmd {
                Some(cmd) => {
                    relay.local(cmd);
                    // What the connections queued meanwhile goes in the same publication: one
                    // Redis round trip for a question's answers, not one each.
                    while relay.pending.len() < BATCH {
                        match commands.try_recv() {
                            Ok(cmd) => relay.local(cmd),
                            Err(_) => break,
                        }
                    }
                }
                None => break,
            },
            msg = events.recv() => match msg {
                Some(NodeMessage::Closed) | None => break,
                Some(msg) => relay.remote(msg),
            },
            _ = sleep_until(idle_since + IDLE) => if relay.conns.is_empty() { break },
            _ = watch.tick() => {
                // The owner died (its lease expired) or another node has taken the game over:
                // this relay's connections end, and their phones resume wherever they land.
                match cluster.owner(game).await {
                    Ok(Some(now)) if now == owner => relay.refuse_stale(),
                    Ok(_) => {
                        tracing::warn!(game = %game, owner = %owner.node, "the game's owner is gone");
                        break;
                    }
                    Err(e) => tracing::error!(game = %game, error = %e, "reading the game's owner failed"),
                }
            }
        }
        relay.flush().await;
        if !relay.conns.is_empty() {
            idle_since = Instant::now();
        }
    }
    cluster.forget_relay(game, &handle);
    tracing::info!(game = %game, "relay ended");
    // Dropping the outboxes closes the connections (1001); their phones resume.
}

impl Relay {
    fn queue(&mut self, conn: u64, cmd: RemoteCommand) {
        self.pending.push(FromConn { conn, cmd });
    }

    /// Publishes the queued commands to the owner in one message; if Redis cannot take it,
    /// each connection hears so as from a busy owner (and a phone tries again).
    async fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let msg = ToOwner {
            node: self.cluster.node().to_owned(),
            cmds: std::mem::take(&mut self.pending),
        };
        if self
            .cluster
            .publish(&self.channel, wire::encode(&msg))
            .await
        {
            return;
        }
        for FromConn { conn, cmd } in msg.cmds {
            match cmd {
                RemoteCommand::Join { .. } | RemoteCommand::Resume { .. } => {
                    if let Some((reply, _)) = self.joins.remove(&conn) {
                        self.conns.remove(&conn);
                        let _ = reply.send(Err(ErrorCode::ServerBusy));
                    }
                }
                RemoteCommand::Host => {
                    if let Some((reply, _)) = self.hosts.remove(&conn) {
                        self.conns.remove(&conn);
                        let _ = reply.send(Err(ErrorCode::ServerBusy));
                    }
                }
                RemoteCommand::Answer { .. }
                | RemoteCommand::Action { .. }
                | RemoteCommand::TeamPick { .. } => self.tell(conn, ErrorCode::ServerBusy),
                RemoteCommand::Detach { .. } => {}
            }
        }
    }

    /// A command of one of this node's connections, queued for the owner.
    fn local(&mut self, cmd: Command) {
        match cmd {
            // A relay's pupil joins without their class: teams by class are made on the owner
            // from the classes its own connections brought.
            Command::Join {
                nickname,
                token_secret,
                school,
                outbox,
                reply,
                ..
            } => {
                let cmd = RemoteCommand::Join {
                    nickname: nickname.as_str().to_owned(),
                    secret: token_secret,
                    school,
                };
                self.seat(outbox, reply, cmd);
            }
            Command::Resume {
                player,
                secret,
                outbox,
                reply,
            } => self.seat(outbox, reply, RemoteCommand::Resume { player, secret }),
            Command::Host { outbox, reply } => {
                let conn = outbox.id;
                self.conns.insert(
                    conn,
                    Local {
                        outbox,
                        player: None,
                    },
                );
                self.queue(conn, RemoteCommand::Host);
                self.hosts.insert(conn, (reply, Instant::now()));
            }
            Command::Answer {
                player,
                conn,
                q,
                answer,
                sent_at,
                received_at,
            } => {
                let took_ms =
                    sent_at.map(|s| received_at.saturating_duration_since(s).as_millis() as u64);
                let cmd = RemoteCommand::Answer {
                    player,
                    q,
                    answer,
                    took_ms,
                };
                self.queue(conn, cmd);
            }
            Command::HostAction { conn, action } => {
                self.queue(conn, RemoteCommand::Action { action });
            }
            Command::TeamPick { player, conn, team } => {
                self.queue(conn, RemoteCommand::TeamPick { player, team });
            }
            Command::Detach { player, conn } => {
                if self.conns.remove(&conn).is_some() {
                    self.queue(conn, RemoteCommand::Detach { player });
                }
            }
            // The room's own commands (from its writer), never a connection's.
            Command::Unseat { .. } | Command::AnswerNotStored { .. } => {}
        }
    }

    fn seat(&mut self, outbox: Outbox, reply: oneshot::Sender<Joined>, cmd: RemoteCommand) {
        let conn = outbox.id;
        self.conns.insert(
            conn,
            Local {
                outbox,
                player: None,
            },
        );
        self.queue(conn, cmd);
        self.joins.insert(conn, (reply, Instant::now()));
    }

    /// Refuses the joins, resumes and host screens the owner has left unanswered too long.
    fn refuse_stale(&mut self) {
        let stale = |since: &Instant| since.elapsed() > ANSWER_WAIT;
        let joins: Vec<u64> = self
            .joins
            .iter()
            .filter(|(_, (_, since))| stale(since))
            .map(|(&conn, _)| conn)
            .collect();
        for conn in joins {
            if let Some((reply, _)) = self.joins.remove(&conn) {
                self.conns.remove(&conn);
                let _ = reply.send(Err(ErrorCode::ServerBusy));
            }
        }
        let hosts: Vec<u64> = self
            .hosts
            .iter()
            .filter(|(_, (_, since))| stale(since))
            .map(|(&conn, _)| conn)
            .collect();
        for conn in hosts {
            if let Some((reply, _)) = self.hosts.remove(&conn) {
                self.conns.remove(&conn);
                let _ = reply.send(Err(ErrorCode::ServerBusy));
            }
        }
    }

    /// An error for one connection, from this node (the owner could not be reached).
    fn tell(&self, conn: u64, code: ErrorCode) {
        if let Some(local) = self.conns.get(&conn) {
            let msg = crate::protocol::encode(&crate::protocol::ServerMsg::error(code));
            local.outbox.push(Outgoing::Text(msg));
        }
    }

    /// A message of the owner's for this node.
    fn remote(&mut self, msg: NodeMessage) {
        match msg {
            NodeMessage::Seated { conn, result } => {
                let Some((reply, _)) = self.joins.remove(&conn) else {
                    // Refused here meanwhile (too slow): the owner must not keep it seated.
                    if let Ok((player, _, _)) = result {
                        self.queue(
                            conn,
                            RemoteCommand::Detach {
                                player: Some(player),
                            },
                        );
                    }
                    return;
                };
                match result {
                    Ok((player, welcome, open)) => {
                        if let Some(local) = self.conns.get_mut(&conn) {
                            local.player = Some(player);
                        }
                        if reply.send(Ok((player, Text::from(welcome), open))).is_err() {
                            // The connection went while it waited: the owner must let it go.
                            self.conns.remove(&conn);
                            self.queue(
                                conn,
                                RemoteCommand::Detach {
                                    player: Some(player),
                                },
                            );
                        }
                    }
                    Err(code) => {
                        self.conns.remove(&conn);
                        let _ = reply.send(Err(code));
                    }
                }
            }
            NodeMessage::Hosted { conn, result } => {
                let Some((reply, _)) = self.hosts.remove(&conn) else {
                    if result.is_ok() {
                        self.queue(conn, RemoteCommand::Detach { player: None });
                    }
                    return;
                };
                if result.is_err() {
                    self.conns.remove(&conn);
                }
                let _ = reply.send(result.map(Text::from));
            }
            NodeMessage::Deliver { batch } => {
                for delivery in batch {
                    self.deliver(delivery);
                }
            }
            NodeMessage::Closed => {}
        }
    }

    /// One delivery to this node's connections.
    fn deliver(&mut self, delivery: wire::Delivery) {
        let wire::Delivery { conns, kind, text } = delivery;
        let text = Text::from(text);
        let mut gone = Vec::new();
        for conn in conns {
            let Some(local) = self.conns.get(&conn) else {
                continue;
            };
            let msg = match kind {
                Kind::Text => Outgoing::Text(text.clone()),
                Kind::Question { index } => Outgoing::Question {
                    index,
                    text: text.clone(),
                },
                Kind::Last => Outgoing::Last(text.clone()),
            };
            if !local.outbox.push(msg) {
                gone.push(conn);
            }
        }
        // A connection that does not read is let go here as the room would let it go: the
        // owner hears it has left, and the phone comes back with `resume`.
        for conn in gone {
            if let Some(local) = self.conns.remove(&conn) {
                self.queue(
                    conn,
                    RemoteCommand::Detach {
                        player: local.player,
                    },
                );
            }
        }
    }
}
