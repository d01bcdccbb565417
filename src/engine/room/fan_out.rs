//! A question to every player, written out beside the room rather than by it. The room queues
//! 19,000 copies of a question in a few milliseconds, but every copy wakes a connection task,
//! and 19,000 tasks woken at once overflow the runtime's local queues into its shared queue,
//! where everything woken from another thread waits behind them: the database's replies to the
//! writer, so the receipts of answers sent in the first few hundred milliseconds waited for the
//! whole fan-out (acknowledgement p99 131–150 ms when the answers after 0.5 s took 21.6 ms).
//! Here a task queues the copies a slice at a time and lets the woken connections write theirs
//! before the next slice, while the room goes on reading answers.
//!
//! Order is kept where it matters: the host screens get the question at once, and the room
//! waits for this task to finish before it sends players anything else (`Room::finish_fan_out`).
//! A player who answers has had the question; one who resumes meanwhile has it in their welcome
//! (their new connection is not in the slice list, which was taken when the question opened).

use tokio::task::JoinHandle;

use crate::domain::game::PlayerId;
use crate::outbox::{Outbox, Outgoing};
use crate::protocol::Text;

/// Connections queued before the task lets them run. 128 (half the runtime's local queue)
/// left an acknowledgement p99 of 157–204 ms at 19,000 players; with 32 the woken sockets and
/// the answers' work take turns finely enough for 20 ms, and the fan-out is no slower
/// (docs/performance.md, «A faster node»).
const SLICE: usize = 32;

/// The players whose connection did not take the question (gone, or not reading), with the
/// connection's id: the room lets them go unless they have come back meanwhile.
pub type Refused = Vec<(PlayerId, u64)>;

/// Starts writing question `index` (`text`) to every connection of `players`.
pub fn start(players: Vec<(PlayerId, Outbox)>, index: usize, text: Text) -> JoinHandle<Refused> {
    tokio::spawn(async move {
        let question = || Outgoing::Question {
            index,
            text: text.clone(),
        };
        let mut refused = Vec::new();
        // Players on other nodes first, all at once: each copy only joins its link's queue
        // (no task is woken per copy), and a link publishes what it finds queued together.
        let (remote, local): (Vec<_>, Vec<_>) = players
            .into_iter()
            .partition(|(_, outbox)| !outbox.is_local());
        for (player, outbox) in &remote {
            if !outbox.push(question()) {
                refused.push((*player, outbox.id));
            }
        }
        for (n, (player, outbox)) in local.iter().enumerate() {
            if n > 0 && n % SLICE == 0 {
                tokio::task::yield_now().await;
            }
            if !outbox.push(question()) {
                refused.push((*player, outbox.id));
            }
        }
        refused
    })
}
