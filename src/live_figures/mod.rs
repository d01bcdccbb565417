//! The figures of a live event while it runs (issue 22, «Live during an event»): players
//! connected now and answers per second, for the province, a commune or a school. The socket
//! loop counts them (`transport/ws.rs`): a player's connection holds an [`Online`] place while
//! it lasts, and each answer it reads is counted in the second it arrived, under the school
//! the player named (an event game's player) or under the province only.
//!
//! One node alone keeps everything in this process. Several nodes (`--node-name` with Redis)
//! each publish their figures every second (`redis.rs`) and read the sum over the nodes, so
//! a dashboard on any node shows the whole event. These are gauges, not accounts: a second's
//! answers lost with a Redis failure are not counted again (the database has every answer).

mod redis;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::watch;

/// Seconds of answers the dashboard shows.
pub const WINDOW_SECS: u64 = 60;

/// Where a connection's player comes from, when they said (an event game's player).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub school: String,
    pub commune: String,
}

/// Which part of the figures a reader sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Province,
    Commune(String),
    School(String),
}

impl Part {
    /// The counter this part reads: every count goes to the province's and, with a unit, to
    /// its commune's and school's.
    fn field(&self) -> String {
        match self {
            Part::Province => "*".to_owned(),
            Part::Commune(c) => format!("c:{c}"),
            Part::School(s) => format!("s:{s}"),
        }
    }
}

fn fields(unit: Option<&Unit>) -> Vec<String> {
    let mut fields = vec!["*".to_owned()];
    if let Some(u) = unit {
        fields.push(format!("c:{}", u.commune));
        fields.push(format!("s:{}", u.school));
    }
    fields
}

/// What a dashboard shows of a part, now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Players connected now (over every node).
    pub online: i64,
    /// Answers received in each of the last [`WINDOW_SECS`] whole seconds, oldest first.
    pub answers_per_second: Vec<u64>,
    /// The Unix second the last of them ended at.
    pub until: u64,
}

#[derive(Default)]
struct Local {
    /// Connected players per field.
    online: HashMap<String, i64>,
    /// Answers per field in each second not yet published (one node: the last window).
    seconds: VecDeque<(u64, HashMap<String, u64>)>,
}

/// The live figures of this node, and of all nodes when shared. Cheap to clone.
#[derive(Clone)]
pub struct LiveFigures {
    // A std mutex: counters are touched per join, leave and answer, never across an await.
    local: Arc<Mutex<Local>>,
    shared: Option<redis::Shared>,
}

/// A connected player's place in the gauge, given back when the connection ends.
pub struct Online {
    figures: LiveFigures,
    fields: Vec<String>,
}

impl Drop for Online {
    fn drop(&mut self) {
        let mut local = self.figures.local.lock().expect("figures lock");
        for f in &self.fields {
            if let Some(n) = local.online.get_mut(f) {
                *n -= 1;
                if *n <= 0 {
                    local.online.remove(f);
                }
            }
        }
    }
}

fn unix_secs() -> u64 {
    (crate::storage::unix_ms() / 1000) as u64
}

impl LiveFigures {
    /// Figures of this process alone (one node).
    pub fn local() -> LiveFigures {
        LiveFigures {
            local: Arc::default(),
            shared: None,
        }
    }

    /// Figures summed over every node that publishes to the Redis at `url`; this node
    /// publishes its own as `node` every second until `shutdown`.
    pub async fn shared(
        url: &str,
        node: &str,
        shutdown: watch::Receiver<bool>,
    ) -> anyhow::Result<LiveFigures> {
        let shared = redis::Shared::connect(url, node).await?;
        let figures = LiveFigures {
            local: Arc::default(),
            shared: Some(shared.clone()),
        };
        tokio::spawn(redis::publish(figures.local.clone(), shared, shutdown));
        Ok(figures)
    }

    /// A player connected (from `unit`, when known): counted until the place is dropped.
    pub fn connected(&self, unit: Option<&Unit>) -> Online {
        let fields = fields(unit);
        let mut local = self.local.lock().expect("figures lock");
        for f in &fields {
            *local.online.entry(f.clone()).or_default() += 1;
        }
        Online {
            figures: self.clone(),
            fields,
        }
    }

    /// A player's answer arrived now.
    pub fn answered(&self, unit: Option<&Unit>) {
        let now = unix_secs();
        let mut local = self.local.lock().expect("figures lock");
        if local.seconds.back().is_none_or(|(at, _)| *at != now) {
            local.seconds.push_back((now, HashMap::new()));
        }
        let (_, counts) = local.seconds.back_mut().expect("this second");
        for f in fields(unit) {
            *counts.entry(f).or_default() += 1;
        }
        // One node keeps the window; a shared node keeps what it has not published, which its
        // task takes every second (a stalled Redis must not grow this without bound).
        while local
            .seconds
            .front()
            .is_some_and(|(at, _)| *at + WINDOW_SECS < now)
        {
            local.seconds.pop_front();
        }
    }

    /// The figures of `part` now.
    pub async fn read(&self, part: &Part) -> anyhow::Result<Figures> {
        let until = unix_secs();
        let field = part.field();
        if let Some(shared) = &self.shared {
            return shared.read(&field, until).await;
        }
        let local = self.local.lock().expect("figures lock");
        let online = local.online.get(&field).copied().unwrap_or(0);
        let by_second: HashMap<u64, u64> = local
            .seconds
            .iter()
            .map(|(at, counts)| (*at, counts.get(&field).copied().unwrap_or(0)))
            .collect();
        Ok(Figures {
            online,
            answers_per_second: window(until)
                .map(|s| by_second.get(&s).copied().unwrap_or(0))
                .collect(),
            until,
        })
    }
}

/// The whole seconds of the window ending at `until` (the second under way is not whole).
fn window(until: u64) -> impl Iterator<Item = u64> {
    until.saturating_sub(WINDOW_SECS)..until
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(school: &str, commune: &str) -> Unit {
        Unit {
            school: school.into(),
            commune: commune.into(),
        }
    }

    #[tokio::test]
    async fn players_count_in_their_school_commune_and_the_province_while_connected() {
        let figures = LiveFigures::local();
        let a = figures.connected(Some(&unit("A", "X")));
        let _b = figures.connected(Some(&unit("B", "X")));
        let _anonymous = figures.connected(None);
        let read = |part: Part| {
            let figures = figures.clone();
            async move { figures.read(&part).await.unwrap().online }
        };
        assert_eq!(read(Part::Province).await, 3);
        assert_eq!(read(Part::Commune("X".into())).await, 2);
        assert_eq!(read(Part::School("A".into())).await, 1);
        drop(a);
        assert_eq!(read(Part::School("A".into())).await, 0);
        assert_eq!(read(Part::Province).await, 2);
    }

    #[tokio::test]
    async fn answers_count_in_the_second_they_arrived() {
        let figures = LiveFigures::local();
        figures.answered(Some(&unit("A", "X")));
        figures.answered(None);
        let now = unix_secs();
        // Wait for this second to be whole.
        while unix_secs() == now {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let province = figures.read(&Part::Province).await.unwrap();
        assert_eq!(province.answers_per_second.len() as u64, WINDOW_SECS);
        assert_eq!(province.answers_per_second.iter().sum::<u64>(), 2);
        let school = figures.read(&Part::School("A".into())).await.unwrap();
        assert_eq!(school.answers_per_second.iter().sum::<u64>(), 1);
        assert_eq!(
            figures
                .read(&Part::School("B".into()))
                .await
                .unwrap()
                .answers_per_second
                .iter()
                .sum::<u64>(),
            0
        );
    }
}
